"""One source for a rule's code: the `@rule` decorator; the engine stamps it on findings."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from charter.findings import WARNING
from charter.formats.source import Kind
from charter.rules import all_rules
from charter.rules.registry import PROBLEM_CODES, Rule, at_line

PACKAGE = Path(__file__).resolve().parents[2] / "src/charter"
CODE = re.compile(r"[A-Z]{3}\d{3}")


def _stray_codes(path: Path) -> list[tuple[int, str]]:
    """String constants that are a bare rule code, except a `@rule(...)`'s first argument."""
    tree = ast.parse(path.read_text("utf-8"))
    allowed = {
        id(decorator.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "rule"
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CODE.fullmatch(node.value)
        and id(node) not in allowed
    ]


def test_rules_name_their_code_only_in_the_decorator() -> None:
    modules = sorted((PACKAGE / "rules").glob("*.py"))
    stray = {
        p.name: found for p in modules if p.name != "registry.py" and (found := _stray_codes(p))
    }
    assert stray == {}


def test_loaders_know_no_rule_codes() -> None:
    """Formats and Project report problems of a kind; only the rules layer has codes."""
    files = [*sorted((PACKAGE / "formats").glob("*.py")), PACKAGE / "project.py"]
    stray = {p.name: found for p in files if (found := _stray_codes(p))}
    assert stray == {}


def test_the_engine_stamps_the_code_and_severity() -> None:
    def check(_project: object) -> list:
        return [at_line(Path("a.yaml"), 3, 4, "something is wrong")]

    rule = Rule("PRJ999", "Something", check, severity=WARNING)
    [finding] = rule.findings(None)  # type: ignore[arg-type]
    assert (finding.code, finding.severity, finding.line) == ("PRJ999", WARNING, 3)


def test_every_problem_kind_is_reported_by_a_registered_rule() -> None:
    assert set(PROBLEM_CODES) == set(Kind)
    assert set(PROBLEM_CODES.values()) <= set(all_rules())


def test_rules_import_only_formats_and_project() -> None:
    """Rules sit above formats and project, beside runs and views: they import neither."""
    below = ("charter.runs", "charter.views", "charter.validation", "charter.scaffold")
    imports = {}
    for path in sorted((PACKAGE / "rules").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        names = [
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        ] + [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
        # CON015 asks the engine-neutral compiler (pure Python, no data engine)
        # whether a contract can be validated at all; the engines stay out.
        names = [n for n in names if n != "charter.validation.odcs"]
        if bad := [n for n in names if n.startswith(below)]:
            imports[path.name] = bad
    assert imports == {}


IO_CALLS = {"read_text", "read_bytes", "open", "is_file", "exists", "run", "stat", "glob"}


def test_rules_do_no_file_or_git_io_of_their_own() -> None:
    """Rules ask `Project`, which reads each file and starts git once per invocation."""
    calls = {}
    for path in sorted((PACKAGE / "rules").glob("*.py")):
        if path.name == "pages.py":  # writes docs/rules/, runs no rule
            continue
        tree = ast.parse(path.read_text("utf-8"))
        found = [
            (node.lineno, node.func.attr)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in IO_CALLS
        ]
        imports = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and node.module in ("charter", "subprocess")
            and any(a.name == "gitrepo" for a in node.names)
        ]
        if found or imports:
            calls[path.name] = found + imports
    assert calls == {}


def test_a_rule_may_read_only_settings_that_exist() -> None:
    import pytest  # noqa: PLC0415

    from charter.rules.registry import RULES, RuleCodeError, rule  # noqa: PLC0415

    message = re.escape("rule ZZZ901: no [tool.charter] setting 'colour'")
    with pytest.raises(RuleCodeError, match=message):
        rule("ZZZ901", "Reads a setting nobody has", settings=["card_sections", "colour"])(
            lambda project: []
        )
    assert "ZZZ901" not in RULES
    assert all_rules()["MOD003"].settings == ("card_sections",)
