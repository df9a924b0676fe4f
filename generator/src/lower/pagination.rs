//! Recognising paginated list operations (the `pagination` lowering pass), and checking the
//! pagination a configuration forces on an operation.
//!
//! An operation is a list when it has no required request body, exactly one success response,
//! and that response is JSON. Then, in this order (parameter and property names are matched exactly):
//!
//! 1. **`Link` header**: the body is an array and the response declares a `Link` header
//!    (GitHub). The next page is the `rel="next"` URL.
//! 2. The body is an object with a required array property `items`, `data`, `results`,
//!    `records`, `entries` or `values` (the first that exists), and:
//!    - **page number**: an integer query parameter `page`, `page_number`, `pageNumber` or
//!      `page_no`, and a required boolean `has_more`/`hasMore` (the list ends after the page
//!      where it is false) or a required integer `total`/`total_count`/`totalCount`/
//!      `total_items`/`totalItems` (it ends once that many items were read) (Vocode);
//!    - **cursor**: a string query parameter `cursor`, `page_token`, `pageToken`,
//!      `next_token`, `nextToken`, `continuation_token`, `continuationToken`, `after` or
//!      `continue`, and a string property `next_cursor`, `nextCursor`, `next_page_token`,
//!      `nextPageToken`, `next_token`, `nextToken`, `continuation_token`,
//!      `continuationToken`, `cursor` or `continue`, at the top level or inside an object
//!      property (`response_metadata.next_cursor` as in Slack, `metadata.continue` as in
//!      Kubernetes); it ends when that is absent, `null` or empty, or when a boolean
//!      `has_more`/`hasMore` is false;
//!    - **last item**: a string query parameter `starting_after`, a required boolean
//!      `has_more`, and items with a required string `id`: the next page starts after the
//!      last item read (Stripe).
//!
//! Every kind also ends at an empty page, and a cursor or URL that repeats the previous one.

use crate::ir::*;

const ITEMS: &[&str] = &["items", "data", "results", "records", "entries", "values"];
const PAGE_PARAMS: &[&str] = &["page", "page_number", "pageNumber", "page_no"];
const HAS_MORE: &[&str] = &["has_more", "hasMore"];
const TOTAL: &[&str] = &[
    "total",
    "total_count",
    "totalCount",
    "total_items",
    "totalItems",
];
const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "page_token",
    "pageToken",
    "next_token",
    "nextToken",
    "continuation_token",
    "continuationToken",
    "after",
    "continue",
];
const NEXT_CURSOR: &[&str] = &[
    "next_cursor",
    "nextCursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "nextToken",
    "continuation_token",
    "continuationToken",
    "cursor",
    "continue",
];

/// The fields of the struct a type stands for (through aliases), if it is one.
pub(crate) fn struct_fields<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a [Field]> {
    api.struct_of(ty).map(|(_, s)| s.fields.as_slice())
}

/// A property of the struct a type stands for, by wire name (never a flattened field):
/// the field and a reference to it.
fn find_field<'a>(api: &'a Api, ty: &TypeRef, wire: &str) -> Option<(FieldRef, &'a Field)> {
    let (owner, s) = api.struct_of(ty)?;
    let index = s
        .fields
        .iter()
        .position(|f| f.name.wire == wire && !f.flatten)?;
    Some((FieldRef { owner, index }, &s.fields[index]))
}

/// The type a type stands for when it is an alias of an array or of a primitive.
fn resolve_alias<'a>(api: &'a Api, ty: &'a TypeRef) -> &'a TypeRef {
    let mut ty = ty;
    for _ in 0..api.types.len() {
        let (TypeRef::Named(id) | TypeRef::Boxed(id)) = ty else {
            break;
        };
        match api.types.get(id.0).map(|d| &d.kind) {
            Some(TypeKind::Alias(next)) => ty = next,
            _ => break,
        }
    }
    ty
}

/// Required and not nullable: read without unwrapping.
fn plain(f: &Field) -> bool {
    f.required && !f.nullable && !f.flatten
}

fn field<'a>(fields: &'a [Field], wire: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.name.wire == wire && !f.flatten)
}

