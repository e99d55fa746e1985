"""The rule catalog documents every code `charter check` can report, in one shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.rules import all_rules

RULES_DOCS = Path(__file__).resolve().parents[2] / "docs/rules"
SECTIONS = ["## What it checks", "## Why it matters", "## Example", "## How to fix"]


@pytest.mark.parametrize("code", list(all_rules()))
def test_every_code_has_a_page_with_the_four_sections(code: str) -> None:
    text = (RULES_DOCS / f"{code}.md").read_text()
    assert text.startswith(f"# {code}")
    positions = [text.find(section) for section in SECTIONS]
    assert -1 not in positions, code
    assert positions == sorted(positions)


def test_index_lists_every_code_with_its_summary() -> None:
    index = (RULES_DOCS / "index.md").read_text()
    for code, rule in all_rules().items():
        assert f"| [{code}]({code}.md) | {rule.summary.replace('*', chr(92) + '*')} |" in index


def test_no_page_for_a_code_that_does_not_exist() -> None:
    pages = {p.stem for p in RULES_DOCS.glob("*.md")} - {"index"}
    assert pages <= set(all_rules())
