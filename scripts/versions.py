#!/usr/bin/env python3
"""One version for everything released: the crates, the npm package, the pip package (and
its Ansible collection), and the top entry of CHANGELOG.md.

The workspace's version (Cargo.toml, [workspace.package] version) is the reference; every
other place that states a version must state the same one, or inherit it:

- each crate's Cargo.toml: `version.workspace = true` (or the same version), and the
  version the workspace requires of `hybridplan` (the CLI depends on it by path+version);
- npm/package.json and npm/package-lock.json;
- bindings-python/pyproject.toml: `dynamic = ["version"]` (maturin takes the crate's),
  or the same version;
- bindings-python/ansible_collection/galaxy.yml;
- CHANGELOG.md: the first `## [VERSION]` heading (an `## [Unreleased]` section above it is
  skipped).

Exits 1, naming each place that differs and what it says, when they do not agree:

    python3 scripts/versions.py
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRATES = ["core", "cli", "bindings-wasm", "bindings-python"]

try:
    import tomllib
except ImportError:  # Python < 3.11: the few keys read here, in the simple form they take.
    tomllib = None


def read_toml(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if tomllib is not None:
        return tomllib.loads(text)
    data: dict = {}
    table = data
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if m := re.fullmatch(r"\[([\w.-]+)\]", line):
            table = data
            for part in m[1].split("."):
                table = table.setdefault(part, {})
        elif m := re.fullmatch(r'([\w-]+)\.workspace\s*=\s*true', line):
            table[m[1]] = {"workspace": True}
        elif m := re.fullmatch(r'([\w-]+)\s*=\s*"([^"]*)"', line):
            table[m[1]] = m[2]
        elif m := re.fullmatch(r'([\w-]+)\s*=\s*\{(.*)\}', line):
            table[m[1]] = dict(re.findall(r'([\w-]+)\s*=\s*"([^"]*)"', m[2]))
        elif m := re.fullmatch(r'([\w-]+)\s*=\s*\[(.*)\]', line):
            table[m[1]] = re.findall(r'"([^"]*)"', m[2])
    return data


def main() -> int:
    workspace = read_toml(ROOT / "Cargo.toml")
    version = workspace.get("workspace", {}).get("package", {}).get("version")
    if not version:
        print("error: Cargo.toml has no [workspace.package] version", file=sys.stderr)
        return 1

    # (where, the version it states); None where it inherits the workspace's.
    found: list[tuple[str, str]] = []

    for crate in CRATES:
        package = read_toml(ROOT / crate / "Cargo.toml")["package"]
        stated = package.get("version")
        found.append((f"{crate}/Cargo.toml [package] version",
                      version if stated == {"workspace": True} else str(stated)))
    dependency = workspace["workspace"].get("dependencies", {}).get("hybridplan", {})
    if isinstance(dependency, dict) and "version" in dependency:
        found.append(("Cargo.toml [workspace.dependencies] hybridplan version",
                      dependency["version"].lstrip("=^")))

    package_json = json.loads((ROOT / "npm/package.json").read_text(encoding="utf-8"))
    found.append(("npm/package.json version", package_json.get("version")))
    lock = json.loads((ROOT / "npm/package-lock.json").read_text(encoding="utf-8"))
    found.append(("npm/package-lock.json version", lock.get("version")))
    found.append(('npm/package-lock.json packages[""].version', lock.get("packages", {}).get("", {}).get("version")))

    project = read_toml(ROOT / "bindings-python/pyproject.toml")["project"]
    if "version" in project.get("dynamic", []):
        # maturin reads the version of bindings-python/Cargo.toml, checked above.
        if "version" in project:
            found.append(("bindings-python/pyproject.toml: version is both dynamic and", project["version"]))
    else:
        found.append(("bindings-python/pyproject.toml [project] version", project.get("version")))

    galaxy = ROOT / "bindings-python/ansible_collection/galaxy.yml"
    m = re.search(r"^version:\s*['\"]?([^'\"\s#]+)", galaxy.read_text(encoding="utf-8"), re.M)
    found.append(("bindings-python/ansible_collection/galaxy.yml version", m[1] if m else None))

    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = [h for h in re.findall(r"^## \[([^\]]+)\]", changelog, re.M) if h.lower() != "unreleased"]
    found.append(("CHANGELOG.md top version (## [VERSION])", headings[0] if headings else None))

    wrong = [(where, stated) for where, stated in found if stated != version]
    width = max(len(where) for where, _ in found)
    print(f"{'Cargo.toml [workspace.package] version':<{width}}  {version}")
    for where, stated in found:
        print(f"{where:<{width}}  {stated}{'' if stated == version else '   <-- differs'}")
    if wrong:
        print(f"\nerror: the version is {version} (Cargo.toml [workspace.package]), but "
              + "; ".join(f"{where} says {stated}" for where, stated in wrong)
              + ". Release every package under one version: change these to match.", file=sys.stderr)
        return 1
    print(f"\nOne version everywhere: {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
