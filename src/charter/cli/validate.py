"""`charter validate DATA --contract FILE`: check a Parquet or CSV file against its contract."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from charter.install_hint import install_command


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="validate a Parquet or CSV file against an ODCS data contract",
        description=(
            "Compile the contract into a pandera schema and validate the data with it. "
            "Exit 0 when valid, 1 on violations (the report names columns, checks and "
            "counts), 2 when the data or the contract cannot be read."
        ),
    )
    parser.add_argument("data", type=Path, help="a .parquet, .csv or .tsv file")
    parser.add_argument("--contract", type=Path, required=True, help="an ODCS v3 YAML file")
    parser.add_argument(
        "--schema", default=None, help="schema object to validate against (default: the first)"
    )
    parser.add_argument(
        "--reference",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="data of the schema object NAME that relationships point to (repeatable)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:  # polars and pandera take ~0.7 s to import; only this command needs them
        from charter.validation import ValidationSetupError, validate  # noqa: PLC0415
    except ImportError as error:
        print(
            f"charter validate: reading data needs the package '{error.name}', which comes "
            f"with charter's runtime extra; install it with: {install_command('runtime')}",
            file=sys.stderr,
        )
        return 2
    references = dict(item.partition("=")[::2] for item in args.reference)
    if any(not name or not path for name, path in references.items()):
        print("charter validate: --reference takes NAME=FILE", file=sys.stderr)
        return 2
    try:
        report = validate(args.data, args.contract, schema=args.schema, references=references)
    except ValidationSetupError as error:
        print(f"charter validate: {error}", file=sys.stderr)
        return 2
    print(report.to_json() if args.format == "json" else report.format())
    return 0 if report.ok else 1
