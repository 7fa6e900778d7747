"""Plans the network of a hybrid Kubernetes cluster: a data center (Calico, Flannel or
Cilium) joined to Alibaba Cloud ECS nodes over Express Connect, a VBR and a CEN.

`plan(spec)` returns the whole plan, `validate(spec)` its diagnostics, `trace(plan, src,
dst)` the path of one packet; `RouteTable` is a longest-prefix-match table. The types of
the spec, the plan and a trace are in `hybridplan.types` (TypedDicts), re-exported here.
"""

from ._hybridplan import RouteTable, SpecError, plan, trace, validate
from .types import Check, Diagnostic, HybridClusterSpec, Manifest, Plan, Trace

__all__ = [
    "Check",
    "Diagnostic",
    "HybridClusterSpec",
    "Manifest",
    "Plan",
    "RouteTable",
    "SpecError",
    "Trace",
    "plan",
    "trace",
    "validate",
]
