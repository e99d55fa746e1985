"""How long `charter check` takes: on every commit (default project) and at scale.

Usage: python bench/check_speed.py [--runs N] [--datacontract PYTHON] [--previous FILE ...]

1. The default generated project (rendered from a tagged clone of the working
   tree): wall time of `python -m charter check`, with the content cache warm
   (the usual commit: files unchanged since the last check) and off
   (`CHARTER_NO_CACHE=1`: every schema validation and the huggingface_hub card
   check done for real). Import time from `python -X importtime`.
2. A synthetic large project: 100 contracts x 100 properties, 2,000 features,
   50 model cards, checked the same two ways.
3. `datacontract lint` (datacontract-cli, the tool a team would otherwise use)
   on the same 100 contracts, from the environment `uv sync --group bench`
   builds (pass its python with --datacontract): the CLI on one contract, and
   its Python API over all 100 contracts in one process.

`CHARTER_TEMPLATE_CHECK_TTL=-1` turns off the template-version rules (PRJ010,
PRJ011) in every timed run: they ask `copier check-update` at most once a day
and cache the answer in .git/, so they cost nothing on a typical commit.
Python writes its bytecode in every timed run (`PYTHONDONTWRITEBYTECODE` is
dropped), as on a newcomer's machine from the second command on.

Writes bench/results/check_speed.md. The medians of the result file it
replaces (and of any `--previous` files, older first) are kept beside the new
ones, with their commit, date and load average, and the ratio to each.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from harness.machine import machine_facts
from harness.report import add_results_option, table, write_result
from harness.templates import clone_working_tree, copy_project
from harness.timing import Summary, seconds

DEFAULT_TARGET = 0.15
LARGE_TARGET = 1.0
ROWS = {
    "default warm": "default project, cache warm (a typical commit)",
    "default off": "default project, cache off (every check for real)",
    "large warm": "large project, cache warm",
    "large off": "large project, cache off",
}
"""Short name -> the row of the results table whose median the history keeps."""
HISTORY_TITLE = "### Beside the earlier recordings (medians)"
CONTRACTS, PROPERTIES, FEATURES, CARDS = 100, 100, 2000, 50


def charter_env(cache: bool, cache_dir: Path) -> dict[str, str]:
    env = {**os.environ, "CHARTER_TEMPLATE_CHECK_TTL": "-1", "XDG_CACHE_HOME": str(cache_dir)}
    env["CHARTER_NO_CACHE"] = "0" if cache else "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_check(project: Path, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "charter", "check"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"charter check failed in {project}:\n{result.stdout}{result.stderr}")


def time_check(project: Path, runs: int, cache: bool, cache_dir: Path) -> Summary:
    env = charter_env(cache, cache_dir)
    if cache:
        run_check(project, env)  # fill the cache, as the previous commit did
    return Summary(tuple(seconds(lambda: run_check(project, env)) for _ in range(runs)))


def import_times(project: Path, cache_dir: Path) -> tuple[float, list[tuple[str, float]]]:
    """Total import seconds and the slowest top-level imports of one warm run."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "charter", "check"],
        cwd=project,
        env=charter_env(True, cache_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    top: list[tuple[str, float]] = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if match and not match.group(2).startswith(" "):
            top.append((match.group(2).strip(), int(match.group(1)) / 1e6))
    return sum(t for _, t in top), sorted(top, key=lambda x: -x[1])[:8]


# --------------------------------------------------------------- large project


def contract_text(index: int) -> str:
    props = []
    for p in range(PROPERTIES):
        name = "row_id" if p == 0 else f"m{p:03d}"
        lines = [
            f"      - name: {name}",
            f"        description: Measurement {p} of dataset {index}.",
            f"        logicalType: {'string' if p == 0 else 'number'}",
            f"        required: {'true' if p % 2 == 0 else 'false'}",
            "        classification: confidential",
        ]
        if p == 0:
            lines += ["        primaryKey: true", "        unique: true"]
        lines.append("        customProperties:")
        if p:
            lines += ["          - property: unit", "            value: mg/dL"]
        pii = "quasi-identifier" if p % 10 == 1 else "none"
        anonymization = "generalization" if pii != "none" else "none"
        lines += [
            "          - property: piiCategory",
            f"            value: {pii}",
            "          - property: anonymization",
            f"            value: {anonymization}",
            "          - property: missingValues",
            f"            value: {'reject' if p % 2 == 0 else 'impute-median'}",
        ]
        props.append("\n".join(lines))
    head = textwrap.dedent(
        f"""\
        apiVersion: v3.1.0
        kind: DataContract
        id: dataset_{index:03d}
        name: Dataset {index}
        version: 1.0.0
        status: active
        team:
          name: Data team
          members:
            - username: "@owner"
              role: owner
        schema:
          - name: records
            logicalType: object
            properties:
        """
    )
    return head + "\n".join(props) + "\n"


def feature_entry(index: int) -> str:
    contract, prop = index % CONTRACTS, 1 + index % (PROPERTIES - 1)
    personal = prop % 10 == 1
    return textwrap.indent(
        textwrap.dedent(
            f"""\
            - name: f{index:04d}
              version: 1
              entity: record
              joinKeys: [row_id]
              dtype: float64
              owner: "@model-owner"
              status: active
              description: Feature {index}.
              rationale: Feature {index} carries its source column's signal.
              sources:
                - contract: dataset_{contract:03d}
                  property: m{prop:03d}
              transform:
                ref: bench_project.features:f{index:04d}
            """
        )
        + ("  anonymization: generalization\n" if personal else ""),
        "  ",
    )


def card_text(index: int) -> str:
    features = "\n".join(f"    - f{(index * 40 + k) % FEATURES:04d}@1" for k in range(40))
    sections = "\n\n".join(
        f"## {title}\n\nText."
        for title in (
            "Model Details",
            "Intended Use",
            "Factors",
            "Metrics",
            "Evaluation Data",
            "Training Data",
            "Quantitative Analyses",
            "Ethical Considerations",
            "Caveats and Recommendations",
        )
    )
    return (
        f"---\nlicense: mit\nmodel-index:\n  - name: model_{index:02d}\n    results:\n"
        "      - task:\n          type: tabular-regression\n        dataset:\n"
        f"          type: dataset_{index:03d}\n          name: Dataset\n        metrics:\n"
        "          - type: r2\n            value: 0.5\n"
        'governance:\n  apiVersion: charter/v1\n  owner: "@model-owner"\n'
        f"  features:\n{features}\n  contracts:\n    - dataset_{index:03d}\n"
        f"  run_manifest: null\n---\n\n# Model {index}\n\n{sections}\n"
    )


def decision_text(index: int) -> str:
    """The decision record behind card `index` (DEC005): its model and exactly its features."""
    features = "\n".join(f"  - f{(index * 40 + k) % FEATURES:04d}@1" for k in range(40))
    sections = "\n\n".join(
        f"## {title}\n\nText."
        for title in ("Context and Problem Statement", "Considered Options", "Decision Outcome")
    )
    return (
        f'---\nstatus: accepted\ndate: 2026-12-07\ndecision-makers:\n  - "@model-owner"\n'
        f"models: [model_{index:02d}]\nfeatures:\n{features}\nruns: []\n---\n\n"
        f"# Choose model {index}\n\n{sections}\n\n### Consequences\n\n* Good.\n"
    )


def build_large_project(root: Path) -> Path:
    (root / "governance/contracts").mkdir(parents=True)
    (root / "governance/features").mkdir(parents=True)
    (root / "src/bench_project").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "bench-project"\n\n[tool.charter]\n')
    for i in range(CONTRACTS):
        (root / f"governance/contracts/dataset_{i:03d}.odcs.yaml").write_text(contract_text(i))
    catalog = "apiVersion: charter/v1\nkind: FeatureCatalog\nfeatures:\n"
    catalog += "".join(feature_entry(i) for i in range(FEATURES))
    (root / "governance/features/catalog.yaml").write_text(catalog)
    (root / "src/bench_project/__init__.py").write_text("")
    functions = "".join(f"def f{i:04d}(x):\n    return x\n\n\n" for i in range(FEATURES))
    (root / "src/bench_project/features.py").write_text(functions)
    for i in range(CARDS):
        card = root / f"governance/models/model_{i:02d}/card.md"
        card.parent.mkdir(parents=True)
        card.write_text(card_text(i))
        record = root / f"governance/decisions/{i + 1:04d}-choose-model-{i:02d}.md"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(decision_text(i))
    return root


def cold_breakdown(root: Path) -> list[list[str]]:
    """Where a cold check of `root` spends its time, measured in this process.

    The cyclic garbage collector is paused, as `charter check` pauses it.
    """
    gc.disable()
    os.environ["CHARTER_NO_CACHE"] = "1"
    os.environ["CHARTER_TEMPLATE_CHECK_TTL"] = "-1"
    from charter.formats import schema  # noqa: PLC0415 - after the cache is turned off
    from charter.project import Project  # noqa: PLC0415
    from charter.rules import check  # noqa: PLC0415

    project: list[Project] = []
    load = seconds(lambda: project.append(Project.load(root)))
    contracts = project[0].contracts

    def validate_all() -> None:
        for contract in contracts:
            schema.validate(contract.document, schema.ODCS_SCHEMAS[contract.api_version])

    validation = seconds(validate_all)
    rules = seconds(lambda: check(project[0]))
    return [
        [
            "read and parse every artifact (libyaml events, positions only for findings)",
            f"{load:.2f} s",
        ],
        [
            "validate the contracts against the official ODCS schema (jsonschema-rs first)",
            f"{validation:.2f} s",
        ],
        ["all rules (schema validation included again)", f"{rules:.2f} s"],
    ]


# ------------------------------------------------------------------- history


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def recording(text: str) -> list[dict[str, str]]:
    """The recordings a result file holds: its earlier ones, then its own."""
    earlier: list[dict[str, str]] = []
    own: dict[str, str] = {}
    lines = text.splitlines()
    in_history = False
    header: list[str] = []
    for line in lines:
        if line.startswith("### "):
            in_history = line == HISTORY_TITLE
            header = []
            continue
        if not line.startswith("|"):
            in_history = in_history and not header  # the history table has ended
            continue
        if line.startswith("|---"):
            continue
        cells = _cells(line)
        if in_history:
            if not header:
                header = cells
            elif cells[0] != "now":  # the ratios are to that file's "now": drop them
                cells = [cell.split(" (")[0] for cell in cells]
                earlier.append(dict(zip(header, cells, strict=False)))
            continue
        for short, label in ROWS.items():
            if cells[0] == label:
                own[short] = cells[1]
        if cells[0] in ("charter", "date (UTC)", "load average (1, 5, 15 min)"):
            own[cells[0]] = cells[1].strip("`")
    if not own.get("charter"):
        return earlier
    entry = {
        "charter": own["charter"],
        "date (UTC)": own.get("date (UTC)", ""),
        "load (1 min)": own.get("load average (1, 5, 15 min)", "").split(",")[0],
    }
    entry.update({short: own.get(short, "") for short in ROWS})
    return [*earlier, entry]


def _value(cell: str) -> float | None:
    match = re.fullmatch(r"(\d+\.\d+) s", cell.strip())
    return float(match.group(1)) if match else None


def history_table(earlier: list[dict[str, str]], now: dict[str, str]) -> str:
    """Earlier medians beside the new ones; each ratio is earlier / now (above 1: faster)."""
    header = ["recording", "charter", "date (UTC)", "load (1 min)", *ROWS]
    rows = []
    for entry in [*earlier, now]:
        cells = [entry.get(short, "") for short in ROWS]
        if entry is not now:
            for i, short in enumerate(ROWS):
                before, after = _value(entry.get(short, "")), _value(now[short])
                if before and after:
                    cells[i] += f" ({before / after:.1f}x)"
        label = "now" if entry is now else "earlier"
        rows.append([label, *(entry.get(k, "") for k in header[1:4]), *cells])
    return table(header, rows)


def earlier_recordings(paths: list[Path]) -> list[dict[str, str]]:
    """Every recording of `paths` in order, each once (by commit and date)."""
    seen: set[tuple[str, str]] = set()
    result = []
    for path in paths:
        if not path.is_file():
            continue
        for entry in recording(path.read_text(encoding="utf-8")):
            key = (entry.get("charter", ""), entry.get("date (UTC)", ""))
            if key not in seen:
                seen.add(key)
                result.append(entry)
    return result


# ------------------------------------------------------------- datacontract lint

DATACONTRACT_LOOP = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from datacontract.data_contract import DataContract
imported = time.perf_counter()
failed = 0
for path in sorted(Path(sys.argv[1]).glob("*.odcs.yaml")):
    run = DataContract(data_contract_file=str(path)).lint()
    failed += str(run.result) not in ("passed", "ResultEnum.passed")
print(imported - start, time.perf_counter() - imported, failed)
"""


def time_datacontract(python: str, contracts: Path, runs: int) -> tuple[Summary, Summary, str]:
    datacontract = Path(python).parent / "datacontract"
    one = sorted(contracts.glob("*.odcs.yaml"))[0]
    cli = Summary(
        tuple(
            seconds(
                lambda: subprocess.run(
                    [str(datacontract), "lint", str(one)], capture_output=True, check=True
                )
            )
            for _ in range(runs)
        )
    )
    loops = []
    note = ""
    for _ in range(max(1, runs // 3)):
        out = subprocess.run(
            [python, "-c", DATACONTRACT_LOOP, str(contracts)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        loops.append(float(out[0]) + float(out[1]))
        note = f"import {float(out[0]):.2f} s, linting {float(out[1]):.2f} s, {out[2]} failed"
    return cli, Summary(tuple(loops)), note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--datacontract",
        default=None,
        metavar="PYTHON",
        help="python of an environment with datacontract-cli (uv sync --group bench)",
    )
    parser.add_argument(
        "--previous",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="an earlier check_speed.md to keep beside the new figures (older first)",
    )
    add_results_option(parser)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    earlier = earlier_recordings([*args.previous, args.results / "check_speed.md"])
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        cache_dir = base / "cache"
        template = clone_working_tree(base / "charter")
        project = copy_project(template, base / "default", {}, home=base)
        warm = time_check(project, args.runs, True, cache_dir)
        cold = time_check(project, args.runs, False, cache_dir)
        total_import, slowest = import_times(project, cache_dir)
        large = build_large_project(base / "large")
        large_runs = max(3, args.runs // 2)
        large_warm = time_check(large, large_runs, True, cache_dir)
        large_cold = time_check(large, large_runs, False, cache_dir)
        breakdown = cold_breakdown(large)
        dc_rows: list[list[str]] = []
        dc_note = "datacontract-cli not measured: pass --datacontract PYTHON (see the docstring)."
        if args.datacontract:
            cli, loop, note = time_datacontract(
                args.datacontract, large / "governance/contracts", args.runs
            )
            dc_rows = [
                ["`datacontract lint` CLI, 1 contract of 100 properties", *cli.cells(), ""],
                ["datacontract-cli API `lint()`, 100 contracts in one process", *loop.cells(), ""],
            ]
            dc_note = f"datacontract-cli in-process loop: {note}."

    medians = (warm, cold, large_warm, large_cold)
    header = ["what", "median", "min", "max", "target"]
    rows = [
        ["default project, cache warm (a typical commit)", *warm.cells(), f"{DEFAULT_TARGET} s"],
        ["default project, cache off (every check for real)", *cold.cells(), ""],
        ["large project, cache warm", *large_warm.cells(), f"{LARGE_TARGET} s"],
        [ROWS["large off"], *large_cold.cells(), f"{LARGE_TARGET} s"],
        *dc_rows,
    ]
    imports = table(
        ["module (top level)", "cumulative import"], [[f"`{m}`", f"{t:.3f} s"] for m, t in slowest]
    )
    sections = [
        f"`python -m charter check` wall time, {args.runs} runs on the default project and "
        f"{large_runs} on the large one ({CONTRACTS} contracts x {PROPERTIES} properties, "
        f"{FEATURES} features, {CARDS} model cards), template-version rules off "
        "(`CHARTER_TEMPLATE_CHECK_TTL=-1`), bytecode written (`PYTHONDONTWRITEBYTECODE` unset).",
        table(header, rows),
        dc_note,
        "### Where a cold check of the large project spends its time (one run, in process)",
        table(["step", "time"], breakdown),
        f"### Import time (`python -X importtime`, warm cache): {total_import:.3f} s in all",
        imports,
    ]
    facts = machine_facts()
    now = {
        "charter": facts["charter"],
        "date (UTC)": facts["date (UTC)"],
        "load (1 min)": facts["load average (1, 5, 15 min)"].split(",")[0],
        **{short: summary.cells()[0] for short, summary in zip(ROWS, medians, strict=True)},
    }
    if earlier:
        sections += [
            HISTORY_TITLE,
            "Each earlier median with its ratio to the new one (above 1: faster now). "
            "The machine has 2 cores shared with other agents' work: the load average "
            "says how busy it was when each recording ended.",
            history_table(earlier, now),
        ]
    if args.datacontract:
        facts["datacontract-cli"] = subprocess.run(
            [str(Path(args.datacontract).parent / "datacontract"), "--version"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    path = write_result("check_speed", "charter check speed", sections, facts, args.results)
    print(path.read_text())


if __name__ == "__main__":
    main()
