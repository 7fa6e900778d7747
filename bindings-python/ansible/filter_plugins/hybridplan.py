# Ansible loads filters from this folder; they come from the installed `hybridplan` package.
from hybridplan.ansible_filters import FilterModule  # noqa: F401
