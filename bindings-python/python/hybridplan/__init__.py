"""Plans the network of a hybrid Kubernetes cluster: a data center (Calico, Flannel or
Cilium) joined to Alibaba Cloud ECS nodes (Terway) over Express Connect, a VBR and a CEN.

>>> import hybridplan
>>> plan = hybridplan.plan(open("cluster.yaml").read())   # or a dict
>>> [d["code"] for d in plan["diagnostics"]]
"""

from ._hybridplan import RouteTable, SpecError, plan, trace, validate

__all__ = ["RouteTable", "SpecError", "plan", "trace", "validate"]
