//! Planner words for engine results. Every value in them is made safe for the terminal
//! ([`crate::term::safe`]): names and values come from Targetprocess and teammates.

use pi_model::merge::{Change, Conflict};

use crate::term::safe;

/// `Effort 13 points → 21 points on "Platform governance"`, or an added/removed entity.
pub fn change(c: &Change) -> String {
    safe(&change_words(c)).into_owned()
}

fn change_words(c: &Change) -> String {
    let kind = match c.kind {
        pi_model::merge::EntityKind::Objective => "objective",
        pi_model::merge::EntityKind::Feature => "feature",
    };
    match c.field {
        Some(f) => format!(
            "{f} {} → {} on \"{}\"",
            short(&c.from),
            short(&c.to),
            c.name
        ),
        None if c.from == pi_model::merge::FieldValue::Missing => {
            format!("New {kind} \"{}\"", c.name)
        }
        None => format!("Removed {kind} \"{}\"", c.name),
    }
}

/// `Effort of "Platform governance": base 13 points, yours 21 points, Targetprocess 20 points`.
pub fn conflict(c: &Conflict) -> String {
    let words = format!(
        "{} ({}): base {}, yours {}, Targetprocess {}",
        pi_engine::resolve::describe(c),
        c.entity,
        short(&c.base),
        short(&c.local),
        short(&c.remote)
    );
    safe(&words).into_owned()
}

pub fn short(v: &impl std::fmt::Display) -> String {
    let s = safe(&v.to_string().replace('\n', " ")).into_owned();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
