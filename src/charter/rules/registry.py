"""The rule registry: every rule has a code, a summary, a severity, a stage and its docs.

A rule is a function `(project) -> Iterable[Finding]` decorated with `@rule(...)`;
its docstring is the rule's documentation page (## What it checks, ## Why it
matters, ## Example, ## How to fix), so `docs/rules/` is generated from here.
The rule never names its own code: `Rule.findings` stamps the code and the
severity on what the function yields, so the two can never disagree.
Any module in `charter.rules` (not starting with `_`) is imported by
`all_rules()`, so adding a rule family is adding one module. An organisation's
own families come from installed plugins (`charter.rules.plugins`), which
register with the same decorator under a code prefix of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from charter.constants import STAGES
from charter.findings import ERROR, Finding
from charter.formats.source import Kind

if TYPE_CHECKING:
    from charter.formats.source import Document
    from charter.project import Project


FAMILIES = {
    "PRJ": "Project-wide",
    "CON": "Data contracts (ODCS)",
    "FEA": "Feature catalog",
    "MOD": "Model cards",
    "RUN": "Run manifests",
    "PIP": "Pipelines (DVC)",
    "APR": "Approvals (signed sign-offs)",
    "DEP": "Deployments",
    "DEC": "Decisions and rationale",
}
"""Charter's code prefixes -> family name, in the order the rule index lists them."""

PLUGIN_FAMILIES: dict[str, str] = {}
"""Plugin code prefixes -> family name (their `FAMILY`), filled as plugins load."""

PROBLEM_CODES = {
    Kind.UNREADABLE: "PRJ001",
    Kind.DUPLICATE_KEY: "PRJ002",
    Kind.CONFIGURATION: "PRJ005",
    Kind.INVALID_MANIFEST: "RUN001",
    Kind.NOT_REGULAR: "PRJ020",
    Kind.TOO_LARGE: "PRJ021",
    Kind.TOO_COMPLEX: "PRJ022",
}
"""The rule that reports each kind of load problem (the loaders know no codes)."""

Check = Callable[["Project"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    summary: str
    check: Check
    severity: str = ERROR
    stage: str = "review"
    """The first stage at which the rule is binding (`production` rules skip at review)."""
    settings: tuple[str, ...] = ()
    """The settings the rule reads: `[tool.charter]` keys for Charter's rules, the
    plugin's `SETTINGS_SCHEMA` properties for a plugin's; its page describes them."""

    @property
    def family(self) -> str:
        """The code's letters: `CON` for CON008, `ACME` for a project's own ACME001."""
        return self.code.rstrip("0123456789")

    @property
    def doc(self) -> str:
        """The rule's documentation: its function's docstring, dedented."""
        import inspect  # noqa: PLC0415 - only `charter rule` and the docs need it

        return inspect.cleandoc(self.check.__doc__ or "")

    def findings(self, project: Project) -> Iterator[Finding]:
        """What the check yields, stamped with this rule's code and severity."""
        for finding in self.check(project):
            yield replace(finding, code=self.code, severity=self.severity)


RULES: dict[str, Rule] = {}

_LOADING: list[tuple[str, str]] = []
"""While a plugin module imports: (its code prefix, its name), so `rule` can check codes."""


class RuleCodeError(ValueError):
    """A rule code registered twice, or a plugin's code outside its own prefix."""


def family_name(prefix: str) -> str:
    """The family name the rule index shows for a code prefix."""
    return FAMILIES.get(prefix) or PLUGIN_FAMILIES.get(prefix) or prefix


def rule(
    code: str,
    summary: str,
    *,
    severity: str = ERROR,
    stage: str = "review",
    settings: Iterable[str] = (),
) -> Callable[[Check], Check]:
    """Register the decorated function as the check for `code`.

    `settings` names the settings the rule reads, so its page can describe them:
    `[tool.charter]` keys for Charter's own rules, properties of the plugin's
    `SETTINGS_SCHEMA` for a plugin's (checked when the plugin loads).
    """
    declared = tuple(settings)

    def register(check: Check) -> Check:
        owner = _LOADING[-1] if _LOADING else None
        if owner is not None and not re.fullmatch(rf"{owner[0]}[0-9]{{3}}", code):
            raise RuleCodeError(
                f"plugin {owner[1]} registers rule {code}, outside its prefix {owner[0]} "
                f"(its codes must be {owner[0]}001 to {owner[0]}999)"
            )
        if code in RULES:
            first = RULES[code].check.__module__
            raise RuleCodeError(
                f"rule code {code} is claimed twice: by {first} and by {check.__module__}"
            )
        if stage not in STAGES:
            raise RuleCodeError(f"rule {code}: unknown stage {stage!r}")
        if owner is None and declared:
            from charter.project import Config  # noqa: PLC0415 - only rules with settings

            unknown = sorted(set(declared) - set(Config.__dataclass_fields__))
            if unknown:
                raise RuleCodeError(f"rule {code}: no [tool.charter] setting {unknown[0]!r}")
        RULES[code] = Rule(code, summary, check, severity, stage, declared)
        return check

    return register


def code_of(kind: Kind) -> str:
    """The code a load problem of `kind` is reported under."""
    return PROBLEM_CODES[kind]


def at(document: Document, pointer: str, message: str, *, key: bool = False) -> Finding:
    """A finding located at the value (or, with `key`, the key) a JSON pointer names."""
    line, col = document.key_position(pointer) if key else document.position(pointer)
    return Finding(Path(document.path), line, col, "", message)


def at_line(path: Path, line: int, col: int, message: str) -> Finding:
    """A finding at a known place; the engine fills in the code."""
    return Finding(Path(path), line, col, "", message)


def problems_of(project: Project, kind: Kind) -> Iterator[Finding]:
    """The project's load problems of one kind, as findings."""
    for problem in project.problems:
        if problem.kind == kind:
            yield at_line(problem.path, problem.line, problem.col, problem.message)


def first_mention(document: Document, key: str) -> str:
    """Pointer of a top-level key if the document has it, else the root."""
    pointer = f"/{key}"
    return pointer if pointer in document.values else ""
