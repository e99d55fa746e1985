"""How fast a contract is enforced on data, and how fast data is fingerprinted.

Usage: python bench/validate_speed.py [--rows N] [--runs N] [--tool-runs N]
                                      [--frictionless-rows N] [--bounds-only] [--columns N ...]

Needs the bench tools: `uv sync --group bench --extra runtime` (frictionless-py,
datacontract-cli with DuckDB). Generates a seeded Parquet file of N rows (default
10 million) and the worked example's 12 columns under bench/.work/ (git-ignored),
then times, each in its own process so peak memory is its own:

- a bare polars scan of the file (`pl.scan_parquet(...).collect()`), the floor;
- `charter.validation.validate` of the file against its ODCS contract;
- `datacontract test` (datacontract-cli, DuckDB) of the same file and contract;
- frictionless-py on a CSV of the first --frictionless-rows rows (it validates
  row by row in Python; the full size would take many minutes), extrapolated
  linearly to N rows and marked as such;
- blake3 (`charter.fingerprint`), md5 and sha256 over the Parquet file;
- wide tables: `validate` of a 20-row Parquet file of --columns integer columns
  (1,000 to 5,000 by default), each with a `minimum`, to show time grows with
  the columns linearly;
- a 1.2 GB CSV validated in a child whose address space is capped at 2 GiB
  (RLIMIT_AS, as `ulimit -v 2097152`): it must report, not abort.
`--bounds-only` times just the last two (no bench tools needed) and replaces
their sections of the result, keeping the rest.

Times are medians of the runs, after imports ("work"); the process column adds
interpreter start-up and imports. Writes bench/results/validate_speed.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

from harness.machine import REPO, machine_facts
from harness.report import add_results_option, table, write_result

SEED = 20261126
WORK = REPO / "bench" / ".work" / "validate"
RATIO_TARGET = 2.0
HASH_TARGET = 5.0
CHUNK = 1 << 20
HASH_LABELS = {
    "blake3": "blake3 (`charter.fingerprint`)",
    "md5": "md5 (hashlib, 1 MiB reads)",
    "sha256": "sha256 (hashlib, 1 MiB reads)",
}

# The worked example's contract at benchmark scale: the same columns and checks,
# a row count that is not 442, and a local server for datacontract-cli.
NUMBERS = {
    "bmi": (10, 70),
    "bp": (40, 200),
    "s1": (50, 400),
    "s2": (20, 300),
    "s3": (10, 120),
    "s4": (1, 10),
    "s5": (2, 7),
    "s6": (40, 150),
}


def contract(parquet: Path) -> dict:
    def number(name: str) -> dict:
        low, high = NUMBERS[name]
        options = {"minimum": low, "maximum": high}
        return {
            "name": name,
            "logicalType": "number",
            "required": True,
            "logicalTypeOptions": options,
        }

    properties = [
        {
            "name": "patient_id",
            "logicalType": "string",
            "required": True,
            "unique": True,
            "primaryKey": True,
            "logicalTypeOptions": {"pattern": "^P[0-9]+$"},
        },
        {
            "name": "age",
            "logicalType": "integer",
            "required": True,
            "logicalTypeOptions": {"minimum": 18, "maximum": 100},
        },
        {
            "name": "sex",
            "logicalType": "integer",
            "required": True,
            "quality": [
                {"metric": "invalidValues", "arguments": {"validValues": [1, 2]}, "mustBe": 0}
            ],
        },
        *(number(name) for name in NUMBERS),
        {
            "name": "progression",
            "logicalType": "integer",
            "required": True,
            "logicalTypeOptions": {"minimum": 25, "maximum": 346},
        },
    ]
    return {
        "apiVersion": "v3.1.0",
        "kind": "DataContract",
        "id": "patients",
        "version": "1.0.0",
        "status": "active",
        "servers": [
            {"server": "local", "type": "local", "format": "parquet", "path": str(parquet)}
        ],
        "schema": [
            {
                "name": "patients",
                "physicalName": "patients",
                "properties": properties,
                "quality": [{"metric": "rowCount", "mustBeGreaterThan": 0}],
            }
        ],
    }


def stricter(document: dict) -> dict:
    """The contract with `age` capped at 50: most rows fail, so failure reporting is timed."""
    age = document["schema"][0]["properties"][1]
    age["logicalTypeOptions"]["maximum"] = 50
    return document


def table_schema() -> dict:
    """The same checks as a Frictionless Table Schema."""

    def number(name: str) -> dict:
        low, high = NUMBERS[name]
        constraints = {"required": True, "minimum": low, "maximum": high}
        return {"name": name, "type": "number", "constraints": constraints}

    def integer(name: str, low: int, high: int) -> dict:
        constraints = {"required": True, "minimum": low, "maximum": high}
        return {"name": name, "type": "integer", "constraints": constraints}

    return {
        "fields": [
            {
                "name": "patient_id",
                "type": "string",
                "constraints": {"required": True, "unique": True, "pattern": "P[0-9]+"},
            },
            integer("age", 18, 100),
            {"name": "sex", "type": "integer", "constraints": {"required": True, "enum": [1, 2]}},
            *(number(name) for name in NUMBERS),
            integer("progression", 25, 346),
        ],
        "primaryKey": ["patient_id"],
    }


def generate(path: Path, rows: int) -> None:
    """Seeded data shaped like the worked example: unique ids, values inside the contract."""
    import numpy as np  # noqa: PLC0415 - only when the file is (re)made
    import polars as pl  # noqa: PLC0415

    rng = np.random.default_rng(SEED)
    ids = pl.format("P{}", pl.int_range(1, rows + 1).cast(pl.String).str.zfill(8))
    frame = pl.select(ids.alias("patient_id")).with_columns(
        pl.Series("age", rng.integers(18, 101, rows)),
        pl.Series("sex", rng.integers(1, 3, rows)),
        *(
            pl.Series(name, np.round(rng.uniform(low + 1, high - 1, rows), 4))
            for name, (low, high) in NUMBERS.items()
        ),
        pl.Series("progression", rng.integers(25, 347, rows)),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)


# --- cases: each runs in a child process and prints {"seconds", "peak_mib", "detail"} ---


def case_scan(parquet: str) -> tuple[float, str]:
    import polars as pl  # noqa: PLC0415

    started = time.perf_counter()
    rows = pl.scan_parquet(parquet).collect().height
    return time.perf_counter() - started, f"{rows} rows"


def case_charter(parquet: str, contract_path: str) -> tuple[float, str]:
    from charter.validation import validate  # noqa: PLC0415

    started = time.perf_counter()
    report = validate(parquet, contract_path)
    elapsed = time.perf_counter() - started
    if report.ok:
        return elapsed, "valid"
    found = ", ".join(f"{f.column} {f.check}: {f.count:,} rows" for f in report.failures)
    return elapsed, f"{len(report.failures)} failing check(s), {found}"


def case_datacontract(contract_path: str) -> tuple[float, str]:
    from datacontract.data_contract import DataContract  # noqa: PLC0415

    started = time.perf_counter()
    run = DataContract(data_contract_file=contract_path, server="local").test()
    elapsed = time.perf_counter() - started
    results = [str(getattr(check.result, "value", check.result)) for check in run.checks]
    counts = {name: results.count(name) for name in sorted(set(results))}
    return elapsed, f"{len(results)} checks: " + ", ".join(f"{n} {k}" for k, n in counts.items())


def case_frictionless(csv: str, schema_path: str) -> tuple[float, str]:
    from frictionless import Resource, Schema, validate  # noqa: PLC0415

    schema = Schema.from_descriptor(json.loads(Path(schema_path).read_text()))
    data = Path(csv)  # frictionless refuses absolute paths; give it the folder as base
    started = time.perf_counter()
    report = validate(
        Resource(path=data.name, basepath=str(data.parent), schema=schema), limit_errors=1000
    )
    elapsed = time.perf_counter() - started
    errors = [error.message for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]
    return elapsed, "valid" if report.valid else f"{len(errors)} errors: {errors[:1]}"


def case_wide(columns: str) -> tuple[float, str]:
    import polars as pl  # noqa: PLC0415
    import yaml  # noqa: PLC0415

    from charter.validation import validate  # noqa: PLC0415

    count = int(columns)
    folder = WORK / f"wide-{count}"
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "wide.parquet"
    pl.DataFrame({f"c{i}": range(WIDE_ROWS) for i in range(count)}).write_parquet(data)
    properties = [
        {"name": f"c{i}", "logicalType": "integer", "required": True,
         "logicalTypeOptions": {"minimum": 0}}
        for i in range(count)
    ]  # fmt: skip
    document = contract(data)
    document["schema"][0] = {"name": "wide", "properties": properties}
    rules = folder / "wide.odcs.yaml"
    rules.write_text(yaml.safe_dump(document, sort_keys=False))
    started = time.perf_counter()
    report = validate(data, rules)
    elapsed = time.perf_counter() - started
    return elapsed, "valid" if report.ok else f"{len(report.failures)} failing check(s)"


def case_capped_csv(size: str) -> tuple[float, str]:
    """Validate a CSV of `size` bytes; run_child caps this process's address space."""
    import polars as pl  # noqa: PLC0415
    import yaml  # noqa: PLC0415

    from charter.validation import validate  # noqa: PLC0415

    data = WORK / f"visits-{size}.csv"
    if not data.exists():
        block = pl.DataFrame(
            {
                "id": range(100_000),
                "name": [f"patient-{i:06d}" for i in range(100_000)],
                "score": [float(i % 97) for i in range(100_000)],
                "visit": ["2024-01-05"] * 100_000,
            }
        ).write_csv()
        header, body = block.split("\n", 1)
        with data.open("w") as stream:
            stream.write(header + "\n")
            for _ in range(-(-int(size) // len(body))):
                stream.write(body)
    document = contract(data)
    document["schema"][0] = {"name": "visits", "properties": [
        {"name": "id", "logicalType": "integer", "required": True},
        {"name": "name", "logicalType": "string", "logicalTypeOptions": {"pattern": "^patient-"}},
        {"name": "score", "logicalType": "number", "logicalTypeOptions": {"maximum": 50}},
        {"name": "visit", "logicalType": "date"},
    ]}  # fmt: skip
    rules = WORK / "visits.odcs.yaml"
    rules.write_text(yaml.safe_dump(document, sort_keys=False))
    started = time.perf_counter()
    report = validate(data, rules)
    elapsed = time.perf_counter() - started
    found = ", ".join(f"{f.column} {f.check}: {f.count:,} rows" for f in report.failures)
    return elapsed, f"{report.rows:,} rows; {found or 'valid'}"


def case_hash(path: str, algorithm: str) -> tuple[float, str]:
    from charter.fingerprint import fingerprint  # noqa: PLC0415

    started = time.perf_counter()
    if algorithm == "blake3":
        digest = fingerprint(path)
    else:
        hasher = hashlib.new(algorithm)
        with Path(path).open("rb") as stream:
            while chunk := stream.read(CHUNK):
                hasher.update(chunk)
        digest = hasher.hexdigest()
    return time.perf_counter() - started, digest[:16]


CASES = {
    "scan": case_scan,
    "charter": case_charter,
    "datacontract": case_datacontract,
    "frictionless": case_frictionless,
    "hash": case_hash,
    "wide": case_wide,
    "capped_csv": case_capped_csv,
}
ADDRESS_SPACE = 2 << 30
CAPPED_HEADING = "### A CSV larger than half the address space"
CAPPED_BYTES = 1_200_000_000
WIDE_ROWS = 20
WIDE_HEADING = "### Wide tables"
BEFORE = (
    "Before (8a40ab4, pandera resolving the frame's schema once per column, one schema over "
    "the whole frame): 500 columns 3.4 s, 1,000 columns 10.6 to 11.2 s, 5,000 columns over 120 s."
)


def peak_mib() -> float:
    """This process's peak resident memory since exec (VmHWM; ru_maxrss counts the fork)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource  # noqa: PLC0415 - not on every platform

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _capped() -> None:
    import resource  # noqa: PLC0415 - POSIX only, and only for the capped case

    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_child(*args: str) -> tuple[float, float, float, str]:
    """Work seconds, peak RSS in MiB, process seconds, detail of one case in a new process."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--case", *args],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_capped if args[0] == "capped_csv" else None,
    )
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"case {args} failed:\n{child.stderr[-2000:]}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    return result["seconds"], result["peak_mib"], wall, result["detail"]


