//! Rust spellings for spec names: sanitize, change case with `heck`, avoid keywords, and
//! make names unique deterministically.

use heck::{ToSnakeCase, ToUpperCamelCase};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::BTreeSet;

/// Words for punctuation, so that values made only of symbols (`==`, `*`, `#`) still get
/// distinct, readable names.
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '=' => "eq",
        '!' => "not",
        '<' => "lt",
        '>' => "gt",
        '*' => "star",
        '#' => "hash",
        '+' => "plus",
        '-' => "minus",
        '/' => "slash",
        '\\' => "backslash",
        '.' => "dot",
        '@' => "at",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '~' => "tilde",
        '^' => "caret",
        '?' => "question",
        '$' => "dollar",
        ':' => "colon",
        ',' => "comma",
        ';' => "semicolon",
        '(' | ')' => "paren",
        '[' | ']' => "bracket",
        '{' | '}' => "brace",
        '\'' | '"' => "quote",
        '`' => "backtick",
        _ => return None,
    })
}

/// Maps a spec name to words separated by `_`: non-identifier characters become separators;
/// a name with no letters or digits at all spells its symbols out (`!=` → `not_eq`).
fn sanitize(raw: &str) -> String {
    let has_alnum = raw.chars().any(|c| c.is_alphanumeric());
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !has_alnum {
            if let Some(w) = symbol_word(c) {
                out.push('_');
                out.push_str(w);
                out.push('_');
            }
        } else {
            out.push('_');
        }
    }
    // Keep only ASCII; other letters are transliterated as their code point.
    let mut ascii = String::new();
    for c in out.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            ascii.push_str(&format!("_u{:x}_", c as u32));
        }
    }
    ascii
}

/// The cases [`converted`] writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    UpperCamel,
    Snake,
}

/// How many conversions of each case a thread remembers (a bound on its memory).
const REMEMBERED: usize = 1 << 16;

thread_local! {
    /// Conversions made on this thread, by case then name.
    static CONVERTED: RefCell<[FxHashMap<String, String>; 2]> = RefCell::default();
}

/// True when [`converted`] would return `raw` unchanged, by a test that reads each byte
/// once (most names reaching it are already in their case: the types' and fields' names
/// lowering made):
///
/// - UpperCamelCase: ASCII letters and digits, starting with an uppercase letter, and every
///   other uppercase letter after a lowercase one, with only digits between (`heck` starts
///   a word there and keeps it; `HTTPServer` or `A1B` would change);
/// - snake_case: ASCII lowercase letters, digits and single `_` between them.
///
/// It may say false for a name `heck` keeps; it never says true for one it changes (the
/// unit test compares the two on every short name).
fn already_in(raw: &str, case: Case) -> bool {
    let bytes = raw.as_bytes();
    match case {
        Case::UpperCamel => {
            // Whether the last letter before this byte was lowercase (digits carry it).
            let mut after_lower = false;
            bytes.first().is_some_and(u8::is_ascii_uppercase)
                && bytes.iter().enumerate().all(|(i, b)| {
                    let keeps = if b.is_ascii_uppercase() {
                        i == 0 || after_lower
                    } else {
                        b.is_ascii_alphanumeric()
                    };
                    if b.is_ascii_alphabetic() {
                        after_lower = b.is_ascii_lowercase();
                    }
                    keeps
                })
        }
        Case::Snake => {
            let plain = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
            bytes.first().is_some_and(plain)
                && bytes.last().is_some_and(plain)
                && bytes.iter().all(|b| plain(b) || *b == b'_')
                && bytes.windows(2).all(|w| w != b"__")
        }
    }
}

/// `raw` made safe ([`sanitize`]) and written in `case` by `heck`, remembered per thread:
/// a spec repeats the same property and parameter names thousands of times, and the
/// conversion costs more than finding it again.
fn converted(raw: &str, case: Case) -> String {
    if already_in(raw, case) {
        return raw.to_string();
    }
    CONVERTED.with(|seen| {
        let mut seen = seen.borrow_mut();
        let map = &mut seen[case as usize];
        if let Some(done) = map.get(raw) {
            return done.clone();
        }
        // ASCII with a letter or digit: `sanitize` would only turn the other characters
        // into `_`, which split words exactly as they do.
        let name = if raw.is_ascii() && raw.bytes().any(|b| b.is_ascii_alphanumeric()) {
            ascii_case(raw, case)
        } else {
            ascii_case(&sanitize(raw), case)
        };
        if map.len() < REMEMBERED {
            map.insert(raw.to_string(), name.clone());
        }
        name
    })
}

