"""`charter feature bump NAME`: change a feature without changing what history cites."""

from __future__ import annotations

import argparse
import sys

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR
from charter.cli.project_option import add_project_option, load_project, project_root


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("feature", help="evolve catalog features version by version")
    actions = parser.add_subparsers(dest="feature_command", metavar="ACTION", required=True)
    bump = actions.add_parser(
        "bump",
        help="write NAME's next version and deprecate the current one",
        description="Add NAME@v+1 to the feature catalog (a copy of NAME@v with the same "
        "status) and set NAME@v to `status: deprecated`, pointing its transform.ref at a frozen "
        "copy of its function, NAME_v<v>(), as last committed. The function named as the "
        "feature is then NAME@v+1's: change it there. Runs that used NAME@v stay valid.",
    )
    bump.add_argument("name", metavar="NAME", help="the feature to bump")
    add_project_option(bump)
    bump.set_defaults(handler=run_bump)


def run_bump(args: argparse.Namespace) -> int:
    from charter.cli.new import refresh_views  # noqa: PLC0415
    from charter.scaffold.errors import ScaffoldError  # noqa: PLC0415
    from charter.scaffold.feature_bump import bump_feature  # noqa: PLC0415

    root = project_root(args, "feature bump")
    project = None if root is None else load_project(root, args, "feature bump")
    if project is None:
        return EXIT_ERROR
    try:
        bumped = bump_feature(project, args.name)
    except ScaffoldError as error:
        print(f"charter feature bump: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(f"wrote {bumped.catalog}: {bumped.new} added, {bumped.old} deprecated")
    print(f"wrote {bumped.module}: {bumped.frozen}() keeps the code of {bumped.old}")
    refresh_views(project.root)
    print(
        f"next: change {args.name}() for {bumped.new}, run the pipeline, then "
        "`charter card sync MODEL --run RUN` and commit"
    )
    return EXIT_CLEAN
