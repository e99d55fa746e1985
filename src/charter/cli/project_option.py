"""`--project DIR` and `--staged`: which project a command works on, and which of its files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from charter import gitrepo
from charter.project import Project, find_root

STAGED_HELP = (
    "consider only files git tracks or has staged, as the pre-commit hooks do: "
    "untracked work in progress is skipped (needs a git repository)"
)


def add_project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        help="project folder (default: the nearest folder above the current one with a "
        "pyproject.toml)",
    )


def project_root(args: argparse.Namespace, command: str) -> Path | None:
    """The project's root folder, or None after telling the user the folder is missing."""
    start = args.project if args.project is not None else Path.cwd()
    if not start.is_dir():
        print(f"charter {command}: {start}: no such folder", file=sys.stderr)
        return None
    return find_root(start)


def add_staged_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--staged", action="store_true", help=STAGED_HELP)


def load_project(root: Path, args: argparse.Namespace, command: str) -> Project | None:
    """The loaded project, or None after saying why `--staged` cannot be honoured."""
    try:
        return Project.load(root, staged=args.staged)
    except gitrepo.GitError as error:
        print(f"charter {command}: --staged needs a git repository: {error}", file=sys.stderr)
        return None
