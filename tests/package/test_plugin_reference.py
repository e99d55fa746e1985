"""docs/guide/plugins.md says what a rule can read, generated from the code it describes.

The Project reference is rendered from `Project` and the models it holds
(fields, properties, methods, their annotations and docstrings); the committed
page must equal the rendering, and the page's table of `charter.plugin` must
name every name the module exports and every form of `at`.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import shutil
from pathlib import Path

import pytest
from charter_cli import charter

from charter import plugin as plugin_api
from charter import plugin_reference
from charter.project import Project

PAGE = Path(__file__).resolve().parents[2] / "docs/guide/plugins.md"


def section(text: str, heading: str) -> str:
    start = text.index(f"### `{heading}`\n")
    following = text.find("\n### ", start + 1)
    return text[start : following if following > 0 else len(text)]


def test_the_committed_reference_is_the_generated_one() -> None:
    assert not plugin_reference.is_stale(PAGE), "run `charter rule --write-reference` on it"


@pytest.mark.parametrize("model", plugin_reference.models(), ids=lambda cls: cls.__name__)
def test_every_field_of_every_model_is_on_the_page_with_its_type(model: type) -> None:
    text = section(PAGE.read_text("utf-8"), model.__name__)
    public = [f for f in dataclasses.fields(model) if not f.name.startswith("_")]
    assert public, model
    for item in public:
        kind = re.sub(r"\b[a-z_]+\.(?=[A-Z])", "", str(item.type))
        assert f"| `{item.name}` | `{kind}` |" in text, (model.__name__, item.name)


def test_what_the_issue_had_to_find_by_introspection_is_documented() -> None:
    text = PAGE.read_text("utf-8")
    assert "| `team` | `list[TeamMember]` |" in section(text, "Contract")
    assert "| `document` | `Document` |" in section(text, "Card")
    assert "| `manifests` | `list[Manifest]` |" in section(text, "Project")
    assert "| `roles()` | `Roles` |" in section(text, "Project")
    assert "| `answers()` | `dict[str, Any]` |" in section(text, "Project")
    roles = section(text, "Roles")
    for role in ("data_owner", "model_owner", "product_owner", "privacy_reviewer"):
        assert f"| `{role}` | `str | None` |" in roles


def test_every_model_a_project_attribute_holds_is_documented() -> None:
    documented = {cls.__name__ for cls in plugin_reference.models()}
    named = {
        word
        for item in dataclasses.fields(Project)
        if not item.name.startswith("_")
        for word in re.findall(r"\b[A-Z]\w+", re.sub(r"\b[a-z_]+\.", "", str(item.type)))
    }
    assert named - {"Path", "None"} <= documented


def test_every_promised_project_method_exists_and_is_documented() -> None:
    for name in plugin_reference.PROJECT_METHODS:
        method = getattr(Project, name)
        assert inspect.getdoc(method), name


def test_the_plugin_table_names_every_export_and_every_form_of_at() -> None:
    text = PAGE.read_text("utf-8")
    table = text[text.index("| name | what it is |") : text.index("```python")]
    rows = [line.split(" | ")[0] for line in table.splitlines() if line.startswith("| `")]
    for name in plugin_api.__all__:
        assert any(re.search(rf"`{name}[`(]|, `{name}`", row) for row in rows), name
    assert "| `at(document, pointer, message)` |" in table
    assert '| `at(document, "", message)` |' in table
    assert "| `at(document, pointer, message, key=True)` |" in table
    keywords = inspect.signature(plugin_api.at).parameters
    assert all(name in table for name in keywords)
    assert "settings=()" in table  # rule's keyword
    assert "| `charter.plugin.testing` |" in table


def test_check_reference_names_a_stale_page_and_write_reference_fixes_it(tmp_path: Path) -> None:
    page = Path(shutil.copy(PAGE, tmp_path / "plugins.md"))
    assert charter("rule", "--check-reference", page).returncode == 0
    page.write_text(page.read_text().replace("| `team` | `list[TeamMember]` |", "| `team` | `x` |"))
    stale = charter("rule", "--check-reference", page)
    assert (stale.returncode, stale.stdout) == (
        1,
        f"{page}: stale; run `charter rule --write-reference {page}`\n",
    )
    assert charter("rule", "--write-reference", page).stdout == f"wrote {page}\n"
    assert page.read_text() == PAGE.read_text()
    assert charter("rule", "--write-reference", page).stdout == ""  # nothing to do


def test_a_page_without_the_markers_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    page = tmp_path / "plugins.md"
    page.write_text("# Rule plugins\n")
    result = charter("rule", "--check-reference", page)
    assert result.returncode == 2
    assert result.stderr.startswith(f"charter rule: {page}: the page has no ")
    assert len(result.stderr.splitlines()) == 1
    assert charter("rule", "--write-reference", page).returncode == 2
    assert page.read_text() == "# Rule plugins\n"
    both = charter("rule", "CON001", "--check-reference", page)
    assert both.returncode == 2
    missing = charter("rule", "--write-reference", tmp_path / "nope.md")
    assert (missing.returncode, missing.stderr) == (
        2,
        f"charter rule: no file {tmp_path}/nope.md\n",
    )
