"""`charter docs [--check]`: write the human views of the artifacts, or check they are current."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from charter.cli.project_option import (
    add_project_option,
    add_staged_option,
    load_project,
    project_root,
)

if TYPE_CHECKING:
    from charter.project import Project


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "docs",
        help="render the data dictionary, feature catalog, model-card index and lineage views",
        description=(
            "Render docs/data-dictionary.md, docs/feature-catalog.md, docs/model-cards.md "
            "and docs/lineage.md from the governance artifacts (the folder is "
            "[tool.charter] docs)."
        ),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and name the views that differ from the artifacts",
    )
    add_project_option(parser)
    add_staged_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from charter.views.render import render_views, stale_views, write_views  # noqa: PLC0415

    root = project_root(args, "docs")
    if root is None:
        return EXIT_ERROR
    project = load_project(root, args, "docs")
    if project is None or blocked(project):
        return EXIT_ERROR
    views = render_views(project)
    if args.check:
        stale = stale_views(project, views)
        for path in stale:
            if path.is_file() and not project.sees(path):
                print(f"{relative(path)}: not staged; run `charter docs`, then `git add` it")
            else:
                print(f"{relative(path)}: stale; run `charter docs` to refresh it")
        return EXIT_FINDINGS if stale else EXIT_CLEAN
    try:
        written = write_views(project, views)
    except OSError as error:
        print(f"charter docs: {error}", file=sys.stderr)
        return EXIT_ERROR
    for path in written:
        print(f"wrote {relative(path)}")
    return EXIT_CLEAN


def blocked(project: Project) -> bool:
    """Views of half-readable artifacts would silently drop content: refuse and say why."""
    from charter.rules.registry import code_of  # noqa: PLC0415 - `charter --help` stays fast

    problems = [
        f"{relative(p.path)}:{p.line}:{p.col}: {code_of(p.kind)} {p.message}"
        for p in project.problems
    ]
    problems += [
        f"{relative(c.path)}:{c.line}:1: PRJ003 conflict marker {c.marker!r}"
        for c in project.conflicts
    ]
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(
            "charter docs: fix the artifacts above first (`charter check` explains them)",
            file=sys.stderr,
        )
    return bool(problems)


def relative(path: Path) -> str:
    """Paths as the user typed them: relative to the current folder when possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
