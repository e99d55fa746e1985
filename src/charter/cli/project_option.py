"""`--project DIR`: which project a command works on, shared by the commands that write."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from charter.project import find_root


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
