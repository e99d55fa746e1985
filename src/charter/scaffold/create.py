"""`charter new`'s two operations: each checks its inputs, builds the artifact, writes it once.

The draft is validated against the same schema `charter check` uses before
it is written, so scaffolding never creates a file the checker rejects as
malformed; what is left to do shows as placeholders and findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from charter.constants import CARD_NAME
from charter.formats import card as card_format
from charter.formats import schema
from charter.formats.source import FormatError, parse_yaml
from charter.formats.vocabulary import CLASSIFICATIONS, NULL_MARKERS
from charter.project import Project
from charter.scaffold.answers import answer, read_answers
from charter.scaffold.bounds import check_draft, check_text, most_columns, yaml_values
from charter.scaffold.contract import (
    API_VERSION,
    People,
    draft_contract,
    draft_notes,
    draft_property,
)
from charter.scaffold.errors import ScaffoldError
from charter.scaffold.files import write_new, yaml_text
from charter.scaffold.model_card import DEFAULT_TASK, TASK_PATTERN, active_features, card_text
from charter.scaffold.names import check_name
from charter.scaffold.profile import MAX_CODES, ColumnProfile, DataProfile, profile_file

ODCS_SCHEMA_URL = (
    "https://raw.githubusercontent.com/bitol-io/open-data-contract-standard/main/schema/"
    "odcs-json-schema-v3.1.0.json"
)


def new_contract(
    project: Project,
    name: str,
    data: Path,
    null_markers: tuple[str, ...] = NULL_MARKERS,
    *,
    max_codes: int | None = None,
    report: Callable[[str], None] | None = None,
) -> Path:
    """Infer `<contracts>/<name>.odcs.yaml` from the CSV or Parquet file `data`.

    `null_markers` are the texts a CSV writes for a missing value; a column with
    at most `max_codes` distinct values gets a code list; `report` hears of each,
    with its size, and of a proposed composite key.
    """
    check_name("contract", name)
    target = project.path("contracts") / f"{name}.odcs.yaml"
    if target.exists() or project.contract_by_id(name) is not None:
        raise ScaffoldError(f"{target}: a contract named {name!r} already exists")
    answers = read_answers(project.root)
    people = People(
        owner=answer(answers, "data_owner") or _contract_member(project, "owner"),
        privacy_reviewer=answer(answers, "privacy_reviewer")
        or _contract_member(project, "privacy reviewer"),
    )
    sensitivity = answer(answers, "data_sensitivity")
    plain = ColumnProfile("c", "", "string", 0, 0)  # the least a drafted column holds
    least = yaml_values(draft_property(plain, DataProfile(data, 0, ()), None))
    profile = profile_file(data, null_markers, max_codes or MAX_CODES, most_columns(least))
    document = draft_contract(
        name, profile, people, sensitivity if sensitivity in CLASSIFICATIONS else None
    )
    check_draft(data, len(profile.columns), document)
    for note in draft_notes(profile) if report else ():
        report(f"{target}: {note}")
    text = yaml_text(document, _schema_reference(project, target))
    check_text(data, len(profile.columns), text)
    _check_contract(text, target)
    write_new(target, text, project.root)
    return target


def new_model(project: Project, name: str, task: str = DEFAULT_TASK) -> Path:
    """Write `<models>/<name>/card.md`, wired to the catalog's active features."""
    check_name("model", name)
    if not TASK_PATTERN.fullmatch(task):
        raise ScaffoldError(
            f"invalid task {task!r}: use a Hugging Face task id such as 'tabular-regression' "
            "or 'tabular-classification'"
        )
    target = project.path("models") / name / CARD_NAME
    if target.exists():
        raise ScaffoldError(f"{target}: a model card named {name!r} already exists")
    answers = read_answers(project.root)
    features = active_features(project.catalog)
    owner = (
        answer(answers, "model_owner")
        or next((f.owner for f in features if f.owner), None)
        or "TODO(model-owner): @handle or email"
    )
    text = card_text(
        name,
        owner,
        features,
        project.contracts,
        answer(answers, "license"),
        task=task,
        sections=project.config.card_sections,
    )
    _check_card(text, target)
    write_new(target, text, project.root)
    return target


def new_model_decision(project: Project, name: str) -> Path:
    """The proposed decision record a new model starts with: why this model, these features.

    DEC005 asks every card for one; it lists the card's features as `new_model` wrote them.
    """
    from charter.scaffold.decision import write_decision  # noqa: PLC0415

    features = [feature.key for feature in active_features(project.catalog)]
    return write_decision(project, f"Choose the {name} model and its features", name, features)


def _schema_reference(project: Project, target: Path) -> str:
    """The project's own copy of the ODCS schema when it has one (works offline), else the URL."""
    local = project.path("contracts").parent / "schemas" / f"odcs-{API_VERSION[1:]}.schema.json"
    if local.is_file():
        return Path(os.path.relpath(local, target.parent)).as_posix()
    return ODCS_SCHEMA_URL


def _contract_member(project: Project, role: str) -> str | None:
    """Who has `role` in an existing contract, for projects made without the template."""
    for contract in sorted(project.contracts, key=lambda c: c.path):
        for member in contract.team:
            if (member.role or "").lower() == role and member.username:
                return member.username
    return None


def _check_contract(text: str, target: Path) -> None:
    document = parse_yaml(text, target)
    problems = schema.validate(document, schema.ODCS_SCHEMAS[API_VERSION])
    if problems:
        raise ScaffoldError(
            f"internal error: the draft for {target} is not valid ODCS {API_VERSION}: "
            f"{problems[0].message}"
        )


def _check_card(text: str, target: Path) -> None:
    try:
        card = card_format.from_text(text, target)
    except FormatError as error:
        raise ScaffoldError(f"internal error: the card stub does not parse: {error}") from None
    problems = schema.validate(
        card.document, schema.CARD_GOVERNANCE_SCHEMA, data=card.governance, base="/governance"
    )
    if problems:
        raise ScaffoldError(
            f"internal error: the card stub's governance block is invalid: {problems[0].message}"
        )
