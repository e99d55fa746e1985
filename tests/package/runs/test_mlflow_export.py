"""`charter runs export --to mlflow` against real MLflow servers (SQLite and PostgreSQL backends).

The servers are started here on 127.0.0.1 and stopped after the session;
what was logged is read back with MLflow's own client (`search_runs`), and a
second export must change nothing.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from mini_project import make
from mlflow import MlflowClient

from charter.cli import main
from charter.formats import manifest as manifest_format
from charter.runs import Run, write_text

MLFLOW = Path(sys.executable).with_name("mlflow")
SERVER_START = 300
"""Seconds a server may take to answer (about 40 s on two loaded cores)."""


def record(root: Path, run_id: str, *, alpha: float, seed: int, r2: float, model: str) -> None:
    """One run through the recording API the generated pipeline uses."""
    run = Run(
        root,
        entry_point="mini.pipeline",
        params={"model": {"alpha": alpha, "kind": "ridge"}, "scale": 2, "flags": [1, 2]},
        seeds={"noise": seed},
        run_id=run_id,
    )
    numbers = root / "data" / "numbers.csv"
    numbers.parent.mkdir(exist_ok=True)
    numbers.write_text("1\n2\n3\n")
    run.record_input("numbers", numbers, rows=3, contract=("numbers", "1.0.0"))
    run.record_features([("total", 1)])
    run.record_model(model)
    out = root / "artifacts" / run_id / "result.json"
    write_text(out, json.dumps({"r2": r2}))
    run.record_output("result", out)
    run.finish({"r2": r2, "rmse": round(1 - r2, 6)})


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make(tmp_path_factory.mktemp("export") / "mini")
    record(root, "a1-s1", alpha=1, seed=1, r2=0.40, model="scorer")
    record(root, "a1-s2", alpha=1, seed=2, r2=0.42, model="scorer")
    record(root, "a2-s1", alpha=2.5, seed=1, r2=0.20, model="other")
    return root


# -- servers ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(process: subprocess.Popen[bytes], url: str, log: Path, what: str) -> None:
    deadline = time.monotonic() + SERVER_START
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"{what} did not answer in {SERVER_START} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """The whole process group: MLflow's workers outlive a killed parent."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.fail(
            "PostgreSQL is not installed: the MLflow export test needs Debian's postgresql "
            "(apt-get install -y postgresql; .ci/run installs it)"
        )
    return found[-1].parent


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder, as a non-root user; its database URI."""
    bin_dir = _postgres_bin()
    # As root the cluster runs as `nobody`, who must reach its folder: not under a private
    # TMPDIR (.ci/newcomer's is 0700), so directly under /tmp (1777).
    as_root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="charter-pg-", dir="/tmp" if as_root else None))
    data, log = folder / "data", folder / "postgres.log"
    prefix: list[str] = []
    if as_root:  # postgres refuses to run as root
        user = pwd.getpwnam("nobody")
        os.chown(folder, user.pw_uid, user.pw_gid)
        prefix = [shutil.which("runuser") or "runuser", "-u", "nobody", "--"]
    port = _free_port()
    initdb = subprocess.run(
        [*prefix, bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        capture_output=True,
        text=True,
        check=False,
    )
    if initdb.returncode:
        pytest.fail(f"PostgreSQL's initdb failed:\n{initdb.stdout}{initdb.stderr}")
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [
                *prefix,
                bin_dir / "postgres",
                "-D",
                data,
                "-k",
                folder,
                "-p",
                str(port),
                "-h",
                "127.0.0.1",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            ready = subprocess.run(
                [bin_dir / "pg_isready", "-h", "127.0.0.1", "-p", str(port)],
                capture_output=True,
                check=False,
            )
            if ready.returncode == 0:
                break
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"PostgreSQL did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        create = subprocess.run(
            [
                bin_dir.parent / "bin" / "createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "mlflow",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if create.returncode:
            pytest.fail(f"PostgreSQL's createdb failed: {create.stderr}")
        # psycopg2 named: SQLAlchemy 2.1 takes `postgresql://` to mean psycopg 3.
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/mlflow"
    finally:
        _stop(server)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`mlflow server` on a free port of 127.0.0.1 with a SQLite or PostgreSQL backend."""
    folder = tmp_path_factory.mktemp(f"mlflow-{request.param}")
    backend = (
        f"sqlite:///{folder / 'mlflow.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres")
    )
    port = _free_port()
    log = folder / "server.log"
    env = {
        **os.environ,
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",  # no job consumers: 1 GB less
    }
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                MLFLOW,
                "server",
                "--backend-store-uri",
                backend,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "--artifacts-destination",
                str(folder / "artifacts"),
            ],
            cwd=folder,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    uri = f"http://127.0.0.1:{port}"
    try:
        _wait(process, f"{uri}/health", log, f"mlflow server ({request.param} backend)")
        yield uri
    finally:
        _stop(process)


