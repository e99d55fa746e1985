"""PRJ012: a `charter` source that only this machine can resolve is a warning."""

from __future__ import annotations

import pytest
from checking import copy_good, findings

SHARED = 'charter = { git = "https://git.example.org/ml/charter.git", rev = "4f1c2e9" }'


def with_source(tmp_path, source: str):
    project = copy_good(tmp_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f"\n[tool.uv.sources]\n{source}\n")
    return project


@pytest.mark.fails_with("PRJ012")
@pytest.mark.parametrize(
    ("source", "where"),
    [
        ('charter = { git = "file:///home/ada/charter", rev = "4f1c2e9" }', "file:///home/ada"),
        ('charter = { git = "./charter", rev = "4f1c2e9" }', "./charter"),
        ('charter = { path = "../charter", editable = true }', "../charter"),
        ('charter = { path = "/opt/charter" }', "/opt/charter"),
    ],
    ids=["file-url", "relative-git-path", "relative-path-outside", "absolute-path"],
)
def test_a_machine_local_source_warns_and_says_how_to_fix(tmp_path, source, where):
    project = with_source(tmp_path, source)
    exit_code, found = findings(project)
    assert exit_code == 0, "a warning does not fail the check"
    [finding] = [f for f in found if f["code"] == "PRJ012"]
    assert finding["severity"] == "warning"
    assert (finding["path"], finding["line"]) == ("pyproject.toml", 14)
    assert where in finding["message"]
    assert "teammates' machines and CI cannot resolve" in finding["message"]
    assert "_src_path" in finding["message"]


@pytest.mark.parametrize(
    "source",
    [
        SHARED,
        'charter = { git = "ssh://git@git.example.org/ml/charter.git" }',
        'charter = { git = "git@git.example.org:ml/charter.git" }',
        'charter = { path = "vendor/charter" }',
        'charter = "not a table"',
    ],
    ids=["https", "ssh", "scp-like", "path-inside-the-project", "not-a-table"],
)
def test_a_shared_source_passes(tmp_path, source):
    project = with_source(tmp_path, source)
    assert "PRJ012" not in {f["code"] for f in findings(project)[1]}


def test_no_sources_table_passes(tmp_path):
    assert "PRJ012" not in {f["code"] for f in findings(copy_good(tmp_path))[1]}
