//! An application crate that generates its Bird Channels client at build time (see
//! `build.rs`) instead of committing it.

// The runtime of the generated code (`pub mod runtime`): one for every spec the build
// script compiles, with one `Error` type. Each API module takes it from its parent.
include!(concat!(env!("OUT_DIR"), "/runtime.rs"));

/// The generated SDK: `types` and `client` modules, `Client` and `Error` (and `runtime`,
/// re-exported from the crate root).
#[allow(missing_docs)]
pub mod bird {
    include!(concat!(env!("OUT_DIR"), "/patch_call.rs"));
}

/// The application's own type for the spec's `TagName` schema (a lower-case tag).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Tag(String);

impl Tag {
    /// A tag, lower-cased as the API stores it.
    pub fn new(name: &str) -> Self {
        Tag(name.to_lowercase())
    }
}

/// Ends a call by sending a call flow with one `hangup` command.
///
/// # Errors
/// The client's error when the request fails or the API answers with an error.
pub async fn hang_up(
    client: &bird::Client,
    workspace: &str,
    channel: &str,
    call: &str,
) -> Result<bird::types::Call, bird::Error<bird::client::PatchCallError>> {
    let patch = bird::types::PatchCall::default().call_flow([bird::types::CallFlowCommand::new(
        bird::types::Command::Hangup(None),
    )]);
    client
        .patch_call(workspace, channel, call, Some(&patch))
        .await
}
