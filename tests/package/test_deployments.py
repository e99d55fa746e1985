"""Deployment manifests: `charter new deployment` writes one, each DEP rule catches a defect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from checking import charter, copy_good, edit, findings

from charter.formats import deployment as deployment_format
from charter.project import Project

RUN = "20261207T101500Z-3f2a"
MODEL_SHA = "4e0d" + "a" * 60
FEATURES_SHA = "9b1c" + "b" * 60
CARD = "governance/models/risk/card.md"
DEPLOYMENT = "governance/deployments/risk/production.yaml"


def manifest(run_id: str = RUN) -> dict:
    """A schema-valid run manifest that trained `risk` and recorded its model file."""
    return {
        "apiVersion": "charter/v1",
        "run_id": run_id,
        "start_time": "2026-12-07T10:15:00Z",
        "end_time": "2026-12-07T10:16:00Z",
        "code": {"commit": "a" * 40, "dirty": False, "entry_point": "clinic.pipeline"},
        "environment": {"lock_sha256": "c" * 64, "python": "3.11.9", "platform": "linux"},
        "inputs": [
            {
                "name": "visits",
                "uri": "data/raw/visits.parquet",
                "fingerprint": "blake3:" + "d" * 64,
                "bytes": 10,
                "rows": 3,
                "contract": {"id": "visits", "version": "1.0.0"},
            }
        ],
        "features": ["age_band@1", "weight_kg@1"],
        "models": ["risk"],
        "params": {},
        "params_hash": "sha256:" + "e" * 64,
        "seeds": {"split": 1},
        "metrics": {"r2": 0.5},
        "outputs": [
            {"name": "features", "uri": "data/processed/features.parquet", "sha256": FEATURES_SHA},
            {"name": "model.skops", "uri": "artifacts/model.skops", "sha256": MODEL_SHA},
            {"name": "metrics", "uri": "artifacts/metrics.json", "sha256": "f" * 64},
        ],
    }


def with_run(tmp_path: Path) -> Path:
    """The clean fixture project with one recorded run, its card synced from that run."""
    project = copy_good(tmp_path)
    folder = project / "runs" / RUN
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest(), indent=2) + "\n")
    edit(project / CARD, "run_manifest: null", f"run_manifest: runs/{RUN}/manifest.json")
    return project


@pytest.fixture
def deployed(tmp_path: Path) -> Path:
    project = with_run(tmp_path)
    result = charter("new", "deployment", "risk", "--env", "production", cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"wrote {project / DEPLOYMENT}" in result.stdout
    return project


def dep_findings(project: Path, *args: str) -> list[dict]:
    return list(findings(project, "--select", "DEP", *args)[1])


def test_new_deployment_is_filled_from_the_run_and_passes_every_stage(deployed: Path) -> None:
    loaded = deployment_format.load(deployed / DEPLOYMENT)
    assert (loaded.model, loaded.environment, loaded.run) == ("risk", "production", RUN)
    assert (loaded.artifact.uri, loaded.artifact.sha256) == ("artifacts/model.skops", MODEL_SHA)
    assert loaded.monitoring.reference.sha256 == FEATURES_SHA
    assert (loaded.input_contract, loaded.input_version) == ("visits", "1.0.0")
    assert loaded.input_features == ["age_band@1", "weight_kg@1"]
    assert loaded.image_digest is None and loaded.schedule == "0 6 * * *"
    assert loaded.monitoring.owner == "@model-owner"
    assert (loaded.approvals.stage, loaded.approvals.roles) == (
        "production",
        ["model_owner", "product_owner"],
    )
    text = (deployed / DEPLOYMENT).read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert Project.load(deployed).deployment("risk", "production") is not None
    for stage in ("review", "production"):
        assert dep_findings(deployed, "--stage", stage) == []


def test_new_deployment_refuses_to_overwrite_and_unknown_runs(deployed: Path) -> None:
    before = (deployed / DEPLOYMENT).read_bytes()
    again = charter("new", "deployment", "risk", "--env", "production", cwd=deployed)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert (deployed / DEPLOYMENT).read_bytes() == before
    missing = charter(
        "new", "deployment", "risk", "--env", "staging", "--run", "nope", cwd=deployed
    )
    assert missing.returncode == 2 and "has no manifest" in missing.stderr
    assert "Traceback" not in missing.stderr
    nocard = charter("new", "deployment", "fraud", "--env", "production", cwd=deployed)
    assert nocard.returncode == 2 and "no model card" in nocard.stderr


def test_new_deployment_takes_endpoint_and_roles(tmp_path: Path) -> None:
    project = with_run(tmp_path)
    result = charter(
        "new", "deployment", "risk", "--env", "staging", "--endpoint", "https://score.example.org",
        "--role", "model_owner", "--role", "privacy_reviewer", cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    loaded = deployment_format.load(project / "governance/deployments/risk/staging.yaml")
    assert (loaded.endpoint, loaded.schedule) == ("https://score.example.org", None)
    assert (loaded.approvals.stage, loaded.approvals.roles) == (
        "review",
        ["model_owner", "privacy_reviewer"],
    )


@pytest.mark.fails_with("DEP001")
def test_dep001_unknown_key_and_misplaced(deployed: Path) -> None:
    edit(deployed / DEPLOYMENT, "environment: production", "environment: staging\ncolour: red")
    found = dep_findings(deployed)
    messages = [f["message"] for f in found if f["code"] == "DEP001"]
    assert any("unknown key 'colour'" in m for m in messages), found
    assert any("not the file's name 'production'" in m for m in messages), found
    assert all(f["path"] == DEPLOYMENT for f in found)


@pytest.mark.fails_with("DEP002")
def test_dep002_hash_differs_from_the_run(deployed: Path) -> None:
    edit(deployed / DEPLOYMENT, MODEL_SHA, "0a" * 32)
    found = dep_findings(deployed)
    assert [f["code"] for f in found] == ["DEP002"], found
    assert "sha256 differs" in found[0]["message"]
    line = (deployed / DEPLOYMENT).read_text().splitlines().index("  sha256: " + "0a" * 32) + 1
    assert found[0]["line"] == line


def test_dep002_unknown_run_and_contract_version(deployed: Path) -> None:
    edit(deployed / DEPLOYMENT, "version: 1.0.0", "version: 2.0.0")
    assert [f["code"] for f in dep_findings(deployed)] == ["DEP002"]
    edit(deployed / DEPLOYMENT, f"run: {RUN}", "run: 20260101-gone")
    found = dep_findings(deployed)
    assert [f["code"] for f in found] == ["DEP002"] and "has no manifest" in found[0]["message"]


@pytest.mark.fails_with("DEP003")
def test_dep003_card_from_another_run_at_production(deployed: Path) -> None:
    edit(deployed / CARD, f"runs/{RUN}/manifest.json", "runs/older/manifest.json")
    assert dep_findings(deployed) == []  # binding at production only
    found = dep_findings(deployed, "--stage", "production")
    assert [f["code"] for f in found] == ["DEP003"], found
    assert "charter card sync risk" in found[0]["message"]


def test_dep003_card_with_placeholder(deployed: Path) -> None:
    edit(deployed / CARD, "Age groups.", "TODO(model-owner): per age group.")
    found = dep_findings(deployed, "--stage", "production")
    assert [f["code"] for f in found] == ["DEP003"] and "placeholder" in found[0]["message"]


@pytest.mark.fails_with("DEP004")
def test_dep004_incomplete_monitoring_plan(deployed: Path) -> None:
    edit(deployed / DEPLOYMENT, "    psi: 0.25\n", "")
    edit(deployed / DEPLOYMENT, "thresholds:", "thresholds: {}")
    edit(deployed / DEPLOYMENT, "cadence: weekly", "cadence: sometimes")
    found = dep_findings(deployed)
    assert sorted(f["message"].split(":")[0] for f in found if f["code"] == "DEP004") == [
        "cadence 'sometimes' is not one of hourly, daily, weekly, monthly nor a five-field "
        "cron expression",
        "no threshold",
    ], found
    edit(deployed / DEPLOYMENT, "cadence: sometimes", "cadence: 0 6 * * 1")
    assert [f["message"] for f in dep_findings(deployed)] == [
        "no threshold: give at least one alert level, e.g. psi: 0.25"
    ]


@pytest.mark.fails_with("DEP005")
def test_dep005_no_roles(deployed: Path) -> None:
    edit(deployed / DEPLOYMENT, "  - model_owner\n  - product_owner\n", "")
    edit(deployed / DEPLOYMENT, "roles:", "roles: []")
    found = dep_findings(deployed)
    assert [f["code"] for f in found] == ["DEP005"], found


def test_unreadable_deployment_is_a_load_problem(deployed: Path) -> None:
    (deployed / DEPLOYMENT).write_text("model: [risk\n")
    exit_code, found = findings(deployed)
    assert exit_code == 1
    assert ("PRJ001", DEPLOYMENT) in [(f["code"], f["path"]) for f in found]
    assert not [f for f in found if f["code"].startswith("DEP")]


def test_deployments_view_lists_the_deployment(deployed: Path) -> None:
    result = charter("docs", cwd=deployed)
    assert result.returncode == 0, result.stderr
    page = (deployed / "docs/deployments.md").read_text()
    row = next(line for line in page.splitlines() if line.startswith("| `risk`"))
    assert "`production`" in row and f"`{RUN}`" in row and MODEL_SHA[:12] in row
    assert "(not built yet)" in row and "model_owner, product_owner" in row
    assert "(<../governance/deployments/risk/production.yaml>)" in row
