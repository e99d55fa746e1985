"""The rule catalog documents every code `charter check` can report, in one shape.

The pages are generated from the registry (the body from each rule's
docstring), so the committed docs/rules/ must equal what the rules say now.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from charter_cli import charter

from charter.rules import all_rules
from charter.rules import pages as rule_pages

RULES_DOCS = Path(__file__).resolve().parents[2] / "docs/rules"
SECTIONS = ["## What it checks", "## Why it matters", "## Example", "## How to fix"]


@pytest.mark.parametrize("code", list(all_rules()))
def test_every_rule_docstring_has_the_four_sections(code: str) -> None:
    doc = all_rules()[code].doc
    positions = [doc.find(section) for section in SECTIONS]
    assert -1 not in positions, code
    assert positions == sorted(positions)
    assert doc.startswith(SECTIONS[0])


@pytest.mark.parametrize("code", list(all_rules()))
def test_every_page_states_the_registered_severity_and_stage(code: str) -> None:
    rule = all_rules()[code]
    text = (RULES_DOCS / f"{code}.md").read_text()
    assert text.startswith(f"# {code}: {rule.summary}\n\nSeverity: **{rule.severity}** ·")
    production_only = "Binding at: production only" in text
    assert production_only == (rule.stage == "production")


def test_committed_pages_are_the_generated_ones() -> None:
    assert rule_pages.stale(RULES_DOCS, all_rules()) == [], "run `charter rule --write-docs`"


def test_index_lists_every_code_with_its_summary_severity_and_stage() -> None:
    index = (RULES_DOCS / "index.md").read_text()
    for code, rule in all_rules().items():
        summary = rule.summary.replace("*", chr(92) + "*")
        assert f"| [{code}]({code}.md) | {summary} | {rule.severity} | {rule.stage} |" in index


def test_no_page_for_a_code_that_does_not_exist() -> None:
    pages = {p.stem for p in RULES_DOCS.glob("*.md")} - {"index"}
    assert pages <= set(all_rules())


def test_check_docs_names_a_stale_page_and_write_docs_fixes_it(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(RULES_DOCS, tmp_path / "rules"))
    assert charter("rule", "--check-docs", folder).returncode == 0
    page = folder / "CON008.md"
    page.write_text(page.read_text().replace("**error**", "**warning**"))
    (folder / "ZZZ999.md").write_text("# ZZZ999: gone\n")
    (folder / "FEA001.md").unlink()
    stale = charter("rule", "--check-docs", folder)
    assert stale.returncode == 1
    assert [line.split(":")[0] for line in stale.stdout.splitlines()] == [
        str(folder / name) for name in ("CON008.md", "FEA001.md", "ZZZ999.md")
    ]
    assert charter("rule", "--write-docs", folder).returncode == 0
    assert charter("rule", "--check-docs", folder).returncode == 0
    assert not (folder / "ZZZ999.md").exists()
    assert page.read_text() == (RULES_DOCS / "CON008.md").read_text()


def test_rule_prints_the_page_of_one_code() -> None:
    result = charter("rule", "con008")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (RULES_DOCS / "CON008.md").read_text()


def test_rule_all_json_lists_every_rule_like_ruff() -> None:
    result = charter("rule", "--all", "--output-format", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [item["code"] for item in listed] == list(all_rules())
    for item in listed:
        rule = all_rules()[item["code"]]
        assert (item["summary"], item["severity"], item["stage"], item["family"]) == (
            rule.summary,
            rule.severity,
            rule.stage,
            rule.code[:3],
        )
        assert item["explanation"].startswith("## What it checks")
    one = json.loads(charter("rule", "RUN007", "--output-format", "json").stdout)
    assert (one["code"], one["severity"]) == ("RUN007", "warning")


@pytest.mark.parametrize("args", [("XYZ123",), (), ("CON001", "--all")])
def test_rule_usage_errors_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    result = charter("rule", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("charter rule: ")


def test_written_pages_pass_the_check_merge_conflict_hook(tmp_path: Path) -> None:
    """A project that writes the rule pages into its docs commits them through its own hooks."""
    folder = tmp_path / "rules"
    assert charter("rule", "--write-docs", folder).returncode == 0
    hook = Path(sys.executable).with_name("check-merge-conflict")
    pages = sorted(str(page) for page in folder.glob("*.md"))
    result = subprocess.run(
        [hook, "--assume-in-merge", *pages], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def test_a_rule_page_describes_the_settings_the_rule_reads() -> None:
    page = (RULES_DOCS / "MOD003.md").read_text()
    settings = page.split("## Settings\n", 1)[1]
    assert settings.startswith("\nSet under `[tool.charter]` in `pyproject.toml`:\n")
    assert '| `card_sections` | `["Model Details", "Intended Use", ' in settings
    assert "| The sections every model card needs (MOD003)" in settings
    assert settings.index("card_sections") < settings.index("Silence it")
    assert "## Settings" not in (RULES_DOCS / "CON008.md").read_text()  # reads none
    described = json.loads(charter("rule", "MOD003", "--output-format", "json").stdout)
    assert described["settings"] == ["card_sections"]


@pytest.mark.parametrize("code", [c for c, r in all_rules().items() if r.settings])
def test_every_declared_setting_is_on_the_page_with_a_description(code: str) -> None:
    settings = (RULES_DOCS / f"{code}.md").read_text().split("## Settings\n", 1)[1]
    for name in all_rules()[code].settings:
        row = next(line for line in settings.splitlines() if line.startswith(f"| `{name}` |"))
        assert row.split(" | ")[2].strip(" |"), (code, name)  # a description, not empty
