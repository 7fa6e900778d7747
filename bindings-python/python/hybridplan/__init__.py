"""Plans the network of a hybrid Kubernetes cluster: a data center (Calico, Flannel or
Cilium) joined to Alibaba Cloud ECS nodes over Express Connect, a VBR and a CEN.

`plan(spec)` returns the whole plan, `validate(spec)` its diagnostics, `trace(plan, src,
dst)` the path of one packet; `import_cluster(live)` reads a spec's onPrem from `kubectl
get ... -o json` output and `diff(spec, live)` compares a plan with the cluster; `render_terraform(spec)` writes the
Alibaba Cloud side as Terraform;
`RouteTable` is a longest-prefix-match table. The types of the spec, the plan, a trace, an
import and a diff are in `hybridplan.types` (TypedDicts), re-exported here.
"""

from ._hybridplan import (
    RouteTable,
    SpecError,
    diff,
    import_cluster,
    plan,
    render_terraform,
    trace,
    validate,
)
from .types import (
    Check,
    Diagnostic,
    Drift,
    HybridClusterSpec,
    Imported,
    Manifest,
    Plan,
    TerraformFile,
    Trace,
)

__all__ = [
    "Check",
    "Diagnostic",
    "Drift",
    "HybridClusterSpec",
    "Imported",
    "Manifest",
    "Plan",
    "RouteTable",
    "SpecError",
    "TerraformFile",
    "Trace",
    "diff",
    "import_cluster",
    "plan",
    "render_terraform",
    "trace",
    "validate",
]
