//! Integration tests of pi-targetprocess against pi-sim
//! (one test binary for the crate: each module is one former test file).

mod changes;
mod common;
mod discovery;
mod faults;
mod fetch;
mod misbehaving;
mod objectives;
mod profiles;
mod shared_reads;
mod writes;
