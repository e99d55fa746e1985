"""OpenLineage events of a recorded run: schema-valid, deterministic, sent over HTTP."""

from __future__ import annotations

import json
import shutil
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from templating import git
from test_from_dvc import CONTRACT, md5

from charter import runtime
from charter.cli import main
from charter.project import Project
from charter.runs import lineage

CATALOG = """\
apiVersion: charter/v1
kind: FeatureCatalog
features:
  - name: age
    version: 1
    entity: patient
    joinKeys: [patient_id]
    dtype: int64
    owner: "@data-team"
    status: active
    description: Age in years at the visit.
    sources:
      - contract: patients
        property: age
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A committed two-stage project (validate, features) recorded as run r1, outside CI."""
    for variable in ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "OPENLINEAGE_URL"):
        monkeypatch.delenv(variable, raising=False)
    root = tmp_path / "project"
    for folder in ("data", "configs", "governance/contracts", "governance/features", "out"):
        (root / folder).mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "clinic"\n[tool.charter]\n')
    (root / "uv.lock").write_text("version = 1\n")
    (root / ".gitignore").write_text("/data/\n/out/\n")
    contract = root / "governance" / "contracts" / "patients.odcs.yaml"
    shutil.copy(CONTRACT, contract)
    contract.write_text(
        contract.read_text() + "team:\n  - username: grace@example.org\n    role: owner\n"
    )
    (root / "governance" / "features" / "catalog.yaml").write_text(CATALOG)
    (root / "configs" / "pipeline.yaml").write_text("seeds:\n  split: 3\n")
    data = root / "data" / "patients.csv"
    data.write_text("patient_id,age\nP0001,40\nP0002,50\n")
    from charter.fingerprint import fingerprint  # noqa: PLC0415

    (root / "out" / "patients.validated.json").write_text(
        json.dumps(
            {
                "input": "data/patients.csv",
                "engine": "polars",
                "fingerprint": fingerprint(data),
                "rows": 2,
                "contract": {"id": "patients", "version": "1.0.0"},
            }
        )
    )
    (root / "out" / "features.parquet").write_bytes(b"PAR1 not really")
    contracts = {"data/patients.csv": "governance/contracts/patients.odcs.yaml"}
    stages = {
        "validate": {
            "cmd": "python -m clinic.validate",
            "deps": ["data/patients.csv"],
            "outs": ["out/patients.validated.json"],
            "meta": {"charter": {"contracts": contracts}},
        },
        "features": {
            "cmd": "python -m clinic.features",
            "deps": [
                "data/patients.csv",
                "out/patients.validated.json",
                "governance/features/catalog.yaml",
            ],
            "params": [{"configs/pipeline.yaml": ["seeds"]}],
            "outs": ["out/features.parquet"],
            "meta": {"charter": {"contracts": contracts}},
        },
    }
    entry = lambda p: {"path": p, "md5": md5(root / p), "size": (root / p).stat().st_size}  # noqa: E731
    lock = {
        "schema": "2.0",
        "stages": {
            "validate": {
                "cmd": "python -m clinic.validate",
                "deps": [entry("data/patients.csv")],
                "outs": [entry("out/patients.validated.json")],
            },
            "features": {
                "cmd": "python -m clinic.features",
                "deps": [
                    entry("data/patients.csv"),
                    entry("out/patients.validated.json"),
                    entry("governance/features/catalog.yaml"),
                ],
                "params": {"configs/pipeline.yaml": {"seeds": {"split": 3}}},
                "outs": [entry("out/features.parquet")],
            },
        },
    }
    (root / "dvc.yaml").write_text(yaml.safe_dump({"stages": stages}, sort_keys=False))
    git("init", "--quiet", cwd=root)
    git("config", "user.name", "Ada Lovelace", cwd=root)
    git("config", "user.email", "ada@example.org", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "project", cwd=root)
    (root / "dvc.lock").write_text(yaml.safe_dump(lock))
    runtime.record_run(root, run_id="r1")
    return root


def _events(root: Path) -> list[dict]:
    project = Project.load(root)
    [manifest] = [m for m in project.manifests if m.run_id == "r1"]
    return lineage.build(project, manifest)


