"""`charter new model|contract NAME`: add artifacts the standard way, wired to the project."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR
from charter.cli.project_option import add_project_option, load_project, project_root
from charter.constants import DATA_SUFFIXES_TEXT, DEFAULT_TASK
from charter.formats.vocabulary import NULL_MARKERS

if TYPE_CHECKING:
    from charter.project import Project


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "new", help="add a model card or a data contract, wired to the project"
    )
    common = argparse.ArgumentParser(add_help=False)
    add_project_option(common)
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    model = kinds.add_parser(
        "model",
        parents=[common],
        help="a model-card stub using the catalog's active features",
        description="Write <models>/NAME/card.md: a Hugging Face model card whose governance "
        "block lists the catalog's active features and the contracts they read, and whose "
        "pipeline_tag names the task.",
    )
    model.add_argument("name", metavar="NAME", help="snake_case model name")
    model.add_argument(
        "--task",
        default=DEFAULT_TASK,
        help="Hugging Face task the model solves, written as the card's pipeline_tag "
        f"(default: {DEFAULT_TASK}, the worked example's; e.g. tabular-classification)",
    )
    model.set_defaults(handler=run_model)
    contract = kinds.add_parser(
        "contract",
        parents=[common],
        help="a draft ODCS contract inferred from a CSV or Parquet file",
        description="Write <contracts>/NAME.odcs.yaml: types, nullability, ranges, code lists "
        "and row count inferred from DATA; descriptions left for a domain expert.",
    )
    contract.add_argument("name", metavar="NAME", help="snake_case contract id")
    contract.add_argument(
        "--from",
        dest="data",
        metavar="DATA",
        type=Path,
        required=True,
        help=f"a {DATA_SUFFIXES_TEXT} file holding a sample of the data",
    )
    contract.add_argument(
        "--null-values",
        dest="null_values",
        metavar="MARKERS",
        type=_markers,
        default=NULL_MARKERS,
        help="comma-separated texts a CSV or TSV writes for a missing value, recorded in "
        f"the contract (default: {','.join(m for m in NULL_MARKERS if m)}; an empty field is "
        "always missing)",
    )
    contract.set_defaults(handler=run_contract)


def _markers(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(marker.strip() for marker in text.split(",")))


def run_model(args: argparse.Namespace) -> int:
    from charter.scaffold.create import new_model  # noqa: PLC0415 - `charter --help` stays fast

    return _create(args, lambda project: new_model(project, args.name, args.task))


def run_contract(args: argparse.Namespace) -> int:
    from charter.scaffold.create import new_contract  # noqa: PLC0415

    return _create(
        args, lambda project: new_contract(project, args.name, args.data, args.null_values)
    )


def _create(args: argparse.Namespace, make: Callable[[Project], Path]) -> int:
    from charter.scaffold.errors import ScaffoldError  # noqa: PLC0415

    root = project_root(args, "new")
    project = None if root is None else load_project(root, args, "new")
    if project is None:
        return EXIT_ERROR
    try:
        path = make(project)
    except ScaffoldError as error:
        print(f"charter new: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(f"wrote {path}")
    print("next: fill in the TODO(...) placeholders, then run `charter check` and `charter docs`")
    return EXIT_CLEAN
