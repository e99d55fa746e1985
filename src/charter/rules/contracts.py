"""CON: data contracts (ODCS v3) are valid, owned, and describe every column fully."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import Finding
from charter.formats import schema
from charter.formats.card import PLACEHOLDER
from charter.formats.vocabulary import (
    ANONYMIZATION_STRENGTH,
    CLASSIFICATIONS,
    CUSTOM_PROPERTY_VOCABULARY,
    NUMERIC_TYPES,
    is_sensitive_classification,
    required_strength,
)
from charter.rules.registry import at, at_line, first_mention, rule

if TYPE_CHECKING:
    from charter.formats.contract import Contract, Property
    from charter.project import Project

OWNER_ROLES = {"owner", "dataowner"}


def _properties(contract: Contract) -> Iterator[Property]:
    for schema_object in contract.schemas:
        yield from schema_object.properties


def _is_draft(contract: Contract) -> bool:
    """`status: draft`: what is left to fill in is one to-do list (CON014), not rule by rule."""
    data = contract.document.data
    return isinstance(data, dict) and data.get("status") == "draft"


def _finished_properties(contract: Contract) -> Iterator[Property]:
    """Properties the fill-in rules (CON006, CON008, CON009, CON011) check: none in a draft."""
    if not _is_draft(contract):
        yield from _properties(contract)


def _needs_anonymization(prop: Property) -> bool:
    needs = prop.is_personal or is_sensitive_classification(prop.classification)
    return needs and prop.anonymization is None


def _needs_unit(prop: Property) -> bool:
    unit = prop.custom.get("unit")
    return prop.logical_type in NUMERIC_TYPES and not (isinstance(unit, str) and unit.strip())


def _needs_missing_handling(prop: Property) -> bool:
    return not prop.required and not prop.primary_key and "missingValues" not in prop.custom


def _custom_pointer(prop: Property, name: str) -> str:
    return prop.custom_pointers.get(name, prop.pointer)


@rule("CON001", "Contract does not match the official ODCS JSON Schema")
def schema_valid(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        name = schema.ODCS_SCHEMAS.get(contract.api_version or "")
        if name is None:
            continue  # CON002 says why
        for problem in schema.validate(contract.document, name):
            yield at_line(contract.path, problem.line, problem.col, problem.message)


@rule("CON002", "Contract apiVersion has no vendored ODCS schema")
def api_version(project: Project) -> Iterator[Finding]:
    supported = ", ".join(schema.ODCS_SCHEMAS)
    for contract in project.contracts:
        if contract.api_version not in schema.ODCS_SCHEMAS:
            yield at(
                contract.document,
                first_mention(contract.document, "apiVersion"),
                f"apiVersion {contract.api_version!r} is not supported (use one of {supported})",
            )


@rule("CON003", "Contract team has no owner")
def owner_in_team(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        roles = {re.sub(r"[^a-z]", "", (m.role or "").lower()) for m in contract.team}
        if not roles & OWNER_ROLES:
            yield at(
                contract.document,
                first_mention(contract.document, "team"),
                "no team member has role 'owner': name who approves changes to this contract",
            )


@rule("CON004", "Contract id is used by another contract")
def unique_contract_id(project: Project) -> Iterator[Finding]:
    seen: dict[str, Contract] = {}
    for contract in project.contracts:
        if contract.id is None:
            continue
        if contract.id in seen:
            first = seen[contract.id].path.name
            yield at(contract.document, "/id", f"id {contract.id!r} is also used by {first}")
        else:
            seen[contract.id] = contract


@rule("CON005", "Schema object or property name is not unique")
def unique_names(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        objects: set[str] = set()
        for schema_object in contract.schemas:
            if schema_object.name in objects:
                yield at(
                    contract.document,
                    f"{schema_object.pointer}/name",
                    f"schema object {schema_object.name!r} is defined twice",
                )
            objects.add(schema_object.name)
            names: set[str] = set()
            for prop in schema_object.properties:
                if prop.name in names:
                    yield at(
                        contract.document,
                        f"{prop.pointer}/name",
                        f"property {prop.name!r} is defined twice in {schema_object.name!r}",
                    )
                names.add(prop.name)


@rule("CON006", "Personal or confidential property declares no anonymization")
def anonymization_declared(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        for prop in _finished_properties(contract):
            if _needs_anonymization(prop):
                reason = (
                    f"personal data ({prop.pii_category})"
                    if prop.is_personal
                    else f"classified {prop.classification}"
                )
                yield at(
                    contract.document,
                    prop.pointer,
                    f"property {prop.name!r} is {reason} but declares no `anonymization` "
                    "custom property",
                )


@rule("CON007", "Anonymization is weaker than the classification requires")
def anonymization_strength(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        for prop in _properties(contract):
            method = prop.anonymization
            if method not in ANONYMIZATION_STRENGTH:
                continue  # absent: CON006; unknown word: CON010
            needed = required_strength(prop.classification, prop.is_personal)
            if ANONYMIZATION_STRENGTH[method] < needed:
                allowed = [m for m, s in ANONYMIZATION_STRENGTH.items() if s >= needed]
                yield at(
                    contract.document,
                    _custom_pointer(prop, "anonymization"),
                    f"personal data classified {prop.classification or 'unclassified'} needs "
                    f"anonymization of at least {needed} ({', '.join(allowed)}), not {method!r}",
                )


@rule("CON008", "Numeric property declares no unit")
def numeric_unit(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        for prop in _finished_properties(contract):
            if _needs_unit(prop):
                yield at(
                    contract.document,
                    prop.pointer,
                    f"{prop.logical_type} property {prop.name!r} declares no `unit` custom "
                    "property (UCUM, e.g. 'kg/m2', '1' for ratios, '{code}' for codes)",
                )


@rule("CON009", "Optional property declares no missing-value handling")
def missing_value_handling(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        for prop in _finished_properties(contract):
            if _needs_missing_handling(prop):
                yield at(
                    contract.document,
                    prop.pointer,
                    f"optional property {prop.name!r} declares no `missingValues` custom "
                    "property: say what the pipeline does with nulls",
                )


@rule("CON010", "Classification or custom property value outside Charter's vocabulary")
def vocabulary(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        for prop in _properties(contract):
            if prop.classification is not None and prop.classification not in CLASSIFICATIONS:
                yield at(
                    contract.document,
                    f"{prop.pointer}/classification",
                    f"classification {prop.classification!r} is not one of "
                    f"{', '.join(CLASSIFICATIONS)}",
                )
            for name, words in CUSTOM_PROPERTY_VOCABULARY.items():
                if name in prop.custom and prop.custom[name] not in words:
                    yield at(
                        contract.document,
                        _custom_pointer(prop, name),
                        f"{name} {prop.custom[name]!r} is not one of {', '.join(words)}",
                    )


@rule("CON011", "Property has no description")
def described(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        for prop in _finished_properties(contract):
            if not (prop.description or "").strip():
                yield at(
                    contract.document,
                    prop.pointer,
                    f"property {prop.name!r} has no description: say what it means and how it "
                    "is measured",
                )


@rule("CON012", "Primary key property is not required and unique")
def primary_key_constraints(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        for prop in _properties(contract):
            missing = [
                flag
                for flag, on in (("required", prop.required), ("unique", prop.unique))
                if not on
            ]
            if prop.primary_key and missing:
                yield at(
                    contract.document,
                    prop.pointer,
                    f"primary key {prop.name!r} must also be "
                    f"{' and '.join(f'`{flag}: true`' for flag in missing)}",
                )


@rule("CON013", "Property range is empty (minimum above maximum)")
def range_not_empty(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        for prop in _properties(contract):
            low, high = prop.options.get("minimum"), prop.options.get("maximum")
            numbers = all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high)
            )
            if numbers and low > high:
                yield at(
                    contract.document,
                    f"{prop.pointer}/logicalTypeOptions/minimum",
                    f"property {prop.name!r}: minimum {low} is above maximum {high}: no value "
                    "can pass",
                )


# What a draft still needs, in the order a team fills it in: (who, what to do, which columns).
_DRAFT_TODOS = (
    ("describe", "domain expert", "describe {n} (replace the TODO in their `description`)"),
    ("unit", "domain expert", "give the `unit` custom property (UCUM) of {n}"),
    (
        "missing",
        "domain expert",
        "say what the pipeline does with nulls in {n} (`missingValues` custom property: "
        "reject, drop-row, keep-null, impute-...)",
    ),
    (
        "confirm",
        "domain expert",
        "confirm the quality rules drafted from the sample for {n} (then drop their TODO)",
    ),
    (
        "classify",
        "privacy reviewer",
        "confirm the `classification` and `piiCategory` drafted for {n} (then drop their TODO)",
    ),
    (
        "anonymize",
        "privacy reviewer",
        "choose the `anonymization` of {n}, personal or sensitive",
    ),
)


def _placeholder_in(value: object) -> bool:
    if isinstance(value, str):
        return PLACEHOLDER.search(value) is not None
    if isinstance(value, dict):
        return any(_placeholder_in(v) for v in value.values())
    if isinstance(value, list):
        return any(_placeholder_in(v) for v in value)
    return False


def _draft_todos(contract: Contract, prop: Property) -> set[str]:
    raw = contract.document.data
    for token in prop.pointer.strip("/").split("/"):
        raw = raw[int(token)] if isinstance(raw, list) else raw[token]
    todos = {
        "describe": not (prop.description or "").strip() or _placeholder_in(prop.description),
        "unit": _needs_unit(prop),
        "missing": _needs_missing_handling(prop),
        "confirm": _placeholder_in(raw.get("quality")),
        "classify": prop.classification is None or _placeholder_in(raw.get("customProperties")),
        "anonymize": _needs_anonymization(prop),
    }
    return {kind for kind, due in todos.items() if due}


@rule("CON014", "Draft contract has items left to fill in")
def draft_todo_list(project: Project) -> Iterator[Finding]:
    for contract in project.contracts:
        if not _is_draft(contract):
            continue
        todo: dict[str, list[Property]] = {kind: [] for kind, _who, _what in _DRAFT_TODOS}
        for prop in _properties(contract):
            for kind in _draft_todos(contract, prop):
                todo[kind].append(prop)
        for kind, who, what in _DRAFT_TODOS:
            props = todo[kind]
            if not props:
                continue
            names = ", ".join(p.name for p in props)
            columns = f"{len(props)} column{'s' if len(props) != 1 else ''}"
            yield at(
                contract.document,
                props[0].pointer,
                f"draft, to do ({who}): {what.format(n=columns)}: {names}",
            )
