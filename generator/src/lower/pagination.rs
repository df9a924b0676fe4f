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
use serde_json::Value;

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
pub fn struct_fields<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a [Field]> {
    let (TypeRef::Named(id) | TypeRef::Boxed(id)) = ty else {
        return None;
    };
    match api.resolve_kind(api.types.get(id.0)?) {
        TypeKind::Struct(s) => Some(&s.fields),
        _ => None,
    }
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

/// The one JSON success body of a list operation, and the raw response object.
fn success_body<'a>(raw: &'a Value, op: &'a Operation) -> Option<(&'a TypeRef, Option<&'a Value>)> {
    // Some specs give list operations an optional, empty body (Stripe's GETs declare an
    // optional form body); a required one makes the operation something else.
    if op.body.as_ref().is_some_and(|b| b.required) {
        return None;
    }
    let has_2xx = op.responses.iter().any(|r| r.status.is_success());
    let mut successes = op
        .responses
        .iter()
        .filter(|r| r.status.is_success() || (!has_2xx && r.status == StatusMatch::Default));
    let first = successes.next()?;
    if successes.next().is_some() {
        return None;
    }
    let BodyKind::Json(ty) = &first.kind else {
        return None;
    };
    let key = match first.status {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{r}XX"),
        StatusMatch::Default => "default".to_string(),
    };
    let responses = raw.pointer(&format!("{}/responses", op.origin.pointer))?;
    let response = responses
        .as_object()
        .and_then(|m| {
            m.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&key))
                .map(|(_, v)| v)
        })
        .and_then(|v| crate::load::follow_refs(raw, v, "").map(|(v, _)| v));
    Some((ty, response))
}

fn declares_link_header(response: Option<&Value>) -> bool {
    response
        .and_then(|r| r.get("headers"))
        .and_then(Value::as_object)
        .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("link")))
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
fn first_page(raw: &Value, param: &Param) -> i64 {
    let follow = |v| crate::load::follow_refs(raw, v, "").map(|(v, _)| v);
    let schema = raw
        .pointer(&param.origin.pointer)
        .and_then(follow)
        .and_then(|p| p.get("schema"))
        .and_then(follow);
    schema
        .and_then(|s| s.get("default").or_else(|| s.get("minimum")))
        .and_then(Value::as_i64)
        .unwrap_or(1)
}

/// Applies the detection rules of this module to one operation: picks the parameter and
/// property names they name, and checks them as a configured rule would be
/// ([`apply_rule`]).
pub fn detect(api: &Api, raw: &Value, op: &Operation) -> Option<Pagination> {
    let (page_type, response) = success_body(raw, op)?;
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
        let is_bool = |t: &TypeRef| *t == TypeRef::Boolean;
        let optional_string =
            |names: &[&str]| query_param(op, names, is_string).filter(|p| !p.required);
        let rule = if let Some(page) = query_param(op, PAGE_PARAMS, is_integer) {
            let rule = PaginationRule::page(&page.name.wire);
            match named(HAS_MORE, is_bool) {
                Some(has_more) => rule.has_more(&has_more),
                None => rule.total(&named(TOTAL, is_integer)?),
            }
        } else if let Some(cursor) = optional_string(CURSOR_PARAMS) {
            let next = next_cursor_path(api, fields)?.join(".");
            let rule = PaginationRule::cursor(&cursor.name.wire).next(&next);
            match named(HAS_MORE, is_bool) {
                Some(has_more) => rule.has_more(&has_more),
                None => rule,
            }
        } else if let Some(cursor) = optional_string(&["starting_after"]) {
            PaginationRule::cursor(&cursor.name.wire)
                .cursor_from_last("id")
                .has_more(&named(&["has_more"], is_bool)?)
        } else {
            return None;
        };
        rule.items(&items.name.wire)
    };
    apply_rule(api, raw, op, &rule).ok()
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

