"""The `charter` command line: argument parsing and exit codes, nothing else.

Each subcommand lives in its own module exposing `register(subparsers)`, which
adds its parser and sets `handler` to a function `(args) -> int`. Subcommand
modules import only the standard library and `charter.constants` at the top;
the work (and its imports) happens in the handler, so `charter --help` and each
command load only what they use.
"""

from __future__ import annotations

import argparse
import sys
import traceback

from charter.cli import (
    adopt,
    approve,
    bundle,
    card,
    check,
    deployment,
    docs,
    feature,
    fleet,
    lineage,
    new,
    reproduce,
    rule,
    runs,
    validate,
)
from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS

__all__ = ["EXIT_CLEAN", "EXIT_ERROR", "EXIT_FINDINGS", "build_parser", "main"]

SUBCOMMANDS = [
    check,
    validate,
    docs,
    new,
    deployment,
    feature,
    card,
    approve,
    bundle,
    reproduce,
    runs,
    lineage,
    rule,
    fleet,
    adopt,
]

DEBUG_HELP = "show the traceback of an internal error (normally one line)"


class _Version(argparse.Action):
    """`--version`, reading the installed version only when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from charter import __version__  # noqa: PLC0415 - importlib.metadata is slow to import

        print(f"charter {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="charter",
        description="Check and maintain the governance artifacts of a Charter project.",
        epilog="Exit codes: 0 clean, 1 findings, 2 usage or internal error.",
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.register(subparsers)
    _add_debug(subparsers)
    return parser


def _add_debug(subparsers: argparse._SubParsersAction) -> None:
    """`--debug` after the subcommand too (`charter check --debug`), as ruff's `--verbose`."""
    for sub in dict.fromkeys(subparsers.choices.values()):
        nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            _add_debug(nested[0])
        else:
            sub.add_argument(
                "--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP
            )


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
    except OSError as error:  # a full disk, a read-only folder: the path and why, one line
        from charter.runs.atomic import describe  # noqa: PLC0415

        print(f"charter: {describe(error)}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:  # a bug: one plain line, the traceback only with --debug
        name = " ".join(part for part in ("charter", args.command) if part)
        from charter.rules.plugins import PluginError  # noqa: PLC0415 - only on errors

        if isinstance(error, PluginError):  # an installed plugin is broken: not our bug
            print(f"{name}: {error}", file=sys.stderr)
            return EXIT_ERROR
        if args.debug:
            traceback.print_exc()
        print(f"{name}: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        if not args.debug:
            print(f"{name}: run it again with --debug to see the traceback", file=sys.stderr)
        return EXIT_ERROR
