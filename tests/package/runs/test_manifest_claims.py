"""Manifests are checked for what they claim: each tamper of issue 11 is a located finding.

Each test edits one honest manifest the way a person or tool could, and
asserts the finding (code and line) that `charter check` reports, never a
crash and never silence.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from charter_cli import charter
from mini_project import make, run_pipeline
from templating import clean_env, git

from charter.fingerprint import fingerprint
from charter.project import Project
from charter.rules import check

CATALOG = """\
apiVersion: charter.dev/feature-catalog/v1
features:
  - name: total
    version: 1
    status: active
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
    root = make(tmp_path_factory.mktemp("claims") / "mini")
    (root / "governance" / "features").mkdir(parents=True)
    (root / "governance" / "features" / "catalog.yaml").write_text(CATALOG)
    (root / "governance" / "contracts").mkdir()
    (root / "governance" / "contracts" / "numbers.odcs.yaml").write_text(CONTRACT)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "governance", cwd=root)
    run_pipeline(root)
    return root


def copy_of(honest: Path, tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "project"
    shutil.copytree(honest, root, symlinks=True)
    return root, next((root / "runs").glob("*/manifest.json"))


def edited(honest: Path, tmp_path: Path, change: Callable[[dict], None]) -> Path:
    root, manifest = copy_of(honest, tmp_path)
    data = json.loads(manifest.read_text())
    change(data)
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    return root


def findings(root: Path, *select: str) -> list[tuple[str, int, str]]:
    return [(f.code, f.line, f.message) for f in check(Project.load(root), select=list(select))]


def line_of(root: Path, text: str) -> int:
    manifest = next((root / "runs").glob("*/manifest.json"))
    return next(n for n, line in enumerate(manifest.read_text().splitlines(), 1) if text in line)


def test_the_honest_run_has_no_finding(honest: Path):
    assert findings(honest, "RUN", "PRJ") == []


# -- RUN001: what no run can claim ---------------------------------------------


def test_feature_version_in_superscript_digits_is_a_finding(honest: Path, tmp_path: Path):
    root = edited(honest, tmp_path, lambda d: d["features"].append("bmi@²"))
    [(code, line, message)] = findings(root, "RUN")
    assert (code, line) == ("RUN001", line_of(root, "bmi@"))
    assert "bmi@" in message


def test_cli_reports_superscript_feature_version_without_internal_error(
    honest: Path, tmp_path: Path
):
    root = edited(honest, tmp_path, lambda d: d["features"].append("bmi@²"))
    result = charter("check", cwd=root)
    assert result.returncode == 1, result.stderr
    assert "RUN001" in result.stdout
    assert "internal error" not in result.stderr + result.stdout


def test_manifest_nested_2000_deep_is_a_finding(honest: Path, tmp_path: Path):
    root, manifest = copy_of(honest, tmp_path)
    text = manifest.read_text()
    manifest.write_text(
        text.replace('"params": {', '"params": {"deep": ' + "[" * 2000 + "]" * 2000 + ",", 1)
    )
    [(code, _line, message)] = findings(root, "RUN")
    assert code == "RUN001"
    assert "nested more than" in message


@pytest.mark.parametrize(("value", "shown"), [(float("nan"), "NaN"), (float("-inf"), "-Infinity")])
def test_non_finite_metric_is_a_finding(honest: Path, tmp_path: Path, value: float, shown: str):
    root = edited(honest, tmp_path, lambda d: d["metrics"].update(score=value))
    [(code, line, message)] = findings(root, "RUN")
    assert (code, line) == ("RUN001", line_of(root, '"score"'))
    assert f"{shown} is not a number JSON allows" in message


def test_duplicate_json_key_is_a_finding(honest: Path, tmp_path: Path):
    root, manifest = copy_of(honest, tmp_path)
    text = manifest.read_text()
    manifest.write_text(text.replace('"metrics": {', '"metrics": {\n    "score": 99.0,', 1))
    [(code, line, message)] = findings(root, "RUN")
    assert code == "RUN001"
    assert "duplicate key 'score'" in message
    lines = manifest.read_text().splitlines()
    assert '"score"' in lines[line - 1] and "99.0" not in lines[line - 1]  # the second one


def test_empty_outputs_are_a_finding(honest: Path, tmp_path: Path):
    root = edited(honest, tmp_path, lambda d: d.update(outputs=[]))
    [(code, line, message)] = findings(root, "RUN")
    assert (code, line) == ("RUN001", line_of(root, '"outputs"'))
    assert "no outputs recorded" in message


def test_end_before_start_is_a_finding(honest: Path, tmp_path: Path):
    root = edited(honest, tmp_path, lambda d: d.update(end_time="2001-01-01T00:00:00Z"))
    [(code, line, message)] = findings(root, "RUN")
    assert (code, line) == ("RUN001", line_of(root, '"end_time"'))
    assert "before it starts" in message


@pytest.mark.parametrize(
    ("kind", "uri", "reason"),
    [
        ("inputs", "/etc/passwd", "absolute path"),
        ("inputs", "file:///etc/passwd", "file: URI"),
        ("outputs", "../../elsewhere/result.json", "leaves the project"),
        ("outputs", "artifacts/../../x.json", "leaves the project"),
    ],
)
def test_uri_outside_the_project_is_a_finding(
    honest: Path, tmp_path: Path, kind: str, uri: str, reason: str
):
    root = edited(honest, tmp_path, lambda d: d[kind][0].update(uri=uri))
    [(code, line, message)] = findings(root, "RUN")
    assert (code, line) == ("RUN001", line_of(root, json.dumps(uri)[1:-1]))
    assert reason in message


@pytest.mark.parametrize("target", ["/nonexistent/manifest.json", "manifest.json"])
def test_dangling_or_looping_symlink_manifest_is_a_finding(
    honest: Path, tmp_path: Path, target: str
):
    root, manifest = copy_of(honest, tmp_path)
    manifest.unlink()
    manifest.symlink_to(target)  # "manifest.json" -> itself: a loop
    reported = [(f.code, f.path) for f in check(Project.load(root))]
    assert [code for code, path in reported if path == manifest] == ["PRJ020"]


# -- RUN010 to RUN014: what the repository contradicts ----------------------------


@pytest.mark.fails_with("RUN010")
def test_run010_run_folder_without_manifest(honest: Path, tmp_path: Path):
    root, _manifest = copy_of(honest, tmp_path)
    (root / "runs" / "20261201T120000Z-abcdef").mkdir()
    (root / "artifacts" / "20261201T130000Z-123456").mkdir(parents=True)
    (root / "artifacts" / "plots").mkdir()  # not named like a run: not a run's folder
    reported = [(f.code, f.path.name) for f in check(Project.load(root), select=["RUN010"])]
    assert reported == [
        ("RUN010", "20261201T130000Z-123456"),
        ("RUN010", "20261201T120000Z-abcdef"),
    ]


@pytest.mark.fails_with("RUN011")
def test_run011_edited_bytes(honest: Path, tmp_path: Path):
    root = edited(
        honest, tmp_path, lambda d: d["inputs"][0].update(bytes=d["inputs"][0]["bytes"] + 1)
    )
    [(code, line, message)] = findings(root, "RUN")
    assert (code, line) == ("RUN011", line_of(root, '"bytes"'))
    assert "records 7 bytes" in message and "has 6" in message


@pytest.mark.fails_with("RUN011")
def test_run011_edited_rows_of_a_parquet_input(honest: Path, tmp_path: Path):
    root, manifest = copy_of(honest, tmp_path)
    data_file = root / "data" / "numbers.parquet"
    pl.DataFrame({"n": [1, 2, 3]}).write_parquet(data_file)
    data = json.loads(manifest.read_text())
    data["inputs"][0].update(
        uri="data/numbers.parquet",
        fingerprint=fingerprint(data_file),
        bytes=data_file.stat().st_size,
        rows=3,
    )
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    assert findings(root, "RUN") == []  # the true row count passes
    data["inputs"][0]["rows"] = 442
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    [(code, line, message)] = findings(root, "RUN")
    assert (code, line) == ("RUN011", line_of(root, '"rows"'))
    assert "records 442 rows" in message and "has 3" in message


@pytest.mark.fails_with("RUN012")
def test_run012_commit_made_after_the_run(honest: Path, tmp_path: Path):
    root, manifest = copy_of(honest, tmp_path)
    data = json.loads(manifest.read_text())
    git("add", "-A", cwd=root)
    env = {**clean_env(), "GIT_COMMITTER_DATE": "2099-01-01T00:00:00Z"}
    git("commit", "--quiet", "-m", "record the run", cwd=root, env=env)
    data["code"]["commit"] = git("rev-parse", "HEAD", cwd=root).strip()
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    [(code, line, message)] = findings(root, "RUN")
    assert (code, line) == ("RUN012", line_of(root, '"commit"'))
    assert "after the run started" in message


@pytest.mark.fails_with("RUN012")
def test_run012_commit_on_another_line_of_history(honest: Path, tmp_path: Path):
    root, manifest = copy_of(honest, tmp_path)
    git("switch", "--quiet", "--orphan", "elsewhere", cwd=root)
    git("commit", "--quiet", "--allow-empty", "-m", "unrelated", cwd=root)
    other = git("rev-parse", "HEAD", cwd=root).strip()
    git("switch", "--quiet", "main", cwd=root)
    data = json.loads(manifest.read_text())
    data["code"]["commit"] = other
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    codes = [code for code, _line, _message in findings(root, "RUN")]
    assert "RUN012" in codes
    [message] = [m for code, _line, m in findings(root, "RUN012")]
    assert "another line of history" in message or "after the run started" in message


@pytest.mark.fails_with("RUN013")
@pytest.mark.parametrize("entry_point", ["http.server", "this"])
def test_run013_entry_point_not_the_project_pipeline(
    honest: Path, tmp_path: Path, entry_point: str
):
    root = edited(honest, tmp_path, lambda d: d["code"].update(entry_point=entry_point))
    [(code, line, message)] = findings(root, "RUN")
    assert (code, line) == ("RUN013", line_of(root, '"entry_point"'))
    assert f"{entry_point!r} is not the project's pipeline (mini.pipeline)" in message


@pytest.mark.fails_with("RUN014")
def test_run014_input_symlinked_outside_the_project(honest: Path, tmp_path: Path):
    root, _manifest = copy_of(honest, tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.move(root / "data" / "numbers.csv", outside / "numbers.csv")
    (root / "data" / "numbers.csv").symlink_to(outside / "numbers.csv")
    [(code, line, message)] = findings(root, "RUN")
    assert (code, line) == ("RUN014", line_of(root, '"uri": "data/numbers.csv"'))
    assert "resolves outside the project" in message
