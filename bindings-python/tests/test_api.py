"""What Python users rely on beyond the vectors: both spec forms, error attributes, buffer
types, and a RouteTable shared by threads."""

import array
import json
import pathlib
import threading

import pytest

import hybridplan

ROOT = pathlib.Path(__file__).parents[2]
REFERENCE = (pathlib.Path(__file__).parents[2] / "core" / "data" / "reference.yaml").read_text()


def test_a_dict_a_json_string_and_yaml_text_plan_alike():
    from_yaml = hybridplan.plan(REFERENCE)
    as_dict = json.loads(json.dumps(from_yaml))  # JSON-ready: plain dicts, lists, strings
    assert as_dict == from_yaml
    spec = {"name": "x", **json.loads(json.dumps(_reference_dict()))}
    assert hybridplan.plan(spec)["mode"]["selected"] == from_yaml["mode"]["selected"]
    assert hybridplan.plan(json.dumps(spec))["mode"] == hybridplan.plan(spec)["mode"]
    assert isinstance(hybridplan.validate(REFERENCE), list)


def _reference_dict():
    """The reference spec as a dict, written out by hand."""
    return {
        "onPrem": {"nodeCidrs": ["192.168.0.0/24"], "podCidr": "10.100.0.0/16", "serviceCidr": "172.21.0.0/20",
                   "nodes": 120, "maxNodes": 200, "edgeRouters": [{"ip": "192.168.0.1", "asNumber": 65001}]},
        "performance": "high",
        "cloud": {"region": "cn-hangzhou", "vpcCidr": "10.0.0.0/8", "nodes": 2, "maxPodsPerNode": 110,
                  "securityGroups": ["sg-hybrid"],
                  "zones": [{"zone": "cn-hangzhou-h", "nodeVSwitches": [{"id": "vsw-node-h", "cidr": "10.10.24.0/24"}],
                             "podVSwitches": [{"id": "vsw-pod-h", "cidr": "10.10.25.0/24"}]}]},
        "interconnect": {"vbr": {"id": "vbr-hz-1", "vlanId": 100, "localGatewayIp": "192.168.255.1",
                                 "peerGatewayIp": "192.168.255.2", "peeringSubnet": "192.168.255.0/30"},
                         "cen": {"id": "cen-hybrid"}},
    }


def test_bytes_read_like_text_and_bytes_that_are_not_utf8_are_spec_syntax():
    expected = hybridplan.plan(REFERENCE)
    assert hybridplan.plan(REFERENCE.encode()) == expected
    assert hybridplan.plan(bytearray(REFERENCE.encode())) == expected
    with pytest.raises(hybridplan.SpecError) as info:
        hybridplan.plan(REFERENCE.encode() + b"\n\xff")
    assert info.value.code == "spec-syntax"
    assert "invalid byte 0xff" in str(info.value)
    # A str with a lone surrogate has no UTF-8 form: the same refusal, at its offset.
    with pytest.raises(hybridplan.SpecError) as info:
        hybridplan.plan("name: a\udc80b\n")
    assert info.value.code == "spec-syntax"
    assert "offset 7" in str(info.value)


def test_spec_errors_carry_code_path_hint_and_every_diagnostic():
    with pytest.raises(hybridplan.SpecError) as info:
        hybridplan.plan({"name": "x", "onPrem": {"podCIRD": "10.0.0.0/8"}})
    e = info.value
    assert isinstance(e, ValueError)
    assert e.code == "spec-invalid"
    assert any(d["path"] == "/onPrem/podCIRD" and "podCidr" in (d["hint"] or "") for d in e.diagnostics)
    with pytest.raises(hybridplan.SpecError) as info:
        hybridplan.plan("{ not json: [")
    assert info.value.code == "spec-syntax"
    with pytest.raises(hybridplan.SpecError):
        hybridplan.plan(42)  # type: ignore[arg-type]


