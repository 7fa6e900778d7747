#!/usr/bin/env python3
"""Writes the Python types of the spec, the plan, a trace, an import and a diff
(`bindings-python/python/hybridplan/types.py`) from the TypeScript declarations that ts-rs
generates from the Rust types, so the three languages describe one set of types.

    python3 scripts/python_types.py            # regenerate
    python3 scripts/python_types.py --check    # fail when the committed file is stale

Objects become `TypedDict`s (keys that TypeScript marks optional are `NotRequired`-style:
declared in a `total=False` base), unions of strings become `Literal`s, `T | null`
becomes `Optional[T]`. The functional `TypedDict` syntax is used throughout, since some
keys (`from`) are Python keywords. Everything works at run time on Python 3.10.
"""

import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "bindings-python/python/hybridplan/types.py"
# The roots whose closure is exported; the order of the module follows the dependencies.
ROOTS = ["HybridClusterSpec", "Plan", "Trace", "Diagnostic", "Imported", "Drift", "TerraformFile"]


def generate_typescript(out_dir):
    env = {**os.environ, "HYBRIDPLAN_TS_OUT": out_dir}
    subprocess.run(
        ["cargo", "test", "--locked", "-q", "-p", "hybridplan", "--features", "typescript",
         "--test", "typescript"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


# ---- a reader for the subset of TypeScript that ts-rs writes -------------------------

TOKEN = re.compile(r'\s*(?:(?P<doc>/\*\*.*?\*/)|(?P<str>"[^"]*")|(?P<name>[A-Za-z_][A-Za-z0-9_]*)'
                   r'|(?P<punct>[{}<>\[\]|,:;?=]))', re.DOTALL)


def tokens(text):
    pos, out = 0, []
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            if text[pos:].strip() == "":
                break
            raise ValueError(f"cannot read TypeScript at {text[pos:pos + 40]!r}")
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


class Reader:
    def __init__(self, text):
        self.toks = tokens(text)
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise ValueError(f"expected {value!r}, found {tok[1]!r}")
        self.i += 1
        return tok

    def doc(self):
        docs = []
        while self.peek()[0] == "doc":
            docs.append(clean_doc(self.take()[1]))
        return " ".join(docs) or None

    def type_(self):
        """A union of primaries: ("union", [types]) or a single primary."""
        items = [self.primary()]
        while self.peek()[1] == "|":
            self.take("|")
            items.append(self.primary())
        return items[0] if len(items) == 1 else ("union", items)

    def primary(self):
        kind, value = self.peek()
        if kind == "str":
            self.take()
            return ("literal", value[1:-1])
        if value == "{":
            return self.object_()
        if value == "[":
            self.take("[")
            items = [self.type_()]
            while self.peek()[1] == ",":
                self.take(",")
                items.append(self.type_())
            self.take("]")
            return ("tuple", items)
        if kind == "name":
            self.take()
            if value == "Array":
                self.take("<")
                item = self.type_()
                self.take(">")
                return ("list", item)
            return ("name", value)
        raise ValueError(f"unexpected {value!r}")

    def object_(self):
        self.take("{")
        fields = []
        while True:
            doc = self.doc()
            if self.peek()[1] == "}":
                break
            if self.peek()[1] == "[":
                # { [key in string]?: T }
                self.take("[")
                self.take()
                self.take("in")
                self.take()
                self.take("]")
                if self.peek()[1] == "?":
                    self.take("?")
                self.take(":")
                value = self.type_()
                if self.peek()[1] in (",", ";"):
                    self.take()
                self.take("}")
                return ("map", value)
            name = self.take()[1]
            optional = self.peek()[1] == "?"
            if optional:
                self.take("?")
            self.take(":")
            fields.append((name, optional, self.type_(), doc))
            if self.peek()[1] in (",", ";"):
                self.take()
        self.take("}")
        return ("object", fields)


def clean_doc(comment):
    body = comment[3:-2]
    lines = [re.sub(r"^\s*\* ?", "", line).rstrip() for line in body.splitlines()]
    return " ".join(line for line in lines if line).strip()


def read_declarations(folder):
    """{name: (doc, type)} for every `export type Name = ...;` in the folder."""
    decls = {}
    for path in sorted(pathlib.Path(folder).glob("*.ts")):
        text = "\n".join(line for line in path.read_text().splitlines()
                         if not line.startswith(("//", "import ")))
        if "`" in re.sub(r"/\*\*.*?\*/", "", text, flags=re.DOTALL):
            # A template literal type (Device's `dc-edge-${number}`): a str in Python.
            name = re.search(r"export type (\w+)", text).group(1)
            doc = re.search(r"/\*\*.*?\*/", text, re.DOTALL)
            decls[name] = (clean_doc(doc.group(0)) if doc else None, ("name", "string"))
            continue
        r = Reader(text)
        doc = r.doc()
        r.take("export")
        r.take("type")
        name = r.take()[1]
        r.take("=")
        decls[name] = (doc, r.type_())
        r.take(";")
    return decls


# ---- Python ------------------------------------------------------------------------

SCALARS = {"string": "str", "number": "int", "boolean": "bool", "unknown": "Any"}


def python(t, names):
    kind = t[0]
    if kind == "name":
        if t[1] in SCALARS:
            return SCALARS[t[1]]
        if t[1] == "null":
            return "None"
        names.add(t[1])
        return t[1]
    if kind == "literal":
        return f'Literal["{t[1]}"]'
    if kind == "list":
        return f"list[{python(t[1], names)}]"
    if kind == "map":
        return f"dict[str, {python(t[1], names)}]"
    if kind == "tuple":
        return f"tuple[{', '.join(python(x, names) for x in t[1])}]"
    if kind == "union":
        items = t[1]
        nullable = any(x == ("name", "null") for x in items)
        rest = [x for x in items if x != ("name", "null")]
        if all(x[0] == "literal" for x in rest):
            inner = "Literal[" + ", ".join(f'"{x[1]}"' for x in rest) + "]"
        elif len(rest) == 1:
            inner = python(rest[0], names)
        else:
            inner = "Union[" + ", ".join(python(x, names) for x in rest) + "]"
        return f"Optional[{inner}]" if nullable else inner
    if kind == "object":
        raise ValueError("nested object types are not expected from ts-rs")
    raise ValueError(kind)


def dependencies(t):
    found = set()
    if t[0] == "object":
        for _, _, ft, _ in t[1]:
            python(ft, found)
    else:
        python(t, found)
    return found


def order(decls):
    """The declarations reachable from ROOTS, each after what it uses."""
    done, out = set(), []

    def visit(name):
        if name in done:
            return
        done.add(name)
        for dep in sorted(dependencies(decls[name][1])):
            visit(dep)
        out.append(name)

    for root in ROOTS:
        visit(root)
    return out


def wrap(text, indent):
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(indent) + len(line) + 1 + len(w) > 88:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        lines.append(line)
    return [indent + "# " + l for l in lines]


def render(decls):
    out = [
        '"""Types of the spec, the plan and a trace, generated from the Rust types',
        "(`python3 scripts/python_types.py`; do not edit). `plan()` returns a `Plan`,",
        '`trace()` a `Trace`; a spec may be written as a `HybridClusterSpec`."""',
        "",
        "IMPORTS",
    ]
    exported = []
    for name in order(decls):
        doc, t = decls[name]
        exported.append(name)
        out.extend(["", ""])
        if doc:
            out.extend(wrap(doc, ""))
        if t[0] != "object":
            out.append(f"{name} = {python(t, set())}")
            continue
        required = [f for f in t[1] if not f[1]]
        optional = [f for f in t[1] if f[1]]

        def body(fields):
            lines = []
            for fname, _, ftype, fdoc in fields:
                if fdoc:
                    lines.extend(wrap(fdoc, "    "))
                lines.append(f'    "{fname}": {python(ftype, set())},')
            return lines

        if optional and required:
            # Required keys in the functional form (some are keywords), the optional ones
            # in a class that extends it with total=False.
            out.append(f'_{name}Required = TypedDict("_{name}Required", {{')
            out.extend(body(required))
            out.append("})")
            out.append("")
            out.append("")
            out.append(f"class {name}(_{name}Required, total=False):")
            out.extend(class_body(optional))
        else:
            out.append(f'{name} = TypedDict("{name}", {{')
            out.extend(body(required or optional))
            out.append("})" if required else "}, total=False)")
    out.extend(["", ""])
    out.append("__all__ = [")
    out.extend(f'    "{n}",' for n in sorted(exported))
    out.append("]")
    text = "\n".join(out) + "\n"
    used = [n for n in ("Any", "Literal", "Optional", "TypedDict", "Union") if re.search(rf"\b{n}\b", text)]
    return text.replace("IMPORTS", f"from typing import {', '.join(used)}", 1)


def class_body(fields):
    """A class body for optional keys (only valid identifiers ever land here)."""
    lines = []
    for fname, _, ftype, fdoc in fields:
        if not fname.isidentifier() or fname in ("from", "class", "def", "in", "is", "not"):
            raise ValueError(f"optional key {fname!r} is not an identifier")
        if fdoc:
            lines.extend(wrap(fdoc, "    "))
        lines.append(f"    {fname}: {python(ftype, set())}")
    return lines


def main():
    check = "--check" in sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        generate_typescript(tmp)
        text = render(read_declarations(tmp))
    if check:
        if not OUT.exists() or OUT.read_text() != text:
            sys.exit(f"{OUT.relative_to(ROOT)} is stale: run python3 scripts/python_types.py")
        print(f"{OUT.relative_to(ROOT)} matches the Rust types")
        return
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
