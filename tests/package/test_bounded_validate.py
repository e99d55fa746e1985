"""`charter validate` within bounds: memory follows a column, time follows the columns.

Each file is made here, in `tmp_path`: a CSV larger than half the address space
the child may use, a field and a record longer than any row, a table of 5,000
columns. The memory cap is the kernel's (RLIMIT_AS on the child), so polars'
allocator aborting (`memory allocation of N bytes failed`) would show here.

The cap holds with pandas and pyspark installed too (pandera imports them when
they are there): `charter validate` limits glibc's malloc arenas first
(charter.memory), which otherwise reserve 64 MB of address space per thread.
This file measures the polars engine, so it stays out of the Spark tier's
`test_validation*.py` parity run.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
import yaml
from templating import clean_env

from charter.validation import validate
from charter.validation.odcs import table_spec
from charter.validation.polars_backend import to_pandera

ADDRESS_SPACE = 2 << 30
"""The cap on the child's address space: 2 GiB, as `ulimit -v 2097152` sets it."""
BIG = 1_200_000_000
"""Bytes of the big CSV: more than half the cap, so reading it whole cannot fit."""


def capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def charter_capped(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m charter ARGS` in a child whose address space is capped at 2 GiB."""
    return subprocess.run(
        [sys.executable, "-m", "charter", *map(str, args)],
        env=clean_env(),
        preexec_fn=capped,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def contract(path: Path, properties: list[dict]) -> Path:
    document = {
        "apiVersion": "v3.1.0",
        "kind": "DataContract",
        "id": "visits",
        "version": "1.0.0",
        "status": "active",
        "schema": [{"name": "visits", "properties": properties}],
    }
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


VISITS = [
    {"name": "id", "logicalType": "integer", "required": True},
    {"name": "name", "logicalType": "string", "logicalTypeOptions": {"pattern": "^patient-"}},
    {"name": "score", "logicalType": "number", "logicalTypeOptions": {"maximum": 50}},
    {"name": "visit", "logicalType": "date"},
]


def big_csv(path: Path, size: int) -> Path:
    """A CSV of `size` bytes or a little more: the same block of rows, repeated."""
    rows = 100_000
    block = pl.DataFrame(
        {
            "id": range(rows),
            "name": [f"patient-{i:06d}" for i in range(rows)],
            "score": [float(i % 97) for i in range(rows)],
            "visit": ["2024-01-05"] * rows,
        }
    ).write_csv()
    header, body = block.split("\n", 1)
    with path.open("w") as stream:
        stream.write(header + "\n")
        for _ in range(-(-size // len(body))):
            stream.write(body)
    return path


def test_a_csv_larger_than_half_the_address_space_is_reported(tmp_path: Path) -> None:
    data = big_csv(tmp_path / "visits.csv", BIG)
    rules = contract(tmp_path / "visits.odcs.yaml", VISITS)

    result = charter_capped("validate", data, "--contract", rules)

    assert "memory allocation" not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    rows = data.stat().st_size // 36  # about 36 bytes a row
    assert "1 failing checks on" in lines[0]
    assert int(lines[0].split(" on ")[1].split()[0]) > rows // 2
    (failure,) = [line.split() for line in lines[2:]]
    assert failure[:3] == ["score", "maximum", "50"]
    assert int(failure[3]) > rows // 4  # counted over every row, not over the rows pandera kept


@pytest.mark.parametrize(
    ("name", "record"),
    [
        ("field", b"1,patient-" + b"x" * 200_000_000 + b",3,2024-01-05\n"),
        ("quoted-lines", b'1,"patient-' + b"xxx\n" * 17_000_000 + b'",3,2024-01-05\n'),
    ],
)
def test_a_record_longer_than_64_mib_is_refused_in_one_sentence(
    tmp_path: Path, name: str, record: bytes
) -> None:
    data = tmp_path / f"{name}.csv"
    data.write_bytes(b"id,name,score,visit\n1,patient-a,3,2024-01-05\n" + record)
    rules = contract(tmp_path / "visits.odcs.yaml", VISITS)

    result = charter_capped("validate", data, "--contract", rules, timeout=120)

    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"charter validate: {data}: the record on line 3 of the CSV file is longer than 64 MiB, "
        "which is a blob, not a row of a table: keep large values in files of their own and "
        "their paths in the table"
    ]


def test_records_with_quoted_newlines_are_read_whole(tmp_path: Path) -> None:
    data = tmp_path / "notes.csv"
    data.write_text('id,name,score,visit\n1,"patient-a\nsecond line",3,2024-01-05\n2,b,60,x\n')
    rules = contract(tmp_path / "visits.odcs.yaml", VISITS)

    report = validate(data, rules)

    assert report.rows == 2
    assert [(f.column, f.check, f.examples) for f in report.failures] == [
        ("name", "pattern ^patient-", ("b",)),
        ("score", "maximum 50", ("60.0",)),
        ("visit", "type date", ("x",)),
    ]


def wide(tmp_path: Path, columns: int) -> tuple[Path, Path]:
    """A Parquet file of `columns` integer columns, each with a minimum; the last breaks it."""
    frame = pl.DataFrame({f"c{i}": range(20) for i in range(columns)}).with_columns(
        pl.col(f"c{columns - 1}") - 1
    )
    data = tmp_path / "wide.parquet"
    frame.write_parquet(data)
    properties = [
        {"name": f"c{i}", "logicalType": "integer", "required": True,
         "logicalTypeOptions": {"minimum": 0}}
        for i in range(columns)
    ]  # fmt: skip
    return data, contract(tmp_path / "wide.odcs.yaml", properties)


def test_a_table_of_5000_columns_validates_in_seconds(tmp_path: Path) -> None:
    data, rules = wide(tmp_path, 5_000)

    started = time.perf_counter()
    report = validate(data, rules)
    elapsed = time.perf_counter() - started

    assert [(f.column, f.check, f.count) for f in report.failures] == [("c4999", "minimum 0", 1)]
    # linear: about 7 s on two busy cores (bench/results/validate_speed.md); quadratic: over 120 s
    assert elapsed < 40, f"{elapsed:.1f} s"


def test_pandera_keeps_a_bounded_number_of_failing_rows(tmp_path: Path) -> None:
    from charter.validation.columnwise import schema_errors  # noqa: PLC0415
    from charter.validation.polars_backend import FAILURE_ROWS  # noqa: PLC0415

    rows = 5 * FAILURE_ROWS
    frame = pl.DataFrame({"id": range(rows), "score": [99.0] * rows})
    rules = contract(tmp_path / "scores.odcs.yaml", [VISITS[0], VISITS[2]])
    table = table_spec(rules)

    errors = schema_errors(to_pandera(table), frame.lazy(), rows)

    assert [len(error.failure_cases) for error in errors] == [FAILURE_ROWS]
    (failure,) = validate(frame, rules).failures
    assert (failure.count, failure.examples) == (rows, ("99.0",))


@pytest.mark.parametrize("piece", [1, 2, 3, 5, 7, 64])
def test_pieces_end_where_records_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int
) -> None:
    """Quoted newlines, doubled quotes and CRLF across every cut read as polars reads the file."""
    import charter.validation.scan as scan  # noqa: PLC0415

    text = (
        'id,name,score,visit\r\n1,"patient-""a""\r\nline two",3,2024-01-05\r\n'
        '2,"patient-b, ""c""",4,\r\n3,patient-d,"5",2024-01-06\r\n4,"patient-\n\n",6,2024-01-07'
    )
    data = tmp_path / "cut.csv"
    data.write_text(text, newline="")
    monkeypatch.setattr(scan, "_PIECE", piece)

    with scan.scanned(data, table_spec(contract(tmp_path / "v.odcs.yaml", VISITS[:1]))) as (
        frame,
        _,
    ):
        read = frame.collect()

    expected = pl.read_csv(data, infer_schema=False).with_columns(pl.col("id").cast(pl.Int64))
    assert read.to_dicts() == expected.to_dicts()


def test_what_one_pass_cannot_prove_is_left_to_pandera(tmp_path: Path) -> None:
    """NaN and null in required columns, a failing value, a check that cannot run: all reported."""
    frame = pl.DataFrame(
        {
            "nan": [1.0, float("nan"), 2.0],
            "null": [1, None, 2],
            "low": [5, -1, 7],
            "text": [1, 2, 3],
            "fine": [1, 2, 3],
        }
    )
    minimum = {"minimum": 0}
    rules = contract(
        tmp_path / "mixed.odcs.yaml",
        [
            {"name": "nan", "logicalType": "number", "required": True},
            {"name": "null", "logicalType": "integer", "required": True},
            {"name": "low", "logicalType": "integer", "logicalTypeOptions": minimum},
            {"name": "text", "logicalType": "string", "logicalTypeOptions": {"pattern": "^a"}},
            {"name": "fine", "logicalType": "integer", "required": True,
             "logicalTypeOptions": minimum},
        ],
    )  # fmt: skip

    report = validate(frame, rules)

    assert [(f.column, f.check, f.count) for f in report.failures] == [
        ("nan", "required (no nulls)", 1),
        ("null", "required (no nulls)", 1),
        ("low", "minimum 0", 1),
        ("text", "type string", 3),
    ]


@pytest.mark.parametrize("piece", [None, 64], ids=["one piece", "64-byte pieces"])
def test_short_rows_read_as_nulls_wherever_a_piece_ends(tmp_path: Path, monkeypatch, piece):
    """A truncated CSV's last record, without its newline, and any short row are padded with
    nulls and reported as findings, as one whole read reports them, never a reader error."""
    from charter.validation import scan, validate  # noqa: PLC0415

    if piece is not None:
        monkeypatch.setattr(scan, "_PIECE", piece)
    rows = "".join(f"{i},patient-{i:03d},{i % 40}.5,2024-01-0{1 + i % 9}\n" for i in range(20))
    data = tmp_path / "visits.csv"
    data.write_text("id,name,score,visit\n" + rows + "20,patient-020\n21,patient-021,")
    required = [{**p, "required": True} if p["name"] == "visit" else p for p in VISITS]
    report = validate(data, contract(tmp_path / "visits.odcs.yaml", required))
    assert report.rows == 22
    found = {(f.column, f.check, f.count) for f in report.failures}
    assert found == {("visit", "required (no nulls)", 2)}, report.format()
