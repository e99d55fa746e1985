"""Move a file the template renamed, before `copier update` applies the new names.

Usage: python rename_file.py OLD NEW   (paths relative to the project)

Without this, Copier deletes OLD (with the user's edits in it) and creates a
fresh NEW. Moving it first, staged in git (Copier reads the user's changes
from the index), lets the update merge the new template text into the user's
own file. Idempotent, and it never deletes: when both files exist it
leaves them for the user to merge.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: rename_file.py OLD NEW", file=sys.stderr)
        return 2
    old, new = Path(argv[0]), Path(argv[1])
    if not old.exists():
        return 0
    if new.exists():
        print(
            f"{old} and {new} both exist: the template renamed {old} to {new}; "
            f"merge {old} into {new} by hand, then delete {old}.",
            file=sys.stderr,
        )
        return 0
    new.parent.mkdir(parents=True, exist_ok=True)
    # Copier computes the user's changes from the git index, so stage the move.
    moved = subprocess.run(
        ["git", "mv", "--", str(old), str(new)], capture_output=True, check=False
    )
    if moved.returncode != 0:
        old.rename(new)
    print(f"moved {old} to {new} (renamed by the template)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
