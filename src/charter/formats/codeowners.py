"""CODEOWNERS: which paths need whose review, as GitHub and GitLab read the file.

Each line is a path pattern and the owners of it (`@user`, `@org/team` or an
email address); `#` starts a comment. The template writes it from the role
answers; `Project.codeowners()` reads it once, and the site's home page and
rules show it from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PLACES = ("CODEOWNERS", ".github/CODEOWNERS", ".gitlab/CODEOWNERS", "docs/CODEOWNERS")
"""Where the code hosts look for the file, in the order the first one found wins."""


@dataclass(frozen=True)
class OwnedPath:
    """One CODEOWNERS line with owners."""

    pattern: str
    """The path pattern as written (`/governance/contracts/`, `*`)."""
    owners: tuple[str, ...]
    """Who reviews a change to it, in order, each once."""
    line: int


@dataclass(frozen=True)
class CodeOwners:
    path: Path
    entries: tuple[OwnedPath, ...]
    """The lines that name a pattern and at least one owner, in file order."""

    def owners_of(self, pattern: str) -> tuple[str, ...]:
        """The owners the last line for exactly `pattern` names (the code hosts' rule)."""
        found = [entry.owners for entry in self.entries if entry.pattern == pattern]
        return found[-1] if found else ()


def parse(text: str, path: Path) -> CodeOwners:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            entries.append(OwnedPath(words[0], tuple(dict.fromkeys(words[1:])), number))
    return CodeOwners(path, tuple(entries))
