#!/usr/bin/python
# The module hybridplan.network.plan: plans a spec with the Python package `hybridplan`
# and writes the plan's manifests and plan.json into a folder, idempotently, with check
# mode and diff.

DOCUMENTATION = r"""
module: plan
short_description: Plan a hybrid cluster network and write its manifests
description:
  - Plans a hybrid Kubernetes cluster spec (a data center joined to Alibaba Cloud ECS nodes)
    with the Python package C(hybridplan), and writes each manifest of the plan under its
    file name in O(dest), plus C(plan.json).
  - Fails, writing nothing, when the plan has error diagnostics; every diagnostic is returned.
  - Files whose content is already the planned one are left alone, so a second run reports
    no change. Supports check mode and diff.
options:
  spec:
    description:
      - Path of the spec (YAML or JSON). A relative path is read from the current folder.
      - One of O(spec) and O(content) is required.
    type: path
  content:
    description: The spec itself, as YAML/JSON text or a mapping.
    type: raw
  dest:
    description: The folder to write the manifests and plan.json into; created if missing.
    type: path
    required: true
requirements:
  - hybridplan (pip install hybridplan) for the Python that runs the module
author: The hybridplan developers
"""

EXAMPLES = r"""
- name: Plan cluster.yaml and write the manifests to out/
  hybridplan.network.plan:
    spec: cluster.yaml
    dest: out
  register: planned
"""

RETURN = r"""
mode:
  description: The network mode the plan selected.
  type: str
  returned: always
files:
  description: The files of the plan, in the order to apply them (plan.json last).
  type: list
  elements: str
  returned: always
written:
  description: The files written (or, in check mode, that would be).
  type: list
  elements: str
  returned: always
diagnostics:
  description: Every diagnostic of the plan, errors first.
  type: list
  elements: dict
  returned: always
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule

try:
    import hybridplan
except ImportError:
    hybridplan = None


def planned_files(plan):
    """(name, text) of every file the plan writes, in order."""
    files = [(m["file"], m["yaml"]) for m in plan["manifests"]]
    files.append(("plan.json", json.dumps(plan, indent=2) + "\n"))
    return files


def main():
    module = AnsibleModule(
        argument_spec={
            "spec": {"type": "path"},
            "content": {"type": "raw"},
            "dest": {"type": "path", "required": True},
        },
        mutually_exclusive=[("spec", "content")],
        required_one_of=[("spec", "content")],
        supports_check_mode=True,
    )
    if hybridplan is None:
        module.fail_json(msg="the module needs the Python package hybridplan: pip install hybridplan")
    if module.params["spec"] is not None:
        path = os.path.abspath(module.params["spec"])
        try:
            with open(path, "rb") as f:
                spec = f.read()
        except OSError as e:
            module.fail_json(msg=f"cannot read the spec {path}: {e}")
    else:
        content = module.params["content"]
        spec = content if isinstance(content, dict) else str(content)
    try:
        plan = hybridplan.plan(spec)
    except hybridplan.SpecError as e:
        module.fail_json(msg=f"{e.code} at {e.path or '/'}: {e}", diagnostics=e.diagnostics)
    errors = [d for d in plan["diagnostics"] if d["severity"] == "error"]
    if errors:
        first = errors[0]
        module.fail_json(
            msg=f"the spec has {len(errors)} error(s); first: {first['code']} at {first['path']}: {first['message']}",
            diagnostics=plan["diagnostics"],
            mode=plan["mode"]["selected"],
        )

    dest = os.path.abspath(module.params["dest"])
    files = planned_files(plan)
    written, diffs = [], []
    for name, text in files:
        target = os.path.join(dest, os.path.basename(name))
        try:
            with open(target, encoding="utf-8") as f:
                before = f.read()
        except FileNotFoundError:
            before = None
        if before == text:
            continue
        written.append(name)
        diffs.append({
            "before_header": target if before is not None else "/dev/null",
            "after_header": target,
            "before": before or "",
            "after": text,
        })
        if not module.check_mode:
            os.makedirs(dest, exist_ok=True)
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)

    result = {
        "changed": bool(written),
        "mode": plan["mode"]["selected"],
        "files": [name for name, _ in files],
        "written": written,
        "diagnostics": plan["diagnostics"],
    }
    if module._diff:
        result["diff"] = diffs
    module.exit_json(**result)


if __name__ == "__main__":
    main()
