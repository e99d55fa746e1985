"""`charter card sync MODEL --run RUN`: take a model card's metrics from a run manifest."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR
from charter.cli.project_option import add_project_option, load_project, project_root
from charter.constants import CARD_NAME, MANIFEST_NAME


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("card", help="maintain model cards from run records")
    actions = parser.add_subparsers(dest="card_command", metavar="ACTION", required=True)
    sync = actions.add_parser(
        "sync",
        help="write a run's metrics and manifest link into a model card",
        description="Rewrite the card's model-index metrics and governance.run_manifest from "
        "the run's manifest; every other line of the card stays as it is. Refuses a run that "
        "did not train MODEL, non-finite metrics, and a card that names no task.",
    )
    sync.add_argument("model", help="model name (a folder under the models folder) or card.md")
    sync.add_argument("--run", required=True, help="run id or path to its manifest.json")
    add_project_option(sync)
    sync.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from charter.formats import manifest as manifest_format  # noqa: PLC0415
    from charter.formats.source import FormatError  # noqa: PLC0415
    from charter.rules.registry import code_of  # noqa: PLC0415
    from charter.runs.card_sync import CardSyncError, sync  # noqa: PLC0415

    root = project_root(args, "card sync")
    project = None if root is None else load_project(root, args, "card sync")
    if project is None:
        return EXIT_ERROR
    card = _path(args.model, ".md", project.path("models"), CARD_NAME)
    manifest_path = _path(args.run, ".json", project.path("runs"), MANIFEST_NAME)
    for path, what in ((card, "model card"), (manifest_path, "run manifest")):
        if not path.is_file():
            print(f"charter card sync: no {what} at {path}", file=sys.stderr)
            return EXIT_ERROR
    try:
        manifest = manifest_format.load(manifest_path)
    except FormatError as error:
        print(
            f"{manifest_path}:{error.line}:{error.col}: {code_of(error.kind)} {error.message}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    uri = _relative(manifest_path, project.root)
    try:
        result = sync(card, manifest, uri, project.root)
    except CardSyncError as error:
        print(f"charter card sync: {error}", file=sys.stderr)
        return EXIT_ERROR
    metrics = ", ".join(f"{name}={value}" for name, value in result.metrics.items())
    state = "updated" if result.changed else "already in sync"
    print(f"{_relative(card, project.root)}: {state} from {uri} ({metrics})")
    return _sync_proposed_decisions(project, card.parent.name, list(manifest.features))


def _sync_proposed_decisions(project: Any, model: str, features: list[str]) -> int:
    """A proposed decision record follows the card's features (an accepted one never does)."""
    from charter.scaffold.decision import sync_proposed  # noqa: PLC0415
    from charter.scaffold.errors import ScaffoldError  # noqa: PLC0415

    try:
        changed = sync_proposed(project, model, list(dict.fromkeys(features)))
    except ScaffoldError as error:
        print(f"charter card sync: {error}", file=sys.stderr)
        return EXIT_ERROR
    for path in changed:
        print(f"{_relative(path, project.root)}: features updated (the record is still proposed)")
    return EXIT_CLEAN


def _path(argument: str, suffix: str, folder: Path, file_name: str) -> Path:
    """A name means `folder/<name>/<file_name>`; something ending in `suffix` is a path."""
    if argument.endswith(suffix):  # absolute, links kept: the writer refuses a linked card
        return Path(os.path.abspath(argument))  # noqa: PTH100
    return folder / argument / file_name


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()
