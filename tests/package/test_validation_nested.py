"""ODCS conformance at runtime: nested properties, every logical type, the options, SQL rules."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import polars as pl
import pytest

from charter.validation import ContractError, validate


def contract_with(properties: list[dict], quality: list[dict] | None = None) -> dict:
    schema: dict = {"name": "t", "properties": properties}
    if quality is not None:
        schema["quality"] = quality
    return {"apiVersion": "v3.2.0", "kind": "DataContract", "id": "t", "schema": [schema]}


def checks(frame: pl.DataFrame, contract: dict) -> list[tuple[str | None, str]]:
    return [(f.column, f.check) for f in validate(frame, contract).failures]


ADDRESS = {
    "name": "address",
    "logicalType": "object",
    "properties": [
        {"name": "city", "logicalType": "string", "required": True},
        {"name": "floor", "logicalType": "integer", "logicalTypeOptions": {"minimum": 0}},
    ],
}
SCORES = {
    "name": "scores",
    "logicalType": "array",
    "items": {"logicalType": "integer", "logicalTypeOptions": {"maximum": 10}},
}


def people(cities=("Oslo", "Bergen"), floors=(1, 2), scores=([1, 2], [3])) -> pl.DataFrame:
    address = [{"city": c, "floor": f} for c, f in zip(cities, floors, strict=True)]
    return pl.DataFrame({"address": address, "scores": list(scores)})


def test_nested_struct_and_list_pass_when_they_match():
    assert checks(people(), contract_with([ADDRESS, SCORES])) == []


def test_struct_field_of_the_wrong_type_fails():
    frame = people().with_columns(
        pl.struct(pl.col("address").struct.field("city"), pl.lit("x").alias("floor")).alias(
            "address"
        )
    )
    assert checks(frame, contract_with([ADDRESS, SCORES])) == [
        ("address", "type object{city: string, floor: integer}")
    ]


def test_list_items_of_the_wrong_type_fail():
    frame = people(scores=(["a"], ["b"]))
    assert checks(frame, contract_with([ADDRESS, SCORES])) == [("scores", "type array<integer>")]


def test_constraints_and_required_apply_inside_structs_and_lists():
    frame = people(cities=("Oslo", None), floors=(-1, 2), scores=([1, 11], [3]))
    assert checks(frame, contract_with([ADDRESS, SCORES])) == [
        ("address", "address.city: required (no nulls)"),
        ("address", "address.floor: minimum 0"),
        ("scores", "scores[]: maximum 10"),
    ]


MAP = {
    "name": "prefs",
    "logicalType": "map",
    "map": {"key": {"logicalType": "string"}, "value": {"logicalType": "integer"}},
}


def maps(values) -> pl.DataFrame:
    entries = [[{"key": k, "value": v} for k, v in row.items()] for row in values]
    dtype = pl.List(pl.Struct({"key": pl.String, "value": pl.Int64}))
    return pl.DataFrame({"prefs": pl.Series(entries, dtype=dtype)})


def test_map_of_the_declared_key_and_value_types_passes():
    assert checks(maps([{"a": 1}, {"b": 2, "c": 3}]), contract_with([MAP])) == []


def test_map_with_values_of_another_type_fails():
    frame = pl.DataFrame({"prefs": [[{"key": "a", "value": "x"}]]})
    assert checks(frame, contract_with([MAP])) == [("prefs", "type map<string, integer>")]


def test_map_values_meet_their_constraints_and_size():
    prop = {
        **MAP,
        "logicalTypeOptions": {"maxProperties": 1},
        "map": {
            "key": {"logicalType": "string"},
            "value": {"logicalType": "integer", "logicalTypeOptions": {"minimum": 0}},
        },
    }
    assert checks(maps([{"a": -1}, {"b": 2, "c": 3}]), contract_with([prop])) == [
        ("prefs", "maxProperties 1"),
        ("prefs", "prefs{value}: minimum 0"),
    ]


@pytest.mark.parametrize(
    ("prop", "good", "bad", "check"),
    [
        (
            {"logicalType": "integer", "logicalTypeOptions": {"multipleOf": 5}},
            [0, 10],
            [7],
            "multipleOf 5",
        ),
        (
            {
                "logicalType": "array",
                "items": {"logicalType": "integer"},
                "logicalTypeOptions": {"minItems": 1, "maxItems": 2},
            },
            [[1], [1, 2]],
            [[1, 2, 3]],
            "maxItems 2",
        ),
        (
            {
                "logicalType": "array",
                "items": {"logicalType": "integer"},
                "logicalTypeOptions": {"uniqueItems": True},
            },
            [[1, 2]],
            [[1, 1]],
            "uniqueItems",
        ),
        (
            {"logicalType": "string", "logicalTypeOptions": {"format": "email"}},
            ["a@b.io"],
            ["ab"],
            "format email",
        ),
        (
            {
                "logicalType": "object",
                "properties": [
                    {"name": "a", "logicalType": "integer"},
                    {"name": "b", "logicalType": "integer"},
                ],
                "logicalTypeOptions": {"minProperties": 2},
            },
            [{"a": 1, "b": 2}],
            [{"a": 1, "b": None}],
            "minProperties 2",
        ),
    ],
)
def test_logical_type_options(prop, good, bad, check):
    contract = contract_with([{"name": "v", **prop}])
    assert checks(pl.DataFrame({"v": good}), contract) == []
    assert checks(pl.DataFrame({"v": good + bad}), contract) == [("v", check)]


def test_timezone_of_timestamps():
    contract = contract_with(
        [{"name": "at", "logicalType": "timestamp", "logicalTypeOptions": {"timezone": "UTC"}}]
    )
    utc = pl.DataFrame({"at": [dt.datetime(2026, 1, 1)]}).with_columns(
        pl.col("at").dt.replace_time_zone("UTC")
    )
    assert checks(utc, contract) == []
    assert checks(pl.DataFrame({"at": [dt.datetime(2026, 1, 1)]}), contract) == [
        ("at", "timezone UTC")
    ]


def test_vector_is_a_list_of_numbers_of_its_dimensions():
    contract = contract_with(
        [{"name": "e", "logicalType": "vector", "logicalTypeOptions": {"dimensions": 2}}]
    )
    assert checks(pl.DataFrame({"e": [[0.1, 0.2]]}), contract) == []
    assert checks(pl.DataFrame({"e": [[0.1, 0.2, 0.3]]}), contract) == [("e", "maxItems 2")]


def test_invalid_values_without_arguments_checks_the_enum():
    contract = contract_with(
        [
            {
                "name": "status",
                "logicalType": "string",
                "enum": ["open", "closed"],
                "quality": [{"metric": "invalidValues", "mustBeLessOrEqualTo": 1}],
            }
        ]
    )
    assert checks(pl.DataFrame({"status": ["open", "x"]}), contract) == [
        ("status", "enum ['open', 'closed']")
    ]
    failures = checks(pl.DataFrame({"status": ["x", "y"]}), contract)
    assert ("status", "invalidValues <= 1") in failures


def test_invalid_values_without_arguments_or_enum_is_a_contract_error():
    contract = contract_with(
        [{"name": "s", "logicalType": "string", "quality": [{"metric": "invalidValues"}]}]
    )
    with pytest.raises(ContractError, match="or an `enum` on the property"):
        validate(pl.DataFrame({"s": ["a"]}), contract)


def test_sql_rules_run_on_polars_sql():
    sql = [
        {"type": "sql", "query": "SELECT MIN(amount) FROM t", "mustBeGreaterThan": 0},
        {"type": "sql", "query": "SELECT COUNT(*) FROM {object}", "mustBe": 2},
    ]
    contract = contract_with([{"name": "amount", "logicalType": "number"}], sql)
    assert validate(pl.DataFrame({"amount": [1.0, 2.0]}), contract).ok
    assert checks(pl.DataFrame({"amount": [-5.0, 2.0]}), contract) == [
        (None, "sql > 0"),
    ]


def test_sql_rule_polars_cannot_run_is_skipped_with_the_reason():
    sql = [{"type": "sql", "name": "dialect", "query": "SELECT date_diffx(1) FROM t"}]
    report = validate(pl.DataFrame({"a": [1]}), contract_with([{"name": "a"}], sql))
    assert report.ok
    assert len(report.skipped) == 1
    assert report.skipped[0].startswith(
        "schema: sql quality rule skipped: dialect, because polars SQL cannot run it ("
    )


def test_reading_a_contract_imports_neither_polars_nor_pandera():
    code = (
        "import sys; from charter.validation import odcs; "
        "odcs.table_spec({'schema': [{'name': 't', 'properties': [{'name': 'a'}]}]}); "
        "print('polars' in sys.modules, 'pandera' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["False", "False"], result.stderr


ORDERS = {
    "apiVersion": "v3.2.0",
    "kind": "DataContract",
    "id": "orders",
    "schema": [
        {
            "name": "orders",
            "properties": [
                {
                    "name": "customer_id",
                    "logicalType": "integer",
                    "relationships": [{"to": "customers.id"}],
                }
            ],
        }
    ],
}


def test_relationship_is_checked_when_the_referenced_data_is_given(tmp_path):
    customers = tmp_path / "customers.csv"
    customers.write_text("id,name\n1,Ada\n2,Bo\n")
    orders = pl.DataFrame({"customer_id": [1, 2, None]})
    assert validate(orders, ORDERS, references={"customers": customers}).ok
    report = validate(
        pl.DataFrame({"customer_id": [1, 3, 3]}), ORDERS, references={"customers": customers}
    )
    assert [(f.column, f.check, f.count, f.examples) for f in report.failures] == [
        ("customer_id", "relationship to customers.id", 2, ("3",))
    ]


def test_relationship_without_the_referenced_data_is_noted_as_skipped():
    report = validate(pl.DataFrame({"customer_id": [1]}), ORDERS)
    assert report.ok
    assert report.skipped == (
        "schema: relationship to customers.id not checked: give the data with "
        "--reference customers=FILE",
    )


def test_cli_checks_a_relationship_given_with_reference(tmp_path):
    from charter_cli import charter  # noqa: PLC0415

    (tmp_path / "customers.csv").write_text("id\n1\n")
    (tmp_path / "orders.csv").write_text("customer_id\n1\n2\n")
    (tmp_path / "orders.odcs.yaml").write_text(json.dumps(ORDERS))
    args = ["validate", "orders.csv", "--contract", "orders.odcs.yaml"]
    result = charter(*args, "--reference", "customers=customers.csv", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "relationship to customers.id" in result.stdout
    assert charter(*args, cwd=tmp_path).returncode == 0
    assert charter(*args, "--reference", "customers", cwd=tmp_path).returncode == 2


def test_every_undocumented_column_is_reported():
    contract = contract_with([{"name": "a"}])
    assert checks(pl.DataFrame({"a": [1], "b": [2], "c": [3]}), contract) == [
        ("b", "column not in the contract"),
        ("c", "column not in the contract"),
    ]


def test_items_that_are_objects_are_checked_field_by_field():
    lines = {
        "name": "lines",
        "logicalType": "array",
        "items": {
            "logicalType": "object",
            "properties": [
                {"name": "qty", "logicalType": "integer", "logicalTypeOptions": {"minimum": 1}}
            ],
        },
    }
    frame = pl.DataFrame({"lines": [[{"qty": 1}], [{"qty": 0}, {"qty": 2}]]})
    report = validate(frame, contract_with([lines]))
    assert [(f.column, f.check, f.count, f.examples) for f in report.failures] == [
        ("lines", "lines[].qty: minimum 1", 1, ("[{'qty': 0}, {'qty': 2}]",))
    ]


def test_quality_rules_on_struct_fields_run_and_inside_lists_are_noted():
    address = {
        **ADDRESS,
        "properties": [
            {
                "name": "city",
                "logicalType": "string",
                "quality": [{"metric": "nullValues", "mustBeLessThan": 1}],
            },
            {"name": "floor", "logicalType": "integer"},
        ],
    }
    scores = {**SCORES, "items": {"logicalType": "integer", "quality": [{"metric": "nullValues"}]}}
    contract = contract_with([address, scores])
    report = validate(people(cities=("Oslo", None)), contract)
    assert [(f.column, f.check, f.count) for f in report.failures] == [
        ("address", "address.city: nullValues < 1", 1)
    ]
    assert report.skipped == (
        "property 'scores[]': nullValues quality rule not executed: rules inside arrays and "
        "maps are not run",
    )
    assert validate(people(), contract).ok


def test_csv_dates_are_read_in_the_contracts_format(tmp_path):
    contract = contract_with(
        [
            {"name": "day", "logicalType": "date", "logicalTypeOptions": {"format": "dd/MM/yyyy"}},
            {
                "name": "at",
                "logicalType": "timestamp",
                "logicalTypeOptions": {"format": "yyyy-MM-dd HH:mm:ss.SSS"},
            },
        ]
    )
    data = tmp_path / "days.csv"
    data.write_text("day,at\n31/12/2025,2025-12-31 23:59:58.250\n")
    assert validate(data, contract).ok
    data.write_text("day,at\n2025-12-31,2025-12-31 23:59:58.250\n")
    assert [(f.column, f.check) for f in validate(data, contract).failures] == [
        ("day", "type date")
    ]


def test_date_format_charter_cannot_read_is_noted_and_iso_is_read():
    contract = contract_with(
        [{"name": "day", "logicalType": "date", "logicalTypeOptions": {"format": "EEE dd"}}]
    )
    report = validate(pl.DataFrame({"day": [dt.date(2025, 1, 1)]}), contract)
    assert report.ok
    assert report.skipped == (
        "property 'day': format 'EEE dd' is not a JDK date pattern (yyyy, MM, dd, HH, mm, ss, "
        "SSS, a, XXX, Z): text is read as ISO dates",
    )
    named = contract_with(
        [{"name": "day", "logicalType": "date", "logicalTypeOptions": {"format": "date"}}]
    )
    assert validate(pl.DataFrame({"day": [dt.date(2025, 1, 1)]}), named).skipped == ()
