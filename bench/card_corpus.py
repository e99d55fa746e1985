"""Whether Charter reads the model cards that huggingface_hub reads.

Usage: python bench/card_corpus.py [CARDS] [--results DIR]

CARDS is a folder of Markdown model cards written by others (default: the
shared corpus, `../shared/corpus/cards` beside the repository); every `*.md`
under it is one case. For each card it records:

- whether `huggingface_hub.ModelCard.load` reads it (the reference);
- whether `charter.formats.card.load` reads it, and whether its front matter
  equals the metadata huggingface_hub parsed (`yaml.safe_load` of the block
  the hub's own regular expression finds);
- the codes `charter check --select MOD,PRJ` reports when the card sits in an
  otherwise empty project (copied to a temporary folder, never into the
  repository): a card the hub reads must give MOD findings, not a PRJ001 parse
  failure.

The corpus stays where it is: nothing from it is written to the results but
file names, codes and the first line of an error. Writes
bench/results/card_corpus.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml
from harness.machine import REPO, machine_facts
from harness.report import add_results_option, table, write_result

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "cards"


def hub_reads(path: Path) -> tuple[str | None, object]:
    """(error or None, metadata) as huggingface_hub sees the card."""
    from huggingface_hub import ModelCard  # noqa: PLC0415
    from huggingface_hub.repocard import REGEX_YAML_BLOCK  # noqa: PLC0415

    try:
        ModelCard.load(path)
    except Exception as error:  # any rejection is the answer
        return _first_line(error), None
    text = path.read_text(encoding="utf-8-sig")
    match = REGEX_YAML_BLOCK.search(text)
    return None, (yaml.safe_load(match.group(2)) or {}) if match else {}


def charter_reads(path: Path) -> tuple[str | None, object]:
    from charter.formats import card  # noqa: PLC0415
    from charter.formats.source import FormatError  # noqa: PLC0415

    try:
        loaded = card.load(path)
    except FormatError as error:
        return f"{error.line}:{error.col}: {error.message}", None
    except Exception as error:  # a crash is a finding of this benchmark too
        return f"crash: {_first_line(error)}", None
    return None, loaded.document.data


def check_codes(path: Path) -> list[str]:
    """The MOD and PRJ codes (with counts) `charter check` reports for the card alone."""
    from charter.project import Project  # noqa: PLC0415
    from charter.rules import check  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "pyproject.toml").write_text('[project]\nname = "scratch"\nversion = "0"\n')
        folder = root / "governance" / "models" / "model"
        folder.mkdir(parents=True)
        shutil.copyfile(path, folder / "card.md")
        try:
            findings = check(Project.load(root), select=["MOD", "PRJ"])
        except Exception as error:  # recorded, not raised
            return [f"crash: {_first_line(error)}"]
    counts = Counter(f.code for f in findings)
    return [f"{code} x{n}" if n > 1 else code for code, n in sorted(counts.items())]


def _previous(result: Path) -> list[str]:
    """The last run's summary and Charter commit, to show beside this one."""
    if not result.is_file():
        return []
    text = result.read_text(encoding="utf-8")
    lines = text.splitlines()
    summary = next((line for line in lines if line.startswith("**")), None)
    commit = next((line for line in lines if line.startswith("| charter |")), "")
    if summary is None:
        return []
    where = commit.split("|")[2].strip() if commit else "unknown commit"
    return [f"Previous run (charter {where}): {summary.replace('**', '')}"]


YAML_ERRORS = ("ScannerError", "ParserError", "ComposerError", "ConstructorError", "ReaderError")
"""PyYAML's refusals: what `yaml.safe_load` in huggingface_hub raises for bad front matter."""


def _first_line(error: BaseException) -> str:
    return (f"{type(error).__name__}: {error}".splitlines() or [""])[0][:120]


def _same(left: object, right: object) -> bool:
    """Equal as JSON, dates as their text (Charter keeps YAML dates as strings)."""

    def plain(value: object) -> str:
        return json.dumps(value, sort_keys=True, default=str)

    return plain(left) == plain(right)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cards", nargs="?", type=Path, default=DEFAULT_CORPUS)
    add_results_option(parser)
    args, _ = parser.parse_known_args()  # `nox -s bench -- --runs N` passes options to all
    if not args.cards.is_dir():
        print(f"card_corpus: no corpus at {args.cards}; skipped", file=sys.stderr)
        return 0
    os.environ["CHARTER_NO_CACHE"] = "1"
    logging.disable(logging.WARNING)  # the hub warns about every card without metadata
    rows, agree, hub_ok, both, mod_only, refused, both_refuse = [], 0, 0, 0, 0, 0, 0
    cards = sorted(args.cards.rglob("*.md"))
    for path in cards:
        hub_error, hub_data = hub_reads(path)
        charter_error, charter_data = charter_reads(path)
        codes = check_codes(path)
        hub_ok += hub_error is None
        both += hub_error is None and charter_error is None
        # the hub's YAML parser refuses the front matter: Charter must not load the card
        parser_refuses = hub_error is not None and hub_error.split(":")[0] in YAML_ERRORS
        refused += parser_refuses
        both_refuse += parser_refuses and charter_error is not None
        agrees = (hub_error is None) == (charter_error is None) or (
            hub_error is not None and not (parser_refuses and charter_error is None)
        )
        read = hub_error is None and charter_error is None
        same = _same(hub_data, charter_data) if read else ""
        agrees = agrees and same is not False
        agree += agrees
        mod_only += hub_error is None and not any(c.startswith("PRJ001") for c in codes)
        rows.append(
            [
                f"`{path.relative_to(args.cards).as_posix()}`",
                "reads" if hub_error is None else f"rejects: {hub_error}",
                "reads" if charter_error is None else f"rejects: {charter_error}",
                {True: "yes", False: "**no**", "": ""}[same],
                ", ".join(codes) or "none",
                "yes" if agrees else "**no**",
            ]
        )
    rows = [[cell.replace("|", "\\|") for cell in row] for row in rows]
    header = ["card", "huggingface_hub", "Charter", "same metadata", "check codes", "agrees"]
    summary = (
        f"**{both} of {hub_ok} cards huggingface_hub reads load in Charter** "
        f"({len(cards)} cards; {agree} of {len(cards)} agree: Charter reads every card the "
        f"hub reads, with the same metadata). {mod_only} of {hub_ok} report what Charter "
        "requires beyond the hub as MOD findings rather than a PRJ001 parse failure. "
        f"{both_refuse} of {refused} cards whose front matter the hub's YAML parser refuses "
        "are refused by Charter too."
    )
    intro = (
        f"Corpus: {len(cards)} Markdown files under `{args.cards.name}/` (written by others; "
        "see the corpus's SOURCES.md). A card whose front matter the hub's YAML parser "
        "refuses must be refused by Charter; one the hub rejects for its metadata (a "
        "malformed model-index) may be read by Charter, which then reports MOD001; a card "
        "the hub reads must load in Charter with the "
        "same metadata. Check codes: `charter check --select MOD,PRJ` with the card alone in "
        "an empty project (`MOD003 xN`: N of Mitchell et al.'s nine sections not found)."
    )
    previous = _previous(args.results / "card_corpus.md")
    reproduce = "Reproduce: `uv run python bench/card_corpus.py ../shared/corpus/cards`."
    path = write_result(
        "card_corpus",
        "Model cards: Charter against huggingface_hub",
        [intro, table(header, rows), summary, *previous, reproduce],
        machine_facts(),
        args.results,
    )
    print(summary)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