# -- helpers ------------------------------------------------------------------


def export(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    uri: str | None,
    experiment: str,
    *runs: str,
) -> tuple[int, str, str]:
    if uri is None:
        monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    else:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", experiment)
    code = main(["runs", "export", "--to", "mlflow", *runs, "--project", str(project)])
    out, err = capsys.readouterr()
    return code, out, err


def logged(uri: str, experiment: str) -> dict[str, object]:
    """charter run id -> MLflow run, as MLflow's client finds them."""

    client = MlflowClient(uri)
    found = client.get_experiment_by_name(experiment)
    assert found is not None, f"no experiment {experiment!r}"
    runs = client.search_runs([found.experiment_id], max_results=1000)
    by_id: dict[str, object] = {}
    for run in runs:
        key = run.data.tags["charter.run_id"]
        assert key not in by_id, f"run {key} exported twice"
        by_id[key] = run
    return by_id


def versions(uri: str, name: str) -> list[tuple[str, str]]:

    client = MlflowClient(uri)
    return sorted(
        (v.tags["charter.run_id"], v.run_id) for v in client.search_model_versions(f"name='{name}'")
    )


# -- tests --------------------------------------------------------------------


def test_export_logs_the_manifest_and_a_second_export_changes_nothing(
    server, project, capsys, monkeypatch
):

    experiment = "all-runs"
    code, out, err = export(project, capsys, monkeypatch, server, experiment)
    assert code == 0, err
    assert out.count(": exported") == 3
    assert len(out.splitlines()) == 3, out  # one line a run, nothing of MLflow's
    runs = logged(server, experiment)
    assert sorted(runs) == ["a1-s1", "a1-s2", "a2-s1"]
    client = MlflowClient(server)
    for run_id, run in runs.items():
        manifest = manifest_format.load(project / "runs" / run_id / "manifest.json")
        assert run.info.status == "FINISHED"
        assert run.info.run_name == run_id
        assert run.data.params == {
            "model.alpha": json.dumps(manifest.params["model"]["alpha"]),
            "model.kind": "ridge",
            "scale": "2",
            "flags": "[1, 2]",
            "seeds.noise": str(manifest.seeds["noise"]),
        }
        assert run.data.metrics == manifest.metrics
        tags = run.data.tags
        assert tags["mlflow.source.git.commit"] == manifest.commit
        assert tags["mlflow.source.name"] == "mini.pipeline"
        assert tags["charter.params_hash"] == manifest.params_hash
        [output] = manifest.outputs
        assert tags["charter.output.result.uri"] == output.uri
        assert tags["charter.output.result.sha256"] == output.sha256
        [dataset_input] = run.inputs.dataset_inputs
        [recorded] = manifest.inputs
        dataset = dataset_input.dataset
        assert dataset.name == "numbers"
        assert recorded.fingerprint.startswith("blake3:")
        assert dataset.digest == recorded.fingerprint.removeprefix("blake3:")[:36]
        assert json.loads(dataset.source) == {"uri": recorded.uri}
        profile = json.loads(dataset.profile)
        assert profile["fingerprint"] == recorded.fingerprint
        assert profile["contract"] == {"id": "numbers", "version": "1.0.0"}
        input_tags = {t.key: t.value for t in dataset_input.tags}
        assert input_tags["charter.contract.id"] == "numbers"
        assert input_tags["charter.contract.version"] == "1.0.0"
        assert input_tags["charter.fingerprint"] == recorded.fingerprint
        artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "charter")}
        assert artifacts == {"charter/manifest.json", "charter/outputs.json"}
        copied = Path(client.download_artifacts(run.info.run_id, "charter", str(project.parent)))
        assert (copied / "manifest.json").read_bytes() == manifest.path.read_bytes()
        assert json.loads((copied / "outputs.json").read_text()) == {
            "outputs": [{"name": "result", "uri": output.uri, "sha256": output.sha256}]
        }
        shutil.rmtree(copied)
    scorer = versions(server, "scorer")
    assert scorer == sorted(
        [("a1-s1", runs["a1-s1"].info.run_id), ("a1-s2", runs["a1-s2"].info.run_id)]
    )
    assert versions(server, "other") == [("a2-s1", runs["a2-s1"].info.run_id)]

    code, out, err = export(project, capsys, monkeypatch, server, experiment)
    assert code == 0, err
    assert out.count("already exported, unchanged") == 3
    again = logged(server, experiment)
    assert {k: (r.info.run_id, r.info.end_time) for k, r in again.items()} == {
        k: (r.info.run_id, r.info.end_time) for k, r in runs.items()
    }

    def content(run):
        return run.data.params, run.data.metrics, run.data.tags, len(run.inputs.dataset_inputs)

    assert {k: content(r) for k, r in again.items()} == {k: content(r) for k, r in runs.items()}
    assert versions(server, "scorer") == scorer


