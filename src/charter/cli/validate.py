"""`charter validate DATA --contract CONTRACT`: check a Parquet or CSV file against its contract."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from charter.cli.project_option import add_project_option, load_project, project_root
from charter.constants import DATA_SUFFIXES_TEXT

CONTRACT_SUFFIXES = (".yaml", ".yml")


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
    parser.add_argument(
        "data",
        help=f"a {DATA_SUFFIXES_TEXT} file, a Parquet dataset folder or a glob ('parts/*.parquet')",
    )
    parser.add_argument(
        "--contract",
        required=True,
        help="an ODCS v3 YAML file, or the id of one of the project's contracts",
    )
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
    parser.add_argument(
        "--engine",
        choices=("polars", "spark"),
        default="polars",
        help="polars on this machine (default), or Spark (the spark extra and Java 17; "
        "local mode, or the cluster spark-submit runs it on)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--show-personal-values",
        action="store_true",
        help="show failing values of restricted and direct-identifier columns unmasked "
        "(default: a count and one masked example); for someone allowed to see the data",
    )
    add_project_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from charter.install_hint import install_command  # noqa: PLC0415 - `charter --help` stays fast

    contract = contract_path(args)
    if contract is None:
        return EXIT_ERROR
    from charter.memory import few_malloc_arenas  # noqa: PLC0415

    few_malloc_arenas()  # before numpy's and polars' threads reserve their arenas
    try:  # polars and pandera take ~0.7 s to import; only this command needs them
        from charter.validation import ValidationSetupError, validate  # noqa: PLC0415
    except ImportError as error:
        print(
            f"charter validate: reading data needs the package '{error.name}', which comes "
            f"with charter's runtime extra; install it with: {install_command('runtime')}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    references = dict(item.partition("=")[::2] for item in args.reference)
    if any(not name or not path for name, path in references.items()):
        print("charter validate: --reference takes NAME=FILE", file=sys.stderr)
        return EXIT_ERROR
    try:
        report = validate(
            args.data,
            contract,
            schema=args.schema,
            references=references,
            engine=args.engine,
            show_personal_values=args.show_personal_values or _shown_by_setting(args),
        )
    except ValidationSetupError as error:
        print(f"charter validate: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(report.to_json() if args.format == "json" else report.format())
    return EXIT_CLEAN if report.ok else EXIT_FINDINGS


def _shown_by_setting(args: argparse.Namespace) -> bool:
    """`show_personal_values` of the project's `[tool.charter]`, when there is a project."""
    from charter.project import find_root  # noqa: PLC0415
    from charter.validation.masking import shown_by_setting  # noqa: PLC0415

    return shown_by_setting(Path(args.project) if args.project else find_root(Path.cwd()))


def contract_path(args: argparse.Namespace) -> Path | None:
    """A file is a file; anything else is a contract id looked up in the project."""
    given = Path(args.contract)
    if given.suffix.lower() in CONTRACT_SUFFIXES or given.is_file():
        return given
    root = project_root(args, "validate")
    if root is not None and not (root / "pyproject.toml").is_file():
        print(
            f"charter validate: no contract file {args.contract!r}, and no project here to "
            "look its id up in (give a path to a .yaml file, or --project DIR)",
            file=sys.stderr,
        )
        return None
    project = None if root is None else load_project(root, args, "validate")
    if project is None:
        return None
    found = project.contract_by_id(args.contract)
    if found is None:
        print(
            f"charter validate: no contract has id {args.contract!r} in "
            f"{project.path('contracts')} (give a path to a .yaml file, or --project)",
            file=sys.stderr,
        )
        return None
    return found.path
