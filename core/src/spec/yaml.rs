//! Reads a spec written in YAML: the part of YAML 1.2 that configuration files use, into
//! the same document tree as JSON.
//!
//! Read: one document (an optional `---` first, an optional `...` last), comments, block
//! mappings and lists (also `- key: value` and `- - item`), flow `[lists]` and
//! `{mappings}` across lines, plain, 'single-' and "double-quoted" scalars, and anchors
//! with aliases, within the limits of [`super::limits`]. Plain scalars follow the YAML 1.2
//! core schema: `null`/`~`/empty, `true`/`false`, integers (decimal, `0x`, `0o`) and
//! floats (`1.5`, `1e3`, `.inf`, `.nan`); anything else is a string. A decimal with a
//! leading zero (`010`, which YAML 1.1 read as octal 8) is a string, not a guess.
//!
//! Refused with the line and column: what a cluster spec never needs and a reader
//! would have to guess at: tags (`!`), directives (`%`), block scalars (`|`, `>`),
//! complex and collection keys (`?`), values that continue on the next line, tabs that
//! indent, and a second document. A full YAML parser costs the browser build several
//! times what this reader does; the differential tests hold it to one (serde-saphyr) on
//! every document it accepts.

use super::limits::{MAX_NESTING, MAX_YAML_ALIAS_EVENTS, MAX_YAML_ALIASES, MAX_YAML_EVENTS};
use super::tree::Tree;

/// Why a text was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not YAML: the message names the line and column.
    Syntax(String),
    /// YAML, but a part a spec never needs and this reader does not read.
    Unsupported(String),
    /// Past one of the reading limits.
    Limit(String),
}

type Read<T> = Result<T, Refusal>;

/// Reads the one document of `text`.
pub(crate) fn read(text: &str) -> Read<Tree> {
    let mut reader = Reader {
        text,
        pos: 0,
        depth: 0,
        nodes: 0,
        aliases: 0,
        replayed: 0,
        anchors: Vec::new(),
    };
    reader.document()
}

/// What starts the next line that holds anything but blanks and comments.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Content at byte `pos`, indented `indent` columns.
    Content {
        pos: usize,
        indent: usize,
    },
    /// A document marker (`---` or `...`) at byte `pos`.
    Marker {
        pos: usize,
    },
    End,
}

struct Reader<'t> {
    text: &'t str,
    pos: usize,
    depth: usize,
    nodes: usize,
    aliases: usize,
    replayed: usize,
    /// Anchors defined so far, with the tree and node count each stands for; a later
    /// definition of a name wins.
    anchors: Vec<(&'t str, Tree, usize)>,
}

/// Ends a plain scalar in flow context, and may not start one.
fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

