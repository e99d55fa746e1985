"""The DVC files of a rendered project: remote, extras, settings, ignore rules, stages."""

from __future__ import annotations

import configparser
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml


def dvc_config(project: Path) -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(project / ".dvc" / "config")
    return config


def dev_dependencies(project: Path) -> list[str]:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["dependency-groups"]["dev"]


@pytest.mark.parametrize("example", [True, False], ids=["example", "skeleton"])
def test_the_default_remote_is_an_absolute_folder_outside_the_project(render, example: bool):
    project = render(example_pipeline=example)
    config = dvc_config(project)
    assert config["core"]["remote"] == "local"
    assert config["core"]["analytics"] == "false"
    assert config["core"]["check_update"] == "false"
    url = Path(config["'remote \"local\"'"]["url"])
    assert url.is_absolute()
    assert not url.is_relative_to(project)
    assert "dvc>=3.60" in dev_dependencies(project)
    assert (project / ".dvc" / ".gitignore").read_text().split() == [
        "/config.local",
        "/tmp",
        "/cache",
    ]


@pytest.mark.parametrize(
    ("remote", "extra"),
    [
        ("s3://bucket/data", "dvc[s3]>=3.60"),
        ("gs://bucket/data", "dvc[gs]>=3.60"),
        ("azure://container/data", "dvc[azure]>=3.60"),
        ("ssh://host/srv/data", "dvc[ssh]>=3.60"),
        ("/mnt/shared/dvc", "dvc>=3.60"),
    ],
)
def test_a_data_remote_becomes_the_team_remote_with_its_extra(render, remote: str, extra: str):
    project = render(data_remote=remote)
    config = dvc_config(project)
    assert config["core"]["remote"] == "team"
    assert config["'remote \"team\"'"]["url"] == remote
    assert extra in dev_dependencies(project)


def test_git_sees_dvc_files_under_data_but_not_the_data(render, tmp_path: Path):
    project = render()
    subprocess.run(["git", "init", "--quiet"], cwd=project, check=True)
    for name in ("raw/patients.parquet", "raw/patients.parquet.dvc", "interim/x.csv"):
        (project / "data" / name).write_text("x\n")
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "data/raw/patients.parquet", "data/interim/x.csv",
         "data/raw/patients.parquet.dvc", "data/raw/.gitkeep"],
        cwd=project, capture_output=True, text=True, check=False,
    ).stdout.split()  # fmt: skip
    assert ignored == ["data/raw/patients.parquet", "data/interim/x.csv"]


@pytest.mark.parametrize("example", [True, False], ids=["example", "skeleton"])
def test_every_stage_is_a_module_with_main_and_an_owner(render, example: bool):
    project = render(example_pipeline=example)
    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    assert list(stages) == ["ingest", "validate", "features", "train", "evaluate"]
    codeowners = (project / "CODEOWNERS").read_text()
    [package] = [p.name for p in (project / "src").iterdir() if p.is_dir()]
    for name, stage in stages.items():
        module = f"src/{package}/{name}.py"
        assert stage["cmd"] == f"python -m {package}.{name}"
        assert module in stage["deps"]
        assert (
            "def main" in (project / module).read_text()
            or "main = " in (project / module).read_text()
        )
        assert f"/{module}" in codeowners


@pytest.mark.parametrize("example", [True, False], ids=["example", "skeleton"])
def test_every_dependency_is_shipped_or_made_by_an_earlier_stage(render, example: bool):
    """Both answers give a pipeline that can run from the first commit: nothing is missing."""
    project = render(example_pipeline=example)
    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    made: set[str] = set()
    for name, stage in stages.items():
        for dep in stage["deps"]:
            assert dep in made or (project / dep).is_file(), f"{name} needs {dep}"
        params = [next(iter(item)) for item in stage.get("params", [])]
        assert all((project / path).is_file() for path in params), name
        for out in [*stage.get("outs", []), *stage.get("metrics", [])]:
            made.add(out if isinstance(out, str) else next(iter(out)))
        for path, contract in stage.get("meta", {}).get("charter", {}).get("contracts", {}).items():
            # made by an earlier stage, or the source file ingest reads (shipped or DVC-tracked)
            assert path in made or (project / path).is_file(), f"{name}: {path} comes from nowhere"
            assert (project / contract).is_file(), contract
    [model] = stages["train"]["meta"]["charter"]["models"]
    assert (project / "governance" / "models" / model / "card.md").is_file()
