//! The Tauri commands: thin adapters from IPC to one [`crate::session::Session`] call each.
//!
//! Deliberately no logic here beyond unpacking arguments: what a command does lives in the
//! session and the libraries, so it is tested without a window.

mod checks;
mod connection;
mod dispatch;
mod health;
mod history;
mod jira;
mod link;
mod live;
mod plan;
mod review;
mod sync;
mod train;

pub use checks::*;
pub use connection::*;
pub use dispatch::{Host, dispatch};
pub use health::*;
pub use history::*;
pub use jira::*;
pub use link::*;
pub use live::*;
pub use plan::*;
pub use review::*;
pub use sync::*;
pub use train::*;

/// Every command name (also read by `build.rs` for the app's permissions).
pub const NAMES: &[&str] = names::NAMES;

mod names;
