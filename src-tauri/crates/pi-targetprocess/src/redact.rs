//! Removing credentials from anything that may be shown or logged: the shared layer's
//! [`redact`](pi_http::redact) (`access_token=`, `token=` and other credential parameters, and
//! the user information of URLs), kept under this path for callers of this crate.

pub use pi_http::redact;
