"""Hostile contracts and data files in `charter validate`: exit 2 with one sentence, never 1.

A contract that cannot be compiled is "the contract is wrong" (exit 2, the
property named); a data file that is not UTF-8 or not a regular file says so,
instead of being read as garbage or reported as missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from charter_cli import charter
from test_validation import CONTRACT, valid_frame
from test_validation_messages import contract_file, prop


def validate(data: Path, contract: Path):
    result = charter("validate", data, "--contract", contract)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def _quality(name: str, **rule):
    return lambda document: prop(document, name).setdefault("quality", []).append(rule)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            _quality("bp", metric="missingValues", arguments=["missingValues", -1]),
            "property 'bp': missingValues: arguments must be a mapping (for example "
            "`validValues: [...]`), not list ['missingValues', -1]",
        ),
        (
            _quality("bp", metric="missingValues", arguments=3),
            "property 'bp': missingValues: arguments must be a mapping (for example "
            "`validValues: [...]`), not int 3",
        ),
        (
            _quality("bp", metric="missingValues", arguments={"missingValues": -1}),
            "property 'bp': missingValues: arguments.missingValues must be a list of values, "
            "not -1",
        ),
        (
            _quality("s1", metric="invalidValues", arguments={"validValues": 100}),
            "property 's1': invalidValues: arguments.validValues must be a list of values, not 100",
        ),
        (
            _quality("patient_id", metric="invalidValues", arguments={"pattern": "^P[0-9"}),
            "property 'patient_id': invalidValues: arguments.pattern '^P[0-9' is not a valid "
            "regular expression",
        ),
    ],
)
def test_malformed_quality_arguments_are_a_contract_error(
    tmp_path: Path, edit, message: str
) -> None:
    data = tmp_path / "patients.parquet"
    valid_frame().write_parquet(data)
    contract = contract_file(tmp_path, edit)
    result = validate(data, contract)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"charter validate: {contract}: {message}"), result.stderr


def test_utf16_csv_is_named_as_an_encoding_problem(tmp_path: Path) -> None:
    data = tmp_path / "patients.csv"
    valid_frame().write_csv(data)
    data.write_bytes(data.read_text("utf-8").encode("utf-16"))
    result = validate(data, CONTRACT)
    assert result.returncode == 2, result.stdout
    assert "missing" not in result.stdout + result.stderr
    assert result.stderr.startswith(
        f"charter validate: {data}: the CSV file is UTF-16 text, and Charter reads UTF-8: "
        "convert it: iconv -f UTF-16 -t UTF-8"
    ), result.stderr


def test_latin1_csv_is_named_as_an_encoding_problem(tmp_path: Path) -> None:
    data = tmp_path / "patients.csv"
    valid_frame().write_csv(data)
    data.write_bytes(data.read_bytes().replace(b"P0003", b"P\xe9003"))
    result = validate(data, CONTRACT)
    assert result.returncode == 2, result.stdout
    assert "is not UTF-8 text (byte 0xe9 on line 4" in result.stderr, result.stderr


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_data_that_is_not_a_regular_file_is_named_as_such(
    tmp_path: Path, kind: str, suffix: str
) -> None:
    data = tmp_path / f"patients{suffix}"
    if kind == "fifo":
        os.mkfifo(data)
    else:
        data.symlink_to("/dev/zero")
    result = validate(data, CONTRACT)
    assert result.returncode == 2
    what = "a FIFO (named pipe)" if kind == "fifo" else "a character device"
    assert (
        result.stderr
        == f"charter validate: {data}: is {what}, not a regular file; give the data file itself\n"
    )


def test_contract_that_is_a_fifo_is_named_as_such(tmp_path: Path) -> None:
    data = tmp_path / "patients.parquet"
    valid_frame().write_parquet(data)
    contract = tmp_path / "patients.odcs.yaml"
    os.mkfifo(contract)
    result = validate(data, contract)
    assert result.returncode == 2
    assert result.stderr == (
        f"charter validate: {contract}: the contract is a FIFO (named pipe), not a regular file\n"
    )


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"PAR1", "a Parquet file, not text"),
        (b"\x1f\x8b\x08\x00", "gzip-compressed"),
        (b"PK\x03\x04", "a ZIP archive"),
    ],
)
def test_csv_that_is_another_kind_of_file_says_which(tmp_path: Path, head: bytes, what: str):
    data = tmp_path / "patients.csv"
    data.write_bytes(head + bytes(range(256)))
    result = validate(data, CONTRACT)
    assert result.returncode == 2
    assert result.stderr.startswith(f"charter validate: {data}: the CSV file is {what}")
