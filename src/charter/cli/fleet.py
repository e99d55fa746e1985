"""`charter fleet PATH...`: which project is on which template release, and what it fails.

Each project is checked by its own pinned charter (one cached environment per
distinct pin) when the pin's source is on the allow-list (`--allow`; default:
the source of the running charter); the table goes to stdout, `--json` and `--markdown` write the
same report to files. Exit 0 when every project was checked and none has an
error at review, 1 when one has (or could not be checked), 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from charter import writes
from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fleet",
        help="report template release and findings across many projects",
        description="Check many projects, each with the charter it pins, and report "
        "which template release each is on and which rules it fails.",
        epilog="Exit 0: every project checked, none failing review; 1: one fails or "
        "could not be checked; 2: usage error.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="project folders (local clones), or text files listing them one a line",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the report as JSON")
    parser.add_argument(
        "--markdown", type=Path, metavar="FILE", help="write the report as Markdown"
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build each pinned charter environment again"
    )
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="SOURCE",
        help="also install charter from this git repository, folder or package index "
        "(repeatable; default: only the source the running charter came from)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from charter.fleet import projects, render, survey  # noqa: PLC0415 - on demand
    from charter.fleet.allowlist import AllowList, UnsafeSourceError  # noqa: PLC0415
    from charter.fleet.progress import progress  # noqa: PLC0415

    try:
        roots = projects.discover(args.paths)
    except projects.FleetInputError as error:
        print(f"charter fleet: {error}", file=sys.stderr)
        return EXIT_ERROR
    for target in (args.json, args.markdown):
        if target is not None and not target.parent.is_dir():
            print(f"charter fleet: {target.parent}: no such folder", file=sys.stderr)
            return EXIT_ERROR
    try:
        allow = AllowList.of(args.allow)
    except UnsafeSourceError as error:
        print(f"charter fleet: --allow {error}", file=sys.stderr)
        return EXIT_ERROR
    with progress(len(roots), quiet=args.quiet) as tick:
        report = survey.survey(roots, tick, rebuild=args.rebuild, allow=allow).as_dict()
    sys.stdout.write(render.render_table(report))
    if args.json is not None:
        writes.write_text(args.json, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if args.markdown is not None:
        writes.write_text(args.markdown, render.render_markdown(report))
    failing = any(p["error"] or p["ready_for"] == survey.DRAFT for p in report["projects"])
    return EXIT_FINDINGS if failing else EXIT_CLEAN
