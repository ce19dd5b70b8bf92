//! The train's standing as text, markdown or HTML: one row per team with the report's columns,
//! then what needs attention, team by team.

use super::{Approvals, TeamStatus, TrainStatus};
use crate::report::{Block, Doc, Format, Section, Span};

/// `status` as a document in `format`.
pub fn render(status: &TrainStatus, format: Format) -> String {
    let doc = doc(status);
    match format {
        Format::Text => crate::report::doc::text(&doc),
        Format::Markdown => crate::report::doc::markdown(&doc),
        Format::Html => crate::report::doc::html(&doc),
    }
}

const HEADER: [&str; 9] = [
    "Team",
    "To push",
    "Conflicts",
    "Validation errors",
    "Approvals",
    "Last pull",
    "Last push",
    "Committed effort",
    "Drift since baseline",
];

/// `status` as a report document (what `render` writes out), for a caller that shows it itself.
pub fn doc(status: &TrainStatus) -> Doc {
    let rows = status.teams.iter().map(row).collect();
    let mut sections = vec![Section {
        heading: "Teams".to_owned(),
        blocks: vec![Block::Table {
            header: HEADER.map(str::to_owned).to_vec(),
            rows,
        }],
    }];
    let attention: Vec<Block> = status.teams.iter().flat_map(attention).collect();
    sections.push(Section {
        heading: "Needs attention".to_owned(),
        blocks: if attention.is_empty() {
            vec![line("Nothing: every team's plan is in sync and valid.")]
        } else {
            attention
        },
    });
    if !status.skipped.is_empty() {
        sections.push(Section {
            heading: "Other folders".to_owned(),
            blocks: status
                .skipped
                .iter()
                .map(|s| item(0, format!("{}: {}", s.dir, s.reason)))
                .collect(),
        });
    }
    let release = status.teams.first().map_or("", |t| t.release.as_str());
    Doc {
        title: format!("{} {release}: {} team(s)", status.art, status.teams.len()),
        sections,
    }
}

fn row(t: &TeamStatus) -> Vec<String> {
    let when = |op: &Option<super::LastOp>| {
        op.as_ref()
            .map_or_else(|| "never".to_owned(), |o| format!("{} by {}", o.at, o.who))
    };
    vec![
        t.team.clone(),
        t.pending_changes.to_string(),
        t.conflicts.len().to_string(),
        t.validation_errors.len().to_string(),
        approvals(&t.approvals),
        when(&t.last_pull),
        when(&t.last_push),
        effort(t),
        drift(t),
    ]
}

fn approvals(a: &Approvals) -> String {
    match a {
        Approvals::NotRequired => "not required".to_owned(),
        Approvals::NothingToApprove => "nothing to approve".to_owned(),
        Approvals::Met {
            approvals,
            required,
        } => format!("met ({approvals} of {required})"),
        Approvals::Waiting { missing } => format!("waiting: {missing}"),
    }
}

fn effort(t: &TeamStatus) -> String {
    match t.effort.capacity {
        Some(c) => format!("{} of {c}", t.effort.committed),
        None => format!("{} (capacity unknown)", t.effort.committed),
    }
}

fn drift(t: &TeamStatus) -> String {
    let Some(d) = &t.drift else {
        return "no baseline".to_owned();
    };
    format!(
        "{}: objectives +{} -{} ~{}, features +{} -{} ~{}, commitments +{} -{}, committed effort {} then",
        d.baseline,
        d.objectives_added,
        d.objectives_removed,
        d.objectives_changed,
        d.features_added,
        d.features_removed,
        d.features_changed,
        d.new_commitments,
        d.dropped_commitments,
        d.baseline_committed_effort
    )
}

/// What needs attention in one team's plan, as bullets under the team's name.
fn attention(t: &TeamStatus) -> Vec<Block> {
    if !t.needs_attention {
        return Vec::new();
    }
    let mut out = vec![Block::Item(
        0,
        vec![
            Span::Strong(t.team.clone()),
            Span::Text(format!(" ({}/{})", t.dir, t.plan_file)),
        ],
    )];
    if let Some(problem) = &t.file_problem {
        out.push(item(1, format!("the plan file cannot be read: {problem}")));
    }
    for c in &t.conflicts {
        let field = c.field.map_or("the item", |f| f.label());
        out.push(item(
            1,
            format!("conflict: {} ({}), {field}", c.name, c.entity),
        ));
    }
    for f in &t.validation_errors {
        let at = f.item_name.as_deref().unwrap_or("the plan");
        out.push(item(
            1,
            format!("validation error, line {}, {at}: {}", f.line, f.message),
        ));
    }
    if t.unfinished_push > 0 {
        out.push(item(1, "an interrupted push to resume".to_owned()));
    }
    if t.refused > 0 {
        out.push(item(
            1,
            format!("{} change(s) refused by Targetprocess", t.refused),
        ));
    }
    if let Approvals::Waiting { missing } = &t.approvals {
        out.push(item(1, format!("approvals: {missing}")));
    }
    out
}

fn item(level: usize, text: String) -> Block {
    Block::Item(level, vec![Span::Text(text)])
}

fn line(text: &str) -> Block {
    Block::Line(vec![Span::Text(text.to_owned())])
}
