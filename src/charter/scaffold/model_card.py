"""A model-card stub wired to the catalog: `charter new model NAME`.

The `governance:` block starts with the catalog's active features and the
contracts they read, so the card is checkable from its first commit;
`pipeline_tag` (Hugging Face's task field) says what the model does, so
`charter card sync` never has to guess it; the
Mitchell et al. sections start as `TODO(role): ...` placeholders that name who
fills them in.
"""

from __future__ import annotations

import re
from importlib import resources
from string import Template
from typing import Any

import yaml

from charter.constants import API_VERSION, DEFAULT_TASK
from charter.formats.card import MITCHELL_SECTIONS
from charter.formats.catalog import Catalog, Feature
from charter.formats.contract import Contract

HF_LICENSES = {
    "MIT": "mit",
    "Apache-2.0": "apache-2.0",
    "BSD-3-Clause": "bsd-3-clause",
}
"""Copier's license answer -> the Hugging Face license id; anything else is `other`."""


"""The worked example's task: a new card is a regressor unless `--task` says otherwise."""

TASK_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
"""Hugging Face task ids are lowercase words joined by hyphens (`tabular-classification`)."""


def active_features(catalog: Catalog | None) -> list[Feature]:
    """The features a new model may use: active ones, sorted by name and version."""
    features = catalog.features if catalog else []
    return sorted(
        (f for f in features if f.status == "active" and f.version is not None),
        key=lambda f: (f.name, f.version or 0),
    )


def card_text(
    name: str,
    owner: str,
    features: list[Feature],
    contracts: list[Contract],
    license_answer: str | None = None,
    *,
    task: str = DEFAULT_TASK,
    sections: list[str] | None = None,
) -> str:
    """The whole card: front matter (Hugging Face keys plus `governance:`) and body.

    `sections` (the project's `card_sections`) adds a placeholder for each
    required section that is not one of Mitchell et al.'s, which the body has.
    """
    read = sorted({source.contract for feature in features for source in feature.sources})
    front_matter: dict[str, Any] = {
        "license": HF_LICENSES.get(license_answer or "", "other"),
        "pipeline_tag": task,
        "tags": ["charter"],
        "governance": {
            "apiVersion": API_VERSION,
            "owner": owner,
            "features": [feature.key for feature in features],
            "contracts": read,
            "run_manifest": None,
        },
    }
    body = Template(resources.files(__package__).joinpath("templates/card.md").read_text("utf-8"))
    text = body.substitute(
        name=name,
        summary=f"TODO(model-owner): one paragraph on what {name} predicts, and from what.",
        owner=owner,
        features=feature_list(features),
        contracts=contract_list(read, contracts),
        personal=personal_list(features, contracts),
    )
    extra = [s for s in sections or () if s not in MITCHELL_SECTIONS]
    for section in extra:
        text += f"\n## {section}\n\nTODO(model-owner): {section.lower()} of {name}.\n"
    header = yaml.safe_dump(front_matter, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{header}---\n\n{text}"


def feature_list(features: list[Feature]) -> str:
    if not features:
        return (
            "TODO(model-owner): no active feature in the catalog yet; add the features this "
            "model reads to the catalog, then to `governance.features` above."
        )
    return "\n".join(
        f"- `{f.key}`: {f.description or 'TODO(model-owner): describe it'}" for f in features
    )


def contract_list(read: list[str], contracts: list[Contract]) -> str:
    versions = {c.id: c.version for c in contracts}
    lines = [
        f"- contract `{contract_id}` (version {versions.get(contract_id) or 'unknown'})"
        for contract_id in read
    ]
    lines.append(
        "\nTODO(data-owner): which rows and period trained the model, and how it was split."
    )
    return "\n".join(lines).lstrip("\n")


def personal_list(features: list[Feature], contracts: list[Contract]) -> str:
    """Name the features that read personal data: the privacy reviewer starts there."""
    by_id = {c.id: c for c in contracts}
    personal = []
    for feature in features:
        for source in feature.sources:
            contract = by_id.get(source.contract)
            schema = contract.schema(source.schema) if contract else None
            prop = schema.property(source.property) if schema else None
            if prop is not None and prop.is_personal:
                personal.append(
                    f"- `{feature.key}` reads personal data `{source.contract}.{prop.name}` "
                    f"({prop.pii_category}; feature anonymization: "
                    f"{feature.anonymization or 'none'})"
                )
    lines = sorted(set(personal))
    lines.append(
        "\nTODO(privacy-reviewer): risks to the people in the data and to those affected "
        "by the model's decisions, and how they are mitigated."
    )
    return "\n".join(lines).lstrip("\n")
