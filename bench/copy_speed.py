"""How long `copier copy` of Charter takes with default answers, and against what floor.

Usage: python bench/copy_speed.py [--runs N]

The lock task (`uv lock`, a round-trip to the package index) is left out with
`--data lock_at_copy=false`; zero_to_green.py times it. The comparison is
`copier copy` of a one-file template through the same machinery: cookiecutter,
the tool a user would otherwise pick, cannot be installed offline together with
an equivalent template, and Copier's own fixed cost is the honest floor.
Writes bench/results/copy_speed.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from harness.machine import machine_facts
from harness.report import add_results_option, table, write_result
from harness.templates import (
    clean_env,
    clone_working_tree,
    copier_copy,
    copy_project,
    one_file_template,
)
from harness.timing import Summary, seconds

TARGET_SECONDS = 1.0
CLI = "`copier copy` (CLI)"
START_UP = "`copier --version` (start-up only)"
IN_PROCESS = "`copier.run_copy` (in process)"

Copy = Callable[[Path, Path, Path], None]


def cli_copy(template: Path, dest: Path, home: Path) -> None:
    """`copier copy` as a user types it (process start and imports included)."""
    copier_copy(template, dest, home, "lock_at_copy=false")


def api_copy(template: Path, dest: Path, home: Path) -> None:
    """`copier.run_copy` in this process: the rendering work alone."""
    copy_project(template, dest, home=home)


def cli_start_up(template: Path, dest: Path, home: Path) -> None:
    """`copier --version`: Python start-up plus Copier's imports, no template at all."""
    del template, dest
    subprocess.run(
        [sys.executable, "-m", "copier", "--version"],
        env=clean_env(home),
        check=True,
        capture_output=True,
    )


def measure(copy: Copy, template: Path, runs: int, scratch: Path) -> Summary:
    """Copy `template` into a fresh folder `runs` times after one warm-up copy."""
    samples = []
    for index in range(runs + 1):
        work = Path(tempfile.mkdtemp(prefix="copy-", dir=scratch))
        elapsed = seconds(lambda work=work: copy(template, work / "project", work))
        if index > 0:
            samples.append(elapsed)
    return Summary(tuple(samples))


def time_cases(scratch: Path, runs: int) -> tuple[dict[tuple[str, str], Summary], int]:
    """Every (template, how) case, and the number of files in Charter's template."""
    charter = clone_working_tree(scratch / "charter")
    floor = one_file_template(scratch / "one-file")
    cases: dict[tuple[str, str], tuple[Copy, Path]] = {
        ("Charter", CLI): (cli_copy, charter),
        ("one-file template", CLI): (cli_copy, floor),
        ("none", START_UP): (cli_start_up, floor),
        ("Charter", IN_PROCESS): (api_copy, charter),
        ("one-file template", IN_PROCESS): (api_copy, floor),
    }
    results = {}
    for (name, how), (copy, template) in cases.items():
        print(f"timing {how} of {name} ({runs} runs)...", flush=True)
        results[name, how] = measure(copy, template, runs, scratch)
    files = sum(1 for path in (charter / "template").rglob("*") if path.is_file())
    return results, files


def verdict(summary: Summary) -> str:
    return "met" if summary.median <= TARGET_SECONDS else "missed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (default 7)")
    add_results_option(parser)
    args, _ = parser.parse_known_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="charter-bench-copy-") as scratch:
        results, files = time_cases(Path(scratch), args.runs)

    charter_cli = results["Charter", CLI]
    floor_cli = results["one-file template", CLI]
    start_up = results["none", START_UP]
    charter_api = results["Charter", IN_PROCESS]
    rows = [[name, how, *summary.cells()] for (name, how), summary in results.items()]
    sections = [
        "`copier copy` with default answers, lock task excluded "
        f"(`--data lock_at_copy=false`); median of {args.runs} runs after one warm-up, "
        f"each into a new folder. Charter's template has {files} files; the floor is a "
        "one-question, one-file template copied by the same Copier.",
        table(["template", "how", "median", "min", "max"], rows),
        f"**Charter copy: {charter_cli.median:.2f} s median from the command line** "
        f"(target at most {TARGET_SECONDS:.0f} s: {verdict(charter_cli)}), "
        f"{charter_cli.median / floor_cli.median:.1f}x the one-file floor "
        f"({floor_cli.median:.2f} s). Starting Copier alone (Python plus its imports) "
        f"takes {start_up.median:.2f} s, which no template can avoid; Charter's rendering "
        f"itself, in process, takes {charter_api.median:.2f} s "
        f"({charter_api.median / results['one-file template', IN_PROCESS].median:.1f}x the "
        f"floor; target {verdict(charter_api)}).",
        "Reproduce: `uv run python bench/copy_speed.py` (or `nox -s bench`).",
    ]
    path = write_result("copy_speed", "Copy speed", sections, machine_facts(), args.results)
    print(path.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
