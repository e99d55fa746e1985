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

from charter.formats.columns import is_id_like, pii_category
from charter.scaffold.profile import ColumnProfile, DataProfile

API_VERSION = "v3.1.0"
TODO = "TODO(domain-expert)"
PRIVACY_TODO = "TODO(privacy-reviewer)"
ORDERED_TYPES = {"integer", "number", "date", "timestamp", "time"}
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
                "description": f"{TODO}: what one row of {source} describes.",
                "properties": [
                    draft_property(column, profile, sensitivity, key=column.name == key)
                    for column in profile.columns
                ],
                "quality": [row_count_rule(profile)],
            }
        ],
    }


def primary_key(profile: DataProfile) -> str | None:
    """The first id-like column (`penguin_id`) with a distinct value on every row, if any."""
    for column in profile.columns:
        if (
            is_id_like(column.name)
            and column.logical_type in ("string", "integer")
            and column.null_count == 0
            and column.distinct_count == profile.row_count > 0
        ):
            return column.name
    return None


def draft_property(
    column: ColumnProfile, profile: DataProfile, sensitivity: str | None, *, key: bool = False
) -> dict[str, Any]:
    """One contract property: the observed type, nullability, range, code list, missing values."""
    prop: dict[str, Any] = {"name": column.name}
    if key:
        prop |= {"primaryKey": True, "primaryKeyPosition": 1, "unique": True}
    prop |= {
        "logicalType": column.logical_type,
        "physicalType": column.physical_type,
        "required": column.null_count == 0,
        "description": f"{TODO}: meaning of {column.name}, with its unit if it has one.",
    }
    prop |= privacy(column.name, sensitivity)
    options = range_options(column)
    if options:
        prop["logicalTypeOptions"] = options
    quality = [valid_values_rule(column)] if column.values is not None else []
    if column.null_count and profile.null_markers:
        quality.append(missing_values_rule(column, profile))
    if quality:
        prop["quality"] = quality
    return prop


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
    if column.logical_type in ORDERED_TYPES and column.minimum is not None:
        options |= {"minimum": column.minimum, "maximum": column.maximum}
    if column.logical_type == "timestamp" and column.time_zone:
        options |= {"timezone": True, "defaultTimezone": column.time_zone}
    return options


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
