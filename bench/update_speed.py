"""How long `copier update` of the default project across one release takes.

Usage: python bench/update_speed.py [--runs N]

A project generated at v0.0.9 (rebuilt by tests/release_history.py) is updated
to the working tree (v99.0.0), which crosses the v0.1.0 migrations. The lock
refresh that runs after every update is timed separately: once with a project
that has no uv.lock (refresh skipped), once with a locked project, and `uv lock`
alone. The alternative a user would pick to catch up is `copier recopy` (render
afresh, keep answers, drop the history merge), timed beside it.
Writes bench/results/update_speed.md.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import copier
from harness.machine import machine_facts
from harness.report import add_results_option, table, write_result
from harness.templates import clean_env, copy_project, git
from harness.timing import Summary, seconds
from release_history import build_release_history
from templating import TEST_VERSION, update_project

TARGET_SECONDS = 3.0
OLD, NEW = "v0.0.9", f"v{TEST_VERSION}"


def fresh_project(history: Path, scratch: Path, *, lock: bool) -> Path:
    project = Path(tempfile.mkdtemp(prefix="update-", dir=scratch)) / "project"
    copy_project(history, project, vcs_ref=OLD, lock=lock)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", "generated", cwd=project)
    return project


def recopy(project: Path) -> None:
    copier.run_recopy(
        str(project), defaults=True, overwrite=True, unsafe=True, vcs_ref=NEW, quiet=True
    )


def uv_lock(project: Path) -> None:
    subprocess.run(["uv", "lock", "--quiet"], cwd=project, env=clean_env(), check=True)


def measure(
    action: Callable[[Path], None], history: Path, scratch: Path, runs: int, *, lock: bool
) -> Summary:
    """Time `action` on a new project `runs` times, after one warm-up."""
    samples = []
    for index in range(runs + 1):
        project = fresh_project(history, scratch, lock=lock)
        elapsed = seconds(lambda project=project: action(project))
        if index > 0:
            samples.append(elapsed)
    return Summary(tuple(samples))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    add_results_option(parser)
    args, _ = parser.parse_known_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    def update(project: Path) -> None:
        update_project(project, NEW)

    with tempfile.TemporaryDirectory(prefix="charter-bench-update-") as scratch_name:
        scratch = Path(scratch_name)
        history = build_release_history(scratch / "charter")
        cases: dict[str, Callable[[], Summary]] = {
            "`copier update`, no lock file (lock refresh skipped)": lambda: measure(
                update, history, scratch, args.runs, lock=False
            ),
            "`copier recopy`, no lock file (the alternative)": lambda: measure(
                recopy, history, scratch, args.runs, lock=False
            ),
            "`copier update` of a locked project (lock refreshed)": lambda: measure(
                update, history, scratch, args.runs, lock=True
            ),
            "`uv lock` alone, after the pin moved": lambda: lock_only(history, scratch, args.runs),
        }
        results = {}
        for name, timed in cases.items():
            print(f"timing {name} ({args.runs} runs)...", flush=True)
            results[name] = timed()

    update_only = results["`copier update`, no lock file (lock refresh skipped)"]
    recopied = results["`copier recopy`, no lock file (the alternative)"]
    verdict = "met" if update_only.median <= TARGET_SECONDS else "missed"
    sections = [
        f"`copier update` of the default project from {OLD} to {NEW} (in process, "
        f"`copier.run_update`), median of {args.runs} runs after one warm-up, each on a "
        "new project. The update crosses the v0.1.0 migrations (renamed question, "
        "renamed file).",
        table(["case", "median", "min", "max"], [[k, *v.cells()] for k, v in results.items()]),
        f"**Update: {update_only.median:.2f} s median** (target at most "
        f"{TARGET_SECONDS:.0f} s: {verdict}), {update_only.median / recopied.median:.1f}x "
        f"`copier recopy` ({recopied.median:.2f} s), which renders the new release but "
        "cannot merge the project's own edits. The lock refresh is the difference between "
        "the locked and unlocked updates, and is dominated by `uv lock` (package index "
        "round-trips, warm cache).",
        "Reproduce: `uv run python bench/update_speed.py` (or `nox -s bench`).",
    ]
    path = write_result("update_speed", "Update speed", sections, machine_facts(), args.results)
    print(path.read_text())
    return 0


def lock_only(history: Path, scratch: Path, runs: int) -> Summary:
    """`uv lock` on updated projects: the update itself is set-up, not timed."""
    samples = []
    for index in range(runs + 1):
        project = fresh_project(history, scratch, lock=True)
        update_project(project, NEW)
        (project / "uv.lock").write_text(git("show", "HEAD:uv.lock", cwd=project))
        elapsed = seconds(lambda project=project: uv_lock(project))
        if index > 0:
            samples.append(elapsed)
    return Summary(tuple(samples))


if __name__ == "__main__":
    raise SystemExit(main())
