"""FEA: the feature catalog is valid and every feature traces back to contract columns and code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import Finding
from charter.formats import schema
from charter.formats.vocabulary import ANONYMIZATION_STRENGTH
from charter.project import RefStatus
from charter.rules.registry import at, at_line, rule

if TYPE_CHECKING:
    from charter.formats.catalog import Catalog, Feature
    from charter.project import Project


def _features(project: Project) -> Iterator[tuple[Catalog, Feature]]:
    if project.catalog is not None:
        for feature in project.catalog.features:
            yield project.catalog, feature


@rule("FEA001", "Feature catalog does not match its JSON Schema")
def schema_valid(project: Project) -> Iterator[Finding]:
    if project.catalog is None:
        return
    for problem in schema.validate(project.catalog.document, schema.CATALOG_SCHEMA):
        yield at_line(project.catalog.path, problem.line, problem.col, problem.message)


@rule("FEA002", "Feature source does not resolve to a contract property")
def source_resolves(project: Project) -> Iterator[Finding]:
    for catalog, feature in _features(project):
        for source in feature.sources:
            if project.property_of(source) is not None:
                continue
            contract = project.contract_by_id(source.contract)
            if contract is None:
                why = f"no contract has id {source.contract!r}"
            elif contract.schema(source.schema) is None:
                why = f"contract {source.contract!r} has no schema object {source.schema!r}"
                if source.schema is None:
                    why = f"contract {source.contract!r} has several schema objects: name one"
            else:
                why = f"contract {source.contract!r} has no property {source.property!r}"
            yield at(catalog.document, source.pointer, f"{feature.key}: {why}")


@rule("FEA003", "Join key is not a primary key of the feature's source contract")
def join_keys_are_primary(project: Project) -> Iterator[Finding]:
    for catalog, feature in _features(project):
        contracts = {s.contract for s in feature.sources}
        for index, key in enumerate(feature.join_keys):
            for contract_id in sorted(contracts):
                contract = project.contract_by_id(contract_id)
                if contract is not None and key not in contract.primary_keys:
                    yield at(
                        catalog.document,
                        f"{feature.pointer}/joinKeys/{index}",
                        f"{feature.key}: join key {key!r} is not a primary key of contract "
                        f"{contract_id!r}",
                    )


@rule("FEA004", "Feature (name, version) is not unique")
def unique_name_version(project: Project) -> Iterator[Finding]:
    seen: set[str] = set()
    for catalog, feature in _features(project):
        if feature.key in seen:
            yield at(
                catalog.document,
                f"{feature.pointer}/version",
                f"{feature.key} is defined twice: bump the version when the logic changes",
            )
        seen.add(feature.key)


@rule("FEA005", "Feature from personal data is less anonymized than its source")
def anonymization_inherited(project: Project) -> Iterator[Finding]:
    for catalog, feature in _features(project):
        personal = [
            prop
            for source in feature.sources
            if (prop := project.property_of(source)) is not None and prop.is_personal
        ]
        if not personal:
            continue
        needed = max(1, *(ANONYMIZATION_STRENGTH.get(p.anonymization or "", 0) for p in personal))
        have = ANONYMIZATION_STRENGTH.get(feature.anonymization or "", 0)
        if have < needed:
            names = ", ".join(p.name for p in personal)
            allowed = ", ".join(m for m, s in ANONYMIZATION_STRENGTH.items() if s >= needed)
            yield at(
                catalog.document,
                f"{feature.pointer}/anonymization" if feature.anonymization else feature.pointer,
                f"{feature.key} reads personal data ({names}): declare `anonymization` "
                f"at least as strong as its sources ({allowed})",
            )


@rule("FEA006", "Feature transform.ref does not point at a function in the project")
def transform_resolves(project: Project) -> Iterator[Finding]:
    for catalog, feature in _features(project):
        ref = feature.transform_ref
        if ref is None:
            continue
        status = project.resolve_ref(ref)
        if status is not RefStatus.FOUND:
            yield at(
                catalog.document,
                f"{feature.pointer}/transform/ref",
                f"{feature.key}: transform {ref!r}: {status.value} (looked under src/)",
            )


@rule("FEA007", "Feature has no owner or no description")
def owner_and_description(project: Project) -> Iterator[Finding]:
    for catalog, feature in _features(project):
        for field, value in (("owner", feature.owner), ("description", feature.description)):
            if value is None or not value.strip():
                pointer = f"{feature.pointer}/{field}"
                yield at(
                    catalog.document,
                    pointer if pointer in catalog.document.values else feature.pointer,
                    f"{feature.key} has no {field}",
                )
