"""`charter bundle RUN --out PATH` and `charter bundle verify PATH`: audit bundles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from charter.cli.project_option import add_project_option, load_project, project_root
from charter.constants import STAGES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bundle",
        help="collect a run's audit bundle (or `bundle verify PATH` to check one)",
        description="Write a folder with everything a reviewer needs about RUN (manifest, "
        "dvc.lock, contracts and catalog entries at the run's commit, card, checklists, "
        "approvals and their signatures, charter check's JSON, the run's reports and JSON "
        "records, deployment manifests, the DPIA and drift reports where present), an "
        "index.html, and an in-toto Statement of every file's sha256 in an "
        "SSH-signed DSSE envelope. `charter bundle verify PATH` checks one offline.",
    )
    parser.add_argument("run", help="run id (a folder under runs/), or `verify`")
    parser.add_argument("path", nargs="?", type=Path, help="with `verify`: the bundle folder")
    parser.add_argument("--out", type=Path, help="the new folder to write (must not exist)")
    parser.add_argument(
        "--stage", choices=STAGES, default="production", help="stage to check at (production)"
    )
    parser.add_argument(
        "--key",
        default=None,
        metavar="PATH",
        help="SSH key that signs the statement (default: git's user.signingkey)",
    )
    parser.add_argument(
        "--reproduce", action="store_true", help="also rerun the run and keep the verdict"
    )
    parser.add_argument(
        "--approvers",
        type=Path,
        default=None,
        metavar="FILE",
        help="with `verify`: trust this approvers file, not the bundle's own copy",
    )
    add_project_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.run == "verify":
        return _verify(args)
    if args.path is not None or args.out is None:
        print("charter bundle: usage: charter bundle RUN --out PATH", file=sys.stderr)
        return EXIT_ERROR
    return _bundle(args)


def _verify(args: argparse.Namespace) -> int:
    from charter.bundle import verify  # noqa: PLC0415

    if args.path is None or not args.path.is_dir():
        print(f"charter bundle verify: {args.path}: no such folder", file=sys.stderr)
        return EXIT_ERROR
    if args.approvers is not None and not args.approvers.is_file():
        print(f"charter bundle verify: {args.approvers}: no such file", file=sys.stderr)
        return EXIT_ERROR
    problems, predicate = verify(args.path, args.approvers)
    for problem in problems:
        print(f"{args.path}/{problem}")
    if problems:
        print(f"Bundle does not verify: {len(problems)} problem(s).", file=sys.stderr)
        return EXIT_FINDINGS
    print(
        f"Bundle verified: run {predicate.get('run')}, every file's sha256, the statement's "
        "signature and every approval's signature.",
        file=sys.stderr,
    )
    return EXIT_CLEAN


def _bundle(args: argparse.Namespace) -> int:
    import io  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    from dataclasses import replace  # noqa: PLC0415

    from charter.bundle import BundleError, build, check_signer, collect  # noqa: PLC0415
    from charter.cli.check import _header  # noqa: PLC0415
    from charter.cli.output import write  # noqa: PLC0415
    from charter.rules import check  # noqa: PLC0415
    from charter.runs.atomic import WriteError  # noqa: PLC0415
    from charter.signatures import SigningError, signing_key  # noqa: PLC0415

    root = project_root(args, "bundle")
    project = None if root is None else load_project(root, args, "bundle")
    if project is None:
        return EXIT_ERROR
    config = project.config
    findings = check(
        project, select=config.select or ["ALL"], ignore=config.ignore, stage=args.stage
    )
    findings = [
        replace(f, path=f.path.relative_to(project.root)) if f.path.is_absolute() else f
        for f in findings
        if not f.path.is_absolute() or f.path.is_relative_to(project.root)
    ]
    report = io.StringIO()
    write(findings, "json", report, _header(project, args.stage))
    verdict = None
    if args.reproduce:
        done = subprocess.run(
            [sys.executable, "-m", "charter", "reproduce", args.run, "--project", str(root)],
            capture_output=True,
            text=True,
            check=False,
        )
        verdict = f"exit {done.returncode}\n{done.stdout}{done.stderr}"
    try:
        key = signing_key(args.key, project.root)
        check_signer(project, key)
        contents, predicate = collect(project, args.run, args.stage, report.getvalue(), verdict)
        build(contents, predicate, key, args.out)
    except (BundleError, SigningError, WriteError, FileExistsError) as error:
        print(f"charter bundle: {error}", file=sys.stderr)
        return EXIT_ERROR
    size = sum(len(d) for d in contents.files.values())
    print(
        f"bundle of run {args.run} written to {args.out}: {len(contents.files)} files, "
        f"{size:,} bytes, {len(findings)} finding(s) at --stage {args.stage}"
    )
    return EXIT_CLEAN
