"""The overlay's edits to files Charter owns (pyproject.toml, uv.lock), run by Copier.

    acme_project.py settings '{"domains": [...]}'   # copy: Acme's default settings
    acme_project.py pin 'acme-charter-rules @ git+...@<commit>#subdirectory=plugin'

To Charter these are the project's own edits, so Charter's updates keep them.
`settings` appends `[tool.charter.acme]` once, at the end of pyproject.toml (far
from the lines Charter's releases change), and never again: the project owns
them afterwards. `pin` adds or moves the plugin requirement in the `dev` group
(`uv add`, which replaces an earlier pin in place) and refreshes uv.lock.

    acme_project.py standards CHANGELOG.md          # update: the overlay's Standards

`standards` prints the Standards entries of every overlay release the update
crossed, read by Charter's own reader (`python -m charter.changelog`, from the
project's locked environment), as Charter's update prints its own.
Outside a Charter project (Copier's own scratch copies) both do nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PYPROJECT = Path("pyproject.toml")
MARKERS = ("<<<<<<< ", ">>>>>>> ")


def settings(values: str) -> int:
    text = PYPROJECT.read_text("utf-8")
    if "[tool.charter.acme]" in text:
        return 0
    lines = [f"{key} = {json.dumps(value)}" for key, value in json.loads(values).items()]
    title = "# Acme Health's settings: the table of the ACME rules"
    block = "\n".join([title, "[tool.charter.acme]", *lines])
    PYPROJECT.write_text(text.rstrip("\n") + "\n\n" + block + "\n", "utf-8")
    return 0


def pin(requirement: str) -> int:
    if any(line.startswith(MARKERS) for line in PYPROJECT.read_text("utf-8").splitlines()):
        print("acme: resolve the conflicts in pyproject.toml, then run this again", file=sys.stderr)
        return 1
    uv = shutil.which("uv")
    if uv is None:
        print(f"acme: uv is not installed; add {requirement!r} to the dev group", file=sys.stderr)
        return 1
    add = [uv, "add", "--quiet", "--frozen", "--dev", "--raw-sources", requirement]
    if subprocess.run(add, check=False).returncode != 0:
        return 1
    if Path("uv.lock").is_file():
        return subprocess.run([uv, "lock", "--quiet"], check=False).returncode
    return 0


def standards(changelog: str) -> int:
    old, new = os.environ.get("VERSION_FROM", ""), os.environ.get("VERSION_TO", "")
    uv = shutil.which("uv")
    if uv is None or not old or not new:
        return 0
    read = [uv, "run", "--frozen", "--quiet", "python", "-m", "charter.changelog"]
    if subprocess.run([*read, changelog, old, new], check=False).returncode != 0:
        print(f"acme: see {changelog} for the Standards of {old} -> {new}", file=sys.stderr)
    return 0  # the summary informs; it never stops an update


def main(argv: list[str]) -> int:
    if not PYPROJECT.is_file():
        return 0
    command, value = argv
    commands = {"settings": settings, "pin": pin, "standards": standards}
    return commands[command](value)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