class Measured:
    """Medians over repeated child runs of one case."""

    def __init__(self, runs: int, *args: str) -> None:
        samples = [run_child(*args) for _ in range(runs)]
        self.runs = runs
        self.seconds = statistics.median(s[0] for s in samples)
        self.peak_mib = max(s[1] for s in samples)
        self.process = statistics.median(s[2] for s in samples)
        self.detail = samples[-1][3]


def versions() -> dict[str, str]:
    names = ("polars", "pandera", "frictionless", "datacontract-cli", "duckdb", "blake3")
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=5, help="runs of the scan and charter")
    parser.add_argument("--tool-runs", type=int, default=3, help="runs of the other tools")
    parser.add_argument("--frictionless-rows", type=int, default=200_000)
    parser.add_argument(
        "--columns", type=int, nargs="+", default=[1_000, 2_000, 5_000], help="wide-table widths"
    )
    parser.add_argument(
        "--bounds-only",
        action="store_true",
        help="time only the wide tables and the capped CSV; keep the other results",
    )
    parser.add_argument("--case", nargs="+", help=argparse.SUPPRESS)
    add_results_option(parser)
    args = parser.parse_args()
    for option in ("rows", "runs", "tool_runs", "frictionless_rows"):
        if getattr(args, option) < 1:
            parser.error(f"--{option.replace('_', '-')} must be at least 1")
    if args.frictionless_rows > args.rows:
        parser.error("--frictionless-rows must not exceed --rows")
    missing = [name for name in ("frictionless", "datacontract") if not find_spec(name)]
    if args.bounds_only and not args.case:
        path = args.results / "validate_speed.md"
        text = path.read_text() if path.exists() else ""
        for heading, section in (
            (WIDE_HEADING, wide_section(args.columns, args.runs)),
            (CAPPED_HEADING, capped_section(args.tool_runs)),
        ):
            text = with_section(text, heading, section)
            print(section)
        path.write_text(text)
        return
    if missing and not args.case:
        parser.error(
            f"needs {', '.join(missing)}: run `uv sync --group bench --extra runtime` first"
        )
    if args.case:
        name, *rest = args.case
        seconds, detail = CASES[name](*rest)
        print(json.dumps({"seconds": seconds, "peak_mib": peak_mib(), "detail": detail}))
        return

    import polars as pl  # noqa: PLC0415
    import yaml  # noqa: PLC0415

    parquet = WORK / f"patients-{args.rows}-seed{SEED}.parquet"
    if not parquet.exists():
        generate(parquet, args.rows)
    contract_path = WORK / "patients.odcs.yaml"
    contract_path.write_text(yaml.safe_dump(contract(parquet), sort_keys=False))
    strict_path = WORK / "patients-age-max-50.odcs.yaml"
    strict_path.write_text(yaml.safe_dump(stricter(contract(parquet)), sort_keys=False))
    schema_path = WORK / "patients.schema.json"
    schema_path.write_text(json.dumps(table_schema(), indent=2))
    csv = WORK / f"patients-{args.frictionless_rows}.csv"
    pl.read_parquet(parquet, n_rows=args.frictionless_rows).write_csv(csv)
    size = parquet.stat().st_size

    case_hash(str(parquet), "md5")  # warm the page cache: every case reads from memory
    scan = Measured(args.runs, "scan", str(parquet))
    checked = Measured(args.runs, "charter", str(parquet), str(contract_path))
    violated = Measured(args.tool_runs, "charter", str(parquet), str(strict_path))
    datacontract = Measured(args.tool_runs, "datacontract", str(contract_path))
    frictionless = Measured(args.tool_runs, "frictionless", str(csv), str(schema_path))
    hashes = {name: Measured(args.runs, "hash", str(parquet), name) for name in
              ("blake3", "md5", "sha256")}  # fmt: skip

    scale = args.rows / args.frictionless_rows
    extrapolated = frictionless.seconds * scale
    validation_rows = [
        ["bare polars scan (floor)", f"{args.rows:,}", *_cells(scan, scan), scan.detail],
        ["`charter.validation.validate`", f"{args.rows:,}", *_cells(checked, scan), checked.detail],
        ["the same, age maximum 50 (most rows fail)", f"{args.rows:,}", *_cells(violated, scan),
         violated.detail],
        ["`datacontract test` (DuckDB)", f"{args.rows:,}", *_cells(datacontract, scan),
         datacontract.detail],
        ["frictionless-py (CSV)", f"{args.frictionless_rows:,}",
         f"{frictionless.seconds:.2f} s", "", f"{frictionless.peak_mib:.0f} MiB",
         f"{frictionless.process:.2f} s", frictionless.detail],
        [f"frictionless-py, extrapolated x{scale:.0f}", f"{args.rows:,}",
         f"{extrapolated:.0f} s", f"{extrapolated / scan.seconds:.0f}x",
         "", "", "linear in rows (row-by-row Python)"],
    ]  # fmt: skip
    ratio = checked.seconds / scan.seconds
    hash_rows = [
        [HASH_LABELS[name],
         f"{size / measured.seconds / 1e9:.2f} GB/s", f"{measured.seconds:.3f} s",
         f"{hashes['md5'].seconds / measured.seconds:.1f}x", f"{measured.peak_mib:.0f} MiB"]
        for name, measured in hashes.items()
    ]  # fmt: skip
    speedup = hashes["md5"].seconds / hashes["blake3"].seconds
    sections = [
        f"{args.rows:,} rows x 12 columns (the worked example's columns), Parquet "
        f"{size / 1e6:.0f} MB, seed {SEED}, page cache warm. Each case runs in its own process; "
        f"work = median seconds after imports ({args.runs} runs for the scan, Charter and the "
        f"hashes, {args.tool_runs} for the other tools); process = the whole child, start-up "
        "and imports included; peak = the child's maximum resident memory.",
        "### Validation against the contract",
        table(
            ["what", "rows", "work", "vs scan", "peak memory", "process", "result"],
            validation_rows,
        ),
        f"**Charter validation: {ratio:.2f}x a bare polars scan** "
        f"(target at most {RATIO_TARGET:.0f}x: {'met' if ratio <= RATIO_TARGET else 'missed'}). "
        "datacontract-cli does not check column types on Parquet files (its checks report "
        "'warning' for them); frictionless-py was run on a CSV of the first "
        f"{args.frictionless_rows:,} rows because it validates row by row in Python, and its "
        "10-million-row time is extrapolated, not measured.",
        wide_section(args.columns, args.runs),
        capped_section(args.tool_runs),
        "### Fingerprints",
        table(["hash", "throughput", "time", "vs md5", "peak memory"], hash_rows),
        f"**blake3: {speedup:.1f}x md5** (target at least {HASH_TARGET:.0f}x: "
        f"{'met' if speedup >= HASH_TARGET else 'missed'}).",
        "Reproduce: `uv sync --group bench --extra runtime`, then "
        "`uv run python bench/validate_speed.py` (or `nox -s bench`).",
    ]
    facts = {**machine_facts(), **versions()}
    path = write_result("validate_speed", "Validation and fingerprint speed", sections, facts,
                        args.results)  # fmt: skip
    print(path.read_text())


