//! The credential setters of a generated `Client` and the environment variables
//! `Client::from_env` reads, named per security scheme kind.

use crate::ir::{Api, SecurityKind};

/// How a scheme's credential is set on a `Client`: the setter, named after the scheme's
/// *kind* so every client reads the same (`with_bearer_token`, `with_api_key`,
/// `with_basic_auth`, `with_authorization` for another `Authorization` scheme,
/// `with_oauth2`), and the environment variables `Client::from_env` reads for it (suffixes
/// of `{PREFIX}_`). When several schemes of one spec share a kind (or a variable), each gets
/// the scheme name appended, deterministically.
pub(crate) struct Credential {
    /// The setter (`with_bearer_token`).
    pub setter: String,
    /// The variable suffixes (`API_KEY`; `USERNAME` and `PASSWORD` for basic).
    pub env: Vec<String>,
}

pub(crate) fn credentials(api: &Api) -> Vec<Credential> {
    let kind = |k: &SecurityKind| -> (&'static str, Vec<&'static str>) {
        match k {
            SecurityKind::Http { scheme } if scheme.eq_ignore_ascii_case("bearer") => {
                ("bearer_token", vec!["API_KEY"])
            }
            SecurityKind::Http { .. } => ("authorization", vec!["API_KEY"]),
            SecurityKind::HttpBasic => ("basic_auth", vec!["USERNAME", "PASSWORD"]),
            SecurityKind::ApiKeyHeader { .. }
            | SecurityKind::ApiKeyQuery { .. }
            | SecurityKind::ApiKeyCookie { .. } => ("api_key", vec!["API_KEY"]),
            SecurityKind::OAuth2 {
                token_url: Some(_), ..
            } => ("oauth2", vec!["CLIENT_ID", "CLIENT_SECRET"]),
            SecurityKind::OAuth2 { .. } => ("oauth2", vec!["ACCESS_TOKEN"]),
            SecurityKind::Unsupported => ("credential", vec![]),
        }
    };
    let kinds: Vec<_> = api.security_schemes.iter().map(|s| kind(&s.kind)).collect();
    api.security_schemes
        .iter()
        .zip(&kinds)
        .map(|(s, (k, env))| {
            let shared = kinds.iter().filter(|(o, _)| o == k).count() > 1;
            let setter = if shared {
                format!("with_{k}_{}", s.name.rust)
            } else {
                format!("with_{k}")
            };
            let env_shared = kinds
                .iter()
                .filter(|(_, e)| e.iter().any(|v| env.contains(v)))
                .count()
                > 1;
            let scheme = heck::ToShoutySnakeCase::to_shouty_snake_case(s.name.rust.as_str());
            let env = env
                .iter()
                .map(|v| {
                    if env_shared {
                        format!("{scheme}_{v}")
                    } else {
                        v.to_string()
                    }
                })
                .collect();
            Credential { setter, env }
        })
        .collect()
}
