"""The public runtime API (`charter.runtime`): what generated pipeline stages build on."""

from __future__ import annotations

import datetime as dt
import json
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest
import yaml
from test_validation import CONTRACT, valid_frame

from charter import runtime

DTYPES = {
    "bool": ("flag", pl.Boolean),
    "int8": ("small", pl.Int8),
    "int16": ("small", pl.Int16),
    "int32": ("small", pl.Int32),
    "int64": ("small", pl.Int64),
    "uint8": ("small", pl.UInt8),
    "uint16": ("small", pl.UInt16),
    "uint32": ("small", pl.UInt32),
    "uint64": ("small", pl.UInt64),
    "float32": ("ratio", pl.Float32),
    "float64": ("ratio", pl.Float64),
    "string": ("code", pl.String),
    "date": ("day", pl.Date),
    "datetime": ("moment", pl.Datetime),
    "category": ("code", pl.Categorical),
}


def feature(name: str, dtype: str, *, status: str = "active", ref: str | None = None) -> dict:
    return {
        "name": name,
        "version": 1,
        "entity": "visit",
        "joinKeys": ["visit_id"],
        "dtype": dtype,
        "owner": "ada@example.org",
        "status": status,
        "description": name,
        "sources": [{"contract": "visits", "property": "x"}],
        "transform": {"ref": ref or f"rt_features:{name}"},
    }


