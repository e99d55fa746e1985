"""The governance artifacts a new project gets are clean under `charter check`, and defects show."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from charter.cli import main

CONTRACT = "governance/contracts/patients.odcs.yaml"
CATALOG = "governance/features/catalog.yaml"
CARD = "governance/models/progression_regressor/card.md"
SENSITIVITIES = ["public", "internal", "confidential", "restricted"]


def check(project: Path, monkeypatch: pytest.MonkeyPatch, capsys, *args: str) -> tuple[int, list]:
    """`charter check --format json ARGS` run in-process from the project folder.

    Test projects are rendered from a local clone, so their `charter` source is
    a file:// URL and PRJ012 always warns (tests/package/test_distribution.py).
    """
    monkeypatch.chdir(project)
    capsys.readouterr()
    exit_code = main(["check", "--format", "json", "--ignore", "PRJ012", *args])
    return exit_code, json.loads(capsys.readouterr().out)["findings"]


@pytest.fixture(scope="module")
def default_project(render: Callable[..., Path]) -> Path:
    return render()


@pytest.fixture
def project(default_project: Path, tmp_path: Path) -> Path:
    """A writable copy of the default project."""
    return Path(shutil.copytree(default_project, tmp_path / "project", symlinks=True))


@pytest.mark.parametrize("example", [True, False], ids=["example", "skeleton"])
@pytest.mark.parametrize("sensitivity", SENSITIVITIES)
def test_new_project_is_clean(
    render: Callable[..., Path], monkeypatch, capsys, example: bool, sensitivity: str
) -> None:
    project = render(example_pipeline=example, data_sensitivity=sensitivity)
    assert check(project, monkeypatch, capsys) == (0, [])
    contracts = list((project / "governance/contracts").glob("*.odcs.yaml"))
    assert len(contracts) == 1
    assert f"classification: {sensitivity}" in contracts[0].read_text()


def test_hostile_answers_still_give_clean_artifacts(
    render: Callable[..., Path], monkeypatch, capsys
) -> None:
    project = render(
        project_name='Ünïcode "quoted" #1: back\\slash',
        organization='Org: "A" # B \\ C\nsecond line',
        model_owner="@org/model-team",
        data_owner="data.owner+x@example.org",
    )
    assert check(project, monkeypatch, capsys) == (0, [])
    assert '"data.owner+x@example.org"' in (project / CONTRACT).read_text()


def test_production_stage_reports_the_card_placeholders(project: Path, monkeypatch, capsys) -> None:
    exit_code, found = check(project, monkeypatch, capsys, "--stage", "production")
    assert exit_code == 1
    assert {f["code"] for f in found} == {"MOD004"}
    assert all(f["path"] == CARD for f in found)
    assert len(found) == (project / CARD).read_text().count("TODO(")


def test_skeleton_placeholders_are_reported_at_production(
    render: Callable[..., Path], monkeypatch, capsys
) -> None:
    project = render(example_pipeline=False)
    exit_code, found = check(project, monkeypatch, capsys, "--stage", "production")
    assert exit_code == 1
    # The sample's contract is complete; the baseline card asks its owners questions.
    assert {(f["code"], f["path"]) for f in found} == {
        ("MOD004", "governance/models/baseline/card.md"),
    }


def test_yaml_files_name_their_schema_for_editors(project: Path) -> None:
    for path in (project / CONTRACT, project / CATALOG):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../schemas/")
        schema = path.parent / first.split("$schema=")[1]
        assert schema.is_file()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


DEFECTS = {
    "CON008": (CONTRACT, "          - property: unit\n            value: kg/m2\n", ""),
    "FEA002": (CATALOG, "property: s6", "property: s7"),
    "MOD003": (CARD, "## Ethical Considerations", "## Ethics"),
    "MOD005": (CARD, "- blood_glucose@1", "- blood_sugar@1"),
    "PRJ003": (
        CATALOG,
        "features:\n",
        "<<<<<<< before updating\nfeatures:\n=======\n>>>>>>> after\n",
    ),
    "FEA006": (CATALOG, "features:age_decade", "features:age_decades"),
    "CON006": (
        CONTRACT,
        "          - property: anonymization\n            value: generalization\n",
        "",
    ),
}


@pytest.mark.parametrize("code", list(DEFECTS))
def test_injected_defect_is_caught(project: Path, monkeypatch, capsys, code: str) -> None:
    file, old, new = DEFECTS[code]
    _replace(project / file, old, new)
    exit_code, found = check(project, monkeypatch, capsys)
    assert exit_code == 1
    assert code in {f["code"] for f in found}
    assert {f["path"] for f in found if f["code"] == code} == {file}


def test_rej_file_left_by_copier_update(project: Path, monkeypatch, capsys) -> None:
    (project / "README.md.rej").write_text("@@ -1 +1 @@\n-old\n+new\n")
    exit_code, found = check(project, monkeypatch, capsys)
    assert (exit_code, [(f["code"], f["path"]) for f in found]) == (
        1,
        [("PRJ004", "README.md.rej")],
    )
