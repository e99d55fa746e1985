"""Escaping in the views is total: entity forms, bare URLs and comment ends in data stay text."""

from __future__ import annotations

import re

import pytest
from charter_cli import charter
from checking import copy_views, edit

from charter.views.lineage import label
from charter.views.markdown import cell, code, notice


@pytest.mark.parametrize(
    ("typed", "lookalike"),
    [
        ("<a href=x>", "#lt;a href=x#gt;"),
        ('say "hi"', "say #quot;hi#quot;"),
        ("#35;", "#"),
        ("a & b", "a #amp; b"),
    ],
)
def test_mermaid_labels_keep_distinct_names_distinct(typed: str, lookalike: str) -> None:
    assert label(typed) != label(lookalike)


def test_mermaid_labels_hold_no_raw_markup() -> None:
    escaped = label('<img src=x onerror=alert(1)> "q" #lt;')
    assert not set('<>"') & set(escaped)
    assert re.fullmatch(r"([^#]|#(35|quot|amp|lt|gt);)*", escaped)


def test_bare_urls_in_cells_are_inert() -> None:
    escaped = cell("see https://evil.example/login or WWW.evil.example and javascript://x")
    assert "://" not in escaped
    assert "www." not in escaped.lower()
    assert escaped == (
        "see https&#58;//evil.example/login or WWW&#46;evil.example and javascript&#58;//x"
    )


def test_entities_typed_in_a_cell_show_as_typed() -> None:
    assert cell("&lt;b&gt; & <b>") == "&amp;lt;b&amp;gt; &amp; &lt;b&gt;"


def test_data_never_closes_the_header_comment() -> None:
    line = notice(code("governance/c--><script>alert(1)</script>"))
    assert line.count("-->") == 1 and line.endswith("-->")
    assert "--" not in line[len("<!--") : -len("-->")]


def test_a_catalog_path_holding_a_comment_end_stays_in_the_comment(tmp_path) -> None:
    project = copy_views(tmp_path)
    features = project / "governance" / "features"
    odd = project / "governance" / "f--><script>alert(1)<script>"
    features.rename(odd)
    edit(
        project / "pyproject.toml",
        'features = "governance/features/catalog.yaml"',
        f'features = "governance/{odd.name}/catalog.yaml"',
    )
    result = charter("docs", cwd=project)
    assert result.returncode == 0, result.stderr
    for view in (project / "docs").glob("*.md"):
        first = view.read_text().splitlines()[0]
        assert first.count("-->") == 1 and first.endswith("-->"), (view.name, first)
        body = re.sub(r"`[^`]*`", "", view.read_text().split("\n", 1)[1])  # code is text
        assert "<script>" not in body, view.name
