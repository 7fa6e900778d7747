#!/usr/bin/env python3
"""Every door gives the same answer: each conformance vector through the CLI (the Rust
core), Node (the WebAssembly package) and Python (the pyo3 package), compared as
canonical JSON (sorted keys, no spaces). A readable spec must give the same whole plan; an
unreadable one the same diagnostics (text that is not JSON or YAML at all: exit 2 from the
CLI, `spec-syntax` from both bindings, identical between them).

usage: doors.py HYBRIDPLAN_BINARY PYTHON_WITH_HYBRIDPLAN
"""

import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = sorted((ROOT / "tests" / "vectors").glob("*.json"))

NODE = r"""
const { readFileSync } = require("node:fs");
const { plan } = require(process.argv[1]);
const out = {};
for (const path of process.argv.slice(2)) {
  const v = JSON.parse(readFileSync(path, "utf8"));
  const spec = v.specHex ? new Uint8Array(Buffer.from(v.specHex, "hex")) : v.spec;
  try { out[path] = plan(spec); } catch (e) { out[path] = { diagnostics: e.diagnostics ?? [] }; }
}
process.stdout.write(JSON.stringify(out));
"""

PYTHON = r"""
import json, sys
import hybridplan
out = {}
for path in sys.argv[1:]:
    v = json.load(open(path))
    spec = bytes.fromhex(v["specHex"]) if "specHex" in v else v["spec"]
    try:
        out[path] = hybridplan.plan(spec)
    except hybridplan.SpecError as e:
        out[path] = {"diagnostics": e.diagnostics}
print(json.dumps(out))
"""


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def main() -> int:
    binary, python = sys.argv[1:3]
    paths = [str(p) for p in VECTORS]
    cli = {}
    with tempfile.TemporaryDirectory() as tmp:
        for p in VECTORS:
            v = json.loads(p.read_text())
            f = pathlib.Path(tmp) / p.name
            if "specHex" in v:
                f.write_bytes(bytes.fromhex(v["specHex"]))
            else:
                f.write_text(v["spec"] if isinstance(v["spec"], str) else json.dumps(v["spec"]))
            run = subprocess.run([binary, "plan", str(f), "--format", "json"], capture_output=True, text=True)
            # Exit 2 (text that is not JSON or YAML) prints a message, not JSON (SPEC.md §6).
            cli[str(p)] = json.loads(run.stdout) if run.returncode != 2 else "exit 2"
    node = json.loads(subprocess.run(["node", "-e", NODE, str(ROOT / "npm/dist/index.cjs"), *paths],
                                     capture_output=True, text=True, check=True).stdout)
    py = json.loads(subprocess.run([python, "-c", PYTHON, *paths], capture_output=True, text=True, check=True).stdout)
    differ = []
    for path in paths:
        answers = {"node": canonical(node[path]), "python": canonical(py[path])}
        if cli[path] == "exit 2":
            codes = {d["code"] for d in node[path]["diagnostics"]}
            if codes != {"spec-syntax"}:
                differ.append(f"{pathlib.Path(path).stem}: the CLI exits 2, the bindings say {sorted(codes)}")
        else:
            answers["cli"] = canonical(cli[path])
        if len(set(answers.values())) != 1:
            differ.append(f"{pathlib.Path(path).stem}: " + ", ".join(f"{k} {len(v)} bytes" for k, v in answers.items()))
    for d in differ:
        print("differs:", d)
    print(f"doors: {len(paths) - len(differ)} of {len(paths)} vectors give byte-identical canonical JSON "
          "through the CLI, Node (WebAssembly) and Python")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
