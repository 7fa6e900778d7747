#!/usr/bin/env python3
"""What crates.io would receive: every published crate of the workspace carries its
metadata, and `cargo package --list` holds only the files it needs.

Each crate's allowed files are listed below; a file outside them (a test fixture, bench
data, a stray file under src/) fails, and so does a needed file that is missing (a data
file the sources include_str!, the README, a license). Run from anywhere:

    python3 scripts/crate_files.py
"""

import fnmatch
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What cargo itself adds to every package.
CARGO = ["Cargo.toml", "Cargo.toml.orig", "Cargo.lock", ".cargo_vcs_info.json"]
COMMON = ["README.md", "LICENSE-MIT", "LICENSE-APACHE"]

# crate -> (allowed patterns, files that must be there)
CRATES = {
    "hybridplan": (
        CARGO + COMMON + ["src/*.rs", "data/cloud-service-endpoints.tsv", "data/oss-vip-ranges.tsv", "data/reference.yaml"],
        ["Cargo.toml", "src/lib.rs", *COMMON, "data/cloud-service-endpoints.tsv", "data/oss-vip-ranges.tsv", "data/reference.yaml"],
    ),
    "hybridplan-cli": (
        CARGO + COMMON + ["src/*.rs"],
        ["Cargo.toml", "Cargo.lock", "src/main.rs", *COMMON],
    ),
}

# What crates.io shows and searches by; cargo publish itself insists only on the first two.
METADATA = ["description", "license", "repository", "readme", "keywords", "categories", "rust_version"]


def main() -> int:
    problems = []
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1", "--locked"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    published = sorted(p["name"] for p in meta["packages"] if p.get("publish") != [])
    if published != sorted(CRATES):
        problems.append(f"published crates are {published}, this script checks {sorted(CRATES)}: "
                        "list the new crate's files in scripts/crate_files.py")
    for package in meta["packages"]:
        if package["name"] not in CRATES:
            continue
        for field in METADATA:
            if not package.get(field):
                problems.append(f"{package['name']}: `{field.replace('_', '-')}` is missing from its Cargo.toml")

    for crate, (allowed, required) in CRATES.items():
        # --allow-dirty: the list is the question here, not whether the tree is committed.
        listed = subprocess.run(
            ["cargo", "package", "--list", "--allow-dirty", "--locked", "-p", crate],
            cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
        # fnmatch's `*` crosses `/`, so `src/*.rs` is every source file below src/.
        for f in listed:
            if not any(fnmatch.fnmatchcase(f, pattern) for pattern in allowed):
                problems.append(f"{crate}: unexpected file in the package: {f} (exclude it in its Cargo.toml, "
                                "or allow it in scripts/crate_files.py if the crate needs it)")
        for f in required:
            if f not in listed:
                problems.append(f"{crate}: {f} is missing from the package")
        print(f"{crate}: {len(listed)} files")

    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
