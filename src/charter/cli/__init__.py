"""The `charter` command line: argument parsing and exit codes, nothing else.

Each subcommand lives in its own module exposing `register(subparsers)`, which
adds its parser and sets `handler` to a function `(args) -> int`.
"""

from __future__ import annotations

import argparse
import sys

from charter import __version__
from charter.cli import card, check, docs, new, reproduce, rule, validate

SUBCOMMANDS = [check, validate, docs, new, card, reproduce, rule]

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep its message short and plain."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="charter",
        description="Check and maintain the governance artifacts of a Charter project.",
    )
    parser.add_argument("--version", action="version", version=f"charter {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("charter: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
