"""Write a result as Markdown in bench/results/, the file the docs quote."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "results"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def write_result(
    name: str,
    title: str,
    sections: Sequence[str],
    facts: dict[str, str],
    directory: Path = RESULTS,
) -> Path:
    """Write <directory>/<name>.md: the title, the sections, then the machine."""
    machine = table(["fact", "value"], [[key, f"`{value}`"] for key, value in facts.items()])
    body = [f"## {title}", *sections, "### Machine", machine]
    path = directory / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(body) + "\n")
    return path


def add_results_option(parser: argparse.ArgumentParser) -> None:
    """`--results DIR`: where the result file goes (tests point it at a temporary folder)."""
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        metavar="DIR",
        help="folder for the result file (default: bench/results)",
    )
