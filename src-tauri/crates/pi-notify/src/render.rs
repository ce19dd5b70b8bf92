//! How an event reads: in Slack (Block Kit with a plain-text fallback) and in e-mail (a text part
//! and an HTML part with the same tables).

use serde_json::{Value, json};

use crate::digest::{Digest, Row, effort_cell, points};
use crate::event::{Event, conflict_link};

/// Slack's bounds: section text and header text lengths, blocks per message.
const SECTION_MAX: usize = 3000;
const HEADER_MAX: usize = 150;
const LINES_MAX: usize = 20;

/// `&`, `<`, `>` escaped for Slack's mrkdwn.
pub fn mrkdwn_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `&`, `<`, `>`, `"` escaped for HTML.
pub fn html_escape(text: &str) -> String {
    mrkdwn_escape(text).replace('"', "&quot;")
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// The lines of an event's body, plain (no markup), at most [`LINES_MAX`] and a count of the rest.
pub fn body_lines(event: &Event) -> Vec<String> {
    let lines: Vec<String> = match event {
        Event::Pull {
            from_tp,
            kept_local,
            conflicts,
            ..
        } => {
            let mut l: Vec<String> = from_tp.clone();
            l.push(format!(
                "{kept_local} of your changes not pushed yet, {conflicts} conflicts open"
            ));
            l
        }
        Event::Push { lines, .. } => lines.clone(),
        Event::Conflict { conflicts, .. } => conflicts.iter().map(|c| c.what.clone()).collect(),
        Event::Failure { message, .. } | Event::Alert { message, .. } => vec![message.clone()],
        Event::Approval { detail, .. } => vec![detail.clone()],
        Event::Digest(d) => vec![format!(
            "{} objectives and {} features changed; total effort {} → {}",
            d.objectives.len(),
            d.features.len(),
            points(d.total_before),
            points(d.total_after)
        )],
    };
    let extra = lines.len().saturating_sub(LINES_MAX);
    let mut shown: Vec<String> = lines.into_iter().take(LINES_MAX).collect();
    if extra > 0 {
        shown.push(format!("… and {extra} more"));
    }
    shown
}

/// The Slack message: header, a section with the body lines (a link per conflict), a context.
pub fn slack_payload(event: &Event) -> Value {
    let (emoji, title) = event.headline();
    let mut body: Vec<String> = match event {
        Event::Conflict { plan, conflicts } => conflicts
            .iter()
            .take(LINES_MAX)
            .map(|c| {
                let link = conflict_link(&plan.plan, &c.id);
                format!("• {} <{link}|Open in PI Planner>", mrkdwn_escape(&c.what))
            })
            .collect(),
        _ => body_lines(event)
            .iter()
            .map(|l| format!("• {}", mrkdwn_escape(l)))
            .collect(),
    };
    if body.is_empty() {
        body.push("_nothing to list_".to_owned());
    }
    let text = format!("{emoji} {title}");
    json!({
        "text": text,
        "blocks": [
            { "type": "header", "text": { "type": "plain_text", "text": cut(&text, HEADER_MAX), "emoji": true } },
            { "type": "section", "text": { "type": "mrkdwn", "text": cut(&body.join("\n"), SECTION_MAX) } },
            { "type": "context", "elements": [ { "type": "mrkdwn",
                "text": mrkdwn_escape(&format!("{} · {} · sent by PI Planner", event.plan().art, event.plan().plan)) } ] }
        ],
        "unfurl_links": false
    })
}

/// The e-mail subject.
pub fn subject(event: &Event) -> String {
    format!("[PI Planner] {}", event.headline().1)
}

/// The e-mail's text part.
pub fn text_body(event: &Event) -> String {
    let (_, title) = event.headline();
    let mut out = format!("{title}\n\n");
    match event {
        Event::Digest(d) => out.push_str(&digest_text(d)),
        Event::Conflict { plan, conflicts } => {
            for c in conflicts {
                out.push_str(&format!(
                    "- {}\n  {}\n",
                    c.what,
                    conflict_link(&plan.plan, &c.id)
                ));
            }
        }
        _ => body_lines(event)
            .iter()
            .for_each(|l| out.push_str(&format!("- {l}\n"))),
    }
    out.push_str("\n-- \nSent by PI Planner\n");
    out
}

/// The e-mail's HTML part.
pub fn html_body(event: &Event) -> String {
    let (_, title) = event.headline();
    let content = match event {
        Event::Digest(d) => digest_html(d),
        Event::Conflict { plan, conflicts } => list_html(conflicts.iter().map(|c| {
            let link = html_escape(&conflict_link(&plan.plan, &c.id));
            format!(
                "{} (<a href=\"{link}\">open in PI Planner</a>)",
                html_escape(&c.what)
            )
        })),
        _ => list_html(body_lines(event).iter().map(|l| html_escape(l))),
    };
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title></head>\n<body>\n<h1>{t}</h1>\n{content}<p>Sent by PI Planner</p>\n</body></html>\n",
        t = html_escape(&title)
    )
}

