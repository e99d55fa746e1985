"""What `charter runs list` and `charter runs compare` cost on 1,000 recorded runs.

Usage: python bench/runs_speed.py [--runs N] [--count RUNS] [--results DIR]

A throw-away git project records --count runs (default 1,000) through the
real recording API (`charter.runs.Run`: an input fingerprinted, features, a
model, an output hashed, metrics): a grid of 10 alphas x 10 depths x 10 seeds,
so `runs list` groups them into 100 rows of 10 seeds each. Then each command
runs as a user runs it (`python -m charter ...`, a new process), the cases
taking turns, --runs times (default 5); wall time and CPU time (user + system
of the child) are reported as medians, with the content cache warm (as after
the first command) and off (`CHARTER_NO_CACHE=1`), bytecode written (a
`PYTHONPYCACHEPREFIX` in the scratch folder). Goal: at most 0.5 s each.
Writes bench/results/runs_speed.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.machine import machine_facts
from harness.report import add_results_option, table, write_result
from harness.templates import clean_env, git

from charter.runs import Run, write_text

GOAL = 0.5

PYPROJECT = """\
[project]
name = "sweep"
version = "0.1.0"

[tool.charter]
runs = "runs"
"""


def record(root: Path, count: int) -> list[str]:
    """`count` runs of a grid of alphas, depths and seeds, recorded by `charter.runs.Run`."""
    data = root / "data" / "numbers.csv"
    data.parent.mkdir(parents=True)
    data.write_text("".join(f"{i}\n" for i in range(1000)))
    ids = []
    rng = random.Random(0)
    for index in range(count):
        alpha, depth, seed = index // 100 % 10, index // 10 % 10, index % 10
        params = {"model": {"alpha": round(0.1 * (alpha + 1), 1), "depth": depth + 1}}
        run = Run(root, entry_point="sweep.pipeline", params=params, seeds={"split": seed})
        run.record_input("numbers", data, rows=1000, contract=("numbers", "1.0.0"))
        run.record_features([("total", 1), ("mean", 1)])
        run.record_model("scorer")
        out = root / "artifacts" / run.run_id / "model.json"
        write_text(out, f'{{"alpha": {alpha}, "depth": {depth}, "seed": {seed}}}')
        run.record_output("model", out)
        r2 = 0.5 + 0.02 * depth - 0.01 * alpha + rng.gauss(0, 0.01)
        run.finish({"r2": round(r2, 6), "rmse": round(50 - 10 * r2, 6)})
        ids.append(run.run_id)
    return ids


def make_project(root: Path) -> None:
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "uv.lock").write_text("version = 1\n")
    (root / ".gitignore").write_text("/data/\n/artifacts/\n")
    git("init", "--quiet", "--initial-branch=main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "sweep project", cwd=root)


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process; CPU is its user + system time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _both(values: list[tuple[float, float]]) -> str:
    wall = statistics.median(w for w, _ in values)
    cpu = statistics.median(c for _, c in values)
    return f"{wall:.2f} s wall, {cpu:.2f} s CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument("--count", type=int, default=1000, help="recorded runs (default 1000)")
    add_results_option(parser)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    with tempfile.TemporaryDirectory(prefix="runs-speed-") as scratch:
        root = Path(scratch) / "sweep"
        make_project(root)
        started = time.perf_counter()
        ids = record(root, args.count)
        recording = time.perf_counter() - started
        python = [sys.executable, "-m", "charter"]
        project = ["--project", str(root)]
        cases = {
            "runs list": ["runs", "list"],
            "runs list --filter --sort": [
                "runs",
                "list",
                "--filter",
                "metrics.r2 > 0.5 and params.model.alpha <= 0.5",
                "--sort",
                "metrics.r2 DESC",
            ],
            "runs list --format json": ["runs", "list", "--format", "json"],
            "runs compare (2 runs)": ["runs", "compare", ids[0], ids[-1]],
            "runs compare (10 runs)": ["runs", "compare", *ids[:: max(1, len(ids) // 10)][:10]],
            "runs show": ["runs", "show", ids[len(ids) // 2]],
        }
        env = clean_env()  # bytecode written, as on a user's machine (check_speed.py does so too)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "pycache")
        settings = {"cache warm": env, "cache off": {**env, "CHARTER_NO_CACHE": "1"}}
        for case in cases.values():  # warm the content cache, as every command after the first
            timed([*python, *case, *project], env)
        samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
        load_before = os.getloadavg()
        for _ in range(args.runs):
            for setting, setting_env in settings.items():
                for name, case in cases.items():
                    sample = timed([*python, *case, *project], setting_env)
                    samples.setdefault((name, setting), []).append(sample)
        load_after = os.getloadavg()
        startup = [timed([*python, "--version"], env) for _ in range(args.runs)]
    rows = []
    for (name, setting), values in samples.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        goals = ["yes" if value <= GOAL else "no" for value in (wall, cpu)]
        rows.append([f"`charter {name}`", setting, f"{wall:.2f} s", f"{cpu:.2f} s", *goals])
    startup_wall = statistics.median(w for w, _ in startup)
    list_warm = samples[("runs list", "cache warm")]
    compare_warm = samples[("runs compare (2 runs)", "cache warm")]
    sections = [
        f"{args.count:,} runs recorded through `charter.runs.Run` in {recording:.1f} s "
        f"(a grid of 10 alphas x 10 depths x 10 seeds: `runs list` shows "
        f"{args.count // 10:,} seed groups). Each command in a new process, cases taking turns, "
        f"medians of {args.runs}; CPU is the child's user + system time.",
        table(
            [
                "command",
                "content cache",
                "wall (median)",
                "CPU (median)",
                "wall at most 0.5 s",
                "CPU at most 0.5 s",
            ],
            rows,
        ),
        f"**runs list: {_both(list_warm)}, runs compare: {_both(compare_warm)}** (cache warm); "
        f"`charter --version` alone (interpreter start-up): {startup_wall:.2f} s wall. On a "
        "shared machine the wall time grows with the load (below) and the CPU time does not.",
        "Load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.2f}" for x in load_after)
        + f" ({os.cpu_count()} cores, shared).",
    ]
    path = write_result(
        "runs_speed",
        "Run history: runs list and runs compare",
        sections,
        machine_facts(),
        args.results,
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
