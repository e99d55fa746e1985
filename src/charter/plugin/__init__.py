"""What a rule plugin imports: the public, stable surface for an organisation's rules.

    # acme_charter_rules/__init__.py (entry point `ACME` in group `charter.rules`)
    from charter.plugin import ERROR, WARNING, Finding, Project, at, at_line, rule, settings

    FAMILY = "Acme rules"
    SETTINGS_SCHEMA = {"type": "object", "properties": {"domains": {...}}}

    @rule("ACME001", "Contract has no Acme domain", severity=WARNING)
    def domain(project: Project):
        '''## What it checks ... ## Why it matters ... ## Example ... ## How to fix ...'''
        allowed = settings(project, "ACME")["domains"]
        for contract in project.contracts:
            ...
            yield at(contract.document, "/domain", "...")

A plugin imports nothing else from charter (and `charter.plugin.testing` in its
tests): the layers beneath can change between releases, this module keeps its
names. docs/guide/plugins.md lists what a rule can read on `Project`.
"""

from __future__ import annotations

from charter.constants import STAGES
from charter.findings import ERROR, WARNING, Finding
from charter.project import Project, Roles
from charter.rules.plugins import PluginError, settings
from charter.rules.registry import at, at_line, rule

__all__ = [
    "ERROR",
    "STAGES",
    "WARNING",
    "Finding",
    "PluginError",
    "Project",
    "Roles",
    "at",
    "at_line",
    "rule",
    "settings",
]
