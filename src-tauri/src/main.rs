//! The `pi-planner` desktop binary: starts the app defined in the library.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// `pi-planner [--demo]`: `--demo` opens the demo when nothing is configured yet.
fn main() {
    let demo = std::env::args().skip(1).any(|a| a == "--demo");
    pi_planner::run(demo);
}
