//! The `pi-planner` desktop binary: starts the app defined in the library.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// `pi-planner [--demo] [pi-planner://open?...]`: `--demo` opens the demo when nothing is
/// configured yet; a `pi-planner://` link (the desktop passes one) names what to show.
/// `PI_PLANNER_SIM_CONTROL_FILE=<file>` (end-to-end tests only) serves the demo Targetprocess's
/// control API and writes its address to the file.
///
/// Only one app runs per user (`single.rs`): when one runs already, this start hands it the
/// link (or asks it to come to the front) and exits with 0.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let link_arg = args
        .iter()
        .find(|a| pi_planner::links::parse(a).is_some())
        .cloned();
    let listener =
        match pi_planner::single::start(&pi_planner::single::socket_path(), link_arg.as_deref()) {
            Ok(pi_planner::single::Start::HandedOver) => return,
            Ok(pi_planner::single::Start::First(listener)) => Some(listener),
            Err(e) => {
                eprintln!(
                    "PI Planner: could not look for a running PI Planner ({e}); starting anyway"
                );
                None
            }
        };
    let options = pi_planner::RunOptions {
        start_demo: args.iter().any(|a| a == "--demo"),
        sim_control_file: std::env::var_os("PI_PLANNER_SIM_CONTROL_FILE").map(Into::into),
        link: link_arg.as_deref().and_then(pi_planner::links::parse),
        listener,
    };
    pi_planner::run(options);
}
