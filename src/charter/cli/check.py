"""`charter check [PATHS]`: run the rules over a project's artifacts and report findings.

Exit 0 when no error-level finding is left, 1 when there is one, 2 for usage or
internal errors (one line; `--debug` shows the traceback). Options follow ruff:
`--select`/`--ignore` take codes or prefixes; `[tool.charter]` in
pyproject.toml gives defaults.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from charter.cli.output import FORMATS, summary, write
from charter.cli.project_option import (
    add_project_option,
    add_staged_option,
    load_project,
    project_root,
)
from charter.constants import STAGES
from charter.findings import ERROR

if TYPE_CHECKING:
    from charter.project import Project


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.split(",") if c.strip()]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check governance artifacts against the rules",
        description="Check contracts, the feature catalog, model cards and runs.",
        epilog="Exit 0: no errors; 1: errors found; 2: usage or internal error. "
        "Every code is explained in the rule catalog (docs/rules/).",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, help="report only findings in these files or folders"
    )
    parser.add_argument(
        "--select", type=_codes, metavar="CODES", help="comma-separated codes or prefixes to run"
    )
    parser.add_argument(
        "--ignore", type=_codes, metavar="CODES", help="comma-separated codes or prefixes to skip"
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument(
        "--stage", choices=STAGES, help="make this stage's checklist binding (default: review)"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="check every file for real (CHARTER_NO_CACHE=1)"
    )
    add_project_option(parser)
    add_staged_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check with the cyclic garbage collector paused.

    Parsed artifacts form no reference cycles, and collecting while hundreds of
    thousands of small objects are built cost a quarter of a large check.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(args)
    finally:
        if collecting:
            gc.enable()


def _check(args: argparse.Namespace) -> int:
    from charter.rules import all_rules, check  # noqa: PLC0415 - `charter --help` stays fast

    if args.no_cache:
        os.environ["CHARTER_NO_CACHE"] = "1"
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"charter check: {missing[0]}: no such file or folder", file=sys.stderr)
        return EXIT_ERROR
    root = project_root(args, "check", args.paths[0] if args.paths else None)
    project = None if root is None else load_project(root, args, "check")
    if project is None:
        return EXIT_ERROR
    config = project.config
    select = args.select if args.select is not None else (config.select or ["ALL"])
    ignore = [*config.ignore, *(args.ignore or [])]
    known = all_rules()
    for selector in (*select, *ignore):
        if selector != "ALL" and not any(code.startswith(selector) for code in known):
            print(f"charter check: unknown rule selector {selector!r}", file=sys.stderr)
            return EXIT_ERROR
    stage = args.stage or config.stage
    findings = check(project, select=select, ignore=ignore, stage=stage)
    if args.paths:
        wanted = [p.resolve() for p in args.paths]
        findings = [f for f in findings if any(_within(f.path, w) for w in wanted)]
    header = _header(project, stage) if args.format == "json" else None
    write(findings, args.format, sys.stdout, header)
    if args.format == "text":
        print(summary(findings), file=sys.stderr)
    return EXIT_FINDINGS if any(f.severity == ERROR for f in findings) else EXIT_CLEAN


def _within(path: Path, folder: Path) -> bool:
    path = path.resolve()
    return path == folder or path.is_relative_to(folder)


def _header(project: Project, stage: str) -> dict[str, object]:
    """What a fleet report needs beside the findings: whose they are, checked by what."""
    from charter import __version__  # noqa: PLC0415 - importlib.metadata is slow to import

    answers = project.answers()
    commit = answers.get("_commit")
    return {
        "project": project.root.name,
        "template": {
            "source": None if answers.get("_src_path") is None else str(answers["_src_path"]),
            "version": None if commit is None else str(commit),
        },
        "charter_version": __version__,
        "stage": stage,
    }
