"""FEA: the feature catalog is valid and every feature traces back to contract columns and code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import Finding
from charter.formats import schema
from charter.formats.columns import pii_category
from charter.formats.vocabulary import ANONYMIZATION_STRENGTH
from charter.project import RefStatus
from charter.rules.registry import at, at_line, rule

if TYPE_CHECKING:
    from charter.formats.catalog import Catalog, Feature
    from charter.formats.contract import Property
    from charter.project import Project


def _features(project: Project) -> Iterator[tuple[Catalog, Feature]]:
    if project.catalog is not None:
        for feature in project.catalog.features:
            yield project.catalog, feature


@rule("FEA001", "Feature catalog does not match its JSON Schema")
def schema_valid(project: Project) -> Iterator[Finding]:
    """## What it checks

    The feature catalog validates against `feature-catalog.schema.json`: required fields, known keys only, `status` in draft/active/deprecated, a `dtype` from the list, `transform.ref` shaped `package.module:function`.

    ## Why it matters

    The catalog is read by the checker, the docs and the pipeline; a misspelt key is a feature attribute nobody sees.

    ## Example

    Fails (`governance/features/catalog.yaml`):

    ```yaml
      - name: bmi
        version: 1
        dtype: float
        owner: "@ana"
    ```

    Passes:

    ```yaml
      - name: bmi
        version: 1
        dtype: float64
        owner: "@ana"
    ```

    ## How to fix

    Follow the message; the [catalog format](../formats/catalog.md) lists every field.
    """
    if project.catalog is None:
        return
    for problem in schema.validate(project.catalog.document, schema.CATALOG_SCHEMA):
        yield at_line(project.catalog.path, problem.line, problem.col, problem.message)


@rule("FEA002", "Feature source does not resolve to a contract property")
def source_resolves(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every `sources` entry of a feature names a contract id and a property that exist (and a schema object, when the contract has several).

    ## Why it matters

    This is the lineage from data to model. A feature whose source does not exist reads a column nobody describes, owns or validates.

    ## Example

    Fails (`governance/features/catalog.yaml`):

    ```yaml
        sources:
          - contract: patients
            property: glucose
    ```

    Passes:

    ```yaml
        sources:
          - contract: patients
            property: s6
    ```

    ## How to fix

    Point the source at the contract property the transform really reads, or add the property to the contract first.
    """
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
    """## What it checks

    Each of a feature's `joinKeys` is a primary key (`primaryKey: true`) of every contract the feature reads.

    ## Why it matters

    Join keys identify the entity a feature row belongs to. A join key that is not a primary key can match several rows and silently duplicate training examples.

    ## Example

    Fails (`governance/features/catalog.yaml`):

    ```yaml
        joinKeys: [age]
    ```

    Passes:

    ```yaml
        joinKeys: [patient_id]
    ```

    ## How to fix

    Use the contract's primary key, or mark the column `primaryKey: true` in the contract if it really is one.
    """
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
    """## What it checks

    No two features share the same name and version.

    ## Why it matters

    Models and run manifests pin features as `name@version`. When a feature's logic changes its version must be bumped, so the old and new values never share a name.

    ## Example

    Fails (`governance/features/catalog.yaml`):

    ```yaml
      - name: bmi
        version: 1
      - name: bmi
        version: 1
    ```

    Passes:

    ```yaml
      - name: bmi
        version: 1
        status: deprecated
      - name: bmi
        version: 2
    ```

    ## How to fix

    Run `uv run charter feature bump NAME`: it writes the next version and keeps
    the old entry, deprecated, so runs that used it still resolve.
    """
    seen: set[str] = set()
    for catalog, feature in _features(project):
        if feature.key in seen:
            yield at(
                catalog.document,
                f"{feature.pointer}/version",
                f"{feature.key} is defined twice: bump the version when the logic changes",
            )
        seen.add(feature.key)


@rule("FEA010", "Feature has more than one active version")
def one_active_version(project: Project) -> Iterator[Finding]:
    """## What it checks

    At most one version of each feature name has `status: active`.

    ## Why it matters

    The features stage builds one column per active feature, named as the
    feature: two active versions of `bmi` would be two columns called `bmi`
    (polars stops with `projections contained duplicate output name`), and a
    model card could cite either. Old versions stay in the catalog so that runs
    which used them still resolve, but only one version is current.

    ## Example

    Fails (`governance/features/catalog.yaml`):

    ```yaml
      - name: bmi
        version: 1
        status: active
      - name: bmi
        version: 2
        status: active
    ```

    ```text
    governance/features/catalog.yaml:12:13: FEA010 bmi@2 is active, and so is bmi@1: the features stage builds one column per feature name; deprecate the older version
    ```

    Passes:

    ```yaml
      - name: bmi
        version: 1
        status: deprecated
      - name: bmi
        version: 2
        status: active
    ```

    ## How to fix

    Set the older version to `status: deprecated`. `uv run charter feature bump
    NAME` writes a new version this way: the new one takes the old one's status,
    the old one becomes deprecated on a frozen copy of its code.
    """
    active: dict[str, str] = {}
    for catalog, feature in _features(project):
        if feature.status != "active":
            continue
        first = active.setdefault(feature.name, feature.key)
        if first != feature.key:
            yield at(
                catalog.document,
                f"{feature.pointer}/status",
                f"{feature.key} is active, and so is {first}: the features stage builds one "
                "column per feature name; deprecate the older version",
            )


