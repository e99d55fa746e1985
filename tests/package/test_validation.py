"""Contracts at runtime: each kind of ODCS constraint catches the data that breaks it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandera.polars as pa
import polars as pl
import pytest

from charter.formats import contract as contract_format
from charter.validation import (
    ContractError,
    ContractViolation,
    Failure,
    compile_contract,
    validate,
)

CONTRACT = Path(__file__).parent / "data" / "patients.odcs.yaml"


def valid_frame() -> pl.DataFrame:
    """Four rows that satisfy every rule of the fixture contract."""
    return pl.DataFrame(
        {
            "patient_id": ["P0001", "P0002", "P0003", "P0004"],
            "age": [40, 50, 60, 70],
            "sex": [1, 2, 1, 2],
            "bmi": [22.0, 30.1, 25.0, None],
            "bp": [90.0, 80.0, 100.0, 95.0],
            "s1": [100.0, 200.0, 300.0, 100.0],
            "s2": [1.0, 2.0, 3.0, 4.0],
            "smoker": [True, False, None, False],
            "visit": [dt.date(2020, 1, 1)] * 4,
            "progression": [100, 150, 200, 250],
        }
    )


def only(frame: pl.DataFrame) -> list[Failure]:
    report = validate(frame, CONTRACT)
    assert report.rows == frame.height
    return report.failures


def test_valid_data_passes_with_the_text_rule_noted():
    report = validate(valid_frame(), CONTRACT)
    assert report.ok, report.format()
    assert report.failures == []
    assert report.rows == 4
    assert report.skipped == (
        "schema: text quality rule not executed: Every patient gave consent.",
    )
    report.raise_for_failures()


@pytest.mark.parametrize(
    ("column", "values", "check", "count", "example"),
    [
        ("patient_id", ["P0001", "P0001", "P0003", "P0004"], "unique", 2, "P0001"),
        ("patient_id", ["P0001", "X0002", "P0003", "P0004"], "pattern ^P[0-9]+$", 1, "X0002"),
        ("patient_id", ["P0001", "P00002", "P0003", "P0004"], "maxLength 5", 1, "P00002"),
        ("patient_id", ["P0001", None, "P0003", "P0004"], "required (no nulls)", 1, "null"),
        ("age", [40, 50, -1, 70], "minimum 0", 1, "-1"),
        ("age", [40, 500, 60, 70], "maximum 120", 1, "500"),
        ("sex", [1, 2, 3, 2], "enum [1, 2]", 1, "3"),
        ("bmi", [22.0, 0.0, 25.0, None], "exclusiveMinimum 0", 1, "0.0"),
        ("bmi", [22.0, 100.0, 25.0, None], "exclusiveMaximum 100", 1, "100.0"),
        ("bmi", [22.0, None, 25.0, None], "nullValues <= 30 percent", 2, "null"),
        ("bp", [90.0, -1.0, None, 95.0], "missingValues == 0", 2, "-1.0"),
        ("s1", [100.0, 7.0, 8.0, 100.0], "invalidValues < 2", 2, "7.0"),
        ("s2", [1.0, 1.0, 3.0, 4.0], "duplicateValues == 0", 2, "1.0"),
        ("visit", [dt.date(1999, 12, 31)] * 4, "minimum 2000-01-01", 4, "1999-12-31"),
        ("progression", [100, None, 200, 250], "required (no nulls)", 1, "null"),
    ],
)
def test_each_constraint_reports_its_column_check_and_count(column, values, check, count, example):
    frame = valid_frame().with_columns(pl.Series(column, values, dtype=valid_frame()[column].dtype))
    failures = only(frame)
    assert [(f.column, f.check, f.count) for f in failures] == [(column, check, count)]
    assert example in failures[0].examples


def test_all_failures_are_collected_in_contract_order():
    frame = valid_frame().with_columns(
        pl.Series("progression", [1, None, 3, 4]),
        pl.Series("age", [40, 500, 60, 70]),
        pl.Series("patient_id", ["P0001", "P0001", "P0003", "P0004"]),
    )
    failures = only(frame)
    assert [f.column for f in failures] == ["patient_id", "age", "progression"]


def test_row_count_rule_is_a_table_level_failure():
    failures = only(valid_frame().head(2))
    assert failures == [Failure(None, "rowCount >= 3", 2)]


def test_missing_required_column_is_named():
    failures = only(valid_frame().drop("age"))
    assert [(f.column, f.check) for f in failures] == [("age", "column missing from the data")]


def test_column_outside_the_contract_is_reported():
    failures = only(valid_frame().with_columns(pl.lit("x").alias("postcode")))
    assert [(f.column, f.check) for f in failures] == [("postcode", "column not in the contract")]


def test_wrong_type_is_reported_once_without_follow_on_errors():
    frame = valid_frame().with_columns(pl.col("age").cast(pl.String))
    failures = only(frame)
    assert [(f.column, f.check, f.examples) for f in failures] == [
        ("age", "type integer", ("got String",))
    ]


def test_integer_widths_and_integers_as_numbers_are_accepted():
    frame = valid_frame().with_columns(pl.col("age").cast(pl.Int16), pl.col("s2").cast(pl.Int32))
    assert validate(frame, CONTRACT).ok


def test_float_where_integer_expected_is_a_wrong_type():
    failures = only(valid_frame().with_columns(pl.col("progression").cast(pl.Float64)))
    assert [(f.column, f.check) for f in failures] == [("progression", "type integer")]


def test_lazyframe_is_accepted():
    assert validate(valid_frame().lazy(), CONTRACT).ok


def test_raise_for_failures_carries_the_report():
    report = validate(valid_frame().drop("sex"), CONTRACT)
    with pytest.raises(ContractViolation) as caught:
        report.raise_for_failures()
    assert caught.value.report is report
    assert "sex" in str(caught.value)


def test_format_is_a_table_naming_columns_checks_and_counts():
    frame = valid_frame().with_columns(pl.Series("age", [40, 500, 600, 70]))
    text = validate(frame, CONTRACT).format()
    lines = text.splitlines()
    assert lines[0] == "patients: 1 failing checks on 4 rows"
    assert lines[1].split() == ["column", "check", "count", "examples"]
    assert lines[2].split() == ["age", "maximum", "120", "2", "500,", "600"]


def test_to_dict_is_json_ready():
    report = validate(valid_frame().drop("sex"), CONTRACT)
    data = report.to_dict()
    assert data["ok"] is False
    assert data["failures"][0] == {
        "column": "sex",
        "check": "column missing from the data",
        "count": 4,
        "examples": (),
        "masked": False,
    }


def test_compile_contract_returns_a_pandera_schema_usable_directly():
    schema = compile_contract(CONTRACT)
    assert isinstance(schema, pa.DataFrameSchema)
    assert list(schema.columns) == [
        "patient_id", "age", "sex", "bmi", "bp", "s1", "s2", "smoker", "visit", "progression",
    ]  # fmt: skip
    assert "unique" in [check.name for check in schema.columns["patient_id"].checks]
    assert not schema.columns["patient_id"].nullable
    assert schema.columns["bmi"].nullable
    schema.validate(valid_frame())
    with pytest.raises(pa.errors.SchemaErrors):
        schema.validate(valid_frame().with_columns(pl.Series("age", [1, 2, 3, 999])), lazy=True)


def contract_with(properties: list[dict], quality: list[dict] | None = None, **top) -> dict:
    schema = {"name": "t", "properties": properties}
    if quality is not None:
        schema["quality"] = quality
    return {"apiVersion": "v3.1.0", "kind": "DataContract", "id": "t", "schema": [schema], **top}


def test_odcs_v32_enum_objects():
    contract = contract_with(
        [{"name": "colour", "logicalType": "string", "enum": [{"value": "red"}, {"value": "blue"}]}]
    )
    failures = validate(pl.DataFrame({"colour": ["red", "green"]}), contract).failures
    assert [(f.column, f.check, f.examples) for f in failures] == [
        ("colour", "enum ['red', 'blue']", ("green",))
    ]


def test_composite_primary_key_is_unique_together():
    contract = contract_with(
        [
            {"name": "a", "logicalType": "integer", "primaryKey": True, "primaryKeyPosition": 1},
            {"name": "b", "logicalType": "integer", "primaryKey": True, "primaryKeyPosition": 2},
        ]
    )
    assert validate(pl.DataFrame({"a": [1, 1], "b": [1, 2]}), contract).ok
    failures = validate(pl.DataFrame({"a": [1, 1], "b": [2, 2]}), contract).failures
    assert [(f.column, f.check, f.count) for f in failures] == [(None, "unique (a, b)", 2)]


def test_schema_level_duplicates_over_named_columns():
    contract = contract_with(
        [{"name": "a", "logicalType": "integer"}, {"name": "b", "logicalType": "string"}],
        [{"metric": "duplicateValues", "arguments": {"properties": ["a", "b"]}, "mustBe": 0}],
    )
    assert validate(pl.DataFrame({"a": [1, 1], "b": ["x", "y"]}), contract).ok
    failures = validate(pl.DataFrame({"a": [1, 1], "b": ["x", "x"]}), contract).failures
    assert [(f.column, f.check, f.count) for f in failures] == [(None, "duplicateValues == 0", 2)]


def test_invalid_values_by_pattern_and_between_operator():
    contract = contract_with(
        [
            {
                "name": "code",
                "logicalType": "string",
                "quality": [
                    {
                        "metric": "invalidValues",
                        "arguments": {"pattern": "^[A-Z]{2}$"},
                        "mustBeBetween": [0, 1],
                    }
                ],
            }
        ]
    )
    assert validate(pl.DataFrame({"code": ["AB", "x", "CD"]}), contract).ok
    failures = validate(pl.DataFrame({"code": ["AB", "x", "y"]}), contract).failures
    assert [(f.check, f.count) for f in failures] == [("invalidValues between 0..1", 2)]


def test_timestamp_bounds_and_string_length():
    contract = contract_with(
        [
            {
                "name": "at",
                "logicalType": "timestamp",
                "logicalTypeOptions": {"maximum": "2030-01-01T00:00:00"},
            },
            {"name": "s", "logicalType": "string", "logicalTypeOptions": {"minLength": 2}},
        ]
    )
    frame = pl.DataFrame(
        {"at": [dt.datetime(2020, 1, 1), dt.datetime(2031, 1, 1)], "s": ["ok", "x"]}
    )
    failures = validate(frame, contract).failures
    assert [(f.column, f.check) for f in failures] == [
        ("at", "maximum 2030-01-01 00:00:00"),
        ("s", "minLength 2"),
    ]


@pytest.mark.parametrize(
    ("contract", "message"),
    [
        ({"schema": []}, "no schema objects"),
        ({"schema": "patients"}, "must be a list of mappings"),
        (contract_with([{"logicalType": "string"}]), "needs a 'name'"),
        (contract_with([{"name": "a", "logicalType": "text"}]), "unknown logicalType 'text'"),
        (
            contract_with([{"name": "a", "logicalType": "integer", "quality": [{"metric": "x"}]}]),
            "unsupported quality metric 'x'",
        ),
        (
            contract_with([{"name": "a", "logicalType": "integer"}], [{"metric": "nullValues"}]),
            "applies to a property",
        ),
        (
            contract_with(
                [{"name": "a", "logicalType": "integer", "logicalTypeOptions": {"minimum": "x"}}]
            ),
            "minimum must be a number",
        ),
    ],
)
def test_contract_errors_are_clear(contract, message):
    with pytest.raises(ContractError, match=message):
        validate(pl.DataFrame({"a": [1]}), contract)


def test_schema_is_chosen_by_name():
    contract = contract_with([{"name": "a", "logicalType": "integer"}])
    contract["schema"].append({"name": "other", "properties": [{"name": "b"}]})
    assert validate(pl.DataFrame({"b": ["anything"]}), contract, schema="other").ok
    with pytest.raises(ContractError, match=r"no schema object named 'nope' \(it has: t, other\)"):
        validate(pl.DataFrame({"b": [1]}), contract, schema="nope")


@pytest.mark.parametrize(
    ("values", "count"),
    [
        (["b", "a", "c"], 0),  # unsorted: the hash path
        (["b", "a", "b"], 2),
        ([None, "a", None], 0),  # nulls are not duplicates of each other
        (["a", "a", None], 2),  # sorted with a null: the neighbour path
        ([], 0),
    ],
)
def test_uniqueness_whatever_the_order(values, count):
    contract = contract_with([{"name": "k", "logicalType": "string", "unique": True}])
    failures = validate(pl.DataFrame({"k": pl.Series(values, dtype=pl.String)}), contract).failures
    assert [(f.column, f.check, f.count) for f in failures] == (
        [("k", "unique", count)] if count else []
    )


def test_enum_values_are_compared_in_the_column_type():
    contract = contract_with(
        [
            {"name": "score", "logicalType": "number", "enum": [1, 2]},
            {"name": "code", "logicalType": "string", "enum": [{"value": 1}, {"value": 2}]},
        ]
    )
    assert validate(pl.DataFrame({"score": [1.0, 2.0], "code": ["1", "2"]}), contract).ok
    failures = validate(pl.DataFrame({"score": [1.0, 2.5], "code": ["1", "3"]}), contract).failures
    assert [(f.column, f.examples) for f in failures] == [("score", ("2.5",)), ("code", ("3",))]


def test_all_null_optional_column_is_accepted_and_required_one_is_not():
    contract = contract_with(
        [
            {"name": "maybe", "logicalType": "number"},
            {"name": "must", "logicalType": "integer", "required": True},
        ]
    )
    frame = pl.DataFrame({"maybe": [None, None], "must": [None, None]})
    failures = validate(frame, contract).failures
    assert [(f.column, f.check, f.count) for f in failures] == [("must", "required (no nulls)", 2)]


def test_contract_parsed_by_the_formats_layer_is_accepted():
    parsed = contract_format.load(CONTRACT)
    assert validate(valid_frame(), parsed).ok
    assert not validate(valid_frame().drop("age"), parsed).ok
