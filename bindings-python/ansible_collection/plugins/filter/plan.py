# The filters hybridplan.network.plan and hybridplan.network.validate: a spec (text or a
# dict) in, the plan or its diagnostics out, from the Python package `hybridplan`.
#
#   plan: "{{ lookup('ansible.builtin.file', 'cluster.yaml') | hybridplan.network.plan }}"

from ansible.errors import AnsibleFilterError

try:
    import hybridplan
except ImportError:  # pragma: no cover - reported when a filter is used
    hybridplan = None


def _package():
    if hybridplan is None:
        raise AnsibleFilterError("the hybridplan filters need the Python package: pip install hybridplan")
    return hybridplan


def _spec(spec):
    # Ansible hands templated text over as its own str subclass; the planner reads str.
    return str(spec) if isinstance(spec, str) else spec


def plan(spec):
    """The plan of a spec (YAML/JSON text or a dict), as a dict."""
    try:
        return _package().plan(_spec(spec))
    except _package().SpecError as e:
        raise AnsibleFilterError(f"{e.code} at {e.path or '/'}: {e}") from e


def validate(spec):
    """Every diagnostic of a spec, errors first."""
    try:
        return _package().validate(_spec(spec))
    except _package().SpecError as e:
        raise AnsibleFilterError(f"{e.code} at {e.path or '/'}: {e}") from e


class FilterModule:
    def filters(self):
        return {"plan": plan, "validate": validate}