@rule("FEA005", "Feature from personal data is less anonymized than its source")
def anonymization_inherited(project: Project) -> Iterator[Finding]:
    """## What it checks

    A feature that reads personal data (a source property with `piiCategory` other than `none`) declares an `anonymization` at least as strong as the strongest of its personal sources, and at least strength 1.

    ## Why it matters

    Derived data inherits the sensitivity of its inputs: a feature must not quietly undo the protection its source column declares.

    ## Example

    Fails (`governance/features/catalog.yaml`):

    ```yaml
      - name: age_decade
        sources:
          - contract: patients
            property: age   # anonymization: generalization
    ```

    Passes:

    ```yaml
      - name: age_decade
        sources:
          - contract: patients
            property: age
        anonymization: generalization
    ```

    ## How to fix

    Declare the method the transform applies (age in decades is a generalization); if the feature is not that strong, change the transform.
    """
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
    """## What it checks

    `transform.ref` (`package.module:function`) points at a module under `src/` (or the project root) that defines that name at top level. The module is read with `ast`, never imported.

    ## Why it matters

    The catalog promises which code computes a feature. A stale reference after a rename means the documented logic no longer exists.

    ## Example

    Fails (`governance/features/catalog.yaml`):

    ```yaml
        transform:
          ref: diabetes_progression.features:age_decades
    ```

    Passes:

    ```yaml
        transform:
          ref: diabetes_progression.features:age_decade
    ```

    ## How to fix

    Fix the reference or restore the function. The message says whether the module is missing, does not parse, or lacks the name.
    """
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
    """## What it checks

    Every feature has a non-blank `owner` and `description`.

    ## Why it matters

    Someone must answer for a feature's meaning and quality, and readers of the catalog must learn what it is without reading code.

    ## Example

    Fails (`governance/features/catalog.yaml`):

    ```yaml
      - name: bmi
        owner: ""
        description: ""
    ```

    Passes:

    ```yaml
      - name: bmi
        owner: "@model-owner"
        description: Body mass index in kg/m2, as measured.
    ```

    ## How to fix

    Fill in both fields.
    """
    for catalog, feature in _features(project):
        for field, value in (("owner", feature.owner), ("description", feature.description)):
            if value is None or not value.strip():
                pointer = f"{feature.pointer}/{field}"
                yield at(
                    catalog.document,
                    pointer if pointer in catalog.document.values else feature.pointer,
                    f"{feature.key} has no {field}",
                )


def _source_property(project: Project, feature: Feature, column: str) -> Property | None:
    """The property named `column` in a contract the feature reads, if any."""
    for contract_id in dict.fromkeys(s.contract for s in feature.sources):
        contract = project.contract_by_id(contract_id)
        for obj in contract.schemas if contract else ():
            if (prop := obj.property(column)) is not None:
                return prop
    return None


@rule("FEA009", "Feature transform reads a column it does not declare as a source")
def transform_reads_declared(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every column a feature's transform function names with `pl.col("x")` (or
    `pl.col("a", "b")`, or `col(...)` imported from polars) is one of the feature's
    `sources` or `joinKeys`. The function is read with `ast`, never run; column
    names built at run time are not seen. When the undeclared column is personal
    data (its contract says so, or its name looks personal), the message says so.

    ## Why it matters

    The lineage and every privacy rule on features ([FEA005](FEA005.md)) trust the
    `sources` list. A transform that quietly reads `email` while declaring only
    `age` carries personal data into the model with nobody asked to review it.

    ## Example

    Fails (`governance/features/catalog.yaml`, with `src/clinic/features.py`):

    ```yaml
        sources:
          - contract: visits
            property: age
        transform:
          ref: clinic.features:age_band
    ```

    ```python
    def age_band() -> pl.Expr:
        return pl.when(pl.col("email").is_null()).then(None).otherwise(pl.col("age") // 10)
    ```

    Passes:

    ```python
    def age_band() -> pl.Expr:
        return pl.col("age") // 10
    ```

    ## How to fix

    Declare the column as a source (and let [FEA005](FEA005.md) ask for the
    anonymization it then needs), or stop reading it in the transform.
    """
    for catalog, feature in _features(project):
        ref = feature.transform_ref
        columns = project.transform_columns(ref) if ref else None
        if not columns:
            continue  # no ref, or FEA006 says why it cannot be read
        declared = {s.property for s in feature.sources} | set(feature.join_keys)
        pointer = f"{feature.pointer}/sources"
        if pointer not in catalog.document.values:
            pointer = feature.pointer
        for column in dict.fromkeys(c for c, _line, _col in columns if c not in declared):
            line = next(line for c, line, _col in columns if c == column)
            prop = _source_property(project, feature, column)
            category = prop.pii_category if prop is not None and prop.is_personal else None
            category = category or pii_category(column)
            personal = f" (personal data: {category})" if category else ""
            yield at(
                catalog.document,
                pointer,
                f"{feature.key}: transform {ref} reads column {column!r}{personal} on line "
                f"{line} but does not declare it in `sources`",
            )