@pytest.fixture
def features_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module `rt_features` with one function per column of `table()`."""
    functions = "".join(
        f"def {name}():\n    return pl.col({column!r})\n\n\n"
        for name, (column, _) in {f"f_{d}": DTYPES[d] for d in DTYPES}.items()
    )
    (tmp_path / "rt_features.py").write_text("import polars as pl\n\n\n" + functions)
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("rt_features", None)
    return tmp_path


def write_catalog(path: Path, features: list[dict]) -> Path:
    catalog = {"apiVersion": "charter/v1", "kind": "FeatureCatalog", "features": features}
    path.write_text(yaml.safe_dump(catalog, sort_keys=False), encoding="utf-8")
    return path


def table() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "visit_id": ["V1", "V2"],
            "flag": [True, False],
            "small": [1, 2],
            "ratio": [0.5, 1.5],
            "code": ["a", "b"],
            "day": ["2024-01-31", "2024-02-29"],
            "moment": ["2024-01-31 10:00:00", "2024-02-29 23:59:59"],
        }
    )


def test_every_catalog_dtype_is_built(features_module: Path):
    catalog = write_catalog(features_module / "c.yaml", [feature(f"f_{d}", d) for d in DTYPES])
    built = runtime.build_features(table(), catalog)
    assert built.columns == ["visit_id", *(f"f_{d}" for d in DTYPES)]
    for dtype, (_, polars_type) in DTYPES.items():
        assert built.schema[f"f_{dtype}"] == polars_type, dtype
    assert built["f_date"].to_list() == [dt.date(2024, 1, 31), dt.date(2024, 2, 29)]
    assert built["f_datetime"][1] == dt.datetime(2024, 2, 29, 23, 59, 59)


def test_dates_that_are_already_dates_stay_dates(features_module: Path):
    catalog = write_catalog(features_module / "c.yaml", [feature("f_date", "date")])
    days = table().with_columns(pl.col("day").str.to_date())
    assert runtime.build_features(days, catalog)["f_date"].dtype == pl.Date


def test_draft_and_deprecated_features_are_not_built(features_module: Path):
    catalog = write_catalog(
        features_module / "c.yaml",
        [
            feature("f_int64", "int64"),
            feature("f_float64", "float64", status="deprecated"),
            feature("f_string", "string", status="draft"),
        ],
    )
    assert [f.name for f in runtime.active_features(catalog)] == ["f_int64"]
    assert runtime.build_features(table(), catalog).columns == ["visit_id", "f_int64"]


def test_old_and_new_versions_coexist_and_only_the_active_one_is_built(features_module: Path):
    """After `charter feature bump`: f@1 deprecated on its frozen code, f@2 active."""
    old = feature("f_int64", "int64", status="deprecated", ref="rt_features:f_int8")
    new = dict(feature("f_int64", "int64"), version=2)
    catalog = write_catalog(features_module / "c.yaml", [old, new])
    built = runtime.build_features(table(), catalog)
    assert built.columns == ["visit_id", "f_int64"]
    assert built.schema["f_int64"] == pl.Int64


def test_two_active_versions_of_one_feature_are_one_sentence(features_module: Path):
    """Once a polars `duplicate output name` crash; now the message says what to do."""
    both = [feature("f_int64", "int64"), dict(feature("f_int64", "int64"), version=2)]
    catalog = write_catalog(features_module / "c.yaml", both)
    with pytest.raises(runtime.FeatureError, match=r"2 active versions \(f_int64@1, f_int64@2\)"):
        runtime.build_features(table(), catalog)


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (feature("f_int64", "int64", ref="rt_features:nowhere"), "cannot be imported"),
        (feature("f_int64", "int64", ref="no_colon"), "module:function"),
        (feature("f_missing", "int64", ref="rt_features_missing:f"), "cannot be imported"),
        (feature("f_date", "int8"), "cannot be computed"),
    ],
    ids=["unknown-function", "bad-ref", "unknown-module", "uncastable"],
)
def test_a_feature_that_cannot_be_built_is_named(features_module: Path, entry: dict, words: str):
    catalog = write_catalog(features_module / "c.yaml", [feature("f_bool", "bool"), entry])
    with pytest.raises(runtime.FeatureError) as error:
        runtime.build_features(table(), catalog)
    assert error.value.feature == entry["name"]
    assert entry["name"] in str(error.value)
    assert words in str(error.value)


def test_a_missing_column_names_feature_and_column(features_module: Path):
    catalog = write_catalog(features_module / "c.yaml", [feature("f_bool", "bool")])
    with pytest.raises(runtime.FeatureError, match=r"'f_bool' of .* reads column 'flag'"):
        runtime.build_features(table().drop("flag"), catalog)


def test_params_and_seeds(tmp_path: Path):
    path = tmp_path / "pipeline.yaml"
    path.write_text("seeds:\n  split: 7\nmodel:\n  alpha: 0.5\n")
    params = runtime.read_params(path)
    assert params.values == {"model": {"alpha": 0.5}}
    assert params.seed("split") == 7
    assert params.get("model.alpha") == 0.5
    with pytest.raises(runtime.ParamsError, match=r"no setting 'model.beta'"):
        params.get("model.beta")
    with pytest.raises(runtime.ParamsError, match=r"no seed 'model'"):
        params.seed("model")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("model: {}\n", "must be a mapping with a `seeds:` mapping"),
        ("seeds: {split: x}\n", "seed 'split' must be an integer"),
        ("seeds: [\n", "cannot read"),
    ],
)
def test_bad_params_files_are_refused_in_one_sentence(tmp_path: Path, text: str, words: str):
    path = tmp_path / "pipeline.yaml"
    path.write_text(text)
    with pytest.raises(runtime.ParamsError, match=words):
        runtime.read_params(path)


def test_a_required_setting_is_checked_up_front(tmp_path: Path):
    path = tmp_path / "pipeline.yaml"
    path.write_text("seeds: {split: 1}\n")
    with pytest.raises(runtime.ParamsError, match=r"no setting 'split\.test_size'"):
        runtime.read_params(path, require=("split.test_size",))


def test_load_input_validates_and_records(tmp_path: Path):
    data = tmp_path / "patients.parquet"
    valid_frame().write_parquet(data)
    record = tmp_path / "interim" / "patients.validated.json"
    frame = runtime.load_input(data, CONTRACT, record=record)
    assert frame.height == 4
    written = json.loads(record.read_text())
    assert written["rows"] == 4
    assert written["fingerprint"].startswith("blake3:")
    assert written["contract"]["id"]


def test_load_input_stops_on_data_that_breaks_the_contract(tmp_path: Path):
    data = tmp_path / "patients.parquet"
    valid_frame().with_columns(pl.lit(-5).alias("age")).write_parquet(data)
    record = tmp_path / "patients.validated.json"
    with pytest.raises(runtime.InvalidData) as error:
        runtime.load_input(data, CONTRACT, record=record)
    assert "age" in str(error.value)
    assert "nothing downstream was written" in str(error.value)
    assert not record.exists()


def test_stage_main_turns_errors_into_one_line(capsys: pytest.CaptureFixture[str]):
    def body() -> None:
        raise runtime.ParamsError("configs/pipeline.yaml has no setting 'model'")

    body.__module__ = "pkg.train"
    main = runtime.stage(body)
    assert main([]) == 1
    assert capsys.readouterr().err == (
        "stage train: configs/pipeline.yaml has no setting 'model'; nothing was written.\n"
    )
    assert main(["--what"]) == 2
    assert runtime.stage(lambda: None)([]) == 0


def test_atomic_outputs(tmp_path: Path):
    runtime.write_json(tmp_path / "m.json", {"b": 1, "a": 2})
    assert (tmp_path / "m.json").read_text() == '{\n  "a": 2,\n  "b": 1\n}\n'
    runtime.write_parquet(pl.DataFrame({"x": [1]}), tmp_path / "deep" / "t.parquet")
    assert pl.read_parquet(tmp_path / "deep" / "t.parquet")["x"].to_list() == [1]
    assert [p.name for p in tmp_path.rglob(".*.tmp")] == []


def test_paths_honour_tool_charter(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [project]
            name = "x"
            [tool.charter]
            contracts = "meta/contracts"
            runs = "records"
            """
        )
    )
    (tmp_path / "src").mkdir()
    found = runtime.paths(tmp_path / "src")
    assert found.root == tmp_path.resolve()
    assert found.contracts == tmp_path.resolve() / "meta/contracts"
    assert found.runs == tmp_path.resolve() / "records"
    assert found.features == tmp_path.resolve() / "governance/features/catalog.yaml"


def test_the_api_lists_what_it_promises():
    promised = {
        "read_params",
        "stage",
        "load_input",
        "check_input",
        "build_features",
        "active_features",
        "write_json",
        "write_parquet",
        "write_text",
        "atomic_path",
        "Run",
        "record_run",
        "run_pipeline",
        "paths",
    }
    assert promised <= set(runtime.__all__)
    assert all(hasattr(runtime, name) for name in runtime.__all__)
