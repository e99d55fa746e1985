"""`charter check`: run the rules over a project's artifacts."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="check governance artifacts against the rules")
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: project)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return 0
