"""The run manifest written from dvc.lock: what DVC ran, plus what Charter declares."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from templating import git

from charter import runtime
from charter.formats import manifest as manifest_format
from charter.runs.record import AlreadyRecordedError, RunError

CONTRACT = Path(__file__).parents[1] / "data" / "patients.odcs.yaml"


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A committed project whose dvc.lock matches its files, as after `dvc repro`."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "configs").mkdir()
    (root / "governance" / "contracts").mkdir(parents=True)
    (root / "governance" / "features").mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "p"\n[tool.charter]\nruns = "records"\n'
    )
    (root / "uv.lock").write_text("version = 1\n")
    (root / ".gitignore").write_text("/data/\n/out/\n")
    shutil.copy(CONTRACT, root / "governance" / "contracts" / "patients.odcs.yaml")
    (root / "governance" / "features" / "catalog.yaml").write_text(
        "apiVersion: charter/v1\nkind: FeatureCatalog\nfeatures: []\n"
    )
    (root / "configs" / "pipeline.yaml").write_text("seeds:\n  split: 3\nmodel:\n  alpha: 1.0\n")
    data = root / "data" / "patients.csv"
    data.write_text("patient_id\nP1\nP2\n")
    (root / "out").mkdir()
    (root / "out" / "model.json").write_text("{}\n")
    (root / "out" / "metrics.json").write_text('{"r2": 0.5, "note": "x"}\n')
    stages = {
        "train": {
            "cmd": "python -m p.train",
            "deps": ["data/patients.csv"],
            "params": [{"configs/pipeline.yaml": ["seeds", "model"]}],
            "outs": ["out/model.json"],
            "metrics": ["out/metrics.json"],
            "meta": {
                "charter": {
                    "contracts": {"data/patients.csv": "governance/contracts/patients.odcs.yaml"},
                    "models": ["scorer"],
                }
            },
        }
    }
    entry = lambda p: {"path": p, "md5": md5(root / p), "size": (root / p).stat().st_size}  # noqa: E731
    lock = {
        "schema": "2.0",
        "stages": {
            "train": {
                "cmd": "python -m p.train",
                "deps": [entry("data/patients.csv")],
                "params": {
                    "configs/pipeline.yaml": {"seeds": {"split": 3}, "model": {"alpha": 1.0}}
                },
                "outs": [entry("out/metrics.json"), entry("out/model.json")],
            }
        },
    }
    (root / "dvc.yaml").write_text(yaml.safe_dump({"stages": stages}))
    git("init", "--quiet", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "project", cwd=root)
    (root / "dvc.lock").write_text(yaml.safe_dump(lock))  # new after a repro: not "dirty"
    return root


def test_the_manifest_comes_from_dvc_lock(project: Path):
    path = runtime.record_run(project, run_id="r1")
    assert path == project / "records" / "r1" / "manifest.json"  # [tool.charter] runs
    manifest = json.loads(path.read_text())
    manifest_format.load(path)  # schema-valid
    [data] = manifest["inputs"]
    assert data["uri"] == "data/patients.csv"
    assert data["md5"] == md5(project / "data" / "patients.csv")
    assert data["fingerprint"].startswith("blake3:")
    assert data["rows"] == 2
    assert data["contract"]["id"] == "patients"
    assert manifest["params"] == {"model": {"alpha": 1.0}}
    assert manifest["seeds"] == {"split": 3}
    assert manifest["metrics"] == {"r2": 0.5}
    assert manifest["models"] == ["scorer"]
    assert [o["name"] for o in manifest["outputs"]] == ["metrics", "model"]
    assert all(o["md5"] for o in manifest["outputs"])
    lock_sha = hashlib.sha256((project / "dvc.lock").read_bytes()).hexdigest()
    assert manifest["dvc"] == {"lock_sha256": lock_sha, "stages": ["train"]}
    assert manifest["code"]["dirty"] is False


def test_parquet_rows_follow_the_file_not_a_remembered_answer(project: Path, monkeypatch):
    """Rows come from remembered file facts (a rerun reads no Parquet), keyed by the file's
    identity: a rewritten file is counted again."""
    import polars as pl  # noqa: PLC0415

    monkeypatch.setenv("XDG_CACHE_HOME", str(project.parent / "cache"))
    monkeypatch.delenv("CHARTER_NO_CACHE", raising=False)
    stages = yaml.safe_load((project / "dvc.yaml").read_text())
    train = stages["stages"]["train"]
    train["deps"] = ["data/patients.parquet"]
    train["meta"]["charter"]["contracts"] = {
        "data/patients.parquet": "governance/contracts/patients.odcs.yaml"
    }
    (project / "dvc.yaml").write_text(yaml.safe_dump(stages))
    data = project / "data" / "patients.parquet"

    def write(rows: int) -> None:
        pl.DataFrame({"patient_id": [f"P{n}" for n in range(rows)]}).write_parquet(data)
        lock = yaml.safe_load((project / "dvc.lock").read_text())
        lock["stages"]["train"]["deps"] = [{"path": "data/patients.parquet", "md5": md5(data)}]
        (project / "dvc.lock").write_text(yaml.safe_dump(lock))

    rows = []
    for count, run_id in ((3, "r1"), (3, "r2"), (5, "r3")):
        write(count)
        recorded = runtime.record_run(project, run_id=run_id, allow_dirty=True)  # dvc.yaml edited
        manifest = json.loads(recorded.read_text())
        rows.append(manifest["inputs"][0]["rows"])
    assert rows == [3, 3, 5]


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda root: (root / "data" / "patients.csv").write_text("patient_id\nP9\n"), "changed"),
        (lambda root: (root / "out" / "model.json").unlink(), "is missing"),
        (
            lambda root: (root / "configs" / "pipeline.yaml").write_text(
                "seeds:\n  split: 4\nmodel:\n  alpha: 1.0\n"
            ),
            "parameter seeds",
        ),
    ],
    ids=["data", "output", "params"],
)
def test_a_stale_pipeline_is_not_recorded(project: Path, edit, words: str):
    edit(project)
    with pytest.raises(runtime.RunError, match="dvc status is not clean") as error:
        runtime.record_run(project, run_id="r1")
    assert words in str(error.value)
    assert not (project / "records").exists()


def test_a_pipeline_never_run_is_not_recorded(project: Path):
    (project / "dvc.lock").unlink()
    with pytest.raises(runtime.RunError, match=r"dvc.lock is missing: run `dvc repro`"):
        runtime.record_run(project, run_id="r1")


def pip003(project: Path, *, staged: bool = False) -> list[str]:
    from charter.project import Project  # noqa: PLC0415
    from charter.rules import check  # noqa: PLC0415

    loaded = Project.load(project, staged=staged)
    return [f"{f.code} {f.message}" for f in check(loaded, select=["PIP003"])]


@pytest.mark.fails_with("PIP003")
def test_a_new_manifest_must_match_the_dvc_lock(project: Path):
    runtime.record_run(project, run_id="r1")
    assert pip003(project) == []
    (project / "dvc.lock").write_text((project / "dvc.lock").read_text() + "# later repro\n")
    [finding] = pip003(project)
    assert finding.startswith("PIP003 run r1 was written from a dvc.lock with sha256")


@pytest.mark.fails_with("PIP003")
def test_a_commit_must_carry_the_dvc_lock_of_its_run(project: Path):
    runtime.record_run(project, run_id="r1")
    git("add", "records", cwd=project)  # the manifest staged, its dvc.lock not
    [finding] = pip003(project, staged=True)
    assert "is now missing" in finding
    git("add", "dvc.lock", cwd=project)
    assert pip003(project, staged=True) == []


def test_a_committed_manifest_may_be_older_than_dvc_lock(project: Path):
    runtime.record_run(project, run_id="r1")
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "-m", "run r1", cwd=project)
    (project / "dvc.lock").write_text((project / "dvc.lock").read_text() + "# later repro\n")
    assert pip003(project) == []


def test_uncommitted_code_records_no_run_and_says_why(project: Path):
    """Runs come from committed code: the stages may run, the record waits for a commit."""
    (project / "configs" / "extra.yaml").write_text("x: 1\n")  # untracked
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text() + "\n")
    with pytest.raises(RunError) as error:
        runtime.record_run(project, run_id="r1")
    message = str(error.value)
    assert message.startswith("the stages ran, but no run was recorded: uncommitted changes in ")
    assert "configs/extra.yaml" in message and "pyproject.toml" in message
    assert "--allow-dirty" in message
    assert not (project / "records").exists()


def test_allow_dirty_records_a_run_marked_dirty(project: Path):
    (project / "configs" / "extra.yaml").write_text("x: 1\n")
    path = runtime.record_run(project, run_id="r1", allow_dirty=True)
    assert json.loads(path.read_text())["code"]["dirty"] is True


def test_an_unchanged_rerun_records_no_second_run_and_names_the_first(project: Path):
    first = runtime.record_run(project, run_id="r1")
    with pytest.raises(AlreadyRecordedError) as error:
        runtime.record_run(project, run_id="r2")
    assert error.value.manifest == first
    assert "run r1 already records this code" in str(error.value)
    assert not (project / "records" / "r2").exists()
    # the documented loop: commit the run; the same code and dvc.lock still record nothing
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "-m", "run r1", cwd=project)
    with pytest.raises(AlreadyRecordedError):
        runtime.record_run(project, run_id="r3")
    # a new dvc.lock (a stage reran on changed data or code) is a new run
    (project / "dvc.lock").write_text((project / "dvc.lock").read_text() + "# later repro\n")
    assert runtime.record_run(project, run_id="r4").is_file()


def test_a_commit_that_changes_code_records_a_new_run(project: Path):
    runtime.record_run(project, run_id="r1")
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "-m", "run r1", cwd=project)
    (project / "configs" / "notes.md").write_text("a change of the project\n")
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "-m", "more", cwd=project)
    assert runtime.record_run(project, run_id="r2").is_file()


def test_an_input_is_hashed_once_per_recording(project: Path, monkeypatch):
    """The remembered file facts already hashed a new input: recording takes their
    fingerprint instead of reading the whole file again."""
    from charter import fingerprint as fingerprint_module  # noqa: PLC0415
    from charter.runs import record  # noqa: PLC0415

    monkeypatch.setenv("XDG_CACHE_HOME", str(project.parent / "cache"))
    monkeypatch.delenv("CHARTER_NO_CACHE", raising=False)
    hashed: list[Path] = []
    real = fingerprint_module.fingerprint

    def counting(path: Path) -> str:
        hashed.append(Path(path))
        return real(path)

    monkeypatch.setattr(fingerprint_module, "fingerprint", counting)
    monkeypatch.setattr(record, "fingerprint", counting)
    manifest = json.loads(runtime.record_run(project, run_id="r1").read_text())
    data = project / "data" / "patients.csv"
    assert hashed.count(data) == 1
    assert manifest["inputs"][0]["fingerprint"] == real(data)
