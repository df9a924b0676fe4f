//! Operations compared: methods, their form (positional or builder, stream), parameters,
//! request bodies and responses.

use super::types::render;
use super::{pair, Change, ChangeKind, Cx, Item};
use crate::ir::*;
use crate::surface::{OperationSurface, ParamSurface, Passing, RustType};
use std::collections::{BTreeMap, BTreeSet};

fn location(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// The value type of a parameter, in `Option` when it is optional (nullability is not
/// expressed in arguments).
fn param_type(p: &ParamSurface<'_>) -> String {
    if p.param.required {
        p.value.to_string()
    } else {
        p.value.clone().optional().to_string()
    }
}

/// The parameter as a user of the method sees it: its type, whether it is required, where
/// it is sent, and the setter when the builder has one.
fn param_shape(p: &ParamSurface<'_>) -> String {
    let req = if p.param.required {
        "required"
    } else {
        "optional"
    };
    let setter = match &p.passing {
        Passing::Setter(name) => format!(", setter `.{name}(…)`"),
        Passing::Argument => String::new(),
    };
    format!(
        "{} ({req}, in {}{setter})",
        param_type(p),
        location(p.param.location)
    )
}

fn body_type(api: &Api, kind: &BodyKind) -> String {
    match kind {
        BodyKind::Json(t) => render(api, t),
        BodyKind::Form(t) => format!("form {}", render(api, t)),
        BodyKind::Text => "text".into(),
        BodyKind::Multipart(_) => "multipart form".into(),
        BodyKind::Bytes => "bytes".into(),
        BodyKind::Empty => "no content".into(),
    }
}

fn body_shape(api: &Api, b: &Body) -> String {
    let req = if b.required { "required" } else { "optional" };
    match &b.kind {
        BodyKind::Empty => format!("no content ({req})"),
        kind => format!("{} ({req}, {})", body_type(api, kind), b.content_type),
    }
}

fn status_text(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{r}XX"),
        StatusMatch::Default => "default".into(),
    }
}

/// The success type and error variants of an operation, as the client method has them.
struct Outcome {
    /// The `Ok` type.
    ok: String,
    /// Error status → what its variant holds.
    errors: BTreeMap<StatusMatch, Option<RustType>>,
    /// The statuses that are successes.
    successes: BTreeSet<StatusMatch>,
}

impl Outcome {
    fn of(s: &OperationSurface<'_>) -> Outcome {
        let ok = match &s.responses {
            Some(e) => format!("{} (one variant per status)", e.name),
            None => s.success.to_string(),
        };
        let errors = s
            .errors
            .iter()
            .flat_map(|e| &e.variants)
            .map(|v| (v.response.status, v.payload.clone()))
            .collect();
        Outcome {
            ok,
            errors,
            successes: s.op.successes().iter().map(|r| r.status).collect(),
        }
    }
}

