//! The `pi-planner` desktop binary: starts the app defined in the library.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// `pi-planner [--demo] [pi-planner://open?...]`: `--demo` opens the demo when nothing is
/// configured yet; a `pi-planner://` link (the desktop passes one) names what to show.
/// `PI_PLANNER_SIM_CONTROL_FILE=<file>` (end-to-end tests only) serves the demo Targetprocess's
/// control API and writes its address to the file.
fn main() {
    let options = pi_planner::RunOptions {
        start_demo: std::env::args().skip(1).any(|a| a == "--demo"),
        sim_control_file: std::env::var_os("PI_PLANNER_SIM_CONTROL_FILE").map(Into::into),
        link: pi_planner::links::from_args(std::env::args().skip(1)),
    };
    pi_planner::run(options);
}
