"""The "Standards" entries of the template's CHANGELOG.md, per release.

Read by `charter check` (PRJ010) and by the template's update migration, which
runs under Copier's own Python without charter installed and loads this file by
path: so it uses the standard library only.

A release is a `## [X.Y.Z] ...` heading; its `### Standards` section lists
bullets (continuation lines are indented). Entries under `## [Unreleased]`
belong to the release being updated to when that release has no heading of its
own (a tag made before the changelog was edited).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

RELEASE = re.compile(r"^## \[(?P<name>[^\]]+)\]")
SECTION = re.compile(r"^### (?P<name>.+?)\s*$")
UNRELEASED = "unreleased"


def version_key(version: str) -> tuple[int, ...] | None:
    """`v1.2.3` -> (1, 2, 3); None for what is not a plain release number."""
    match = re.fullmatch(r"v?(\d+(?:\.\d+)*)", version.strip())
    if match is None:
        return None
    parts = [int(part) for part in match.group(1).split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()  # 1.0 == 1.0.0
    return tuple(parts)


def standards_by_release(text: str) -> dict[str, list[str]]:
    """Release name (as written, or "unreleased") -> its Standards bullets, in file order."""
    releases: dict[str, list[str]] = {}
    release: str | None = None
    in_standards = False
    for line in text.splitlines():
        if heading := RELEASE.match(line):
            name = heading.group("name").strip()
            release = UNRELEASED if name.lower() == UNRELEASED else name
            releases.setdefault(release, [])
            in_standards = False
        elif line.startswith("## "):
            release, in_standards = None, False
        elif section := SECTION.match(line):
            in_standards = release is not None and section.group("name").lower() == "standards"
        elif in_standards and release is not None:
            entries = releases[release]
            if line.startswith(("- ", "* ")):
                entries.append(line[2:].strip())
            elif line.startswith((" ", "\t")) and line.strip() and entries:
                entries[-1] += " " + line.strip()
    return releases


def standards_crossed(text: str, old: str, new: str) -> list[tuple[str, list[str]]]:
    """Releases after `old` up to and including `new`, oldest first, with their entries.

    Only releases that list Standards entries are returned.
    """
    low, high = version_key(old), version_key(new)
    if low is None or high is None:
        return []
    releases = standards_by_release(text)
    crossed = []
    named = set()
    for name, entries in releases.items():
        key = version_key(name)
        if key is None:
            continue
        named.add(key)
        if low < key <= high and entries:
            crossed.append((key, name, entries))
    if high not in named and releases.get(UNRELEASED):
        crossed.append((high, new.lstrip("v"), releases[UNRELEASED]))
    return [(name, entries) for _, name, entries in sorted(crossed)]


def summary(crossed: list[tuple[str, list[str]]], *, width: int | None = None) -> list[str]:
    """One line per entry, `vX.Y.Z: entry`, each cut to `width` characters when given."""
    lines = []
    for name, entries in crossed:
        prefix = f"{name}: "
        for entry in entries:
            fits = width is None or len(prefix) + len(entry) <= width
            lines.append(prefix + (entry if fits else _cut(entry, width - len(prefix))))
    return lines


def _cut(text: str, width: int) -> str:
    """`text` cut at a word to fit `width`, saying how much was cut ("... (12 more words)"),
    so a reader knows the line goes on; one overlong word is cut by characters."""
    words = text.split()
    for kept in range(len(words) - 1, 0, -1):
        cut = len(words) - kept
        line = " ".join(words[:kept]) + f" ... ({cut} more word{'s' if cut > 1 else ''})"
        if len(line) <= width:
            return line
    for kept in range(min(width, len(text)), 0, -1):
        line = text[:kept] + f"... ({len(text) - kept} more characters)"
        if len(line) <= width:
            return line
    return text[:width]


def main(argv: list[str]) -> int:
    """`python -m charter.changelog CHANGELOG.md FROM TO`: the Standards section of an
    update summary, for templates other than Charter's (an organisation overlay's update
    prints its own Standards the way Charter's update does)."""
    if len(argv) != 3:
        print("usage: python -m charter.changelog CHANGELOG.md FROM TO", file=sys.stderr)
        return 2
    path, old, new = argv
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"charter.changelog: cannot read {path}: {error}", file=sys.stderr)
        return 2
    crossed = standards_crossed(text, old, new)
    lines = [f"- **{name}**: {entry}" for name, entries in crossed for entry in entries]
    print(f"### Standards changed ({Path(path).name}, {old} -> {new})\n")
    print("\n".join(lines or ["- No Standards entries between these releases."]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
