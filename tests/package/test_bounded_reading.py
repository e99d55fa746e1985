"""Hostile artifacts end in a located finding: no hang, no memory blow-up, no internal error.

Each test is one repro of the Reliability issue, run through the real CLI in a
subprocess with a time cap and (for the memory repros) an address-space cap.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from checking import copy_good, edit, findings
from templating import clean_env

CONTRACT = "governance/contracts/visits.odcs.yaml"
CATALOG = "governance/features/catalog.yaml"
CARD = "governance/models/risk/card.md"
MEMORY_CAP = 1024 * 2**20
"""A generous bound for one `charter check` of the fixture project (it needs ~100 MB)."""


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def check_capped(project: Path, timeout: float = 60) -> tuple[int, list[dict], str]:
    """`charter check --format json` under a memory cap; TimeoutExpired fails the test (a hang)."""
    result = subprocess.run(
        [sys.executable, "-m", "charter", "check", "--format", "json"],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_capped,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.returncode, result.stderr)
    return result.returncode, json.loads(result.stdout)["findings"], result.stderr


def at(rows: list[dict], path: str) -> list[tuple[str, str]]:
    return [(r["code"], r["message"]) for r in rows if r["path"] == path]


def _billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.fails_with("PRJ020")
def test_contract_that_is_a_fifo_is_reported_without_hanging(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / CONTRACT).unlink()
    os.mkfifo(project / CONTRACT)
    rows = check_capped(project, timeout=30)[1]
    assert at(rows, CONTRACT) == [("PRJ020", "is a FIFO (named pipe), not a regular file")]


def test_contract_symlinked_to_dev_zero_is_refused(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / CONTRACT).unlink()
    (project / CONTRACT).symlink_to("/dev/zero")
    rows = check_capped(project, timeout=30)[1]
    assert at(rows, CONTRACT) == [("PRJ020", "resolves to /dev/zero, outside the project")]


@pytest.mark.fails_with("PRJ022")
def test_billion_laugh_bomb_contract_is_refused_within_the_memory_cap(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / CONTRACT).write_text(_billion_laughs(), "utf-8")
    rows = check_capped(project, timeout=30)[1]
    found = at(rows, CONTRACT)
    assert [code for code, _ in found] == ["PRJ022"], found
    assert "aliases expand" in found[0][1]


@pytest.mark.fails_with("PRJ021")
def test_oversize_card_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    with (project / CARD).open("a", encoding="utf-8") as stream:
        stream.write("padding line of a pasted log\n" * 400_000)
    rows = check_capped(project)[1]
    assert at(rows, CARD) == [("PRJ021", "file is larger than 5 MB, the limit for an artifact")]


def test_yaml_of_too_many_values_is_refused_before_it_takes_memory(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    with (project / CONTRACT).open("a", encoding="utf-8") as stream:
        stream.write("examples:\n" + "  - {row: 1}\n" * 90_000)
    result = subprocess.run(
        [sys.executable, "-m", "charter", "check", "--format", "json"],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    rows = json.loads(result.stdout)["findings"]
    found = at(rows, CONTRACT)
    assert [code for code, _ in found] == ["PRJ022"], found
    assert "more than 250,000 values" in found[0][1]


def test_deeply_nested_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    nested = "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(150)) + "  " * 150 + "x\n"
    (project / CATALOG).write_text(nested, "utf-8")
    rows = check_capped(project)[1]
    found = [r for r in rows if r["path"] == CATALOG]
    assert [(r["code"], r["line"]) for r in found] == [("PRJ022", 101)], found


def test_catalog_symlinked_outside_the_repository_is_a_finding(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    outside = tmp_path / "elsewhere.yaml"
    outside.write_bytes((project / CATALOG).read_bytes())
    (project / CATALOG).unlink()
    (project / CATALOG).symlink_to(outside)
    rows = check_capped(project)[1]
    message = f"resolves to {outside.resolve()}, outside the project"
    assert at(rows, CATALOG) == [("PRJ020", message)]


@pytest.mark.parametrize("kind", ["directory", "fifo", "dangling symlink"])
def test_catalog_that_is_not_a_regular_file_is_not_taken_as_absent(
    tmp_path: Path, kind: str
) -> None:
    project = copy_good(tmp_path)
    catalog = project / CATALOG
    catalog.unlink()
    if kind == "directory":
        catalog.mkdir()
    elif kind == "fifo":
        os.mkfifo(catalog)
    else:
        catalog.symlink_to("missing.yaml")
    rows = check_capped(project, timeout=30)[1]
    assert [code for code, _ in at(rows, CATALOG)] == ["PRJ020"], rows


@pytest.mark.parametrize(
    ("artifact", "link"),
    [
        (CARD, "dangling"),
        (CARD, "loop"),
        ("runs/20261201-120000-abcd/manifest.json", "dangling"),
        ("runs/20261201-120000-abcd/manifest.json", "loop"),
    ],
)
def test_card_or_manifest_that_is_a_broken_symlink_is_reported(
    tmp_path: Path, artifact: str, link: str
) -> None:
    project = copy_good(tmp_path)
    path = project / artifact
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.symlink_to("gone.md" if link == "dangling" else path.name)
    rows = check_capped(project)[1]
    found = at(rows, artifact)
    assert [code for code, _ in found] == ["PRJ020"], rows
    assert ("dangling symlink" if link == "dangling" else "symlink loop") in found[0][1]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('models = "README.md"', "models: 'README.md' is not a folder"),
        ('runs = "../../.."', "runs: '../../..' is outside the project"),
        ('contracts = "/etc"', "contracts: '/etc' is outside the project"),
        ('features = "governance"', "features: 'governance' is a folder"),
    ],
)
def test_artifact_locations_must_be_folders_inside_the_project(
    tmp_path: Path, setting: str, message: str
) -> None:
    project = copy_good(tmp_path)
    (project / "README.md").write_text("# Clinic\n", "utf-8")
    key = setting.split(" ", maxsplit=1)[0]
    pyproject = project / "pyproject.toml"
    old = next(line for line in pyproject.read_text().splitlines() if line.startswith(f"{key} ="))
    edit(pyproject, old, setting)
    rows = findings(project)[1]
    prj005 = [r["message"] for r in rows if r["code"] == "PRJ005"]
    assert len(prj005) == 1, rows
    assert message in prj005[0]


def test_non_utf8_copier_answers_is_a_located_finding(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / ".copier-answers.yml").write_bytes(b"_commit: v1.0.0\n_src_path: x\nname: caf\xe9\n")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True, env=clean_env())
    rows = check_capped(project)[1]
    located = [(r["path"], r["line"], r["code"]) for r in rows]
    assert located == [(".copier-answers.yml", 3, "PRJ001")]


@pytest.mark.parametrize("kind", ["fifo", "directory", "symlink out", "too large"])
def test_dvc_yaml_that_cannot_be_read_is_not_taken_as_absent(tmp_path: Path, kind: str) -> None:
    """The pipeline file is read like any artifact: a FIFO must not hang or pass as no pipeline."""
    project = copy_good(tmp_path)
    pipeline = project / "dvc.yaml"
    if kind == "fifo":
        os.mkfifo(pipeline)
    elif kind == "directory":
        pipeline.mkdir()
    elif kind == "symlink out":
        outside = tmp_path / "dvc.yaml"
        outside.write_text("stages: {}\n")
        pipeline.symlink_to(outside)
    else:
        pipeline.write_text("stages: {}\n" + "# padding\n" * 600_000)
    rows = check_capped(project, timeout=30)[1]
    expected = "PRJ021" if kind == "too large" else "PRJ020"
    assert [code for code, _ in at(rows, "dvc.yaml")] == [expected], rows


def test_dvc_yaml_with_a_yaml_error_is_left_to_dvc(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / "dvc.yaml").write_text("stages: [unclosed\n")
    code, rows = findings(project)
    assert code == 0, rows
    assert at(rows, "dvc.yaml") == []
