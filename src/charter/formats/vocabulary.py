"""The fixed words Charter adds to ODCS `customProperties` and shares with the catalog.

docs/formats/contract.md lists the same words; change both together.
"""

from __future__ import annotations

CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")
"""ODCS `classification` values, from least to most sensitive."""

PII_CATEGORIES = ("none", "direct-identifier", "quasi-identifier")
"""`piiCategory`: how directly a value can identify a person."""

ANONYMIZATION_STRENGTH = {
    "none": 0,
    "pseudonymization": 1,
    "masking": 1,
    "generalization": 2,
    "aggregation": 3,
    "suppression": 3,
}
"""`anonymization` methods and how much identifying power each removes."""

MISSING_VALUE_HANDLING = (
    "reject",
    "drop-row",
    "keep-null",
    "impute-mean",
    "impute-median",
    "impute-mode",
    "impute-constant",
)
"""`missingValues`: what the pipeline does with a null in the column."""

CUSTOM_PROPERTY_VOCABULARY = {
    "piiCategory": PII_CATEGORIES,
    "anonymization": tuple(ANONYMIZATION_STRENGTH),
    "missingValues": MISSING_VALUE_HANDLING,
}
"""Custom properties with a closed vocabulary (`unit` is free text, UCUM recommended)."""

CHARTER_CUSTOM_PROPERTIES = ("unit", *CUSTOM_PROPERTY_VOCABULARY)

NUMERIC_TYPES = ("number", "integer")

FEATURE_STATUSES = ("draft", "active", "deprecated")


def is_sensitive_classification(classification: str | None) -> bool:
    return classification in ("confidential", "restricted")


def required_strength(classification: str | None, personal: bool) -> int:
    """Weakest anonymization allowed for a personal-data column of this classification."""
    if not personal:
        return 0
    return 2 if classification == "restricted" else 1