def _manifest(root: Path) -> dict:
    return json.loads((root / "runs" / "r1" / "manifest.json").read_text())


def test_a_run_is_a_parent_job_and_a_child_run_per_stage(project: Path):
    events = _events(project)
    assert [(e["eventType"], e["job"]["name"]) for e in events] == [
        ("START", "dvc.repro"),
        ("START", "dvc.repro.validate"),
        ("COMPLETE", "dvc.repro.validate"),
        ("START", "dvc.repro.features"),
        ("COMPLETE", "dvc.repro.features"),
        ("COMPLETE", "dvc.repro"),
    ]
    assert {e["job"]["namespace"] for e in events} == {"clinic"}  # [project] name
    parent = events[0]["run"]["runId"]
    assert events[-1]["run"]["runId"] == parent
    children = {e["run"]["runId"] for e in events[1:-1]}
    assert len(children) == 2 and parent not in children
    for event in events[1:-1]:
        facet = event["run"]["facets"]["parent"]
        assert facet["run"]["runId"] == parent
        assert (facet["job"]["namespace"], facet["job"]["name"]) == ("clinic", "dvc.repro")
    manifest = _manifest(project)
    assert events[0]["eventTime"].startswith(manifest["start_time"][:19])
    assert events[-1]["eventTime"].startswith(manifest["end_time"][:19])
    code = events[0]["job"]["facets"]["sourceCodeLocation"]
    assert code["type"] == "git" and code["version"] == manifest["code"]["commit"]
    runner = events[0]["run"]["facets"]["charter_runner"]
    assert runner["user"] == "Ada Lovelace" and runner["kind"] == "git"


def test_datasets_follow_the_naming_spec_and_carry_the_facets(project: Path):
    events = _events(project)
    manifest = _manifest(project)
    [data] = events[0]["inputs"]
    assert data["namespace"] == "file"
    assert data["name"] == (project / "data" / "patients.csv").resolve().as_posix()
    facets = data["facets"]
    assert facets["version"]["datasetVersion"] == manifest["inputs"][0]["fingerprint"]
    assert facets["version"]["md5"] == "md5:" + manifest["inputs"][0]["md5"]
    assert [f["name"] for f in facets["schema"]["fields"]][:2] == ["patient_id", "age"]
    assert facets["ownership"]["owners"] == [{"name": "grace@example.org", "type": "owner"}]
    assert "patients 1.0.0" in facets["documentation"]["description"]
    assert facets["dataSource"]["uri"].startswith("file:///")
    checks = data["inputFacets"]["dataQualityAssertions"]["assertions"]
    assert {"assertion": "not_null", "success": True, "column": "patient_id"}.items() <= checks[
        0
    ].items()
    assert any(c["assertion"] == "rowCount" for c in checks)
    features = events[4]["outputs"]
    [table] = [d for d in features if d["name"].endswith("features.parquet")]
    [source] = table["facets"]["columnLineage"]["fields"]["age"]["inputFields"]
    assert (source["namespace"], source["name"], source["field"]) == (
        "file",
        data["name"],
        "age",
    )
    assert events[4]["inputs"][0]["name"] == data["name"]  # stage inputs: data, not code


def test_without_a_validation_record_no_assertions_are_claimed(project: Path):
    record = project / "out" / "patients.validated.json"
    record.write_text(record.read_text().replace("blake3:", "blake3:0"))
    [data] = _events(project)[0]["inputs"]
    assert "dataQualityAssertions" not in data["inputFacets"]


def test_the_pipeline_writes_the_events_beside_the_manifest(project: Path):
    """record_run (the pipeline's) leaves lineage.json; rebuilding gives the same bytes."""
    recorded = project / "runs" / "r1" / "lineage.json"
    assert recorded.is_file()
    assert recorded.read_text() == lineage.dumps(_events(project))
    assert main(["lineage", "export", "r1", "--project", str(project), "--rebuild"]) == 0
    assert recorded.read_text() == lineage.dumps(_events(project))


