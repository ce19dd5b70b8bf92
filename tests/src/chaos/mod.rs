//! Seeded, replayable chaos runs of the sync engine against the simulator: random local and
//! Targetprocess edits, pulls, pushes, resolves and resumes under random faults, then recovery
//! and the invariant checks. See `docs/chaos.md`.

pub mod boundary;
pub mod model;
pub mod rng;
pub mod run;

pub use run::{FAULT_KINDS, Failure, Options, Stats, run};
