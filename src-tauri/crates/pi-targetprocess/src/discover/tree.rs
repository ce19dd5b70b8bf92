//! Metadata answers read as a tree that keeps every entry: Targetprocess renders its XML
//! metadata to JSON with the same key repeated once per entry (`ResourceMetadataDescription`
//! for every resource of `Index/meta`), which a plain JSON object would collapse to the last one.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value whose objects keep every key, repeated ones included, in order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    Text(String),
    Bool(bool),
    Number(f64),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
    Null,
}

impl Node {
    /// The value of the first key equal to `key` (case-insensitive).
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn text(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Node::Text(s) => Some(s.as_str()).filter(|s| !s.trim().is_empty()),
            _ => None,
        }
    }

    /// Every map in the tree (this one included) that has a `Name`, depth first, in order.
    pub(crate) fn named_maps(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        self.walk(&mut |n| {
            if n.text("Name").is_some() {
                out.push(n);
            }
        });
        out
    }

    /// The values under keys ending in `suffix` (case-insensitive), anywhere in the tree.
    pub(crate) fn under_key_ending(&self, suffix: &str) -> Vec<&Node> {
        let suffix = suffix.to_ascii_lowercase();
        let mut out = Vec::new();
        self.walk(&mut |n| {
            if let Node::Map(entries) = n {
                out.extend(
                    entries
                        .iter()
                        .filter(|(k, _)| k.to_ascii_lowercase().ends_with(&suffix))
                        .map(|(_, v)| v),
                );
            }
        });
        out
    }

    fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Node)) {
        f(self);
        match self {
            Node::List(items) => items.iter().for_each(|i| i.walk(f)),
            Node::Map(entries) => entries.iter().for_each(|(_, v)| v.walk(f)),
            _ => {}
        }
    }
}

/// Nesting deeper than this is refused: metadata is a few levels deep.
const MAX_DEPTH: usize = 32;

impl Node {
    /// Parses JSON text, keeping repeated keys.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Node, String> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let node = Node::deserialize(&mut de).map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        if node.depth() > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        Ok(node)
    }

    fn depth(&self) -> usize {
        match self {
            Node::List(items) => 1 + items.iter().map(Node::depth).max().unwrap_or(0),
            Node::Map(entries) => 1 + entries.iter().map(|(_, v)| v.depth()).max().unwrap_or(0),
            _ => 0,
        }
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Text(v.to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            entries.push((k, v));
        }
        Ok(Node::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_all_kept() {
        let text = br#"{"IndexUri":"x","ResourceMetadataDescription":{"Name":"Bug","Uri":"/api/v1/Bugs/meta"},
            "ResourceMetadataDescription":{"Name":"Feature","Uri":"/api/v1/Features/meta"}}"#;
        let node = Node::parse(text).unwrap();
        let names: Vec<&str> = node
            .named_maps()
            .iter()
            .filter_map(|n| n.text("Name"))
            .collect();
        assert_eq!(names, vec!["Bug", "Feature"]);
    }

    #[test]
    fn bad_json_and_deep_nesting_are_refused() {
        assert!(Node::parse(b"{\"Name\":").is_err());
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        let err = Node::parse(deep.as_bytes()).unwrap_err();
        assert!(err.contains("deeper"), "{err}");
    }
}
