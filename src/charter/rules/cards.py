"""MOD: model cards load, cover Mitchell et al.'s sections, and match the catalog."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import Finding
from charter.formats import schema
from charter.formats.card import GOVERNANCE_POINTER
from charter.rules.registry import at, at_line, first_mention, rule

if TYPE_CHECKING:
    from charter.project import Project

REQUIRED_SECTIONS = {
    "Model Details": ("model details",),
    "Intended Use": ("intended use", "uses", "intended uses"),
    "Factors": ("factors",),
    "Metrics": ("metrics",),
    "Evaluation Data": ("evaluation data", "testing data"),
    "Training Data": ("training data",),
    "Quantitative Analyses": ("quantitative analyses", "results"),
    "Ethical Considerations": ("ethical considerations",),
    "Caveats and Recommendations": (
        "caveats and recommendations",
        "bias, risks, and limitations",
        "recommendations",
    ),
}
"""Mitchell et al. (2019) sections -> accepted headings (Hugging Face template names too)."""


def _normal(title: str) -> str:
    return re.sub(r"\s+", " ", title.replace("&", "and")).strip().lower()


@rule("MOD001", "Model card does not load with huggingface_hub")
def loads_cleanly(project: Project) -> Iterator[Finding]:
    for card in project.cards:
        if card.hub_error is not None:
            yield at_line(card.path, 1, 1, f"huggingface_hub rejects the card: {card.hub_error}")


@rule("MOD002", "Model card governance block is missing or invalid")
def governance_block(project: Project) -> Iterator[Finding]:
    for card in project.cards:
        if card.governance is None:
            yield at(
                card.document,
                first_mention(card.document, "governance"),
                "front matter has no `governance:` mapping (owner, features, contracts, "
                "run_manifest)",
            )
            continue
        block = card.governance
        for problem in schema.validate(
            card.document, schema.CARD_GOVERNANCE_SCHEMA, data=block, base=GOVERNANCE_POINTER
        ):
            yield at_line(card.path, problem.line, problem.col, problem.message)


@rule("MOD003", "Model card lacks a required section")
def required_sections(project: Project) -> Iterator[Finding]:
    for card in project.cards:
        titles = {_normal(h.title) for h in card.headings()}
        for section, accepted in REQUIRED_SECTIONS.items():
            if not titles & set(accepted):
                yield at_line(
                    card.path,
                    card.markdown.body_line,
                    1,
                    f"no '{section}' section (Mitchell et al. 2019); add a heading for it",
                )


@rule("MOD004", "Template placeholder left in a model card", stage="production")
def no_placeholders(project: Project) -> Iterator[Finding]:
    for card in project.cards:
        for placeholder in card.placeholders():
            yield at_line(
                card.path,
                placeholder.line,
                placeholder.col,
                f"placeholder {placeholder.text!r} must be filled in before production",
            )


@rule("MOD005", "Model card names a feature the catalog does not define")
def features_exist(project: Project) -> Iterator[Finding]:
    for card in project.cards:
        for key, pointer in card.features:
            if project.feature_by_key(key) is None:
                yield at(card.document, pointer, f"feature {key!r} is not in the catalog")


@rule("MOD006", "Model card uses a feature that is not active")
def features_active(project: Project) -> Iterator[Finding]:
    for card in project.cards:
        for key, pointer in card.features:
            feature = project.feature_by_key(key)
            if feature is not None and feature.status != "active":
                yield at(
                    card.document,
                    pointer,
                    f"feature {key!r} has status {feature.status!r}; a model may only use "
                    "active features",
                )


@rule("MOD007", "Model card names a contract the project does not have")
def contracts_exist(project: Project) -> Iterator[Finding]:
    for card in project.cards:
        for contract_id, pointer in card.contracts:
            if project.contract_by_id(contract_id) is None:
                yield at(card.document, pointer, f"no contract has id {contract_id!r}")


@rule("MOD008", "Model card's run_manifest does not exist")
def run_manifest_exists(project: Project) -> Iterator[Finding]:
    for card in project.cards:
        manifest = card.run_manifest
        if manifest is None or project.sees(project.root / manifest):
            continue
        if (project.root / manifest).is_file():  # only with --staged: git does not track it
            message = f"run manifest {manifest!r} is not committed: `git add` it with the card"
        else:
            message = (
                f"run manifest {manifest!r} does not exist (paths are relative to the project root)"
            )
        yield at(card.document, f"{GOVERNANCE_POINTER}/run_manifest", message)
