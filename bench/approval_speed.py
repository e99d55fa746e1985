"""What sign-offs and audit bundles cost on the default project's run.

Usage: python bench/approval_speed.py [--runs N] [--results DIR]

The default project is rendered from a tagged clone of the working tree,
locked and installed, its pipeline run (`nox -s pipeline`), the card synced
and answered, and committed: that is the project *without approvals*. Then two
approvers (ed25519 keys made by ssh-keygen in a temporary folder) are listed,
the model approved for review, `charter new deployment` written, approved for
production in two roles, and committed: the project *with approvals*. Timed,
from the project's own environment, medians of --runs (default 7), the cases
taking turns, the content cache warm as on a typical commit:

- `charter check` and `charter check --stage production` in each state (without
  approvals the production check fails on APR006: what is measured is the cost);
- `charter bundle RUN --out NEW` (a new folder each time) and `charter bundle
  verify`, with the bundle's size;
- one signature checked in-process by the `sshsig` package beside one
  `ssh-keygen -Y verify` process.

The load average is read before and after. Writes bench/results/approval_speed.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.machine import machine_facts
from harness.report import add_results_option, table, write_result
from harness.templates import clean_env, clone_working_tree, copy_project, git
from harness.timing import Summary, seconds

MODEL = "progression_regressor"
PEOPLE = {"alice": "model_owner", "bob": "product_owner"}


def run(project: Path, *cmd: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**clean_env(), "CHARTER_TEMPLATE_CHECK_TTL": "-1"}
    result = subprocess.run(
        [str(c) for c in cmd], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{result.stdout}{result.stderr}")
    return result


def commit(project: Path, message: str) -> None:
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", message, cwd=project)


def prepare(scratch: Path) -> tuple[Path, Path, str, dict[str, Path]]:
    """(project without approvals, the same with them, run id, keys)."""
    template = clone_working_tree(scratch / "template")
    bare = copy_project(template, scratch / "without", lock=True, home=scratch)
    run(bare, "uv", "sync", "--locked", "--quiet")
    git("add", "-A", cwd=bare)
    git("commit", "--quiet", "--no-verify", "-m", "Generated", cwd=bare)
    piped = run(bare, "uv", "run", "--frozen", "nox", "-s", "pipeline")
    line = next(line for line in piped.stdout.splitlines() if "run recorded in" in line)
    run_id = Path(line.split()[-1]).parent.name
    charter = [bare / ".venv/bin/python", "-m", "charter"]
    run(bare, *charter, "card", "sync", MODEL, "--run", run_id)
    card = bare / f"governance/models/{MODEL}/card.md"
    card.write_text(re.sub(r"TODO\([a-z-]+\):\s*", "", card.read_text()))
    run(bare, *charter, "docs")
    commit(bare, "Run, card")
    approved = scratch / "with"
    shutil.copytree(bare, approved, symlinks=True, ignore=shutil.ignore_patterns(".venv"))
    run(approved, "uv", "sync", "--locked", "--quiet")
    charter = [approved / ".venv/bin/python", "-m", "charter"]
    keys = {}
    lines = []
    for name, role in PEOPLE.items():
        keys[name] = scratch / "keys" / name
        keys[name].parent.mkdir(exist_ok=True)
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", keys[name]],
            check=True,
        )
        kind, base64 = keys[name].with_name(name + ".pub").read_text().split()[:2]
        lines.append(
            f'{name}@example.com,role:{role} namespaces="charter-approval,charter-bundle" '
            f"{kind} {base64}\n"
        )
    approvers = approved / "governance/approvers"
    approvers.write_text(approvers.read_text() + "".join(lines))
    commit(approved, "Approvers")
    role = PEOPLE["alice"]
    run(approved, *charter, "approve", MODEL, "--stage", "review", "--role", role,
        "--key", keys["alice"])  # fmt: skip
    run(approved, *charter, "new", "deployment", MODEL, "--env", "production")
    for name, role in PEOPLE.items():
        run(approved, *charter, "approve", MODEL, "--stage", "production", "--role", role,
            "--key", keys[name])  # fmt: skip
    run(approved, *charter, "docs")
    commit(approved, "Approved")
    run(approved, *charter, "check", "--stage", "production")  # green, or the bench is moot
    return bare, approved, run_id, keys


def timed(project: Path, *args: str | Path, check: bool = True) -> float:
    python = project / ".venv/bin/python"
    return seconds(lambda: run(project, python, "-m", "charter", *args, check=check))


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def signature_costs(approved: Path, runs: int) -> dict[str, Summary]:
    """One approval's signature: sshsig in this process beside one ssh-keygen process."""
    import sshsig  # noqa: PLC0415

    approval = approved / f"governance/approvals/{MODEL}/production-product_owner-1.yaml"
    body, sig = approval.read_bytes(), Path(f"{approval}.sig").read_bytes()
    sshsig.check_signature(body, sig, "charter-approval")  # imports and warms
    allowed = approved / "governance/approvers"
    command = [
        *("ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", "role:product_owner"),
        *("-n", "charter-approval", "-s", f"{approval}.sig"),
    ]
    python, keygen = [], []
    for _ in range(runs):
        python.append(seconds(lambda: sshsig.check_signature(body, sig, "charter-approval")))
        keygen.append(
            seconds(lambda: subprocess.run(command, input=body, capture_output=True, check=True))
        )
    return {"sshsig": Summary(tuple(python)), "ssh-keygen": Summary(tuple(keygen))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    add_results_option(parser)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="charter-approval-bench-") as folder:
        scratch = Path(folder)
        started = time.perf_counter()
        bare, approved, run_id, keys = prepare(scratch)
        setup = time.perf_counter() - started
        cases = {
            "check, no approvals": (bare, ("check",), True),
            "check --stage production, no approvals (fails APR006)": (
                bare,
                ("check", "--stage", "production"),
                False,
            ),
            "check, with approvals": (approved, ("check",), True),
            "check --stage production, with approvals": (
                approved,
                ("check", "--stage", "production"),
                True,
            ),
        }
        samples: dict[str, list[float]] = {name: [] for name in cases}
        bundle, verify = [], []
        for project, command, ok in cases.values():
            timed(project, *command, check=ok)  # warm the content cache and bytecode
        sizes = (0, 0)
        for i in range(args.runs):
            for name, (project, command, ok) in cases.items():
                samples[name].append(timed(project, *command, check=ok))
            out = scratch / f"bundle-{i}"
            bundle.append(timed(approved, "bundle", run_id, "--out", out, "--key", keys["bob"]))
            verify.append(timed(approved, "bundle", "verify", out))
            sizes = folder_size(out)
        signatures = signature_costs(approved, args.runs * 3)
        load_after = os.getloadavg()
        summaries = {name: Summary(tuple(values)) for name, values in samples.items()}
        base = summaries["check, no approvals"].median
        check_rows = [
            [name, *summary.cells(), f"{summary.median / base:.2f}x"]
            for name, summary in summaries.items()
        ]
        bundle_rows = [
            ["charter bundle RUN --out NEW", *Summary(tuple(bundle)).cells()],
            ["charter bundle verify", *Summary(tuple(verify)).cells()],
        ]
        sig_rows = [
            [name, f"{s.median * 1000:.1f} ms", f"{s.low * 1000:.1f} ms", f"{s.high * 1000:.1f} ms"]
            for name, s in signatures.items()
        ]
        sections = [
            f"Default project, run `{run_id}`; medians of {args.runs} runs, cases taking turns, "
            f"content cache warm. Setting the two projects up took {setup:.0f} s.",
            "### charter check",
            table(["command", "median", "min", "max", "vs check, no approvals"], check_rows),
            "### Audit bundle",
            table(["command", "median", "min", "max"], bundle_rows),
            f"The bundle: {sizes[0]} files, {sizes[1]:,} bytes.",
            "### One signature checked",
            table(["how", "median", "min", "max"], sig_rows),
            f"Load average (1, 5, 15 min) before: {', '.join(f'{v:.2f}' for v in load_before)}; "
            f"after: {', '.join(f'{v:.2f}' for v in load_after)} (2 cores, shared).",
        ]
        path = write_result(
            "approval_speed", "Sign-offs and audit bundles", sections, machine_facts(), args.results
        )
        print(path.read_text())


if __name__ == "__main__":
    sys.exit(main())