def test_trace_and_its_address_errors():
    plan = hybridplan.plan(REFERENCE)
    t = hybridplan.trace(plan, "10.100.1.1", "10.10.25.10")
    assert t["outcome"] == "delivered"
    assert [h["device"] for h in t["hops"]] == ["dc-node", "dc-edge", "vbr", "cen-tr", "vpc", "ecs-node"]
    with pytest.raises(hybridplan.SpecError) as info:
        hybridplan.trace(plan, "010.100.1.1", "10.10.25.10")
    assert (info.value.code, info.value.path) == ("cidr-syntax", "src")
    # Only the route tables are read; a plan without them is refused where they are missing.
    tables_only = {"routing": {"tables": plan["routing"]["tables"]}}
    assert hybridplan.trace(tables_only, "10.100.1.1", "10.10.25.10")["outcome"] == "delivered"
    with pytest.raises(hybridplan.SpecError) as info:
        hybridplan.trace({"routing": {}}, "10.100.1.1", "10.10.25.10")
    assert (info.value.code, info.value.path) == ("spec-invalid", "/routing")


def test_trace_with_a_circuit_down():
    vector = json.loads((ROOT / "tests/vectors/scenario-two-circuits-active-active.json").read_text())
    plan = hybridplan.plan(vector["spec"])
    path = lambda t: [h["device"] for h in t["hops"]]  # noqa: E731
    assert path(hybridplan.trace(plan, "192.168.0.16", "10.10.24.10")) == \
        ["dc-node", "dc-edge", "vbr", "cen-tr", "vpc", "ecs-node"]
    assert path(hybridplan.trace(plan, "192.168.0.16", "10.10.24.10", fail=["vbr"])) == \
        ["dc-node", "dc-edge", "dc-edge-2", "vbr-2", "cen-tr", "vpc", "ecs-node"]
    both = hybridplan.trace(plan, "10.10.24.10", "192.168.0.16", fail=["vbr", "vbr-2"])
    assert both["outcome"] == "no-route"
    with pytest.raises(hybridplan.SpecError) as info:
        hybridplan.trace(plan, "192.168.0.16", "10.10.24.10", fail=["vbr-3"])
    assert (info.value.code, info.value.path) == ("spec-invalid", "fail")
    with pytest.raises(hybridplan.SpecError) as info:
        hybridplan.trace(plan, "192.168.0.16", "10.10.24.10", fail=["router"])
    assert (info.value.code, info.value.path) == ("spec-invalid", "fail")


