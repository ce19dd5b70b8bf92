//! `pi-planner://` links: what the app is asked to open when the desktop starts it with one (a
//! notification's "Open in PI Planner": `pi-planner://open?plan=<release>/<team>&conflict=<id>`).
//! The desktop entry registers the scheme (`x-scheme-handler/pi-planner`, see
//! `pi-planner.desktop`) and passes the link as the program's argument; the window asks for it
//! once it is up (`link_take`).

use crate::dto::LinkDto;

/// The scheme the app registers.
pub const SCHEME: &str = "pi-planner";

/// The link in `arg`, when it is a well-formed `pi-planner://open` link: a plan named
/// `<release slug>/<team slug>` and, optionally, a conflicting entity (`tp:123` or `new:…`).
/// Anything else — another scheme or action, a plan or conflict with characters no slug or id
/// has — is `None`.
pub fn parse(arg: &str) -> Option<LinkDto> {
    let rest = arg.trim().strip_prefix(SCHEME)?.strip_prefix("://")?;
    let query = rest
        .strip_prefix("open?")
        .or_else(|| rest.strip_prefix("open/?"))?;
    let query = query.split('#').next().unwrap_or_default();
    let mut plan = None;
    let mut conflict = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "plan" => plan = Some(decode(value)?),
            "conflict" => conflict = Some(decode(value)?),
            _ => {}
        }
    }
    let plan = plan.filter(|p| {
        let mut parts = p.split('/');
        let ok = |s: Option<&str>| {
            s.is_some_and(|s| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            })
        };
        ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
    })?;
    let conflict = match conflict {
        None => None,
        Some(id) if is_entity_id(&id) => Some(id),
        Some(_) => return None,
    };
    Some(LinkDto { plan, conflict })
}

/// A query value with its `%XX` escapes (and `+` for a space) decoded; `None` when it is not
/// UTF-8 or an escape is broken.
fn decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn is_entity_id(id: &str) -> bool {
    let rest = id.strip_prefix("tp:").or_else(|| id.strip_prefix("new:"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && r.len() <= 64
            && r.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    })
}

/// The first `pi-planner://` link among the program's arguments.
pub fn from_args(args: impl IntoIterator<Item = String>) -> Option<LinkDto> {
    args.into_iter().find_map(|a| parse(&a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notifications_conflict_link_is_read() {
        let link = parse("pi-planner://open?plan=pi-1-26%2Feclipse&conflict=tp%3A2266").unwrap();
        assert_eq!(link.plan, "pi-1-26/eclipse");
        assert_eq!(link.conflict.as_deref(), Some("tp:2266"));
        let plan_only = parse("pi-planner://open?plan=pi-1-26/eclipse").unwrap();
        assert_eq!(plan_only.conflict, None);
    }

    #[test]
    fn anything_else_is_no_link() {
        for bad in [
            "https://open?plan=a/b",
            "pi-planner://delete?plan=a/b",
            "pi-planner://open?conflict=tp%3A1",
            "pi-planner://open?plan=..%2F..%2Fetc",
            "pi-planner://open?plan=a/b/c",
            "pi-planner://open?plan=a/b&conflict=%3Cscript%3E",
            "pi-planner://open?plan=a%2/b",
            "--demo",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        let args = ["--demo".to_owned(), "pi-planner://open?plan=a/b".to_owned()];
        assert_eq!(from_args(args).map(|l| l.plan), Some("a/b".to_owned()));
    }
}
