"""`--project DIR` and `--staged`: which project a command works on, and which of its files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charter.project import Project

STAGED_HELP = (
    "consider only files git tracks or has staged, as the pre-commit hooks do: "
    "untracked work in progress is skipped (needs a git repository)"
)


def add_project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="DIR",
        help="project folder (default: the nearest folder above the current one with a "
        "pyproject.toml)",
    )


def project_root(args: argparse.Namespace, command: str, start: Path | None = None) -> Path | None:
    """The project's root folder, or None after telling the user the folder is missing.

    `--project` wins; else the search starts at `start` (a path the command was
    given) or the current folder.
    """
    from charter.project import find_root  # noqa: PLC0415 - `charter --help` stays fast

    if args.project is not None:
        if not args.project.is_dir():
            print(f"charter {command}: {args.project}: no such folder", file=sys.stderr)
            return None
        return find_root(args.project)
    return find_root(start if start is not None else Path.cwd())


def add_staged_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--staged", action="store_true", help=STAGED_HELP)


def load_project(root: Path, args: argparse.Namespace, command: str) -> Project | None:
    """The loaded project, or None after saying why `--staged` cannot be honoured."""
    from charter import gitrepo  # noqa: PLC0415
    from charter.project import Project  # noqa: PLC0415

    try:
        return Project.load(root, staged=getattr(args, "staged", False))
    except gitrepo.GitError as error:
        print(f"charter {command}: --staged needs a git repository: {error}", file=sys.stderr)
        return None
