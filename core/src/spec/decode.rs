//! Typed reading of a document tree: each helper checks one field, records a diagnostic
//! with the field's JSON Pointer when it is wrong, and carries on, so one pass reports
//! every structural problem of a spec at once.
//!
//! A wrong value that can still be read (a prefix with host bits set, an id of the wrong
//! shape) is an error the plan carries while every rule that does not depend on it still
//! runs; only what cannot be read at all stops planning.

use super::tree::Tree;
use crate::cidr::{Cidr, CidrError, parse_addr, parse_cidr};
use crate::diagnostic::{escaped, pointer_token, quoted};
use crate::{Code, Diagnostic};
use std::net::IpAddr;

/// Collects diagnostics while a tree is decoded.
#[derive(Default)]
pub(crate) struct Decoder {
    /// Every diagnostic, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// How many of them are errors that leave a value unread: the spec cannot be planned.
    pub blocking: usize,
    /// JSON Pointers of the optional fields the spec gives (defaults are not given).
    pub given: Vec<String>,
}

/// The entries of one mapping whose keys were checked against the known field names.
pub(crate) struct Fields<'t> {
    pub path: String,
    entries: Vec<(&'t str, &'t Tree)>,
    /// The known keys, joined: which list the lookups are recorded under.
    #[cfg(test)]
    known: String,
}

#[cfg(test)]
thread_local! {
    /// Each (known keys joined by `|`, key) the decoder has looked up on this thread: the
    /// test that every listed key is read compares it with the lists.
    pub(super) static LOOKED_UP: std::cell::RefCell<std::collections::BTreeSet<(String, String)>> =
        const { std::cell::RefCell::new(std::collections::BTreeSet::new()) };
}

impl<'t> Fields<'t> {
    /// The value of `key`, unless absent or null (null means "use the default").
    pub fn get(&self, key: &str) -> Option<(&'t Tree, String)> {
        #[cfg(test)]
        LOOKED_UP.with(|l| l.borrow_mut().insert((self.known.clone(), key.to_owned())));
        self.entries
            .iter()
            .find(|(k, v)| *k == key && **v != Tree::Null)
            .map(|(k, v)| (*v, self.child(k)))
    }

    pub fn child(&self, key: &str) -> String {
        format!("{}/{}", self.path, pointer_token(key))
    }
}

