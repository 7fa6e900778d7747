"""Checked with `mypy --strict`: the stubs and the generated TypedDicts describe the package.
Each `type: ignore[...]` line is a mistake mypy must catch: strict mode's
warn_unused_ignores fails the check if it does not."""

import array
from typing import Any, Optional

import hybridplan
from hybridplan import Diagnostic, HybridClusterSpec, Plan, Trace

spec: HybridClusterSpec = {
    "onPrem": {"nodeCidrs": ["192.168.0.0/24"], "podCidr": "10.100.0.0/16", "serviceCidr": "172.21.0.0/20",
               "nodes": 40, "edgeRouters": [{"ip": "192.168.0.1", "asNumber": 65001}]},
    "cloud": {"region": "cn-hangzhou", "vpcCidr": "10.0.0.0/8", "nodes": 2, "securityGroups": ["sg-1"],
              "zones": [{"zone": "cn-hangzhou-h", "nodeVSwitches": [{"id": "vsw-a", "cidr": "10.10.24.0/24"}],
                         "podVSwitches": [{"id": "vsw-b", "cidr": "10.10.32.0/19"}]}]},
    "interconnect": {"vbr": {"id": "vbr-1", "vlanId": 100, "localGatewayIp": "192.168.255.1",
                             "peerGatewayIp": "192.168.255.2", "peeringSubnet": "192.168.255.0/30"},
                     "cen": {"id": "cen-1"}},
}
plan: Plan = hybridplan.plan(spec)
from_text: Plan = hybridplan.plan("name: x")
selected: str = plan["mode"]["selected"]
first: Diagnostic = hybridplan.validate({"name": "x"})[0]
severity: str = first["severity"]
units: str = plan["addressing"]["dcPods"][0]["units"]  # counts past 2^53 are strings
hops: Trace = hybridplan.trace(plan, "10.0.0.1", "10.0.0.2")
outcome: str = hops["outcome"]
table = hybridplan.RouteTable()
table.insert("10.0.0.0/8", "vpc")
table.insert_many([("10.1.0.0/16", 1), ("10.2.0.0/16", "x")])
value: Any = table.lookup("10.1.1.1")
found: Optional[tuple[str, Any]] = table.lookup_prefix("10.1.1.1")
values: list[Any] = table.lookup_many(array.array("I", [1, 2]))
named: list[Any] = table.lookup_many(["10.0.0.1"])
size: int = len(table)
try:
    hybridplan.plan({})
except hybridplan.SpecError as e:
    code: str = e.code
    path: str = e.path
    hint: Optional[str] = e.hint
    every: list[Diagnostic] = e.diagnostics
    err: ValueError = e

typo = plan["mdoe"]  # type: ignore[typeddict-item]
wrong_count: int = plan["addressing"]["dcPods"][0]["units"]  # type: ignore[assignment]
bad_mode: HybridClusterSpec = {**spec, "mode": "calico-bgp"}  # type: ignore[typeddict-item]
unknown_key: HybridClusterSpec = {**spec, "podCIRD": "10.0.0.0/8"}  # type: ignore[typeddict-unknown-key]
