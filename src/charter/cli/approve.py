"""`charter approve MODEL --stage STAGE --role ROLE`: sign off a model's current run."""

from __future__ import annotations

import argparse
import sys

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR
from charter.cli.project_option import add_project_option, load_project, project_root
from charter.constants import STAGES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "approve",
        help="sign off a model's current run for a stage, with your SSH key",
        description="Write governance/approvals/MODEL/STAGE-ROLE-N.yaml naming the run the "
        "card names, its commit, the card, the contracts and the deployment manifests by "
        "sha256, and sign it (`ssh-keygen -Y sign -n charter-approval`) beside it as .sig. "
        "Your key must be listed in governance/approvers with ROLE.",
    )
    parser.add_argument("model", help="model name (a folder under the models folder)")
    parser.add_argument("--stage", required=True, choices=STAGES, help="the stage approved")
    parser.add_argument("--role", required=True, help="the role you sign in, e.g. model_owner")
    parser.add_argument("--conditions", default=None, help="conditions of the approval, in words")
    parser.add_argument(
        "--key",
        default=None,
        metavar="PATH",
        help="your SSH private key, or its .pub with the key in ssh-agent "
        "(default: git's user.signingkey)",
    )
    add_project_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from charter.approve import ApprovalError, approve  # noqa: PLC0415
    from charter.signatures import SigningError, signing_key  # noqa: PLC0415

    root = project_root(args, "approve")
    project = None if root is None else load_project(root, args, "approve")
    if project is None:
        return EXIT_ERROR
    try:
        key = signing_key(args.key, project.root)
        written = approve(
            project, args.model, args.stage, args.role, key=key, conditions=args.conditions
        )
    except (ApprovalError, SigningError) as error:
        print(f"charter approve: {error}", file=sys.stderr)
        return EXIT_ERROR
    except FileExistsError as error:
        print(f"charter approve: {error}: another approval took that name; run it again",
              file=sys.stderr)  # fmt: skip
        return EXIT_ERROR
    relative = written.path.relative_to(project.root)
    print(
        f"approved {args.model} for {args.stage} as {args.role} ({written.approver}), "
        f"run {written.run}: {relative} and {relative}.sig; commit both"
    )
    return EXIT_CLEAN
