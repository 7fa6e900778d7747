//! The most the spec reader accepts. A real spec is a few KiB, five levels deep, with lists
//! of a handful of entries; these bounds sit far above that and far below what could stall
//! a browser tab or exhaust memory, so any text is refused or planned in bounded time and
//! memory. Going past one is `spec-invalid`, at the pointer of what is too big.

use super::tree::Tree;
use crate::{Code, Diagnostic, SpecError};

/// Largest spec text, in bytes (1 MiB).
pub const MAX_SPEC_BYTES: usize = 1 << 20;
/// Deepest nesting of lists and mappings (a spec needs 5).
pub const MAX_NESTING: usize = 32;
/// Most entries in one list or mapping.
pub const MAX_LIST_ITEMS: usize = 1_000;
/// Most address ranges in one spec, all lists together (DC, services, VPC, vSwitches,
/// extra cloud destinations). Alibaba Cloud allows 150 vSwitches per VPC by default.
pub const MAX_RANGES: usize = 2_000;
/// Longest string (a value or a key), in bytes.
pub const MAX_STRING_BYTES: usize = 4_096;
/// Most YAML aliases (`*name`) in one spec: aliases are how a small text expands into a
/// huge document ("billion laughs").
pub const MAX_YAML_ALIASES: usize = 100;
/// Most values a YAML alias may replay, all aliases together.
pub const MAX_YAML_ALIAS_EVENTS: usize = 10_000;
/// Most YAML values read (keys, scalars, lists and mappings, aliases' copies included).
pub const MAX_YAML_EVENTS: usize = 250_000;
/// Most `cidr-overlap` pairs listed one by one; the rest are counted in one more diagnostic.
pub const MAX_OVERLAPS_LISTED: usize = 100;

fn too_big(path: &str, message: String, hint: &str) -> Diagnostic {
    Diagnostic::new(Code::SpecInvalid, path, message).hint(hint)
}

/// `Ok` when `count` is at most `max`; otherwise one `spec-invalid` for the whole spec.
fn at_most(
    count: usize,
    max: usize,
    message: impl FnOnce() -> String,
    hint: &str,
) -> Result<(), SpecError> {
    if count <= max {
        return Ok(());
    }
    Err(SpecError::Invalid(vec![too_big("", message(), hint)]))
}

/// Refuses a text longer than [`MAX_SPEC_BYTES`] before reading it.
pub(crate) fn check_size(bytes: usize) -> Result<(), SpecError> {
    at_most(
        bytes,
        MAX_SPEC_BYTES,
        || format!("the spec is {bytes} bytes; at most {MAX_SPEC_BYTES} are read"),
        "a spec describes one cluster in a few KiB: look for generated or pasted content",
    )
}

/// Checks nesting, list and mapping sizes and string lengths of a document tree, one
/// diagnostic per offending value (its children are not visited).
pub(crate) fn check_tree(tree: &Tree) -> Result<(), SpecError> {
    let mut found = Vec::new();
    visit(tree, "", 0, &mut found);
    if found.is_empty() {
        Ok(())
    } else {
        Err(SpecError::Invalid(found))
    }
}

fn visit(tree: &Tree, path: &str, depth: usize, found: &mut Vec<Diagnostic>) {
    let len = match tree {
        Tree::Seq(items) => items.len(),
        Tree::Map(entries) => entries.len(),
        Tree::Str(s) => {
            if s.len() > MAX_STRING_BYTES {
                found.push(too_big(
                    path,
                    format!(
                        "a string of {} bytes; at most {MAX_STRING_BYTES} are read",
                        s.len()
                    ),
                    "shorten the value",
                ));
            }
            return;
        }
        _ => return,
    };
    if depth >= MAX_NESTING {
        found.push(too_big(
            path,
            format!("lists and mappings nested more than {MAX_NESTING} deep"),
            "a spec is five levels deep: look for a misplaced bracket or indentation",
        ));
        return;
    }
    if len > MAX_LIST_ITEMS {
        found.push(too_big(
            path,
            format!("{len} entries; a list or mapping may have at most {MAX_LIST_ITEMS}"),
            "split the cluster, or summarise ranges into fewer, larger ones",
        ));
        return;
    }
    match tree {
        Tree::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                visit(item, &format!("{path}/{i}"), depth + 1, found);
            }
        }
        Tree::Map(entries) => {
            for (key, value) in entries {
                let at = format!("{path}/{}", crate::diagnostic::pointer_token(key));
                if key.len() > MAX_STRING_BYTES {
                    found.push(too_big(
                        path,
                        format!(
                            "a key of {} bytes; at most {MAX_STRING_BYTES} are read",
                            key.len()
                        ),
                        "shorten the key",
                    ));
                    continue;
                }
                visit(value, &at, depth + 1, found);
            }
        }
        _ => {}
    }
}

/// Refuses a spec with more than [`MAX_RANGES`] address ranges in all.
pub(crate) fn check_ranges(count: usize) -> Result<(), SpecError> {
    at_most(
        count,
        MAX_RANGES,
        || format!("{count} address ranges in all; a spec may have at most {MAX_RANGES}"),
        "summarise ranges into fewer, larger ones",
    )
}
