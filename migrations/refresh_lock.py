"""Refresh uv.lock after `copier update` (runs after every update, in the project only).

An update moves the project's `charter` pin to the new template commit, so the
lock file must follow, or `uv sync --locked` fails. When pyproject.toml still
holds conflict markers the lock cannot be computed: say so and leave it to the
user, without failing the update (the conflict is what needs attention).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

MARKERS = ("<<<<<<< ", ">>>>>>> ")


def main() -> int:
    pyproject = Path("pyproject.toml")
    if not pyproject.is_file() or not Path("uv.lock").is_file():
        return 0  # a project without a lock file (e.g. generated offline) keeps none
    if any(line.startswith(MARKERS) for line in pyproject.read_text("utf-8").splitlines()):
        print(
            "uv.lock not refreshed: resolve the conflicts in pyproject.toml, then run `uv lock`.",
            file=sys.stderr,
        )
        return 0
    uv = shutil.which("uv")
    if uv is None:
        print("uv.lock not refreshed: uv is not installed; run `uv lock`.", file=sys.stderr)
        return 0
    result = subprocess.run([uv, "lock", "--quiet"], check=False)
    if result.returncode != 0:
        print("uv.lock not refreshed: `uv lock` failed (see above).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