/// The one JSON success body of a list operation, and its response.
fn success_body(op: &Operation) -> Option<(&TypeRef, &Response)> {
    // Some specs give list operations an optional, empty body (Stripe's GETs declare an
    // optional form body); a required one makes the operation something else.
    if op.body.as_ref().is_some_and(|b| b.required) {
        return None;
    }
    let successes = op.successes();
    let [response] = successes.as_slice() else {
        return None;
    };
    let BodyKind::Json(ty) = &response.kind else {
        return None;
    };
    Some((ty, response))
}

fn declares_link_header(response: &Response) -> bool {
    response
        .headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case("link"))
}

fn query_param<'a>(
    op: &'a Operation,
    names: &[&str],
    ty: fn(&TypeRef) -> bool,
) -> Option<&'a Param> {
    names.iter().find_map(|name| {
        op.params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.name.wire == *name && ty(&p.ty))
    })
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Integer(_))
}

fn is_string(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String)
}

/// The first page number: the parameter's `default`, else its `minimum`, else 1.
fn first_page(param: &Param) -> i64 {
    match &param.default {
        Some(default) => default.as_i64(),
        None => param.minimum.as_ref().and_then(serde_json::Number::as_i64),
    }
    .unwrap_or(1)
}

/// Applies the detection rules of this module to one operation: picks the parameter and
/// property names they name, and checks them as a configured rule would be
/// ([`apply_rule`]).
pub(crate) fn detect(api: &Api, op: &Operation) -> Option<Pagination> {
    let (page_type, response) = success_body(op)?;
    let rule = if let TypeRef::Array(_) = resolve_alias(api, page_type) {
        if !declares_link_header(response) {
            return None;
        }
        PaginationRule::link()
    } else {
        let fields = struct_fields(api, page_type)?;
        let items = ITEMS
            .iter()
            .filter_map(|n| field(fields, n))
            .find(|f| plain(f) && matches!(resolve_alias(api, &f.ty), TypeRef::Array(_)))?;
        let named = |names: &[&str], ty: fn(&TypeRef) -> bool| {
            names
                .iter()
                .filter_map(|n| field(fields, n))
                .find(|f| plain(f) && ty(&f.ty))
                .map(|f| f.name.wire.clone())
        };
        let optional_string =
            |names: &[&str]| query_param(op, names, is_string).filter(|p| !p.required);
        let rule = if let Some(page) = query_param(op, PAGE_PARAMS, is_integer) {
            let rule = PaginationRule::page(&page.name.wire);
            match named(HAS_MORE, is_boolean) {
                Some(has_more) => rule.has_more(&has_more),
                None => rule.total(&named(TOTAL, is_integer)?),
            }
        } else if let Some(cursor) = optional_string(CURSOR_PARAMS) {
            let next = next_cursor_path(api, fields)?.join(".");
            let rule = PaginationRule::cursor(&cursor.name.wire).next(&next);
            match named(HAS_MORE, is_boolean) {
                Some(has_more) => rule.has_more(&has_more),
                None => rule,
            }
        } else if let Some(cursor) = optional_string(&["starting_after"]) {
            PaginationRule::cursor(&cursor.name.wire)
                .cursor_from_last("id")
                .has_more(&named(&["has_more"], is_boolean)?)
        } else {
            return None;
        };
        rule.items(&items.name.wire)
    };
    apply_rule(api, op, &rule).ok()
}

/// A string property with a next-cursor name, at the top level or one object down.
fn next_cursor_path(api: &Api, fields: &[Field]) -> Option<Vec<String>> {
    let string_named = |fields: &[Field]| {
        NEXT_CURSOR
            .iter()
            .filter_map(|n| field(fields, n))
            .find(|f| is_string(resolve_alias(api, &f.ty)))
            .map(|f| f.name.wire.clone())
    };
    if let Some(top) = string_named(fields) {
        return Some(vec![top]);
    }
    fields.iter().filter(|f| !f.flatten).find_map(|outer| {
        let inner = struct_fields(api, &outer.ty)?;
        Some(vec![outer.name.wire.clone(), string_named(inner)?])
    })
}

