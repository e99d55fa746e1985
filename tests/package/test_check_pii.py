"""The PII rules have no holes: each gap issue 12 found is a fixture that now fails.

(a) a column that declares no classification or PII category (CON017), (b) a
personal-looking column left public or `none` without a recorded review (CON018),
(c) a restricted column declared `piiCategory: none, anonymization: none` (CON006),
(d) a transform reading a column its feature does not declare (FEA009).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from checking import copy_good, edit, findings

CONTRACT = "governance/contracts/visits.odcs.yaml"
CATALOG = "governance/features/catalog.yaml"
FEATURES = "src/clinic/features.py"
WEIGHT = "      - name: weight\n"
REVIEW = (
    "          - property: privacyReview\n"
    "            value:\n"
    '              reviewer: "@privacy-reviewer"\n'
    "              reason: The clinic's shared front-desk mailbox, published on its website.\n"
)


def _column(name: str, classification: str | None, pii: str | None, extra: str = "") -> str:
    """A contract column, inserted before `weight`."""
    text = f"      - name: {name}\n        description: A column.\n"
    text += "        logicalType: string\n        required: true\n"
    if classification:
        text += f"        classification: {classification}\n"
    custom = f"          - property: piiCategory\n            value: {pii}\n" if pii else ""
    custom += extra
    if custom:
        text += "        customProperties:\n" + custom
    return text + WEIGHT


def _hits(project: Path, code: str) -> list[tuple[int, str]]:
    exit_code, found = findings(project)
    hits = [(f["line"], f["message"]) for f in found if f["code"] == code]
    assert exit_code == (1 if hits else 0), found
    return hits


@pytest.mark.fails_with("CON017")
def test_column_without_classification_or_pii_category_fails(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / CONTRACT, WEIGHT, _column("ward", None, None))
    assert _hits(project, "CON017") == [
        (
            41,
            "property 'ward' declares no `classification` and no `piiCategory` custom property"
            " (the project's data is not public: say how sensitive every column is)",
        )
    ]


def test_nested_field_without_pii_category_fails(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    column = _column("location", "internal", "none").replace(
        "logicalType: string", "logicalType: object"
    )
    nested = (
        "        properties:\n"
        "          - name: ward\n"
        "            description: Ward of the visit.\n"
        "            logicalType: string\n"
        "            required: true\n"
        "            classification: internal\n"
    )
    edit(project / CONTRACT, WEIGHT, column.replace(WEIGHT, nested + WEIGHT))
    assert [m for _line, m in _hits(project, "CON017")] == [
        "property 'location.ward' declares no `piiCategory` custom property"
        " (the project's data is not public: say how sensitive every column is)"
    ]


def test_public_project_needs_no_classification(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / CONTRACT, WEIGHT, _column("ward", None, None))
    (project / ".copier-answers.yml").write_text("data_sensitivity: public\n")
    assert _hits(project, "CON017") == []
    (project / ".copier-answers.yml").write_text("data_sensitivity: internal\n")
    assert len(_hits(project, "CON017")) == 1


@pytest.mark.fails_with("CON018")
@pytest.mark.parametrize(
    ("name", "classification", "pii"),
    [
        ("contact_email", "public", "none"),
        ("phone", "internal", "none"),
        ("patient_name", "public", "direct-identifier"),
        ("home_address", "confidential", "none"),
        ("date_of_birth", "public", "quasi-identifier"),
        ("national_id", "internal", "none"),
        ("client_ip", "internal", "none"),
        ("ipAddress", "internal", "none"),
        ("clinician_notes", "internal", "none"),
        ("free_text", "public", "quasi-identifier"),
    ],
)
def test_personal_name_public_or_none_fails(
    tmp_path: Path, name: str, classification: str, pii: str
) -> None:
    project = copy_good(tmp_path)
    anonymized = "          - property: anonymization\n            value: masking\n"
    edit(project / CONTRACT, WEIGHT, _column(name, classification, pii, anonymized))
    hits = _hits(project, "CON018")
    assert len(hits) == 1
    assert hits[0][1].startswith(f"property {name!r} looks like personal data by its name")


def test_recorded_privacy_review_allows_public(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / CONTRACT, WEIGHT, _column("contact_email", "public", "none", REVIEW))
    assert _hits(project, "CON018") == []
    edit(project / CONTRACT, "              reason: The clinic", "              reason: ' '  #")
    assert len(_hits(project, "CON018")) == 1


@pytest.mark.fails_with("CON006")
def test_restricted_none_none_needs_review(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    none = "          - property: anonymization\n            value: none\n"
    edit(project / CONTRACT, WEIGHT, _column("lab_value", "restricted", "none", none))
    hits = _hits(project, "CON006")
    assert [line for line, _m in hits] == [50]
    assert "classified restricted with `piiCategory: none` and `anonymization: none`" in hits[0][1]
    reviewed = none + REVIEW.replace("The clinic's shared", "Lab value, no identity; see the")
    edit(project / CONTRACT, none, reviewed)
    assert _hits(project, "CON006") == []


@pytest.mark.fails_with("FEA009")
def test_transform_reading_undeclared_pii_column_fails(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / CONTRACT, WEIGHT, _column("email", "confidential", "direct-identifier"))
    edit(
        project / FEATURES,
        "def age_band(age):\n    return age // 10\n",
        "import polars as pl\n\n\ndef age_band(age):\n"
        '    keep = pl.col("email").is_not_null() & pl.col("visit_id", "weight").is_not_null()\n'
        '    return pl.when(keep).then(pl.col("age") // 10)\n',
    )
    assert _hits(project, "FEA009") == [
        (
            14,
            "age_band@1: transform clinic.features:age_band reads column 'email' (personal "
            "data: direct-identifier) on line 8 but does not declare it in `sources`",
        ),
        (
            14,
            "age_band@1: transform clinic.features:age_band reads column 'weight' on line 8 "
            "but does not declare it in `sources`",
        ),
    ]


def test_transform_reading_only_declared_columns_passes(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(
        project / FEATURES,
        "def age_band(age):\n    return age // 10\n",
        'from polars import col\n\n\ndef age_band(age):\n    return col("age", "visit_id") // 10\n',
    )
    assert _hits(project, "FEA009") == []
