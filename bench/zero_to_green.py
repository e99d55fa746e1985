"""From nothing to a project whose own gates pass, step by step, with warm caches.

Usage: python bench/zero_to_green.py [--runs N]

Each run copies the template with default answers (lock task included), installs
the locked environment, stages every file and runs the generated project's
pre-commit hooks and tests, exactly as its README tells a new team member.
One untimed run first warms uv's and pre-commit's caches, so the numbers are
what a second project on the same machine costs, not the first download.
Writes bench/results/zero_to_green.md.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.machine import machine_facts
from harness.report import add_results_option, table, write_result
from harness.templates import clean_env, clone_working_tree, copier_copy
from harness.timing import Summary, seconds

TARGET_SECONDS = 30.0


@dataclass(frozen=True)
class Step:
    """One command of the way to green, run in the project folder."""

    title: str
    command: tuple[str, ...]


STEPS = (
    Step("`uv sync --locked`", ("uv", "sync", "--locked", "--quiet")),
    Step("`git add -A`", ("git", "add", "-A")),
    Step("`uv run pre-commit run --all-files`", ("uv", "run", "pre-commit", "run", "--all-files")),
    Step("`uv run pytest`", ("uv", "run", "pytest", "-q")),
)
COPY = "`copier copy --trust --defaults` (with `uv lock`)"


def run_step(step: Step, project: Path, home: Path) -> Callable[[], int]:
    """A call that runs `step` and returns its exit code (failures are recorded, not raised)."""

    def call() -> int:
        result = subprocess.run(
            step.command, cwd=project, env=clean_env(home), capture_output=True, check=False
        )
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).decode(errors="replace")[-2000:]
            print(f"  {step.title} exited {result.returncode}:\n{tail}", flush=True)
        return result.returncode

    return call


def one_run(template: Path, work: Path) -> tuple[dict[str, float], list[str]]:
    """Time every step once in a fresh folder: seconds per step, and the steps that failed."""
    project = work / "diabetes-progression"
    timings = {COPY: seconds(lambda: copier_copy(template, project, work))}
    failed = []
    for step in STEPS:
        codes: list[int] = []
        call = run_step(step, project, work)
        timings[step.title] = seconds(lambda call=call, codes=codes: codes.append(call()))
        if codes[0] != 0:
            failed.append(f"{step.title} (exit {codes[0]})")
    return timings, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs (default 3)")
    add_results_option(parser)
    args, _ = parser.parse_known_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    runs: list[dict[str, float]] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="charter-bench-green-") as scratch:
        template = clone_working_tree(Path(scratch) / "charter")
        for index in range(args.runs + 1):
            label = "warm-up" if index == 0 else f"run {index}"
            print(f"{label}...", flush=True)
            with tempfile.TemporaryDirectory(dir=scratch) as work:
                timings, failed = one_run(template, Path(work))
            if index > 0:
                runs.append(timings)
                failures += [f"{label}: {step}" for step in failed]

    steps = list(runs[0])
    per_step = {step: Summary(tuple(run[step] for run in runs)) for step in steps}
    total = Summary(tuple(sum(run.values()) for run in runs))
    rows = [[step, *per_step[step].cells()] for step in steps]
    rows.append(["**total**", *total.cells()])
    green = "; ".join(failures) if failures else "every gate passed in every run"
    verdict = "met" if total.median <= TARGET_SECONDS and not failures else "missed"
    sections = [
        "From an empty folder to a generated project whose own gates pass, with default "
        f"answers; median of {args.runs} runs after one untimed warm-up run that fills "
        "uv's and pre-commit's caches. Each run uses a new folder.",
        table(["step", "median", "min", "max"], rows),
        f"**Zero to green: {total.median:.1f} s median** (target at most "
        f"{TARGET_SECONDS:.0f} s: {verdict}); {green}.",
        "Reproduce: `uv run python bench/zero_to_green.py` (or `nox -s bench`).",
    ]
    path = write_result("zero_to_green", "Zero to green", sections, machine_facts(), args.results)
    print(path.read_text())
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
