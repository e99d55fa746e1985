"""Generated tier: a rule plugin installed from the lock runs in a generated project.

A tiny plugin package is written to a temporary folder, added to a generated
project as a path dependency (`uv add --frozen`, then `uv lock`: PyPI only),
installed with `uv sync --locked`, and then shows up everywhere a built-in
rule does: `charter check`, its settings table, `charter rule --write-docs`.
"""

from __future__ import annotations

import json

import pytest
from conftest import build_project, run
from plugin_package import tiny_rule, write_package

pytestmark = pytest.mark.generated

CONTRACT = "governance/contracts/patients.odcs.yaml"


@pytest.fixture(scope="module")
def project(template_repo, tmp_path_factory):
    """A generated project with the `tiny-rules` plugin locked and installed."""
    root = tmp_path_factory.mktemp("plugin")
    plugin = write_package(root / "tiny-rules", "tiny-rules", "TINY", tiny_rule())
    project = build_project(template_repo, root / "p")
    run("uv", "add", "--frozen", "--dev", plugin, cwd=project)
    run("uv", "lock", "--quiet", cwd=project)
    run("uv", "sync", "--locked", "--quiet", cwd=project)
    return project


def check(project, *args):
    result = run(
        "uv", "run", "--frozen", "charter", "check", "--format", "json", *args,
        cwd=project, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)["findings"]


def set_settings(project, text: str) -> None:
    pyproject = project / "pyproject.toml"
    body = pyproject.read_text().split("\n[tool.charter.tiny]\n")[0]
    pyproject.write_text(body.rstrip("\n") + "\n\n[tool.charter.tiny]\n" + text)


def test_the_plugin_is_locked_and_its_rule_runs(project):
    lock = (project / "uv.lock").read_text()
    assert 'name = "tiny-rules"' in lock
    code, found = check(project)
    assert code == 1
    errors = [f for f in found if f["severity"] == "error"]  # PRJ012 warns: a file:// template
    assert [(f["code"], f["path"]) for f in errors] == [("TINY001", CONTRACT)]
    assert errors[0]["message"] == "tiny contract, owner nobody"  # the schema's default


def test_the_plugin_settings_are_read_and_validated(project):
    set_settings(project, 'owner = "Platform team"\n')
    _code, found = check(project, "--select", "TINY,PRJ005")
    assert [f["message"] for f in found] == ["tiny contract, owner Platform team"]
    set_settings(project, "owner = 3\n")
    code, found = check(project, "--select", "PRJ005")
    assert code == 1
    assert [f["message"] for f in found] == [
        "[tool.charter.tiny] owner: 3 is not of type 'string' (settings of plugin tiny-rules)"
    ]


def test_the_project_renders_the_plugin_rule_pages(project):
    run("uv", "run", "--frozen", "charter", "rule", "--write-docs", "docs/rules", cwd=project)
    page = (project / "docs/rules/TINY001.md").read_text()
    assert page.startswith("# TINY001: Contract is tiny\n")
    index = (project / "docs/rules/index.md").read_text()
    assert "## TINY: Tiny rules" in index
    assert "[CON001](CON001.md)" in index  # Charter's own rules stay listed
