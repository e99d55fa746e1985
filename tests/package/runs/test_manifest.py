"""Run manifests: what `Run` writes is schema-valid; broken manifests are located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mini_project import make, run_pipeline

from charter.formats import manifest as manifest_format
from charter.formats.source import FormatError, Kind
from charter.runs import Run, RunError, write_text


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make(tmp_path_factory.mktemp("manifest") / "mini")
    return run_pipeline(root)


def test_recorded_manifest_loads_with_every_field(recorded: Path):
    manifest = manifest_format.load(recorded)
    data = manifest.data
    assert data["apiVersion"] == "charter/v1"
    assert manifest.run_id == recorded.parent.name
    assert len(manifest.commit) == 40
    assert manifest.dirty is False
    assert manifest.entry_point == "mini.pipeline"
    assert len(manifest.lock_sha256) == 64
    [numbers] = manifest.inputs
    assert numbers.fingerprint.startswith("blake3:")
    assert (numbers.bytes, numbers.rows, numbers.uri) == (6, 3, "data/numbers.csv")
    assert (numbers.contract.id, numbers.contract.version) == ("numbers", "1.0.0")
    assert manifest.features == ["total@1"]
    assert manifest.params == {"scale": 2}
    assert manifest.params_hash == manifest_format.params_hash({"scale": 2})
    assert manifest.seeds == {"noise": 7}
    assert set(manifest.metrics) == {"score"}
    [result] = manifest.outputs
    assert result.uri == f"artifacts/{manifest.run_id}/result.json"
    assert data["start_time"] <= data["end_time"]


def test_manifest_names_the_models_the_run_trained(recorded: Path, tmp_path: Path):
    assert manifest_format.load(recorded).models == ["scorer"]
    # A manifest written before `models` existed still loads, and says it does not know.
    data = json.loads(recorded.read_text())
    del data["models"]
    older = tmp_path / "manifest.json"
    older.write_text(manifest_format.dumps(data))
    assert manifest_format.load(older).models is None


def test_params_hash_ignores_key_order():
    assert manifest_format.params_hash({"a": 1, "b": {"c": 2, "d": 3}}) == (
        manifest_format.params_hash({"b": {"d": 3, "c": 2}, "a": 1})
    )
    assert manifest_format.params_hash({"a": 1}) != manifest_format.params_hash({"a": 2})


def test_schema_error_points_at_the_value(recorded: Path, tmp_path: Path):
    data = json.loads(recorded.read_text())
    data["inputs"][0]["fingerprint"] = "md5:abc"
    broken = tmp_path / "manifest.json"
    broken.write_text(manifest_format.dumps(data))
    with pytest.raises(FormatError) as caught:
        manifest_format.load(broken)
    line = next(
        n for n, text in enumerate(broken.read_text().splitlines(), 1) if '"md5:abc"' in text
    )
    assert caught.value.kind == Kind.INVALID_MANIFEST
    assert caught.value.line == line
    assert "/inputs/0/fingerprint" in caught.value.message


def test_missing_field_and_unknown_key_are_reported(recorded: Path, tmp_path: Path):
    data = json.loads(recorded.read_text())
    del data["seeds"]
    data["colour"] = "blue"
    broken = tmp_path / "manifest.json"
    broken.write_text(manifest_format.dumps(data))
    with pytest.raises(FormatError) as caught:
        manifest_format.load(broken)
    assert "(and 1 more)" in caught.value.message


def test_invalid_json_has_its_position(tmp_path: Path):
    broken = tmp_path / "manifest.json"
    broken.write_text('{\n  "run_id": "x",\n  oops\n}\n')
    with pytest.raises(FormatError) as caught:
        manifest_format.load(broken)
    assert (caught.value.kind, caught.value.line, caught.value.col) == (Kind.INVALID_MANIFEST, 3, 3)


def test_small_floats_keep_their_value(recorded: Path, tmp_path: Path):
    data = json.loads(recorded.read_text())
    data["metrics"]["tiny"] = 1e-05
    path = tmp_path / "manifest.json"
    path.write_text(manifest_format.dumps(data))
    assert manifest_format.load(path).metrics["tiny"] == 1e-05


def test_published_schema_equals_the_shipped_one():
    published = Path(__file__).parents[3] / "docs" / "schemas" / "run-manifest.schema.json"
    assert json.loads(published.read_text()) == manifest_format.schema()


def test_an_earlier_run_is_never_overwritten(recorded: Path):
    root = recorded.parents[2]
    before = recorded.read_bytes()
    with pytest.raises(RunError, match="already exists"):
        Run(root, entry_point="mini.pipeline", params={}, seeds={}, run_id=recorded.parent.name)
    assert recorded.read_bytes() == before


def test_a_run_needs_the_lock_file(tmp_path: Path):
    root = make(tmp_path / "mini")
    (root / "uv.lock").unlink()
    with pytest.raises(RunError, match=r"uv\.lock is missing"):
        Run(root, entry_point="mini.pipeline", params={}, seeds={})


def test_finish_refuses_a_manifest_that_breaks_the_schema(tmp_path: Path):
    root = make(tmp_path / "mini")
    run = Run(root, entry_point="mini.pipeline", params={}, seeds={"s": 1})
    with pytest.raises(RunError, match="would be invalid"):
        run.finish({"score": "high"})  # metrics must be numbers
    assert not (root / "runs").exists()


@pytest.mark.parametrize("run_id", ["../escape", ".hidden", "a/b"])
def test_a_run_id_must_be_a_plain_folder_name(tmp_path: Path, run_id: str):
    root = make(tmp_path / "mini")
    with pytest.raises(RunError, match="run id"):
        Run(root, entry_point="mini.pipeline", params={}, seeds={}, run_id=run_id)


@pytest.mark.parametrize("value", [float("nan"), float("-inf")])
def test_a_failure_inside_finish_leaves_no_half_run(tmp_path: Path, value: float):
    root = make(tmp_path / "mini")
    run = Run(root, entry_point="mini.pipeline", params={"a": 1}, seeds={"s": 1})
    output = root / "artifacts" / run.run_id / "result.json"
    write_text(output, "{}")
    run.record_output("result", output)
    with pytest.raises(RunError, match="not a finite number"):
        run.finish({"score": value})
    assert not (root / "runs" / run.run_id).exists()
    assert not (root / "artifacts" / run.run_id).exists()  # its outputs went with it
    assert sorted(p.name for p in (root / "artifacts").iterdir()) == []
