//! A suggestion for the planner's git identity, read from their git configuration so the
//! "who are you" question comes prefilled.
//!
//! Deliberately read-only and best effort: without git or a configured identity the suggestion is
//! simply empty, and nothing here ever writes git configuration.

use std::process::Command;

use crate::dto::IdentityDto;

/// `user.name` and `user.email` of the planner's git configuration; empty strings when unknown.
pub fn suggest() -> IdentityDto {
    IdentityDto {
        name: git_config("user.name"),
        email: git_config("user.email"),
    }
}

fn git_config(key: &str) -> String {
    Command::new("git")
        .args(["config", "--get", key])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default()
}
