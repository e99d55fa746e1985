"""Every registered rule has a failing fixture, and every fixture names a registered rule.

A failing fixture is either a one-edit defect of the clean project (`DEFECTS`
in test_check_rules.py) or a test marked `@pytest.mark.fails_with("CODE")`.
The tests are read, not run, so this holds whichever subset of tests runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

from charter.rules import all_rules

TESTS = Path(__file__).resolve().parents[1]


def _defects(tree: ast.Module) -> list[str]:
    """The codes of the DEFECTS list: the first item of each tuple."""
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.List)
            and any(isinstance(t, ast.Name) and t.id == "DEFECTS" for t in node.targets)
        ):
            return [ast.literal_eval(item.elts[0]) for item in node.value.elts]
    return []


def _marked(tree: ast.Module) -> list[str]:
    """The codes of every `@pytest.mark.fails_with(...)` decorator."""
    return [
        ast.literal_eval(arg)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
        if isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr == "fails_with"
        for arg in decorator.args
    ]


def failing_fixtures() -> dict[str, list[str]]:
    """Code -> the test files whose fixtures break that rule."""
    found: dict[str, list[str]] = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for code in _defects(tree) + _marked(tree):
            found.setdefault(code, []).append(path.relative_to(TESTS).as_posix())
    return found


def test_every_registered_code_has_a_failing_fixture() -> None:
    missing = sorted(set(all_rules()) - set(failing_fixtures()))
    assert missing == [], f"no failing fixture for {missing}"


def test_every_fixture_names_a_registered_code() -> None:
    unknown = {c: f for c, f in failing_fixtures().items() if c not in all_rules()}
    assert unknown == {}, f"fixtures name codes no rule has: {unknown}"


def test_the_scan_sees_both_kinds_of_fixture() -> None:
    found = failing_fixtures()
    assert "package/test_check_rules.py" in found["CON008"]  # a DEFECTS entry
    assert "package/runs/test_run_rules.py" in found["RUN002"]  # a marked test
