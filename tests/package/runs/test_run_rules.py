"""RUN rules: each has a passing fixture (an honest run) and a failing one."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from mini_project import make, run_pipeline
from templating import git

from charter.project import Project
from charter.rules import check

CATALOG = """\
apiVersion: charter.dev/feature-catalog/v1
features:
  - name: total
    version: 1
    status: active
  - name: count
    version: 1
    status: deprecated
"""

CONTRACT = """\
apiVersion: v3.1.0
kind: DataContract
id: numbers
version: 1.0.0
status: active
"""


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed mini project with one honest run, a catalog and a contract."""
    root = make(tmp_path_factory.mktemp("rules") / "mini")
    (root / "governance" / "features").mkdir(parents=True)
    (root / "governance" / "features" / "catalog.yaml").write_text(CATALOG)
    (root / "governance" / "contracts").mkdir()
    (root / "governance" / "contracts" / "numbers.odcs.yaml").write_text(CONTRACT)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "governance", cwd=root)
    run_pipeline(root)
    return root


def run_codes(root: Path) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in check(Project.load(root), select=["RUN"])]


def with_manifest(honest: Path, tmp_path: Path, change: Callable[[dict], None]) -> Path:
    root = tmp_path / "project"
    shutil.copytree(honest, root)
    manifest = next((root / "runs").glob("*/manifest.json"))
    data = json.loads(manifest.read_text())
    change(data)
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    return root


def line_of(root: Path, text: str) -> int:
    manifest = next((root / "runs").glob("*/manifest.json"))
    return next(n for n, line in enumerate(manifest.read_text().splitlines(), 1) if text in line)


def test_honest_run_passes_every_run_rule(honest: Path):
    assert run_codes(honest) == []


@pytest.mark.fails_with("RUN001")
def test_run001_invalid_manifest(honest: Path, tmp_path: Path):
    root = with_manifest(honest, tmp_path, lambda d: d.pop("outputs"))
    assert [code for code, _ in run_codes(root)] == ["RUN001"]


@pytest.mark.fails_with("RUN002")
def test_run002_commit_missing(honest: Path, tmp_path: Path):
    root = with_manifest(honest, tmp_path, lambda d: d["code"].update(commit="f" * 40))
    assert run_codes(root) == [("RUN002", line_of(root, '"commit"'))]


@pytest.mark.fails_with("RUN003")
def test_run003_lock_differs_from_commit(honest: Path, tmp_path: Path):
    root = with_manifest(honest, tmp_path, lambda d: d["environment"].update(lock_sha256="0" * 64))
    assert run_codes(root) == [("RUN003", line_of(root, '"lock_sha256"'))]


def test_run003_lock_changed_after_the_run_is_not_a_finding(honest: Path, tmp_path: Path):
    root = with_manifest(honest, tmp_path, lambda d: None)
    (root / "uv.lock").write_text("version = 2\n")  # later edits do not rewrite history
    assert run_codes(root) == []


@pytest.mark.fails_with("RUN004")
def test_run004_no_seeds(honest: Path, tmp_path: Path):
    root = with_manifest(honest, tmp_path, lambda d: d.update(seeds={}))
    assert [code for code, _ in run_codes(root)] == ["RUN004"]


def test_run004_params_edited_after_the_run(honest: Path, tmp_path: Path):
    root = with_manifest(honest, tmp_path, lambda d: d["params"].update(scale=3))
    assert run_codes(root) == [("RUN004", line_of(root, '"params_hash"'))]


@pytest.mark.fails_with("RUN005")
def test_run005_unknown_feature(honest: Path, tmp_path: Path):
    root = with_manifest(honest, tmp_path, lambda d: d.update(features=["total@2"]))
    assert run_codes(root) == [("RUN005", line_of(root, '"total@2"'))]


@pytest.mark.fails_with("RUN009")
def test_run009_feature_not_active(honest: Path, tmp_path: Path):
    root = with_manifest(honest, tmp_path, lambda d: d.update(features=["total@1", "count@1"]))
    [finding] = check(Project.load(root), select=["RUN"])
    assert (finding.code, finding.line) == ("RUN009", line_of(root, '"count@1"'))
    assert "'deprecated'" in finding.message


@pytest.mark.fails_with("RUN006")
def test_run006_unknown_contract(honest: Path, tmp_path: Path):
    root = with_manifest(
        honest, tmp_path, lambda d: d["inputs"][0]["contract"].update(id="customers")
    )
    assert run_codes(root) == [("RUN006", line_of(root, '"customers"'))]


@pytest.mark.fails_with("RUN007")
def test_run007_dirty_tree_is_a_warning(honest: Path, tmp_path: Path):
    root = with_manifest(honest, tmp_path, lambda d: d["code"].update(dirty=True))
    [finding] = check(Project.load(root), select=["RUN"])
    assert (finding.code, finding.severity) == ("RUN007", "warning")


@pytest.mark.fails_with("RUN008")
def test_run008_run_id_differs_from_folder(honest: Path, tmp_path: Path):
    root = with_manifest(honest, tmp_path, lambda d: d.update(run_id="another-run"))
    assert run_codes(root) == [("RUN008", line_of(root, '"run_id"'))]


def test_many_runs_with_known_and_unknown_commits(honest: Path, tmp_path: Path):
    root = tmp_path / "project"
    shutil.copytree(honest, root)
    manifest = next((root / "runs").glob("*/manifest.json"))
    data = json.loads(manifest.read_text())
    for index in range(60):
        copy = root / "runs" / f"run-{index:02d}" / "manifest.json"
        copy.parent.mkdir()
        commit = data["code"]["commit"] if index % 2 else f"{index:040x}"
        copy.write_text(
            json.dumps(
                dict(data, run_id=f"run-{index:02d}", code={**data["code"], "commit": commit})
            )
        )
    codes = [f.code for f in check(Project.load(root), select=["RUN002", "RUN003"])]
    assert codes == ["RUN002"] * 30


