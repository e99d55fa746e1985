"""CON: data contracts (ODCS v3) are valid, owned, and describe every column fully."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import Finding
from charter.formats import schema
from charter.formats.card import PLACEHOLDER
from charter.formats.columns import pii_category
from charter.formats.vocabulary import (
    ANONYMIZATION_STRENGTH,
    CLASSIFICATIONS,
    CUSTOM_PROPERTY_VOCABULARY,
    DRAFTED_RANGE,
    NUMERIC_TYPES,
    PRIVACY_REVIEW,
    is_sensitive_classification,
    required_strength,
)
from charter.rules.registry import at, at_line, first_mention, rule

if TYPE_CHECKING:
    from charter.formats.contract import Contract, Property
    from charter.project import Project

OWNER_ROLES = {"owner", "dataowner"}


def _properties(contract: Contract) -> Iterator[Property]:
    """Every property at every depth: object fields, array items, map keys and values."""
    for schema_object in contract.schemas:
        yield from schema_object.walk()


def _key_size(contract: Contract, prop: Property) -> int:
    """How many columns the primary key that `prop` belongs to has (a composite key: several)."""
    for schema_object in contract.schemas:
        if any(other is prop for other in schema_object.properties):
            return sum(1 for other in schema_object.properties if other.primary_key)
    return 1


def _is_draft(contract: Contract) -> bool:
    """`status: draft`: what is left to fill in is one to-do list (CON014), not rule by rule."""
    return contract.status == "draft"


def _finished_properties(contract: Contract) -> Iterator[Property]:
    """Properties the fill-in rules (CON006, CON008, CON009, CON011) check: none in a draft."""
    if not _is_draft(contract):
        yield from _properties(contract)


def _reviewed(prop: Property) -> bool:
    """A `privacyReview` custom property naming the `reviewer` and the `reason`."""
    review = prop.custom.get(PRIVACY_REVIEW)
    if not isinstance(review, dict):
        return False
    return all(isinstance(review.get(k), str) and review[k].strip() for k in ("reviewer", "reason"))


def _unprotected_restricted(prop: Property) -> bool:
    """Restricted, said to be no personal data, `anonymization: none`, nobody signed it."""
    return (
        prop.classification == "restricted"
        and not prop.is_personal
        and prop.anonymization == "none"
        and not _reviewed(prop)
    )


def _needs_anonymization(prop: Property) -> bool:
    if prop.anonymization is None:
        return prop.is_personal or is_sensitive_classification(prop.classification)
    return _unprotected_restricted(prop)


def _sensitive_project(project: Project) -> bool:
    """The `data_sensitivity` answer is not `public` (no answers file: not public either)."""
    return project.answers().get("data_sensitivity") != "public"


def _needs_unit(prop: Property) -> bool:
    unit = prop.custom.get("unit")
    return prop.logical_type in NUMERIC_TYPES and not (isinstance(unit, str) and unit.strip())


def _needs_missing_handling(prop: Property) -> bool:
    return not prop.required and not prop.primary_key and "missingValues" not in prop.custom


def _custom_pointer(prop: Property, name: str) -> str:
    return prop.custom_pointers.get(name, prop.pointer)


@rule("CON001", "Contract does not match the official ODCS JSON Schema")
def schema_valid(project: Project) -> Iterator[Finding]:
    """## What it checks

    A data contract validates against the official ODCS JSON Schema of its `apiVersion` (v3.1.0 or v3.2.0, vendored in charter). Unknown keys are errors and point at the key itself.

    ## Why it matters

    The contract is the data dictionary every other tool reads: runtime validation, the docs, datacontract-cli, a data catalog. A key the standard does not know (`unit:` instead of a custom property, a typo such as `requried:`) is silently ignored by all of them.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
          - name: weight
            logicalType: number
            unit: kg
            requried: true
    ```

    Passes:

    ```yaml
          - name: weight
            logicalType: number
            required: true
            customProperties:
              - property: unit
                value: kg
    ```

    ## How to fix

    Read the message: it names the JSON path and what the schema expected. Charter's own words (unit, missing values, PII category, anonymization) go in `customProperties`; see [the contract format](../formats/contract.md).
    """
    for contract in project.contracts:
        name = schema.ODCS_SCHEMAS.get(contract.api_version or "")
        if name is None:
            continue  # CON002 says why
        for problem in schema.validate(contract.document, name):
            yield at_line(contract.path, problem.line, problem.col, problem.message)


@rule("CON002", "Contract apiVersion has no vendored ODCS schema")
def api_version(project: Project) -> Iterator[Finding]:
    """## What it checks

    The contract's `apiVersion` is one whose official schema charter ships: `v3.1.0` or `v3.2.0`.

    ## Why it matters

    Without a schema for the version the contract claims, nothing can tell whether it is valid ODCS.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
    apiVersion: v3.0.2
    kind: DataContract
    ```

    Passes:

    ```yaml
    apiVersion: v3.1.0
    kind: DataContract
    ```

    ## How to fix

    Move the contract to v3.1.0 (the generated contracts use it) or v3.2.0. The differences from v3.0.x are small: `team` became an object with `members`.
    """
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
    """## What it checks

    The contract's team has a member with role `owner` (or `data owner`).

    ## Why it matters

    Somebody must approve changes to a data dictionary and answer questions about it. An ownerless contract drifts.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
    team:
      name: Clinic data
      members:
        - username: "@alice"
          role: steward
    ```

    Passes:

    ```yaml
    team:
      name: Clinic data
      members:
        - username: "@alice"
          role: owner
    ```

    ## How to fix

    Add the data owner (the generated contract takes it from the `data_owner` answer) with `role: owner`.
    """
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
    """## What it checks

    No two contracts in the project share an `id`.

    ## Why it matters

    Features, model cards and run manifests refer to contracts by id; with two contracts of the same id a reference can mean either.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
    # visits.odcs.yaml
    id: visits
    # visits_2025.odcs.yaml
    id: visits
    ```

    Passes:

    ```yaml
    # visits.odcs.yaml
    id: visits
    # visits_2025.odcs.yaml
    id: visits_2025
    ```

    ## How to fix

    Give the newer contract its own id, or delete the stale copy.
    """
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
    """## What it checks

    Within a contract, schema object names are unique, and property names are unique within their schema object.

    ## Why it matters

    Two definitions of one column contradict each other; validators and the generated data dictionary pick one at random.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
        properties:
          - name: age
            logicalType: integer
          - name: age
            logicalType: number
    ```

    Passes:

    ```yaml
        properties:
          - name: age
            logicalType: integer
    ```

    ## How to fix

    Delete or rename the duplicate.
    """
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
            parents = [(schema_object.name, schema_object.properties)]
            parents += [(p.path, p.properties) for p in schema_object.walk() if p.properties]
            for parent, properties in parents:
                names: set[str] = set()
                for prop in properties:
                    if prop.name in names:
                        yield at(
                            contract.document,
                            f"{prop.pointer}/name",
                            f"property {prop.name!r} is defined twice in {parent!r}",
                        )
                    names.add(prop.name)


@rule("CON006", "Personal or confidential property declares no anonymization")
def anonymization_declared(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every property that is personal data (custom property `piiCategory` other than `none`) or classified `confidential` or `restricted` declares an `anonymization` custom property. A `restricted` property that declares `piiCategory: none` and `anonymization: none` also records the reviewer's decision in a `privacyReview` custom property (`reviewer` and `reason`). In a contract with `status: draft`, [CON014](CON014.md) lists it instead, as part of the draft's to-do list.

    ## Why it matters

    A privacy reviewer signs off how each sensitive column is protected. A sensitive column without a declared anonymization has not been reviewed. `restricted` is the most sensitive class: declaring such a column no personal data and leaving it unprotected is a decision somebody must own, not a default (`anonymization: none` otherwise satisfies [CON007](CON007.md), which asks nothing of data that is not personal).

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
          - name: age
            classification: confidential
            customProperties:
              - property: piiCategory
                value: quasi-identifier
    ```

    Passes:

    ```yaml
          - name: age
            classification: confidential
            customProperties:
              - property: piiCategory
                value: quasi-identifier
              - property: anonymization
                value: generalization
    ```

    ## How to fix

    Ask the privacy reviewer which method applies (vocabulary in [the contract format](../formats/contract.md)). For a confidential column that holds no personal data, `none` is a valid declaration; for a restricted one, add the reviewer's `privacyReview`:

    ```yaml
              - property: anonymization
                value: none
              - property: privacyReview
                value:
                  reviewer: "@privacy-reviewer"
                  reason: Lab measurement with no link to a person's identity.
    ```
    """
    for contract in project.contracts:
        for prop in _finished_properties(contract):
            if _unprotected_restricted(prop):
                yield at(
                    contract.document,
                    _custom_pointer(prop, "anonymization"),
                    f"property {prop.name!r} is classified restricted with `piiCategory: none` "
                    "and `anonymization: none`: anonymize it, or record the reviewer's decision "
                    f"in a `{PRIVACY_REVIEW}` custom property (reviewer, reason)",
                )
            elif _needs_anonymization(prop):
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
    """## What it checks

    The declared anonymization is strong enough for the column: personal data needs at least strength 1 (`pseudonymization`, `masking`), and personal data classified `restricted` at least strength 2 (`generalization`, `aggregation`, `suppression`).

    ## Why it matters

    How strict the privacy rules are follows the data's classification (the `data_sensitivity` answer sets the default). Pseudonymized data is still personal data under the GDPR; restricted data needs more.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
            classification: restricted
            customProperties:
              - property: piiCategory
                value: quasi-identifier
              - property: anonymization
                value: masking
    ```

    Passes:

    ```yaml
            classification: restricted
            customProperties:
              - property: piiCategory
                value: quasi-identifier
              - property: anonymization
                value: generalization
    ```

    ## How to fix

    Strengthen the anonymization in the pipeline and declare it, or, with the privacy reviewer, correct the classification.
    """
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
    """## What it checks

    Every `number` or `integer` property declares a `unit` custom property. In a contract with `status: draft`, [CON014](CON014.md) lists it instead, as part of the draft's to-do list.

    ## Why it matters

    A number without a unit is a guess: mg/dL or mmol/L cholesterol differ by a factor of 38. Units are what lets a domain expert check a model's inputs.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
          - name: weight
            logicalType: number
    ```

    Passes:

    ```yaml
          - name: weight
            logicalType: number
            customProperties:
              - property: unit
                value: kg
    ```

    ## How to fix

    Add the unit, in UCUM where possible (`kg`, `mg/dL`, `mm[Hg]`, `a` for years). Use `1` for dimensionless ratios and an annotation such as `{code}` or `{score}` for coded categories and scores.
    """
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
    """## What it checks

    Every optional property (not `required: true`, not a primary key) declares a `missingValues` custom property. In a contract with `status: draft`, [CON014](CON014.md) lists it instead, as part of the draft's to-do list.

    ## Why it matters

    What the pipeline does with a null (drop the row, impute the median, keep it) changes the model. It must be a decision written down, not an accident of the code.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
          - name: weight
            logicalType: number
            required: false
    ```

    Passes:

    ```yaml
          - name: weight
            logicalType: number
            required: false
            customProperties:
              - property: missingValues
                value: impute-median
    ```

    ## How to fix

    Declare one of `reject`, `drop-row`, `keep-null`, `impute-mean`, `impute-median`, `impute-mode`, `impute-constant`, or make the property `required: true`.
    """
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
    """## What it checks

    `classification` is one of `public`, `internal`, `confidential`, `restricted`, and the custom properties `piiCategory`, `anonymization` and `missingValues` use Charter's vocabulary.

    ## Why it matters

    The privacy rules (CON006, CON007, FEA005) compare these words; a synonym (`secret`, `anonymised`) defeats them silently.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
            classification: secret
            customProperties:
              - property: anonymization
                value: hashed
    ```

    Passes:

    ```yaml
            classification: restricted
            customProperties:
              - property: anonymization
                value: pseudonymization
    ```

    ## How to fix

    Pick the closest word from [the vocabulary](../formats/contract.md).
    """
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
    """## What it checks

    Every property has a non-empty `description`. In a contract with `status: draft`, [CON014](CON014.md) lists it instead, as part of the draft's to-do list.

    ## Why it matters

    The contract is the data dictionary: a column without a description forces every reader to ask the data owner.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
          - name: s5
            logicalType: number
    ```

    Passes:

    ```yaml
          - name: s5
            description: Natural log of the serum triglycerides level at baseline.
            logicalType: number
    ```

    ## How to fix

    Write what the column means and how it was measured.
    """
    for contract in project.contracts:
        for prop in _finished_properties(contract):
            if not prop.element and not (prop.description or "").strip():
                yield at(
                    contract.document,
                    prop.pointer,
                    f"property {prop.name!r} has no description: say what it means and how it "
                    "is measured",
                )


@rule("CON012", "Primary key property is not required and unique")
def primary_key_constraints(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every property with `primaryKey: true` also says `required: true` and
    `unique: true`.

    ## Why it matters

    A primary key identifies one row. ODCS keeps the three flags separate, and
    the runtime validation compiled from the contract checks only what the flags
    say: a primary key without `unique: true` lets duplicate rows through, and
    without `required: true` lets rows with no identity through. Features join on
    primary keys ([FEA003](FEA003.md)), so either mistake duplicates or drops
    training examples.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
          - name: visit_id
            logicalType: string
            primaryKey: true
    ```

    Passes:

    ```yaml
          - name: visit_id
            logicalType: string
            primaryKey: true
            required: true
            unique: true
    ```

    A column of a composite key (several `primaryKey` columns, ordered by
    `primaryKeyPosition`) repeats by design: it needs `required: true` only, and
    the validation checks that the columns together are unique.

    ## How to fix

    Add the missing flags. If the column can really be empty or repeat, it is not
    a primary key: remove `primaryKey: true` and find the real key.
    """
    for contract in project.contracts:
        for prop in _properties(contract):
            single = prop.primary_key and _key_size(contract, prop) == 1
            missing = [
                flag
                for flag, on in (("required", prop.required), ("unique", prop.unique or not single))
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
    """## What it checks

    When a property's `logicalTypeOptions` give both `minimum` and `maximum`,
    the minimum is not above the maximum.

    ## Why it matters

    An empty range rejects every value, so the first pipeline run fails on data
    that is fine; usually the two bounds were swapped or a unit changed on one of
    them only.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
          - name: age
            logicalType: integer
            logicalTypeOptions: {minimum: 130, maximum: 0}
    ```

    Passes:

    ```yaml
          - name: age
            logicalType: integer
            logicalTypeOptions: {minimum: 0, maximum: 130}
    ```

    ## How to fix

    Swap the bounds, or correct the one that is in the wrong unit.
    """
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
        "range",
        "domain expert",
        "confirm the range drafted from the sample for {n} (`logicalTypeOptions`, rounded "
        "outward; then delete their `draftedRange` entry)",
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


def _privacy_entries(raw: dict) -> list:
    """The custom properties but the drafted-range note (that one is the domain expert's)."""
    entries = raw.get("customProperties")
    if not isinstance(entries, list):
        return []
    return [e for e in entries if not (isinstance(e, dict) and e.get("property") == DRAFTED_RANGE)]


def _draft_todos(contract: Contract, prop: Property, sensitive: bool) -> set[str]:
    raw = prop.raw
    unclassified = prop.classification is None or (
        sensitive and not prop.element and prop.pii_category is None
    )
    todos = {
        "describe": not (prop.description or "").strip() or _placeholder_in(prop.description),
        "unit": _needs_unit(prop),
        "missing": _needs_missing_handling(prop),
        "confirm": _placeholder_in(raw.get("quality")),
        "range": DRAFTED_RANGE in prop.custom,
        "classify": unclassified or _placeholder_in(_privacy_entries(raw)),
        "anonymize": _needs_anonymization(prop),
    }
    return {kind for kind, due in todos.items() if due}


@rule("CON014", "Draft contract has items left to fill in")
def draft_todo_list(project: Project) -> Iterator[Finding]:
    """## What it checks

    A contract with `status: draft` (what `charter new contract` writes) is checked
    as one short to-do list instead of rule by rule: at most one finding per kind of
    work left, each naming who does it and the columns concerned.

    | to do | for | the columns that |
    |---|---|---|
    | describe | domain expert | have no `description`, or a `TODO(...)` placeholder in it |
    | give the `unit` | domain expert | are numeric without a `unit` ([CON008](CON008.md)) |
    | say what the pipeline does with nulls | domain expert | are optional without `missingValues` handling ([CON009](CON009.md)) |
    | confirm the quality rules | domain expert | have a placeholder in a drafted quality rule (code list, share of missing values) |
    | confirm the drafted range | domain expert | still have the `draftedRange` entry `charter new contract` leaves beside a range it rounded outward from the sample |
    | confirm the classification | privacy reviewer | have no `classification` (or, unless the project's `data_sensitivity` is `public`, no `piiCategory`), or a placeholder in their `customProperties` |
    | choose the anonymization | privacy reviewer | are personal or sensitive without `anonymization` ([CON006](CON006.md)) |

    In a draft, [CON006](CON006.md), [CON008](CON008.md), [CON009](CON009.md) and
    [CON011](CON011.md) stay silent: their work is on this list. Placeholders at the
    contract level (`description.purpose`, the row-count rule) are reported by
    [PRJ007](PRJ007.md) at the production stage.

    ## Why it matters

    A contract drafted from a file knows the types, ranges and code lists, but not
    what the columns mean, their units, or how private they are. One line per kind
    of work tells the domain expert and the privacy reviewer what is theirs to do;
    one error per column per rule buries it.

    ## Example

    Fails (`governance/contracts/penguins.odcs.yaml`, as drafted):

    ```yaml
    status: draft
    schema:
      - name: penguins
        properties:
          - name: bill_length_mm
            logicalType: number
            required: false
            description: 'TODO(domain-expert): meaning of bill_length_mm, with its unit if it has one.'
            classification: internal
    ```

    ```
    governance/contracts/penguins.odcs.yaml:5:9: CON014 draft, to do (domain expert): describe 1 column (replace the TODO in their `description`): bill_length_mm
    governance/contracts/penguins.odcs.yaml:5:9: CON014 draft, to do (domain expert): give the `unit` custom property (UCUM) of 1 column: bill_length_mm
    governance/contracts/penguins.odcs.yaml:5:9: CON014 draft, to do (domain expert): say what the pipeline does with nulls in 1 column (`missingValues` custom property: reject, drop-row, keep-null, impute-...): bill_length_mm
    ```

    Passes:

    ```yaml
    status: draft
    schema:
      - name: penguins
        properties:
          - name: bill_length_mm
            logicalType: number
            required: false
            description: Length of the bill (culmen), measured with calipers.
            classification: internal
            customProperties:
              - property: unit
                value: mm
              - property: missingValues
                value: drop-row
    ```

    ## How to fix

    Work down the list: write the descriptions, add the custom properties it names,
    and delete each `TODO(...)` note once its question is answered. When the list is
    empty, set `status: active`: the contract is then checked rule by rule.
    """
    for contract in project.contracts:
        if not _is_draft(contract):
            continue
        todo: dict[str, list[Property]] = {kind: [] for kind, _who, _what in _DRAFT_TODOS}
        sensitive = _sensitive_project(project)
        for prop in _properties(contract):
            for kind in _draft_todos(contract, prop, sensitive):
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


def _validation_problems(contract: Contract) -> list[tuple[str, str]]:
    """(pointer, message) per schema object `charter validate` would refuse to compile."""
    from charter.validation.odcs import problems  # noqa: PLC0415 - pure Python, no engine

    return [(pointer, message) for _obj, pointer, message in problems(contract)]


@rule("CON015", "Contract cannot be validated on data")
def validatable(project: Project) -> Iterator[Finding]:
    """## What it checks

    The contract matches the official ODCS schema, and `charter validate` can
    also compile every schema object of it into checks: every `logicalType` is one
    ODCS defines, each `logicalTypeOptions` entry suits its type, each quality rule
    has what it needs (an `invalidValues` rule names `validValues`, a `pattern`, or
    has an `enum` on its property), thresholds are numbers.

    ## Why it matters

    A contract that passes `charter check` and then makes `charter validate` exit 2
    stops the pipeline on its first run, far from the edit that caused it. Saying so
    at review time puts the message next to the line to change.

    ## Example

    Fails (`governance/contracts/orders.odcs.yaml`):

    ```yaml
          - name: status
            logicalType: string
            quality:
              - metric: invalidValues
                mustBe: 0
    ```

    Passes:

    ```yaml
          - name: status
            logicalType: string
            enum: [open, shipped, closed]
            quality:
              - metric: invalidValues
                mustBe: 0
    ```

    ## How to fix

    Do what the message says: give the rule its arguments, move the option to a
    property of the type it applies to, or correct the type.
    """
    for contract in project.contracts:
        name = schema.ODCS_SCHEMAS.get(contract.api_version or "")
        if name is None or schema.validate(contract.document, name):
            continue  # CON001 and CON002 say what is wrong first
        for pointer, message in _validation_problems(contract):
            yield at(
                contract.document,
                pointer,
                f"`charter validate` cannot check data against this: {message}",
            )


def _resolve(project: Project, contract: Contract, reference: str) -> bool:
    """Whether `table.column` or an id reference names an existing schema object property."""
    if "/" in reference:
        file, _, pointer = reference.rpartition("#") if "#" in reference else ("", "", reference)
        if "://" in file:
            return True  # a contract elsewhere on the web: nothing here to compare with
        target = contract
        if file:
            wanted = (contract.path.parent / file).resolve()
            target = next((c for c in project.contracts if c.path.resolve() == wanted), None)
            if target is None:
                return False
        parts = pointer.strip("/").split("/")
        if len(parts) < 2 or parts[0] != "schema":
            return False
        obj = next((s for s in target.schemas if parts[1] in (s.id, s.name)), None)
        if obj is None or len(parts) == 2:
            return obj is not None
        ids = parts[3::2]
        props = {p.id or p.name: p for p in obj.walk()}
        return all(i in props for i in ids)
    table, _, column = reference.partition(".")
    candidates = [contract, *(c for c in project.contracts if c is not contract)]
    for owner in candidates:
        for obj in owner.schemas:
            if obj.name == table and obj.find(column) is not None:
                return True
    return False


@rule("CON016", "Relationship names a schema object or property that does not exist")
def relationships_resolve(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every ODCS `relationships` entry (a foreign key, at property or schema level)
    names a schema object and property that exist: `table.column` in this contract
    or in another contract of the project, or a fully qualified id reference
    (`[file.odcs.yaml#]/schema/ID/properties/ID`). References to contracts on the
    web are not followed.

    ## Why it matters

    A foreign key to a column that is not there documents a join nobody can make,
    and `charter validate --reference` cannot check it. Renaming a column in one
    contract is the usual cause; this finds the other contracts that still point at
    the old name.

    ## Example

    Fails (`governance/contracts/orders.odcs.yaml`):

    ```yaml
          - name: customer_id
            logicalType: integer
            relationships:
              - to: customers.customer_number
    ```

    Passes (the `customers` contract has a property `id`):

    ```yaml
          - name: customer_id
            logicalType: integer
            relationships:
              - to: customers.id
    ```

    ## How to fix

    Point the relationship at the property's current name, or add the contract it
    refers to.
    """
    for contract in project.contracts:
        for obj in contract.schemas:
            for relationship in obj.all_relationships():
                for reference in relationship.source + relationship.target:
                    if not _resolve(project, contract, reference):
                        yield at(
                            contract.document,
                            relationship.pointer,
                            f"relationship names {reference!r}, but no contract in the project "
                            "has that schema object and property",
                        )


@rule("CON017", "Property declares no classification or no PII category")
def classification_declared(project: Project) -> Iterator[Finding]:
    """## What it checks

    In a project whose `data_sensitivity` answer (in `.copier-answers.yml`) is not
    `public`, every property of a contract, at every depth (the fields of an
    `object` too), declares both an ODCS `classification` and a `piiCategory`
    custom property. Array items and map keys and values are part of their column
    and take its declaration. A project without an answers file counts as not
    public. In a contract with `status: draft`, [CON014](CON014.md) lists the
    columns instead.

    ## Why it matters

    The privacy rules ([CON006](CON006.md), [CON007](CON007.md),
    [FEA005](FEA005.md)) act on what a column declares. A column that declares
    nothing is never asked for an anonymization, so a new column added without a
    thought passes every check: in a project with non-public data, silence must
    not mean "not personal".

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
          - name: ward
            logicalType: string
            required: true
    ```

    Passes:

    ```yaml
          - name: ward
            logicalType: string
            required: true
            classification: internal
            customProperties:
              - property: piiCategory
                value: none
    ```

    ## How to fix

    Ask the privacy reviewer for the column's classification and PII category
    (vocabulary in [the contract format](../formats/contract.md)) and add both.
    """
    if not _sensitive_project(project):
        return
    for contract in project.contracts:
        for prop in _finished_properties(contract):
            if prop.element:
                continue
            missing = [
                word
                for word, absent in (
                    ("`classification`", prop.classification is None),
                    ("`piiCategory` custom property", prop.pii_category is None),
                )
                if absent
            ]
            if missing:
                yield at(
                    contract.document,
                    prop.pointer,
                    f"property {prop.path or prop.name!r} declares no {' and no '.join(missing)} "
                    "(the project's data is not public: say how sensitive every column is)",
                )


@rule("CON018", "Personal-looking property is public or not PII without a privacy review")
def personal_name_reviewed(project: Project) -> Iterator[Finding]:
    """## What it checks

    A property whose name says it holds personal data (an email, phone, name,
    address, birth date, national id, IP address, free text such as `notes` or
    `comments`, or `<person>_id`; the words `charter new contract` drafts from,
    listed in [the contract format](../formats/contract.md)) is not classified
    `public` and not `piiCategory: none`, unless a `privacyReview` custom property
    records who decided so and why.

    ## Why it matters

    A column named `email` marked public or not personal is usually a copy-paste
    slip, and every privacy rule then lets it through. Sometimes it is right (a
    generated row key named `patient_id`, a support mailbox); then the reviewer's
    decision is written next to the column, where the next reader sees it.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
          - name: contact_email
            logicalType: string
            classification: public
            customProperties:
              - property: piiCategory
                value: none
    ```

    Passes:

    ```yaml
          - name: contact_email
            logicalType: string
            classification: public
            customProperties:
              - property: piiCategory
                value: none
              - property: privacyReview
                value:
                  reviewer: "@privacy-reviewer"
                  reason: The clinic's shared front-desk mailbox, published on its website.
    ```

    ## How to fix

    If the column is personal, classify it and give its PII category (then
    [CON006](CON006.md) asks for its anonymization). If it is not, ask the privacy
    reviewer to record the decision in `privacyReview` (`reviewer`, `reason`).
    """
    for contract in project.contracts:
        for prop in _properties(contract):
            suggested = None if prop.element else pii_category(prop.name)
            if suggested is None or _reviewed(prop):
                continue
            if prop.classification == "public":
                claim, pointer = "classified public", prop.pointer
            elif prop.pii_category == "none":
                claim, pointer = "`piiCategory: none`", _custom_pointer(prop, "piiCategory")
            else:
                continue
            yield at(
                contract.document,
                pointer,
                f"property {prop.name!r} looks like personal data by its name ({suggested}) but "
                f"is {claim}: correct it, or record the reviewer's decision in a "
                f"`{PRIVACY_REVIEW}` custom property (reviewer, reason)",
            )
