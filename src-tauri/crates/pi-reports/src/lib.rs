//! `pi-reports`: reading a plan's history over the sync engine — plan versions and the history
//! of the plan or one objective (`history`), change reports as text, markdown, HTML and CSV
//! (`report`), the audit trail of approvals, overrides, pushes and rollbacks (`audit`),
//! commitment baselines (`baseline`), the conflicts found and resolved as the op log tells them
//! (`conflicts`), and a release train's standing over its team plans (`train`).
//!
//! It sits above `pi-engine`: it reads the engine's workspace, op log and approvals log and
//! writes nothing but baseline tags (published to the team's remote when there is one). It
//! deliberately does no printing and reads no environment or clock: the caller renders the
//! data it returns and passes the time.

pub mod audit;
pub mod baseline;
pub mod conflicts;
pub mod history;
pub mod report;
pub mod train;
