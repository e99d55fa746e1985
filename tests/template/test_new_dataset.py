"""`charter new dataset`, and the team loop of docs/guide/own-data.md walked on public tables.

Fast tier: bad input is one sentence, exit 2, and nothing written. Generated
tier: in a project generated without the example, the guide's own commands
(read from its `<!-- walk: STEP -->` blocks, so a wrong step in the guide
fails here) bring in scikit-learn's breast-cancer table (a classification,
without an identifier: `--add-id`) and statsmodels' Grunfeld panel (a
regression with an 11-value text column and a composite key), each read from
its package's own folder, never downloaded from a data host. Between the
commands the test makes the hand edits a team makes (the contracts' to-do
list, the catalog's statuses, a changed feature), counts the files it edited
and times each step; `charter check` is green at every commit, with nothing
ignored and no run deleted. After the first run, a fresh clone (the `.dvc`
file, not the data) runs `nox -s tests` on the committed fixture, and the
team's remote (`data_remote`, a folder) is as the pipeline left it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from charter_cli import charter
from conftest import build_project, run
from templating import REPO

GUIDE = REPO / "docs" / "guide" / "own-data.md"
WALK = re.compile(r"<!-- walk: ([\w-]+) -->\n```console\n(.*?)```", re.S)


def guide_steps() -> dict[str, list[str]]:
    """The guide's walked commands, per step, in order."""
    steps = {name: [] for name, _ in WALK.findall(GUIDE.read_text(encoding="utf-8"))}
    for name, block in WALK.findall(GUIDE.read_text(encoding="utf-8")):
        steps[name] = [line[2:] for line in block.splitlines() if line.startswith("$ ")]
    return steps


def test_the_guide_walks_every_step_of_the_loop() -> None:
    steps = guide_steps()
    assert list(steps) == ["new-dataset", "features", "run", "bump", "after-bump"]
    assert steps["new-dataset"][0].startswith("uv run charter new dataset tumours ")


# ---------------------------------------------------------------- fast tier: bad input


@pytest.fixture
def skeleton(render) -> Path:
    return render(example_pipeline=False)


def test_an_unknown_target_is_one_sentence_and_nothing_is_written(
    skeleton: Path, tmp_path: Path
) -> None:
    table = tmp_path / "t.csv"
    table.write_text("a,b\n1,x\n2,y\n")
    before = sorted(p.relative_to(skeleton) for p in skeleton.rglob("*") if ".git" not in p.parts)
    result = charter("new", "dataset", "t", "--from", table, "--target", "c", cwd=skeleton)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "no column 'c' to predict; name the target with --target (the columns: a, b)" in (
        result.stderr
    )
    after = sorted(p.relative_to(skeleton) for p in skeleton.rglob("*") if ".git" not in p.parts)
    assert after == before


