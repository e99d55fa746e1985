"""The generated validate stage takes its engine and dataset location from the params.

The rendered project's stage runs as `python -m <package>.validate` against this
environment's charter (as tests/package/test_pipeline_messages.py does), after
configs/pipeline.yaml's `data.raw` is pointed at a hive-partitioned dataset folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from templating import clean_env
from test_pipeline_messages import CONFIG, OUTPUTS, package, patients, project, rendered

__all__ = ["patients", "project", "rendered"]  # fixtures used by the tests below


def _point_at(root: Path, frame, engine: str) -> Path:
    dataset = root / "data" / "lake" / "patients"
    for (sex,), part in frame.group_by("sex", maintain_order=True):
        folder = dataset / f"sex={sex}"
        folder.mkdir(parents=True)
        part.drop("sex").write_parquet(folder / "part-0.parquet")
    config = yaml.safe_load((root / CONFIG).read_text(encoding="utf-8"))
    config["validate"] = {"engine": engine}
    config["data"]["raw"] = "data/lake/patients"
    (root / CONFIG).write_text(yaml.safe_dump(config), encoding="utf-8")
    return dataset


def _validate_stage(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**clean_env(), "PYTHONPATH": str(root / "src")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run(
        [sys.executable, "-m", f"{package(root)}.validate"],
        cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_the_rendered_params_name_the_engine_and_the_data(rendered: Path):
    config = yaml.safe_load((rendered / CONFIG).read_text(encoding="utf-8"))
    assert config["validate"] == {"engine": "polars"}
    assert config["data"]["raw"] == "data/raw/patients.parquet"
    dvc = yaml.safe_load((rendered / "dvc.yaml").read_text(encoding="utf-8"))
    assert {"configs/pipeline.yaml": ["data", "validate"]} in dvc["stages"]["validate"]["params"]


def test_the_validate_stage_checks_the_dataset_the_params_name(project: Path, patients):
    _point_at(project, patients, "polars")
    result = _validate_stage(project)
    assert result.returncode == 0, result.stderr
    record = json.loads((project / OUTPUTS["validate"]).read_text())
    assert (record["input"], record["engine"], record["rows"]) == (
        "data/lake/patients",
        "polars",
        442,
    )


def test_an_unknown_engine_in_the_params_stops_the_stage_in_one_sentence(project: Path, patients):
    _point_at(project, patients, "duckdb")
    result = _validate_stage(project)
    assert result.returncode != 0
    assert "unknown engine 'duckdb'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / OUTPUTS["validate"]).exists()


@pytest.mark.spark
def test_the_validate_stage_runs_on_spark_when_the_params_say_so(project: Path, patients, spark):
    _point_at(project, patients, "spark")
    result = _validate_stage(project)
    assert result.returncode == 0, result.stderr
    record = json.loads((project / OUTPUTS["validate"]).read_text())
    assert (record["engine"], record["rows"]) == ("spark", 442)
