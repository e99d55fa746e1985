"""The tests' fixture that `charter new dataset` drafts: made-up rows the contract accepts.

A team's file is tracked by DVC, so a fresh clone has none of it; the generated
tests read `tests/fixtures/<file>` instead. These tests check that the drafted
table passes the very contract it was drafted from (types, ranges, code lists,
keys, row count), the same way every time, and that the generated project's
own tests run on it with the team's file gone, as in a clone before `dvc pull`.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml

from charter.formats import contract as contract_format
from charter.formats.vocabulary import NULL_MARKERS
from charter.project import Project
from charter.scaffold.contract import People, draft_contract
from charter.scaffold.dataset import DatasetRequest, new_dataset
from charter.scaffold.errors import ScaffoldError
from charter.scaffold.feature import new_feature
from charter.scaffold.fixture import ROWS, fixture_bytes, fixture_table
from charter.scaffold.profile import profile_file
from charter.validation import validate

FIRMS = [f"Firm {letter}" for letter in "ABCDEFGHIJK"]


def panel(path: Path) -> Path:
    """A Grunfeld-like panel: 11 firms by 20 years (a composite key), three measurements."""
    rng = random.Random(7)
    rows = [
        (firm, year, rng.uniform(0.5, 1500), rng.uniform(50, 6000), rng.randint(1, 90))
        for firm in FIRMS
        for year in range(1935, 1955)
    ]
    pl.DataFrame(rows, schema=["firm", "year", "invest", "value", "staff"], orient="row").write_csv(
        path
    )
    return path


def visits(path: Path) -> Path:
    """A classification table without an identifier: a date, a flag, a coded label."""
    rng = random.Random(8)
    start = dt.date(2021, 3, 1)
    pl.DataFrame(
        {
            "visited": [start + dt.timedelta(days=rng.randint(0, 400)) for _ in range(90)],
            "weight": [round(rng.uniform(40, 120), 1) for _ in range(90)],
            "smoker": [rng.random() < 0.3 for _ in range(90)],
            "site": [rng.choice(["north", "south", "east"]) for _ in range(90)],
            "outcome": [rng.choice(["better", "same", "worse"]) for _ in range(90)],
        }
    ).write_csv(path)
    return path


def events(path: Path) -> Path:
    """A Parquet table: a text identifier, UTC timestamps, a coded integer, free text, nulls."""
    rng = random.Random(9)
    start = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    pl.DataFrame(
        {
            "event_id": [f"E{n:04d}" for n in range(70)],
            "at": [start + dt.timedelta(minutes=rng.randint(0, 99999)) for _ in range(70)],
            "grade": [rng.choice([1, 2, 3]) for _ in range(70)],
            "note": [f"free text {rng.random()}" for _ in range(70)],
            "score": [rng.uniform(-3, 3) if rng.random() > 0.1 else None for _ in range(70)],
        }
    ).write_parquet(path.with_suffix(".parquet"))
    return path.with_suffix(".parquet")


def drafted(source: Path, tmp_path: Path) -> tuple[Path, contract_format.Contract]:
    profile = profile_file(source, NULL_MARKERS, 25)
    document = draft_contract(source.stem, profile, People("owner", "reviewer"))
    path = tmp_path / f"{source.stem}.odcs.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path, contract_format.from_mapping(document, path)


@pytest.mark.parametrize("table", [panel, visits, events], ids=["panel", "visits", "events"])
def test_the_fixture_passes_the_contract_it_is_drafted_from(table, tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    source = table(tmp_path / "source" / f"{table.__name__}.csv")
    contract_path, contract = drafted(source, tmp_path)
    fixture = tmp_path / "fixtures" / source.name  # the name the contract's physicalName gives
    fixture.parent.mkdir()
    made = fixture_table(contract, "seed", balanced="outcome")
    fixture.write_bytes(fixture_bytes(made, source.suffix))

    report = validate(fixture, contract_path)
    assert report.ok, report.format()
    rows = (pl.read_parquet if source.suffix == ".parquet" else pl.read_csv)(source).height
    assert made.height == max(ROWS, rows)  # at least the contract's rowCount
    assert made.null_count().sum_horizontal().item() == 0
    again = fixture_table(contract, "seed", balanced="outcome")
    assert fixture_bytes(again, source.suffix) == fixture.read_bytes()  # the same every time
    if table is panel:
        assert made.select("firm", "year").is_unique().all()  # the drafted composite key
        assert set(made["firm"]) <= set(FIRMS)
    elif table is visits:
        counts = made["outcome"].value_counts()["count"].to_list()
        assert max(counts) - min(counts) <= 1  # a classification's target: every class, evenly
        assert made.schema["visited"] == pl.Date
        assert made.schema["smoker"] == pl.Boolean
    else:
        assert made["event_id"].is_unique().all()
        assert made.schema["at"] == pl.Datetime("us", "UTC")
        assert set(made["grade"]) <= {1, 2, 3}


def test_a_key_with_too_few_values_for_the_rows_is_one_sentence() -> None:
    key = {"primaryKey": True, "required": True}
    contract = contract_format.from_mapping({"schema": [{"name": "t", "properties": [
        {"name": "code", "logicalType": "string", **key, "quality": [
            {"metric": "invalidValues", "arguments": {"validValues": ["a", "b"]}}]},
        {"name": "year", "logicalType": "integer", **key,
         "logicalTypeOptions": {"minimum": 2000, "maximum": 2009}},
    ]}]})  # fmt: skip
    message = r"^<contract>: the ranges and code lists of code, year allow fewer than 40 distinct"
    with pytest.raises(ScaffoldError, match=message + " rows; widen them, or write tests/"):
        fixture_table(contract, "seed")


@pytest.fixture
def skeleton(render) -> Path:
    return render(example_pipeline=False)


def added(root: Path, path: str) -> None:
    """What `dvc add` leaves for git (DVC itself is the generated project's, not installed here)."""
    (root / f"{path}.dvc").write_text(f"outs:\n- path: {Path(path).name}\n")


@pytest.mark.parametrize(
    ("table", "request_", "feature"),
    [
        (panel, {"name": "grunfeld", "target": "invest"}, "value"),
        (visits, {"name": "visits", "target": "outcome", "add_id": True}, "weight"),
    ],
    ids=["regression-panel", "classification-add-id"],
)
def test_the_generated_tests_pass_without_the_teams_file(
    skeleton: Path, tmp_path: Path, table, request_: dict, feature: str
) -> None:
    """As in a fresh clone before `dvc pull`: the DVC-tracked file is gone, the tests still run."""
    source = table(tmp_path / f"{request_['name']}.csv")
    request = DatasetRequest(source=source, replace_sample=True, **request_)
    made = new_dataset(Project.load(skeleton), request, dvc=added)
    fixture = skeleton / "tests" / "fixtures" / source.name
    assert fixture in made.written
    settings = yaml.safe_load((skeleton / "configs" / "pipeline.yaml").read_text())["data"]
    contract = settings.get("source_contract") or settings["contract"]
    report = validate(fixture, skeleton / "governance" / "contracts" / f"{contract}.odcs.yaml")
    assert report.ok, report.format()
    new_feature(Project.load(skeleton), feature, f"{request_['name']}.{feature}")
    catalog = skeleton / "governance" / "features" / "catalog.yaml"
    catalog.write_text(catalog.read_text().replace("status: draft", "status: active"))

    (skeleton / settings["source"]).unlink()  # a clone has the .dvc file, not the data
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["PYTHONPATH"] = str(skeleton / "src")
    tests = ["tests/test_pipeline.py", "tests/test_features.py"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests,
         "-k", "not dvc", "-W", "ignore::DeprecationWarning", "-rs"],
        cwd=skeleton, env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "skipped" not in done.stdout, done.stdout
    assert " passed" in done.stdout
