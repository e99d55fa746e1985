"""Capabilities: the rules `charter check` runs, and the engine that selects them.

    from charter.rules import check, all_rules
    findings = check(project, select=["CON"], ignore=["CON008"], stage="review")

Each rule family is one module here (contracts, features, cards, repository,
runs, ...); `all_rules()` imports every module of this package, so a new family
needs no registration anywhere else. Rules never read files and never print.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

from charter.constants import STAGES
from charter.rules.registry import RULES, Rule, code_of

if TYPE_CHECKING:
    from collections.abc import Iterable

    from charter.findings import Finding
    from charter.project import Project

_NOT_RULES = {"registry", "pages", "plugins"}


def all_rules() -> dict[str, Rule]:
    """Every registered rule, by code: Charter's modules, then the installed plugins.

    Raises `plugins.PluginError` for a plugin that cannot be loaded as it is.
    """
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_") and module.name not in _NOT_RULES:
            importlib.import_module(f"{__name__}.{module.name}")
    from charter.rules.plugins import plugins  # noqa: PLC0415 - after the built-in rules

    plugins()
    return dict(sorted(RULES.items()))


def matches(code: str, prefixes: Iterable[str]) -> bool:
    """Prefix matching like ruff: `CON` selects CON001..., `ALL` selects everything."""
    return any(p == "ALL" or code.startswith(p) for p in prefixes)


def binding_codes(project: Project, stage: str, rules: dict[str, Rule]) -> set[str]:
    """Codes enforced at `stage`: rules of that stage or earlier, plus checklist items.

    A checklist pulls a later-stage rule forward only by its full code
    (`rules: [MOD004]` in the review checklist); a prefix such as `MOD` names the
    family's rules of the stages reached, so it never changes a rule's stage.
    """
    reached = STAGES[: STAGES.index(stage) + 1]
    listed = {
        code
        for checklist in project.checklists
        if checklist.stage in reached
        for code, _pointer in checklist.rules
    }
    return {c for c, r in rules.items() if r.stage in reached or c in listed}


def check(
    project: Project,
    *,
    select: Iterable[str] = ("ALL",),
    ignore: Iterable[str] = (),
    stage: str = "review",
) -> list[Finding]:
    """Run the selected rules that are binding at `stage`; findings sorted by place."""
    return check_stages(project, select=select, ignore=ignore, stages=(stage,))[stage]


def check_stages(
    project: Project,
    *,
    select: Iterable[str] = ("ALL",),
    ignore: Iterable[str] = (),
    stages: Iterable[str] = STAGES,
) -> dict[str, list[Finding]]:
    """`check` at each of `stages`, each rule run once: its findings do not depend on the stage.

    The site shows readiness at this stage and the next from one pass of the rules.
    """
    rules = all_rules()
    select, ignore = list(select) or ["ALL"], list(ignore)
    binding = {stage: binding_codes(project, stage, rules) for stage in stages}
    wanted = set().union(*binding.values())
    found = {
        code: list(rule.findings(project))
        for code, rule in rules.items()
        if code in wanted and matches(code, select) and not matches(code, ignore)
    }
    return {
        stage: sorted(
            {f for code, fs in found.items() if code in codes for f in fs},
            key=lambda f: (str(f.path), f.line, f.col, f.code, f.message),
        )
        for stage, codes in binding.items()
    }


__all__ = ["Rule", "all_rules", "binding_codes", "check", "check_stages", "code_of", "matches"]