/// Checks a configured [`PaginationRule`] against an operation and resolves the wire names
/// it gives to the operation's parameters and the page's and items' properties.
///
/// # Errors
/// A sentence naming what the rule asks for that the operation does not have.
pub(crate) fn apply_rule(
    api: &Api,
    op: &Operation,
    rule: &PaginationRule,
) -> Result<Pagination, String> {
    let (page_type, _) = success_body(op).ok_or_else(|| {
        "pagination needs an operation without a required request body and with one JSON success response"
            .to_string()
    })?;
    let chosen = [rule.page.is_some(), rule.cursor.is_some(), rule.link]
        .iter()
        .filter(|b| **b)
        .count();
    if chosen != 1 {
        return Err("a pagination rule sets exactly one of `page`, `cursor` and `link`".into());
    }
    let (items, item_type) = items_of(api, page_type, rule.items.as_deref())?;
    let page = Page {
        api,
        op,
        page_type,
        object: rule.items.is_some(),
    };
    let kind = if let Some(param) = &rule.page {
        page.numbered(param, rule)?
    } else if let Some(cursor) = &rule.cursor {
        page.cursor(cursor, rule, &item_type)?
    } else {
        PageKind::Link
    };
    Ok(Pagination {
        kind,
        items,
        page_type: page_type.clone(),
        item_type,
    })
}

/// The items of a page: the array property `items` names (checked), or the page itself.
fn items_of(
    api: &Api,
    page_type: &TypeRef,
    items: Option<&str>,
) -> Result<(Option<FieldRef>, TypeRef), String> {
    let Some(items) = items else {
        return match resolve_alias(api, page_type) {
            TypeRef::Array(item) => Ok((None, (**item).clone())),
            _ => Err("the success body is not an array, so the rule must name `items`".into()),
        };
    };
    struct_fields(api, page_type).ok_or("the success body is not an object with properties")?;
    let (at, f) = find_field(api, page_type, items)
        .filter(|(_, f)| plain(f))
        .ok_or_else(|| format!("the success body has no required property `{items}`"))?;
    let TypeRef::Array(item) = resolve_alias(api, &f.ty) else {
        return Err(format!("property `{items}` is not an array"));
    };
    Ok((Some(at), (**item).clone()))
}

/// What a rule's names are resolved against: the operation and its page type.
struct Page<'a> {
    api: &'a Api,
    op: &'a Operation,
    page_type: &'a TypeRef,
    /// The page is an object with an items property (else the array itself).
    object: bool,
}