def wide_section(widths: list[int], runs: int) -> str:
    """The wide tables' timings: median work seconds per width, and seconds per 1,000 columns."""
    rows = []
    for width in widths:
        measured = Measured(runs, "wide", str(width))
        rows.append([
            f"{width:,}", f"{measured.seconds:.2f} s", f"{measured.seconds / width * 1000:.2f} s",
            f"{measured.peak_mib:.0f} MiB", f"{measured.process:.2f} s", measured.detail,
        ])  # fmt: skip
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return "\n\n".join(
        [
            WIDE_HEADING,
            f"`charter.validation.validate` of a {WIDE_ROWS}-row Parquet file of integer columns, "
            f"each with a `minimum`; median of {runs} runs, each in its own process "
            f"({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, load average {load}).",
            table(
                ["columns", "work", "per 1,000 columns", "peak memory", "process", "result"], rows
            ),
            BEFORE,
        ]
    )


def capped_section(runs: int) -> str:
    """The big CSV under the address-space cap: it reports, in how long, with what memory."""
    measured = Measured(runs, "capped_csv", str(CAPPED_BYTES))
    return "\n\n".join(
        [
            CAPPED_HEADING,
            f"`charter.validation.validate` of a {CAPPED_BYTES / 1e9:.1f} GB CSV (4 columns) in a "
            f"child whose address space is capped at {ADDRESS_SPACE >> 30} GiB (RLIMIT_AS); "
            f"median of {runs} runs. Before (8a40ab4) the read failed with `Cannot allocate "
            "memory`, and a 296 MB CSV aborted with a Rust backtrace.",
            table(
                ["CSV", "work", "peak memory", "process", "result"],
                [
                    [
                        f"{CAPPED_BYTES / 1e9:.1f} GB",
                        f"{measured.seconds:.1f} s",
                        f"{measured.peak_mib:.0f} MiB",
                        f"{measured.process:.1f} s",
                        measured.detail,
                    ]
                ],
            ),
        ]
    )


def with_section(text: str, heading: str, section: str) -> str:
    """`text` with the section under `heading` replaced by `section` (added before the machine)."""
    if heading in text:
        start = text.index(heading)
        end = text.find("\n### ", start + len(heading))
        return text[:start] + section + ("\n" + text[end:] if end >= 0 else "\n")
    if "### Machine" in text:
        start = text.index("### Machine")
        return text[:start] + section + "\n\n" + text[start:]
    return text + section + "\n"


def _cells(measured: Measured, floor: Measured) -> list[str]:
    return [
        f"{measured.seconds:.2f} s",
        f"{measured.seconds / floor.seconds:.2f}x",
        f"{measured.peak_mib:.0f} MiB",
        f"{measured.process:.2f} s",
    ]


if __name__ == "__main__":
    main()
