# The action of hybridplan.network.plan: relative `spec` and `dest` paths are taken from
# the folder ansible-playbook was started in (a module on a local connection runs in the
# playbook's folder, which is not where a user's `-e spec=cluster.yaml` points).

import os

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = dict(self._task.args)
        for key in ("spec", "dest"):
            value = args.get(key)
            if isinstance(value, str) and value and not os.path.isabs(os.path.expanduser(value)):
                args[key] = os.path.join(os.getcwd(), value)
        result.update(self._execute_module(module_args=args, task_vars=task_vars))
        return result
