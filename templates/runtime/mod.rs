//! Runtime support shared by every generated client and type module.
//!
//! Hand-written (it lives in oagen's `templates/runtime/`) and copied into each generated
//! crate, only the parts the crate's generated code uses, so a generated crate depends on
//! nothing from the oagen repository. Several APIs in one crate share it (and its
//! [`Error`]).

// `Error` keeps status, headers and body inline so callers can match on them directly;
// errors are the cold path, so the larger `Result` is the better trade.
#![allow(clippy::result_large_err)]

pub use ::bytes::Bytes;
pub use ::reqwest::header::HeaderMap;
pub use ::reqwest::StatusCode;
