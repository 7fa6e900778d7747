//! Writes a manifest object as YAML with every string quoted, so that no value (an
//! address, a name, `no`, `1e3`) can be read back as anything but the string it is.
//!
//! The objects are plain JSON values: maps (ordered by key), lists, strings, numbers,
//! booleans and null. That is all this writer needs to know of YAML, which keeps a YAML
//! library out of the core (and out of the browser build).

use serde_json::Value;
use std::fmt::Write;

/// The YAML text of one document, ending in a newline.
pub(super) fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            write_scalar(&mut out, scalar);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, depth: usize) {
    out.extend(std::iter::repeat_n(' ', depth));
}

/// Entries of a non-empty map at column `depth`; the first one's indentation is already
/// written when the map starts a list item.
fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, depth: usize) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            indent(out, depth);
        }
        write_key(out, key);
        out.push(':');
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                indent(out, depth + 2);
                write_map(out, inner, depth + 2);
            }
            // A list under a key starts at the key's column.
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                indent(out, depth);
                write_seq(out, items, depth);
            }
            scalar => {
                out.push(' ');
                write_scalar(out, scalar);
                out.push('\n');
            }
        }
    }
}

/// Items of a non-empty list at column `depth`; the first one's indentation is already
/// written.
fn write_seq(out: &mut String, items: &[Value], depth: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            indent(out, depth);
        }
        out.push_str("- ");
        match item {
            Value::Object(inner) if !inner.is_empty() => write_map(out, inner, depth + 2),
            Value::Array(inner) if !inner.is_empty() => write_seq(out, inner, depth + 2),
            scalar => {
                write_scalar(out, scalar);
                out.push('\n');
            }
        }
    }
}

/// A scalar, or an empty map or list in flow style.
pub(crate) fn write_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

/// Keys are plain when they are words of letters, digits and `_ . / -` (Kubernetes field
/// names, label keys, file names) that YAML reads as nothing but a string; otherwise
/// double-quoted.
pub(crate) fn write_key(out: &mut String, key: &str) {
    let word = key.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-'));
    if word && !reads_as_other_than_string(key) && !looks_numeric(key) {
        out.push_str(key);
    } else {
        write_double_quoted(out, key);
    }
}

/// Words that some YAML reader (1.1 or 1.2) takes for a boolean or null.
fn reads_as_other_than_string(word: &str) -> bool {
    const WORDS: [&str; 12] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "infinity",
    ];
    WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Made only of what YAML numbers are made of (digits, hex digits, radix letters, `. _ + -`),
/// with a digit: `1e3`, `0x1f`, `1_000`. Conservative: `cafe1` is quoted too.
fn looks_numeric(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit())
        && word.chars().all(|c| {
            c.is_ascii_hexdigit() || matches!(c, 'x' | 'X' | 'o' | 'O' | '.' | '_' | '+' | '-')
        })
}

/// Single-quoted when that needs no escape; double-quoted with escapes otherwise.
pub(crate) fn write_string(out: &mut String, s: &str) {
    if s.chars()
        .all(|c| c != '\'' && c != '\\' && is_plain_printable(c))
    {
        out.push('\'');
        out.push_str(s);
        out.push('\'');
    } else {
        write_double_quoted(out, s);
    }
}

/// Printable and not a line break in any YAML version: safe inside quotes as it is.
fn is_plain_printable(c: char) -> bool {
    !(c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

fn write_double_quoted(out: &mut String, s: &str) {
    crate::diagnostic::write_quoted(out, s, is_plain_printable);
}

#[cfg(test)]
mod tests {
    use super::to_yaml;
    use serde_json::{Value, json};

    /// Every value reads back as itself through a full YAML parser.
    fn round_trip(value: &Value) {
        let text = to_yaml(value);
        let back: Value = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{text}\n{e}"));
        assert_eq!(&back, value, "{text}");
    }

    #[test]
    fn nested_maps_and_lists_keep_their_shape() {
        let v = json!({
            "a": "x", "b": 1, "c": true, "d": null, "e": [], "f": {},
            "g": [[1, 2], [3], []], "h": [{"x": 1, "y": [1, {"z": []}]}, {}],
            "m": {"n": {"o": [{"p": [{"q": -3}]}]}}, "big": u64::MAX,
        });
        round_trip(&v);
        assert_eq!(
            to_yaml(&json!({"spec": {"cidrs": ["10.0.0.0/8"], "list": [{"a": 1, "b": "2"}]}})),
            "spec:\n  cidrs:\n  - '10.0.0.0/8'\n  list:\n  - a: 1\n    b: '2'\n"
        );
    }

    #[test]
    fn strings_stay_strings_whatever_they_hold() {
        let strings = [
            "",
            "no",
            "yes",
            "on",
            "null",
            "~",
            "true",
            "1e3",
            "0x10",
            "0o7",
            "010",
            ".inf",
            "10.0.0.0/8",
            "it's",
            "a\"b",
            "back\\slash",
            "line\nbreak",
            "tab\there",
            "\r",
            "\u{0}nul",
            "\u{7f}",
            "\u{85}x",
            "\u{feff}bom",
            "\u{2028}",
            "\u{202e}rtl",
            "é",
            " lead",
            "trail ",
            "# comment",
            "- item",
            "key: value",
            "---",
            "...",
            "{a: b}",
            "[1]",
            "&anchor",
            "*alias",
            "!tag",
            "%directive",
            "@",
            "`",
            "|",
            ">",
        ];
        for s in strings {
            round_trip(&json!({ "k": s, "list": [s] }));
            // Keys too, and nothing is ever written unquoted.
            round_trip(&json!({ s: 1 }));
            assert!(to_yaml(&json!(s)).starts_with(['\'', '"']), "{s:?}");
        }
    }

    #[test]
    fn label_keys_are_plain_and_lookalike_keys_quoted() {
        let text = to_yaml(&json!({
            "app.kubernetes.io/managed-by": "x", "10-terway.conf": 0, "y": 1, "1": 2, "a:b": 3,
            "1e3": 4, "0x1f": 5, "1_000": 6,
        }));
        assert_eq!(
            text,
            "\"0x1f\": 5\n\"1\": 2\n10-terway.conf: 0\n\"1_000\": 6\n\"1e3\": 4\n\"a:b\": 3\n\
             app.kubernetes.io/managed-by: 'x'\n\"y\": 1\n"
        );
    }
}
