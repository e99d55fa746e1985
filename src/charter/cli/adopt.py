"""`charter adopt --template SRC [--project DIR]`: bring an existing repository under the template.

Never overwrites a file: what the repository lacks is added, a file both sides
have is listed for a person to merge (the template's version waits in
`.git/charter-adopt/`). Exit 0 when adopted, 2 when it could not be.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR


def _answer(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE")
    return key.strip(), value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "adopt",
        help="bring an existing repository under the template, overwriting nothing",
        description="Add the template's files an existing repository lacks (example pipeline "
        "off), merge pyproject.toml, import requirements.txt, draft a contract for each data "
        "file, and list the files both sides have for a person to merge.",
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="DIR",
        help="the repository to adopt (default: the current folder; no search upwards, "
        "since the repository may have no pyproject.toml yet)",
    )
    parser.add_argument(
        "--template",
        required=True,
        metavar="SRC",
        help="template repository (URL or local clone), as for `copier copy`",
    )
    parser.add_argument("--vcs-ref", metavar="REF", help="template release (default: the newest)")
    parser.add_argument(
        "--data",
        "-d",
        type=_answer,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Copier answer (repeatable)",
    )
    parser.add_argument(
        "--no-lock",
        action="store_true",
        help="skip `uv lock` (offline); run it before `uv sync --locked`",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from charter.adopt.pyproject_merge import MergeError  # noqa: PLC0415
    from charter.adopt.run import AdoptError, adopt  # noqa: PLC0415

    folder = args.project if args.project is not None else Path.cwd()
    if not folder.is_dir():
        print(f"charter adopt: {folder}: no such folder", file=sys.stderr)
        return EXIT_ERROR
    try:
        result = adopt(
            folder,
            args.template,
            vcs_ref=args.vcs_ref,
            data=dict(args.data),
            lock=not args.no_lock,
        )
    except (AdoptError, MergeError) as error:
        print(f"charter adopt: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Adopted {result.root} ({len(result.added)} files added, none overwritten).")
    if result.git_initialised:
        print("  git: initialised a repository (the hooks need one)")
    if result.tables_added or result.dependencies_added:
        tables = ", ".join(f"[{t}]" for t in result.tables_added) or "no tables"
        print(f"  pyproject.toml: added {tables}; {len(result.dependencies_added)} dependencies")
    if result.requirements_imported:
        print(
            f"  requirements.txt: imported {', '.join(result.requirements_imported)} "
            "into [project] dependencies (delete requirements.txt once CI uses uv)"
        )
    for data, contract in result.contracts:
        print(f"  drafted {contract} from {data}")
    if result.to_do:
        drafts = Path(result.contracts[0][1]).parent
        print(
            f"  the drafts wait in {drafts.as_posix()}/, outside the checks; move each into "
            f"{drafts.parent.as_posix()}/ once its to-do list is done:"
        )
        for line in result.to_do:
            print(f"    {line}")
    for failure in result.contract_failures:
        print(f"  no contract drafted for {failure}")
    if result.defaulted:
        listed = ", ".join(f"{k}={v}" for k, v in result.defaulted.items())
        print(
            f"  answers nobody gave, left at the template's defaults: {listed}; change one "
            "with `copier update --trust --defaults --data KEY=VALUE`"
        )
    if result.to_merge:
        scratch = result.scratch.relative_to(result.root).as_posix()
        print(
            f"Both sides have these files; yours were kept. Merge the template's version "
            f"from {scratch}/ by hand:"
        )
        for relative in result.to_merge:
            print(f"  {relative}")
    sync = "" if result.locked else "uv lock; uv sync --locked; "
    print(
        f"Next: {sync}uv run charter check; git add -A; uv run pre-commit run --all-files; "
        "then review and commit."
    )
    return EXIT_CLEAN
