"""What `charter lineage export` of one run costs: building, checking, writing, sending.

Usage: python bench/lineage_speed.py [--runs N] [--results DIR]

A throw-away git project shaped like the template's pipeline (five DVC stages:
ingest, validate, features, train, evaluate; the worked example's contract
with a team; a catalog of 10 features read from it; a validation record) is
recorded once with `charter.runtime.record_run`, which also writes the run's
`lineage.json` (12 events). Then, --runs times (default 5), cases taking
turns: the events built in this process (`lineage.build`, schema check
included, and again with the check skipped, to show what checking costs);
and the command as a user runs it, in a new process: `--to file --rebuild`
(build from the manifest and write), `--to console` (the recorded events,
read and checked) and `--to http --rebuild` to a receiver on 127.0.0.1; beside them, a new
process that only imports openlineage-python, the floor any user of the
library pays.
Medians of wall and CPU time (user + system of the child). Writes
bench/results/lineage_speed.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from harness.machine import machine_facts
from harness.report import add_results_option, table, write_result
from harness.templates import clean_env, git

from charter import runtime
from charter.fingerprint import fingerprint
from charter.project import Project
from charter.runs import lineage

CONTRACT = Path(__file__).resolve().parents[1] / "tests" / "package" / "data" / "patients.odcs.yaml"
COLUMNS = ["age", "sex", "bmi", "bp", "s1", "s2", "smoker", "visit", "progression", "patient_id"]


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def make_project(root: Path) -> None:
    """The template's five stages, as after `dvc repro`, committed; dvc.lock beside it."""
    for folder in (
        "src/clinic",
        "data/raw",
        "data/interim",
        "data/processed",
        "artifacts",
        "configs",
        "governance/contracts",
        "governance/features",
    ):
        (root / folder).mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "clinic"\n[tool.charter]\n')
    (root / "uv.lock").write_text("version = 1\n")
    (root / ".gitignore").write_text("/data/\n/artifacts/\n")
    contract = root / "governance/contracts/patients.odcs.yaml"
    shutil.copy(CONTRACT, contract)
    contract.write_text(
        contract.read_text() + "team:\n  - username: owner@example.org\n    role: owner\n"
    )
    features = [
        {
            "name": f"{column}_f",
            "version": 1,
            "entity": "patient",
            "joinKeys": ["patient_id"],
            "dtype": "float64",
            "owner": "@data",
            "status": "active",
            "description": f"{column} as a feature",
            "sources": [{"contract": "patients", "property": column}],
        }
        for column in COLUMNS
    ]
    catalog = {"apiVersion": "charter/v1", "kind": "FeatureCatalog", "features": features}
    (root / "governance/features/catalog.yaml").write_text(yaml.safe_dump(catalog, sort_keys=False))
    (root / "configs/pipeline.yaml").write_text("seeds:\n  split: 3\nmodel:\n  alpha: 1.0\n")
    for stage in ("ingest", "validate", "features", "train", "evaluate"):
        (root / f"src/clinic/{stage}.py").write_text(f'"""{stage}"""\n')
    raw = root / "data/raw/patients.csv"
    raw.write_text("patient_id,age\n" + "".join(f"P{i:04d},{20 + i % 60}\n" for i in range(1000)))
    validated = {
        "input": "data/raw/patients.csv",
        "engine": "polars",
        "fingerprint": fingerprint(raw),
        "rows": 1000,
        "contract": {"id": "patients", "version": "1.0.0"},
    }
    (root / "data/interim/patients.validated.json").write_text(json.dumps(validated))
    (root / "data/processed/features.parquet").write_bytes(os.urandom(4096))
    (root / "artifacts/model.json").write_text('{"alpha": 1.0}\n')
    (root / "artifacts/metrics.json").write_text('{"r2": 0.41, "rmse": 52.3}\n')
    contracts = {"data/raw/patients.csv": "governance/contracts/patients.odcs.yaml"}
    cat = "governance/features/catalog.yaml"
    plan = {
        "ingest": ([], ["data/raw/patients.csv"], None),
        "validate": (["data/raw/patients.csv"], ["data/interim/patients.validated.json"], None),
        "features": (
            ["data/raw/patients.csv", "data/interim/patients.validated.json", cat],
            ["data/processed/features.parquet"],
            None,
        ),
        "train": (["data/processed/features.parquet", cat], ["artifacts/model.json"], ["scorer"]),
        "evaluate": (["artifacts/model.json", "data/processed/features.parquet"], [], None),
    }
    stages, locked = {}, {}
    entry = lambda p: {"path": p, "md5": _md5(root / p), "size": (root / p).stat().st_size}  # noqa: E731
    for name, (deps, outs, models) in plan.items():
        code = f"src/clinic/{name}.py"
        meta = {"contracts": contracts} | ({"models": models} if models else {})
        stages[name] = {
            "cmd": f"python -m clinic.{name}",
            "deps": [code, *deps],
            "params": [{"configs/pipeline.yaml": ["seeds", "model"]}],
            "outs": outs,
            "meta": {"charter": meta},
        }
        locked[name] = {
            "cmd": f"python -m clinic.{name}",
            "deps": [entry(p) for p in [code, *deps]],
            "params": {"configs/pipeline.yaml": {"seeds": {"split": 3}, "model": {"alpha": 1.0}}},
            "outs": [entry(p) for p in outs],
        }
        if name == "evaluate":
            stages[name]["metrics"] = ["artifacts/metrics.json"]
            locked[name]["outs"] = [entry("artifacts/metrics.json")]
    (root / "dvc.yaml").write_text(yaml.safe_dump({"stages": stages}, sort_keys=False))
    git("init", "--quiet", "--initial-branch=main", cwd=root)
    git("config", "user.name", "Bench", cwd=root)
    git("config", "user.email", "bench@example.org", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "clinic", cwd=root)
    (root / "dvc.lock").write_text(
        yaml.safe_dump({"schema": "2.0", "stages": locked}, sort_keys=False)
    )


