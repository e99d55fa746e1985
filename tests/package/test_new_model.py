"""`charter new model NAME`: a card stub wired to the catalog, that the checker accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from charter_cli import charter
from checking import copy_views
from huggingface_hub import ModelCard

from charter.formats import card as card_format
from charter.rules.cards import REQUIRED_SECTIONS


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the fixture project, with its committed (current) views."""
    return copy_views(tmp_path)


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text().split("---\n", 2)[1])


def test_card_stub_lists_active_features_and_their_contracts(project: Path) -> None:
    catalog = project / "governance/features/catalog.yaml"
    catalog.write_text(
        catalog.read_text().replace(
            "    status: active\n    description: Weight as measured.",
            "    status: draft\n    description: Weight as measured.",
        )
    )
    result = charter("new", "model", "readmission", cwd=project)

    assert result.returncode == 0, result.stderr
    target = project / "governance/models/readmission/card.md"
    assert f"wrote {target}" in result.stdout
    governance = front_matter(target)["governance"]
    assert governance == {
        "apiVersion": "charter/v1",
        "owner": "@model-owner",
        "features": ["age_decade@2"],
        "contracts": ["visits"],
        "run_manifest": None,
    }
    text = target.read_text()
    assert "`age_decade@2` reads personal data `visits.age`" in text
    assert "contract `visits` (version 1.2.0)" in text


def test_card_stub_passes_the_checker_and_loads_with_huggingface_hub(project: Path) -> None:
    assert charter("new", "model", "readmission", cwd=project).returncode == 0
    target = project / "governance/models/readmission/card.md"

    ModelCard.load(target)  # raises on a malformed card
    titles = {h.title.lower() for h in card_format.load(target).headings()}
    for section, accepted in REQUIRED_SECTIONS.items():
        assert titles & set(accepted), section

    review = charter("check", cwd=project)
    assert review.returncode == 0, review.stdout
    production = charter("check", "--stage", "production", "--select", "MOD", cwd=project)
    assert production.returncode == 1
    assert "readmission/card.md" in production.stdout
    assert "MOD004" in production.stdout


def test_owner_and_license_come_from_the_answers(project: Path) -> None:
    (project / ".copier-answers.yml").write_text(
        "model_owner: ml-team@example.org\nlicense: Apache-2.0\n"
    )
    assert charter("new", "model", "readmission", cwd=project).returncode == 0
    meta = front_matter(project / "governance/models/readmission/card.md")
    assert meta["governance"]["owner"] == "ml-team@example.org"
    assert meta["license"] == "apache-2.0"


def test_new_card_shows_in_the_views(project: Path) -> None:
    assert charter("new", "model", "readmission", cwd=project).returncode == 0
    stale = charter("docs", "--check", cwd=project)
    assert stale.returncode == 1
    assert "docs/model-cards.md: stale" in stale.stdout
    assert charter("docs", cwd=project).returncode == 0
    index = (project / "docs/model-cards.md").read_text()
    assert "| `readmission` | @model-owner | draft (" in index


def test_project_without_catalog_gets_a_placeholder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "bare"\nversion = "0"\n')
    result = charter("new", "model", "first_model", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    target = tmp_path / "governance/models/first_model/card.md"
    governance = front_matter(target)["governance"]
    assert governance["features"] == []
    assert governance["owner"].startswith("TODO(model-owner)")
    assert "no active feature in the catalog yet" in target.read_text()


def test_existing_model_is_never_replaced(project: Path) -> None:
    target = project / "governance/models/risk_model/card.md"
    before = target.read_bytes()
    result = charter("new", "model", "risk_model", cwd=project)
    assert result.returncode == 2
    assert "a model card named 'risk_model' already exists" in result.stderr
    assert target.read_bytes() == before


@pytest.mark.parametrize("name", ["RiskModel", "../escape", "risk model", "9lives", "a" * 65])
def test_invalid_model_names(project: Path, name: str) -> None:
    result = charter("new", "model", name, cwd=project)
    assert result.returncode == 2
    assert f"invalid model name {name!r}" in result.stderr
    assert sorted(p.name for p in (project / "governance/models").iterdir()) == ["risk_model"]
    assert not (project / "governance/escape").exists()


def test_card_stub_names_its_task(project: Path) -> None:
    assert charter("new", "model", "readmission", cwd=project).returncode == 0
    default = front_matter(project / "governance/models/readmission/card.md")
    assert default["pipeline_tag"] == "tabular-regression"  # the worked example's task

    result = charter("new", "model", "species", "--task", "tabular-classification", cwd=project)
    assert result.returncode == 0, result.stderr
    target = project / "governance/models/species/card.md"
    assert front_matter(target)["pipeline_tag"] == "tabular-classification"
    assert ModelCard.load(target).data.pipeline_tag == "tabular-classification"


def test_card_stub_refuses_a_task_that_is_not_a_task_id(project: Path) -> None:
    result = charter("new", "model", "species", "--task", "Tabular Classification", cwd=project)
    assert result.returncode == 2
    assert "invalid task 'Tabular Classification'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "governance/models/species").exists()


def test_card_stub_has_the_sections_the_project_requires(project: Path) -> None:
    """`card_sections` adds sections: the new card names them, so MOD003 accepts it."""
    pyproject = project / "pyproject.toml"
    required = '["Model Details", "Intended Use", "Clinical Safety"]'
    pyproject.write_text(pyproject.read_text().replace(
        "[tool.charter]\n", f"[tool.charter]\ncard_sections = {required}\n", 1
    ))  # fmt: skip
    assert charter("new", "model", "readmission", cwd=project).returncode == 0
    target = project / "governance/models/readmission/card.md"
    assert "\n## Clinical Safety\n\nTODO(model-owner): clinical safety of readmission.\n" in (
        target.read_text()
    )
    check = charter("check", "--select", "MOD003,PRJ005", cwd=project)
    assert check.stdout.splitlines() == [  # the older card lacks it, the new one has it
        "governance/models/risk_model/card.md:27:1: MOD003 no 'Clinical Safety' section; "
        "add a heading for it"
    ]


def test_mod004_names_the_stub_placeholders_not_its_instruction_sentence(project: Path) -> None:
    """The stub tells its reader what `TODO(role): ...` means; that sentence is no placeholder."""
    assert charter("new", "model", "readmission", cwd=project).returncode == 0
    card = project / "governance/models/readmission/card.md"
    lines = card.read_text().splitlines()
    instruction = next(n for n, line in enumerate(lines, 1) if "names who fills it in" in line)
    found = card_format.load(card).placeholders()
    assert found
    assert instruction not in {placeholder.line for placeholder in found}
    assert all(lines[p.line - 1][p.col - 1 :].startswith("TODO(") for p in found)
    assert {p.text for p in found} <= {
        "TODO(model-owner)",
        "TODO(product-owner)",
        "TODO(domain-expert)",
        "TODO(data-owner)",
        "TODO(privacy-reviewer)",
    }


def test_the_task_defaults_to_the_pipeline_settings(project: Path) -> None:
    """The task is chosen once, in `data.task` of configs/pipeline.yaml."""
    (project / "configs").mkdir(exist_ok=True)
    (project / "configs" / "pipeline.yaml").write_text(
        "data:\n  task: tabular-classification\nseeds: {split: 1}\n"
    )
    assert charter("new", "model", "readmission", cwd=project).returncode == 0
    meta = front_matter(project / "governance/models/readmission/card.md")
    assert meta["pipeline_tag"] == "tabular-classification"
