#!/usr/bin/env python3
"""Every door gives the same answer: each conformance vector through the CLI (the Rust
core), Node (the WebAssembly package) and Python (the pyo3 package), compared as
canonical JSON (sorted keys, no spaces). A readable spec must give the same whole plan and the same Terraform; an
unreadable one the same diagnostics (text that is not JSON or YAML at all: exit 2 from the
CLI, `spec-syntax` from both bindings, identical between them). A vector of the cluster
that exists must give the same imported spec (JSON and commented YAML) and the same diff
of its plan with the cluster; kubectl output that does not read, the same error codes.

usage: doors.py HYBRIDPLAN_BINARY PYTHON_WITH_HYBRIDPLAN
"""

import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = sorted((ROOT / "tests" / "vectors").glob("*.json"))
TERRAFORM_FILES = ["versions.tf", "variables.tf", "main.tf", "cloud_services.tf", "security_groups.tf", "outputs.tf"]

NODE = r"""
const { readFileSync } = require("node:fs");
const { plan, importCluster, diff, renderTerraform } = require(process.argv[1]);
const fixtures = process.argv[2];
const out = {};
for (const path of process.argv.slice(3)) {
  const v = JSON.parse(readFileSync(path, "utf8"));
  if (v.live !== undefined || v.liveText !== undefined) {
    const live = v.liveText ?? readFileSync(`${fixtures}/${v.live}.json`, "utf8");
    try {
      const imported = importCluster(live, { into: v.base });
      out[path] = { spec: imported.spec, yaml: imported.yaml, drift: diff(imported.spec, live) };
    } catch (e) { out[path] = { error: (e.diagnostics ?? []).map((d) => d.code) }; }
    continue;
  }
  const spec = v.specHex ? new Uint8Array(Buffer.from(v.specHex, "hex")) : v.spec;
  try { out[path] = { plan: plan(spec), terraform: renderTerraform(spec) }; }
  catch (e) { out[path] = { diagnostics: e.diagnostics ?? [] }; }
}
process.stdout.write(JSON.stringify(out));
"""

PYTHON = r"""
import json, sys
import hybridplan
out = {}
fixtures = sys.argv[1]
for path in sys.argv[2:]:
    v = json.load(open(path))
    if "live" in v or "liveText" in v:
        live = v.get("liveText") or open(f"{fixtures}/{v['live']}.json").read()
        try:
            imported = hybridplan.import_cluster(live, into=v.get("base"))
            out[path] = {"spec": imported["spec"], "yaml": imported["yaml"],
                         "drift": hybridplan.diff(imported["spec"], live)}
        except hybridplan.SpecError as e:
            out[path] = {"error": [d["code"] for d in e.diagnostics]}
        continue
    spec = bytes.fromhex(v["specHex"]) if "specHex" in v else v["spec"]
    try:
        out[path] = {"plan": hybridplan.plan(spec), "terraform": hybridplan.render_terraform(spec)}
    except hybridplan.SpecError as e:
        out[path] = {"diagnostics": e.diagnostics}
print(json.dumps(out))
"""


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def cli_live(binary, v, tmp):
    """import (JSON and YAML) into the vector's base, then diff the result, by the CLI."""
    live = tmp / "live.json"
    if "liveText" in v:
        live.write_text(v["liveText"])
    else:
        live.write_text((ROOT / "tests" / "fixtures" / "clusters" / f"{v['live']}.json").read_text())
    base = tmp / "base.json"
    base.write_text(json.dumps(v.get("base", {})))
    runs = {fmt: subprocess.run([binary, "import", str(live), "--into", str(base), "--format", fmt],
                                capture_output=True, text=True) for fmt in ("json", "yaml")}
    if runs["json"].returncode != 0:
        # The error's codes are on standard error, one diagnostic per block.
        codes = sorted({w for w in runs["json"].stderr.split() if w == "live-unreadable" or w == "spec-invalid"})
        return {"error": codes}
    spec = tmp / "imported.json"
    spec.write_text(runs["json"].stdout)
    drift = subprocess.run([binary, "diff", str(spec), str(live), "--format", "json"], capture_output=True, text=True)
    return {"spec": json.loads(runs["json"].stdout), "yaml": runs["yaml"].stdout, "drift": json.loads(drift.stdout)}


def main() -> int:
    binary, python = sys.argv[1:3]
    paths = [str(p) for p in VECTORS]
    cli = {}
    with tempfile.TemporaryDirectory() as tmp:
        for p in VECTORS:
            v = json.loads(p.read_text())
            if "live" in v or "liveText" in v:
                cli[str(p)] = cli_live(binary, v, pathlib.Path(tmp))
                continue
            f = pathlib.Path(tmp) / p.name
            if "specHex" in v:
                f.write_bytes(bytes.fromhex(v["specHex"]))
            else:
                f.write_text(v["spec"] if isinstance(v["spec"], str) else json.dumps(v["spec"]))
            run = subprocess.run([binary, "plan", str(f), "--format", "json"], capture_output=True, text=True)
            # Exit 2 (text that is not JSON or YAML) prints a message, not JSON.
            if run.returncode == 2:
                cli[str(p)] = "exit 2"
                continue
            answer = json.loads(run.stdout)
            if "mode" not in answer:  # a spec that does not read: its diagnostics alone
                cli[str(p)] = answer
                continue
            out = pathlib.Path(tmp) / f"{p.stem}-terraform"
            subprocess.run([binary, "render", "terraform", str(f), "--out", str(out)], capture_output=True)
            terraform = [{"name": n, "content": (out / n).read_text()} for n in TERRAFORM_FILES]
            cli[str(p)] = {"plan": answer, "terraform": terraform}
    fixtures = str(ROOT / "tests" / "fixtures" / "clusters")
    node = json.loads(subprocess.run(["node", "-e", NODE, str(ROOT / "npm/dist/index.cjs"), fixtures, *paths],
                                     capture_output=True, text=True, check=True).stdout)
    py = json.loads(subprocess.run([python, "-c", PYTHON, fixtures, *paths], capture_output=True, text=True,
                                   check=True).stdout)
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
