"""`charter new contract --from` on a wide table: a draft the reader reads, or one sentence.

The reader refuses an artifact of more than 250,000 YAML values or 5 MiB
(`charter.formats.source`); a draft past either is refused as too wide, quickly,
instead of failing its own check with "internal error" after minutes.
"""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest
import yaml
from charter_cli import charter
from checking import copy_views

from charter.formats.source import MAX_VALUES, load_yaml


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_views(tmp_path)


def wide(path: Path, columns: int) -> Path:
    pl.DataFrame({f"c{i}": [1, 2, 3] for i in range(columns)}).write_parquet(path)
    return path


@pytest.mark.parametrize("columns", [10_000, 20_000])
def test_a_table_too_wide_for_one_contract_is_refused_in_one_sentence(
    project: Path, columns: int
) -> None:
    data = wide(project / "wide.parquet", columns)

    started = time.perf_counter()
    result = charter("new", "contract", "wide", "--from", data, cwd=project)
    elapsed = time.perf_counter() - started

    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"charter new: {data}: too wide for one contract: its {columns:,} ")
    assert f"over what a contract may hold ({MAX_VALUES:,} YAML values, 5 MiB)" in line
    assert "internal error" not in line
    assert not (project / "governance/contracts/wide.odcs.yaml").exists()
    assert elapsed < 60, f"{elapsed:.0f} s"  # it took minutes, then said "internal error"


def test_the_widest_draft_that_fits_is_written_and_read(project: Path) -> None:
    data = wide(project / "wide.parquet", 7_000)

    result = charter("new", "contract", "wide", "--from", data, cwd=project)

    assert result.returncode == 0, result.stderr
    target = project / "governance/contracts/wide.odcs.yaml"
    document = load_yaml(target)  # within the reader's bounds: no FormatError
    assert len(document.data["schema"][0]["properties"]) == 7_000


def test_values_are_counted_as_the_reader_counts_them(project: Path) -> None:
    from charter.scaffold.bounds import yaml_values  # noqa: PLC0415

    data = project / "labs.parquet"
    pl.DataFrame(
        {"lab_id": ["L1", "L2", "L3"], "grade": [1, 2, 1], "taken_on": [None, "2025-01-01", "x"]}
    ).write_parquet(data)

    result = charter("new", "contract", "labs", "--from", data, cwd=project)

    assert result.returncode == 0, result.stderr
    text = (project / "governance/contracts/labs.odcs.yaml").read_text()
    events = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)
    counted = sum(isinstance(event, events) for event in yaml.parse(text))
    assert yaml_values(yaml.safe_load(text)) == counted
