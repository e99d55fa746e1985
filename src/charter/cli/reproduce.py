"""`charter reproduce RUN`: rerun a recorded run and compare it with its manifest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from charter.cli.output import write
from charter.cli.project_option import add_project_option, load_project, project_root
from charter.constants import MANIFEST_NAME

if TYPE_CHECKING:
    from charter.findings import Finding
    from charter.project import Project


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reproduce",
        help="rerun a recorded run at its commit and compare hashes and metrics",
        description="Rerun RUN in a temporary git worktree at its recorded commit, with its "
        "parameters and seeds, and compare input fingerprints, output hashes and metrics. "
        "Exit 0 when identical, 1 when something differs, 2 when the run cannot be rerun.",
    )
    parser.add_argument("run", help="run id (a folder under runs/) or path to a manifest.json")
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="rerun a run recorded from a tree with uncommitted changes (at its commit)",
    )
    add_project_option(parser)
    parser.set_defaults(handler=run)


def manifest_path(argument: str, runs: Path) -> Path:
    """A run id names <runs>/<id>/manifest.json; anything ending in .json is a path."""
    if argument.endswith(".json"):
        return Path(argument).resolve()
    return runs / argument / MANIFEST_NAME


def table(rows: list[tuple[str, str, str, str]]) -> str:
    header = ("what", "name", "recorded", "reproduced")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


def run(args: argparse.Namespace) -> int:
    from charter.formats.source import FormatError  # noqa: PLC0415 - `charter --help` stays fast
    from charter.rules.registry import code_of  # noqa: PLC0415
    from charter.runs.reproduce import ReproduceError, RerunFailedError, reproduce  # noqa: PLC0415

    root = project_root(args, "reproduce")
    project = None if root is None else load_project(root, args, "reproduce")
    if project is None:
        return EXIT_ERROR
    root, runs = project.root, project.config.runs
    path = manifest_path(args.run, root / runs)
    if not path.is_file():
        print(f"charter reproduce: no run manifest at {path}", file=sys.stderr)
        return EXIT_ERROR
    refusals = _tampered(project, path)
    if refusals:
        write(refusals, "text", sys.stderr)
        print(
            "charter reproduce: the repository contradicts the manifest; nothing was run",
            file=sys.stderr,
        )
        return EXIT_ERROR
    try:
        outcome = reproduce(root, path, runs_dir=runs, allow_dirty=args.allow_dirty)
    except FormatError as error:
        print(
            f"{path}:{error.line}:{error.col}: {code_of(error.kind)} {error.message}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except RerunFailedError as error:
        print(f"charter reproduce: run does not reproduce: {error}", file=sys.stderr)
        return EXIT_FINDINGS
    except ReproduceError as error:
        print(f"charter reproduce: {error}", file=sys.stderr)
        return EXIT_ERROR
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    recorded = outcome.recorded
    if outcome.identical:
        print(
            f"run {recorded.run_id} reproduced: {len(recorded.inputs)} input fingerprints, "
            f"{len(recorded.outputs)} output hashes and {len(recorded.metrics)} metrics identical"
        )
        return EXIT_CLEAN
    rows = [(d.kind, d.name, d.recorded, d.reproduced) for d in outcome.differences]
    print(f"run {recorded.run_id} did not reproduce: {len(rows)} difference(s)\n")
    print(table(rows))
    return EXIT_FINDINGS


TAMPER_RULES = ("RUN011", "RUN012", "RUN013", "RUN014")
"""Rules whose findings mean the manifest was edited: reproduce refuses before running anything."""


def _tampered(project: Project, path: Path) -> list[Finding]:
    """Findings of the tamper rules on the manifest at `path` (none for a manifest elsewhere)."""
    from charter.rules import check  # noqa: PLC0415

    target = path.resolve()
    return [
        finding
        for finding in check(project, select=TAMPER_RULES)
        if Path(finding.path).resolve() == target
    ]
