//! Building `where`, `include` and query strings for TP REST v1 collection reads.
//!
//! Strings are quoted with `'` and an embedded `'` is escaped as `\'` (TP's only escape). Custom
//! field names with spaces use the quoted path form `'CustomFields.Jira Key'`. This module builds
//! text only; it knows nothing about HTTP.

use std::fmt::Write as _;

/// A TP string literal: `'it\'s'`.
pub fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "\\'"))
}

/// The `where` path of a custom field.
pub fn custom_field_path(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("CustomFields.{name}")
    } else {
        quote(&format!("CustomFields.{name}"))
    }
}

/// A conjunction of predicates (`v1` has no `or`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Where(Vec<String>);

impl Where {
    pub fn new() -> Self {
        Self::default()
    }

    /// `path eq 123`.
    pub fn id_eq(mut self, path: &str, id: i64) -> Self {
        self.0.push(format!("{path} eq {id}"));
        self
    }

    /// `path eq 'text'`.
    pub fn str_eq(mut self, path: &str, value: &str) -> Self {
        self.0.push(format!("{path} eq {}", quote(value)));
        self
    }

    /// `path in (1,2,3)`.
    pub fn id_in(mut self, path: &str, ids: &[i64]) -> Self {
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        self.0.push(format!("{path} in ({})", list.join(",")));
        self
    }

    /// `path gt 'YYYY-MM-DD'`: a date in the form Targetprocess documents for `where` literals.
    pub fn date_gt(mut self, path: &str, date: chrono::NaiveDate) -> Self {
        self.0
            .push(format!("{path} gt '{}'", date.format("%Y-%m-%d")));
        self
    }

    /// `path contains 'text'`.
    pub fn contains(mut self, path: &str, value: &str) -> Self {
        self.0.push(format!("{path} contains {}", quote(value)));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The expression, predicates parenthesised and joined with `and`.
    pub fn render(&self) -> String {
        match self.0.as_slice() {
            [one] => one.clone(),
            many => many
                .iter()
                .map(|p| format!("({p})"))
                .collect::<Vec<_>>()
                .join(" and "),
        }
    }
}

/// One item of an `include=[...]` list: a field, or a reference with its own field list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Include {
    Field(String),
    Nested(String, Vec<Include>),
}

impl Include {
    pub fn field(name: &str) -> Self {
        Include::Field(name.to_owned())
    }

    pub fn nested(name: &str, fields: &[&str]) -> Self {
        Include::Nested(
            name.to_owned(),
            fields.iter().map(|f| Self::field(f)).collect(),
        )
    }
}

/// `[A,B,C[X,Y]]`.
pub fn render_include(items: &[Include]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            Include::Field(name) => out.push_str(name),
            Include::Nested(name, inner) => {
                let _ = write!(out, "{name}{}", render_include(inner));
            }
        }
    }
    out.push(']');
    out
}

/// A collection read: resource, filter, fields, ordering.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub resource: String,
    pub filter: Where,
    pub include: Vec<Include>,
    pub order_by: Option<String>,
    /// `order_by` sorts largest first (`orderByDesc`).
    pub descending: bool,
}

impl Query {
    pub fn new(resource: &str) -> Self {
        Self {
            resource: resource.to_owned(),
            ..Self::default()
        }
    }

    pub fn filter(mut self, filter: Where) -> Self {
        self.filter = filter;
        self
    }

    pub fn include(mut self, include: Vec<Include>) -> Self {
        self.include = include;
        self
    }

    pub fn order_by(mut self, field: &str) -> Self {
        self.order_by = Some(field.to_owned());
        self.descending = false;
        self
    }

    /// Sorted by `field`, largest first (`orderByDesc`).
    pub fn order_by_desc(mut self, field: &str) -> Self {
        self.order_by = Some(field.to_owned());
        self.descending = true;
        self
    }

    /// Query parameters for one page (without credentials and `format`).
    pub fn params(&self, take: u32, skip: u64) -> Vec<(String, String)> {
        let mut out = Vec::with_capacity(5);
        if !self.filter.is_empty() {
            out.push(("where".to_owned(), self.filter.render()));
        }
        if !self.include.is_empty() {
            out.push(("include".to_owned(), render_include(&self.include)));
        }
        if let Some(field) = &self.order_by {
            let name = if self.descending {
                "orderByDesc"
            } else {
                "orderBy"
            };
            out.push((name.to_owned(), field.clone()));
        }
        out.push(("take".to_owned(), take.to_string()));
        out.push(("skip".to_owned(), skip.to_string()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(quote("it's"), r"'it\'s'");
        assert_eq!(custom_field_path("Browser"), "CustomFields.Browser");
        assert_eq!(custom_field_path("Jira Key"), "'CustomFields.Jira Key'");
    }

    #[test]
    fn renders_a_team_plan_query() {
        let q = Query::new("TeamPIObjectives")
            .filter(Where::new().id_eq("Team.Id", 7).id_eq("Release.Id", 9))
            .include(vec![
                Include::field("Name"),
                Include::nested("EntityState", &["Id", "Name"]),
                Include::field("CustomFields"),
            ])
            .order_by("Id");
        let params = q.params(1000, 2000);
        insta::assert_debug_snapshot!(params, @r#"
        [
            (
                "where",
                "(Team.Id eq 7) and (Release.Id eq 9)",
            ),
            (
                "include",
                "[Name,EntityState[Id,Name],CustomFields]",
            ),
            (
                "orderBy",
                "Id",
            ),
            (
                "take",
                "1000",
            ),
            (
                "skip",
                "2000",
            ),
        ]
        "#);
        let w = Where::new()
            .id_in("Id", &[3, 4])
            .str_eq("Name", "O'Neil")
            .contains("Tags", "x");
        assert_eq!(
            w.render(),
            r"(Id in (3,4)) and (Name eq 'O\'Neil') and (Tags contains 'x')"
        );
        assert_eq!(Where::new().id_eq("Id", 1).render(), "Id eq 1");
    }

    /// Reads a quoted literal back the way TP's grammar defines it.
    fn unquote(lit: &str) -> Option<String> {
        let body = lit.strip_prefix('\'')?.strip_suffix('\'')?;
        let mut out = String::new();
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek()) {
                ('\\', Some('\'')) => {
                    out.push('\'');
                    chars.next();
                }
                ('\'', _) => return None,
                _ => out.push(c),
            }
        }
        Some(out)
    }

    proptest! {
        #[test]
        fn quoting_round_trips(s in "[a-zA-Z0-9 ',.()]{0,30}") {
            prop_assert_eq!(unquote(&quote(&s)), Some(s));
        }
    }
}