impl Cx<'_> {
    // --- Operations ----------------------------------------------------------------------

    pub(super) fn operations(&mut self) {
        let (old, new) = (self.old.api, self.new.api);
        let mut pairs = pair(
            old.operations.iter().map(|o| (o.name.wire.as_str(), o)),
            new.operations.iter().map(|o| (o.name.wire.as_str(), o)),
        );
        // An operation left over on both sides with the same method and path was renamed.
        let endpoint = |op: &Operation| (op.method, op.path.raw.clone());
        for i in 0..pairs.len() {
            let (Some(o), None) = pairs[i] else {
                continue;
            };
            let found = pairs
                .iter()
                .position(|p| matches!(p, (None, Some(n)) if endpoint(n) == endpoint(o)));
            if let Some(j) = found {
                pairs[i].1 = pairs[j].1.take();
            }
        }
        for (o, n) in pairs {
            match (o, n) {
                (None, Some(n)) => self.push(
                    Change::new(ChangeKind::Added, Item::Operation)
                        .op(n)
                        .shapes(None, Some(format!("{} {}", n.method, n.path.raw)))
                        .breaking(false, format!("new method `Client::{}`", n.name.rust)),
                ),
                (Some(o), None) => self.push(
                    Change::new(ChangeKind::Removed, Item::Operation)
                        .op(o)
                        .shapes(Some(format!("{} {}", o.method, o.path.raw)), None)
                        .breaking(true, format!("`Client::{}` no longer exists", o.name.rust)),
                ),
                (Some(o), Some(n)) => self.operation(o, n),
                (None, None) => {}
            }
        }
    }

    pub(super) fn operation(&mut self, o: &Operation, n: &Operation) {
        let (old_api, new_api) = (self.old.api, self.new.api);
        if o.name.wire != n.name.wire {
            let breaking = o.name.rust != n.name.rust;
            let reason = if breaking {
                format!(
                    "same {} {}, new operationId: `Client::{}` is now `Client::{}`",
                    n.method, n.path.raw, o.name.rust, n.name.rust
                )
            } else {
                format!(
                    "same {} {}, new operationId; the method keeps its name",
                    n.method, n.path.raw
                )
            };
            self.push(
                Change::new(ChangeKind::Changed, Item::Operation)
                    .op(n)
                    .shapes(
                        Some(format!("operationId `{}`", o.name.wire)),
                        Some(format!("operationId `{}`", n.name.wire)),
                    )
                    .breaking(breaking, reason),
            );
        } else if o.name.rust != n.name.rust {
            self.push(
                Change::new(ChangeKind::Changed, Item::Operation)
                    .op(n)
                    .shapes(
                        Some(format!("Client::{}", o.name.rust)),
                        Some(format!("Client::{}", n.name.rust)),
                    )
                    .breaking(true, "the client method is renamed"),
            );
        }
        if o.method != n.method || o.path.raw != n.path.raw {
            self.push(
                Change::new(ChangeKind::Changed, Item::Operation)
                    .op(n)
                    .shapes(
                        Some(format!("{} {}", o.method, o.path.raw)),
                        Some(format!("{} {}", n.method, n.path.raw)),
                    )
                    .breaking(
                        false,
                        "the SDK sends the request to the new endpoint; calls compile unchanged",
                    ),
            );
        }
        let schemes = |api: &Api, op: &Operation| -> Vec<String> {
            let mut v: Vec<String> = op
                .security
                .iter()
                .filter_map(|&i| api.security_schemes.get(i))
                .map(|s| s.name.wire.clone())
                .collect();
            v.sort();
            v
        };
        let (old_schemes, new_schemes) = (schemes(old_api, o), schemes(new_api, n));
        if old_schemes != new_schemes {
            let text = |v: &[String]| {
                if v.is_empty() {
                    "no credentials".to_string()
                } else {
                    format!("credentials: {}", v.join(", "))
                }
            };
            self.push(
                Change::new(ChangeKind::Changed, Item::Operation)
                    .op(n)
                    .shapes(Some(text(&old_schemes)), Some(text(&new_schemes)))
                    .breaking(
                        false,
                        "the SDK sends the credentials the client has; calls compile unchanged",
                    ),
            );
        }
        let (old_surface, new_surface) = (
            OperationSurface::of(old_api, o),
            OperationSurface::of(new_api, n),
        );
        self.form(&old_surface, &new_surface);
        self.events(&old_surface, &new_surface);
        self.params(&old_surface, &new_surface);
        self.body(o, n);
        self.responses(&old_surface, &new_surface);
    }

    /// The method's form (positional or builder), its `.stream()` and its error type.
    pub(super) fn form(&mut self, o: &OperationSurface<'_>, n: &OperationSurface<'_>) {
        let method = &n.method;
        let change = || Change::new(ChangeKind::Changed, Item::Operation).op(n.op);
        let form_text = |s: &OperationSurface<'_>| match &s.builder {
            Some(b) => format!("request builder `{}`", b.request),
            None => "positional arguments, returns `runtime::Call`".to_string(),
        };
        if o.form != n.form {
            let why = match (&o.builder, &n.builder) {
                (None, Some(b)) => format!(
                    "`Client::{method}` now returns a request builder (`{}`): optional parameters are set with its methods instead of passed as `Option` arguments",
                    b.request
                ),
                (Some(b), _) => format!(
                    "`Client::{method}` now takes every parameter as an argument and returns a `runtime::Call`: `{}` and its setters are gone",
                    b.request
                ),
                (None, None) => "the method's form changes".to_string(),
            };
            self.push(
                change()
                    .shapes(Some(form_text(o)), Some(form_text(n)))
                    .breaking(true, why),
            );
        }
        let stream_text = |s: &OperationSurface<'_>| match (&s.builder, &s.stream) {
            (Some(b), Some(pages)) => format!("`{}::stream()` of {}", b.request, pages.item),
            _ => "no `.stream()`".to_string(),
        };
        let (old_stream, new_stream) = (stream_text(o), stream_text(n));
        if old_stream != new_stream {
            let (breaking, why) = match (&o.stream, &n.stream) {
                (None, Some(_)) => (
                    false,
                    "a new `.stream()` walks every page; existing code is unaffected".to_string(),
                ),
                (Some(_), None) => (
                    true,
                    format!("`Client::{method}` no longer has `.stream()`"),
                ),
                _ => (
                    true,
                    "`.stream()` yields another item type or belongs to another builder"
                        .to_string(),
                ),
            };
            self.push(
                change()
                    .shapes(Some(old_stream), Some(new_stream))
                    .breaking(breaking, why),
            );
        }
        let (old_error, new_error) = (o.error_type().to_string(), n.error_type().to_string());
        if old_error != new_error {
            self.push(
                change()
                    .shapes(
                        Some(format!("runtime::Error<{old_error}>")),
                        Some(format!("runtime::Error<{new_error}>")),
                    )
                    .breaking(
                        true,
                        format!(
                            "`Client::{method}` fails with `runtime::Error<{new_error}>` instead of `runtime::Error<{old_error}>`: code naming or matching the error type must change"
                        ),
                    ),
            );
        }
    }

    /// The streaming method of a `text/event-stream` response: gaining one is an addition;
    /// losing it, a new item type, or the plain method becoming the stream break callers.
    pub(super) fn events(&mut self, o: &OperationSurface<'_>, n: &OperationSurface<'_>) {
        let text = |s: &OperationSurface<'_>| match &s.events {
            Some(e) if e.only => format!(
                "`Client::{}` returns an event stream of {}",
                e.method, e.item
            ),
            Some(e) => format!("`Client::{}` streams events of {}", e.method, e.item),
            None => "no event stream".to_string(),
        };
        let (old, new) = (text(o), text(n));
        if old == new {
            return;
        }
        let (breaking, why) = match (&o.events, &n.events) {
            (None, Some(e)) if !e.only => (
                false,
                format!("a new `Client::{}` streams the response; existing code is unaffected", e.method),
            ),
            (Some(e), None) => (true, format!("`Client::{}` no longer streams", e.method)),
            _ => (
                true,
                format!(
                    "`Client::{}`'s stream changes: another item type or method, or the method itself now returns a stream (or no longer does)",
                    n.method
                ),
            ),
        };
        self.push(
            Change::new(ChangeKind::Changed, Item::Operation)
                .op(n.op)
                .shapes(Some(old), Some(new))
                .breaking(breaking, why),
        );
    }

    /// Parameters, judged by how the method takes them: a new or changed argument breaks
    /// calls, a new builder setter does not.
    pub(super) fn params(&mut self, o: &OperationSurface<'_>, n: &OperationSurface<'_>) {
        let key = |p: &ParamSurface<'_>| (p.param.location, p.param.name.wire.clone());
        let pairs = pair(
            o.params.iter().map(|p| (key(p), p)),
            n.params.iter().map(|p| (key(p), p)),
        );
        let method = &n.method;
        let request = |s: &OperationSurface<'_>| {
            s.builder
                .as_ref()
                .map(|b| b.request.clone())
                .unwrap_or_default()
        };
        let mut arguments_changed = false;
        for (a, b) in pairs {
            let (kind, p) = match (a, b) {
                (None, Some(p)) => (ChangeKind::Added, p),
                (Some(p), None) => (ChangeKind::Removed, p),
                (Some(a), Some(b)) => {
                    arguments_changed |= self.param_pair(o, n, a, b);
                    continue;
                }
                (None, None) => continue,
            };
            let (breaking, why) = match (kind, &p.passing) {
                (ChangeKind::Added, Passing::Setter(setter)) => (
                    false,
                    format!(
                        "a new setter `{}::{setter}`; calls that do not set it compile unchanged",
                        request(n)
                    ),
                ),
                (ChangeKind::Added, Passing::Argument) if p.param.required => (
                    true,
                    format!("`Client::{method}` takes a new argument `{}`", p.name),
                ),
                (ChangeKind::Added, Passing::Argument) => (
                    true,
                    format!(
                        "`Client::{method}` takes a new argument `{}` (optional parameters of a positional method are `Option` arguments)",
                        p.name
                    ),
                ),
                (_, Passing::Setter(setter)) => (
                    true,
                    format!("`{}::{setter}` no longer exists", request(o)),
                ),
                (_, Passing::Argument) => (
                    true,
                    format!(
                        "`Client::{method}` no longer takes the argument `{}`",
                        p.name
                    ),
                ),
            };
            arguments_changed |= p.passing == Passing::Argument;
            let shape = Some(param_shape(p));
            let (old, new) = match kind {
                ChangeKind::Added => (None, shape),
                _ => (shape, None),
            };
            self.push(
                Change::new(kind, Item::Parameter)
                    .op(n.op)
                    .name(&p.param.name.wire)
                    .rust(&p.name)
                    .shapes(old, new)
                    .breaking(breaking, why),
            );
        }
        if !arguments_changed {
            // Same arguments: their order is path, then required, then optional, spec order.
            let order = |s: &OperationSurface<'_>| {
                s.arguments().map(|p| p.name.clone()).collect::<Vec<_>>()
            };
            let (old_order, new_order) = (order(o), order(n));
            if old_order != new_order {
                self.push(
                    Change::new(ChangeKind::Changed, Item::Operation)
                        .op(n.op)
                        .shapes(
                            Some(format!("arguments ({})", old_order.join(", "))),
                            Some(format!("arguments ({})", new_order.join(", "))),
                        )
                        .breaking(
                            true,
                            format!("the arguments of `Client::{method}` are reordered"),
                        ),
                );
            }
        }
    }

    /// A parameter in both versions; true when the method's arguments change.
    pub(super) fn param_pair(
        &mut self,
        o: &OperationSurface<'_>,
        n: &OperationSurface<'_>,
        a: &ParamSurface<'_>,
        b: &ParamSurface<'_>,
    ) -> bool {
        let (at, bt) = (param_type(a), param_type(b));
        let request = n.builder.as_ref().map(|b| b.request.as_str()).unwrap_or("");
        let old_request = o.builder.as_ref().map(|b| b.request.as_str()).unwrap_or("");
        let name = &b.name;
        let (arguments, why) = match (&a.passing, &b.passing) {
            (Passing::Argument, Passing::Argument) if at == bt => return false,
            (Passing::Argument, Passing::Argument) if a.param.required != b.param.required => (
                true,
                format!(
                    "the argument `{name}` is now {} ({bt} instead of {at})",
                    if b.param.required {
                        "required"
                    } else {
                        "optional"
                    }
                ),
            ),
            (Passing::Argument, Passing::Argument) => {
                (true, format!("the argument `{name}` has a new type"))
            }
            (Passing::Setter(x), Passing::Setter(y)) if at == bt && x == y => return false,
            (Passing::Setter(_), Passing::Setter(y)) if at == bt => {
                (false, format!("the setter is renamed `{request}::{y}`"))
            }
            (Passing::Setter(_), Passing::Setter(y)) => (
                false,
                format!("the setter `{request}::{y}` takes a new type ({bt} instead of {at})"),
            ),
            (Passing::Argument, Passing::Setter(y)) => (
                true,
                format!("`{name}` is no longer an argument: it is set with `{request}::{y}`"),
            ),
            (Passing::Setter(x), Passing::Argument) => (
                true,
                format!("`{old_request}::{x}` no longer exists: `{name}` is now an argument"),
            ),
        };
        self.push(
            Change::new(ChangeKind::Changed, Item::Parameter)
                .op(n.op)
                .name(&b.param.name.wire)
                .rust(&b.name)
                .shapes(Some(param_shape(a)), Some(param_shape(b)))
                .breaking(true, why),
        );
        arguments
    }

    pub(super) fn body(&mut self, o: &Operation, n: &Operation) {
        let (old_api, new_api) = (self.old.api, self.new.api);
        // A body without content is no argument.
        let arg = |b: &Option<Body>| b.as_ref().filter(|b| b.kind != BodyKind::Empty).cloned();
        let (ob, nb) = (arg(&o.body), arg(&n.body));
        let method = &n.name.rust;
        match (&ob, &nb) {
            (None, Some(b)) => self.push(
                Change::new(ChangeKind::Added, Item::RequestBody)
                    .op(n)
                    .shapes(None, Some(body_shape(new_api, b)))
                    .breaking(
                        true,
                        format!("`Client::{method}` takes a new `body` argument"),
                    ),
            ),
            (Some(b), None) => self.push(
                Change::new(ChangeKind::Removed, Item::RequestBody)
                    .op(n)
                    .shapes(Some(body_shape(old_api, b)), None)
                    .breaking(
                        true,
                        format!("`Client::{method}` no longer takes a `body` argument"),
                    ),
            ),
            (Some(a), Some(b)) => {
                let (at, bt) = (body_type(old_api, &a.kind), body_type(new_api, &b.kind));
                let (breaking, why) = if at != bt {
                    (
                        true,
                        format!("the `body` argument is now {bt} instead of {at}"),
                    )
                } else if a.required != b.required {
                    (
                        true,
                        format!(
                            "the `body` argument is now {}",
                            if b.required {
                                "required (`&T` instead of `Option<&T>`)"
                            } else {
                                "optional (`Option<&T>` instead of `&T`)"
                            }
                        ),
                    )
                } else if a.content_type != b.content_type {
                    (
                        false,
                        "the SDK sends the new media type; calls compile unchanged".to_string(),
                    )
                } else {
                    return;
                };
                self.push(
                    Change::new(ChangeKind::Changed, Item::RequestBody)
                        .op(n)
                        .shapes(Some(body_shape(old_api, a)), Some(body_shape(new_api, b)))
                        .breaking(breaking, why),
                );
            }
            (None, None) => {}
        }
    }

    pub(super) fn responses(&mut self, o: &OperationSurface<'_>, n: &OperationSurface<'_>) {
        let (old_api, new_api) = (self.old.api, self.new.api);
        let (old_outcome, new_outcome) = (Outcome::of(o), Outcome::of(n));
        let method = &n.method;
        let pairs = pair(
            o.op.responses.iter().map(|r| (r.status, r)),
            n.op.responses.iter().map(|r| (r.status, r)),
        );
        let (oe, ne) = (
            format!("{}Error", o.type_base),
            format!("{}Error", n.type_base),
        );
        for (or, nr) in pairs {
            let Some(status) = or.or(nr).map(|r| r.status) else {
                continue;
            };
            let kind = match (or, nr) {
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                (Some(a), Some(b)) => {
                    let same = body_type(old_api, &a.kind) == body_type(new_api, &b.kind)
                        && old_outcome.successes.contains(&status)
                            == new_outcome.successes.contains(&status);
                    if same {
                        continue;
                    }
                    ChangeKind::Changed
                }
                (None, None) => continue,
            };
            let shape = |api: &Api, r: Option<&Response>| {
                r.map(|r| format!("{}: {}", status_text(status), body_type(api, &r.kind)))
            };
            let success_side =
                old_outcome.successes.contains(&status) || new_outcome.successes.contains(&status);
            let (old_err, new_err) = (
                old_outcome.errors.get(&status),
                new_outcome.errors.get(&status),
            );
            let variant = crate::surface::status_variant(status);
            let (breaking, why) = if success_side && old_outcome.ok != new_outcome.ok {
                (
                    true,
                    format!(
                        "`Client::{method}` now returns {} instead of {}",
                        new_outcome.ok, old_outcome.ok
                    ),
                )
            } else if old_err != new_err {
                match (old_err, new_err) {
                    (None, Some(_)) => (
                        true,
                        format!(
                            "new variant `{ne}::{variant}`: exhaustive `match`es on the error must handle it"
                        ),
                    ),
                    (Some(_), None) => (true, format!("`{oe}::{variant}` no longer exists")),
                    (_, payload) => (
                        true,
                        format!(
                            "`{ne}::{variant}` now holds {}",
                            match payload {
                                Some(Some(t)) => t.to_string(),
                                _ => "nothing".to_string(),
                            }
                        ),
                    ),
                }
            } else {
                (
                    false,
                    format!("`Client::{method}` still returns {}", new_outcome.ok),
                )
            };
            self.push(
                Change::new(kind, Item::Response)
                    .op(n.op)
                    .name(status_text(status))
                    .shapes(shape(old_api, or), shape(new_api, nr))
                    .breaking(breaking, why),
            );
        }
    }
}