def test_an_id_that_repeats_is_refused(skeleton: Path, tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("k,y\n1,2.5\n1,3.5\n")
    result = charter("new", "dataset", "t", "--from", table, "--target", "y", "--id", "k",
                     cwd=skeleton)  # fmt: skip
    assert result.returncode == 2
    assert "1 repeated values; an identifier has one distinct value on every row" in result.stderr


def test_a_project_without_data_settings_is_told_what_to_do(render, tmp_path: Path) -> None:
    project = render(example_pipeline=False)
    params = project / "configs" / "pipeline.yaml"
    text = params.read_text()
    params.write_text(text[text.index("seeds:") :])
    table = tmp_path / "t.csv"
    table.write_text("a,y\n1,2\n")
    result = charter("new", "dataset", "t", "--from", table, "--target", "y", cwd=project)
    assert result.returncode == 2
    assert "no `data:` settings" in result.stderr
    assert "copier update" in result.stderr


# ---------------------------------------------------------------- generated tier: the walk


def breast_cancer(python: Path, dest: Path) -> None:
    """scikit-learn's shipped breast_cancer.csv, with one header line of snake_case names."""
    script = f"""
import re, polars as pl
from sklearn.datasets import load_breast_cancer
bunch = load_breast_cancer()
names = [re.sub(r"\\W+", "_", n).strip("_").lower() for n in bunch.feature_names]
frame = pl.DataFrame(bunch.data, schema=names)
labels = [str(bunch.target_names[t]) for t in bunch.target]
frame.with_columns(pl.Series("diagnosis", labels)).write_csv({str(dest)!r})
"""
    subprocess.run([str(python), "-c", script], check=True, capture_output=True)


def grunfeld(dest: Path, wheels: Path) -> None:
    """statsmodels' shipped grunfeld.csv, read from its wheel (pip, from the package index)."""
    run("uvx", "pip", "download", "statsmodels", "--no-deps", "--only-binary=:all:",
        "--quiet", "-d", wheels, cwd=wheels.parent)  # fmt: skip
    wheel = next(wheels.glob("statsmodels-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        dest.write_bytes(archive.read("statsmodels/datasets/grunfeld/grunfeld.csv"))


def fill_to_do_list(path: Path) -> None:
    """What the domain expert and the privacy reviewer write: every CON014 item answered."""
    contract = yaml.safe_load(path.read_text(encoding="utf-8"))
    contract["description"] = {
        "purpose": "The walk's public table.",
        "usage": "Charter's tests.",
        "limitations": "A public research extract.",
    }
    for table in contract["schema"]:
        table["description"] = "One row per case."
        for quality in table.get("quality", []):
            quality["description"] = "Confirmed."
        for prop in table["properties"]:
            prop["description"] = f"The {prop['name'].replace('_', ' ')}."
            entries = [e for e in prop["customProperties"] if e["property"] != "draftedRange"]
            for entry in entries:
                entry.pop("description", None)
            kinds = {entry["property"] for entry in entries}
            if prop["logicalType"] in ("number", "integer") and "unit" not in kinds:
                entries.append({"property": "unit", "value": "1"})
            if not prop["required"] and "missingValues" not in kinds:
                entries.append({"property": "missingValues", "value": "keep-null"})
            prop["customProperties"] = entries
            for quality in prop.get("quality", []):
                quality["description"] = "Confirmed."
    header = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(header + "\n" + yaml.safe_dump(contract, sort_keys=False), encoding="utf-8")


def activate_features(catalog: Path) -> None:
    text = catalog.read_text(encoding="utf-8").replace("status: draft", "status: active")
    text = re.sub(r"'TODO\(feature-owner\): what (\w+) means, with its unit\.'", r"The \1.", text)
    text = re.sub(
        r"'TODO\(feature-owner\): why a model should read (\w+)\.'", r"The data shows \1 matters.", text
    )
    catalog.write_text(text, encoding="utf-8")


class Walk:
    """Runs the guide's commands in one project, timing each step and counting hand edits."""

    def __init__(self, project: Path, downloads: Path) -> None:
        self.project = project
        self.downloads = downloads
        self.times: dict[str, float] = {}
        self.edited: set[str] = set()

    def shell(self, command: str) -> subprocess.CompletedProcess[str]:
        command = command.replace("~/Downloads/", f"{self.downloads}/")
        if "RUN_ID" in command:
            command = command.replace("RUN_ID", self.newest_run())
        return run("bash", "-c", command, cwd=self.project)

    def step(self, name: str, commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
        start = time.monotonic()
        done = [self.shell(command) for command in commands]
        self.times[name] = round(time.monotonic() - start, 1)
        return done

    def edit(self, name: str, change) -> None:
        start = time.monotonic()
        change()
        self.times[name] = round(time.monotonic() - start, 1)

    def hand(self, relative: str) -> Path:
        self.edited.add(relative)
        return self.project / relative

    def newest_run(self) -> str:
        runs = sorted(
            (self.project / "runs").glob("*/manifest.json"), key=lambda p: p.stat().st_mtime
        )
        return runs[-1].parent.name

    def check(self) -> None:
        found = run("uv", "run", "--frozen", "charter", "check", cwd=self.project, check=False)
        assert found.returncode == 0, found.stdout + found.stderr


def remote_files(remote: Path) -> dict[str, int]:
    return {p.relative_to(remote).as_posix(): p.stat().st_size for p in remote.rglob("*")}


def clone_runs_the_tests(walk: Walk, clone: Path, source: str, team_remote: Path) -> None:
    """A clone has the `.dvc` file, not the data: its tests run on the committed fixture,
    without `dvc pull`, and leave the team's remote (`data_remote`, a folder) as it was."""
    pushed = remote_files(team_remote)
    assert pushed, "the pipeline pushed the team's data to its remote"
    start = time.monotonic()
    run("git", "clone", "--quiet", walk.project, clone, cwd=clone.parent)
    assert (clone / f"{source}.dvc").is_file()
    assert not (clone / source).exists()
    assert (clone / "tests" / "fixtures" / Path(source).name).is_file()
    run("uv", "sync", "--locked", "--quiet", cwd=clone)
    tested = run("uv", "run", "--frozen", "nox", "-s", "tests", cwd=clone, check=False)
    walk.times["tests in a fresh clone"] = round(time.monotonic() - start, 1)
    output = tested.stdout + tested.stderr
    assert tested.returncode == 0, output
    assert re.search(r"\d+ passed", output), output
    assert not re.search(r"\d+ skipped", output), output  # every test had its data
    assert remote_files(team_remote) == pushed, "the tests pushed to the team's remote"


TABLES = [
    pytest.param(
        {
            "file": "tumours.csv",
            "command": None,  # the guide's own
            "contracts": ["tumours", "tumours_source"],
            "features": None,  # the guide's own
            "task": "tabular-classification",
            "metrics": {"accuracy", "balanced_accuracy", "roc_auc", "f1", "log_loss"},
            "feature": "mean_radius",
        },
        id="breast-cancer-classification",
    ),
    pytest.param(
        {
            "file": "grunfeld.csv",
            "command": "uv run charter new dataset grunfeld --from ~/Downloads/grunfeld.csv "
            "--target invest --replace-sample",
            "contracts": ["grunfeld"],
            "features": [
                "uv run charter new feature value --from grunfeld.value",
                "uv run charter new feature capital --from grunfeld.capital",
            ],
            "task": "tabular-regression",
            "metrics": {"r2", "mae", "rmse"},
            "feature": "value",
        },
        id="grunfeld-regression",
    ),
]


@pytest.mark.generated
@pytest.mark.parametrize("table", TABLES)
def test_the_team_loop_on_a_public_table(template_repo: Path, tmp_path: Path, table: dict) -> None:
    steps = guide_steps()
    start = time.monotonic()
    team_remote = tmp_path / "team-remote"  # the team's shared remote, a folder here
    answers = {"example_pipeline": False, "data_remote": str(team_remote)}
    project = build_project(template_repo, tmp_path / "team", answers)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    walk = Walk(project, downloads)
    walk.times["generate"] = round(time.monotonic() - start, 1)
    if table["file"] == "tumours.csv":
        breast_cancer(project / ".venv" / "bin" / "python", downloads / "tumours.csv")
    else:
        grunfeld(downloads / "grunfeld.csv", tmp_path / "wheels")

    made = walk.step("new dataset", [table["command"] or steps["new-dataset"][0]])
    assert "removed" in made[0].stdout  # the sample is gone, and nothing is left failing
    assert not (project / "tests" / "test_sample.py").exists()
    settings = yaml.safe_load((project / "configs/pipeline.yaml").read_text())["data"]
    assert settings["task"] == table["task"]
    assert settings["contract"] == table["contracts"][0]

    def to_do() -> None:
        for contract in table["contracts"]:
            fill_to_do_list(walk.hand(f"governance/contracts/{contract}.odcs.yaml"))

    walk.edit("fill the to-do list", to_do)
    walk.step("add features", table["features"] or steps["features"])
    walk.edit("activate the features", lambda: activate_features(walk.hand(
        "governance/features/catalog.yaml")))  # fmt: skip
    walk.check()
    walk.step("commit, run, sync, commit", steps["run"])
    manifests = sorted(project.glob("runs/*/manifest.json"))
    assert len(manifests) == 1
    metrics = json.loads(manifests[0].read_text())["metrics"]
    assert set(metrics) == table["metrics"]
    card = (project / "governance/models/baseline/card.md").read_text()
    assert f"pipeline_tag: {table['task']}" in card
    walk.check()
    clone_runs_the_tests(walk, tmp_path / "clone", settings["source"], team_remote)

    # Change a feature the documented way: bump, then change its function.
    feature = table["feature"]
    bump = [c.replace("mean_radius", feature) for c in steps["bump"]]
    walk.step("feature bump", bump)
    module = next(project.glob("src/*/features.py")).relative_to(project).as_posix()

    def change() -> None:
        path = walk.hand(module)
        text = path.read_text()
        text = text.replace(
            f'return pl.col("{feature}")\n', f'return pl.col("{feature}") * 2.0\n', 1
        )
        path.write_text(text)

    walk.edit("change the feature", change)
    walk.step("commit, run, sync, commit again", steps["after-bump"])
    walk.check()
    assert len(list(project.glob("runs/*/manifest.json"))) == 2  # no run deleted
    status = run("git", "status", "--porcelain", cwd=project).stdout
    assert status == ""
    ignored = (project / "pyproject.toml").read_text()
    assert "ignore" not in ignored.split("[tool.charter]")[-1].split("\n[")[0]

    report = {"table": table["file"], "hand_edited": sorted(walk.edited), "seconds": walk.times}
    print(json.dumps(report), file=sys.stderr)
    sample_to_own_data = walk.edited - {module}
    assert len(sample_to_own_data) <= 3, sample_to_own_data