class _Receiver(BaseHTTPRequestHandler):
    count = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).count += 1
        self.send_response(201)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process; CPU is its user + system time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_process(project: Project, manifest, *, checked: bool) -> tuple[float, float]:
    original = lineage.check
    if not checked:
        lineage.check = lambda event: None
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        lineage.dumps(lineage.build(project, manifest))
        return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        lineage.check = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions (default 5)")
    add_results_option(parser)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory(prefix="lineage-speed-") as scratch:
        root = Path(scratch) / "clinic"
        make_project(root)
        started = time.perf_counter()
        runtime.record_run(root, run_id="r1")
        recording = time.perf_counter() - started
        events = (root / "runs/r1/lineage.json").read_text().splitlines()
        project = Project.load(root)
        [manifest] = project.manifests
        in_process(project, manifest, checked=True)  # imports and schema registry, once
        python = [
            sys.executable,
            "-m",
            "charter",
            "lineage",
            "export",
            "r1",
            "--project",
            str(root),
        ]
        cases = {
            "`--to file --rebuild` (build, check, write)": [*python, "--to", "file", "--rebuild"],
            "`--to console` (the recorded events, read and checked)": [*python, "--to", "console"],
            "`--to http --rebuild` (build, check, POST 127.0.0.1)": [
                *python,
                "--to",
                "http",
                "--url",
                url,
                "--rebuild",
            ],
            "`import openlineage.client` alone (the floor: the library's import)": [
                sys.executable,
                "-c",
                "import openlineage.client",
            ],
        }
        env = clean_env()
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "pycache")
        for case in cases.values():
            timed(case, env)
        samples: dict[str, list[tuple[float, float]]] = {}
        load_before = os.getloadavg()
        for _ in range(args.runs):
            samples.setdefault("in process: `lineage.build`, checked", []).append(
                in_process(project, manifest, checked=True)
            )
            samples.setdefault("in process: `lineage.build`, check skipped", []).append(
                in_process(project, manifest, checked=False)
            )
            for name, case in cases.items():
                samples.setdefault(f"new process: {name}", []).append(timed(case, env))
        load_after = os.getloadavg()
        startup = [
            timed([sys.executable, "-m", "charter", "--version"], env) for _ in range(args.runs)
        ]
        size = (root / "runs/r1/lineage.json").stat().st_size
    server.shutdown()
    rows = []
    for name, values in samples.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        rows.append([name, f"{wall * 1000:.0f} ms", f"{cpu * 1000:.0f} ms"])
    checked = statistics.median(w for w, _ in samples["in process: `lineage.build`, checked"])
    skipped = statistics.median(w for w, _ in samples["in process: `lineage.build`, check skipped"])
    sections = [
        f"One run of a five-stage pipeline (the template's stages; 1 input with its contract, "
        f"4 outputs, 10 catalog features): {len(events)} events, {size:,} bytes of "
        f"`lineage.json`. Recording the run with `runtime.record_run` (manifest and events) took "
        f"{recording:.2f} s. Medians of {args.runs}, cases taking turns; a new process's CPU is "
        "its user + system time; the receiver got every POST "
        f"({_Receiver.count} events in all).",
        table(["case", "wall (median)", "CPU (median)"], rows),
        f"**Building and checking the events: {checked * 1000:.0f} ms in process "
        f"(schema checks {max(checked - skipped, 0) * 1000:.0f} ms of it, ratio "
        f"{checked / skipped:.2f}x the unchecked build).** `charter --version` alone "
        f"(interpreter start-up): {statistics.median(w for w, _ in startup):.2f} s wall.",
        "Load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.2f}" for x in load_after)
        + f" ({os.cpu_count()} cores, shared).",
    ]
    path = write_result(
        "lineage_speed", "Lineage export of one run", sections, machine_facts(), args.results
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
