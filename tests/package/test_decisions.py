"""Why, not only what: feature rationale, candidates left out, and MADR decision records.

Each test edits the clean fixture project and runs the real `charter check`
or `charter new decision`; the site pages are made in-process from the
views fixture.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from checking import charter, codes, copy_good, copy_views, edit, findings

from charter.formats import decision as decision_format
from charter.project import Project
from charter.scaffold import decision as decision_scaffold
from charter.scaffold.errors import ScaffoldError
from charter.views import feature_catalog
from charter.views.site import Site, decision_pages, model_pages, runs

CATALOG = "governance/features/catalog.yaml"
CARD = "governance/models/risk/card.md"
RECORD = "governance/decisions/0001-choose-the-risk-features.md"


def manifest(run_id: str) -> dict:
    """A schema-valid run manifest (the one tests/package/test_deployments.py records)."""
    return {
        "apiVersion": "charter/v1",
        "run_id": run_id,
        "start_time": "2026-12-07T10:15:00Z",
        "end_time": "2026-12-07T10:16:00Z",
        "code": {"commit": "a" * 40, "dirty": False, "entry_point": "clinic.pipeline"},
        "environment": {"lock_sha256": "c" * 64, "python": "3.11.9", "platform": "linux"},
        "inputs": [],
        "features": ["age_decade@2", "weight_kg@1"],
        "models": ["risk_model"],
        "params": {},
        "params_hash": "sha256:" + "e" * 64,
        "seeds": {"split": 1},
        "metrics": {"r2": 0.5},
        "outputs": [{"name": "metrics", "uri": "artifacts/metrics.json", "sha256": "f" * 64}],
    }


def hits(project: Path, code: str, *args: str) -> list[dict]:
    return [f for f in findings(project, *args)[1] if f["code"] == code]


# ------------------------------------------------------------------ rationale


@pytest.mark.fails_with("DEC004")
def test_an_active_feature_needs_a_rationale(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(
        project / CATALOG,
        "    rationale: Body weight drives the risk score in the clinic's own guideline.\n",
        "",
    )
    found = hits(project, "DEC004")
    assert [(f["path"], f["line"], f["col"]) for f in found] == [(CATALOG, 19, 5)]
    assert "weight_kg@1 has no `rationale:`" in found[0]["message"]


def test_a_placeholder_rationale_is_no_rationale(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(
        project / CATALOG,
        "rationale: Body weight drives the risk score in the clinic's own guideline.",
        'rationale: "TODO(feature-owner): why a model should read weight_kg."',
    )
    found = hits(project, "DEC004")
    assert len(found) == 1 and "still a placeholder" in found[0]["message"]
    line = (project / CATALOG).read_text().splitlines()[found[0]["line"] - 1]
    assert line.lstrip().startswith('"TODO') or "rationale:" in line


def test_draft_features_need_no_rationale(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    catalog = yaml.safe_load((project / CATALOG).read_text())
    drafts = [f for f in catalog["features"] if f["status"] == "draft"]
    assert drafts and all("rationale" not in f for f in drafts)
    assert "DEC004" not in codes(project)


def test_excluded_candidates_are_typed_and_need_a_reason(tmp_path: Path) -> None:
    project = copy_views(tmp_path)
    catalog = Project.load(project).catalog
    assert catalog is not None
    [left_out] = catalog.excluded
    assert left_out.name == "postcode"
    assert left_out.decision == "0001-choose-the-risk-model-features.md"
    assert "income" in (left_out.reason or "")
    assert catalog.find("weight_kg").rationale.startswith("Body weight")
    edit(
        project / CATALOG,
        "    reason: Stands in for income and ethnicity; the model must not learn them.\n",
        "",
    )
    found = hits(project, "FEA001")
    assert found and "'reason' is a required property" in found[0]["message"]


# ------------------------------------------------------------ decision records


def test_the_clean_project_loads_its_decision_record(tmp_path: Path) -> None:
    project = Project.load(copy_good(tmp_path))
    [record] = project.decisions
    assert record.number == 1 and record.status == "accepted" and record.binding
    assert record.title == "Choose the risk features"
    assert [m for m, _ in record.models] == ["risk"]
    assert [f for f, _ in record.features] == ["age_band@1", "weight_kg@1"]
    assert record.decision_makers == ["@model-owner"]
    assert record.missing_sections() == []
    assert project.decisions_for("risk") == [record]


@pytest.mark.fails_with("DEC001")
def test_front_matter_is_checked_against_its_schema(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / RECORD, "status: accepted\ndate: 2026-12-01", "status: done\ndate: 1 Dec 2026")
    found = hits(project, "DEC001")
    assert {(f["path"], f["line"]) for f in found} == {(RECORD, 2), (RECORD, 3)}
    assert all(f["col"] == 9 or f["col"] == 7 for f in found), found


@pytest.mark.fails_with("DEC002")
def test_a_record_needs_the_madr_sections(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / RECORD, "## Considered Options", "## Options")
    edit(project / RECORD, "### Consequences", "### After")
    found = hits(project, "DEC002")
    messages = sorted(f["message"] for f in found)
    assert messages == [
        "no 'Consequences' section (MADR); add a heading for it",
        "no 'Considered Options' section (MADR); add a heading for it",
    ]
    assert all((f["path"], f["line"], f["col"]) == (RECORD, 9, 1) for f in found)


@pytest.mark.fails_with("DEC003")
def test_links_must_name_existing_models_features_and_runs(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / RECORD, "models: [risk]", "models: [risk, risk_modle]")
    edit(project / RECORD, "runs: []", "runs: [20261207-lost]")
    edit(project / RECORD, "weight_kg@1]", "weight_kg@1, weight_kg@9]")
    found = hits(project, "DEC003")
    assert sorted(f["message"] for f in found) == [
        "feature 'weight_kg@9' is not in the catalog",
        "no model card for model 'risk_modle'",
        "no recorded run '20261207-lost' under runs/",
    ]
    text = (project / RECORD).read_text().splitlines()
    for finding in found:
        line = text[finding["line"] - 1]
        assert line[finding["col"] - 1 :].startswith(("risk_modle", "20261207", "weight_kg@9"))


def test_an_unreadable_catalog_is_reported_once_not_per_link(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / CATALOG, "features:\n", "features: [\n")
    found = codes(project)
    assert "PRJ001" in found and "DEC003" not in found


def test_a_linked_run_that_is_recorded_passes(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    run = project / "runs" / "20261207T101500Z-3f2a"
    run.mkdir(parents=True)
    (run / "manifest.json").write_text("{}")
    edit(project / RECORD, "runs: []", "runs: [20261207T101500Z-3f2a]")
    assert not hits(project, "DEC003")


def test_an_excluded_candidate_names_an_existing_record(tmp_path: Path) -> None:
    project = copy_views(tmp_path)
    edit(project / CATALOG, "decision: 0001-choose-the-risk-model-features.md", "decision: 0009.md")
    found = hits(project, "DEC003")
    assert [f["path"] for f in found] == [CATALOG]
    assert "no decision record '0009.md' in governance/decisions/" in found[0]["message"]


@pytest.mark.fails_with("PRJ001")
def test_a_broken_record_is_a_located_load_problem(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / RECORD, "models: [risk]", "models: [risk")
    result = charter("check", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(rf"^{re.escape(RECORD)}:\d+:\d+: PRJ001 ", result.stdout, re.MULTILINE)


def test_a_record_without_front_matter_is_a_load_problem(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / "governance/decisions/0002-no-front-matter.md").write_text("# Just text\n")
    found = hits(project, "PRJ001")
    assert [(f["path"], f["line"], f["col"]) for f in found] == [
        ("governance/decisions/0002-no-front-matter.md", 1, 1)
    ]
    assert "front matter" in found[0]["message"]


def test_a_readme_in_the_folder_is_not_a_record(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / "governance/decisions/README.md").write_text("# Decisions\n")
    assert codes(project) == set()


# --------------------------------------------------- card covered by a decision


@pytest.mark.fails_with("DEC005")
def test_changing_a_cards_features_asks_for_a_decision_record(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / CARD, "    - weight_kg@1\n", "    - weight_kg@2\n")
    edit(project / CATALOG, "    status: draft\n", "    status: active\n    rationale: Mean.\n")
    found = hits(project, "DEC005")
    assert [(f["path"], f["line"], f["col"]) for f in found] == [(CARD, 19, 5)]
    assert (
        "0001-choose-the-risk-features.md (adds weight_kg@2, drops weight_kg@1)"
        in (found[0]["message"])
    )
    made = charter("new", "decision", "Impute weight by the mean", "--model", "risk", cwd=project)
    assert made.returncode == 0, made.stderr
    record = project / "governance/decisions/0002-impute-weight-by-the-mean.md"
    assert f"wrote {record}" in made.stdout
    assert not hits(project, "DEC005")


def test_a_new_model_needs_a_record_naming_it(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / RECORD, "models: [risk]", "models: []")
    found = hits(project, "DEC005")
    assert len(found) == 1
    assert "no decision record names model 'risk'" in found[0]["message"]
    assert 'charter new decision "TITLE" --model risk' in found[0]["message"]


@pytest.mark.parametrize("status", ["rejected", "deprecated", "superseded by 0002-other"])
def test_only_a_standing_record_covers_a_card(tmp_path: Path, status: str) -> None:
    project = copy_good(tmp_path)
    edit(project / RECORD, "status: accepted", f"status: {status}")
    assert "DEC005" in codes(project)
    assert "DEC001" not in codes(project)


@pytest.mark.fails_with("DEC006")
def test_production_asks_for_an_accepted_record_without_placeholders(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / RECORD, "status: accepted", "status: proposed")
    edit(project / RECORD, "* Age and weight only", "* TODO(model-owner): option 1")
    assert "DEC006" not in codes(project)  # proposed is what review is for
    found = hits(project, "DEC006", "--stage", "production")
    assert [(f["line"], f["col"]) for f in found] == [(2, 9), (18, 3)]
    assert "still proposed; accept it before production" in found[0]["message"]
    assert "'TODO(model-owner)' must be filled in" in found[1]["message"]
    assert {f["path"] for f in found} == {RECORD}


@pytest.mark.parametrize("status", ["proposed", "accepted"])
def test_card_sync_updates_a_proposed_record_only(tmp_path: Path, status: str) -> None:
    project = copy_good(tmp_path)
    edit(project / RECORD, "status: accepted", f"status: {status}")
    body = (project / RECORD).read_text().split("---\n", 2)[2]
    run = project / "runs" / "r1"
    run.mkdir(parents=True)
    recorded = manifest("r1") | {"models": ["risk"], "features": ["age_band@1"]}
    recorded["inputs"] = [
        {
            "name": "visits",
            "uri": "data/raw/visits.parquet",
            "fingerprint": "blake3:" + "d" * 64,
            "bytes": 10,
            "rows": 3,
            "contract": {"id": "visits", "version": "1.0.0"},
        }
    ]
    (run / "manifest.json").write_text(json.dumps(recorded))
    synced = charter("card", "sync", "risk", "--run", "r1", cwd=project)
    assert synced.returncode == 0, synced.stderr
    record = decision_format.load(project / RECORD)
    if status == "proposed":
        assert [f for f, _ in record.features] == ["age_band@1"]
        assert f"{RECORD}: features updated (the record is still proposed)" in synced.stdout
        assert "DEC005" not in codes(project)
    else:
        assert [f for f, _ in record.features] == ["age_band@1", "weight_kg@1"]
        assert "DEC005" in codes(project)  # the accepted choice changed: a new record is due
    assert record.markdown.text.split("---\n", 2)[2] == body


# ------------------------------------------------------- charter new decision


def test_new_decision_writes_the_next_numbered_madr_record(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    result = charter("new", "decision", "Use ridge: regression #1 'quoted'", cwd=project)
    assert result.returncode == 0, result.stderr
    target = project / "governance/decisions/0002-use-ridge-regression-1-quoted.md"
    record = decision_format.load(target)
    assert record.status == "proposed"
    assert record.title == "Use ridge: regression #1 'quoted'"
    assert record.models == [] and record.features == [] and record.runs == []
    assert record.missing_sections() == []
    assert "TODO(model-owner)" in target.read_text()
    assert codes(project) == set()  # proposed, linked to nothing: valid and nothing dangling
    again = charter("new", "decision", "Use ridge regression", cwd=project)
    assert again.returncode == 0
    assert (project / "governance/decisions/0003-use-ridge-regression.md").is_file()


def test_new_decision_for_a_model_copies_the_cards_features(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / RECORD).unlink()
    result = charter("new", "decision", "Pick the risk features", "--model", "risk", cwd=project)
    assert result.returncode == 0, result.stderr
    record = decision_format.load(project / "governance/decisions/0001-pick-the-risk-features.md")
    assert [m for m, _ in record.models] == ["risk"]
    assert [f for f, _ in record.features] == ["age_band@1", "weight_kg@1"]
    assert codes(project) == set()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["!!!"], "charter new: invalid title '!!!': it needs letters or digits"),
        (["Pick", "--model", "nope"], "no model card for model 'nope' (the project has: risk)"),
    ],
)
def test_new_decision_refuses_bad_input_in_one_sentence(
    tmp_path: Path, args: list[str], message: str
) -> None:
    project = copy_good(tmp_path)
    result = charter("new", "decision", *args, cwd=project)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_new_decision_refuses_an_existing_file(tmp_path: Path, monkeypatch) -> None:
    """Two people numbering at once: the second write finds the file and leaves it alone."""
    project = copy_good(tmp_path)
    before = (project / RECORD).read_bytes()
    monkeypatch.setattr(decision_scaffold, "next_number", lambda _project: 1)
    with pytest.raises(ScaffoldError, match="already exists; choose another name"):
        decision_scaffold.new_decision(Project.load(project), "Choose the risk features")
    assert (project / RECORD).read_bytes() == before


def test_new_decision_never_writes_through_a_linked_folder(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = project / "governance/decisions"
    (folder / "0001-choose-the-risk-features.md").rename(outside / "0001-choose.md")
    folder.rmdir()
    folder.symlink_to(outside)
    result = charter("new", "decision", "Use ridge", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "symlink" in result.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["0001-choose.md"]


def test_new_model_starts_a_proposed_record_so_the_card_is_covered(tmp_path: Path) -> None:
    project = copy_views(tmp_path)
    result = charter("new", "model", "readmission", cwd=project)
    assert result.returncode == 0, result.stderr
    record = project / "governance/decisions/0002-choose-the-readmission-model-and-its-features.md"
    assert f"wrote {record}" in result.stdout
    loaded = decision_format.load(record)
    assert loaded.status == "proposed"
    assert [f for f, _ in loaded.features] == ["age_decade@2", "weight_kg@1"]
    assert "DEC005" not in codes(project)


# ----------------------------------------------------------- views and site


def test_the_catalog_view_shows_rationale_and_candidates_left_out(tmp_path: Path) -> None:
    project = Project.load(copy_views(tmp_path))
    text = feature_catalog.render(project.catalog, CATALOG)
    assert "| Rationale |" in text.splitlines()[6]
    assert "Risk rises with age; decades keep the signal" in text
    assert "## Candidates left out" in text
    assert (
        "| `postcode` | Stands in for income and ethnicity; the model must not learn them. "
        "| `0001-choose-the-risk-model-features.md` |"
    ) in text


def test_the_decisions_page_lists_records_with_status_and_links(tmp_path: Path) -> None:
    site = Site(Project.load(copy_views(tmp_path)))
    made = decision_pages(site)
    index, record = made.pages
    assert index.uri == "decisions/index.md"
    assert (
        "| [Choose the risk_model features](0001-choose-the-risk-model-features.md) "
        "| accepted | 2026-12-01 | model [risk_model](../models/risk_model.md), "
        "feature `age_decade@2`, feature `weight_kg@1` |"
    ) in index.text
    assert record.uri == "decisions/0001-choose-the-risk-model-features.md"
    assert "### Context and Problem Statement" in record.text  # under the page's own title
    assert record.text.count("# Choose the risk") == 1
    model = next(p for p in model_pages(site).pages if p.title == "risk_model")
    assert (
        "| Decisions | [Choose the risk_model features]"
        "(../decisions/0001-choose-the-risk-model-features.md) (accepted) |"
    ) in model.text


def test_the_runs_page_shows_the_records_that_cite_a_run(tmp_path: Path) -> None:
    project = copy_views(tmp_path)
    run = project / "runs" / "20261207T101500Z-3f2a"
    run.mkdir(parents=True)
    (run / "manifest.json").write_text(json.dumps(manifest("20261207T101500Z-3f2a")))
    record = project / "governance/decisions/0001-choose-the-risk-model-features.md"
    edit(record, "runs: []", "runs: [20261207T101500Z-3f2a]")
    text = runs(Site(Project.load(project))).pages[0].text
    assert "## Decisions these runs informed" in text
    assert (
        "| `20261207T101500Z-3f2a` | [Choose the risk_model features]"
        "(decisions/0001-choose-the-risk-model-features.md) | accepted |"
    ) in text


def test_a_decision_record_cannot_put_html_into_the_site(tmp_path: Path) -> None:
    project = copy_views(tmp_path)
    record = project / "governance/decisions/0001-choose-the-risk-model-features.md"
    record.write_text(record.read_text() + "\n<script>alert('record')</script>\n")
    site = Site(Project.load(project))
    page = decision_pages(site).pages[1]
    assert "<script>" not in page.text and "&lt;script>" in page.text


def test_the_schema_is_published_identically() -> None:
    repo = Path(__file__).resolve().parents[2]
    name = "decision-record.schema.json"
    package = (repo / "src/charter/formats/schemas" / name).read_bytes()
    assert (repo / "docs/schemas" / name).read_bytes() == package
    assert (repo / "template/governance/schemas" / name).read_bytes() == package
    assert json.loads(package)["required"] == ["status", "date", "decision-makers"]
