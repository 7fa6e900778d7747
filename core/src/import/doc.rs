//! The imported spec as a document: keys in the spec's order, each value with the comment
//! that says where it came from, written as YAML (comments kept) or JSON.

use crate::manifests::yaml::{write_key, write_scalar};
use crate::spec::tree::Tree;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A value of the document.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Doc {
    Scalar(Value),
    List(Vec<Doc>),
    /// Entries in the order written.
    Map(Vec<(String, Doc)>),
}

impl Doc {
    pub fn map() -> Doc {
        Doc::Map(Vec::new())
    }

    /// Sets `key` (replacing it where it is, or appending).
    pub fn set(&mut self, key: &str, value: Doc) {
        if let Doc::Map(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = value,
                None => entries.push((key.to_owned(), value)),
            }
        }
    }

    pub fn remove(&mut self, key: &str) {
        if let Doc::Map(entries) = self {
            entries.retain(|(k, _)| k != key);
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Doc> {
        match self {
            Doc::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|e| &mut e.1),
            _ => None,
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            Doc::Scalar(v) => v.clone(),
            Doc::List(items) => Value::Array(items.iter().map(Doc::to_json).collect()),
            Doc::Map(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    map.insert(k.clone(), v.to_json());
                }
                Value::Object(map)
            }
        }
    }

    /// A spec read from text, in its order.
    pub fn from_tree(tree: &Tree) -> Doc {
        match tree {
            Tree::Null => Doc::Scalar(Value::Null),
            Tree::Bool(b) => Doc::Scalar(Value::Bool(*b)),
            Tree::Int(i) => Doc::Scalar(
                i64::try_from(*i)
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(i.to_string())),
            ),
            Tree::Float(x) => {
                Doc::Scalar(serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number))
            }
            Tree::Str(s) => Doc::Scalar(Value::String(s.clone())),
            Tree::Seq(items) => Doc::List(items.iter().map(Doc::from_tree).collect()),
            Tree::Map(entries) => Doc::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), Doc::from_tree(v)))
                    .collect(),
            ),
        }
    }
}

impl From<&str> for Doc {
    fn from(s: &str) -> Doc {
        Doc::Scalar(Value::String(s.to_owned()))
    }
}

impl From<String> for Doc {
    fn from(s: String) -> Doc {
        Doc::Scalar(Value::String(s))
    }
}

impl From<u64> for Doc {
    fn from(n: u64) -> Doc {
        Doc::Scalar(Value::from(n))
    }
}

impl From<bool> for Doc {
    fn from(b: bool) -> Doc {
        Doc::Scalar(Value::Bool(b))
    }
}

/// Comment lines per JSON Pointer: written above the key (or list item) at that pointer.
pub(crate) type Comments = BTreeMap<String, Vec<String>>;

/// The document as YAML: `header` lines first, then each entry under its comments.
pub(crate) fn to_yaml(doc: &Doc, header: &[String], comments: &Comments) -> String {
    let mut out = String::new();
    for line in header {
        comment(&mut out, 0, line);
    }
    match doc {
        Doc::Map(entries) => write_map(&mut out, entries, 0, "", comments),
        other => {
            write_value(&mut out, other, 0, "", comments);
        }
    }
    out
}

fn comment(out: &mut String, depth: usize, line: &str) {
    out.extend(std::iter::repeat_n(' ', depth));
    out.push_str("# ");
    // A comment ends at the line's end: nothing from the cluster can start a new line.
    out.extend(line.chars().map(|c| if c.is_control() { ' ' } else { c }));
    out.push('\n');
}

fn indent(out: &mut String, depth: usize) {
    out.extend(std::iter::repeat_n(' ', depth));
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn write_map(
    out: &mut String,
    entries: &[(String, Doc)],
    depth: usize,
    path: &str,
    comments: &Comments,
) {
    for (key, value) in entries {
        let here = format!("{path}/{}", escape(key));
        for line in comments.get(&here).into_iter().flatten() {
            comment(out, depth, line);
        }
        indent(out, depth);
        write_key(out, key);
        out.push(':');
        write_value(out, value, depth, &here, comments);
    }
}

/// The value after `key:` (or after `- `): scalars and empty collections on the line,
/// others below it.
fn write_value(out: &mut String, value: &Doc, depth: usize, path: &str, comments: &Comments) {
    match value {
        Doc::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            write_map(out, entries, depth + 2, path, comments);
        }
        Doc::List(items) if !items.is_empty() => {
            out.push('\n');
            for (i, item) in items.iter().enumerate() {
                let here = format!("{path}/{i}");
                let first_key = match item {
                    Doc::Map(entries) => entries
                        .first()
                        .map(|(k, _)| format!("{here}/{}", escape(k))),
                    _ => None,
                };
                for key in std::iter::once(&here).chain(first_key.as_ref()) {
                    for line in comments.get(key).into_iter().flatten() {
                        comment(out, depth, line);
                    }
                }
                indent(out, depth);
                out.push('-');
                match item {
                    Doc::Map(entries) if !entries.is_empty() => {
                        // The first entry on the dash's line (its comments above the
                        // dash), the others below it.
                        out.push(' ');
                        let mut first = String::new();
                        write_map(
                            &mut first,
                            &entries[..1],
                            depth + 2,
                            &here,
                            &Comments::new(),
                        );
                        out.push_str(&first[depth + 2..]);
                        write_map(out, &entries[1..], depth + 2, &here, comments);
                    }
                    other => write_value(out, other, depth + 2, &here, comments),
                }
            }
        }
        Doc::Map(_) => out.push_str(" {}\n"),
        Doc::List(_) => out.push_str(" []\n"),
        Doc::Scalar(v) => {
            out.push(' ');
            write_scalar(out, v);
            out.push('\n');
        }
    }
}
