//! Deterministic rendering of a plan in the current layout.
//!
//! Every block (heading, field line, list, description) is followed by exactly one blank line,
//! so git's line merge never sees edits of two different fields as adjacent. Nothing here reads
//! a clock or the environment; the same plan always gives the same bytes.

use std::fmt::Write as _;

use pi_model::{
    Criterion, Effort, EntityId, Feature, FeatureKind, Field, JiraLink, Plan, ProgramObjective,
    Story, TeamObjective,
};

use crate::escape::{self, BlockKind};
use crate::{frontmatter, labels};

/// Accumulates the file, separating blocks with one blank line.
struct Out {
    s: String,
}

impl Out {
    /// Starts a new block: a blank line after the previous one.
    fn block(&mut self) -> &mut String {
        self.s.push('\n');
        &mut self.s
    }

    fn heading(&mut self, marks: &str, prefix: &str, name: &str) {
        let s = self.block();
        s.push_str(marks);
        s.push(' ');
        s.push_str(prefix);
        if !name.is_empty() {
            s.push(' ');
            escape::escape_inline(name, s);
        }
        s.push('\n');
    }

    /// `**Label**: value` where `value` is written by `write`.
    fn field(&mut self, label: &str, write: impl FnOnce(&mut String)) {
        let s = self.block();
        s.push_str("**");
        s.push_str(label);
        s.push_str("**: ");
        let before = s.len();
        write(s);
        if s.len() == before {
            s.pop();
        }
        s.push('\n');
    }

    fn text_field(&mut self, label: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.field(label, |s| escape::escape_inline(v, s));
        }
    }

    fn effort(&mut self, label: &str, effort: Option<Effort>) {
        if let Some(e) = effort {
            self.field(label, |s| {
                let _ = write!(s, "{e} points");
            });
        }
    }

    fn id(&mut self, id: &EntityId) {
        self.field(Field::Id.label(), |s| {
            let _ = write!(s, "{id}");
        });
    }

    fn criteria(&mut self, criteria: &[Criterion]) {
        if criteria.is_empty() {
            return;
        }
        let s = self.block();
        s.push_str("**");
        s.push_str(Field::AcceptanceCriteria.label());
        s.push_str("**:\n\n");
        for c in criteria {
            s.push_str(if c.done { "- [x]" } else { "- [ ]" });
            if !c.text.is_empty() {
                s.push(' ');
                s.push_str(&c.text);
            }
            s.push('\n');
        }
    }

    fn description(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let s = self.block();
        s.push_str("**");
        s.push_str(Field::Description.label());
        s.push_str("**:\n\n");
        escape::escape_block(BlockKind::Description, text, s);
    }

    fn jira(&mut self, jira: Option<&JiraLink>) {
        if let Some(j) = jira {
            self.field(Field::Jira.label(), |s| match &j.url {
                Some(url) => escape::link(&j.key, url, s),
                None => escape::escape_inline(&j.key, s),
            });
        }
    }
}

/// Renders `plan` in the current layout. Deterministic; see the crate docs for the layout.
pub fn render(plan: &Plan) -> String {
    let mut out = Out {
        s: String::with_capacity(estimate(plan)),
    };
    out.s.push_str("---\n");
    out.s.push_str(&frontmatter::render(plan));
    out.s.push_str("---\n");
    let title = labels::title(&plan.release.name, &plan.team.name);
    let s = out.block();
    s.push_str("# ");
    escape::escape_inline(&title, s);
    s.push('\n');
    if !plan.program_objectives.is_empty() {
        out.heading("##", labels::PROGRAM_OBJECTIVES, "");
        for p in &plan.program_objectives {
            program_objective(&mut out, p);
        }
    }
    for o in &plan.objectives {
        objective(&mut out, plan, o);
    }
    if !plan.notes.is_empty() {
        out.heading("##", labels::NOTES, "");
        let s = out.block();
        escape::escape_block(BlockKind::Notes, &plan.notes, s);
    }
    out.s
}

fn estimate(plan: &Plan) -> usize {
    let features: usize = plan.objectives.iter().map(|o| o.features.len()).sum();
    1024 + plan.notes.len() + plan.objectives.len() * 400 + features * 600
}

fn program_objective(out: &mut Out, p: &ProgramObjective) {
    out.heading("###", labels::PROGRAM_OBJECTIVE, &p.name);
    out.id(&p.id);
}

fn objective(out: &mut Out, plan: &Plan, o: &TeamObjective) {
    out.heading("##", labels::OBJECTIVE, &o.name);
    out.id(&o.id);
    out.text_field(Field::Status.label(), o.status.as_deref());
    out.effort(Field::Effort.label(), o.effort);
    out.text_field(Field::Owner.label(), o.owner.as_deref());
    out.field(Field::Committed.label(), |s| {
        s.push_str(if o.committed { "yes" } else { "no" });
    });
    for (field, value) in [
        (Field::BusinessValue, o.business_value),
        (Field::ActualBusinessValue, o.actual_business_value),
    ] {
        if let Some(v) = value {
            out.field(field.label(), |s| {
                let _ = write!(s, "{v}");
            });
        }
    }
    if let Some(id) = &o.program_objective {
        let name = plan
            .program_objectives
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.name.as_str());
        out.field(Field::ProgramObjective.label(), |s| {
            let _ = write!(s, "{id}");
            if let Some(n) = name.filter(|n| !n.is_empty()) {
                s.push_str(" (");
                escape::escape_inline(n, s);
                s.push(')');
            }
        });
    }
    out.description(&o.description);
    for f in &o.features {
        feature(out, f);
    }
}

fn feature(out: &mut Out, f: &Feature) {
    let prefix = match f.kind {
        FeatureKind::Feature => labels::FEATURE,
        FeatureKind::Epic => labels::EPIC,
    };
    out.heading("###", prefix, &f.name);
    out.id(&f.id);
    out.text_field(Field::Status.label(), f.status.as_deref());
    out.effort(Field::Effort.label(), f.effort);
    out.text_field(Field::Owner.label(), f.owner.as_deref());
    out.jira(f.jira.as_ref());
    out.criteria(&f.acceptance_criteria);
    out.description(&f.description);
    for s in &f.stories {
        story(out, s);
    }
}

fn story(out: &mut Out, s: &Story) {
    out.heading("####", labels::STORY, &s.summary);
    let link = JiraLink {
        key: s.key.clone(),
        url: s.url.clone(),
    };
    out.jira(Some(&link));
    out.text_field(Field::Status.label(), s.status.as_deref());
    out.text_field(labels::STATUS_CATEGORY, s.status_category.as_deref());
    out.text_field(labels::ASSIGNEE, s.assignee.as_deref());
    out.effort(labels::POINTS, s.points);
    out.criteria(&s.acceptance_criteria);
}