/// A DNS label (RFC 1123): 1 to 63 lowercase letters, digits and dashes, not starting or
/// ending with a dash. Kubernetes names and labels and Alibaba Cloud ids all follow it.
pub(super) fn is_dns_label(text: &str) -> bool {
    (1..=63).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// The known name closest to `key`, if it is close enough to be a likely typo.
fn did_you_mean<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    known
        .iter()
        .map(|k| {
            (
                strsim::damerau_levenshtein(&lower, &k.to_ascii_lowercase()),
                *k,
            )
        })
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

impl Decoder {
    pub fn invalid(&mut self, path: &str, message: impl Into<String>) {
        self.push(Diagnostic::new(Code::SpecInvalid, path, message));
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.blocking += usize::from(diagnostic.is_error());
        self.diagnostics.push(diagnostic);
    }

    /// Records a problem with a value that was read all the same: planning goes on.
    pub fn push_read_anyway(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Checks that `tree` is a mapping whose keys are all in `known`, once each.
    pub fn object<'t>(&mut self, tree: &'t Tree, path: &str, known: &[&str]) -> Option<Fields<'t>> {
        let Tree::Map(entries) = tree else {
            self.invalid(path, format!("expected a mapping, found {}", tree.kind()));
            return None;
        };
        let mut fields = Fields {
            path: path.to_owned(),
            entries: Vec::with_capacity(entries.len()),
            #[cfg(test)]
            known: known.join("|"),
        };
        for (key, value) in entries {
            let at = fields.child(key);
            if !known.contains(&key.as_str()) {
                let mut d = Diagnostic::new(Code::SpecInvalid, &at, format!("unknown key `{key}`"));
                d = match did_you_mean(key, known) {
                    Some(k) => d.hint(format!("did you mean `{k}`?")),
                    None => d.hint(format!("known keys here: {}", known.join(", "))),
                };
                self.push(d);
            } else if fields.entries.iter().any(|(k, _)| k == key) {
                self.invalid(
                    &at,
                    format!("duplicate key `{key}`: only one value may be given"),
                );
            } else {
                fields.entries.push((key.as_str(), value));
            }
        }
        Some(fields)
    }

    /// Reports a required field that is missing. (Not generic, like every part of these
    /// helpers that does not touch `T`: each would be compiled once per field type.)
    pub fn missing(&mut self, fields: &Fields, key: &str) {
        self.push(
            Diagnostic::new(
                Code::SpecInvalid,
                fields.child(key),
                format!("missing required field `{key}`"),
            )
            .hint(format!(
                "add `{key}` under {}",
                display_parent(&fields.path)
            )),
        );
    }

    /// A required field read with `read`.
    pub fn required<T>(
        &mut self,
        fields: &Fields,
        key: &str,
        read: impl FnOnce(&mut Self, &Tree, &str) -> Option<T>,
    ) -> Option<T> {
        match fields.get(key) {
            Some((tree, at)) => read(self, tree, &at),
            None => {
                self.missing(fields, key);
                None
            }
        }
    }

    /// An optional field read with `read`, or `default` when absent. A present but wrong
    /// value is reported and also yields the default, so decoding can carry on.
    pub fn optional<T>(
        &mut self,
        fields: &Fields,
        key: &str,
        default: T,
        read: impl FnOnce(&mut Self, &Tree, &str) -> Option<T>,
    ) -> T {
        match fields.get(key) {
            Some((tree, at)) => {
                let value = read(self, tree, &at);
                self.given.push(at);
                value.unwrap_or(default)
            }
            None => default,
        }
    }

    pub fn string(&mut self, tree: &Tree, path: &str) -> Option<String> {
        match tree {
            Tree::Str(s) if !s.is_empty() => Some(s.clone()),
            Tree::Str(_) => {
                self.invalid(path, "expected a non-empty string");
                None
            }
            other => {
                self.push(
                    Diagnostic::new(
                        Code::SpecInvalid,
                        path,
                        format!("expected a string, found {}", other.kind()),
                    )
                    .hint("quote the value"),
                );
                None
            }
        }
    }

    /// An Alibaba Cloud resource id: `kind` (`vsw`, `sg`, `vbr`, `cen`), a dash, then
    /// lowercase letters, digits and dashes (`vsw-bp1s5fnvk4gn2tws03x9`). Ids go verbatim
    /// into the Terway config and the plan, so nothing else is let through.
    pub fn cloud_id(&mut self, tree: &Tree, path: &str, kind: &str) -> Option<String> {
        let id = self.string(tree, path)?;
        let ok = id
            .strip_prefix(kind)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(is_dns_label);
        if ok {
            return Some(id);
        }
        self.push_read_anyway(
            Diagnostic::new(
                Code::CloudIdInvalid,
                path,
                format!("{} is not a `{kind}-…` id: expected `{kind}-` then lowercase letters, digits and '-'", quoted(&id)),
            )
            .hint(format!("copy the id from the Alibaba Cloud console; it starts with `{kind}-`")),
        );
        // Kept (escaped, so that no character of it can reach a terminal or a file
        // unquoted) for every rule that does not need it; no manifest is written with it.
        Some(escaped(&id))
    }

    /// A region or zone id (`cn-hangzhou`, `cn-hangzhou-h`): lowercase letters, digits, '-'.
    pub fn cloud_name(&mut self, tree: &Tree, path: &str) -> Option<String> {
        let name = self.string(tree, path)?;
        if is_dns_label(&name) {
            return Some(name);
        }
        self.push_read_anyway(
            Diagnostic::new(
                Code::CloudIdInvalid,
                path,
                format!(
                    "{} is not a region or zone id: expected lowercase letters, digits and '-'",
                    quoted(&name)
                ),
            )
            .hint("write it as the console shows it, e.g. cn-hangzhou or cn-hangzhou-h"),
        );
        Some(escaped(&name))
    }

    pub fn boolean(&mut self, tree: &Tree, path: &str) -> Option<bool> {
        match tree {
            Tree::Bool(b) => Some(*b),
            other => {
                self.invalid(
                    path,
                    format!("expected true or false, found {}", other.kind()),
                );
                None
            }
        }
    }

    /// An integer within `min..=max`.
    pub fn integer(&mut self, tree: &Tree, path: &str, min: i128, max: i128) -> Option<i128> {
        match tree {
            Tree::Int(i) if (min..=max).contains(i) => Some(*i),
            Tree::Int(i) => {
                self.invalid(path, format!("{i} is out of range {min}..={max}"));
                None
            }
            Tree::Float(x) if x.fract() == 0.0 && x.abs() > max as f64 => {
                let x = super::tree::number_text(*x);
                self.invalid(path, format!("{x} is out of range {min}..={max}"));
                None
            }
            other => {
                let hint = match other {
                    Tree::Str(_) => "write the number without quotes",
                    _ => "write a whole number in plain decimal",
                };
                self.push(
                    Diagnostic::new(
                        Code::SpecInvalid,
                        path,
                        format!("expected an integer, found {}", other.kind()),
                    )
                    .hint(hint),
                );
                None
            }
        }
    }

    /// A count of things (nodes, pods, ENIs): 0..=u32::MAX.
    pub fn count(&mut self, tree: &Tree, path: &str) -> Option<u32> {
        self.integer(tree, path, 0, u32::MAX.into())
            .map(|i| i as u32)
    }

    /// An AS number; values outside 0..=4294967295 are `asn-invalid` (the bad-input
    /// vectors tests/vectors/bad-input-row-21-*).
    pub fn asn(&mut self, tree: &Tree, path: &str) -> Option<u32> {
        match tree {
            Tree::Int(i) if !(0..=i128::from(u32::MAX)).contains(i) => {
                self.push(
                    Diagnostic::new(
                        Code::AsnInvalid,
                        path,
                        format!("AS number {i} is outside 1..=4294967295"),
                    )
                    .hint("use a private AS number: 64512..=65534 or 4200000000..=4294967294"),
                );
                None
            }
            _ => self.count(tree, path),
        }
    }

    /// One of the `allowed` words.
    pub fn word<T: Copy>(&mut self, tree: &Tree, path: &str, allowed: &[(&str, T)]) -> Option<T> {
        let text = self.string(tree, path)?;
        if let Some((_, v)) = allowed.iter().find(|(w, _)| *w == text) {
            return Some(*v);
        }
        let names: Vec<&str> = allowed.iter().map(|(w, _)| *w).collect();
        let mut d = Diagnostic::new(
            Code::SpecInvalid,
            path,
            format!("`{text}` is not one of: {}", names.join(", ")),
        );
        if let Some(k) = did_you_mean(&text, &names) {
            d = d.hint(format!("did you mean `{k}`?"));
        }
        self.push(d);
        None
    }

    /// A list whose items are each read with `item`; bad items are reported and skipped.
    pub fn list<T>(
        &mut self,
        tree: &Tree,
        path: &str,
        mut item: impl FnMut(&mut Self, &Tree, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let items = self.items(tree, path)?;
        Some(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, t)| item(self, t, &format!("{path}/{i}")))
                .collect(),
        )
    }

    /// The entries of a list, or a diagnostic that `tree` is not one.
    fn items<'t>(&mut self, tree: &'t Tree, path: &str) -> Option<&'t [Tree]> {
        match tree {
            Tree::Seq(items) => Some(items),
            _ => {
                self.invalid(path, format!("expected a list, found {}", tree.kind()));
                None
            }
        }
    }

    /// A strict CIDR; an IPv6 value in a non-canonical spelling is accepted with a note.
    pub fn cidr(&mut self, tree: &Tree, path: &str) -> Option<Cidr> {
        self.address_text(tree, path, parse_cidr, |e, _| e.hint())
    }

    /// A strict address.
    pub fn addr(&mut self, tree: &Tree, path: &str) -> Option<IpAddr> {
        self.address_text(tree, path, parse_addr, |_, text| {
            Some(if text.contains('/') {
                "an address is expected here, without a prefix length".into()
            } else {
                "write a plain IPv4 (a.b.c.d) or IPv6 address".into()
            })
        })
    }

    /// A string read with a strict address parser: errors keep their own code
    /// (`cidr-syntax`, `cidr-host-bits`), and accepted non-canonical spellings are noted.
    fn address_text<T: std::fmt::Display>(
        &mut self,
        tree: &Tree,
        path: &str,
        parse: fn(&str) -> Result<T, CidrError>,
        hint: fn(&CidrError, &str) -> Option<String>,
    ) -> Option<T> {
        let text = self.string(tree, path)?;
        match parse(&text) {
            Ok(value) => {
                self.note_spelling(path, &text, &value.to_string());
                Some(value)
            }
            Err(e) => {
                let mut d = Diagnostic::new(e.code(), path, e.describe(&text));
                if let Some(h) = hint(&e, &text) {
                    d = d.hint(h);
                }
                // Host bits: the prefix is known (`10.1.2.3/16` is 10.1.0.0/16), so every
                // other rule still runs on it while the error stands; never a silent fix.
                if let CidrError::HostBits { canonical } = &e
                    && let Ok(value) = parse(canonical)
                {
                    self.push_read_anyway(d);
                    return Some(value);
                }
                self.push(d);
                None
            }
        }
    }

    fn note_spelling(&mut self, path: &str, given: &str, canonical: &str) {
        if given != canonical {
            self.push(
                Diagnostic::new(
                    Code::CidrNormalized,
                    path,
                    format!("`{given}` is read as `{canonical}`"),
                )
                .hint(format!(
                    "write `{canonical}` (RFC 5952) so text comparisons match"
                )),
            );
        }
    }

    /// A value given either as a single `one` key or as a `many` list (`podCidr`/`podCidrs`).
    /// Returns the items with the JSON Pointer each came from.
    pub fn one_or_many<T>(
        &mut self,
        fields: &Fields,
        one: &str,
        many: &str,
        required: bool,
        mut item: impl FnMut(&mut Self, &Tree, &str) -> Option<T>,
    ) -> Vec<(T, String)> {
        self.one_or_many_trees(fields, one, many, required)
            .into_iter()
            .filter_map(|(tree, at)| item(self, tree, &at).map(|v| (v, at)))
            .collect()
    }

    /// The values `one_or_many` reads, with their pointers; what is wrong with the fields
    /// themselves (both forms given, not a list, an empty or missing required list) is
    /// reported here.
    fn one_or_many_trees<'t>(
        &mut self,
        fields: &Fields<'t>,
        one: &str,
        many: &str,
        required: bool,
    ) -> Vec<(&'t Tree, String)> {
        match (fields.get(one), fields.get(many)) {
            (Some(_), Some((_, at))) => {
                self.push(
                    Diagnostic::new(
                        Code::SpecInvalid,
                        at,
                        format!("both `{one}` and `{many}` are given"),
                    )
                    .related(fields.child(one))
                    .hint(format!(
                        "keep one: `{one}` for one value, `{many}` for a list"
                    )),
                );
                Vec::new()
            }
            (Some(single), None) => vec![single],
            (None, Some((tree, at))) => {
                let Some(items) = self.items(tree, &at) else {
                    return Vec::new();
                };
                if items.is_empty() && required {
                    self.invalid(&at, format!("`{many}` needs at least one value"));
                }
                items
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (t, format!("{at}/{i}")))
                    .collect()
            }
            (None, None) => {
                if required {
                    self.push(
                        Diagnostic::new(
                            Code::SpecInvalid,
                            fields.child(one),
                            format!("missing required field `{one}` (or the list `{many}`)"),
                        )
                        .hint(format!(
                            "add `{one}` under {}",
                            display_parent(&fields.path)
                        )),
                    );
                }
                Vec::new()
            }
        }
    }
}

fn display_parent(path: &str) -> String {
    if path.is_empty() {
        "the top level".to_owned()
    } else {
        format!("`{path}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_miss_keys_get_a_suggestion() {
        let known = ["podCidr", "podCidrs", "nodeCidrs", "serviceCidr"];
        assert_eq!(did_you_mean("podCIRD", &known), Some("podCidr"));
        assert_eq!(did_you_mean("nodeCidr", &known), Some("nodeCidrs"));
        assert_eq!(did_you_mean("zzz", &known), None);
    }
}
