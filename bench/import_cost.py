"""What `charter --help`, `charter --version` and `charter check` import.

Usage: python bench/import_cost.py [--runs N] [--results DIR]

Each command runs N times (default 7) under `python -X importtime` in a copy of
the clean test fixture project (tests/package/fixtures/check/good), with the
cache warm. Records the median of the summed import time, the number of modules
imported, the Charter modules among them and the heavy libraries loaded, beside
a bare `python -c pass`. Writes bench/results/import_cost.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.machine import REPO, machine_facts
from harness.report import add_results_option, table, write_result

FIXTURE = REPO / "tests" / "package" / "fixtures" / "check" / "good"
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "charter --version": ["-m", "charter", "--version"],
    "charter --help": ["-m", "charter", "--help"],
    "charter check": ["-m", "charter", "check"],
}
HEAVY = (
    "yaml",
    "jsonschema",
    "huggingface_hub",
    "polars",
    "pandera",
    "copier",
    "importlib.metadata",
    "email",
)
_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S.*)$")


def measure(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, list[str]]:
    """(summed import seconds, modules in import order) of one run."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    total, modules = 0, []
    for line in result.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            total += int(match.group(1))
            modules.append(match.group(4))
    return total / 1e6, modules


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    add_results_option(parser)
    args, _ = parser.parse_known_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "project"
        shutil.copytree(FIXTURE, project)
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(scratch) / "cache")}
        env["CHARTER_TEMPLATE_CHECK_TTL"] = "-1"
        measure(COMMANDS["charter check"], project, env)  # fill the cache and bytecode
        for label, command in COMMANDS.items():
            runs = [measure(command, project, env) for _ in range(args.runs)]
            seconds = statistics.median(total for total, _ in runs)
            modules = runs[-1][1]
            charter = [m for m in modules if m == "charter" or m.startswith("charter.")]
            heavy = [h for h in HEAVY if h in modules]
            rows.append(
                [
                    f"`{label}`",
                    f"{seconds * 1000:.0f} ms",
                    str(len(modules)),
                    str(len(charter)),
                    ", ".join(heavy) or "none",
                ]
            )
            print(f"{label}: {seconds * 1000:.0f} ms, {len(modules)} modules", file=sys.stderr)
    header = ["command", "imports (median)", "modules", "charter modules", "heavy libraries"]
    intro = (
        f"Summed self time of every import under `python -X importtime`, median of "
        f"{args.runs} runs, warm cache, in a copy of the clean fixture project."
    )
    previous = _previous(args.results / "import_cost.md")
    reproduce = "Reproduce: `uv run python bench/import_cost.py`."
    path = write_result(
        "import_cost",
        "Import cost of the command line",
        [intro, table(header, rows), *previous, reproduce],
        machine_facts(),
        args.results,
    )
    print(f"wrote {path}")
    return 0


def _previous(result: Path) -> list[str]:
    """The last run's table and Charter commit, to show beside this one."""
    if not result.is_file():
        return []
    lines = result.read_text(encoding="utf-8").splitlines()
    commit = next((line for line in lines if line.startswith("| charter |")), "")
    where = commit.split("|")[2].strip() if commit else "unknown commit"
    start = next((i for i, line in enumerate(lines) if line.startswith("| command |")), None)
    if start is None:
        return []
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return [f"Previous run (charter {where}):", "\n".join(lines[start:end])]


if __name__ == "__main__":
    sys.exit(main())
