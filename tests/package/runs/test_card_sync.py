"""`charter card sync` copies a run's metrics into a card and changes nothing else;
MOD009 catches a card whose metrics differ from its run."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from charter_cli import charter
from huggingface_hub import ModelCard
from mini_project import make, run_pipeline

from charter.project import Project
from charter.rules import check

CARD = """\
---
# Front matter comments survive the sync.
license: mit
library_name: sklearn
tags: [tabular-regression]
model-index:
  - name: scorer
    results:
      - task: {type: tabular-regression, name: Score regression}
        dataset: {type: numbers, name: Numbers}
        metrics:
          - {type: score, name: Score on held-out data, value: 0.0}
governance:
  apiVersion: charter/v1
  owner: "@ada"
  features: [total@1]
  contracts: [numbers]
  run_manifest: null  # set by charter card sync
---

# Model Card for scorer

Body text, *untouched*: score = 0.0 here is prose, not a metric.
"""


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make(tmp_path_factory.mktemp("cards") / "mini")
    return run_pipeline(root)


@pytest.fixture
def project(recorded: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(recorded.parents[2], root)
    card = root / "governance" / "models" / "scorer" / "card.md"
    card.parent.mkdir(parents=True)
    card.write_text(CARD)
    return root


def front_matter(card: Path) -> dict:
    return yaml.safe_load(card.read_text().split("---\n")[1])


def test_sync_writes_metrics_and_link_and_nothing_else(project: Path):
    run_id = next((project / "runs").iterdir()).name
    result = charter("card", "sync", "scorer", "--run", run_id, cwd=project)
    assert result.returncode == 0, result.stderr
    card = project / "governance" / "models" / "scorer" / "card.md"
    score = json.loads((project / "runs" / run_id / "manifest.json").read_text())["metrics"]
    data = front_matter(card)
    [metric] = data["model-index"][0]["results"][0]["metrics"]
    assert metric == {"type": "score", "name": "Score on held-out data", "value": score["score"]}
    assert data["model-index"][0]["results"][0]["dataset"] == {"type": "numbers", "name": "Numbers"}
    assert data["governance"]["run_manifest"] == f"runs/{run_id}/manifest.json"
    changed = [
        line
        for line in difflib.ndiff(CARD.splitlines(), card.read_text().splitlines())
        if line.startswith("- ")
    ]
    # Only the model-index block and the run_manifest line were rewritten.
    assert all("model-index" in line or line[2:].startswith(" ") for line in changed), changed
    text = card.read_text()
    assert "# Front matter comments survive the sync." in text
    assert text.endswith(CARD.split("---\n", 2)[2])  # body byte for byte
    assert "tags: [tabular-regression]" in text


def test_second_sync_changes_nothing(project: Path):
    run_id = next((project / "runs").iterdir()).name
    charter("card", "sync", "scorer", "--run", run_id, cwd=project)
    card = project / "governance" / "models" / "scorer" / "card.md"
    before = card.read_bytes()
    again = charter("card", "sync", "scorer", "--run", run_id, cwd=project)
    assert again.returncode == 0
    assert "already in sync" in again.stdout
    assert card.read_bytes() == before


def test_synced_card_loads_with_huggingface_hub(project: Path):
    run_id = next((project / "runs").iterdir()).name
    charter("card", "sync", "scorer", "--run", run_id, cwd=project)
    card = ModelCard.load(project / "governance" / "models" / "scorer" / "card.md")
    [result] = card.data.eval_results
    assert result.metric_type == "score"


@pytest.mark.fails_with("MOD009")
def test_mod009_fails_until_the_card_is_synced(project: Path):
    run_id = next((project / "runs").iterdir()).name
    card = project / "governance" / "models" / "scorer" / "card.md"
    card.write_text(
        CARD.replace("run_manifest: null", f"run_manifest: runs/{run_id}/manifest.json")
    )
    [finding] = check(Project.load(project), select=["MOD009"])
    assert finding.code == "MOD009"
    assert finding.path == card
    assert finding.line == 12  # the metric's value
    assert "score is 0.0 in the card" in finding.message
    assert "charter card sync scorer" in finding.message
    charter("card", "sync", "scorer", "--run", run_id, cwd=project)
    assert check(Project.load(project), select=["MOD009"]) == []


def test_hand_edited_metric_is_caught(project: Path):
    run_id = next((project / "runs").iterdir()).name
    charter("card", "sync", "scorer", "--run", run_id, cwd=project)
    card = project / "governance" / "models" / "scorer" / "card.md"
    lines = card.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "value:" in line)
    lines[index] = re.sub(r"value: [^,}]+", "value: 99.5", lines[index])
    card.write_text("".join(lines))
    [finding] = check(Project.load(project), select=["MOD009"])
    assert "score is 99.5 in the card" in finding.message
    assert finding.line == index + 1


def test_sync_adds_model_index_and_governance_when_absent(project: Path):
    run_id = next((project / "runs").iterdir()).name
    card = project / "governance" / "models" / "scorer" / "card.md"
    card.write_text(
        "---\nlicense: mit\npipeline_tag: tabular-classification\n---\n\n# Model Card\n"
    )
    result = charter("card", "sync", "scorer", "--run", run_id, cwd=project)
    assert result.returncode == 0, result.stderr
    data = front_matter(card)
    assert data["model-index"][0]["name"] == "scorer"
    [entry] = data["model-index"][0]["results"]
    assert entry["task"] == {"type": "tabular-classification"}  # the card's, not a guess
    assert entry["dataset"] == {"type": "numbers", "name": "numbers"}
    assert data["governance"] == {
        "run_manifest": f"runs/{run_id}/manifest.json",
        "features": ["total@1"],
        "contracts": ["numbers"],
    }
    assert card.read_text().endswith("---\n\n# Model Card\n")


def test_unknown_model_and_broken_card_are_clear_errors(project: Path):
    run_id = next((project / "runs").iterdir()).name
    missing = charter("card", "sync", "nobody", "--run", run_id, cwd=project)
    assert missing.returncode == 2
    assert "no model card" in missing.stderr
    card = project / "governance" / "models" / "scorer" / "card.md"
    card.write_text("no front matter here\n")
    broken = charter("card", "sync", "scorer", "--run", run_id, cwd=project)
    assert broken.returncode == 2
    assert "front matter" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_block_style_card_changes_only_value_lines(project: Path):
    run_id = next((project / "runs").iterdir()).name
    card = project / "governance" / "models" / "scorer" / "card.md"
    block_style = CARD.replace(
        "          - {type: score, name: Score on held-out data, value: 0.0}\n",
        "          - type: score\n            name: Score\n            value: null  # synced\n",
    )
    card.write_text(block_style)
    assert charter("card", "sync", "scorer", "--run", run_id, cwd=project).returncode == 0
    before, after = block_style.splitlines(), card.read_text().splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert [old.strip() for old, _ in changed] == [
        "value: null  # synced",
        "run_manifest: null  # set by charter card sync",
    ]
    assert changed[0][1].endswith("  # synced")  # the comment after the value stays


def edit_manifest(project: Path, change) -> str:
    """Apply `change` to the run's manifest data; return the run id."""
    manifest = next((project / "runs").glob("*/manifest.json"))
    data = json.loads(manifest.read_text())
    change(data)
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    return data["run_id"]


