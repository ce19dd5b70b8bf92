//! The model invariant the format round-trips exactly: `parse(render(p)) == p` holds for every
//! plan `p` with `normalize(p) == p`.
//!
//! * Single-line strings (names, status, owner, assignee, Jira keys, URLs, criterion text,
//!   story summaries, ART / release / team names, site URLs): every control character (line
//!   breaks and tabs included) becomes a space, then leading and trailing whitespace is trimmed.
//! * Descriptions and notes: `\r\n` and lone `\r` become `\n`; trailing line breaks are removed.
//!   Everything else (indentation, trailing spaces, blank lines inside) is kept exactly.
//!
//! Nothing else is changed: order, ids and numbers are left alone.

use pi_model::{Criterion, Feature, JiraLink, Named, Plan, Story, TeamObjective};

/// Brings `plan` to the normal form described in the module docs. Idempotent.
pub fn normalize(plan: &mut Plan) {
    for n in [&mut plan.art, &mut plan.release, &mut plan.team] {
        named(n);
    }
    opt_line(&mut plan.meta.tp_url);
    opt_line(&mut plan.meta.jira_url);
    for p in &mut plan.program_objectives {
        line(&mut p.name);
    }
    for o in &mut plan.objectives {
        objective(o);
    }
    block(&mut plan.notes);
}

fn named(n: &mut Named) {
    line(&mut n.name);
}

fn objective(o: &mut TeamObjective) {
    line(&mut o.name);
    block(&mut o.description);
    opt_line(&mut o.status);
    opt_line(&mut o.owner);
    for f in &mut o.features {
        feature(f);
    }
}

fn feature(f: &mut Feature) {
    line(&mut f.name);
    block(&mut f.description);
    opt_line(&mut f.status);
    opt_line(&mut f.owner);
    criteria(&mut f.acceptance_criteria);
    if let Some(j) = &mut f.jira {
        jira(j);
    }
    for s in &mut f.stories {
        story(s);
    }
}

fn story(s: &mut Story) {
    line(&mut s.key);
    opt_line(&mut s.url);
    line(&mut s.summary);
    opt_line(&mut s.status);
    opt_line(&mut s.assignee);
    criteria(&mut s.acceptance_criteria);
}

fn jira(j: &mut JiraLink) {
    line(&mut j.key);
    opt_line(&mut j.url);
}

fn criteria(list: &mut [Criterion]) {
    for c in list {
        line(&mut c.text);
    }
}

fn opt_line(s: &mut Option<String>) {
    if let Some(s) = s {
        line(s);
    }
}

/// A single-line string: control characters to spaces, trimmed.
pub(crate) fn line(s: &mut String) {
    if s.chars().any(char::is_control) {
        *s = s
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
    }
    let t = s.trim();
    if t.len() != s.len() {
        *s = t.to_owned();
    }
}

/// A block of markdown: LF line endings, no trailing line breaks.
pub(crate) fn block(s: &mut String) {
    if s.contains('\r') {
        *s = s.replace("\r\n", "\n").replace('\r', "\n");
    }
    let kept = s.trim_end_matches('\n').len();
    s.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_blocks() {
        let mut name = "  a\tb\nc  ".to_owned();
        line(&mut name);
        assert_eq!(name, "a b c");
        let mut text = "x\r\ny\rz  \n\n".to_owned();
        block(&mut text);
        assert_eq!(text, "x\ny\nz  ");
    }
}
