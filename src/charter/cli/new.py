"""`charter new` (being built: see the open issues)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("new", help="(not available yet)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    print("charter new: not available in this version", file=sys.stderr)
    return 2