/// Checks a configured [`PaginationRule`] against an operation.
///
/// # Errors
/// A sentence naming what the rule asks for that the operation does not have.
pub fn apply_rule(
    api: &Api,
    raw: &Value,
    op: &Operation,
    rule: &PaginationRule,
) -> Result<Pagination, String> {
    let (page_type, _) = success_body(raw, op).ok_or_else(|| {
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
    let (items_field, item_type, fields) = match &rule.items {
        None => match resolve_alias(api, page_type) {
            TypeRef::Array(item) => (None, (**item).clone(), None),
            _ => {
                return Err(
                    "the success body is not an array, so the rule must name `items`".into(),
                )
            }
        },
        Some(items) => {
            let fields = struct_fields(api, page_type)
                .ok_or("the success body is not an object with properties")?;
            let f = field(fields, items)
                .filter(|f| plain(f))
                .ok_or_else(|| format!("the success body has no required property `{items}`"))?;
            let TypeRef::Array(item) = resolve_alias(api, &f.ty) else {
                return Err(format!("property `{items}` is not an array"));
            };
            (Some(items.clone()), (**item).clone(), Some(fields))
        }
    };
    let body_field = |name: &str, what: &str, ok: fn(&TypeRef) -> bool| {
        fields
            .and_then(|fields| field(fields, name))
            .filter(|f| plain(f) && ok(&f.ty))
            .map(|f| f.name.wire.clone())
            .ok_or_else(|| format!("the success body has no required {what} property `{name}`"))
    };
    let param = |name: &str, what: &str, ok: fn(&TypeRef) -> bool| {
        op.params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.name.wire == name && ok(&p.ty))
            .ok_or_else(|| format!("the operation has no {what} query parameter `{name}`"))
    };
    let kind = if let Some(page) = &rule.page {
        let p = param(page, "integer", is_integer)?;
        let end = match (&rule.has_more, &rule.total) {
            (Some(h), _) => PageEnd::HasMore(body_field(h, "boolean", |t| *t == TypeRef::Boolean)?),
            (None, Some(t)) => PageEnd::Total(body_field(t, "integer", is_integer)?),
            (None, None) => PageEnd::EmptyPage,
        };
        PageKind::Page {
            param: page.clone(),
            first: first_page(raw, p),
            end,
        }
    } else if let Some(cursor) = &rule.cursor {
        if param(cursor, "string", is_string)?.required {
            return Err(format!(
                "the cursor parameter `{cursor}` is required; the first page sends none"
            ));
        }
        let has_more = rule
            .has_more
            .as_deref()
            .map(|h| body_field(h, "boolean", |t| *t == TypeRef::Boolean))
            .transpose()?;
        if let Some(from) = &rule.cursor_from_last {
            let has_more = has_more.ok_or("`cursor_from_last` needs `has_more`")?;
            struct_fields(api, &item_type)
                .and_then(|f| field(f, from))
                .filter(|f| plain(f) && is_string(&f.ty))
                .ok_or_else(|| format!("the items have no required string property `{from}`"))?;
            PageKind::LastItem {
                param: cursor.clone(),
                item_field: from.clone(),
                has_more,
            }
        } else {
            let next = rule.next.as_deref().ok_or("a cursor rule names `next`")?;
            let path: Vec<String> = next.split('.').map(String::from).collect();
            let mut current = fields.ok_or("the success body is not an object with properties")?;
            for (i, part) in path.iter().enumerate() {
                let f = field(current, part)
                    .ok_or_else(|| format!("the success body has no property `{next}`"))?;
                if i + 1 == path.len() {
                    if !is_string(resolve_alias(api, &f.ty)) {
                        return Err(format!("property `{next}` is not a string"));
                    }
                } else {
                    current = struct_fields(api, &f.ty)
                        .ok_or_else(|| format!("property `{part}` is not an object"))?;
                }
            }
            if path.len() > 2 {
                return Err(format!(
                    "`next` is at most two properties deep, not `{next}`"
                ));
            }
            PageKind::Cursor {
                param: cursor.clone(),
                next: path,
                has_more,
            }
        }
    } else {
        PageKind::Link
    };
    Ok(Pagination {
        kind,
        items_field,
        page_type: page_type.clone(),
        item_type,
    })
}

/// The `pagination` pass: [`detect`] on every operation.
pub fn detect_all(api: &mut Api, raw: &Value) {
    let found: Vec<Option<Pagination>> = api
        .operations
        .iter()
        .map(|op| detect(api, raw, op))
        .collect();
    for (op, p) in api.operations.iter_mut().zip(found) {
        op.pagination = p;
    }
}

/// How `oagen check` describes a recognised list.
pub fn describe(p: &Pagination) -> String {
    let items = p
        .items_field
        .as_deref()
        .map(|i| format!("`{i}` items"))
        .unwrap_or_else(|| "the body's items".to_string());
    match &p.kind {
        PageKind::Page { param, end, .. } => {
            let until = match end {
                PageEnd::HasMore(h) => format!("until `{h}` is false"),
                PageEnd::Total(t) => format!("until `{t}` items were read"),
                PageEnd::EmptyPage => "until an empty page".to_string(),
            };
            format!("`{param}` numbers the pages, {items}, {until}")
        }
        PageKind::Cursor { param, next, .. } => {
            format!("cursor `{param}` from `{}`, {items}", next.join("."))
        }
        PageKind::LastItem {
            param, item_field, ..
        } => format!("`{param}` = the last item's `{item_field}`, {items}"),
        PageKind::Link => format!("`Link: rel=\"next\"` header, {items}"),
    }
}