def test_export_of_named_runs_only_and_an_interrupted_export_is_redone(
    server, project, capsys, monkeypatch
):

    experiment = "named-runs"
    client = MlflowClient(server)
    experiment_id = client.create_experiment(experiment)
    half = client.create_run(experiment_id, tags={"charter.run_id": "a1-s2"})  # never finished
    code, _out, err = export(project, capsys, monkeypatch, server, experiment, "a1-s2")
    assert code == 0, err
    runs = logged(server, experiment)
    assert list(runs) == ["a1-s2"]
    assert runs["a1-s2"].info.run_id != half.info.run_id
    assert runs["a1-s2"].info.status == "FINISHED"
    assert client.get_run(half.info.run_id).info.lifecycle_stage == "deleted"


def test_without_a_tracking_uri_the_export_goes_to_mlflow_db_in_the_project(
    project, capsys, monkeypatch, tmp_path
):
    local = tmp_path / "mini"
    shutil.copytree(project, local, symlinks=True)
    code, out, err = export(local, capsys, monkeypatch, None, "local", "a2-s1")
    assert code == 0, err
    store = f"sqlite:///{local / 'mlflow.db'}"
    runs = logged(store, "local")
    assert list(runs) == ["a2-s1"]
    assert runs["a2-s1"].info.artifact_uri.startswith((local / "mlruns").as_uri())
    assert (local / "mlruns").is_dir()
    code, out, err = export(local, capsys, monkeypatch, None, "local", "a2-s1")
    assert code == 0, err
    assert "already exported, unchanged" in out
    assert list(logged(store, "local")) == ["a2-s1"]


def test_an_unknown_run_is_one_sentence(project, capsys, monkeypatch, tmp_path):
    code, _out, err = export(project, capsys, monkeypatch, f"sqlite:///{tmp_path}/x.db", "x", "a9")
    assert code == 2
    assert err.startswith("charter runs export: no recorded run has the id 'a9'")
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.db").exists()


def test_without_the_extra_one_sentence_names_it(project, tmp_path):
    hide = "import sys; sys.modules['mlflow'] = None; from charter.cli import main; "
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            hide + "sys.exit(main(sys.argv[1:]))",
            "runs",
            "export",
            "--to",
            "mlflow",
            "--project",
            str(project),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path}/x.db"},
        check=False,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "charter[mlflow]" in line
    assert "Traceback" not in result.stderr