impl<'t> Reader<'t> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn peek(&self) -> Option<u8> {
        self.byte(self.pos)
    }

    /// Whether the byte at `at` is a space, a tab, a line break or the end of the text.
    fn blank_or_end(&self, at: usize) -> bool {
        self.byte(at).is_none_or(|b| is_blank(b) || is_break(b))
    }

    /// "line L column C", both from 1, of byte `at`.
    fn place(&self, at: usize) -> String {
        // Line breaks as `next_line` takes them: `\r\n`, `\n` or a lone `\r`.
        let before = &self.text.as_bytes()[..at];
        let line = 1 + before
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || b == b'\r' && before.get(i + 1) != Some(&b'\n'))
            .count();
        format!("line {line} column {}", 1 + self.column(at))
    }

    fn syntax<T>(&self, at: usize, what: &str) -> Read<T> {
        Err(Refusal::Syntax(format!("{}: {what}", self.place(at))))
    }

    fn unsupported<T>(&self, at: usize, what: &str) -> Read<T> {
        Err(Refusal::Unsupported(format!("{}: {what}", self.place(at))))
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(is_blank) {
            self.pos += 1;
        }
    }

    /// At the end of the line's content: its end, the text's end, or a comment.
    fn at_line_end(&self) -> bool {
        match self.peek() {
            None => true,
            Some(b) if is_break(b) => true,
            Some(b'#') => {
                self.pos == 0
                    || self
                        .byte(self.pos - 1)
                        .is_some_and(|b| is_blank(b) || is_break(b))
            }
            _ => false,
        }
    }

    /// After a value: nothing but blanks and a comment may follow on its line.
    fn expect_line_end(&mut self, what: &str) -> Read<()> {
        self.skip_blanks();
        if self.at_line_end() {
            Ok(())
        } else {
            self.syntax(self.pos, what)
        }
    }

    /// The next line with content after the current one, whose rest holds only blanks and
    /// a comment (callers check). Does not move.
    fn next_line(&self) -> Read<Next> {
        match self.after_line(self.pos) {
            Some(start) => self.line_from(start),
            None => Ok(Next::End),
        }
    }

    /// Where the line after the one holding byte `at` starts, past its break (`\r\n`, `\n`
    /// or `\r`); `None` when the text ends first.
    fn after_line(&self, mut at: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        while at < bytes.len() && !is_break(bytes[at]) {
            at += 1;
        }
        if at == bytes.len() {
            return None;
        }
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            at += 1;
        }
        Some(at + 1)
    }

    /// The first line with content from `start`, the start of a line. Does not move.
    fn line_from(&self, mut start: usize) -> Read<Next> {
        let bytes = self.text.as_bytes();
        loop {
            let mut at = start;
            while at < bytes.len() && bytes[at] == b' ' {
                at += 1;
            }
            let indent = at - start;
            let mut content = at;
            while content < bytes.len() && is_blank(bytes[content]) {
                content += 1;
            }
            match bytes.get(content) {
                None => return Ok(Next::End),
                // A blank or comment line: on to the next one.
                Some(b'#') | Some(b'\n' | b'\r') => match self.after_line(content) {
                    Some(next) => start = next,
                    None => return Ok(Next::End),
                },
                Some(_) if content > at => {
                    return self.syntax(at, "a tab indents this line; YAML indents with spaces");
                }
                Some(_) => {
                    let rest = &self.text[at..];
                    let marker = indent == 0
                        && (rest.starts_with("---") || rest.starts_with("..."))
                        && self.blank_or_end(at + 3);
                    return Ok(if marker {
                        Next::Marker { pos: at }
                    } else {
                        Next::Content { pos: at, indent }
                    });
                }
            }
        }
    }

    fn document(&mut self) -> Read<Tree> {
        if self.text.starts_with('\u{feff}') {
            self.pos = '\u{feff}'.len_utf8();
        }
        let mut next = self.line_from(self.pos)?;
        if let Next::Marker { pos } = next {
            if self.text[pos..].starts_with("...") {
                return self.syntax(pos, "`...` ends a document that has not begun");
            }
            self.pos = pos + 3;
            self.expect_line_end("put the document's content on the line after `---`")?;
            next = self.next_line()?;
        }
        let tree = match next {
            Next::Content { pos, indent } => {
                self.pos = pos;
                let tree = self.block_node(indent)?;
                match self.next_line()? {
                    Next::Content { pos, .. } => {
                        return self.syntax(pos, "text after the end of the document's content");
                    }
                    other => next = other,
                }
                tree
            }
            _ => Tree::Null,
        };
        if let Next::Marker { pos } = next {
            if self.text[pos..].starts_with("---") {
                return self.unsupported(pos, "a second document (`---`): a spec is one document");
            }
            self.pos = pos + 3;
            self.expect_line_end("text after `...`")?;
            if let Next::Content { pos, .. } | Next::Marker { pos } = self.next_line()? {
                return self.unsupported(pos, "more after `...`: a spec is one document");
            }
        }
        Ok(tree)
    }

    /// One more node: refused past the node limit.
    fn count_node(&mut self) -> Read<()> {
        self.nodes += 1;
        if self.nodes > MAX_YAML_EVENTS {
            return Err(Refusal::Limit(format!(
                "more than {MAX_YAML_EVENTS} values"
            )));
        }
        Ok(())
    }

    /// Enters a list or mapping: refused past the nesting limit.
    fn enter(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(Refusal::Limit(format!(
                "{}: lists and mappings nested more than {MAX_NESTING} deep",
                self.place(self.pos)
            )));
        }
        self.count_node()
    }

    /// A node whose first character, at column `indent`, starts a line.
    fn block_node(&mut self, indent: usize) -> Read<Tree> {
        self.block_value(indent as isize - 1, true)
    }

    /// The value after `key:` (`collection_here` false) or after `- ` or at a line's start
    /// (true: a list or mapping may begin on this line), in a block collection whose
    /// entries sit at column `parent`.
    fn block_value(&mut self, parent: isize, collection_here: bool) -> Read<Tree> {
        let start = self.pos;
        self.skip_blanks();
        let anchor = self.anchor_property()?;
        // A list or mapping begun on this line is indented by the spaces before it.
        let tabbed = self.text[start..self.pos].contains('\t');
        let tree = if self.at_line_end() {
            match self.next_line()? {
                Next::Content { pos, indent } if indent as isize > parent => {
                    if anchor.is_some() && self.byte(pos) == Some(b'&') {
                        return self.syntax(pos, "a second anchor on one value");
                    }
                    self.pos = pos;
                    self.block_value(indent as isize - 1, true)?
                }
                // A list under a key may start at the key's own column.
                Next::Content { pos, indent }
                    if indent as isize == parent && !collection_here && self.starts_entry(pos) =>
                {
                    self.pos = pos;
                    self.block_seq(indent)?
                }
                _ => {
                    self.count_node()?;
                    Tree::Null
                }
            }
        } else {
            let column = self.column(self.pos);
            let entry = self.starts_entry(self.pos);
            if entry || self.starts_key()? {
                let what = if entry { "list" } else { "mapping" };
                if !collection_here {
                    return self.syntax(
                        self.pos,
                        &format!("a {what} cannot start on the line of its key: put it on the next line, indented"),
                    );
                }
                if tabbed {
                    return self.syntax(
                        self.pos,
                        &format!("a tab before a {what} on this line: indent it with spaces"),
                    );
                }
                if anchor.is_some() {
                    return self.unsupported(
                        self.pos,
                        &format!("an anchor before a {what} on its line: put the anchor on the line before it"),
                    );
                }
                if entry {
                    self.block_seq(column)?
                } else {
                    self.block_map(column)?
                }
            } else {
                let tree = self.inline_node(parent)?;
                self.skip_blanks();
                if self.peek() == Some(b':') && matches!(tree, Tree::Seq(_) | Tree::Map(_)) {
                    return self
                        .unsupported(self.pos, "a list or mapping as a key: keys are plain names");
                }
                self.expect_line_end("text after a value on its line")?;
                tree
            }
        };
        if let Some(name) = anchor {
            self.define(name, &tree);
        }
        Ok(tree)
    }

    /// Column (from 0) of byte `at`, counted in characters.
    fn column(&self, at: usize) -> usize {
        let start = self.text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        self.text[start..at].chars().count()
    }

    /// `- ` (or `-` at the line's end) at `at`: a block list entry.
    fn starts_entry(&self, at: usize) -> bool {
        self.byte(at) == Some(b'-') && self.blank_or_end(at + 1)
    }

    /// Whether a key and `:` start here: a scalar followed by `: ` or `:` at the line's end.
    fn starts_key(&mut self) -> Read<bool> {
        let start = self.pos;
        let found = match self.peek() {
            Some(b'"' | b'\'') => {
                self.quoted()?;
                self.skip_blanks();
                self.peek() == Some(b':') && self.blank_or_end(self.pos + 1)
            }
            Some(b'?') if self.blank_or_end(self.pos + 1) => {
                return self.unsupported(self.pos, "a complex key (`?`): keys are plain names");
            }
            Some(b'[' | b'{' | b'*' | b'&' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`') => false,
            _ => self.plain_key_end().is_some(),
        };
        self.pos = start;
        Ok(found)
    }

    /// Where the `:` after a plain key on this line is, if there is one.
    fn plain_key_end(&self) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut at = self.pos;
        while at < bytes.len() && !is_break(bytes[at]) {
            match bytes[at] {
                b':' if self.blank_or_end(at + 1) => return Some(at),
                b'#' if at > self.pos && is_blank(bytes[at - 1]) => return None,
                _ => at += 1,
            }
        }
        None
    }

    /// A block list whose first `-` is at the current position, column `indent`.
    fn block_seq(&mut self, indent: usize) -> Read<Tree> {
        self.enter()?;
        let mut items = Vec::new();
        loop {
            self.pos += 1; // the `-`
            items.push(self.block_value(indent as isize, true)?);
            // A line at this column that is no entry belongs to the mapping around the list.
            match self.next_at(indent)? {
                Some(pos) if self.starts_entry(pos) => self.pos = pos,
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(Tree::Seq(items))
    }

    /// A block mapping whose first key is at the current position, column `indent`.
    fn block_map(&mut self, indent: usize) -> Read<Tree> {
        self.enter()?;
        let mut entries = Vec::new();
        loop {
            let key = self.block_key()?;
            entries.push((key, self.block_value(indent as isize, false)?));
            match self.next_at(indent)? {
                Some(pos) if self.starts_entry(pos) => {
                    return self.syntax(pos, "a list entry among the keys of a mapping");
                }
                Some(pos) => self.pos = pos,
                None => break,
            }
        }
        self.depth -= 1;
        Ok(Tree::Map(entries))
    }

    /// Where the next line of a block collection at column `indent` starts, after one of
    /// its entries; `None` when the collection ends there (a line further left, a marker
    /// or the end). A line further right is refused: the entry's value would go on there.
    fn next_at(&self, indent: usize) -> Read<Option<usize>> {
        match self.next_line()? {
            Next::Content { pos, indent: i } if i == indent => Ok(Some(pos)),
            Next::Content { pos, indent: i } if i > indent => self.syntax(
                pos,
                "unexpected indentation: a value cannot go on to the next line",
            ),
            _ => Ok(None),
        }
    }

    /// A key and its `:`, in a block mapping.
    fn block_key(&mut self) -> Read<String> {
        let start = self.pos;
        let key = match self.peek() {
            Some(b'"' | b'\'') => self.quoted()?,
            Some(b'?') if self.blank_or_end(self.pos + 1) => {
                return self.unsupported(start, "a complex key (`?`): keys are plain names");
            }
            Some(b'[' | b'{') => {
                return self.unsupported(start, "a list or mapping as a key: keys are plain names");
            }
            Some(b'&' | b'*' | b'!') => {
                return self.unsupported(
                    start,
                    "an anchor, alias or tag on a key: keys are plain names",
                );
            }
            _ => match self.plain_key_end() {
                Some(colon) => {
                    let key = self.text[start..colon].trim_end_matches([' ', '\t']);
                    self.check_plain_start(start)?;
                    self.pos = colon;
                    key.to_owned()
                }
                None => return self.syntax(start, "expected a key followed by `: `"),
            },
        };
        self.skip_blanks();
        if self.peek() == Some(b':') && self.blank_or_end(self.pos + 1) {
            self.pos += 1;
            self.count_node()?;
            Ok(key)
        } else {
            self.syntax(self.pos, "expected `: ` after the key")
        }
    }

    /// A node contained in the current line (a flow collection may run on): an alias, a
    /// flow list or mapping, a quoted or a plain scalar.
    fn inline_node(&mut self, parent: isize) -> Read<Tree> {
        let at = self.pos;
        match self.peek() {
            Some(b'*') => self.alias(),
            Some(b'[' | b'{') => self.flow_node(parent),
            Some(b'"' | b'\'') => {
                let s = self.quoted()?;
                self.count_node()?;
                Ok(Tree::Str(s))
            }
            Some(b'|' | b'>') => self.unsupported(
                at,
                "a block scalar (`|` or `>`): a spec has no multi-line values; quote the value on one line",
            ),
            _ => {
                self.check_plain_start(at)?;
                let bytes = self.text.as_bytes();
                let mut end = self.pos;
                while end < bytes.len() && !is_break(bytes[end]) {
                    if bytes[end] == b'#' && is_blank(bytes[end - 1]) {
                        break;
                    }
                    if bytes[end] == b':' && self.blank_or_end(end + 1) {
                        return self.syntax(end, "a `: ` inside a value: quote the value");
                    }
                    end += 1;
                }
                let text = self.text[at..end].trim_end_matches([' ', '\t']);
                self.pos = at + text.len();
                self.count_node()?;
                Ok(resolve(text))
            }
        }
    }

    /// Refuses what may not start a plain scalar: YAML's indicators, unless `-`, `?` or
    /// `:` is followed by more of the scalar.
    fn check_plain_start(&self, at: usize) -> Read<()> {
        match self.byte(at) {
            Some(b'!') => self.unsupported(at, "a tag (`!`): a spec's values need none"),
            Some(b'%') => self.unsupported(at, "a directive (`%`): a spec needs none"),
            Some(b'@' | b'`') => {
                self.syntax(at, "`@` and `` ` `` are reserved in YAML: quote the value")
            }
            Some(b'#' | b'|' | b'>' | b'*') => self.syntax(
                at,
                "a key or value that starts with `#`, `|`, `>` or `*`: quote it",
            ),
            Some(b'&') => self.unsupported(at, "an anchor here: anchors go before a value"),
            Some(b'-' | b'?' | b':') if self.blank_or_end(at + 1) => self.syntax(
                at,
                "an indicator (`-`, `?` or `:`) alone where a value was expected",
            ),
            Some(b) if is_flow_indicator(b) && !matches!(b, b'[' | b'{') => {
                self.syntax(at, "a `,` `]` or `}` where a value was expected")
            }
            _ => Ok(()),
        }
    }

    /// An anchor property (`&name`) here, if there is one; the blanks after it skipped.
    fn anchor_property(&mut self) -> Read<Option<&'t str>> {
        if self.peek() != Some(b'&') {
            return Ok(None);
        }
        let name = self.name()?;
        self.skip_blanks();
        Ok(Some(name))
    }

    /// The name after `&` or `*` at the current position.
    fn name(&mut self) -> Read<&'t str> {
        let at = self.pos;
        self.pos += 1;
        while self
            .peek()
            .is_some_and(|b| !is_blank(b) && !is_break(b) && !is_flow_indicator(b))
        {
            self.pos += 1;
        }
        if self.pos == at + 1 {
            return self.syntax(at, "an anchor or alias without a name");
        }
        Ok(&self.text[at + 1..self.pos])
    }

    fn define(&mut self, name: &'t str, tree: &Tree) {
        let size = size(tree);
        self.anchors.push((name, tree.clone(), size));
    }

    /// `*name`: a copy of what the anchor `name` stands for, within the alias limits.
    fn alias(&mut self) -> Read<Tree> {
        let at = self.pos;
        let name = self.name()?;
        let Some((_, tree, size)) = self.anchors.iter().rev().find(|(n, ..)| *n == name) else {
            return self.syntax(
                at,
                &format!("the alias `*{name}` names no anchor defined before it"),
            );
        };
        self.aliases += 1;
        self.replayed += size;
        if self.aliases > MAX_YAML_ALIASES {
            return Err(Refusal::Limit(format!(
                "more than {MAX_YAML_ALIASES} aliases"
            )));
        }
        if self.replayed > MAX_YAML_ALIAS_EVENTS {
            return Err(Refusal::Limit(format!(
                "aliases that repeat more than {MAX_YAML_ALIAS_EVENTS} values"
            )));
        }
        let tree = tree.clone();
        self.nodes += size;
        self.count_node()?;
        Ok(tree)
    }

    /// A 'single-' or "double-quoted" scalar on one line; the position moves past it.
    fn quoted(&mut self) -> Read<String> {
        let at = self.pos;
        let quote = self.text.as_bytes()[at];
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(i) = rest.find([quote as char, '\\', '\n', '\r']) else {
                return self.syntax(at, "a quoted string that never ends");
            };
            out.push_str(&rest[..i]);
            self.pos += i;
            match self.text.as_bytes()[self.pos] {
                b'\n' | b'\r' => {
                    return self.unsupported(
                        at,
                        "a quoted string that goes on to the next line: end it on the line it starts",
                    );
                }
                b'\'' if quote == b'\'' => {
                    self.pos += 1;
                    if self.peek() == Some(b'\'') {
                        out.push('\'');
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                b'"' => {
                    self.pos += 1;
                    break;
                }
                // A backslash: literal in single quotes, an escape in double quotes.
                _ if quote == b'\'' => {
                    out.push('\\');
                    self.pos += 1;
                }
                _ => out.push(self.escape()?),
            }
        }
        Ok(out)
    }

    /// The escape sequence at the current position (a backslash), in a double-quoted
    /// scalar.
    fn escape(&mut self) -> Read<char> {
        let at = self.pos;
        let Some(letter) = self.text[at + 1..].chars().next() else {
            return self.syntax(at, "a quoted string that never ends");
        };
        self.pos += 1 + letter.len_utf8();
        let simple = match letter {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            't' | '\t' => '\t',
            'n' => '\n',
            'v' => '\u{b}',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            ' ' => ' ',
            '"' => '"',
            '/' => '/',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' | 'u' | 'U' => {
                let digits = match letter {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex = self.text.get(self.pos..self.pos + digits).unwrap_or("");
                let code = (hex.len() == digits && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                    .then(|| u32::from_str_radix(hex, 16).ok())
                    .flatten();
                let Some(c) = code.and_then(char::from_u32) else {
                    return self.syntax(
                        at,
                        &format!("`\\{letter}` needs {digits} hex digits of a character"),
                    );
                };
                self.pos += digits;
                c
            }
            '\n' | '\r' => {
                return self.unsupported(
                    at,
                    "a quoted string that goes on to the next line: end it on the line it starts",
                );
            }
            other => {
                return self.syntax(
                    at,
                    &format!("an unknown escape `\\{other}` in a double-quoted string"),
                );
            }
        };
        Ok(simple)
    }

    /// Skips blanks, line breaks and comments inside a flow collection. Its lines must be
    /// indented past `parent`, the column of the block collection around it.
    fn skip_flow_space(&mut self, parent: isize) -> Read<()> {
        loop {
            self.skip_blanks();
            if !self.at_line_end() {
                return Ok(());
            }
            match self.next_line()? {
                Next::Content { pos, indent } if indent as isize > parent => self.pos = pos,
                Next::Content { pos, .. } | Next::Marker { pos } => {
                    return self.syntax(pos, "a `[` or `{` not closed before this line");
                }
                Next::End => return self.syntax(self.text.len(), "a `[` or `{` never closed"),
            }
        }
    }

    /// A node in a flow collection, or a flow collection in block context.
    fn flow_node(&mut self, parent: isize) -> Read<Tree> {
        let anchor = self.anchor_property()?;
        let at = self.pos;
        let tree = match self.peek() {
            Some(b'[') => self.flow_seq(parent)?,
            Some(b'{') => self.flow_map(parent)?,
            Some(b'"' | b'\'') => {
                let s = self.quoted()?;
                self.count_node()?;
                Tree::Str(s)
            }
            Some(b'*') => self.alias()?,
            Some(b'|' | b'>') => {
                return self.unsupported(at, "a block scalar (`|` or `>`) inside `[` or `{`");
            }
            _ => {
                let text = self.flow_plain()?;
                self.count_node()?;
                resolve(text)
            }
        };
        if let Some(name) = anchor {
            self.define(name, &tree);
        }
        Ok(tree)
    }

    /// A `[list]` at the current position.
    fn flow_seq(&mut self, parent: isize) -> Read<Tree> {
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_flow_space(parent)?;
            if self.peek() == Some(b']') {
                break;
            }
            items.push(self.flow_node(parent)?);
            self.skip_flow_space(parent)?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => break,
                Some(b':') => {
                    return self.unsupported(
                        self.pos,
                        "a `key: value` pair directly in a `[` list: write it as `{key: value}`",
                    );
                }
                _ => return self.syntax(self.pos, "expected `,` or `]` in a list"),
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(Tree::Seq(items))
    }

    /// A `{mapping}` at the current position.
    fn flow_map(&mut self, parent: isize) -> Read<Tree> {
        self.enter()?;
        self.pos += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_flow_space(parent)?;
            if self.peek() == Some(b'}') {
                break;
            }
            let quoted = matches!(self.peek(), Some(b'"' | b'\''));
            let key = match self.peek() {
                _ if quoted => self.quoted()?,
                Some(b'[' | b'{' | b'?' | b'&' | b'*' | b'!') => {
                    return self.unsupported(self.pos, "a key that is not a plain name");
                }
                _ => self.flow_plain()?.to_owned(),
            };
            self.count_node()?;
            self.skip_flow_space(parent)?;
            let value = if self.peek() == Some(b':') {
                // After a plain key, `:` needs a blank (or the entry's end) after it.
                let next = self.byte(self.pos + 1);
                if !(quoted || self.blank_or_end(self.pos + 1) || matches!(next, Some(b',' | b'}')))
                {
                    return self.syntax(self.pos, "a `:` after a key needs a space after it");
                }
                self.pos += 1;
                self.skip_flow_space(parent)?;
                if matches!(self.peek(), Some(b',' | b'}')) {
                    self.count_node()?;
                    Tree::Null
                } else {
                    self.flow_node(parent)?
                }
            } else {
                self.count_node()?;
                Tree::Null
            };
            entries.push((key, value));
            self.skip_flow_space(parent)?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => break,
                _ => return self.syntax(self.pos, "expected `,` or `}` in a mapping"),
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(Tree::Map(entries))
    }

    /// The text of a plain scalar in a flow collection: it ends at `,` `[` `]` `{` `}`, at
    /// a `:` before a blank or one of those, at a comment or at the line's end.
    fn flow_plain(&mut self) -> Read<&'t str> {
        let at = self.pos;
        self.check_plain_start(at)?;
        if matches!(self.peek(), Some(b'-' | b'?' | b':'))
            && self.byte(at + 1).is_some_and(is_flow_indicator)
        {
            return self.syntax(
                at,
                "an indicator (`-`, `?` or `:`) alone where a value was expected",
            );
        }
        let bytes = self.text.as_bytes();
        let mut end = at;
        while end < bytes.len() && !is_break(bytes[end]) && !is_flow_indicator(bytes[end]) {
            if bytes[end] == b'#' && end > at && is_blank(bytes[end - 1]) {
                break;
            }
            if bytes[end] == b':'
                && (self.blank_or_end(end + 1) || self.byte(end + 1).is_some_and(is_flow_indicator))
            {
                break;
            }
            end += 1;
        }
        let text = self.text[at..end].trim_end_matches([' ', '\t']);
        if text.is_empty() {
            return self.syntax(at, "an empty entry where a value was expected");
        }
        self.pos = at + text.len();
        Ok(text)
    }
}

