"""`charter deployment image --name NAME --digest DIGEST`: record the image CI pushed."""

from __future__ import annotations

import argparse
import sys

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR
from charter.cli.project_option import add_project_option, load_project, project_root


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("deployment", help="maintain deployment manifests")
    actions = parser.add_subparsers(dest="deployment_command", metavar="ACTION", required=True)
    image = actions.add_parser(
        "image",
        help="write the pushed image's name and digest into the deployment manifests",
        description="Set image.name and image.digest of every deployment manifest (or of "
        "MODEL's, in ENV): the CI image job runs it after pushing. Only those two values "
        "change in each file.",
    )
    image.add_argument("--name", required=True, help="registry and repository of the image")
    image.add_argument("--digest", required=True, help="sha256:... of the pushed image")
    image.add_argument("--model", help="only this model's deployments")
    image.add_argument("--env", help="only deployments to this environment")
    add_project_option(image)
    image.set_defaults(handler=run_image)


def run_image(args: argparse.Namespace) -> int:
    from charter.scaffold.deployment import set_image  # noqa: PLC0415
    from charter.scaffold.errors import ScaffoldError  # noqa: PLC0415

    root = project_root(args, "deployment image")
    project = None if root is None else load_project(root, args, "deployment image")
    if project is None:
        return EXIT_ERROR
    try:
        changed = set_image(project, args.name, args.digest, args.model, args.env)
    except ScaffoldError as error:
        print(f"charter deployment image: {error}", file=sys.stderr)
        return EXIT_ERROR
    for path in changed:
        print(f"wrote {path.relative_to(project.root).as_posix()}")
    if not changed:
        print("deployment manifests already name this image")
    return EXIT_CLEAN
