"""The fixed words Charter adds to ODCS `customProperties` and shares with the catalog.

docs/formats/contract.md lists the same words (the personal-column words too); change both
together.
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

DRAFTED_RANGE = "draftedRange"
"""Custom property `charter new contract` leaves beside a range it drafted from a sample:
on CON014's to-do list until the domain expert confirms the range and deletes it."""

CHARTER_CUSTOM_PROPERTIES = ("unit", *CUSTOM_PROPERTY_VOCABULARY, DRAFTED_RANGE)

NUMERIC_TYPES = ("number", "integer")

NULL_MARKERS = ("", "NA", "N/A", "null", "NULL", "NaN", "None", "-")
"""How CSV files commonly write a missing value; `charter new contract` reads them as null."""

ID_WORDS = ("id", "uuid", "guid", "key", "rowid", "pk")
"""Last word of an identifier column's name (`penguin_id`, `orderKey`, `rowid`)."""

PEOPLE_WORDS = (
    "person",
    "patient",
    "customer",
    "client",
    "user",
    "employee",
    "member",
    "student",
    "participant",
    "subject",
    "citizen",
    "applicant",
    "contact",
)
"""Words for people: `<word>_id`, `<word>_name`, `<word>_number` name a person."""

PERSONAL_COLUMN_WORDS = {
    "name": "direct-identifier",
    "full name": "direct-identifier",
    "first name": "direct-identifier",
    "last name": "direct-identifier",
    "given name": "direct-identifier",
    "family name": "direct-identifier",
    "maiden name": "direct-identifier",
    "surname": "direct-identifier",
    "forename": "direct-identifier",
    "username": "direct-identifier",
    "user name": "direct-identifier",
    "email": "direct-identifier",
    "e mail": "direct-identifier",
    "phone": "direct-identifier",
    "telephone": "direct-identifier",
    "address": "direct-identifier",
    "street": "direct-identifier",
    "ssn": "direct-identifier",
    "passport": "direct-identifier",
    "national id": "direct-identifier",
    "tax id": "direct-identifier",
    "iban": "direct-identifier",
    "credit card": "direct-identifier",
    "birth date": "quasi-identifier",
    "date of birth": "quasi-identifier",
    "birthdate": "quasi-identifier",
    "birthday": "quasi-identifier",
    "dob": "quasi-identifier",
    "postcode": "quasi-identifier",
    "postal code": "quasi-identifier",
    "zipcode": "quasi-identifier",
    "zip code": "quasi-identifier",
    "ip": "direct-identifier",
    "ip address": "direct-identifier",
    "free text": "direct-identifier",
    "freetext": "direct-identifier",
    "note": "direct-identifier",
    "notes": "direct-identifier",
    "comment": "direct-identifier",
    "comments": "direct-identifier",
    "remark": "direct-identifier",
    "remarks": "direct-identifier",
}
"""Words in a column name that mark personal data in any dataset, and their `piiCategory`.

Matched as whole words of the name (`customer_email`, `dateOfBirth`), except
`name`, which is personal only alone or after a people word (`patient_name`,
not `species_name`). Free text (`notes`, `comments`, `remarks`) counts as a
direct identifier: people write names and phone numbers into it. Words such as
`sex` or `age` are left out: they are personal only in data about people, which
a name cannot tell.
"""

PRIVACY_REVIEW = "privacyReview"
"""Custom property recording a reviewer's decision: `{reviewer: "@handle", reason: ...}`."""

FEATURE_STATUSES = ("draft", "active", "deprecated")


def is_sensitive_classification(classification: str | None) -> bool:
    return classification in ("confidential", "restricted")


def required_strength(classification: str | None, personal: bool) -> int:
    """Weakest anonymization allowed for a personal-data column of this classification."""
    if not personal:
        return 0
    return 2 if classification == "restricted" else 1
