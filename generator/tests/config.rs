//! `Config` options, each on a small spec: derives, extern types, map type, operation
//! selectors (and the warnings for selectors that match nothing), and `compile`.

use oagen::{Config, Layout, MapType, PaginationRule, Selector};
use std::path::PathBuf;

const SPEC: &str = r#"openapi: 3.0.3
info: {title: Shop, version: '1'}
servers: [{url: 'https://shop.example'}]
paths:
  /orders:
    get:
      operationId: listOrders
      tags: [orders]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Order'}}}}
  /orders/{id}:
    delete:
      operationId: deleteOrder
      tags: [orders, admin]
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '204': {description: gone}
  /pages:
    get:
      operationId: pageOrders
      parameters: [{name: page, in: query, schema: {type: integer, default: 1}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [items, has_more]
                properties:
                  items: {type: array, items: {$ref: '#/components/schemas/Order'}}
                  has_more: {type: boolean}
  /events:
    get:
      operationId: listEvents
      parameters: [{name: p, in: query, schema: {type: integer}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [entries, more]
                properties:
                  entries: {type: array, items: {type: string}}
                  more: {type: boolean}
  /stock:
    get:
      operationId: getStock
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Stock'}}}}
components:
  schemas:
    Order:
      type: object
      properties:
        id: {type: string}
        total: {$ref: '#/components/schemas/Money'}
    Money: {type: string}
    Stock:
      type: object
      additionalProperties: {type: integer}
"#;

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("shop.yaml"), SPEC).unwrap();
    d
}

/// The generated single file (whitespace normalised to make `contains` checks robust) and
/// the warnings.
fn generate(name: &str, configure: impl FnOnce(&mut Config)) -> (String, Vec<String>) {
    let d = dir(name);
    let mut config = Config::new();
    config
        .root(&d)
        .layout(Layout::SingleFile)
        .module("shop", "shop.yaml");
    configure(&mut config);
    let generated = config.generate().unwrap();
    let text = generated.files[std::path::Path::new("shop.rs")].replace("async fn", "fn");
    let warnings = generated.warnings.iter().map(ToString::to_string).collect();
    (text, warnings)
}

#[test]
fn derive_adds_derives_to_one_schema_or_all() {
    let (text, _) = generate("derive", |c| {
        c.derive("Order", &["Eq", "Hash"]);
    });
    let flat: String = text.lines().map(str::trim).collect::<Vec<_>>().join("\n");
    assert!(
        flat.contains("#[derive(Eq, Hash)]\n#[derive(Debug, Clone, PartialEq"),
        "{flat}"
    );
    assert_eq!(text.matches("#[derive(Eq, Hash)]").count(), 1);
    let (text, _) = generate("derive-all", |c| {
        c.derive("*", &["Eq"]);
    });
    // Every type definition gets it (aliases such as `Money` have no derives).
    let flat: String = text.lines().map(str::trim).collect::<Vec<_>>().join("\n");
    assert!(
        flat.contains("#[derive(Eq)]\n#[derive(Debug, Clone, PartialEq"),
        "{flat}"
    );
    assert!(flat.contains("pub type Money = String;"));
}

#[test]
fn extern_type_replaces_a_schema_with_the_application_type() {
    let (text, _) = generate("extern", |c| {
        c.extern_type("Money", "crate::money::Amount");
    });
    assert!(
        text.contains("pub type Money = crate::money::Amount;"),
        "{text}"
    );
}

#[test]
fn map_type_switches_to_hash_map() {
    let (text, _) = generate("map", |c| {
        c.map_type(MapType::HashMap);
    });
    assert!(
        text.contains("pub type Stock = ::std::collections::HashMap<String, i64>;"),
        "{text}"
    );
    let (text, _) = generate("map-default", |_| {});
    assert!(
        text.contains("pub type Stock = ::std::collections::BTreeMap<String, i64>;"),
        "{text}"
    );
}

#[test]
fn operations_are_selected_by_operation_id_tag_and_path() {
    let (text, _) = generate("include-id", |c| {
        c.include_operations(&[Selector::OperationId("getStock".into())]);
    });
    assert!(text.contains("pub fn get_stock") && !text.contains("pub fn list_orders"));
    let (text, _) = generate("include-tag", |c| {
        c.include_operations(&[Selector::Tag("orders".into())]);
    });
    assert!(text.contains("pub fn list_orders") && text.contains("pub fn delete_order"));
    assert!(!text.contains("pub fn get_stock"));
    let (text, _) = generate("exclude-path", |c| {
        c.exclude_operations(&[
            Selector::Path("/orders/*".into()),
            Selector::Tag("admin".into()),
        ]);
    });
    assert!(text.contains("pub fn list_orders") && !text.contains("pub fn delete_order"));
}

#[test]
fn selectors_and_schema_names_that_match_nothing_are_warnings() {
    let (_, warnings) = generate("unmatched", |c| {
        c.include_operations(&[Selector::OperationId("nope".into())])
            .derive("Nope", &["Eq"]);
    });
    let text = warnings.join("\n");
    assert!(
        text.contains("the selector operationId `nope` matches no operation"),
        "{text}"
    );
    assert!(
        text.contains("names schema `Nope`, which this spec does not have"),
        "{text}"
    );
}

#[test]
fn compile_writes_only_changed_files_and_checks_dependencies() {
    let d = dir("compile");
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // A crate manifest that lacks the runtime's crates: compile names them.
    std::fs::write(
        d.join("Cargo.toml"),
        "[package]\nname = \"app\"\n\n[dependencies]\nserde = \"1\"\n",
    )
    .unwrap();
    std::env::set_var("CARGO_MANIFEST_DIR", &d);
    let err = Config::new()
        .root(&d)
        .out_dir(&out)
        .compile(&["shop.yaml"])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("needs these crates under [dependencies]: "),
        "{err}"
    );
    assert!(
        err.contains("reqwest") && err.contains("serde_json") && !err.contains(" serde,"),
        "{err}"
    );

    std::env::remove_var("CARGO_MANIFEST_DIR");
    Config::new()
        .root(&d)
        .out_dir(&out)
        .compile(&["shop.yaml"])
        .unwrap();
    let file = out.join("shop.rs");
    let first = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    Config::new()
        .root(&d)
        .out_dir(&out)
        .compile(&["shop.yaml"])
        .unwrap();
    let second = std::fs::metadata(&file).unwrap().modified().unwrap();
    assert_eq!(first, second, "an unchanged spec rewrites nothing");
}

#[test]
fn pagination_is_recognised_and_can_be_switched_off_per_operation() {
    let (text, _) = generate("paging", |_| {});
    assert!(
        text.contains("pub fn page_orders(&self) -> PageOrdersRequest<'_>"),
        "{text}"
    );
    assert!(text.contains("impl<'a> PageOrdersRequest<'a>"));
    assert_eq!(text.matches("pub fn stream(").count(), 1, "only pageOrders");
    let (text, warnings) = generate("paging-off", |c| {
        c.disable_pagination(&[Selector::OperationId("pageOrders".into())]);
    });
    assert!(!text.contains("pub fn stream("));
    assert!(
        text.contains("pub fn page_orders(\n"),
        "positional again: {text}"
    );
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn pagination_can_be_forced_with_a_rule_and_a_wrong_rule_is_an_error() {
    let (text, warnings) = generate("paging-forced", |c| {
        c.force_pagination(
            &[Selector::OperationId("listEvents".into())],
            PaginationRule::page("p").items("entries").has_more("more"),
        );
    });
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(text.matches("pub fn stream(").count(), 2, "{text}");
    assert!(text.contains("pub fn list_events(&self) -> ListEventsRequest<'_>"));
    assert!(text.contains("params.p = Some(n)"), "{text}");

    let d = dir("paging-wrong");
    let mut config = Config::new();
    config
        .root(&d)
        .layout(Layout::SingleFile)
        .module("shop", "shop.yaml")
        .force_pagination(
            &[Selector::OperationId("listEvents".into())],
            PaginationRule::cursor("after")
                .items("entries")
                .next("next"),
        );
    let err = config.generate().unwrap_err().to_string();
    assert!(
        err.contains("cannot paginate `listEvents` as configured")
            && err.contains("no string query parameter `after`")
            && err.contains("#/paths/~1events/get"),
        "{err}"
    );
}

#[test]
fn features_per_tag_gate_operations_and_the_types_only_they_need() {
    let d = dir("features");
    // A schema no operation uses, which refers to one that operations use.
    let spec = format!(
        "{SPEC}    Webhook:\n      type: object\n      properties:\n        order: {{$ref: '#/components/schemas/Order'}}\n"
    );
    std::fs::write(d.join("shop.yaml"), spec).unwrap();
    let mut config = Config::new();
    config
        .root(&d)
        .spec("shop.yaml")
        .crate_name("shop")
        .features_per_tag(true);
    let generated = config.generate().unwrap();
    let file = |p: &str| generated.files[&PathBuf::from(p)].clone();
    let cargo = file("Cargo.toml");
    // Tagged operations by first tag; untagged ones by first path segment; schemas no
    // operation uses behind `other-schemas`.
    assert!(
        cargo.contains("tag-orders = []") && cargo.contains("path-pages = []"),
        "{cargo}"
    );
    assert!(
        cargo.contains("default = [\"other-schemas\", \"path-events\""),
        "{cargo}"
    );
    let client = file("src/client.rs");
    assert!(
        client.contains("#[cfg(feature = \"tag-orders\")]\n    pub fn list_orders("),
        "{client}"
    );
    assert!(client.contains("Needs the Cargo feature `tag-orders`"));
    let types = file("src/types.rs");
    // `Order` is needed by `listOrders` (tag-orders), `pageOrders` (path-pages) and the
    // unused `Webhook` (other-schemas).
    assert!(
        types.contains(
            "#[cfg(any(feature = \"other-schemas\", feature = \"path-pages\", feature = \"tag-orders\"))]\n/// Source: `/components/schemas/Order`"
        ),
        "{types}"
    );
    assert!(
        types.contains(
            "#[cfg(feature = \"other-schemas\")]\n/// Source: `/components/schemas/Webhook`"
        ),
        "{types}"
    );

    let off = Config::new().root(&d).spec("shop.yaml").generate().unwrap();
    let text = off.files[&PathBuf::from("src/types.rs")].clone();
    assert!(!text.contains("#[cfg(feature"), "off by default");
}

/// A spec with a `multipart/form-data` body, which needs the runtime's multipart module.
const UPLOAD: &str = r#"openapi: 3.0.3
info: {title: Upload, version: '1'}
paths:
  /files:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
      responses:
        '204': {description: stored}
"#;

/// The files `config` generates for `shop.yaml` (with `upload.yaml` too when `upload`).
fn generate_files(
    name: &str,
    layout: Layout,
    upload: bool,
) -> std::collections::BTreeMap<PathBuf, String> {
    let d = dir(name);
    std::fs::write(d.join("upload.yaml"), UPLOAD).unwrap();
    let mut config = Config::new();
    config.root(&d).layout(layout).module("shop", "shop.yaml");
    if upload {
        config.module("upload", "upload.yaml");
    }
    config.generate().unwrap().files
}

#[test]
fn specs_of_one_build_script_share_one_runtime_with_only_the_modules_they_use() {
    let files = generate_files("runtime-single", Layout::SingleFile, false);
    let names: Vec<_> = files.keys().map(|p| p.display().to_string()).collect();
    assert_eq!(names, ["runtime.rs", "shop.rs"]);
    let runtime = &files[&PathBuf::from("runtime.rs")];
    assert!(runtime.contains("pub mod runtime {"));
    assert!(runtime.contains("    mod pagination {"), "shop has a list");
    assert!(!runtime.contains("mod multipart"), "no spec sends a form");
    assert!(!runtime.contains("mod oauth2"), "no spec uses OAuth2");
    let shop = &files[&PathBuf::from("shop.rs")];
    assert!(shop.contains("pub use super::runtime;"));
    assert!(
        !shop.contains("mod runtime"),
        "the API module has no runtime of its own"
    );

    let files = generate_files("runtime-single-two", Layout::SingleFile, true);
    let names: Vec<_> = files.keys().map(|p| p.display().to_string()).collect();
    assert_eq!(names, ["runtime.rs", "shop.rs", "upload.rs"]);
    let runtime = &files[&PathBuf::from("runtime.rs")];
    assert_eq!(
        runtime.matches("pub enum Error<E>").count(),
        1,
        "one Error type"
    );
    assert!(
        runtime.contains("    mod multipart {"),
        "upload sends a form"
    );
    assert!(runtime.contains("    mod pagination {"), "shop has a list");
}

#[test]
fn a_crate_has_one_runtime_directory_with_only_the_modules_its_specs_use() {
    let runtime_files = |upload| -> Vec<String> {
        generate_files("runtime-crate", Layout::Crate, upload)
            .keys()
            .filter_map(|p| p.strip_prefix("src/runtime").ok())
            .map(|p| p.display().to_string())
            .collect()
    };
    let shop = runtime_files(false);
    assert!(shop.contains(&"mod.rs".to_string()), "{shop:?}");
    assert!(shop.contains(&"transport.rs".to_string()), "{shop:?}");
    assert!(shop.contains(&"pagination.rs".to_string()), "{shop:?}");
    assert!(!shop.contains(&"multipart.rs".to_string()), "{shop:?}");
    let both = runtime_files(true);
    assert!(both.contains(&"multipart.rs".to_string()), "{both:?}");
    assert_eq!(both.len(), shop.len() + 1, "{both:?}");
}

#[test]
fn a_module_named_runtime_is_an_error() {
    let d = dir("runtime-name");
    let err = Config::new()
        .root(&d)
        .module("runtime", "shop.yaml")
        .generate()
        .unwrap_err()
        .to_string();
    assert!(err.contains("the module name `runtime`"), "{err}");
}

#[test]
fn extern_type_must_be_a_type_path() {
    let d = dir("extern-bad");
    for (path, reason) in [
        ("[u8; { fn f() {} 4 }]", "an array type"),
        ("include!(\"/etc/passwd\")", "a macro"),
        ("Foo<{ 1 }>", "const generic"),
    ] {
        let mut config = Config::new();
        config
            .root(&d)
            .layout(Layout::SingleFile)
            .module("shop", "shop.yaml")
            .extern_type("Money", path);
        let err = config.generate().unwrap_err().to_string();
        assert!(
            err.contains("shop.yaml#/components/schemas/Money")
                && err.contains("`Config::extern_type` for schema `Money`")
                && err.contains(reason),
            "{path}: {err}"
        );
    }
    let (text, _) = generate("extern-generic", |c| {
        c.extern_type("Money", "my_crate::Id<u64>");
    });
    assert!(
        text.contains("pub type Money = my_crate::Id<u64>;"),
        "{text}"
    );
}

#[test]
fn module_names_must_be_rust_identifiers() {
    let d = dir("module-names");
    for (module, reason) in [
        ("foo-bar", "`foo-bar` is not a Rust identifier"),
        ("self", "`self` is reserved"),
        ("2fa", "`2fa` is not a Rust identifier"),
        ("", "`` is not a Rust identifier"),
    ] {
        let mut config = Config::new();
        config.root(&d).module(module, "shop.yaml");
        let err = config.generate().unwrap_err().to_string();
        assert!(
            err.contains("shop.yaml") && err.contains(reason),
            "{module}: {err}"
        );
    }
    let mut config = Config::new();
    config.root(&d).module("type", "shop.yaml");
    assert!(config.generate().is_ok(), "a keyword is written r#type");
}

#[test]
fn a_manifest_module_name_that_is_not_an_identifier_names_its_pointer() {
    let d = dir("manifest-module");
    let manifest = d.join("oagen.toml");
    std::fs::write(
        &manifest,
        "[crate]\nname = \"shop\"\npath = \"out\"\n\n[[spec]]\nmodule = \"shop\"\npath = \"shop.yaml\"\n\n[[spec]]\nmodule = \"shop v2\"\npath = \"shop.yaml\"\n",
    )
    .unwrap();
    let err = oagen::manifest::Manifest::read(&manifest)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the module name `shop v2` is not a Rust identifier")
            && err.contains("oagen.toml#/spec/1/module"),
        "{err}"
    );
    assert!(!d.join("out").exists());
}

#[test]
fn a_manifest_webhook_scheme_is_checked_and_given_to_the_config() {
    let d = dir("manifest-webhooks");
    let manifest = d.join("oagen.toml");
    let write = |scheme: &str| {
        std::fs::write(
            &manifest,
            format!(
                "[crate]\nname = \"shop\"\npath = \"out\"\n\n[[spec]]\nmodule = \"shop\"\npath = \"shop.yaml\"\nwebhooks = \"{scheme}\"\n"
            ),
        )
        .unwrap();
    };
    write("hmac");
    let err = oagen::manifest::Manifest::read(&manifest)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("unknown webhook signature scheme `hmac`")
            && err.contains("oagen.toml#/spec/0/webhooks")
            && err.contains("shared-secret"),
        "{err}"
    );
    write("github");
    let read = oagen::manifest::Manifest::read(&manifest).unwrap();
    assert_eq!(read.specs[0].webhooks.as_deref(), Some("github"));
}
