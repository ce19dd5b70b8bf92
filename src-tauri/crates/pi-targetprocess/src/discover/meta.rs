//! What the metadata says, read defensively: `Index/meta` lists resources (a `Name` and the
//! `Uri` of its own metadata), and `{Resources}/meta` lists a resource's fields in three groups —
//! values, references (one entity) and collections (many) — each field with a `Name` and a
//! `Type` (for references and collections the referenced resource type). The JSON shape is not
//! documented; these are the names seen in clients that ran against real accounts, found
//! anywhere in the answer, in any case, with every repeated key kept ([`Node`]).

use super::tree::Node;

/// One resource of `Index/meta`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Resource {
    /// Singular type name, e.g. `Feature`.
    pub name: String,
    /// Collection path segment, e.g. `Features` (from the metadata `Uri`, else guessed).
    pub plural: String,
}

/// How a field holds its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldKind {
    Value,
    Reference,
    Collection,
}

/// One field of a resource's metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldMeta {
    pub name: String,
    pub kind: FieldKind,
    /// Value type (`Boolean`, `Decimal`, ...) or referenced resource type (`Team`).
    pub ty: String,
}

/// The resources an `Index/meta` answer lists.
pub(crate) fn resources(index: &Node) -> Vec<Resource> {
    let mut out: Vec<Resource> = Vec::new();
    for entry in index.named_maps() {
        let (Some(name), Some(uri)) = (entry.text("Name"), entry.text("Uri")) else {
            continue;
        };
        let plural = plural_from_uri(uri).unwrap_or_else(|| guess_plural(name));
        if !out.iter().any(|r| r.name.eq_ignore_ascii_case(name)) {
            out.push(Resource {
                name: super::clean(name),
                plural,
            });
        }
    }
    out
}

/// `https://x/api/v1/UserStories/meta` → `UserStories`.
fn plural_from_uri(uri: &str) -> Option<String> {
    let path = uri.split(['?', '#']).next()?.trim_end_matches('/');
    let path = path.strip_suffix("/meta")?;
    let last = path.rsplit('/').next()?;
    (!last.is_empty() && last.chars().all(|c| c.is_ascii_alphanumeric())).then(|| last.to_owned())
}

/// `Feature` → `Features`, `UserStory` → `UserStories` (TP's plurals in every doc example).
pub(crate) fn guess_plural(name: &str) -> String {
    match name.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{name}s"),
    }
}

/// The fields a `{Resources}/meta` answer lists, in order: values, references, collections.
pub(crate) fn fields(meta: &Node) -> Vec<FieldMeta> {
    let groups = [
        ("ValuesDescription", FieldKind::Value),
        ("ReferencesDescription", FieldKind::Reference),
        ("CollectionsDescription", FieldKind::Collection),
    ];
    let mut out: Vec<FieldMeta> = Vec::new();
    for (suffix, kind) in groups {
        for group in meta.under_key_ending(suffix) {
            for field in group.named_maps() {
                let Some(name) = field.text("Name") else {
                    continue;
                };
                if out.iter().any(|f| f.name == name) {
                    continue;
                }
                out.push(FieldMeta {
                    name: super::clean(name),
                    kind,
                    ty: super::clean(field.text("Type").unwrap_or_default()),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Node {
        Node::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn index_entries_as_items_or_repeated_keys() {
        let items = parse(
            r#"{"Items":[{"Name":"UserStory","Uri":"https://a/api/v1/UserStories/meta"},
            {"Name":"TeamPIObjective","Uri":"https://a/api/v1/TeamPIObjectives/meta?format=json"}]}"#,
        );
        let repeated = parse(
            r#"{"ResourceMetadataDescription":{"Name":"UserStory","Uri":"/api/v1/UserStories/meta"},
            "ResourceMetadataDescription":{"Name":"TeamPIObjective","Uri":"/api/v1/TeamPIObjectives/meta"}}"#,
        );
        for index in [items, repeated] {
            let found = resources(&index);
            let pairs: Vec<(&str, &str)> = found
                .iter()
                .map(|r| (r.name.as_str(), r.plural.as_str()))
                .collect();
            assert_eq!(
                pairs,
                vec![
                    ("UserStory", "UserStories"),
                    ("TeamPIObjective", "TeamPIObjectives")
                ]
            );
        }
    }

    #[test]
    fn plural_is_guessed_without_a_usable_uri() {
        let found = resources(&parse(
            r#"{"Items":[{"Name":"Release","Uri":"/api/v1/??"}]}"#,
        ));
        assert_eq!(found[0].plural, "Releases");
        assert_eq!(guess_plural("UserStory"), "UserStories");
        assert_eq!(guess_plural("Day"), "Days");
    }

    #[test]
    fn fields_by_group() {
        let meta = parse(
            r#"{"Name":"Feature","ResourceMetadataPropertiesDescription":{
              "ResourceMetadataPropertiesResourceValuesDescription":{"Items":[{"Name":"Effort","Type":"Decimal"}]},
              "ResourceMetadataPropertiesResourceReferencesDescription":{"Items":[{"Name":"TeamPIObjective","Type":"TeamPIObjective"}]},
              "ResourceMetadataPropertiesResourceCollectionsDescription":{"Items":[{"Name":"UserStories","Type":"UserStory"}]}}}"#,
        );
        let got = fields(&meta);
        assert_eq!(
            got,
            vec![
                FieldMeta {
                    name: "Effort".into(),
                    kind: FieldKind::Value,
                    ty: "Decimal".into()
                },
                FieldMeta {
                    name: "TeamPIObjective".into(),
                    kind: FieldKind::Reference,
                    ty: "TeamPIObjective".into()
                },
                FieldMeta {
                    name: "UserStories".into(),
                    kind: FieldKind::Collection,
                    ty: "UserStory".into()
                },
            ]
        );
    }
}
