"""Regular expressions a user writes (settings), run where they cannot hang.

Python's `re` backtracks: `^(A+)+$` doubles its time with each character of the
text. A pattern from `[tool.charter]` therefore runs on polars' engine (Rust's
`regex` crate: linear in the text, no lookaround or backreferences), the same
engine that checks a contract's `pattern` on data. Polars is imported only when
a project sets its own pattern; Charter's defaults are reviewed, linear
expressions that Python runs.
"""

from __future__ import annotations

from collections.abc import Sequence


class PatternError(ValueError):
    """The pattern does not compile under the linear-time engine; the message says why."""


def problem(pattern: str) -> str | None:
    """Why `pattern` cannot be used (first line of the engine's message), or None."""
    try:
        search(pattern, [""])
    except PatternError as error:
        return str(error)
    return None


def search(pattern: str, texts: Sequence[str]) -> list[bool]:
    """For each text, whether `pattern` matches somewhere in it (like `re.search`)."""
    import polars as pl  # noqa: PLC0415 - only for a project's own pattern

    try:
        found = pl.Series(list(texts), dtype=pl.String).str.contains(pattern)
    except pl.exceptions.PolarsError as error:
        raise PatternError(_reason(str(error))) from None
    return [bool(value) for value in found.to_list()]


def _reason(message: str) -> str:
    """The regex engine's own sentence (`error: unclosed group`), not polars' plan dump."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    said = next(
        (line.removeprefix("error: ") for line in lines if line.startswith("error: ")), None
    )
    return (said or (lines[0] if lines else "not a regular expression"))[:200]
