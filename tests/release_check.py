"""Does a release tag agree with CHANGELOG.md? Run as `nox -s release_check -- vX.Y.Z`.

One tag is one template version is one `charter` version, and projects read
the CHANGELOG entry before `copier update`: so the tag must be a PEP 440 version
with a `v` (the order Copier sorts releases by), and CHANGELOG.md must hold a
dated entry for exactly that version, newest of all, with a Standards section,
and nothing left under [Unreleased]. When the tag exists, the CHANGELOG is read
at the tag, so a tag made before the entry was written is caught.
"""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\S+))?[ \t]*$", re.MULTILINE)


def tag_version(tag: str) -> tuple[Version | None, list[str]]:
    """The version a tag names, or the problems that make it no release tag."""
    if not tag.startswith("v"):
        return None, [f"the tag {tag!r} must start with 'v' (for example v1.2.0)"]
    try:
        version = Version(tag[1:])
    except InvalidVersion:
        return None, [f"{tag!r} is not 'v' and a PEP 440 version (for example v1.2.0)"]
    if str(version) != tag[1:] or version.local is not None:
        return None, [f"{tag!r} is not a canonical PEP 440 release tag: use v{version.public}"]
    return version, []


def sections(changelog: str) -> list[tuple[str, str | None, str]]:
    """(name, date, body) of every `## [name] - date` section, in order."""
    found = list(HEADING.finditer(changelog))
    ends = [m.start() for m in found[1:]] + [len(changelog)]
    return [
        (m["name"], m["date"], changelog[m.end() : end]) for m, end in zip(found, ends, strict=True)
    ]


def problems(changelog: str, tag: str) -> list[str]:
    """Why `tag` and `changelog` disagree (empty when the release may go out)."""
    version, found = tag_version(tag)
    if version is None:
        return found
    entries = sections(changelog)
    unreleased = [body for name, _, body in entries if name.lower() == "unreleased"]
    if unreleased and re.search(r"^\s*[-*] ", unreleased[0], re.MULTILINE):
        found.append("[Unreleased] still lists changes: move them under the new version")
    releases = [(name, date, body) for name, date, body in entries if name.lower() != "unreleased"]
    mine = [entry for entry in releases if entry[0] == str(version)]
    if not mine:
        return [*found, f"no '## [{version}] - YYYY-MM-DD' entry for the tag {tag}"]
    name, date, body = mine[0]
    if releases[0][0] != name:
        found.append(f"the entry for {version} is not the newest: {releases[0][0]} is above it")
    try:
        datetime.date.fromisoformat(date or "")
    except ValueError:
        found.append(f"the entry for {version} needs a date: '## [{version}] - YYYY-MM-DD'")
    if not re.search(r"^### Standards[ \t]*$", body, re.MULTILINE):
        found.append(f"the entry for {version} has no '### Standards' section")
    for other, _, _ in releases:
        try:
            newer = Version(other) >= version and other != name
        except InvalidVersion:
            found.append(f"the entry '## [{other}]' is not a PEP 440 version")
            continue
        if newer:
            found.append(f"there is already an entry for {other}, not older than {version}")
    return found


def changelog_at(tag: str, root: Path = ROOT) -> str:
    """CHANGELOG.md as the tag has it, or the working tree's when the tag is not made yet."""
    shown = subprocess.run(
        ["git", "show", f"refs/tags/{tag}:CHANGELOG.md"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if shown.returncode == 0:
        return shown.stdout
    return (root / "CHANGELOG.md").read_text(encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: release_check.py vX.Y.Z", file=sys.stderr)
        return 2
    tag = argv[0]
    found = problems(changelog_at(tag), tag)
    for problem in found:
        print(f"CHANGELOG.md: {problem}", file=sys.stderr)
    if found:
        print(f"{tag}: not ready to release (see docs/customise.md)", file=sys.stderr)
    if not found:
        print(f"{tag}: CHANGELOG.md and the tag agree")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
