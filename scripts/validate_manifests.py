#!/usr/bin/env python3
"""Plans every clean scenario of tests/vectors with the CLI, for each way its CNI can be
installed and for the oldest and the newest release the plan supports, writes the manifests
with `--out`, and judges them with the offline validator against that release's schemas:
Calico objects with `--calico-version X.Y.Z` (per-patch field checks), Cilium objects with
`--cilium-version X.Y`, Cilium Helm values with `--helm-values` against that minor's chart
and the agent's start-up rules, and tigera-operator `Installation` patches (and the
`installation` values of its chart, which the chart renders as the Installation's spec)
against that operator release's CRD (tests/fixtures/schemas). Fails unless every mode, a
dual-stack spec and every (CNI, install, release) profile were judged.

usage: validate_manifests.py HYBRIDPLAN_BINARY VALIDATOR_PYTHON VALIDATOR_SCRIPT
"""

import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODES = {"calico-route-reflector", "calico-ipip", "flannel-vxlan", "cilium-vxlan", "cilium-bgp"}

# (CNI, install, release, the tigera-operator release that release pins): the oldest and
# newest supported release of each CNI (core/src/installed/versions.rs), every install the
# plan can change.
PROFILES = [
    ("calico", "manifest", "3.28.2", None),
    ("calico", "manifest", "3.32.1", None),
    ("calico", "operator", "3.28.2", "v1.34.5"),
    ("calico", "operator", "3.32.1", "v1.42.3"),
    ("calico", "helm", "3.28.2", "v1.34.5"),
    ("calico", "helm", "3.32.1", "v1.42.3"),
    ("cilium", "helm", "1.16.19", None),
    ("cilium", "helm", "1.19.6", None),
    ("flannel", "manifest", "0.26.7", None),
    ("flannel", "manifest", "0.28.9", None),
    ("flannel", "helm", "0.26.7", None),
    ("flannel", "helm", "0.28.9", None),
]


def schemas_for(tmp, validator, operator):
    """A schema folder: the validator's, plus the Installation CRD of `operator`."""
    folder = pathlib.Path(tmp) / f"schemas-{operator or 'none'}"
    if folder.exists():
        return folder
    folder.mkdir()
    shipped = pathlib.Path(validator).resolve().parent / "schemas"
    for entry in shipped.iterdir():
        os.symlink(entry, folder / entry.name)
    if operator:
        name = f"operator.tigera.io_v1_installation-{operator}.json"
        (folder / "operator.tigera.io_v1_installation.json").write_text(
            (ROOT / "tests" / "fixtures" / "schemas" / name).read_text())
    return folder


def installation_from_values(values_file, out):
    """The Installation the tigera-operator chart renders from `installation:` values (its
    template writes them as the spec)."""
    lines = values_file.read_text().splitlines()
    header = [line for line in lines if line.startswith("#")]
    body = [line for line in lines if not line.startswith("#") and line != "---"]
    assert body[0] == "installation:", values_file
    out.write_text("\n".join(header + ["# validate-manifests: partial", "---", "apiVersion: operator.tigera.io/v1",
                                       "kind: Installation", "metadata:", "  name: default", "spec:", *body[1:]]) + "\n")


