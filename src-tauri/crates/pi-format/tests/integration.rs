//! Integration tests of pi-format
//! (one test binary for the crate: each module is one former test file).

mod errors;
mod legacy_import;
mod markers;
mod robust;
mod roundtrip;
mod snapshot;
mod support;