/// `heck`'s `to_upper_camel_case` or `to_snake_case` of `ascii` (an ASCII string, as
/// [`sanitize`] makes), without `fmt`: heck 0.5 splits the text at every character that is
/// not a letter or digit, and inside each part before an uppercase letter that follows a
/// lowercase one (digits between carry the case before them) and before the last of a run
/// of uppercase letters followed by a lowercase one (`HTTPServer` → `HTTP`, `Server`); each
/// word is then capitalized (UpperCamelCase) or lowercased and joined with `_` (snake_case).
/// heck writes every character through `fmt`, which made it a tenth of Microsoft Graph's
/// lowering (its operation names are long and all different). Debug builds compare the
/// result with heck's; a unit test does for every short name over both cases, digits and
/// separators.
fn ascii_case(ascii: &str, case: Case) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    let mut out = String::with_capacity(ascii.len() + 8);
    let mut first = true;
    let mut word = |w: &str, out: &mut String| {
        if !first && case == Case::Snake {
            out.push('_');
        }
        first = false;
        match case {
            Case::UpperCamel => {
                let mut chars = w.chars();
                if let Some(c) = chars.next() {
                    out.push(c.to_ascii_uppercase());
                    out.extend(chars.map(|c| c.to_ascii_lowercase()));
                }
            }
            Case::Snake => out.extend(w.chars().map(|c| c.to_ascii_lowercase())),
        }
    };
    for part in ascii.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = part.as_bytes();
        let (mut start, mut mode) = (0, Mode::Boundary);
        for (i, &c) in bytes.iter().enumerate() {
            let Some(&next) = bytes.get(i + 1) else {
                word(&part[start..], &mut out);
                break;
            };
            let next_mode = if c.is_ascii_lowercase() {
                Mode::Lower
            } else if c.is_ascii_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_ascii_uppercase() {
                word(&part[start..=i], &mut out);
                (start, mode) = (i + 1, Mode::Boundary);
            } else if mode == Mode::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                word(&part[start..i], &mut out);
                (start, mode) = (i, Mode::Boundary);
            } else {
                mode = next_mode;
            }
        }
    }
    debug_assert_eq!(
        out,
        match case {
            Case::UpperCamel => ascii.to_upper_camel_case(),
            Case::Snake => ascii.to_snake_case(),
        },
        "{ascii:?}"
    );
    out
}

