//! The document tree a spec text is read into before it is decoded. Keeping our own tree
//! (rather than decoding straight into structs) lets the decoder see duplicate keys and
//! report every problem at once, each with its JSON Pointer.

use super::limits::{self, MAX_NESTING};
use super::yaml::Refusal;
use crate::{Code, Diagnostic, SpecError, diagnostic::quoted};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tree {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Tree>),
    /// Entries in document order, duplicates kept so the decoder can report them.
    Map(Vec<(String, Tree)>),
}

impl Tree {
    /// What the value is, for "expected …, found …" messages.
    pub(crate) fn kind(&self) -> String {
        match self {
            Tree::Null => "null".into(),
            Tree::Bool(b) => format!("the boolean {b}"),
            Tree::Int(i) => format!("the integer {i}"),
            Tree::Float(x) => format!("the number {}", number_text(*x)),
            Tree::Str(s) => format!("the string {}", quoted(s)),
            Tree::Seq(_) => "a list".into(),
            Tree::Map(_) => "a mapping".into(),
        }
    }
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON or YAML value")
    }
    fn visit_unit<E>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_none<E>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tree, D::Error> {
        Tree::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
        Ok(Tree::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Tree, E> {
        Ok(Tree::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Tree, E> {
        Ok(Tree::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Tree, E> {
        Ok(Tree::Int(v))
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Tree, E> {
        i128::try_from(v)
            .map(Tree::Int)
            .map_err(|_| E::custom("integer too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Tree, E> {
        Ok(Tree::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
        Ok(Tree::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Tree, E> {
        Ok(Tree::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Tree::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        // JSON keys are strings; YAML is read by `super::yaml`, which keeps keys as written.
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Tree>()? {
            entries.push(entry);
        }
        Ok(Tree::Map(entries))
    }
}

/// A number as JSON writes it (`1.5`, `1e20`), or `inf`, `-inf`, `nan`: what messages show.
/// (serde_json's float writer is in every build already; `f64`'s `Display` would add
/// another.)
pub(crate) fn number_text(x: f64) -> String {
    match serde_json::Number::from_f64(x) {
        Some(n) => n.to_string(),
        None if x.is_nan() => "nan".to_owned(),
        None if x > 0.0 => "inf".to_owned(),
        None => "-inf".to_owned(),
    }
}

/// Which syntax a spec text is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON.
    Json,
    /// YAML (the subset `docs/spec.md` describes).
    Yaml,
}

impl Format {
    /// JSON when the first non-blank character opens a JSON object, YAML otherwise.
    pub fn detect(text: &str) -> Format {
        match text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .as_bytes()
            .first()
        {
            Some(b'{') => Format::Json,
            _ => Format::Yaml,
        }
    }
}

fn syntax_error(format: Format, detail: impl fmt::Display) -> SpecError {
    let what = match format {
        Format::Json => "JSON",
        Format::Yaml => "YAML",
    };
    SpecError::Syntax(
        Diagnostic::new(
            Code::SpecSyntax,
            "",
            format!("the spec is not valid {what}: {detail}"),
        )
        .hint("check the line and column named in the message"),
    )
}

/// The text of spec bytes: refused (`spec-syntax`) when they are not UTF-8.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, SpecError> {
    limits::check_size(bytes.len())?;
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        SpecError::Syntax(
            Diagnostic::new(
                Code::SpecSyntax,
                "",
                format!("the spec is not UTF-8 text: invalid byte 0x{:02x} at offset {at} (line {line})", bytes[at]),
            )
            .hint("save the file as UTF-8"),
        )
    })
}

/// Reads a spec text into a tree, within the limits of [`super::limits`].
pub(crate) fn read(text: &str, format: Format) -> Result<Tree, SpecError> {
    limits::check_size(text.len())?;
    let tree = match format {
        Format::Json => serde_json::from_str(text).map_err(|e| {
            // serde_json stops at 128 levels on its own; that is a limit, not a syntax error.
            if e.to_string().starts_with("recursion limit exceeded") {
                limit_error(format!(
                    "lists and mappings nested more than {MAX_NESTING} deep ({e})"
                ))
            } else {
                syntax_error(format, e)
            }
        })?,
        Format::Yaml => super::yaml::read(text).map_err(|refusal| match refusal {
            Refusal::Syntax(detail) => syntax_error(format, detail),
            Refusal::Unsupported(detail) => SpecError::Syntax(
                Diagnostic::new(
                    Code::SpecSyntax,
                    "",
                    format!("the spec uses YAML that specs do not need: {detail}"),
                )
                .hint("write the value plainly: see \"Reading YAML\" in the README"),
            ),
            Refusal::Limit(detail) => {
                limit_error(format!("the YAML exceeds a reading limit: {detail}"))
            }
        })?,
    };
    limits::check_tree(&tree)?;
    Ok(tree)
}

fn limit_error(message: String) -> SpecError {
    SpecError::Invalid(vec![Diagnostic::new(Code::SpecInvalid, "", message).hint(
        "a spec needs no aliases, deep nesting or long lists: look for generated content",
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_yaml_give_the_same_tree() {
        let y = read("a: 1\nb: [x, true]\n", Format::Yaml).unwrap();
        let j = read(r#"{"a": 1, "b": ["x", true]}"#, Format::Json).unwrap();
        assert_eq!(y, j);
    }

    #[test]
    fn duplicate_keys_are_kept_for_the_decoder() {
        let t = read("a: 1\na: 2\n", Format::Yaml).unwrap();
        assert_eq!(
            t,
            Tree::Map(vec![("a".into(), Tree::Int(1)), ("a".into(), Tree::Int(2))])
        );
        let t = read(r#"{"a": 1, "a": 2}"#, Format::Json).unwrap();
        assert!(matches!(t, Tree::Map(m) if m.len() == 2));
    }

    #[test]
    fn broken_text_is_a_syntax_error_with_a_position() {
        let e = read("a: [", Format::Yaml).unwrap_err();
        assert_eq!(e.code(), Code::SpecSyntax);
        assert!(e.to_string().contains("line 1"), "{e}");
        let e = read("{\"a\": }", Format::Json).unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    #[test]
    fn format_detection_looks_at_the_first_character() {
        assert_eq!(Format::detect("  {\"a\":1}"), Format::Json);
        assert_eq!(Format::detect("a: 1"), Format::Yaml);
        assert_eq!(Format::detect("\u{feff}{}"), Format::Json);
    }
}
