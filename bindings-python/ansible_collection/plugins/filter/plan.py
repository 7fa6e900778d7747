# The filters of hybridplan.network, from the Python package `hybridplan`:
#   plan, validate: a spec (text or a dict) in, the plan or its diagnostics out;
#   import_cluster: `kubectl get ... -o json` output in, the spec read from it out;
#   diff: a spec, compared with `kubectl get ... -o json` output, the drift out;
#   render_terraform: a spec in, the Alibaba Cloud side as Terraform files out.
#
#   plan: "{{ lookup('ansible.builtin.file', 'cluster.yaml') | hybridplan.network.plan }}"
#   drift: "{{ lookup('ansible.builtin.file', 'cluster.yaml') | hybridplan.network.diff(kubectl.stdout) }}"

import json

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


def _live(live):
    # kubectl's output as registered text, or already parsed (`from_json`).
    if isinstance(live, (dict, list)):
        return json.dumps(live)
    return str(live)


def import_cluster(live, into=None):
    """The spec read from `kubectl get ... -o json` output, merged into `into` when given:
    a dict with `spec`, `yaml` (commented), `found` and `missing`."""
    try:
        return _package().import_cluster(_live(live), into=None if into is None else _spec(into))
    except _package().SpecError as e:
        raise AnsibleFilterError(f"{e.code} at {e.path or '/'}: {e}") from e


def diff(spec, live):
    """The plan of `spec` compared with the cluster: `inSync` and the differences."""
    try:
        return _package().diff(_spec(spec), _live(live))
    except _package().SpecError as e:
        raise AnsibleFilterError(f"{e.code} at {e.path or '/'}: {e}") from e


def render_terraform(spec):
    """The Alibaba Cloud side of the plan as Terraform: a list of `name` and `content`."""
    try:
        return _package().render_terraform(_spec(spec))
    except _package().SpecError as e:
        raise AnsibleFilterError(f"{e.code} at {e.path or '/'}: {e}") from e


class FilterModule:
    def filters(self):
        return {
            "plan": plan,
            "validate": validate,
            "import_cluster": import_cluster,
            "diff": diff,
            "render_terraform": render_terraform,
        }