def test_every_event_is_checked_against_the_openlineage_schema(project: Path):
    [event, *_] = _events(project)
    lineage.check(event)
    broken = json.loads(json.dumps(event))
    broken["run"]["runId"] = "not-a-uuid"
    with pytest.raises(lineage.LineageError, match="runId"):
        lineage.check(broken)
    broken = json.loads(json.dumps(event))
    broken["inputs"][0]["facets"]["schema"]["fields"] = "age"
    with pytest.raises(lineage.LineageError, match="/inputs/0/facets/schema"):
        lineage.check(broken)


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict]

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append({"path": self.path, "event": json.loads(self.rfile.read(length))})
        self.send_response(201)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def receiver():
    received: list[dict] = []
    handler = type("Handler", (_Receiver,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def test_http_sends_the_events_and_twice_is_the_same_lineage(project: Path, receiver, capsys):
    url, received = receiver
    export = ["lineage", "export", "r1", "--to", "http", "--url", url, "--project", str(project)]
    assert main(export) == 0
    assert "6 events sent" in capsys.readouterr().out
    first = [r["event"] for r in received]
    assert {r["path"] for r in received} == {"/api/v1/lineage"}
    assert first == [json.loads(line) for line in lineage.dumps(_events(project)).splitlines()]
    for event in first:
        lineage.check(event)
    received.clear()
    assert main([*export, "--rebuild"]) == 0
    again = [r["event"] for r in received]
    assert [e["run"]["runId"] for e in again] == [e["run"]["runId"] for e in first]
    assert again == first


def test_the_pipeline_sends_when_openlineage_url_is_set(project: Path, receiver, monkeypatch):
    url, received = receiver
    monkeypatch.setenv("OPENLINEAGE_URL", url)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "-m", "run r1", cwd=project)
    (project / "configs" / "pipeline.yaml").write_text("seeds:\n  split: 4\n")
    lock = yaml.safe_load((project / "dvc.lock").read_text())
    lock["stages"]["features"]["params"]["configs/pipeline.yaml"]["seeds"]["split"] = 4
    (project / "dvc.lock").write_text(yaml.safe_dump(lock))
    git("commit", "--quiet", "-am", "split 4", cwd=project)
    runtime.record_run(project, run_id="r2")
    sent = [r["event"] for r in received]
    assert len(sent) == 6
    assert sent == [
        json.loads(line)
        for line in (project / "runs" / "r2" / "lineage.json").read_text().splitlines()
    ]


def test_an_unreachable_server_is_one_sentence(project: Path, capsys):
    code = main(
        [
            "lineage",
            "export",
            "r1",
            "--to",
            "http",
            "--url",
            "http://127.0.0.1:9",
            "--project",
            str(project),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("charter lineage export: cannot send the events to http://127.0.0.1:9")
    assert len(err.strip().splitlines()) == 1


def test_console_prints_json_lines(project: Path, capsys):
    capsys.readouterr()
    assert main(["lineage", "export", "r1", "--to", "console", "--project", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and json.loads(lines[0])["eventType"] == "START"


def test_without_the_extra_one_sentence_names_it(project: Path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "openlineage", None)
    monkeypatch.setitem(sys.modules, "openlineage.client", None)
    assert main(["lineage", "export", "r1", "--project", str(project)]) == 2
    err = capsys.readouterr().err
    assert "charter[lineage]" in err and len(err.strip().splitlines()) == 1


def test_an_unknown_run_is_one_sentence(project: Path, capsys):
    assert main(["lineage", "export", "nope", "--project", str(project)]) == 2
    assert "no run 'nope'" in capsys.readouterr().err


def test_a_tampered_record_is_refused_in_one_sentence(project: Path, capsys):
    recorded = project / "runs" / "r1" / "lineage.json"
    first, *rest = recorded.read_text().splitlines()
    event = json.loads(first)
    event["eventType"] = "FINISHED"
    recorded.write_text("\n".join([json.dumps(event), *rest]) + "\n")
    assert main(["lineage", "export", "r1", "--to", "console", "--project", str(project)]) == 2
    err = capsys.readouterr().err
    assert "would be invalid: /eventType" in err and len(err.strip().splitlines()) == 1


def test_output_writes_elsewhere(project: Path, tmp_path: Path):
    target = tmp_path / "elsewhere" / "events.jsonl"
    assert (
        main(["lineage", "export", "r1", "--output", str(target), "--project", str(project)]) == 0
    )
    assert target.read_text() == (project / "runs" / "r1" / "lineage.json").read_text()


def _second_run(project: Path) -> None:
    """Commit run r1 and change a parameter, so that a new run r2 can be recorded."""
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "-m", "run r1", cwd=project)
    (project / "configs" / "pipeline.yaml").write_text("seeds:\n  split: 5\n")
    lock = yaml.safe_load((project / "dvc.lock").read_text())
    lock["stages"]["features"]["params"]["configs/pipeline.yaml"]["seeds"]["split"] = 5
    (project / "dvc.lock").write_text(yaml.safe_dump(lock))
    git("commit", "--quiet", "-am", "split 5", cwd=project)


@pytest.mark.parametrize("url", [None, "http://127.0.0.1:9"])
def test_the_pipeline_without_the_extra_records_the_run(project: Path, monkeypatch, capsys, url):
    """No openlineage-python: the run is recorded without lineage.json; a note only when
    a server was asked for."""
    _second_run(project)
    monkeypatch.setitem(sys.modules, "openlineage", None)
    monkeypatch.setitem(sys.modules, "openlineage.client", None)
    if url:
        monkeypatch.setenv("OPENLINEAGE_URL", url)
    else:
        monkeypatch.delenv("OPENLINEAGE_URL", raising=False)
    capsys.readouterr()
    manifest = runtime.record_run(project, run_id="r2")
    assert manifest.is_file()
    assert not (manifest.parent / "lineage.json").exists()
    err = capsys.readouterr().err
    if url:
        assert "charter[lineage]" in err and url in err
    else:
        assert err == ""


def test_the_pipeline_keeps_the_run_when_the_server_is_down(project: Path, monkeypatch, capsys):
    _second_run(project)
    monkeypatch.setenv("OPENLINEAGE_URL", "http://127.0.0.1:9")
    capsys.readouterr()
    manifest = runtime.record_run(project, run_id="r2")
    assert (manifest.parent / "lineage.json").is_file()
    err = capsys.readouterr().err
    assert err.startswith("pipeline: lineage: cannot send the events to http://127.0.0.1:9")
    assert "charter lineage export r2" in err


def test_the_project_setting_names_the_server(project: Path, receiver, monkeypatch):
    url, received = receiver
    monkeypatch.delenv("OPENLINEAGE_URL", raising=False)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f'lineage_url = "{url}"\n')
    _second_run(project)
    runtime.record_run(project, run_id="r2")
    assert len(received) == 6
    assert not Project.load(project).problems  # a known [tool.charter] key


def test_in_ci_the_runner_is_the_job(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_ACTOR", "ada")
    monkeypatch.setenv("GITHUB_JOB", "pipeline")
    monkeypatch.setenv("GITHUB_REPOSITORY", "clinic/progression")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://forge.example")  # no host is contacted
    assert lineage.runner_facet(tmp_path) == {
        "kind": "ci",
        "ci": "github-actions",
        "user": "ada",
        "job": "pipeline",
        "url": "https://forge.example/clinic/progression/actions/runs/42",
    }
    monkeypatch.delenv("GITHUB_ACTIONS")
    monkeypatch.setenv("GITLAB_CI", "true")
    monkeypatch.setenv("GITLAB_USER_LOGIN", "grace")
    monkeypatch.setenv("CI_JOB_NAME", "pipeline")
    monkeypatch.setenv("CI_JOB_URL", "https://gitlab.example/clinic/-/jobs/7")
    assert lineage.runner_facet(tmp_path)["user"] == "grace"


def test_the_runner_facet_has_a_schema_too(project: Path):
    [event, *_] = _events(project)
    broken = json.loads(json.dumps(event))
    broken["run"]["facets"]["charter_runner"]["kind"] = "robot"
    with pytest.raises(lineage.LineageError, match="/run/facets/charter_runner/kind"):
        lineage.check(broken)
