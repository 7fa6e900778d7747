"""Checked with `mypy --strict`: the stubs describe the package."""

import array
from typing import Any, Optional

import hybridplan

plan: dict[str, Any] = hybridplan.plan("name: x")
diagnostics: list[dict[str, Any]] = hybridplan.validate({"name": "x"})
hops: dict[str, Any] = hybridplan.trace(plan, "10.0.0.1", "10.0.0.2")
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
    err: ValueError = e
