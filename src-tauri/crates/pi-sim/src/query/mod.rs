//! Query parameters of TP v1 collection requests (`where`, `include`, `exclude`, `append`,
//! `orderBy`, `orderByDesc`, `take`, `skip`) and the paging links of a collection answer.
//!
//! `format`, `resultFormat` and auth parameters are accepted and ignored here.

pub mod append;
pub mod eval;
pub mod filter;
pub mod include;
pub mod rows;

use filter::{Filter, Path};
use include::IncludeItem;

use crate::render;
use crate::schema::{FieldKind, Schema, TypeDef};

/// Default and maximum page size of TP v1.
pub const DEFAULT_TAKE: usize = 25;
pub const MAX_TAKE: usize = 1000;

/// A parsed, schema-checked collection query.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub filter: Option<Filter>,
    pub include: Option<Vec<IncludeItem>>,
    /// Computed counts added to every entity.
    pub append: Vec<append::Append>,
    /// Sort path and whether it is descending; `None` = by id.
    pub order: Option<(Path, bool)>,
    pub take: usize,
    pub skip: usize,
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn number(pairs: &[(String, String)], name: &str, default: usize) -> Result<usize, String> {
    param(pairs, name).map_or(Ok(default), |v| {
        v.trim()
            .parse()
            .map_err(|_| format!("Invalid value '{v}' of parameter '{name}'"))
    })
}

/// Reads a collection query; errors are 400 messages.
pub fn parse(
    pairs: &[(String, String)],
    schema: &Schema,
    ty: &TypeDef,
) -> Result<ListQuery, String> {
    let filter = match param(pairs, "where") {
        Some(w) if !w.trim().is_empty() => {
            let f = filter::parse(w)?;
            eval::check(&f, schema, ty)?;
            Some(f)
        }
        _ => None,
    };
    let mut include = match param(pairs, "include") {
        Some(i) => {
            let items = include::parse(i)?;
            render::check_include(&items, schema, ty)?;
            Some(items)
        }
        None => None,
    };
    if let Some(ex) = param(pairs, "exclude") {
        let excluded = include::parse(ex)?;
        render::check_include(&excluded, schema, ty)?;
        include = Some(default_minus(ty, include, &excluded));
    }
    let append = match param(pairs, "append") {
        Some(a) => append::parse(a, schema, ty)?,
        None => Vec::new(),
    };
    let order = order(pairs, schema, ty)?;
    let take = number(pairs, "take", DEFAULT_TAKE)?.min(schema.profile.max_take());
    let skip = number(pairs, "skip", 0)?;
    Ok(ListQuery {
        filter,
        include,
        append,
        order,
        take,
        skip,
    })
}

fn default_minus(
    ty: &TypeDef,
    include: Option<Vec<IncludeItem>>,
    excluded: &[IncludeItem],
) -> Vec<IncludeItem> {
    let base = include.unwrap_or_else(|| {
        ty.fields
            .iter()
            .filter(|f| !matches!(f.kind, FieldKind::Collection(_)))
            .map(|f| IncludeItem {
                name: f.name.clone(),
                nested: None,
            })
            .collect()
    });
    base.into_iter()
        .filter(|i| !excluded.iter().any(|e| e.name == i.name))
        .collect()
}

fn order(
    pairs: &[(String, String)],
    schema: &Schema,
    ty: &TypeDef,
) -> Result<Option<(Path, bool)>, String> {
    let (raw, desc) = match (param(pairs, "orderByDesc"), param(pairs, "orderBy")) {
        (Some(d), _) => (d, true),
        (None, Some(a)) => (a, false),
        (None, None) => return Ok(None),
    };
    let mut words = raw.split_whitespace();
    let name = words.next().ok_or("Empty orderBy")?;
    let desc = desc || words.next().is_some_and(|w| w.eq_ignore_ascii_case("desc"));
    let path = match name.strip_prefix("CustomFields.") {
        Some(cf) => Path::Custom(cf.to_owned()),
        None => Path::Fields(name.split('.').map(str::to_owned).collect()),
    };
    eval::check_path(&path, schema, ty)?;
    Ok(Some((path, desc)))
}

/// Absolute `Prev`/`Next` links for a page: the request's query with new `take`/`skip`, or `None`
/// at the edges.
pub fn page_links(
    base_url: &str,
    path: &str,
    pairs: &[(String, String)],
    take: usize,
    skip: usize,
    total: usize,
) -> (Option<String>, Option<String>) {
    let link = |new_skip: usize| {
        let mut url = url::Url::parse(base_url).ok()?;
        url.set_path(path);
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in pairs {
                if !k.eq_ignore_ascii_case("take") && !k.eq_ignore_ascii_case("skip") {
                    q.append_pair(k, v);
                }
            }
            q.append_pair("take", &take.to_string());
            q.append_pair("skip", &new_skip.to_string());
        }
        Some(url.to_string())
    };
    let prev = if skip > 0 && take > 0 {
        link(skip.saturating_sub(take))
    } else {
        None
    };
    let next = if take > 0 && skip + take < total {
        link(skip + take)
    } else {
        None
    };
    (prev, next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pi_model::TpSchema;

    fn pairs(q: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn links_keep_the_query_and_are_omitted_at_edges() {
        let p = pairs("where=Team.Id eq 5&take=10&format=json");
        let (prev, next) = page_links("http://127.0.0.1:9", "/api/v1/Features", &p, 10, 0, 25);
        assert_eq!(prev, None);
        assert_eq!(
            next.as_deref(),
            Some(
                "http://127.0.0.1:9/api/v1/Features?where=Team.Id+eq+5&format=json&take=10&skip=10"
            )
        );
        let (prev, next) = page_links("http://127.0.0.1:9", "/api/v1/Features", &p, 10, 20, 25);
        assert!(prev.unwrap().ends_with("take=10&skip=10"));
        assert_eq!(next, None);
        let (prev, next) = page_links("http://h", "/x", &[], 10, 10, 20);
        assert!(prev.unwrap().ends_with("skip=0"));
        assert_eq!(next, None);
    }

    #[test]
    fn take_defaults_and_caps() {
        let schema = Schema::new(TpSchema::default());
        let ty = schema.resolve("Features").unwrap();
        assert_eq!(parse(&pairs(""), &schema, ty).unwrap().take, 25);
        assert_eq!(parse(&pairs("take=5000"), &schema, ty).unwrap().take, 1000);
        assert!(parse(&pairs("take=abc"), &schema, ty).is_err());
        assert!(parse(&pairs("where=Colour eq 'red'"), &schema, ty).is_err());
        assert!(parse(&pairs("orderBy=Colour"), &schema, ty).is_err());
        let q = parse(&pairs("orderByDesc=Team.Name&skip=3"), &schema, ty).unwrap();
        assert_eq!(
            q.order,
            Some((Path::Fields(vec!["Team".into(), "Name".into()]), true))
        );
        assert_eq!(q.skip, 3);
    }

    #[test]
    fn exclude_removes_from_the_default_set() {
        let schema = Schema::new(TpSchema::default());
        let ty = schema.resolve("Features").unwrap();
        let q = parse(&pairs("exclude=[Description,CustomFields]"), &schema, ty).unwrap();
        let names: Vec<_> = q.include.unwrap().into_iter().map(|i| i.name).collect();
        assert!(names.contains(&"Name".to_owned()));
        assert!(!names.contains(&"Description".to_owned()));
        assert!(!names.contains(&"CustomFields".to_owned()));
    }
}
