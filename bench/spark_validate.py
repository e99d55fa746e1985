"""The same contract on Spark local mode, beside polars, and how both grow with rows.

Usage: python bench/spark_validate.py [--rows N] [--growth N,N,...] [--runs N]

Needs the spark extra and Java 17: `uv sync --extra spark` (pyspark, pandera's
pyspark backend). Reuses bench/validate_speed.py's seeded Parquet file of the
worked example's 12 columns and its contract, then times, each case in its own
process (so peak memory is its own):

- a bare Spark read of the file (`spark.read.parquet` written to Spark's `noop`
  sink, which reads every column of every row), the floor on Spark;
- `charter.validation.validate(..., engine="spark")` on Spark local mode (local[2]);
- `charter.validation.validate(...)` on polars, the same file and contract.

Work = median seconds after the SparkSession started (its start-up is reported
apart); peak memory of the driver = the child's Python plus the JVM that Spark
local mode runs in (their VmHWM), because in local mode the driver is the whole
engine. Growth: the Spark and polars validations at each of --growth row counts.
Writes bench/results/spark_validate.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness.machine import REPO, machine_facts
from harness.report import add_results_option, table, write_result
from validate_speed import contract, generate

WORK = REPO / "bench" / ".work" / "spark"
RATIO_TARGET = 1.5  # growth: time per row at the largest size at most this x the smallest's


def _vm_hwm(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _descendants(pid: int) -> list[int]:
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        path = Path(f"/proc/{parent}/task/{parent}/children")
        children = [int(c) for c in path.read_text().split()] if path.exists() else []
        found += children
        frontier += children
    return found


def driver_peak_mib() -> float:
    """Peak resident memory of this process and every process it started (the JVM)."""
    import os  # noqa: PLC0415

    me = os.getpid()
    return sum(_vm_hwm(pid) for pid in [me, *_descendants(me)])


def _spark():
    from charter.validation.spark_session import session  # noqa: PLC0415

    started = time.perf_counter()
    spark = session()
    return spark, time.perf_counter() - started


def case_spark_read(parquet: str, _contract: str) -> dict:
    spark, startup = _spark()
    started = time.perf_counter()
    spark.read.parquet(parquet).write.format("noop").mode("overwrite").save()
    seconds = time.perf_counter() - started
    rows = spark.read.parquet(parquet).count()
    return {"seconds": seconds, "startup": startup, "detail": f"{rows} rows read"}


def case_spark(parquet: str, contract_path: str) -> dict:
    from charter.validation import validate  # noqa: PLC0415

    spark, startup = _spark()
    started = time.perf_counter()
    report = validate(parquet, contract_path, engine="spark", spark=spark)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "startup": startup, "detail": _verdict(report)}


def case_polars(parquet: str, contract_path: str) -> dict:
    from charter.validation import validate  # noqa: PLC0415

    started = time.perf_counter()
    report = validate(parquet, contract_path)
    return {"seconds": time.perf_counter() - started, "startup": 0.0, "detail": _verdict(report)}


def _verdict(report) -> str:
    if report.ok:
        return "valid"
    return f"{len(report.failures)} failing check(s): " + "; ".join(
        f"{f.column} {f.check}" for f in report.failures
    )


CASES = {"spark_read": case_spark_read, "spark": case_spark, "polars": case_polars}


def run_child(case: str, parquet: Path, contract_path: Path) -> dict:
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--case", case, str(parquet), str(contract_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise SystemExit(f"case {case} on {parquet} failed:\n{child.stderr[-3000:]}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - started
    return result


def measure(case: str, parquet: Path, contract_path: Path, runs: int) -> dict:
    samples = [run_child(case, parquet, contract_path) for _ in range(runs)]
    return {
        "seconds": statistics.median(s["seconds"] for s in samples),
        "startup": statistics.median(s["startup"] for s in samples),
        "peak_mib": max(s["peak_mib"] for s in samples),
        "process": statistics.median(s["process"] for s in samples),
        "detail": samples[0]["detail"],
    }


def dataset(rows: int) -> tuple[Path, Path]:
    parquet = WORK / f"patients-{rows}.parquet"
    if not parquet.exists():
        generate(parquet, rows)
    contract_path = WORK / f"patients-{rows}.odcs.yaml"
    contract_path.write_text(json.dumps(contract(parquet)))  # JSON is YAML
    return parquet, contract_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--growth", default="1000000,10000000,50000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", nargs=3, help=argparse.SUPPRESS)
    add_results_option(parser)
    args = parser.parse_args()
    if args.case:
        result = CASES[args.case[0]](args.case[1], args.case[2])
        result["peak_mib"] = driver_peak_mib()
        print(json.dumps(result))
        return
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    growth = sorted({int(n) for n in args.growth.split(",") if n} | {args.rows})
    parquet, contract_path = dataset(args.rows)
    size_mb = parquet.stat().st_size / 1e6
    read = measure("spark_read", parquet, contract_path, args.runs)
    spark = measure("spark", parquet, contract_path, args.runs)
    polars = measure("polars", parquet, contract_path, args.runs)
    rows_text = f"{args.rows:,}"

    def row(label: str, result: dict, floor: float) -> list[str]:
        return [
            label,
            rows_text,
            f"{result['seconds']:.2f} s",
            f"{result['seconds'] / floor:.2f}x",
            f"{result['peak_mib']:.0f} MiB",
            f"{result['startup']:.1f} s" if result["startup"] else "",
            f"{result['process']:.1f} s",
            result["detail"],
        ]

    floor = read["seconds"]
    comparison = table(
        ["what", "rows", "work", "vs Spark read", "driver peak", "session start", "process",
         "result"],
        [
            row("bare Spark read (`noop` sink, every column)", read, floor),
            row("`validate(..., engine=\"spark\")`, local[2]", spark, floor),
            row("`validate(...)` on polars, the same file", polars, floor),
        ],
    )  # fmt: skip
    facts = machine_facts()
    facts.update(
        {
            "java": subprocess.run(
                ["java", "-version"], capture_output=True, text=True, check=False
            ).stderr.splitlines()[0],
            "pyspark": _version("pyspark"),
            "pandera": _version("pandera"),
            "polars": _version("polars"),
        }
    )
    head = [
        f"{rows_text} rows x 12 columns (bench/validate_speed.py's seeded data and contract: "
        f"unique ids with a pattern, ranges, an enum-like invalidValues rule, rowCount), "
        f"Parquet {size_mb:.0f} MB, page cache warm. Each case runs in its own process, "
        f"{args.runs} run(s), medians. Spark runs in local mode (`local[2]`, driver memory "
        "2g); work excludes the SparkSession's start-up, shown apart; driver peak = the "
        "Python process plus the JVM it started.",
        "### Spark local mode against polars and a bare Spark read",
        comparison,
        f"**Spark validation: {spark['seconds'] / floor:.2f}x a bare Spark read of the file, "
        f"{spark['seconds'] / polars['seconds']:.1f}x polars on one machine.** Spark pays for "
        "its JVM and scheduling here; it is the engine for data that does not fit one "
        "machine, where polars cannot run at all.",
        "### Growth with rows (one run per size beyond the main one)",
    ]
    tail = ["Reproduce: `uv sync --extra spark`, then `uv run python bench/spark_validate.py`."]
    growth_rows: list[list[str]] = []
    per_row: dict[str, list[float]] = {"spark": [], "polars": []}
    measured: list[int] = []
    for count in growth:
        data, spec = dataset(count)
        if count == args.rows:
            timings = {"spark": spark, "polars": polars}
        else:
            timings = {name: measure(name, data, spec, 1) for name in ("spark", "polars")}
        measured.append(count)
        for name, result in timings.items():
            per_row[name].append(result["seconds"] / count)
        growth_rows.append(
            [f"{count:,}"]
            + [f"{timings[n]['seconds']:.2f} s" for n in ("spark", "polars")]
            + [f"{timings[n]['peak_mib']:.0f} MiB" for n in ("spark", "polars")]
            + [f"{timings['spark']['seconds'] / timings['polars']['seconds']:.1f}x"]
        )
        growth_text = table(
            ["rows", "Spark validate", "polars validate", "Spark driver peak", "polars peak",
             "Spark / polars"],
            growth_rows,
        )  # fmt: skip
        verdicts = []
        for name, values in per_row.items():
            ratio = values[-1] / values[0]
            met = "at most linear" if ratio <= RATIO_TARGET else "worse than linear"
            verdicts.append(
                f"{name}: {ratio:.2f}x the time per row at {measured[-1]:,} rows as at "
                f"{measured[0]:,} ({met})"
            )
        pending = [f"{n:,}" for n in growth if n not in measured]
        note = f" Not measured yet: {', '.join(pending)} rows." if pending else ""
        growth_sections = [growth_text, "; ".join(verdicts) + "." + note]
        path = write_result(
            "spark_validate", "Spark validation speed", head + growth_sections + tail, facts,
            args.results,
        )  # fmt: skip
    print(path.read_text())


def _version(name: str) -> str:
    from importlib import metadata  # noqa: PLC0415

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


if __name__ == "__main__":
    main()