def refused(project: Path, run_id: str, card: Path) -> str:
    """Sync must fail cleanly and leave the card as it was; return its message."""
    before = card.read_bytes()
    result = charter("card", "sync", "scorer", "--run", run_id, cwd=project)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert card.read_bytes() == before
    return result.stderr


def test_sync_refuses_a_run_of_another_model(project: Path):
    run_id = edit_manifest(project, lambda d: d.update(models=["penguin_species"]))
    card = project / "governance" / "models" / "scorer" / "card.md"
    message = refused(project, run_id, card)
    assert f"run {run_id} trained penguin_species, not scorer" in message


def test_sync_refuses_a_manifest_that_does_not_name_its_models(project: Path):
    run_id = edit_manifest(project, lambda d: d.pop("models", None))
    card = project / "governance" / "models" / "scorer" / "card.md"
    message = refused(project, run_id, card)
    assert "does not record which models it trained" in message
    assert 'run.record_model("scorer")' in message


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_sync_refuses_metrics_that_are_not_finite(project: Path, value: float):
    run_id = edit_manifest(project, lambda d: d["metrics"].update(score=value))
    card = project / "governance" / "models" / "scorer" / "card.md"
    message = refused(project, run_id, card)
    shown = "NaN" if value != value else "Infinity"
    assert f"RUN001 /metrics/score: {shown} is not a number JSON allows" in message


