//! A small HCL writer that lays out its text as `terraform fmt` does: two spaces a level,
//! and the `=` of consecutive one-line attributes aligned. As in hclwrite's formatter
//! (github.com/hashicorp/hcl, `hclwrite/format.go`), an alignment run ends at any line
//! without a complete assignment: a blank line, a comment, a block's braces, or an
//! attribute whose value opens over several lines.

use std::fmt::Write;

/// An HCL expression, written out as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Expr(pub String);

impl Expr {
    /// A reference or a literal other than a string: `var.region`, `true`, `110`.
    pub fn raw(text: impl Into<String>) -> Expr {
        Expr(text.into())
    }

    /// A quoted string, with HCL's escapes: `"`, `\`, control characters, and the `${` and
    /// `%{` that would start a template sequence.
    pub fn string(text: &str) -> Expr {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('"');
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '$' | '%' if chars.peek() == Some(&'{') => {
                    out.push(c);
                    out.push(c);
                }
                c if c.is_control() => {
                    let _ = write!(out, "\\u{:04X}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        out.push('"');
        Expr(out)
    }

    /// A one-line list: `["a", "b"]`.
    pub fn list(items: impl IntoIterator<Item = Expr>) -> Expr {
        let items: Vec<String> = items.into_iter().map(|e| e.0).collect();
        Expr(format!("[{}]", items.join(", ")))
    }
}

/// Comments wrap at this column.
const COMMENT_WIDTH: usize = 100;

/// `line` in pieces of at most `width` characters, broken between words; the pieces after
/// the first of a `- ` item are indented under its text.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let hang = if line.starts_with("- ") { "  " } else { "" };
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let prefix = if out.is_empty() { "" } else { hang };
        if !current.is_empty() && prefix.len() + current.len() + 1 + word.len() > width {
            out.push(format!("{prefix}{current}"));
            current.clear();
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    let prefix = if out.is_empty() { "" } else { hang };
    out.push(format!("{prefix}{current}"));
    out
}

enum Item {
    Attribute(String, Expr),
    /// An object or map written one entry a line, the entries aligned among themselves.
    Map(String, Vec<(Expr, Expr)>),
    /// A list written one element a line.
    Lines(String, Vec<Expr>),
    Block(String, Body),
    Comment(Vec<String>),
    Blank,
}

/// The inside of a file or of a block, in order.
#[derive(Default)]
pub(crate) struct Body {
    items: Vec<Item>,
}

impl Body {
    pub fn new() -> Body {
        Body::default()
    }

    pub fn attribute(&mut self, name: &str, value: Expr) -> &mut Body {
        self.items.push(Item::Attribute(name.to_owned(), value));
        self
    }

    pub fn string(&mut self, name: &str, value: &str) -> &mut Body {
        self.attribute(name, Expr::string(value))
    }

    pub fn raw(&mut self, name: &str, value: impl Into<String>) -> &mut Body {
        self.attribute(name, Expr::raw(value))
    }

    pub fn map(&mut self, name: &str, entries: Vec<(Expr, Expr)>) -> &mut Body {
        self.items.push(Item::Map(name.to_owned(), entries));
        self
    }

    pub fn lines(&mut self, name: &str, elements: Vec<Expr>) -> &mut Body {
        self.items.push(Item::Lines(name.to_owned(), elements));
        self
    }

    /// A nested block: `header` is its type and labels as written (`resource "a" "b"`).
    pub fn block(&mut self, header: impl Into<String>, body: Body) -> &mut Body {
        self.items.push(Item::Block(header.into(), body));
        self
    }

    /// Comment lines (`# …`), each given without the `#`.
    pub fn comment<S: AsRef<str>>(&mut self, lines: &[S]) -> &mut Body {
        self.items.push(Item::Comment(
            lines.iter().map(|l| l.as_ref().to_owned()).collect(),
        ));
        self
    }

    pub fn blank(&mut self) -> &mut Body {
        self.items.push(Item::Blank);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The text, indented `level` steps.
    pub fn render(&self, level: usize) -> String {
        let mut out = String::new();
        self.write(&mut out, level);
        out
    }

    fn write(&self, out: &mut String, level: usize) {
        let indent = "  ".repeat(level);
        let mut i = 0;
        while i < self.items.len() {
            // A run of one-line attributes: align their `=`.
            let run = self.items[i..]
                .iter()
                .take_while(|item| matches!(item, Item::Attribute(..)))
                .count();
            if run > 0 {
                let width = self.items[i..i + run]
                    .iter()
                    .map(|item| match item {
                        Item::Attribute(name, _) => name.len(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for item in &self.items[i..i + run] {
                    if let Item::Attribute(name, value) = item {
                        let _ = writeln!(out, "{indent}{name:<width$} = {}", value.0);
                    }
                }
                i += run;
                continue;
            }
            match &self.items[i] {
                Item::Attribute(..) => {}
                Item::Map(name, entries) => {
                    if entries.is_empty() {
                        let _ = writeln!(out, "{indent}{name} = {{}}");
                    } else {
                        let _ = writeln!(out, "{indent}{name} = {{");
                        let width = entries.iter().map(|(k, _)| k.0.len()).max().unwrap_or(0);
                        for (key, value) in entries {
                            let _ = writeln!(out, "{indent}  {:<width$} = {}", key.0, value.0);
                        }
                        let _ = writeln!(out, "{indent}}}");
                    }
                }
                Item::Lines(name, elements) => {
                    let _ = writeln!(out, "{indent}{name} = [");
                    for e in elements {
                        let _ = writeln!(out, "{indent}  {},", e.0);
                    }
                    let _ = writeln!(out, "{indent}]");
                }
                Item::Block(header, body) => {
                    if body.is_empty() {
                        let _ = writeln!(out, "{indent}{header} {{}}");
                    } else {
                        let _ = writeln!(out, "{indent}{header} {{");
                        body.write(out, level + 1);
                        let _ = writeln!(out, "{indent}}}");
                    }
                }
                Item::Comment(lines) => {
                    for line in lines {
                        for piece in wrap(line, COMMENT_WIDTH.saturating_sub(indent.len() + 2)) {
                            if piece.is_empty() {
                                let _ = writeln!(out, "{indent}#");
                            } else {
                                let _ = writeln!(out, "{indent}# {piece}");
                            }
                        }
                    }
                }
                Item::Blank => out.push('\n'),
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_runs_of_attributes_and_breaks_them_where_terraform_fmt_does() {
        let mut inner = Body::new();
        inner
            .raw("zone_id", "each.key")
            .raw("vswitch_id", "each.value");
        let mut body = Body::new();
        body.string("cen_id", "cen-1")
            .raw("auto_publish_route_enabled", "true")
            .comment(&["why"])
            .raw("count", "1")
            .blank()
            .map(
                "tags",
                vec![
                    (Expr::string("a"), Expr::string("1")),
                    (Expr::string("long"), Expr::string("2")),
                ],
            )
            .raw("x", "1")
            .lines("depends_on", vec![Expr::raw("a.b")])
            .block("zone_mappings", inner);
        let mut file = Body::new();
        file.block(r#"resource "t" "n""#, body);
        assert_eq!(
            file.render(0),
            r#"resource "t" "n" {
  cen_id                     = "cen-1"
  auto_publish_route_enabled = true
  # why
  count = 1

  tags = {
    "a"    = "1"
    "long" = "2"
  }
  x = 1
  depends_on = [
    a.b,
  ]
  zone_mappings {
    zone_id    = each.key
    vswitch_id = each.value
  }
}
"#
        );
    }

    #[test]
    fn strings_escape_what_would_start_a_template_or_end_the_string() {
        assert_eq!(
            Expr::string("a \"b\" ${c} %{d} $e \\ \n").0,
            r#""a \"b\" $${c} %%{d} $e \\ \n""#
        );
        assert_eq!(
            Expr::list([Expr::string("a"), Expr::raw("b")]).0,
            r#"["a", b]"#
        );
    }
}
