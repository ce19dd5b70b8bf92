//! `pi-engine`: the sync engine behind `tpcli plan` and the app — init, pull with a field-level
//! three-way merge, push with a preview, optimistic locking, a crash-safe journal with resume,
//! conflict resolution, rollback and the shared operation log.
//!
//! It deliberately does no printing and reads no environment: the caller passes identities,
//! clock, credentials and paths, and renders the results it returns.

pub mod journal;
