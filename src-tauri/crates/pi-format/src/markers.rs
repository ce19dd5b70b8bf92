//! A merged plan written with git-style conflict markers around exactly the fields that
//! conflict, so a person (or a git merge driver) sees both sides where they differ and nothing
//! else.
//!
//! Every text between the markers is what [`crate::render`] writes for that side: the merged
//! plan is rendered, and each other side by rendering a copy of the merged plan with just that
//! one field set to that side's value and cutting out the same field's lines. The markers use
//! the diff3 layout (`<<<<<<<`, `|||||||` base, `=======`, `>>>>>>>`).
//!
//! An entity edited on one side and deleted on the other (and a feature moved under different
//! objectives on the two sides) has its whole section wrapped, with the deleting side empty; the
//! merge does not carry that entity's base text, so those regions have no base part. Regions
//! never nest: a field conflict inside a wrapped section is shown by the section's markers.
//!
//! It deliberately does not resolve markers (people resolve by hand or with `tpcli plan
//! resolve`) and does no I/O.

mod span;

use pi_model::merge::{Conflict, FieldValue};
use pi_model::{Field, Plan};

use span::Rendered;

/// The names written after the `<<<<<<<`, `|||||||` and `>>>>>>>` markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarkerLabels<'a> {
    pub local: &'a str,
    pub base: &'a str,
    pub remote: &'a str,
}

impl Default for MarkerLabels<'static> {
    /// `local`, `base`, `remote`.
    fn default() -> Self {
        Self {
            local: "local",
            base: "base",
            remote: "remote",
        }
    }
}

/// One marker region: lines `start..end` of the merged text replaced by the sides.
#[derive(Debug)]
struct Region {
    start: usize,
    end: usize,
    local: Vec<String>,
    /// `None`: no base part (whole-entity conflicts).
    base: Option<Vec<String>>,
    remote: Vec<String>,
    /// Text added after the remote label (e.g. where a moved feature went).
    remote_note: Option<String>,
    /// Order among blocks inserted at the same line: the renderer's field order.
    rank: usize,
}

/// The merged plan rendered as usual, with conflict markers around each conflicting field (the
/// merged plan holds the local value of each, as [`pi_model::merge::merge`] leaves it). With no
/// conflicts this is exactly [`crate::render`]. A conflict whose entity is not in `merged` is
/// left out.
pub fn render_with_markers(
    merged: &Plan,
    conflicts: &[Conflict],
    labels: MarkerLabels<'_>,
) -> String {
    let Some(doc) = Rendered::new(merged).filter(|_| !conflicts.is_empty()) else {
        return crate::render(merged);
    };
    let mut regions: Vec<Region> = conflicts
        .iter()
        .filter_map(|c| region(merged, &doc, c))
        .collect();
    // Insertions before a region starting on the same line, in render order; then outer
    // regions before the ones inside them (which are skipped).
    regions.sort_by_key(|r| (r.start, r.start != r.end, std::cmp::Reverse(r.end), r.rank));
    let mut out = String::new();
    let mut next = 0;
    for r in regions {
        if r.start < next {
            continue; // inside a region already written
        }
        push_lines(&mut out, &doc.lines[next..r.start]);
        // An inserted block needs its own separating blank line: before it at the end of the
        // file, after it elsewhere (blocks are separated by one blank line).
        let inserted = r.start == r.end;
        let at_end = r.start == doc.lines.len();
        if inserted && at_end {
            out.push('\n');
        }
        write_region(&mut out, &r, labels);
        if inserted && !at_end {
            out.push('\n');
        }
        next = r.end;
    }
    push_lines(&mut out, &doc.lines[next..]);
    out
}

fn region(merged: &Plan, doc: &Rendered, c: &Conflict) -> Option<Region> {
    let path = span::find(merged, c.kind, &c.entity)?;
    match c.field {
        Some(Field::Objective) => {
            let note = match &c.remote {
                FieldValue::Link(Some(id)) => format!(" (under objective {id})"),
                _ => String::new(),
            };
            let mut r = section_region(doc, path, false)?;
            r.remote_note = Some(note);
            Some(r)
        }
        Some(field) => field_region(merged, doc, path, field, c)
            .or_else(|| section_region(doc, path, c.local == FieldValue::Missing)),
        None => section_region(doc, path, c.local == FieldValue::Missing),
    }
}

/// The whole section; the side that deleted the entity is empty.
fn section_region(
    doc: &Rendered,
    path: pi_model::EntityPath,
    deleted_locally: bool,
) -> Option<Region> {
    let range = doc.section(path)?;
    let lines = doc.lines[range.clone()].to_vec();
    let (local, remote) = if deleted_locally {
        (Vec::new(), lines)
    } else {
        (lines, Vec::new())
    };
    Some(Region {
        start: range.start,
        end: range.end,
        local,
        base: None,
        remote,
        remote_note: None,
        rank: 0,
    })
}

fn field_region(
    merged: &Plan,
    doc: &Rendered,
    path: pi_model::EntityPath,
    field: Field,
    c: &Conflict,
) -> Option<Region> {
    let here = doc.field(path, field);
    let side = |value: &FieldValue| {
        let other = Rendered::new(&span::with_value(merged, path, field, value)?)?;
        let range = other.field(path, field)?;
        Some((range.start, other.lines[range].to_vec()))
    };
    let (base, remote) = (side(&c.base), side(&c.remote));
    let start = here
        .as_ref()
        .map(|r| r.start)
        .or_else(|| base.as_ref().map(|b| b.0))
        .or_else(|| remote.as_ref().map(|r| r.0))?
        // A field added after the last block starts past the end of the merged text.
        .min(doc.lines.len());
    let end = here.as_ref().map_or(start, |r| r.end);
    let lines_of = |s: Option<(usize, Vec<String>)>| s.map(|s| s.1).unwrap_or_default();
    Some(Region {
        start,
        end,
        local: doc.lines[start..end].to_vec(),
        base: Some(lines_of(base)),
        remote: lines_of(remote),
        remote_note: None,
        rank: span::render_rank(field),
    })
}

fn write_region(out: &mut String, r: &Region, labels: MarkerLabels<'_>) {
    marker(out, "<<<<<<<", labels.local);
    push_lines(out, &r.local);
    if let Some(base) = &r.base {
        marker(out, "|||||||", labels.base);
        push_lines(out, base);
    }
    out.push_str("=======\n");
    push_lines(out, &r.remote);
    let note = r.remote_note.as_deref().unwrap_or("");
    marker(out, ">>>>>>>", &format!("{}{note}", labels.remote));
}

fn marker(out: &mut String, marks: &str, label: &str) {
    out.push_str(marks);
    if !label.is_empty() {
        out.push(' ');
        out.push_str(label);
    }
    out.push('\n');
}

fn push_lines(out: &mut String, lines: &[String]) {
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
}
