//! Which Rust type stands for each component schema, read from the IR (never guessed from
//! names): the schema round-trip harness (`tests/roundtrip/run.py`) uses it to push instances
//! of `#/components/schemas/X` through the generated type, and `oagen schemas SPEC` prints it.

use crate::ir::Api;
use std::collections::BTreeMap;

/// The Rust type of every component schema (`components.schemas` of OpenAPI 3.0 §4.7.7 /
/// 3.1 §4.8.7) of a lowered API: the JSON pointer of the schema in its spec
/// (`/components/schemas/Call`, escaped as RFC 6901 says) → the type's path relative to the
/// spec's module (`types::Call`; `crate::types::Call` in a crate generated from one spec,
/// `crate::<module>::types::Call` in one with modules).
///
/// Every component schema has a definition of its own ([`crate::ir::TypeDef`], found by its
/// origin), so schemas that are aliases (`A: {$ref: B}`, a primitive such as
/// `{type: string}`, or a copy merged with an identical schema) are listed too and name their
/// `pub type` alias. The FastAPI `Undefined` sentinel is listed like any other schema.
pub fn schema_types(api: &Api) -> BTreeMap<String, String> {
    api.types
        .iter()
        .filter(|t| {
            t.origin.pointer.starts_with("/components/schemas/")
                && t.origin.pointer.matches('/').count() == 3
        })
        .map(|t| (t.origin.pointer.clone(), format!("types::{}", t.name.rust)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(yaml: &str) -> Api {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{yaml}"
        );
        let doc = crate::load::load_str(&text, crate::load::Format::Yaml, "t.yaml").expect("loads");
        crate::lower::lower(&doc).expect("lowers").0
    }

    #[test]
    fn maps_each_component_pointer_to_its_type_aliases_included() {
        let api = api(concat!(
            "    call.status: {type: string, enum: [ringing, answered]}\n",
            "    Call:\n      type: object\n      properties:\n",
            "        status: {$ref: '#/components/schemas/call.status'}\n",
            "        leg: {type: object, properties: {id: {type: string}}}\n",
            "    CallAlias: {$ref: '#/components/schemas/Call'}\n",
            "    Id: {type: string}\n",
            "    a/b: {type: integer}\n",
        ));
        let map = schema_types(&api);
        let expected: BTreeMap<String, String> = [
            ("/components/schemas/Call", "types::Call"),
            ("/components/schemas/CallAlias", "types::CallAlias"),
            ("/components/schemas/Id", "types::Id"),
            ("/components/schemas/a~1b", "types::Ab"),
            ("/components/schemas/call.status", "types::CallStatus"),
        ]
        .into_iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
        // The inline `leg` object has a type too, but it is not a component schema.
        assert_eq!(map, expected);
        assert!(api.types.iter().any(|t| t.name.rust == "CallLeg"));
    }
}
