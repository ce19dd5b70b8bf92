//! Black-box tests of the tpcli binary
//! (one test binary for the crate: each module is one former test file).

mod approve_cli;
mod backup_cli;
mod diff_cli;
mod doctor_cli;
mod jira_cli;
mod json_output_cli;
mod json_output_support;
mod legacy_status_cli;
mod lint_cli;
mod logging_cli;
mod merge_file;
mod merge_file_git;
mod merge_file_support;
mod merge_gen;
mod merge_generated;
mod notify_cli;
mod plan_cli;
mod profiles_cli;
mod refused_cli;
mod rollback_cli;
mod schema_cli;
mod sim_cli;
mod stats_cli;
mod sync_all_cli;
mod sync_cli;
mod sync_cli_crash;
mod sync_cli_keychain;
mod sync_cli_support;
mod token_binding_cli;
mod tp_schema_cli;
mod verify_cli;
mod watch_cli;
mod watch_cli_support;
mod watch_train_cli;
mod train_cli;
