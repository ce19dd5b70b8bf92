//! `pi-targetprocess`: the Targetprocess REST API v1 client.
pub mod config;
pub mod criteria;
pub mod dates;
pub mod error;
pub mod redact;
pub mod text;
