"""The stages are modules: replacing ingest alone moves the pipeline onto another source.

In a copy of the default (worked example) project, the ingest stage is replaced
by one that reads a CSV export of the same patient table, tracked with `dvc
add`. Only ingest's module and its own `dvc.yaml` entry change; the pipeline
runs, records the run with the same metrics, and `charter check` stays clean.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml
from conftest import run

pytestmark = pytest.mark.generated

RAW = "data/raw/patients.parquet"
EXPORT = "data/raw/patients_export.csv"
CONTRACT = "governance/contracts/patients.odcs.yaml"

CSV_INGEST = '''"""Ingest stage: the raw patient table, from the CSV export it is sent."""

from pathlib import Path

import polars as pl
from charter import runtime

from .data import settings

EXPORT = Path("data/raw/patients_export.csv")


@runtime.stage
def main() -> None:
    """Write the raw snapshot from the export."""
    runtime.write_parquet(pl.read_csv(EXPORT), settings().raw)


if __name__ == "__main__":
    raise SystemExit(main())
'''


def pipeline(root: Path):
    return run("uv", "run", "--locked", "nox", "-s", "pipeline", cwd=root)


def recorded(root: Path, result) -> dict:
    line = next(line for line in result.stdout.splitlines() if "run recorded in" in line)
    return json.loads((root / line.split()[-1]).read_text())


def changed_files(root: Path) -> set[str]:
    status = run("git", "status", "--porcelain", "--untracked-files=all", cwd=root).stdout
    return {line[3:] for line in status.splitlines()}


def test_an_ingest_reading_a_csv_export_changes_no_other_stage(
    generated_project: Path, tmp_path: Path
):
    root = tmp_path / "swap"
    shutil.copytree(generated_project, root, ignore=shutil.ignore_patterns(".venv"), symlinks=True)
    run("uv", "sync", "--locked", "--quiet", cwd=root)
    before = recorded(root, pipeline(root))
    shutil.rmtree(root / "runs" / before["run_id"])
    run("git", "add", "dvc.lock", cwd=root)
    run("git", "commit", "--quiet", "--no-verify", "-m", "First run", cwd=root)
    stages = yaml.safe_load((root / "dvc.yaml").read_text())["stages"]

    pl.read_parquet(root / RAW).write_csv(root / EXPORT)  # the same table, as another team sends it
    (root / RAW).unlink()
    run("uv", "run", "--frozen", "dvc", "add", EXPORT, cwd=root)
    [ingest] = (root / "src").glob("*/ingest.py")
    ingest.write_text(CSV_INGEST)
    swapped = dict(stages)
    swapped["ingest"] = {
        **stages["ingest"],
        "deps": [*stages["ingest"]["deps"], EXPORT],
        "meta": {"charter": {"contracts": {EXPORT: CONTRACT}}},
    }
    (root / "dvc.yaml").write_text(yaml.safe_dump({"stages": swapped}, sort_keys=False))
    package = ingest.parent.relative_to(root).as_posix()
    assert changed_files(root) == {f"{package}/ingest.py", "dvc.yaml", f"{EXPORT}.dvc"}
    run("git", "add", "-A", cwd=root)  # commit, run, commit the run
    run("git", "commit", "--quiet", "--no-verify", "-m", "Ingest the export", cwd=root)

    result = pipeline(root)
    after = recorded(root, result)
    assert "Running stage 'ingest'" in result.stdout
    assert after["metrics"] == before["metrics"]
    assert after["features"] == before["features"]
    by_uri = {item["uri"]: item for item in after["inputs"]}
    assert set(by_uri) == {RAW, EXPORT}
    assert by_uri[RAW]["rows"] == by_uri[EXPORT]["rows"] == 442
    new = yaml.safe_load((root / "dvc.yaml").read_text())["stages"]
    assert {k: v for k, v in new.items() if k != "ingest"} == {
        k: v for k, v in stages.items() if k != "ingest"
    }
    assert after["code"]["dirty"] is False
    assert changed_files(root) == {"dvc.lock", f"runs/{after['run_id']}/manifest.json"}
    checked = run("uv", "run", "--frozen", "charter", "check", cwd=root, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
