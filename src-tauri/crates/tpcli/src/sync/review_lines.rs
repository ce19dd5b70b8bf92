//! Where a conflict sits in the pull request's diff: the line of its field (its entity's
//! heading when the conflict is about the entity itself) in the plan file as the pull
//! request's head has it, when that line is inside one of the diff's hunks.

use pi_engine::Workspace;
use pi_github::{LineComment, PullFile};
use pi_model::EntityPath;
use pi_model::merge::{Conflict, EntityKind};

/// The line comments of the conflicts whose line is in the diff, and the others.
pub(super) fn place<'c>(
    ws: &Workspace,
    plan: &str,
    head_sha: &str,
    conflicts: &'c [Conflict],
    files: &[PullFile],
) -> (Vec<LineComment>, Vec<&'c Conflict>) {
    let path = ws.plan_file();
    let file = files.iter().find(|f| f.filename == path);
    let parsed = file.and_then(|_| parsed_at(ws, head_sha, &path));
    let mut comments = Vec::new();
    let mut rest = Vec::new();
    for c in conflicts {
        let line = parsed.as_ref().and_then(|p| line_of(p, c));
        match (file, line) {
            (Some(f), Some(line)) if f.has_line(line) => {
                comments.push(LineComment::right(&path, line, said(plan, c)));
            }
            _ => rest.push(c),
        }
    }
    (comments, rest)
}

/// A conflict in markdown, with the link that opens it in the app.
pub(super) fn said(plan: &str, c: &Conflict) -> String {
    format!(
        "{} — `{}`",
        super::escape(&super::super::words::conflict(c)),
        pi_notify::conflict_link(plan, &c.entity.to_string())
    )
}

/// The plan file as commit `sha` (the pull request's head) has it, parsed.
fn parsed_at(ws: &Workspace, sha: &str, path: &str) -> Option<pi_format::Parsed> {
    let commit = super::commit_in_clone(ws, sha)?;
    let bytes = ws.repo.read_file_at(commit, path).ok()??;
    pi_format::parse(std::str::from_utf8(&bytes).ok()?).ok()
}

/// The line of the conflict's field (else its entity's heading); `None` when the entity is not
/// in the file.
fn line_of(parsed: &pi_format::Parsed, c: &Conflict) -> Option<u64> {
    let plan = &parsed.plan;
    let path = match c.kind {
        EntityKind::Objective => plan
            .objectives
            .iter()
            .position(|o| o.id == c.entity)
            .map(|index| EntityPath::Objective { index }),
        EntityKind::Feature => plan
            .features()
            .find(|(_, f)| f.id == c.entity)
            .map(|(path, _)| path),
    }?;
    u64::try_from(parsed.source_map.locate(path, c.field).line).ok()
}
