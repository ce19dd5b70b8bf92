//! Comparisons and change reports laid out as a [`Doc`]: the same sections for every format.

use pi_model::diff::{EffortTotals, EntityDiff, FieldDiff, Presence, SpanTag, Totals};
use pi_model::merge::{EntityKind, FieldValue};

use super::doc::{Block, Doc, Section, Span};
use super::{ChangeReport, Item};
use crate::history::Comparison;
use pi_engine::oplog::Actor;

fn title(c: &Comparison) -> String {
    format!("Plan changes: {} → {}", c.before.label, c.after.label)
}

/// A comparison: effort totals and every changed objective and feature.
pub fn comparison_doc(c: &Comparison) -> Doc {
    let mut sections = vec![effort_section(&c.diff.effort)];
    sections.push(entities_section(&c.diff.entities));
    Doc {
        title: title(c),
        sections,
    }
}

/// A change report: summary, effort, status changes, commitments, people, operations, details.
pub fn report_doc(r: &ChangeReport) -> Doc {
    let c = &r.counts;
    let summary = [
        (c.objectives_added, "objectives added"),
        (c.objectives_removed, "objectives removed"),
        (c.objectives_changed, "objectives changed"),
        (c.features_added, "features added"),
        (c.features_removed, "features removed"),
        (c.features_moved, "features moved"),
        (c.features_changed, "features changed"),
    ];
    let summary: Vec<Block> = summary
        .iter()
        .map(|(n, what)| Block::Item(0, vec![Span::Text(format!("{n} {what}"))]))
        .collect();
    let status = r
        .status_changes
        .iter()
        .map(|s| {
            let (from, to) = (opt(&s.from), opt(&s.to));
            bullet(0, item_spans(&s.item, &format!(": {from} → {to}")))
        })
        .collect();
    let items = |list: &[Item]| -> Vec<Block> {
        list.iter()
            .map(|i| bullet(0, item_spans(i, &effort_note(i))))
            .collect()
    };
    let people = r
        .contributors
        .iter()
        .map(|p| {
            let what = format!(
                ": {} commit{} — {}",
                p.commits,
                if p.commits == 1 { "" } else { "s" },
                p.changed.join(", ")
            );
            bullet(0, vec![Span::Strong(actor(&p.who)), Span::Text(what)])
        })
        .collect();
    let ops = r
        .operations
        .iter()
        .map(|o| {
            let text = format!("{} {} — {}: {}", o.at, o.id, actor(&o.who), o.summary);
            bullet(0, vec![Span::Text(text)])
        })
        .collect();
    let sections = vec![
        section("Summary", summary),
        effort_section(&r.comparison.diff.effort),
        section("Status changes", status),
        section("New commitments", items(&r.new_commitments)),
        section("Dropped commitments", items(&r.dropped_commitments)),
        section("Who changed what", people),
        section("Operations", ops),
        entities_section(&r.comparison.diff.entities),
    ];
    Doc {
        title: title(&r.comparison),
        sections,
    }
}

fn section(heading: &str, mut blocks: Vec<Block>) -> Section {
    if blocks.is_empty() {
        blocks.push(Block::Line(vec![Span::Text("None.".to_owned())]));
    }
    Section {
        heading: heading.to_owned(),
        blocks,
    }
}

fn bullet(level: usize, spans: Vec<Span>) -> Block {
    Block::Item(level, spans)
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("(none)")
}

fn kind_word(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Objective => "Objective",
        EntityKind::Feature => "Feature",
    }
}

fn item_spans(i: &Item, rest: &str) -> Vec<Span> {
    vec![
        Span::Text(format!("{} ", kind_word(i.kind))),
        Span::Strong(i.name.clone()),
        Span::Text(format!(" ({}){rest}", i.id)),
    ]
}

fn effort_note(i: &Item) -> String {
    i.effort
        .map(|e| format!(", {e} points"))
        .unwrap_or_default()
}

/// Who, in planner words.
pub fn actor(a: &Actor) -> String {
    match a {
        Actor::Person { name, email } => format!("{name} <{email}>"),
        Actor::Targetprocess { editors } if editors.is_empty() => "Targetprocess".to_owned(),
        Actor::Targetprocess { editors } => format!("Targetprocess ({})", editors.join(", ")),
        Actor::AutoSync => "auto-sync".to_owned(),
    }
}

fn points(x: f64) -> String {
    format!("{x}")
}

fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{x}")
    } else {
        format!("{x}")
    }
}

fn effort_row(scope: &str, t: &Totals) -> Vec<String> {
    vec![
        scope.to_owned(),
        points(t.before),
        points(t.after),
        signed(t.delta()),
    ]
}

fn effort_section(e: &EffortTotals) -> Section {
    let team = if e.team.team.is_empty() {
        "Team"
    } else {
        e.team.team.as_str()
    };
    let mut rows = vec![
        effort_row(&format!("{team}: objectives"), &e.team.objectives),
        effort_row(&format!("{team}: committed objectives"), &e.team.committed),
        effort_row(&format!("{team}: features"), &e.team.features),
    ];
    for p in &e.program_objectives {
        rows.push(effort_row(
            &format!("Program objective: {}", p.name),
            &p.effort,
        ));
    }
    section(
        "Effort (points)",
        vec![Block::Table {
            header: ["Scope", "Before", "After", "Change"]
                .map(str::to_owned)
                .to_vec(),
            rows,
        }],
    )
}

fn entities_section(entities: &[EntityDiff]) -> Section {
    let mut blocks = Vec::new();
    for e in entities {
        let level = usize::from(e.kind == EntityKind::Feature);
        let what = match e.presence {
            Presence::Added => "added",
            Presence::Removed => "removed",
            Presence::Changed => "changed",
        };
        blocks.push(bullet(
            level,
            vec![
                Span::Text(format!("{} ", kind_word(e.kind))),
                Span::Strong(e.name.clone()),
                Span::Text(format!(" ({}) {what}", e.id)),
            ],
        ));
        if let Some(m) = &e.moved {
            let text = format!("moved from \"{}\" to \"{}\"", m.from.name, m.to.name);
            blocks.push(bullet(level + 1, vec![Span::Text(text)]));
        }
        for f in &e.fields {
            blocks.push(bullet(level + 1, field_spans(e.presence, f)));
        }
    }
    section("Objectives and features", blocks)
}

fn field_spans(presence: Presence, f: &FieldDiff) -> Vec<Span> {
    let label = Span::Text(format!("{}: ", f.field));
    let value = |v: &FieldValue| Span::Text(v.to_string());
    match (presence, &f.words) {
        (Presence::Added, _) => vec![label, value(&f.after)],
        (Presence::Removed, _) => vec![label, value(&f.before)],
        (Presence::Changed, Some(words)) => {
            let mut spans = vec![label];
            spans.extend(words.iter().map(|w| match w.tag {
                SpanTag::Equal => Span::Text(w.text.clone()),
                SpanTag::Insert => Span::Ins(w.text.clone()),
                SpanTag::Delete => Span::Del(w.text.clone()),
            }));
            spans
        }
        (Presence::Changed, None) => vec![
            label,
            Span::Del(f.before.to_string()),
            Span::Text(" → ".to_owned()),
            Span::Ins(f.after.to_string()),
        ],
    }
}
