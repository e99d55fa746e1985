"""What a plugin's own tests import: load a project folder and run one rule on it.

    from charter.plugin.testing import lines, load_project, run_rule

    def test_acme001_names_the_domain(tmp_path):
        (tmp_path / "pyproject.toml").write_text('[project]\\nname = "demo"\\n')
        ...  # write the artifacts the rule reads (a contract, a card...)
        project = load_project(tmp_path)
        assert lines(run_rule("ACME001", project), tmp_path) == [
            "governance/contracts/orders.odcs.yaml:4:9: ACME001 not an Acme business domain"
        ]

The project is loaded exactly as `charter check` loads it, and the rule is
found among the installed ones (Charter's and every plugin's entry point), so
the plugin under test must be installed in the test environment (`uv sync`
does it for the plugin's own package).
"""

from __future__ import annotations

import os
from pathlib import Path

from charter.findings import ERROR, Finding
from charter.project import Project
from charter.rules.plugins import PluginError

__all__ = ["check", "lines", "load_project", "run_rule"]


def load_project(folder: str | os.PathLike[str], *, staged: bool = False) -> Project:
    """The project in `folder`, loaded as `charter check` loads it (never raises for bad files).

    `staged=True` reads only the files git tracks or has staged, as the
    pre-commit hook does (the folder must then be a git repository).
    """
    return Project.load(Path(folder), staged=staged)


def run_rule(code: str, project: Project | str | os.PathLike[str]) -> list[Finding]:
    """The findings of the rule `code` on `project` (or a folder), stamped and sorted.

    Raises `PluginError` when no installed rule has that code.
    """
    from charter.rules import all_rules  # noqa: PLC0415 - imports the installed plugins

    loaded = project if isinstance(project, Project) else load_project(project)
    rule = all_rules().get(code.upper())
    if rule is None:
        raise PluginError(
            f"no installed rule has code {code!r}: is the plugin installed in this environment?"
        )
    return sorted(set(rule.findings(loaded)))


def check(
    project: Project | str | os.PathLike[str],
    *,
    select: tuple[str, ...] = ("ALL",),
    stage: str = "review",
) -> list[Finding]:
    """The findings `charter check --select ...` reports, rules of every family included."""
    from charter.rules import check as run_check  # noqa: PLC0415

    loaded = project if isinstance(project, Project) else load_project(project)
    return run_check(loaded, select=select, stage=stage)


def lines(findings: list[Finding], root: str | os.PathLike[str]) -> list[str]:
    """Findings as `charter check` prints them, paths relative to `root`."""
    base = Path(root).resolve()
    return [
        f"{_relative(f.path, base)}:{f.line}:{f.col}: {f.code} {f.message}"
        + ("" if f.severity == ERROR else " [warning]")
        for f in findings
    ]


def _relative(path: Path, base: Path) -> str:
    resolved = Path(path).resolve()
    return resolved.relative_to(base).as_posix() if resolved.is_relative_to(base) else str(path)
