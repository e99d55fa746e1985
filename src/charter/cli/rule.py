"""`charter rule CODE` / `charter rule --all`: explain rules, like `ruff rule`.

The pages come from the registry (`charter.rules.pages`), so the terminal, the
JSON listing and docs/rules/ say the same thing. `--write-docs DIR` writes
the rule pages and their index; `--check-docs DIR` exits 1 when they are stale.
`--write-reference FILE` / `--check-reference FILE` do the same for the plugin
reference (what a rule can read on `Project`) between FILE's marker comments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_CLEAN, EXIT_STALE, EXIT_ERROR = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rule",
        help="explain a rule, or list every rule",
        description="Print the documentation of a rule code, or list every rule.",
    )
    parser.add_argument("code", nargs="?", help="the rule code, e.g. CON008")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--all", action="store_true", help="every rule")
    what.add_argument(
        "--write-docs", type=Path, metavar="DIR", help="write the rule pages and index to DIR"
    )
    what.add_argument(
        "--check-docs",
        type=Path,
        metavar="DIR",
        help="write nothing; exit 1 and name the pages in DIR that differ from the rules",
    )
    what.add_argument(
        "--write-reference",
        type=Path,
        metavar="FILE",
        help="rewrite the Project reference between FILE's marker comments (plugins.md)",
    )
    what.add_argument(
        "--check-reference",
        type=Path,
        metavar="FILE",
        help="write nothing; exit 1 when FILE's Project reference is stale",
    )
    parser.add_argument(
        "--output-format", choices=("text", "json"), default="text", help="output format"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from charter.rules import all_rules, pages  # noqa: PLC0415 - lazy: rules load on demand

    reference = args.write_reference or args.check_reference
    chosen = sum(bool(x) for x in (args.code, args.all, args.write_docs, args.check_docs))
    if chosen + bool(reference) != 1:
        print(
            "charter rule: give one rule code, --all, --write-docs DIR or --check-docs DIR",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if reference:
        return _reference(reference, write=bool(args.write_reference))
    rules = all_rules()
    if args.write_docs or args.check_docs:
        return _docs(args.write_docs or args.check_docs, rules, write=bool(args.write_docs))
    if args.all:
        selected = rules
    else:
        code = args.code.strip().upper()
        if code not in rules:
            print(f"charter rule: no rule has code {args.code!r}", file=sys.stderr)
            return EXIT_ERROR
        selected = {code: rules[code]}
    if args.output_format == "json":
        described = [pages.describe(r) for r in selected.values()]
        sys.stdout.write(pages.as_json(described if args.all else described[0]))
    else:
        sys.stdout.write("\n".join(pages.page(r) for r in selected.values()))
    return EXIT_CLEAN


def _docs(folder: Path, rules: dict, *, write: bool) -> int:
    from charter.rules import pages  # noqa: PLC0415

    if write:
        try:
            changed = pages.write(folder, rules)
        except OSError as error:
            print(f"charter rule: {error}", file=sys.stderr)
            return EXIT_ERROR
        for name in changed:
            print(f"wrote {folder / name}" if name in pages.pages(rules) else f"deleted {name}")
        return EXIT_CLEAN
    if not folder.is_dir():
        print(f"charter rule: no folder {folder}", file=sys.stderr)
        return EXIT_ERROR
    stale = pages.stale(folder, rules)
    for name in stale:
        print(f"{folder / name}: stale; run `charter rule --write-docs {folder}`")
    return EXIT_STALE if stale else EXIT_CLEAN


def _reference(path: Path, *, write: bool) -> int:
    from charter import plugin_reference  # noqa: PLC0415

    if not path.is_file():
        print(f"charter rule: no file {path}", file=sys.stderr)
        return EXIT_ERROR
    try:
        if write:
            if plugin_reference.write(path):
                print(f"wrote {path}")
            return EXIT_CLEAN
        if plugin_reference.is_stale(path):
            print(f"{path}: stale; run `charter rule --write-reference {path}`")
            return EXIT_STALE
    except (OSError, UnicodeDecodeError, plugin_reference.ReferenceError) as error:
        print(f"charter rule: {path}: {error}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_CLEAN
