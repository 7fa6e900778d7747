"""The conformance vectors of tests/vectors through the pip package: the same codes, mode,
exit status and (code, path) pairs as the Rust API, the CLI and the npm package."""

import json
import pathlib

import pytest

import hybridplan

VECTORS = sorted((pathlib.Path(__file__).parents[2] / "tests" / "vectors").glob("*.json"))


def answer(spec):
    try:
        plan = hybridplan.plan(spec)
    except hybridplan.SpecError as e:
        return e.diagnostics, None, 2 if e.code == "spec-syntax" else 1
    exit_code = 1 if any(d["severity"] == "error" for d in plan["diagnostics"]) else 0
    return plan["diagnostics"], plan["mode"]["selected"], exit_code


def test_there_are_vectors():
    assert len(VECTORS) >= 80


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_vector(path):
    vector = json.loads(path.read_text())
    # Raw bytes (text that is not UTF-8) travel as hex and reach the package as bytes.
    spec = bytes.fromhex(vector["specHex"]) if "specHex" in vector else vector["spec"]
    diagnostics, mode, exit_code = answer(spec)
    expect = vector["expect"]
    assert sorted({d["code"] for d in diagnostics}) == sorted(set(expect["codes"])), vector["description"]
    assert mode == expect["mode"]
    assert exit_code == expect["exit"]
    pairs = {(d["code"], d["path"]) for d in diagnostics}
    for code, pointer in expect.get("paths", []):
        assert (code, pointer) in pairs
