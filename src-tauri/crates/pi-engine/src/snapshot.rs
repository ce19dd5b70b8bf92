//! Plan text is read back before it is committed: a rendered plan that does not parse is never
//! written to the tracking or the working branch, so no commit can leave a plan that every later
//! `status`, `pull` and `push` would stop at.
//!
//! The inbound boundary (`pi_model::inbound`) already keeps Targetprocess's values in the form the
//! format round-trips; this check is the guarantee that holds whatever a future bug lets through.

use pi_model::Plan;

use crate::error::{EngineError, Result};

/// `plan` as plan text, once it has been read back; `what` and `file` name it in the error
/// (e.g. "Targetprocess's state" and "pi/tp/pi-4-25/platform-eco:pi-4-25.platform-eco.md").
pub(crate) fn render_checked(plan: &Plan, what: &str, file: &str) -> Result<String> {
    let text = pi_format::render(plan);
    check(&text, what, file)?;
    Ok(text)
}

/// Fails with [`EngineError::UnreadableSnapshot`] when `text` does not parse as a plan.
pub(crate) fn check(text: &str, what: &str, file: &str) -> Result<()> {
    match pi_format::parse(text) {
        Ok(_) => Ok(()),
        Err(errors) => Err(EngineError::UnreadableSnapshot {
            what: what.to_owned(),
            file: file.to_owned(),
            errors,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_does_not_read_back_is_refused_with_what_and_where() {
        let good = pi_format::sample::sample_plan(2, 1, 7);
        assert!(render_checked(&good, "the plan", "a.md").is_ok());
        let broken = pi_format::render(&good).replacen("\n## ", "\nstray text\n## ", 1);
        let err = check(&broken, "Targetprocess's state", "pi/tp/r/t:r.t.md")
            .expect_err("does not parse");
        let message = err.to_string();
        assert!(
            message.starts_with("Targetprocess's state would not read back as a plan"),
            "{message}"
        );
        assert!(message.contains("pi/tp/r/t:r.t.md:"), "{message}");
    }
}