def ip(text):
    a, b, c, d = (int(x) for x in text.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def table():
    t = hybridplan.RouteTable()
    assert t.insert("10.0.0.0/8", "vpc") is None
    assert t.insert("10.100.0.0/16", {"dc": "pods"}) is None
    assert t.insert("10.100.0.0/16", "dc-pods") == {"dc": "pods"}
    t.insert("2001:db8::/32", "v6")
    return t


def test_route_table_single_lookups():
    t = table()
    assert len(t) == 3
    assert t.lookup("10.100.1.1") == "dc-pods"
    assert t.lookup_prefix("10.100.1.1") == ("10.100.0.0/16", "dc-pods")
    assert t.lookup(ip("10.1.1.1")) == "vpc"
    assert t.lookup_prefix(ip("10.1.1.1")) == ("10.0.0.0/8", "vpc")
    assert t.lookup_prefix("2001:db8::1") == ("2001:db8::/32", "v6")
    assert t.lookup("192.0.2.1") is None and t.lookup_prefix("192.0.2.1") is None
    assert t.remove("10.100.0.0/16") == "dc-pods"
    assert t.lookup("10.100.1.1") == "vpc"
    with pytest.raises(hybridplan.SpecError) as info:
        t.insert("10.1.2.3/16", 1)
    assert info.value.code == "cidr-host-bits"


def test_insert_many_loads_a_table_at_once():
    t = hybridplan.RouteTable()
    t.insert("10.0.0.0/8", "old")
    t.insert_many([("10.0.0.0/8", "vpc"), ("10.100.0.0/16", "x"), ("10.100.0.0/16", "dc-pods"), ("::/0", 6)])
    assert len(t) == 3
    assert t.lookup("10.100.1.1") == "dc-pods" and t.lookup("10.1.1.1") == "vpc" and t.lookup("2001:db8::1") == 6
    with pytest.raises(hybridplan.SpecError) as info:
        t.insert_many([("10.2.0.0/16", 1), ("10.1.2.3/8", 1)])
    assert (info.value.code, info.value.path) == ("cidr-host-bits", "items/1/0")
    assert t.lookup("10.2.0.1") == "vpc"  # nothing was added


def test_values_of_every_kind_come_back():
    t = hybridplan.RouteTable()
    values = [0, 7, 2**31 - 1, 2**31, 4_200_000_000, -1, 2**80, True, None, "hop", ("a", 1), 1.5]
    for i, v in enumerate(values):
        t.insert(f"10.{i}.0.0/16", v)
    for i, v in enumerate(values):
        got = t.lookup(f"10.{i}.1.1")
        assert got == v and type(got) is type(v)
    replaced = t.insert("10.9.0.0/16", "new")  # the ("a", 1) slot
    assert replaced == "hop"
    assert t.remove("10.10.0.0/16") == ("a", 1)
    assert t.lookup("10.10.1.1") is None


@pytest.mark.parametrize("kind", ["array", "bytes", "bytearray", "memoryview", "numpy", "list-of-str"])
def test_lookup_many_takes_any_uint32_buffer_or_strings(kind):
    t = table()
    addrs = ["10.100.1.1", "10.1.1.1", "192.0.2.1"]
    words = array.array("I", [ip(a) for a in addrs])
    if kind == "array":
        arg = words
    elif kind == "bytes":
        arg = words.tobytes()
    elif kind == "bytearray":
        arg = bytearray(words.tobytes())
    elif kind == "memoryview":
        arg = memoryview(words)
    elif kind == "numpy":
        import numpy as np  # the test command installs it

        arg = np.array([ip(a) for a in addrs], dtype=np.uint32)
    else:
        arg = addrs
    assert t.lookup_many(arg) == ["dc-pods", "vpc", None]


def test_lookup_many_refuses_other_item_sizes():
    with pytest.raises(hybridplan.SpecError):
        table().lookup_many(array.array("H", [1, 2, 3]))


def test_a_shared_table_answers_the_same_from_many_threads():
    t = hybridplan.RouteTable()
    for i in range(256):
        t.insert(f"10.{i}.0.0/16", i)
    queries = array.array("I", [ip(f"10.{i % 256}.1.1") for i in range(20000)])
    expected = [i % 256 for i in range(20000)]
    results, errors = [], []

    def work():
        try:
            for _ in range(20):
                results.append(t.lookup_many(queries) == expected)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and len(results) == 160 and all(results)


def test_render_terraform_gives_one_module_in_the_order_of_its_files():
    files = hybridplan.render_terraform(REFERENCE)
    assert [f["name"] for f in files] == [
        "versions.tf", "variables.tf", "main.tf", "cloud_services.tf", "security_groups.tf", "outputs.tf"]
    main = next(f["content"] for f in files if f["name"] == "main.tf")
    assert 'resource "alicloud_vpc_bgp_peer" "vbr"' in main
    assert "auto_publish_route_enabled = true" in main
    with pytest.raises(hybridplan.SpecError) as e:
        hybridplan.render_terraform("{ not json: [")
    assert e.value.code == "spec-syntax"


def test_help_says_what_the_stubs_say():
    """help(hybridplan.plan) and the .pyi carry the same docstring, function by function."""
    import ast
    import inspect

    stub = ast.parse((pathlib.Path(hybridplan.__file__).parent / "_hybridplan.pyi").read_text())
    documented = {}
    for node in stub.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node):
            documented[node.name] = (getattr(hybridplan, node.name), ast.get_docstring(node))
        if isinstance(node, ast.ClassDef):
            for method in node.body:
                if isinstance(method, ast.FunctionDef) and ast.get_docstring(method):
                    owner = getattr(hybridplan, node.name)
                    documented[f"{node.name}.{method.name}"] = (getattr(owner, method.name), ast.get_docstring(method))
    assert {"plan", "validate", "trace", "SpecError", "RouteTable", "RouteTable.lookup"} <= set(documented)
    for name, (obj, doc) in documented.items():
        assert " ".join((inspect.getdoc(obj) or "").split()) == " ".join(doc.split()), name
    assert "SpecError" in inspect.getdoc(hybridplan.plan) and "bytes" in inspect.getdoc(hybridplan.plan)
