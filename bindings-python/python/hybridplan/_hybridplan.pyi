from collections.abc import Iterable
from typing import Any, Optional, Union, final

from typing_extensions import Buffer

__all__ = ["RouteTable", "SpecError", "plan", "trace", "validate"]

_Spec = Union[dict[str, Any], str, bytes, bytearray]
_Plan = dict[str, Any]
_Diagnostic = dict[str, Any]

class SpecError(ValueError):
    """A spec, prefix or address that cannot be read."""

    code: str
    path: str
    hint: Optional[str]
    diagnostics: list[_Diagnostic]

def plan(spec: _Spec) -> _Plan:
    """The plan of a spec (a dict, or JSON/YAML text): diagnostics, mode, addressing,
    routing, manifests, connectivity. Raises SpecError when the spec cannot be read."""

def validate(spec: _Spec) -> list[_Diagnostic]:
    """Every diagnostic of a spec, errors first."""

def trace(plan: _Plan, src: str, dst: str) -> dict[str, Any]:
    """Follows a packet from src to dst through a plan's route tables."""

@final
class RouteTable:
    """Longest-prefix match over IPv4 and IPv6 prefixes, any object per prefix."""

    def __init__(self) -> None: ...
    def __len__(self) -> int: ...
    def insert(self, prefix_text: str, value: object) -> Any: ...
    def insert_many(self, items: Iterable[tuple[str, object]]) -> None: ...
    def remove(self, prefix_text: str) -> Any: ...
    def lookup(self, ip: Union[str, int]) -> Any: ...
    def lookup_prefix(self, ip: Union[str, int]) -> Optional[tuple[str, Any]]: ...
    def lookup_many(self, addrs: Union[Buffer, list[str]]) -> list[Any]: ...