def test_sync_refuses_to_guess_the_task(project: Path):
    run_id = next((project / "runs").iterdir()).name
    card = project / "governance" / "models" / "scorer" / "card.md"
    card.write_text("---\nlicense: mit\n---\n\n# Model Card\n")
    message = refused(project, run_id, card)
    assert "names no task" in message
    assert "pipeline_tag: tabular-regression" in message


def test_dataset_is_the_input_with_a_contract(project: Path):
    lookup = {
        "name": "lookup",
        "uri": "data/lookup.csv",
        "fingerprint": "blake3:" + "0" * 64,
        "bytes": 1,
        "rows": 1,
    }
    run_id = edit_manifest(project, lambda d: d["inputs"].insert(0, lookup))
    card = project / "governance" / "models" / "scorer" / "card.md"
    card.write_text("---\nlicense: mit\npipeline_tag: tabular-regression\n---\n\n# Card\n")
    assert charter("card", "sync", "scorer", "--run", run_id, cwd=project).returncode == 0
    [entry] = front_matter(card)["model-index"][0]["results"]
    assert entry["dataset"] == {"type": "numbers", "name": "numbers"}


def test_mod010_passes_for_a_card_synced_from_its_own_run(project: Path):
    run_id = next((project / "runs").iterdir()).name
    assert charter("card", "sync", "scorer", "--run", run_id, cwd=project).returncode == 0
    assert check(Project.load(project), select=["MOD010"]) == []


@pytest.mark.fails_with("MOD010")
def test_mod010_card_and_run_disagree(project: Path):
    run_id = edit_manifest(project, lambda d: d.update(models=["other"]))
    card = project / "governance" / "models" / "scorer" / "card.md"
    card.write_text(
        CARD.replace("run_manifest: null", f"run_manifest: runs/{run_id}/manifest.json")
        .replace("features: [total@1]", "features: [total@2]")
        .replace("contracts: [numbers]", "contracts: [numbers, visits]")
    )
    findings = check(Project.load(project), select=["MOD010"])
    lines = card.read_text().splitlines()

    def line(text: str) -> int:
        return next(n for n, value in enumerate(lines, 1) if text in value)

    assert sorted((f.line, f.message.split(";")[0]) for f in findings) == sorted(
        [
            (line("run_manifest:"), f"run {run_id} trained other, not scorer"),
            (line("features:"), f"feature 'total@2' is listed, but run {run_id} did not use it"),
            (
                line("features:"),
                f"run {run_id} used feature 'total@1', which the card does not list",
            ),
            (line("contracts:"), f"contract 'visits' is listed, but run {run_id} did not use it"),
        ]
    )
    assert {f.code for f in findings} == {"MOD010"}


def test_sync_with_project_from_another_folder(project: Path, tmp_path: Path):
    run_id = next((project / "runs").iterdir()).name
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = charter("card", "sync", "scorer", "--run", run_id, "--project", project, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert f"governance/models/scorer/card.md: updated from runs/{run_id}" in result.stdout


@pytest.mark.parametrize(
    "listed",
    [
        "  features: [total@0, gone@1]\n  contracts: [numbers, visits]\n",
        "  features:\n    - total@0  # the version before the bump\n    - gone@1\n"
        "  contracts:\n  - numbers\n  - visits\n",
    ],
    ids=["flow", "block"],
)
def test_sync_makes_features_and_contracts_those_of_the_run(project: Path, listed: str):
    """After a feature bump the card lists the old version; one sync makes MOD010 pass."""
    card = project / "governance" / "models" / "scorer" / "card.md"
    run_id = next((project / "runs").iterdir()).name
    card.write_text(
        CARD.replace("  features: [total@1]\n  contracts: [numbers]\n", listed).replace(
            "run_manifest: null", f"run_manifest: runs/{run_id}/manifest.json"
        )
    )
    assert check(Project.load(project), select=["MOD010"])
    result = charter("card", "sync", "scorer", "--run", run_id, cwd=project)
    assert result.returncode == 0, result.stderr
    governance = front_matter(card)["governance"]
    assert governance["features"] == ["total@1"]
    assert governance["contracts"] == ["numbers"]
    assert governance["owner"] == "@ada"
    assert governance["run_manifest"] == f"runs/{run_id}/manifest.json"
    assert check(Project.load(project), select=["MOD010"]) == []
    assert "# Front matter comments survive the sync." in card.read_text()
    synced = card.read_text()
    assert charter("card", "sync", "scorer", "--run", run_id, cwd=project).returncode == 0
    assert card.read_text() == synced
