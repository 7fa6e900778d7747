from collections.abc import Iterable
from typing import Any, Optional, Sequence, Union, final

from typing_extensions import Buffer

from .types import Diagnostic, Drift, HybridClusterSpec, Imported, Plan, TerraformFile, Trace

__all__ = [
    "RouteTable",
    "SpecError",
    "diff",
    "import_cluster",
    "plan",
    "render_terraform",
    "trace",
    "validate",
]

_Spec = Union[HybridClusterSpec, dict[str, Any], str, bytes, bytearray]

class SpecError(ValueError):
    """A spec, plan, prefix or address that cannot be read.

    `.code` is the diagnostic code of the first problem (`spec-invalid`, `cidr-syntax`, ...),
    `.path` its JSON Pointer, `.hint` what to do about it, and `.diagnostics` every problem
    found, as dicts shaped like `Diagnostic`."""

    code: str
    path: str
    hint: Optional[str]
    diagnostics: list[Diagnostic]

def plan(spec: _Spec) -> Plan:
    """The plan of a spec: diagnostics, mode, addressing, routing, manifests, connectivity.

    `spec` is a dict shaped like `HybridClusterSpec`, JSON or YAML text (str), or that
    text's bytes (bytes, bytearray). Returns the plan as plain dicts and lists, typed as
    `Plan`. Raises `SpecError` (a ValueError with .code, .path, .hint and .diagnostics)
    when the spec cannot be read at all; every other problem is a diagnostic in the plan."""

def render_terraform(spec: _Spec) -> list[TerraformFile]:
    """The Alibaba Cloud side of the plan of `spec` as Terraform: a list of
    `{"name": ..., "content": ...}`, one module (versions.tf, variables.tf, main.tf,
    cloud_services.tf, security_groups.tf, outputs.tf).

    `spec` is taken as `plan()` takes it, and `SpecError` raised likewise; a spec with errors
    still renders (its plan's diagnostics say what is wrong)."""

def validate(spec: _Spec) -> list[Diagnostic]:
    """Every diagnostic of a spec, errors first: the plan's `diagnostics` alone.

    `spec` is taken as `plan()` takes it, and `SpecError` raised likewise."""

def trace(
    plan: Union[Plan, dict[str, Any]],
    src: str,
    dst: str,
    *,
    src_node: Optional[str] = None,
    dst_node: Optional[str] = None,
    fail: Optional[Sequence[str]] = None,
) -> Trace:
    """Follows a packet from `src` to `dst` through the route tables of a plan.

    `plan` is what `plan()` returned (only its routing.tables are read); `src` and `dst` are
    IP addresses as text; `src_node` and `dst_node` name the node each end runs on
    (`dc-node` or `ecs-node`), which a pod address of an overlay needs; `fail` names devices
    that are down (`["vbr-2"]`), for the path after that failure. Returns a `Trace`:
    the hops, and an outcome of `delivered`, `no-route`, `loop`, `unknown-source` or
    `ambiguous`. Raises `SpecError` for a malformed plan, address or node."""

def import_cluster(
    live: Union[str, bytes, bytearray],
    *,
    into: Optional[_Spec] = None,
) -> Imported:
    """The spec of the cluster whose `kubectl get ... -o json` output is `live`.

    `live` is that output as str or bytes (a List, a single object, or several documents one
    after another). `into`, a spec (dict or JSON/YAML text), gives what kubectl cannot show
    (cloud, interconnect); its onPrem values are replaced by what the cluster shows.
    Returns an `Imported`: the spec (dict), the same as commented YAML, where each value came
    from, and what is missing. Raises `SpecError` (code `live-unreadable`) when `live` is not
    kubectl's JSON, or the spec's code when `into` cannot be read."""

def diff(spec: _Spec, live: Union[str, bytes, bytearray]) -> Drift:
    """Compares the plan of `spec` with the cluster whose objects `live` holds.

    `spec` is taken as `plan()` takes it; `live` as `import_cluster()` takes it. Returns a
    `Drift`: `inSync`, and each difference with where it is in the plan and in the cluster.
    Raises `SpecError` when either cannot be read, or when the spec has errors (no plan to
    compare with; `.diagnostics` lists them)."""

@final
class RouteTable:
    """Longest-prefix match over IPv4 and IPv6 prefixes, any Python object per prefix.
    Lookups release the GIL; one table can be shared by threads."""

    def __init__(self) -> None: ...
    def __len__(self) -> int: ...
    def insert(self, prefix_text: str, value: object) -> Any:
        """Adds `prefix` (canonical text) with `value`; returns the value it replaced, or None.
        Int values come back from lookups as equal ints; other objects as themselves."""
    def insert_many(self, items: Iterable[tuple[str, object]]) -> None:
        """Adds many `(prefix, value)` pairs, building the lookup structure once: much faster
        than `insert` in a loop for whole routing tables. A prefix given twice keeps the
        last value; a prefix already in the table gets the new value. A bad prefix is
        refused at `items/N/0` before anything changes."""
    def remove(self, prefix_text: str) -> Any:
        """Removes a prefix; returns its value, or None."""
    def lookup(self, ip: Union[str, int]) -> Any:
        """The value of the longest prefix containing `ip` (text, or an int for IPv4), or None:
        like `dict.get`, and like pytricia's `get`."""
    def lookup_prefix(self, ip: Union[str, int]) -> Optional[tuple[str, Any]]:
        """The longest prefix containing `ip` and its value, `(prefix, value)`, or None."""
    def lookup_many(self, addrs: Union[Buffer, list[str]]) -> list[Any]:
        """The value of the longest match of each address, None where nothing matches: a
        buffer of native-endian uint32 IPv4 addresses, or a list of address strings."""
