//! Integration tests of pi-sim
//! (one test binary for the crate: each module is one former test file).

mod contract;
mod data;
mod faults;
mod hostile;
mod jira_contract;
mod jira_deployments;
mod meta;
mod misbehaving;
mod quotas;
mod refusals;