impl Page<'_> {
    /// A required property of the page whose type `ok` accepts.
    fn field(&self, name: &str, what: &str, ok: fn(&TypeRef) -> bool) -> Result<FieldRef, String> {
        Some(self.page_type)
            .filter(|_| self.object)
            .and_then(|ty| find_field(self.api, ty, name))
            .filter(|(_, f)| plain(f) && ok(&f.ty))
            .map(|(at, _)| at)
            .ok_or_else(|| format!("the success body has no required {what} property `{name}`"))
    }

    /// A query parameter whose type `ok` accepts.
    fn param(
        &self,
        name: &str,
        what: &str,
        ok: fn(&TypeRef) -> bool,
    ) -> Result<(ParamId, &Param), String> {
        self.op
            .params
            .iter()
            .enumerate()
            .find(|(_, p)| p.location == ParamLocation::Query && p.name.wire == name && ok(&p.ty))
            .map(|(i, p)| (ParamId(i), p))
            .ok_or_else(|| format!("the operation has no {what} query parameter `{name}`"))
    }

    /// [`PageKind::Page`]: `param` numbers the pages.
    fn numbered(&self, param: &str, rule: &PaginationRule) -> Result<PageKind, String> {
        let (id, p) = self.param(param, "integer", is_integer)?;
        let end = match (&rule.has_more, &rule.total) {
            (Some(h), _) => PageEnd::HasMore(self.field(h, "boolean", is_boolean)?),
            (None, Some(t)) => PageEnd::Total(self.field(t, "integer", is_integer)?),
            (None, None) => PageEnd::EmptyPage,
        };
        Ok(PageKind::Page {
            param: id,
            first: first_page(p),
            end,
        })
    }

    /// [`PageKind::Cursor`], or [`PageKind::LastItem`] with `cursor_from_last`.
    fn cursor(
        &self,
        cursor: &str,
        rule: &PaginationRule,
        item_type: &TypeRef,
    ) -> Result<PageKind, String> {
        let (param, p) = self.param(cursor, "string", is_string)?;
        if p.required {
            return Err(format!(
                "the cursor parameter `{cursor}` is required; the first page sends none"
            ));
        }
        let has_more = rule
            .has_more
            .as_deref()
            .map(|h| self.field(h, "boolean", is_boolean))
            .transpose()?;
        if let Some(from) = &rule.cursor_from_last {
            let has_more = has_more.ok_or("`cursor_from_last` needs `has_more`")?;
            let (item_field, _) = find_field(self.api, item_type, from)
                .filter(|(_, f)| plain(f) && is_string(&f.ty))
                .ok_or_else(|| format!("the items have no required string property `{from}`"))?;
            return Ok(PageKind::LastItem {
                param,
                item_field,
                has_more,
            });
        }
        let next = rule.next.as_deref().ok_or("a cursor rule names `next`")?;
        Ok(PageKind::Cursor {
            param,
            next: self.next_cursor(next)?,
            has_more,
        })
    }

    /// The path `next` (`property` or `object.property`) to a string property of the page.
    fn next_cursor(&self, next: &str) -> Result<Vec<FieldRef>, String> {
        if !self.object {
            return Err("the success body is not an object with properties".into());
        }
        let parts: Vec<&str> = next.split('.').collect();
        let mut current = self.page_type;
        let mut path = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let (at, f) = find_field(self.api, current, part)
                .ok_or_else(|| format!("the success body has no property `{next}`"))?;
            if i + 1 == parts.len() {
                if !is_string(resolve_alias(self.api, &f.ty)) {
                    return Err(format!("property `{next}` is not a string"));
                }
            } else if struct_fields(self.api, &f.ty).is_none() {
                return Err(format!("property `{part}` is not an object"));
            }
            path.push(at);
            current = &f.ty;
        }
        if path.len() > 2 {
            return Err(format!(
                "`next` is at most two properties deep, not `{next}`"
            ));
        }
        Ok(path)
    }
}

fn is_boolean(ty: &TypeRef) -> bool {
    *ty == TypeRef::Boolean
}

/// The `pagination` pass: [`detect`] on every operation.
pub(crate) fn detect_all(api: &mut Api) {
    let found: Vec<Option<Pagination>> = api.operations.iter().map(|op| detect(api, op)).collect();
    for (op, p) in api.operations.iter_mut().zip(found) {
        op.pagination = p;
    }
}