def main() -> int:
    binary, python, validator = sys.argv[1:4]
    judged_modes, dual, judged_profiles, counts = set(), False, set(), {"files": 0, "values": 0}
    with tempfile.TemporaryDirectory() as tmp:
        batches = {}  # (validator flags) -> files
        helm_values = {}  # cilium minor -> values files
        vectors = sorted((ROOT / "tests" / "vectors").glob("scenario-*.json"))
        # The clusters that exist with pools to change or migrate: judged as they say.
        stated = sorted(p for pattern in ("cni-*.json", "code-pool-migration*.json")
                        for p in (ROOT / "tests" / "vectors").glob(pattern))
        for path in vectors + stated:
            vector = json.loads(path.read_text())
            if vector["expect"]["exit"] != 0 or not isinstance(vector["spec"], dict):
                continue
            mode = vector["expect"]["mode"]
            cni = {"calico-route-reflector": "calico", "calico-ipip": "calico", "flannel-vxlan": "flannel",
                   "cilium-vxlan": "cilium", "cilium-bgp": "cilium"}[mode]
            given = vector["spec"]["onPrem"].get("cni")
            profiles = PROFILES
            if given:
                version = given.get("version", "")
                install = given.get("install", "manifest")
                # The operator release of that Calico line: 3.28 pins v1.34, later lines
                # schemas the v1.42 CRD holds (a superset of v1.36-v1.40's fields).
                operator = None if install == "manifest" or cni != "calico" else (
                    "v1.34.5" if version.startswith("3.28") else "v1.42.3")
                profiles = [(cni, install, version, operator)] if version else []
            for plugin, install, version, operator in profiles:
                if plugin != cni:
                    continue
                spec = json.loads(json.dumps(vector["spec"]))
                spec["onPrem"]["cni"] = dict(given or {}, plugin=plugin, install=install, version=version)
                tag = f"{path.stem}-{install}-{version}"
                spec_file = pathlib.Path(tmp) / f"{tag}.json"
                spec_file.write_text(json.dumps(spec))
                out = pathlib.Path(tmp) / tag
                run = subprocess.run([binary, "plan", str(spec_file), "--out", str(out), "--format", "json"],
                                     capture_output=True, text=True)
                if run.returncode != 0:
                    print(f"{tag}: hybridplan exited {run.returncode}\n{run.stdout[-2000:]}{run.stderr}")
                    return 1
                plan = json.loads(run.stdout)
                judged_modes.add(plan["mode"]["selected"])
                if not given:
                    judged_profiles.add((plugin, install, version))
                dual = dual or spec.get("ipFamily") == "dual"
                flags = [f"--{plugin}-version", version if plugin == "calico" else ".".join(version.split(".")[:2])] \
                    if plugin != "flannel" else []
                key = (tuple(flags), operator)
                for f in sorted(out.glob("*.yaml")):
                    if not f.name.endswith("-values.yaml"):
                        batches.setdefault(key, []).append(str(f))
                    elif plugin == "cilium":
                        helm_values.setdefault(flags[1], []).append(str(f))
                    elif plugin == "calico":
                        wrapped = f.with_name(f.stem + "-installation.yaml")
                        installation_from_values(f, wrapped)
                        batches.setdefault(key, []).append(str(wrapped))
                    # The Flannel chart ships no schema to judge its values against.
        deletions = 0
        for (flags, operator), files in sorted(batches.items(), key=lambda b: (b[0][0], b[0][1] or "")):
            schemas = schemas_for(tmp, validator, operator)
            result = subprocess.run([python, validator, "--schemas-dir", str(schemas), *flags, *files],
                                    capture_output=True, text=True)
            for line in (result.stdout + result.stderr).splitlines():
                # In a merge patch (and in Helm values) `null` deletes the key (RFC 7386): the
                # validator, judging the patch as a partial object, reports it as dropped.
                if "null value for a non-nullable field" in line and (
                        ".patch.yaml" in line or "-installation.yaml" in line):
                    deletions += 1
                else:
                    print(line)
            if result.returncode != 0:
                return result.returncode
            counts["files"] += len(files)
        print(f"({deletions} null values of merge patches, which delete keys, not listed)")
        for minor, values in sorted(helm_values.items()):
            args = [a for v in values for a in ("--helm-values", v)]
            result = subprocess.run([python, validator, "--cilium-version", minor, *args])
            if result.returncode != 0:
                return result.returncode
            counts["values"] += len(values)
    missing = MODES - judged_modes
    profiles = {(p, i, v) for p, i, v, _ in PROFILES} - judged_profiles
    if missing or not dual or profiles:
        print(f"not judged: modes {sorted(missing)}, profiles {sorted(profiles)}{'' if dual else ', dual stack'}")
        return 1
    print(f"{counts['files']} manifest files and {counts['values']} Cilium values files judged valid; modes "
          f"{sorted(judged_modes)}, dual stack included; {len(judged_profiles)} (CNI, install, release) "
          f"profiles: {', '.join('/'.join(p) for p in sorted(judged_profiles))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
