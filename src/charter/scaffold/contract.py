"""Turn a data profile into a draft ODCS v3.1.0 contract, ready for a domain expert to describe.

Everything observed is written as a constraint (types, required, ranges, code
lists, row count); everything only a person can know is a
`TODO(domain-expert): ...` placeholder that the checker flags before production.
"""

from __future__ import annotations

from typing import Any

from charter.scaffold.profile import ColumnProfile, DataProfile

API_VERSION = "v3.1.0"
TODO = "TODO(domain-expert)"
ORDERED_TYPES = {"integer", "number", "date", "timestamp", "time"}


def draft_contract(
    name: str, profile: DataProfile, owner: str | None, classification: str | None = None
) -> dict[str, Any]:
    """The contract document for the data in `profile`, named `name`, owned by `owner`.

    `classification` (the project's data-sensitivity answer) is every column's
    starting point: privacy by default, lowered column by column by a reviewer.
    """
    source = profile.path.name
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
            "members": [{"username": owner or f"{TODO}: owner", "role": "owner"}],
        },
        "schema": [
            {
                "name": name,
                "physicalName": source,
                "physicalType": "file",
                "logicalType": "object",
                "description": f"{TODO}: what one row of {source} describes.",
                "properties": [
                    draft_property(column, classification) for column in profile.columns
                ],
                "quality": [row_count_rule(profile)],
            }
        ],
    }


def draft_property(column: ColumnProfile, classification: str | None = None) -> dict[str, Any]:
    """One contract property: the observed type, nullability, range and code list."""
    prop: dict[str, Any] = {
        "name": column.name,
        "logicalType": column.logical_type,
        "physicalType": column.physical_type,
        "required": column.null_count == 0,
        "description": f"{TODO}: meaning of {column.name}, with its unit if it has one.",
    }
    if classification:
        prop["classification"] = classification
    options = range_options(column)
    if options:
        prop["logicalTypeOptions"] = options
    if column.values is not None:
        prop["quality"] = [valid_values_rule(column)]
    return prop


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