/// How `oagen check` describes a recognised list.
pub(crate) fn describe(api: &Api, op: &Operation, p: &Pagination) -> String {
    let field = |at: &FieldRef| api.field(*at).map_or("?", |f| f.name.wire.as_str());
    let param = |id: &ParamId| op.param(*id).map_or("?", |p| p.name.wire.as_str());
    let items = p
        .items
        .as_ref()
        .map(|i| format!("`{}` items", field(i)))
        .unwrap_or_else(|| "the body's items".to_string());
    match &p.kind {
        PageKind::Page { param: id, end, .. } => {
            let until = match end {
                PageEnd::HasMore(h) => format!("until `{}` is false", field(h)),
                PageEnd::Total(t) => format!("until `{}` items were read", field(t)),
                PageEnd::EmptyPage => "until an empty page".to_string(),
            };
            format!("`{}` numbers the pages, {items}, {until}", param(id))
        }
        PageKind::Cursor {
            param: id, next, ..
        } => {
            let path: Vec<&str> = next.iter().map(field).collect();
            format!("cursor `{}` from `{}`, {items}", param(id), path.join("."))
        }
        PageKind::LastItem {
            param: id,
            item_field,
            ..
        } => format!(
            "`{}` = the last item's `{}`, {items}",
            param(id),
            field(item_field)
        ),
        PageKind::Link => format!("`Link: rel=\"next\"` header, {items}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::lower::lower_yaml_for_test as api;

    fn fixture() -> Api {
        api(include_str!(
            "../../../tests/fixtures/client/pagination.yaml"
        ))
    }

    fn op<'a>(api: &'a Api, id: &str) -> &'a Operation {
        api.operations
            .iter()
            .find(|o| o.name.wire == id)
            .unwrap_or_else(|| panic!("no operation {id}"))
    }

    fn wire(api: &Api, at: FieldRef) -> &str {
        api.field(at).map_or("<dangling>", |f| f.name.wire.as_str())
    }

    #[test]
    fn every_kind_resolves_to_the_parameter_and_properties_it_names() {
        let api = fixture();
        let described: Vec<String> = api
            .operations
            .iter()
            .filter_map(|op| {
                let p = op.pagination.as_ref()?;
                Some(format!("{}: {}", op.name.wire, describe(&api, op, p)))
            })
            .collect();
        assert_eq!(
            described,
            [
                "listByCursor: cursor `cursor` from `next_cursor`, `data` items",
                "listByLastItem: `starting_after` = the last item's `id`, `data` items",
                "listByLink: `Link: rel=\"next\"` header, the body's items",
                "listByNestedCursor: cursor `cursor` from `response_metadata.next_cursor`, `items` items",
                "listByTotal: `page_number` numbers the pages, `results` items, until `total_count` items were read",
            ]
        );
        assert!(op(&api, "notAList").pagination.is_none(), "no Link header");
    }

    #[test]
    fn references_point_into_the_operation_and_the_type_space() {
        let api = fixture();
        let total = op(&api, "listByTotal");
        let Some(Pagination {
            kind: PageKind::Page { param, first, end },
            items: Some(items),
            ..
        }) = &total.pagination
        else {
            panic!("not page-numbered: {:?}", total.pagination);
        };
        assert_eq!(
            total.param(*param).map(|p| p.name.wire.as_str()),
            Some("page_number")
        );
        assert_eq!(*first, 0, "the parameter's minimum");
        assert_eq!(wire(&api, *items), "results");
        let PageEnd::Total(count) = end else {
            panic!("{end:?}")
        };
        assert_eq!(wire(&api, *count), "total_count");
        assert_eq!(items.owner, count.owner, "both on the page struct");

        let nested = op(&api, "listByNestedCursor");
        let Some(PageKind::Cursor { next, .. }) = nested.pagination.as_ref().map(|p| &p.kind)
        else {
            panic!("not a cursor list");
        };
        let path: Vec<&str> = next.iter().map(|at| wire(&api, *at)).collect();
        assert_eq!(path, ["response_metadata", "next_cursor"]);
        assert_ne!(
            next[0].owner, next[1].owner,
            "the inner property is on the inner struct"
        );
    }

    #[test]
    fn the_first_page_is_the_default_else_the_minimum_else_one() {
        let spec = |schema: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /l:\n    get:\n      operationId: l\n      parameters:\n        - {{name: page, in: query, schema: {schema}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                required: [items, has_more]\n                properties:\n                  items: {{type: array, items: {{type: string}}}}\n                  has_more: {{type: boolean}}\n"
            )
        };
        let first = |schema: &str| match api(&spec(schema)).operations[0].pagination {
            Some(Pagination {
                kind: PageKind::Page { first, .. },
                ..
            }) => first,
            ref other => panic!("{other:?}"),
        };
        assert_eq!(first("{type: integer, default: 3, minimum: 2}"), 3);
        assert_eq!(first("{type: integer, minimum: 0}"), 0);
        assert_eq!(first("{type: integer}"), 1);
    }

    #[test]
    fn a_rule_resolves_its_names_or_says_which_one_is_missing() {
        let api = fixture();
        let by_cursor = op(&api, "listByCursor");
        let forced = apply_rule(
            &api,
            by_cursor,
            &PaginationRule::cursor("cursor")
                .items("data")
                .next("next_cursor"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Some(&forced), by_cursor.pagination.as_ref());
        let missing = apply_rule(
            &api,
            by_cursor,
            &PaginationRule::cursor("cursor")
                .items("data")
                .next("meta.next"),
        );
        assert_eq!(
            missing,
            Err("the success body has no property `meta.next`".to_string())
        );
        let no_param = apply_rule(&api, by_cursor, &PaginationRule::page("page").items("data"));
        assert_eq!(
            no_param,
            Err("the operation has no integer query parameter `page`".to_string())
        );
    }
}
