"""Turn a data profile into a draft ODCS v3.1.0 contract, ready for a domain expert to describe.

Everything observed is written as a constraint (types, required, ranges, code
lists, missing values, row count, a primary key); everything only a person can
know is a `TODO(role): ...` placeholder. `status: draft` makes `charter check`
report what is left as a short to-do list (CON014).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from charter.constants import CSV_SUFFIXES
from charter.formats.columns import is_id_like, pii_category
from charter.formats.vocabulary import DRAFTED_RANGE
from charter.scaffold.profile import ColumnProfile, DataProfile

API_VERSION = "v3.1.0"
TODO = "TODO(domain-expert)"
PRIVACY_TODO = "TODO(privacy-reviewer)"
ORDERED_TYPES = {"integer", "number", "date", "timestamp", "time"}
NUMERIC = {"integer", "number"}
NOT_PERSONAL = "internal"
"""The classification drafted for a column whose name does not look personal (or `public`)."""


@dataclass(frozen=True)
class People:
    """Who the draft names: the data owner and the privacy reviewer (Copier answers)."""

    owner: str | None = None
    privacy_reviewer: str | None = None


def draft_contract(
    name: str, profile: DataProfile, people: People, sensitivity: str | None = None
) -> dict[str, Any]:
    """The contract document for the data in `profile`, named `name`.

    `sensitivity` (the project's data-sensitivity answer) is the classification
    of the columns whose name looks personal; the others are drafted `internal`
    (never above the answer) for the privacy reviewer to confirm.
    """
    source = profile.path.name
    key = primary_key(profile)
    positions = {column: number for number, column in enumerate(key, 1)}
    members = [{"username": people.owner or f"{TODO}: owner", "role": "owner"}]
    if people.privacy_reviewer:
        members.append({"username": people.privacy_reviewer, "role": "privacy reviewer"})
    return {
        "apiVersion": API_VERSION,
        "kind": "DataContract",
        "id": name,
        "name": name,
        "version": "0.1.0",
        "status": "draft",
        "description": {
            "purpose": f"{TODO}: what this data is and why the project needs it.",
            "usage": f"{TODO}: who may use it, and for what.",
            "limitations": f"{TODO}: known gaps, biases and quality issues.",
        },
        "team": {
            "name": f"{name} data owners",
            "members": members,
        },
        "schema": [
            {
                "name": name,
                "physicalName": source,
                "physicalType": "file",
                "logicalType": "object",
                "description": f"{TODO}: what one row of {source} describes."
                + (f" Confirm the drafted key ({', '.join(key)})." if len(key) > 1 else ""),
                "properties": [
                    draft_property(
                        column,
                        profile,
                        sensitivity,
                        key=positions.get(column.name),
                        composite=len(key) > 1,
                    )
                    for column in profile.columns
                ],
                "quality": [row_count_rule(profile)],
            }
        ],
    }


def draft_notes(profile: DataProfile) -> list[str]:
    """What the draft decided that a person should know about: code lists and a proposed key."""
    notes = [
        f"code list of {len(column.values)} values drafted for {column.name}"
        for column in profile.columns
        if column.values is not None
    ]
    key = primary_key(profile)
    if len(key) > 1:
        notes.append(f"no identifier column: drafted the composite key ({', '.join(key)})")
    elif not key:
        notes.append(
            "no key found: no identifier column and no two columns distinct together on "
            "every row (`charter new dataset --add-id` adds one)"
        )
    return notes


def primary_key(profile: DataProfile) -> tuple[str, ...]:
    """The first id-like column (`penguin_id`) distinct on every row; else a proposed composite key.

    A composite key is the first pair of text, integer or date columns without
    nulls whose values together are distinct on every row (`firm`, `year` of a
    panel). None found: the data has no key, and `--add-id` gives it one.
    """
    if profile.key is not None:
        return profile.key
    for column in profile.columns:
        if (
            is_id_like(column.name)
            and column.logical_type in ("string", "integer")
            and column.null_count == 0
            and column.distinct_count == profile.row_count > 0
        ):
            return (column.name,)
    return profile.unique_pair or ()


def draft_property(
    column: ColumnProfile,
    profile: DataProfile,
    sensitivity: str | None,
    *,
    key: int | None = None,
    composite: bool = False,
) -> dict[str, Any]:
    """One contract property: the observed type, nullability, range, code list, missing values.

    With null markers (a CSV's, or `NA`-like texts in a Parquet text column), only
    a key column is `required`: a sample without nulls says nothing about the
    next extract, so every other column gets the markers as a `missingValues`
    rule (a later `NA` is a missing value, not a type error) with the share the
    sample had as its limit, and `reject` as its handling when that share is 0.
    """
    markers = key is None and _markers_apply(column, profile)
    prop: dict[str, Any] = {"name": column.name}
    if key is not None:
        prop |= {"primaryKey": True, "primaryKeyPosition": key}
        if not composite:
            prop["unique"] = True
    prop |= {
        "logicalType": column.logical_type,
        "physicalType": column.physical_type,
        "required": key is not None or (not column.null_count and not markers),
        "description": f"{TODO}: meaning of {column.name}, with its unit if it has one.",
    }
    prop |= privacy(column.name, sensitivity)
    options = range_options(column)
    if options:
        prop["logicalTypeOptions"] = options
    if "minimum" in options:
        prop["customProperties"].append(drafted_range(column))
    if markers and not column.null_count:
        prop["customProperties"].append({"property": "missingValues", "value": "reject"})
    quality = [valid_values_rule(column)] if column.values is not None else []
    if markers:
        quality.append(missing_values_rule(column, profile))
    if quality:
        prop["quality"] = quality
    return prop


def _markers_apply(column: ColumnProfile, profile: DataProfile) -> bool:
    """A CSV's markers apply to every column; a Parquet file's only to its text columns."""
    if not profile.null_markers:
        return False
    return profile.path.suffix.lower() in CSV_SUFFIXES or column.logical_type == "string"


def drafted_range(column: ColumnProfile) -> dict[str, Any]:
    """The note that puts a drafted range on CON014's to-do list until someone confirms it."""
    return {
        "property": DRAFTED_RANGE,
        "value": f"{column.minimum} to {column.maximum} in the sample",
        "description": f"{TODO}: confirm the drafted range (rounded outward from the "
        "sample's), then delete this entry.",
    }


def privacy(name: str, sensitivity: str | None) -> dict[str, Any]:
    """Classification and `piiCategory` drafted from the column name, for the reviewer to confirm.

    Privacy by default where the name looks personal (the data-sensitivity
    answer, `confidential` without one); `internal` elsewhere, never above the answer.
    """
    category = pii_category(name)
    if category is None:
        level = "public" if sensitivity == "public" else NOT_PERSONAL
        note = f"{PRIVACY_TODO}: the name does not look personal, so drafted {level}; confirm."
        value = "none"
    else:
        level = sensitivity or "confidential"
        note = f"{PRIVACY_TODO}: the name looks personal, so drafted {level}; confirm."
        value = category
    return {
        "classification": level,
        "customProperties": [{"property": "piiCategory", "value": value, "description": note}],
    }


def range_options(column: ColumnProfile) -> dict[str, Any]:
    """Observed range (strings for dates and times) and time zone, as `logicalTypeOptions`."""
    options: dict[str, Any] = {}
    if column.logical_type in NUMERIC and column.minimum is not None:
        low, high = outward(column.minimum, column.maximum)
        options |= {"minimum": low, "maximum": high}
    elif column.logical_type in ORDERED_TYPES and column.minimum is not None:
        options |= {"minimum": column.minimum, "maximum": column.maximum}
    if column.logical_type == "timestamp" and column.time_zone:
        options |= {"timezone": True, "defaultTimezone": column.time_zone}
    return options


def outward(low: float, high: float) -> tuple[Any, Any]:
    """The observed range widened to round numbers: two significant digits of the larger end.

    The next extract's extremes are rarely the sample's, so the drafted bounds
    leave a margin (0.0502 to 28.11 becomes 0 to 29; 1935 to 1954 becomes 1900 to 2000)
    that the domain expert narrows or widens on purpose.
    """
    magnitude = max(abs(low), abs(high))
    if magnitude == 0:
        return low, high
    step = 10.0 ** (math.floor(math.log10(magnitude)) - 1)
    if isinstance(low, int) and isinstance(high, int):
        whole = max(1, int(step))
        return low // whole * whole, -(-high // whole) * whole
    return (
        _tidy(math.floor(round(low / step, 9)) * step),
        _tidy(math.ceil(round(high / step, 9)) * step),
    )


def _tidy(value: float) -> float | int:
    """A rounded bound without float noise (`0.30000000000000004` -> `0.3`), whole ones as ints."""
    value = float(f"{value:.12g}")
    return int(value) if value.is_integer() else value


def valid_values_rule(column: ColumnProfile) -> dict[str, Any]:
    """A code list as ODCS v3.1.0 says it: no value outside `validValues`."""
    return {
        "type": "library",
        "metric": "invalidValues",
        "arguments": {"validValues": list(column.values or ())},
        "mustBe": 0,
        "description": (
            f"Only the {len(column.values or ())} values seen in the sample. "
            f"{TODO}: confirm the list is complete."
        ),
    }


def missing_values_rule(column: ColumnProfile, profile: DataProfile) -> dict[str, Any]:
    """The file's null markers as ODCS says it, so `charter validate` reads them as missing too.

    The threshold is the share seen in the sample, rounded up to a tenth of a percent.
    """
    share = math.ceil(1000 * column.null_count / profile.row_count) / 10
    return {
        "type": "library",
        "metric": "missingValues",
        "arguments": {"missingValues": list(profile.null_markers)},
        "mustBeLessOrEqualTo": share,
        "unit": "percent",
        "description": (
            f"{column.null_count} of {profile.row_count} rows were missing when this draft was "
            f"made. {TODO}: set the share of missing values you accept."
        ),
    }


def row_count_rule(profile: DataProfile) -> dict[str, Any]:
    """At least as many rows as the sample had: a truncated extract fails loudly."""
    return {
        "type": "library",
        "metric": "rowCount",
        "mustBeGreaterOrEqualTo": profile.row_count,
        "description": (
            f"{profile.path.name} had {profile.row_count} rows when this draft was made. "
            f"{TODO}: set the expected row count."
        ),
    }
