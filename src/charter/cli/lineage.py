"""`charter lineage export RUN`: a recorded run's OpenLineage events, to a file, stdout or HTTP."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR
from charter.cli.project_option import add_project_option, project_root


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lineage",
        help="OpenLineage events of recorded runs (Marquez, OpenMetadata, DataHub)",
        description="A run as OpenLineage events: a parent job for the pipeline and a child "
        "run per DVC stage, with the contracts' schemas, owners and checks, the data's "
        "versions and the catalog's column lineage (needs charter[lineage]).",
    )
    actions = parser.add_subparsers(dest="lineage_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="write, print or send the events of one run",
        description="The run's recorded events (runs/RUN/lineage.json), or built from its "
        "manifest and dvc.lock when it has none. Run ids come from the project and the run "
        "id, so sending a run twice is idempotent.",
    )
    export.add_argument("run", help="run id (a folder under runs/)")
    export.add_argument(
        "--to",
        choices=("file", "console", "http"),
        default="file",
        help="file: runs/RUN/lineage.json (or --output); console: JSON lines on stdout; "
        "http: POST to --url, OPENLINEAGE_URL or [tool.charter] lineage_url",
    )
    export.add_argument("--output", type=Path, metavar="PATH", help="file to write (--to file)")
    export.add_argument("--url", help="OpenLineage server (--to http), e.g. http://localhost:5000")
    export.add_argument(
        "--rebuild",
        action="store_true",
        help="build the events from the manifest even when the run folder has lineage.json",
    )
    add_project_option(export)
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    from charter.formats.source import FormatError  # noqa: PLC0415
    from charter.project import Project  # noqa: PLC0415
    from charter.runs import lineage  # noqa: PLC0415

    command = "charter lineage export"
    root = project_root(args, command)
    if root is None:
        return EXIT_ERROR
    try:
        lineage.require_client()
        project = Project.load_runs(root, [args.run])  # the run alone, unless it is built
        manifest = next((m for m in project.manifests if m.path.parent.name == args.run), None)
        if manifest is None:
            print(
                f"{command}: no run {args.run!r} under {project.config.runs} "
                "(or its manifest is unreadable: `charter check` says why)",
                file=sys.stderr,
            )
            return EXIT_ERROR
        recorded = manifest.path.parent / lineage.EVENTS_NAME
        if recorded.is_file() and not args.rebuild:
            events = lineage.read(recorded)
        else:
            project = Project.load(root)  # contracts and catalog: the facets come from them
            manifest = next(m for m in project.manifests if m.path == manifest.path)
            events = lineage.build(project, manifest)
        if args.to == "console":
            sys.stdout.write(lineage.dumps(events))
        elif args.to == "file":
            target = args.output or recorded
            lineage.write(target.resolve(), events, project.root if args.output is None else None)
            print(f"{len(events)} events written to {target}")
        else:
            url = args.url or lineage.configured_url(project)
            if not url:
                print(
                    f"{command}: no server: pass --url, set {lineage.URL_VARIABLE} or "
                    "[tool.charter] lineage_url",
                    file=sys.stderr,
                )
                return EXIT_ERROR
            lineage.send(
                events,
                url,
                api_key=os.environ.get(lineage.KEY_VARIABLE),
                endpoint=os.environ.get(lineage.ENDPOINT_VARIABLE),
            )
            print(f"{len(events)} events sent to {url}")
    except (lineage.LineageError, FormatError, OSError) as error:
        print(f"{command}: {error}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_CLEAN