def test_run002_and_run003_share_one_git_process(
    honest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Project asks git once per invocation; the rules ask Project (real git, counted)."""
    log = tmp_path / "git.log"
    shim = tmp_path / "bin" / "git"
    shim.parent.mkdir()
    real = shutil.which("git")
    shim.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    project = Project.load(honest)
    assert check(project, select=["RUN002", "RUN003"]) == []
    calls = log.read_text().splitlines()
    assert [c for c in calls if c.startswith("cat-file")] == ["cat-file --batch"]
    assert len([c for c in calls if c.startswith("rev-parse")]) <= 1


def _committed(honest: Path, tmp_path: Path) -> Path:
    """The honest project with its run committed: the manifest names X and lands in X+1."""
    root = shutil.copytree(honest, tmp_path / "origin")
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "record the run", cwd=root)
    return root


@pytest.mark.fails_with("RUN015")
def test_run015_a_shallow_clone_gets_one_finding_saying_what_to_fetch(honest: Path, tmp_path: Path):
    origin = _committed(honest, tmp_path)
    clone = tmp_path / "shallow"
    git("clone", "--quiet", "--depth", "1", f"file://{origin}", str(clone), cwd=tmp_path)
    findings = check(Project.load(clone), select=["RUN"])
    assert [(f.code, f.line) for f in findings] == [("RUN015", line_of(clone, '"commit"'))]
    assert "git fetch --unshallow" in findings[0].message
    assert "fetch-depth: 0" in findings[0].message

    git("fetch", "--quiet", "--unshallow", cwd=clone)  # what the finding says to do
    assert run_codes(clone) == []


def test_run015_a_full_clone_and_a_shallow_one_holding_the_commit_are_clean(
    honest: Path, tmp_path: Path
):
    origin = _committed(honest, tmp_path)
    full = tmp_path / "full"
    git("clone", "--quiet", f"file://{origin}", str(full), cwd=tmp_path)
    assert run_codes(full) == []
    deep_enough = tmp_path / "depth2"
    git("clone", "--quiet", "--depth", "2", f"file://{origin}", str(deep_enough), cwd=tmp_path)
    assert run_codes(deep_enough) == []


def test_run002_still_reports_a_lost_commit_in_a_full_clone(honest: Path, tmp_path: Path):
    root = with_manifest(honest, tmp_path, lambda d: d["code"].update(commit="f" * 40))
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "a run whose commit is gone", cwd=root)
    full = tmp_path / "full"
    git("clone", "--quiet", f"file://{root}", str(full), cwd=tmp_path)
    assert [code for code, _ in run_codes(full)] == ["RUN002"]


def committed_history(honest: Path, tmp_path: Path, catalog: str) -> Path:
    """`honest` with its run committed, then the catalog moved on (and committed too)."""
    root = tmp_path / "project"
    shutil.copytree(honest, root)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "the run", cwd=root)
    (root / "governance" / "features" / "catalog.yaml").write_text(catalog)
    git("commit", "--quiet", "-am", "catalog moves on", cwd=root)
    return root


BUMPED = CATALOG.replace(
    "    status: active\n",
    "    status: deprecated\n  - name: total\n    version: 2\n    status: active\n",
    1,
)


def test_committed_run_stays_valid_after_its_feature_is_deprecated(honest: Path, tmp_path: Path):
    """History is immutable: RUN009 judges new runs, not a run committed before the bump."""
    root = committed_history(honest, tmp_path, BUMPED)
    assert run_codes(root) == []


def test_committed_run_stays_valid_after_its_feature_leaves_the_catalog(
    honest: Path, tmp_path: Path
):
    root = committed_history(honest, tmp_path, CATALOG.replace("name: total", "name: sum"))
    assert run_codes(root) == []


def test_new_run_on_a_deprecated_feature_is_still_reported(honest: Path, tmp_path: Path):
    root = tmp_path / "project"
    shutil.copytree(honest, root)  # the run is not committed: a new run
    (root / "governance" / "features" / "catalog.yaml").write_text(BUMPED)
    assert [code for code, _ in run_codes(root)] == ["RUN009"]


def _cite_the_run(root: Path) -> None:
    run = next((root / "runs").glob("*/manifest.json")).relative_to(root).as_posix()
    card = root / "governance" / "models" / "scorer" / "card.md"
    card.parent.mkdir(parents=True)
    card.write_text(CARD.replace("run_manifest: null", f"run_manifest: {run}"))


def test_committed_run_a_card_cites_stands_after_a_bump(honest: Path, tmp_path: Path):
    """The bump's own commit must pass: the card's model stands until the next run."""
    root = committed_history(honest, tmp_path, BUMPED)
    _cite_the_run(root)
    assert run_codes(root) == []


def test_committed_run_a_card_cites_is_reported_on_a_draft_feature(honest: Path, tmp_path: Path):
    """A card presents its run now: a feature it used must have been reviewed."""
    root = committed_history(honest, tmp_path, CATALOG.replace("status: active", "status: draft"))
    _cite_the_run(root)
    assert run_codes(root) == [("RUN009", line_of(root, '"total@1"'))]


CARD = """\
---
license: mit
library_name: sklearn
model-index:
  - name: scorer
    results:
      - task: {type: tabular-regression}
        dataset: {type: numbers, name: Numbers}
        metrics:
          - {type: score, value: 0.0}
governance:
  apiVersion: charter/v1
  owner: "@ada"
  features: [total@1]
  contracts: [numbers]
  run_manifest: null
---

# Model Card for scorer
"""
