//! Plans parsed from text, remembered by the text: an operation reads the same version of the
//! plan (the file as typed, the tracking branch's snapshot) at several of its steps, and each
//! version is parsed once. The last few texts are kept, whole, so a hit is an exact match.

use std::collections::VecDeque;
use std::sync::Mutex;

use pi_model::Plan;

use crate::error::{EngineError, Result};

/// How many recent texts are remembered: an operation reads at most a handful of versions.
const KEPT: usize = 8;

#[derive(Debug, Default)]
pub(crate) struct Parsed {
    recent: Mutex<VecDeque<(String, Plan)>>,
}

impl Parsed {
    /// `text` parsed as a plan (`file` names it in errors); parsed once while it is remembered.
    pub(crate) fn plan(&self, file: &str, text: &str) -> Result<Plan> {
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, plan)) = recent.iter().find(|(t, _)| t == text) {
            return Ok(plan.clone());
        }
        let plan = parse(file, text)?;
        if recent.len() == KEPT {
            recent.pop_front();
        }
        recent.push_back((text.to_owned(), plan.clone()));
        Ok(plan)
    }
}

/// Parses a plan file, naming it in errors.
pub fn parse(file: &str, text: &str) -> Result<Plan> {
    #[cfg(test)]
    counting::parsed(text);
    pi_format::parse(text)
        .map(|p| p.plan)
        .map_err(|errors| EngineError::Parse {
            file: file.to_owned(),
            errors,
        })
}

/// For tests: which texts this thread parsed (a `#[tokio::test]` runs on one thread).
#[cfg(test)]
pub(crate) mod counting {
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    thread_local! {
        static PARSED: RefCell<BTreeMap<String, usize>> = RefCell::default();
    }

    pub(crate) fn parsed(text: &str) {
        PARSED.with(|p| *p.borrow_mut().entry(text.to_owned()).or_default() += 1);
    }

    /// Forgets what was counted.
    pub(crate) fn reset() {
        PARSED.with(|p| p.borrow_mut().clear());
    }

    /// How many times each text parsed since the last reset was parsed, most first.
    pub(crate) fn counts() -> Vec<usize> {
        let mut counts: Vec<usize> = PARSED.with(|p| p.borrow().values().copied().collect());
        counts.sort_unstable_by(|a, b| b.cmp(a));
        counts
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failure is a broken test

    use crate::testing::{at, initialised_in, jane};
    use crate::workspace::Workspace;

    /// A push reads the plan file and the tracking branch's snapshot at several of its steps:
    /// each version is parsed once.
    #[tokio::test]
    async fn a_push_parses_each_version_of_the_plan_once() {
        let dir = tempfile::tempdir().unwrap();
        let (sim, tp) = initialised_in(dir.path(), None).await;
        let ws = Workspace::open(dir.path()).unwrap();
        let me = jane();
        let mut plan = ws.local().unwrap();
        plan.objectives[0].effort = pi_model::Effort::new(34.0);
        std::fs::write(ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        super::counting::reset();
        let outcome = crate::push(&at(&tp, &me, 1), &ws, crate::PushOptions::default())
            .await
            .unwrap();
        assert!(
            matches!(outcome, crate::PushOutcome::Pushed(_)),
            "{outcome:?}"
        );
        let counts = super::counting::counts();
        assert!(counts.len() >= 2, "the file and the snapshot: {counts:?}");
        assert_eq!(counts[0], 1, "a version parsed more than once: {counts:?}");
        sim.shutdown().await;
    }
}
