"""Ansible filters `hybridplan_plan` and `hybridplan_validate`. Put a file with
`from hybridplan.ansible_filters import FilterModule` in your playbook's `filter_plugins/`
(as `ansible/filter_plugins/hybridplan.py` in the repository does), then:

    plan: "{{ lookup('file', 'cluster.yaml') | hybridplan_plan }}"
"""

from typing import Any, Callable

from . import plan, validate


class FilterModule:
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"hybridplan_plan": plan, "hybridplan_validate": validate}
