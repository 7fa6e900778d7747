"""The conformance vectors of tests/vectors through the pip package: the same codes, mode,
exit status and (code, path) pairs as the Rust API, the CLI and the npm package; for the
vectors of the cluster that exists, the same import, plan and diff."""

import json
import pathlib

import pytest

import hybridplan

ROOT = pathlib.Path(__file__).parents[2]
VECTORS = sorted((ROOT / "tests" / "vectors").glob("*.json"))


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
    if "live" in vector or "liveText" in vector:
        return live_vector(vector)
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


def live_vector(vector):
    """kubectl output imported into the vector's base spec, planned, then compared."""
    expect = vector["expect"]
    if "liveText" in vector:
        with pytest.raises(hybridplan.SpecError) as refused:
            hybridplan.import_cluster(vector["liveText"])
        assert refused.value.code == "live-unreadable"
        assert [d["code"] for d in refused.value.diagnostics] == expect["codes"]
        return
    live = (ROOT / "tests" / "fixtures" / "clusters" / f"{vector['live']}.json").read_bytes()
    alone = hybridplan.import_cluster(live)
    assert [m["path"] for m in alone["missing"]] == expect["missingAlone"]
    imported = hybridplan.import_cluster(live, into=vector["base"])
    for key, value in expect["onPrem"].items():
        assert imported["spec"]["onPrem"][key] == value, key
    assert [m["path"] for m in imported["missing"]] == expect["missing"]
    # The YAML is the same spec, comments aside.
    assert hybridplan.plan(imported["yaml"]) == hybridplan.plan(imported["spec"])
    plan = hybridplan.plan(imported["spec"])
    assert [d["code"] for d in plan["diagnostics"]] == expect["codes"]
    assert plan["mode"]["selected"] == expect["mode"]
    drift = hybridplan.diff(imported["spec"], live)
    assert (0 if drift["inSync"] else 1) == expect["diffExit"]