/// An UpperCamelCase type or variant name; `fallback` is used when nothing is left.
pub fn type_name(raw: &str, fallback: &str) -> String {
    let mut name = converted(raw, Case::UpperCamel);
    if name.is_empty() {
        name = fallback.to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if is_reserved_type(&name) {
        name.push_str("Type");
    }
    name
}

/// An UpperCamelCase enum variant name. Variants live in their enum's namespace, so prelude
/// names (`None`, `Ok`) are fine; only `Self` and a leading digit need care.
pub fn variant_name(raw: &str, fallback: &str) -> String {
    let mut name = converted(raw, Case::UpperCamel);
    if name.is_empty() {
        name = fallback.to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push_str("Value");
    }
    name
}

/// UpperCamelCase of a name used as part of a longer type name (`{Parent}{Property}`):
/// no keyword or reserved-name handling, which applies to whole names only.
pub fn camel_part(raw: &str, fallback: &str) -> String {
    let name = converted(raw, Case::UpperCamel);
    if name.is_empty() {
        fallback.to_string()
    } else {
        name
    }
}

/// A snake_case field, method, argument or module name (without `r#`).
pub fn snake_name(raw: &str, fallback: &str) -> String {
    let mut name = converted(raw, Case::Snake);
    if name.is_empty() {
        name = fallback.to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    // Keywords that cannot be raw identifiers, and clippy's placeholder names.
    if matches!(
        name.as_str(),
        "self" | "super" | "crate" | "_" | "foo" | "baz" | "quux"
    ) {
        name.push('_');
    }
    name
}

/// True for Rust keywords that need `r#` as an identifier.
pub fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

/// Type names the generated code uses unqualified (prelude and helpers): a schema of that
/// name gets a `Type` suffix so it cannot shadow them.
fn is_reserved_type(name: &str) -> bool {
    matches!(
        name,
        "Self"
            | "Option"
            | "Some"
            | "None"
            | "Result"
            | "Ok"
            | "Err"
            | "String"
            | "Vec"
            | "Box"
            | "Default"
            | "Clone"
            | "Copy"
            | "Debug"
            | "PartialEq"
            | "Eq"
            | "Hash"
            | "Send"
            | "Sync"
            | "Sized"
            | "From"
            | "Into"
            | "Iterator"
            | "ToString"
            | "ToOwned"
            | "Drop"
            | "Fn"
            | "FnMut"
            | "FnOnce"
            | "Client"
            | "Error"
    )
}

/// Hands out unique names within one namespace, in the order asked.
///
/// A clash gets the smallest numeric suffix (`Name2`, `Name3`, …) that is free; callers ask
/// in a deterministic order so the result never depends on hashing.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace with some names already in use.
    pub fn with_taken<I: IntoIterator<Item = String>>(names: I) -> Self {
        Namespace {
            taken: names.into_iter().collect(),
        }
    }

    /// Claims `wanted`, or `wanted` + the first free number. Returns the claimed name and
    /// whether it had to be changed. Spec names that differ only in case or punctuation
    /// (`foo_bar`, `FooBar`) reach here already converted, so they clash and are kept apart.
    pub fn claim(&mut self, wanted: &str) -> (String, bool) {
        if self.taken.insert(wanted.to_string()) {
            return (wanted.to_string(), false);
        }
        let sep = if wanted.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        for n in 2.. {
            let candidate = format!("{wanted}{sep}{n}");
            if self.taken.insert(candidate.clone()) {
                return (candidate, true);
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }
}

/// Splits a name into lowercase words (for prefix/suffix stripping of variant names).
pub fn words(raw: &str) -> Vec<String> {
    converted(raw, Case::Snake)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The plain name inside an operationId a web framework generated, when `id` has one of
/// the known shapes: FastAPI's `{name}{path with non-word characters as _}_{method}`
/// (`metrics_metrics_get` for `GET /metrics` → `metrics`) and NestJS's
/// `{Name}Controller_{method}` (`ActionController_updateAction` → `updateAction`).
/// `None` for any other id.
pub fn framework_operation_name(id: &str, method: &str, path: &str) -> Option<String> {
    if let Some((controller, name)) = id.split_once("Controller_") {
        let plain = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric());
        if plain(controller)
            && plain(name)
            && controller.starts_with(|c: char| c.is_ascii_uppercase())
        {
            return Some(name.to_string());
        }
    }
    // `{name}{path}_{method}`: the method is checked first, as most ids do not end with it.
    let method = method.to_ascii_lowercase();
    let rest = id.strip_suffix(method.as_str())?.strip_suffix('_')?;
    let path: String = path
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    rest.strip_suffix(path.as_str())
        .filter(|name| !name.is_empty() && !name.ends_with('_'))
        .map(str::to_string)
}

/// What a module name may be, for diagnostics.
pub(crate) const MODULE_NAME_HINT: &str =
    "a module name is ASCII letters, digits and `_`, not starting with a digit, e.g. `billing_v2`";

/// Why `name` cannot name a spec's module (a Rust module, a Cargo feature and a file
/// name), or `None` when it can: ASCII letters, digits and `_`, not starting with a
/// digit, and not `_`, `self`, `Self`, `super` or `crate` (which cannot be written as raw
/// identifiers; other keywords are written as `r#type`).
pub(crate) fn module_name_error(name: &str) -> Option<String> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Some(format!(
            "`{}` is not a Rust identifier",
            name.escape_debug()
        ));
    }
    if matches!(name, "_" | "self" | "Self" | "super" | "crate") {
        return Some(format!("`{name}` is reserved in Rust paths"));
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_already_in_case_are_what_heck_makes_of_them() {
        use super::{already_in, sanitize, Case};
        use heck::{ToSnakeCase, ToUpperCamelCase};
        // Every name of up to five characters over an alphabet with both cases, digits and
        // a separator.
        let all = crate::testing::strings_over(&['A', 'B', 'a', 'b', '1', '_'], 5);
        let (mut camel, mut snake) = (0, 0);
        for name in &all {
            if already_in(name, Case::UpperCamel) {
                assert_eq!(sanitize(name).to_upper_camel_case(), *name);
                camel += 1;
            }
            if already_in(name, Case::Snake) {
                assert_eq!(sanitize(name).to_snake_case(), *name);
                snake += 1;
            }
        }
        // The fast path is taken for many of them.
        assert!(camel > 500 && snake > 500, "{camel} {snake}");
        assert!(!already_in("HTTPServer", Case::UpperCamel));
        assert!(!already_in("A1B", Case::UpperCamel));
        assert!(already_in("PaymentIntent2Card", Case::UpperCamel));
        assert!(already_in("payment_intent_2", Case::Snake));
    }

    #[test]
    fn ascii_case_is_what_heck_makes() {
        use super::{ascii_case, Case};
        use heck::{ToSnakeCase, ToUpperCamelCase};
        // Every string of up to six characters over both cases, digits and separators,
        // then longer ones made from parts where words split.
        let mut all = crate::testing::strings_over(&['A', 'B', 'a', 'b', '1', '_', '-'], 6);
        let parts = ["HTTP", "Server", "x", "2", "iOS", "_", ".", "ABc", "aB"];
        for a in parts {
            for b in parts {
                for c in parts {
                    all.push(format!("{a}{b}{c}"));
                }
            }
        }
        all.push(
            "deviceAppManagement.androidManagedAppProtections.ListAndroidManagedAppProtections"
                .into(),
        );
        for name in &all {
            assert_eq!(
                ascii_case(name, Case::UpperCamel),
                name.to_upper_camel_case(),
                "{name:?}"
            );
            assert_eq!(
                ascii_case(name, Case::Snake),
                name.to_snake_case(),
                "{name:?}"
            );
            // What `converted` makes of a spec name is heck's case of the sanitized name.
            let sanitized = super::sanitize(name);
            let camel = super::converted(name, Case::UpperCamel);
            assert_eq!(camel, sanitized.to_upper_camel_case(), "{name:?}");
            let snake = super::converted(name, Case::Snake);
            assert_eq!(snake, sanitized.to_snake_case(), "{name:?}");
        }
    }

    use super::*;

    #[test]
    fn framework_operation_ids_yield_their_plain_name() {
        let name = framework_operation_name;
        assert_eq!(
            name("metrics_metrics_get", "get", "/metrics").as_deref(),
            Some("metrics")
        );
        assert_eq!(
            name(
                "get_call_v1_calls__call_id__get",
                "get",
                "/v1/calls/{call_id}"
            )
            .as_deref(),
            Some("get_call")
        );
        assert_eq!(
            name(
                "ActionController_updateAction",
                "post",
                "/v1/actions/update"
            )
            .as_deref(),
            Some("updateAction")
        );
        assert_eq!(name("listCalls", "get", "/v1/calls"), None);
        assert_eq!(name("_metrics_get", "get", "/metrics"), None);
        assert_eq!(name("Action_Controller_x", "get", "/x"), None);
    }

    #[test]
    fn schema_names_follow_heck() {
        assert_eq!(
            type_name("standard.locale.tts-polly", "T"),
            "StandardLocaleTtsPolly"
        );
        assert_eq!(type_name("HTTPValidationError", "T"), "HttpValidationError");
        assert_eq!(
            type_name("PhraseBasedActionTrigger-Input", "T"),
            "PhraseBasedActionTriggerInput"
        );
    }

    #[test]
    fn symbols_and_digits_become_distinct_identifiers() {
        let names: Vec<_> = ["==", "!=", "*", "#", "0", "en-GB-WLS", "dtmf speech", "eq"]
            .iter()
            .map(|v| variant_name(v, "Value"))
            .collect();
        assert_eq!(
            names,
            [
                "EqEq",
                "NotEq",
                "Star",
                "Hash",
                "V0",
                "EnGbWls",
                "DtmfSpeech",
                "Eq"
            ]
        );
    }

    #[test]
    fn keywords_and_reserved_names() {
        assert!(is_keyword("type"));
        assert_eq!(snake_name("self", "x"), "self_");
        assert_eq!(snake_name("1st", "x"), "_1st");
        assert_eq!(type_name("Option", "T"), "OptionType");
    }

    #[test]
    fn namespace_resolves_clashes_in_order() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim("FooBar"), ("FooBar".into(), false));
        assert_eq!(ns.claim("FooBar"), ("FooBar2".into(), true));
        assert_eq!(ns.claim("V1"), ("V1".into(), false));
        assert_eq!(ns.claim("V1"), ("V1_2".into(), true));
    }
}