fn list_html(items: impl Iterator<Item = String>) -> String {
    let items: String = items.map(|i| format!("<li>{i}</li>\n")).collect();
    format!("<ul>\n{items}</ul>\n")
}

const HEADERS: [&str; 5] = ["Change", "Item", "Effort before", "Effort after", "Status"];

fn cells(row: &Row) -> [String; 5] {
    let name = |s: &Option<crate::digest::Side>| s.as_ref().map(|s| s.name.clone());
    let item = match &row.feature {
        Some(f) => format!("{f} ({})", row.objective),
        None => name(&row.after).or(name(&row.before)).unwrap_or_default(),
    };
    let effort = |s: &Option<crate::digest::Side>| effort_cell(s.as_ref().and_then(|s| s.effort));
    let status = |s: &Option<crate::digest::Side>| {
        s.as_ref()
            .and_then(|s| s.status.clone())
            .unwrap_or_else(|| "–".to_owned())
    };
    let (sb, sa) = (status(&row.before), status(&row.after));
    let status = if sb == sa {
        sa
    } else {
        format!("{sb} → {sa}")
    };
    [
        row.change().to_owned(),
        item,
        effort(&row.before),
        effort(&row.after),
        status,
    ]
}

/// The digest's tables as text.
pub fn digest_text(d: &Digest) -> String {
    if d.is_empty() {
        return format!("No plan changes from {} to {}.\n", d.since, d.until);
    }
    let mut out = String::new();
    for (title, rows) in [("Objectives", &d.objectives), ("Features", &d.features)] {
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("{title}\n"));
        let table: Vec<[String; 5]> = std::iter::once(HEADERS.map(str::to_owned))
            .chain(rows.iter().map(cells))
            .collect();
        let widths: Vec<usize> = (0..5)
            .map(|i| {
                table
                    .iter()
                    .map(|r| r[i].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for r in &table {
            let line: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "Total objective effort: {} → {}\n",
        points(d.total_before),
        points(d.total_after)
    ));
    out
}

/// The digest's tables as HTML.
pub fn digest_html(d: &Digest) -> String {
    if d.is_empty() {
        return format!("<p>No plan changes from {} to {}.</p>\n", d.since, d.until);
    }
    let mut out = String::new();
    for (title, rows) in [("Objectives", &d.objectives), ("Features", &d.features)] {
        if rows.is_empty() {
            continue;
        }
        let head: String = HEADERS.iter().map(|h| format!("<th>{h}</th>")).collect();
        out.push_str(&format!(
            "<h2>{title}</h2>\n<table border=\"1\" cellpadding=\"4\">\n<tr>{head}</tr>\n"
        ));
        for row in rows {
            let tds: String = cells(row)
                .iter()
                .map(|c| format!("<td>{}</td>", html_escape(c)))
                .collect();
            out.push_str(&format!("<tr>{tds}</tr>\n"));
        }
        out.push_str("</table>\n");
    }
    out.push_str(&format!(
        "<p>Total objective effort: {} → {}</p>\n",
        points(d.total_before),
        points(d.total_after)
    ));
    out
}
