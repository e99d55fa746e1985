"""What a column's name suggests: an identifier, or personal data.

A draft contract (`charter new contract`) uses it to propose a primary key and
to draft only personal columns at the project's data sensitivity; the CON018
rule uses it to stop a personal-looking column being `public` or `none` without
a recorded privacy review. The words live in `charter.formats.vocabulary`.
"""

from __future__ import annotations

import re

from charter.formats.vocabulary import ID_WORDS, PEOPLE_WORDS, PERSONAL_COLUMN_WORDS

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def words(name: str) -> tuple[str, ...]:
    """The words of a column name, lower case: `dateOfBirth` and `date_of_birth` alike."""
    return tuple(word.lower() for word in _WORD.findall(name))


def is_id_like(name: str) -> bool:
    """`id`, `penguin_id`, `orderKey`, `rowid`: a name that says it identifies a row."""
    parts = words(name)
    return bool(parts) and parts[-1] in ID_WORDS


def pii_category(name: str) -> str | None:
    """The `piiCategory` a column name suggests (`direct-identifier`, ...), or None."""
    parts = words(name)
    if len(parts) >= 2 and parts[-2] in PEOPLE_WORDS and parts[-1] in (*ID_WORDS, "name", "number"):
        return "direct-identifier"
    if parts == ("name",):
        return PERSONAL_COLUMN_WORDS["name"]
    for term, category in PERSONAL_COLUMN_WORDS.items():
        term_words = tuple(term.split())
        if term_words == ("name",):
            continue
        size = len(term_words)
        if any(parts[i : i + size] == term_words for i in range(len(parts) - size + 1)):
            return category
    return None
