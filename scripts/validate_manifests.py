#!/usr/bin/env python3
"""Plans every clean scenario of tests/vectors with the CLI, writes its manifests with
`--out`, and judges them with the shared offline validator (real Calico, Cilium and
Kubernetes schemas): the Kubernetes objects once, and each Cilium Helm values file with
`--helm-values` against the chart and the agent's start-up rules of every Cilium minor the
validator ships. Fails unless every mode and a dual-stack spec were judged.

usage: validate_manifests.py HYBRIDPLAN_BINARY VALIDATOR_PYTHON VALIDATOR_SCRIPT
"""

import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODES = {"calico-route-reflector", "calico-ipip", "flannel-vxlan", "cilium-vxlan", "cilium-bgp"}
CILIUM_MINORS = ["1.15", "1.16", "1.17", "1.18", "1.19"]


def main() -> int:
    binary, python, validator = sys.argv[1:4]
    judged_modes, dual, files, values = set(), False, [], []
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted((ROOT / "tests" / "vectors").glob("scenario-*.json")):
            vector = json.loads(path.read_text())
            if vector["expect"]["exit"] != 0:
                continue
            spec = vector["spec"]
            spec_file = pathlib.Path(tmp) / f"{path.stem}.spec"
            spec_file.write_text(spec if isinstance(spec, str) else json.dumps(spec))
            out = pathlib.Path(tmp) / path.stem
            run = subprocess.run(
                [binary, "plan", str(spec_file), "--out", str(out), "--format", "json"],
                capture_output=True, text=True,
            )
            if run.returncode != 0:
                print(f"{path.stem}: hybridplan exited {run.returncode}\n{run.stderr}")
                return 1
            plan = json.loads(run.stdout)
            judged_modes.add(plan["mode"]["selected"])
            dual = dual or (isinstance(spec, dict) and spec.get("ipFamily") == "dual")
            # Helm values files are chart input, not Kubernetes objects: judged on their own.
            files += [str(p) for p in sorted(out.glob("*.yaml")) if not p.name.endswith("-values.yaml")]
            values += [str(p) for p in sorted(out.glob("*-values.yaml"))]
        result = subprocess.run([python, validator, *files])
        if result.returncode != 0:
            return result.returncode
        for minor in CILIUM_MINORS:
            args = [a for v in values for a in ("--helm-values", v)]
            result = subprocess.run([python, validator, "--cilium-version", minor, *args])
            if result.returncode != 0:
                return result.returncode
        if not values:
            print("no Cilium values file was judged")
            return 1
    missing = MODES - judged_modes
    if missing or not dual:
        print(f"manifests not judged for: {sorted(missing)}{'' if dual else ' and dual stack'}")
        return 1
    print(f"manifests of {len(files)} files judged valid, modes {sorted(judged_modes)}, dual stack included; "
          f"{len(values)} Cilium values files valid for Cilium {', '.join(CILIUM_MINORS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