/// Nodes in a tree, for the alias limit.
fn size(tree: &Tree) -> usize {
    1 + match tree {
        Tree::Seq(items) => items.iter().map(size).sum(),
        Tree::Map(entries) => entries.iter().map(|(_, v)| 1 + size(v)).sum(),
        _ => 0,
    }
}

/// A plain scalar by the YAML 1.2 core schema, except that a decimal with a leading zero
/// stays a string.
fn resolve(text: &str) -> Tree {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Tree::Null,
        "true" | "True" | "TRUE" => return Tree::Bool(true),
        "false" | "False" | "FALSE" => return Tree::Bool(false),
        _ => {}
    }
    let (negative, digits) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let float = |x: f64| Tree::Float(if negative { -x } else { x });
    let radix = |prefix: &str, radix: u32| {
        let body = text.strip_prefix(prefix)?;
        (!body.is_empty() && body.chars().all(|c| c.is_digit(radix)))
            .then(|| i128::from_str_radix(body, radix).ok())
            .flatten()
    };
    if let Some(n) = radix("0x", 16).or_else(|| radix("0o", 8)) {
        return Tree::Int(n);
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if digits.len() > 1 && digits.starts_with('0') {
            return Tree::Str(text.to_owned());
        }
        return match digits.parse::<i128>() {
            Ok(n) => Tree::Int(if negative { -n } else { n }),
            // Past i128: a float, as in JSON.
            Err(_) => float(json_float(digits)),
        };
    }
    match digits {
        ".inf" | ".Inf" | ".INF" => return float(f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" if digits.len() == text.len() => return Tree::Float(f64::NAN),
        _ => {}
    }
    if is_float(digits) {
        return float(json_float(digits));
    }
    Tree::Str(text.to_owned())
}

