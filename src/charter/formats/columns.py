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


_TERMS: dict[tuple[str, ...], tuple[int, str]] = {}
"""Each personal term's words -> (its place in the vocabulary, its category); `name` alone
is matched apart. Split once here: a contract of 10,000 columns asks for every column."""
for _place, (_term, _category) in enumerate(PERSONAL_COLUMN_WORDS.items()):
    if tuple(_term.split()) != ("name",):
        _TERMS.setdefault(tuple(_term.split()), (_place, _category))
_SIZES = sorted({len(term) for term in _TERMS})


def pii_category(name: str) -> str | None:
    """The `piiCategory` a column name suggests (`direct-identifier`, ...), or None.

    Of several terms in the name, the one listed first in the vocabulary decides.
    """
    parts = words(name)
    if len(parts) >= 2 and parts[-2] in PEOPLE_WORDS and parts[-1] in (*ID_WORDS, "name", "number"):
        return "direct-identifier"
    if parts == ("name",):
        return PERSONAL_COLUMN_WORDS["name"]
    hits = [
        _TERMS[run]
        for size in _SIZES
        for i in range(len(parts) - size + 1)
        if (run := parts[i : i + size]) in _TERMS
    ]
    return min(hits)[1] if hits else None