/// The value of an unsigned core-schema float, read by serde_json (whose float reader the
/// JSON path carries anyway) after spelling it as JSON does: `.5` as `0.5`, `1.` as `1.0`.
/// Past f64's range it is infinite, as YAML has it.
fn json_float(digits: &str) -> f64 {
    let (mantissa, exponent) = digits.split_at(digits.find(['e', 'E']).unwrap_or(digits.len()));
    let mut json = String::with_capacity(digits.len() + 2);
    if mantissa.starts_with('.') {
        json.push('0');
    }
    json.push_str(mantissa);
    if mantissa.ends_with('.') {
        json.push('0');
    }
    json.push_str(exponent);
    // Read as a document tree, the JSON path's own reader: a typed `f64` read would bring
    // serde's error formatting for floats along.
    match serde_json::from_str(&json) {
        Ok(Tree::Float(x)) => x,
        Ok(Tree::Int(i)) => i as f64,
        _ => f64::INFINITY,
    }
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the core schema's float without its sign.
fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        None => !whole.is_empty() && digits(whole),
        Some(f) => digits(whole) && digits(f) && !(whole.is_empty() && f.is_empty()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok && (fraction.is_some() || exponent.is_some())
}

#[cfg(test)]
mod tests {
    use super::super::tree::Tree::{self, *};
    use super::{Refusal, read};
    use proptest::prelude::*;

    fn s(text: &str) -> Tree {
        Str(text.to_owned())
    }

    fn map(entries: &[(&str, Tree)]) -> Tree {
        Map(entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect())
    }

    /// What a full YAML parser (serde-saphyr, as the reader used before) makes of `text`,
    /// with keys of any scalar type written as text.
    fn oracle(text: &str) -> Option<Tree> {
        let options = serde_saphyr::options! {
            duplicate_keys: serde_saphyr::DuplicateKeyPolicy::LastWins,
        };
        serde_saphyr::from_str_with_options::<AnyKeys>(text, options)
            .ok()
            .map(|t| t.0)
    }

    /// A tree read by serde with keys of any scalar type.
    struct AnyKeys(Tree);

    impl<'de> serde::Deserialize<'de> for AnyKeys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(AnyKeysVisitor)
        }
    }

    struct AnyKeysVisitor;

    impl<'de> serde::de::Visitor<'de> for AnyKeysVisitor {
        type Value = AnyKeys;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a YAML value")
        }
        fn visit_unit<E>(self) -> Result<AnyKeys, E> {
            Ok(AnyKeys(Null))
        }
        fn visit_none<E>(self) -> Result<AnyKeys, E> {
            Ok(AnyKeys(Null))
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<AnyKeys, D::Error> {
            serde::Deserialize::deserialize(d)
        }
        fn visit_bool<E>(self, v: bool) -> Result<AnyKeys, E> {
            Ok(AnyKeys(Bool(v)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<AnyKeys, E> {
            Ok(AnyKeys(Int(v.into())))
        }
        fn visit_u64<E>(self, v: u64) -> Result<AnyKeys, E> {
            Ok(AnyKeys(Int(v.into())))
        }
        fn visit_i128<E>(self, v: i128) -> Result<AnyKeys, E> {
            Ok(AnyKeys(Int(v)))
        }
        fn visit_f64<E>(self, v: f64) -> Result<AnyKeys, E> {
            Ok(AnyKeys(Float(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<AnyKeys, E> {
            Ok(AnyKeys(s(v)))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<AnyKeys, A::Error> {
            let mut items = Vec::new();
            while let Some(AnyKeys(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(AnyKeys(Seq(items)))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<AnyKeys, A::Error> {
            let mut entries = Vec::new();
            while let Some((AnyKeys(key), AnyKeys(value))) = map.next_entry()? {
                let key = match key {
                    Str(k) => k,
                    Int(i) => i.to_string(),
                    Bool(b) => b.to_string(),
                    Float(x) => x.to_string(),
                    Null => "null".to_owned(),
                    Seq(_) | Map(_) => {
                        return Err(serde::de::Error::custom("a collection as a key"));
                    }
                };
                entries.push((key, value));
            }
            Ok(AnyKeys(Map(entries)))
        }
    }

    #[test]
    fn reads_what_specs_are_written_in() {
        let text = "# a spec\nname: idc\nonPrem:\n  nodeCidrs: [192.168.0.0/24, '10.0.0.0/8']\n  nodes: 120  # today\n  edgeRouters:\n    - { ip: 192.168.0.1, asNumber: 65001 }\n    - ip: 192.168.0.2\n      asNumber: 0x10\n  empty:\n  list:\n  - a\n  -\n  - - x\n    - z\n\ncloud: {zones: [], ok: true, none: ~, f: 1.5, t: \"a\\tb\", q: 'it''s'}\n";
        let expected = map(&[
            ("name", s("idc")),
            (
                "onPrem",
                map(&[
                    ("nodeCidrs", Seq(vec![s("192.168.0.0/24"), s("10.0.0.0/8")])),
                    ("nodes", Int(120)),
                    (
                        "edgeRouters",
                        Seq(vec![
                            map(&[("ip", s("192.168.0.1")), ("asNumber", Int(65001))]),
                            map(&[("ip", s("192.168.0.2")), ("asNumber", Int(16))]),
                        ]),
                    ),
                    ("empty", Null),
                    ("list", Seq(vec![s("a"), Null, Seq(vec![s("x"), s("z")])])),
                ]),
            ),
            (
                "cloud",
                map(&[
                    ("zones", Seq(vec![])),
                    ("ok", Bool(true)),
                    ("none", Null),
                    ("f", Float(1.5)),
                    ("t", s("a\tb")),
                    ("q", s("it's")),
                ]),
            ),
        ]);
        assert_eq!(read(text), Ok(expected.clone()));
        assert_eq!(oracle(text), Some(expected));
    }

    #[test]
    fn documents_markers_line_breaks_and_the_byte_order_mark() {
        let one = map(&[("a", Int(1))]);
        for text in [
            "a: 1",
            "---\na: 1\n",
            "--- # start\na: 1\n...\n",
            "\u{feff}a: 1\n",
            "a: 1\r\n",
            "\r\n\r\n  a: 1\r\n",
            "a: 1\n\n# end\n",
            "a:   1   # c\n",
            "a : 1\n",
        ] {
            assert_eq!(read(text), Ok(one.clone()), "{text:?}");
        }
        assert_eq!(read(""), Ok(Null));
        assert_eq!(read("# only a comment\n"), Ok(Null));
        assert_eq!(read("---\n"), Ok(Null));
        assert_eq!(read("just text"), Ok(s("just text")));
        assert_eq!(read("- 1\n- 2"), Ok(Seq(vec![Int(1), Int(2)])));
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let cases: &[(&str, Tree)] = &[
            ("null", Null),
            ("Null", Null),
            ("~", Null),
            ("true", Bool(true)),
            ("FALSE", Bool(false)),
            ("0", Int(0)),
            ("-12", Int(-12)),
            ("+7", Int(7)),
            ("0x1F", Int(31)),
            ("0o17", Int(15)),
            ("1.5", Float(1.5)),
            ("-.5", Float(-0.5)),
            ("1e3", Float(1000.0)),
            ("1.", Float(1.0)),
            (".inf", Float(f64::INFINITY)),
            ("-.Inf", Float(f64::NEG_INFINITY)),
            ("170141183460469231731687303715884105727", Int(i128::MAX)),
            // YAML 1.1's words and octal are strings here, as in YAML 1.2.
            ("yes", s("yes")),
            ("no", s("no")),
            ("on", s("on")),
            ("y", s("y")),
            ("tRue", s("tRue")),
            ("010", s("010")),
            ("0X1F", s("0X1F")),
            ("1_000", s("1_000")),
            ("10.0.0.0/8", s("10.0.0.0/8")),
            ("2001:db8::/32", s("2001:db8::/32")),
            ("a:b", s("a:b")),
            ("-a", s("-a")),
            ("a # b", s("a")),
            ("a#b", s("a#b")),
            ("a, b", s("a, b")),
            ("1.2.3", s("1.2.3")),
            ("e3", s("e3")),
            ("inf", s("inf")),
        ];
        for (text, want) in cases {
            assert_eq!(
                read(&format!("v: {text}\n")),
                Ok(map(&[("v", want.clone())])),
                "{text}"
            );
        }
        let Ok(Map(m)) = read("v: .nan") else {
            panic!()
        };
        assert!(matches!(m[0].1, Float(x) if x.is_nan()));
    }

    #[test]
    fn keys_are_kept_as_written_and_duplicates_kept_for_the_decoder() {
        assert_eq!(
            read("1: a\nnull: b\n'x y': c\n\"q\\\"\": d\nk y: e\na: 1\na: 2\n"),
            Ok(map(&[
                ("1", s("a")),
                ("null", s("b")),
                ("x y", s("c")),
                ("q\"", s("d")),
                ("k y", s("e")),
                ("a", Int(1)),
                ("a", Int(2)),
            ]))
        );
        assert_eq!(
            read("{a: 1, b, 'c': }"),
            Ok(map(&[("a", Int(1)), ("b", Null), ("c", Null)]))
        );
    }

    #[test]
    fn escapes_in_double_quotes() {
        assert_eq!(
            read(r#"v: "\0\a\b\t\n\v\f\r\e\ \"\/\\\N\_\L\P\x41\u00e9\U0001F600""#),
            Ok(map(&[(
                "v",
                s("\0\u{7}\u{8}\t\n\u{b}\u{c}\r\u{1b} \"/\\\u{85}\u{a0}\u{2028}\u{2029}Aé😀")
            )]))
        );
        assert_eq!(read(r"v: 'a\nb'"), Ok(map(&[("v", s(r"a\nb"))])));
    }

    #[test]
    fn anchors_and_aliases_copy_what_they_name() {
        let text = "base: &b {ip: 10.0.0.1, as: 1}\nlist: &l\n  - x\nuse: *b\nagain: [*l, *b]\n";
        let b = map(&[("ip", s("10.0.0.1")), ("as", Int(1))]);
        let l = Seq(vec![s("x")]);
        let want = map(&[
            ("base", b.clone()),
            ("list", l.clone()),
            ("use", b.clone()),
            ("again", Seq(vec![l, b])),
        ]);
        assert_eq!(read(text), Ok(want.clone()));
        assert_eq!(oracle(text), Some(want));
    }

    fn refusal(text: &str) -> Refusal {
        read(text).expect_err(text)
    }

    #[test]
    fn refuses_broken_yaml_with_its_place() {
        let cases = [
            ("a: [", "line 1 column 5"),
            ("a: 'x", "line 1 column 4"),
            ("a: 1\n b: 2\n", "line 2 column 2"),
            ("a: 1\n- b\n", "line 2 column 1"),
            ("a: b: c\n", "line 1 column 4"),
            ("a:\n\tb: 1\n", "line 2 column 1"),
            ("a: [1, 2\nb: 3\n", "line 2 column 1"),
            ("a: *nothing\n", "line 1 column 4"),
            ("a: \"\\q\"\n", "line 1 column 5"),
            ("a: @x\n", "line 1 column 4"),
            ("a: {b: 1, c d: [}\n", "line 1 column 17"),
            ("- a\nb: 1\n", "line 2 column 1"),
        ];
        refused_as(
            &cases,
            |r| match r {
                Refusal::Syntax(m) => Some(m),
                _ => None,
            },
            |m, place| m.starts_with(place),
        );
    }

    /// Each `(text, expected)` is refused with a message `message` picks out of the refusal
    /// (none: another kind of refusal), for which `holds(message, expected)`.
    fn refused_as(
        cases: &[(&str, &str)],
        message: fn(&Refusal) -> Option<&String>,
        holds: fn(&str, &str) -> bool,
    ) {
        for (text, expected) in cases {
            let r = refusal(text);
            match message(&r) {
                Some(m) => assert!(holds(m, expected), "{text:?}: {m}"),
                None => panic!("{text:?}: {r:?}"),
            }
        }
    }

    #[test]
    fn refuses_what_specs_never_need_by_name() {
        let cases = [
            ("a: !!str x\n", "tag"),
            ("%YAML 1.2\n---\na: 1\n", "directive"),
            ("a: |\n  x\n", "block scalar"),
            ("a: >\n  x\n", "block scalar"),
            ("? a\n: 1\n", "complex key"),
            ("[a]: 1\n", "as a key"),
            ("a: 1\n---\nb: 2\n", "second document"),
            ("a: 'x\n  y'\n", "next line"),
            ("a: [x: 1]\n", "pair"),
            ("&x a: 1\n", "anchor"),
        ];
        refused_as(
            &cases,
            |r| match r {
                Refusal::Unsupported(m) => Some(m),
                _ => None,
            },
            |m, what| m.contains(what),
        );
    }

    #[test]
    fn limits_hold_while_reading() {
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(refusal(&deep), Refusal::Limit(m) if m.contains("nested")));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            bomb.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                vec![format!("*a{}", i - 1); 9].join(", ")
            ));
        }
        assert!(matches!(refusal(&bomb), Refusal::Limit(m) if m.contains("aliases")));
        let many_aliases = format!("a: &a x\nb: [{}]\n", vec!["*a"; 101].join(", "));
        assert!(matches!(refusal(&many_aliases), Refusal::Limit(m) if m.contains("100 aliases")));
    }

    // --- Differential: random documents, written in random YAML styles, read by this
    // reader and by serde-saphyr, must both give the tree they were written from.

    /// Strings both readers take for a string when written plain.
    fn plain_safe(s: &str) -> bool {
        let words = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && !s.ends_with(' ')
            && !s.contains("  ")
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '/' | '_' | '-'))
            && !words.iter().any(|w| w.eq_ignore_ascii_case(s))
            && super::resolve(s) == Str(s.to_owned())
    }

    fn leaf() -> impl Strategy<Value = Tree> {
        prop_oneof![
            Just(Null),
            any::<bool>().prop_map(Bool),
            any::<i64>().prop_map(|i| Int(i.into())),
            prop::sample::select(vec![
                "x",
                "vsw-node-h",
                "10.0.0.0/8",
                "2001:db8::/32",
                "a b",
                "it's",
                "say \"hi\"",
                "a: b",
                "#x",
                "x #y",
                "- a",
                "[a]",
                "{a}",
                "yes",
                "No",
                "010",
                "1.5",
                "~",
                "",
                " lead",
                "trail ",
                "tab\there",
                "line\nbreak",
                "é ü",
                "back\\slash",
                "*a",
                "&a",
                "!t",
                "%d",
                "@x",
                "a,b",
                "?",
                ":",
                "-",
                "---",
                "...",
                "null",
                "true",
            ])
            .prop_map(|s| Str(s.to_owned())),
        ]
    }

    fn tree() -> impl Strategy<Value = Tree> {
        let keys = prop::sample::select(vec![
            "name", "onPrem", "k y", "a: b", "1", "#", "-", "x'y", "quote\"", "é", "", "true",
        ]);
        leaf().prop_recursive(4, 40, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Seq),
                prop::collection::vec((keys.clone(), inner), 0..4).prop_map(|entries| {
                    let mut seen = std::collections::BTreeSet::new();
                    Map(entries
                        .into_iter()
                        .filter(|(k, _)| seen.insert(*k))
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect())
                }),
            ]
        })
    }

    /// A writer of YAML in styles chosen by `choice` bits: plain or quoted scalars, block
    /// or flow collections, compact or indented lists, comments and blank lines.
    struct Writer {
        choice: u64,
        out: String,
    }

    impl Writer {
        fn pick(&mut self) -> bool {
            self.choice = self.choice.rotate_left(7) ^ 0x9e37_79b9_7f4a_7c15;
            self.choice.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 63 == 1
        }

        fn scalar(&mut self, t: &Tree) -> String {
            match t {
                Null => if self.pick() { "null" } else { "~" }.to_owned(),
                Bool(b) => b.to_string(),
                Int(i) => i.to_string(),
                Float(x) => format!("{x:?}"),
                Str(s) if plain_safe(s) && self.pick() => s.clone(),
                Str(s) if !s.chars().any(char::is_control) && self.pick() => {
                    format!("'{}'", s.replace('\'', "''"))
                }
                Str(s) => serde_json::to_string(s).unwrap(),
                Seq(_) | Map(_) => self.flow(t),
            }
        }

        fn flow(&mut self, t: &Tree) -> String {
            match t {
                Seq(items) => {
                    let items: Vec<String> = items.iter().map(|i| self.flow(i)).collect();
                    format!("[{}]", items.join(", "))
                }
                Map(entries) => {
                    let entries: Vec<String> = entries
                        .iter()
                        .map(|(k, v)| format!("{}: {}", self.key(k), self.flow(v)))
                        .collect();
                    format!("{{{}}}", entries.join(", "))
                }
                scalar => self.scalar(scalar),
            }
        }

        fn key(&mut self, k: &str) -> String {
            self.scalar(&Str(k.to_owned()))
        }

        fn line_end(&mut self) {
            if self.pick() && self.pick() {
                self.out.push_str("  # note");
            }
            self.out.push('\n');
            if self.pick() && self.pick() {
                let gap = if self.pick() { "\n" } else { "# between\n" };
                self.out.push_str(gap);
            }
        }

        fn is_block(t: &Tree) -> bool {
            matches!(t, Seq(v) if !v.is_empty()) || matches!(t, Map(m) if !m.is_empty())
        }

        /// A collection in block style whose first line's indentation is already written.
        fn block(&mut self, t: &Tree, indent: usize) {
            match t {
                Map(entries) => {
                    for (i, (k, v)) in entries.iter().enumerate() {
                        if i > 0 {
                            self.out.push_str(&" ".repeat(indent));
                        }
                        let key = self.key(k);
                        self.out.push_str(&key);
                        self.out.push(':');
                        self.value(v, indent, false);
                    }
                }
                Seq(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.out.push_str(&" ".repeat(indent));
                        }
                        self.out.push('-');
                        self.value(item, indent, true);
                    }
                }
                scalar => {
                    let text = self.scalar(scalar);
                    self.out.push_str(&text);
                    self.line_end();
                }
            }
        }

        /// The value after `key:` or `-`.
        fn value(&mut self, v: &Tree, indent: usize, in_list: bool) {
            if !Self::is_block(v) || self.pick() && self.pick() {
                let text = self.scalar(v);
                self.out.push(' ');
                self.out.push_str(&text);
                self.line_end();
            } else if in_list && self.pick() {
                // Compact: `- key: value` or `- - item` on the entry's line.
                self.out.push(' ');
                self.block(v, indent + 2);
            } else {
                let step = if self.pick() { 2 } else { 4 };
                // A list under a key may sit at the key's column.
                let inner = if !in_list && matches!(v, Seq(_)) && self.pick() {
                    indent
                } else {
                    indent + step
                };
                self.line_end();
                self.out.push_str(&" ".repeat(inner));
                self.block(v, inner);
            }
        }
    }

    fn write(t: &Tree, choice: u64) -> String {
        let mut w = Writer {
            choice,
            out: String::new(),
        };
        if Writer::is_block(t) && w.pick() {
            w.block(t, 0);
        } else {
            let text = w.scalar(t);
            w.out.push_str(&text);
            w.out.push('\n');
        }
        w.out
    }

    /// Equal, with floats compared as numbers (NaN equal to NaN).
    fn same(a: &Tree, b: &Tree) -> bool {
        match (a, b) {
            (Float(x), Float(y)) => x == y || x.is_nan() && y.is_nan(),
            (Seq(x), Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
            (Map(x), Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((ka, a), (kb, b))| ka == kb && same(a, b))
            }
            _ => a == b,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_document_reads_back_as_written_and_as_a_full_parser_reads_it(t in tree(), choice in any::<u64>()) {
            let text = write(&t, choice);
            let ours = read(&text);
            prop_assert!(matches!(&ours, Ok(o) if same(o, &t)), "ours: {:?}\n{}", ours, text);
            let theirs = oracle(&text);
            prop_assert!(theirs.as_ref().is_some_and(|o| same(o, &t)), "saphyr: {:?}\n{}", theirs, text);
        }

        #[test]
        fn what_this_reader_accepts_a_full_parser_reads_alike(
            t in tree(),
            choice in any::<u64>(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(EDITS.to_vec())), 1..6),
            reference in any::<bool>(),
        ) {
            let mut text = if reference { crate::REFERENCE_SPEC.to_owned() } else { write(&t, choice) };
            for (at, insert) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                // Replace one character (or insert at the end).
                let end = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
                text.replace_range(i..end, insert);
            }
            if let Ok(ours) = read(&text) {
                let theirs = oracle(&text);
                prop_assert!(
                    theirs.as_ref().is_some_and(|o| agree(&ours, o)),
                    "ours and saphyr differ on {:?}", text
                );
            }
        }
    }

    /// What the mutation test puts in place of one character.
    const EDITS: &[&str] = &[
        "", " ", "\n", "- ", ": ", ":", "-", "?", "#", "'", "\"", "[", "]", "{", "}", ",", "&a ",
        "*a", "  ", "\t", "\\", "|", ">", "!", "%", "---\n", "...\n", "\r", "\r\n", "0", "~",
        "\n  ", "\n- ", "x: ", "@",
    ];

    #[test]
    fn the_reference_spec_reads_as_a_full_parser_reads_it() {
        let ours = read(crate::REFERENCE_SPEC).unwrap();
        assert!(same(&ours, &oracle(crate::REFERENCE_SPEC).unwrap()));
    }

    /// Plain scalars YAML 1.1 (serde-saphyr) reads as booleans or numbers and YAML 1.2
    /// (this reader) as strings, or keys it rewrites (`~` as `null`, `0x1F` as `31`).
    fn schema_differs(s: &str) -> bool {
        let words = [
            "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
        ];
        words.iter().any(|w| w.eq_ignore_ascii_case(s))
            || s.trim_start_matches(['-', '+']).starts_with(['0', '.'])
            || s.contains('_')
            || super::resolve(s) != Str(s.to_owned())
    }

    /// Alike, allowing for the scalars the two schemas read differently: this reader's YAML
    /// 1.2 strings against serde-saphyr's YAML 1.1 booleans and numbers, floats it refuses.
    fn agree(ours: &Tree, theirs: &Tree) -> bool {
        match (ours, theirs) {
            (Seq(x), Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| agree(a, b)),
            (Map(x), Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((ka, a), (kb, b))| (ka == kb || schema_differs(ka)) && agree(a, b))
            }
            (Str(s), Bool(_) | Int(_) | Float(_) | Null) => schema_differs(s),
            (Int(a), Float(b)) => *a as f64 == *b,
            _ => same(ours, theirs),
        }
    }
}
