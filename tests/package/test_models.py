"""Model files: skops bytes that are canonical, load only with the recorded sha256, refuse code."""

from __future__ import annotations

import io
import json
import os
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import Ridge

from charter import models, runtime

SAVE = """
import sys
import numpy as np
from sklearn.linear_model import Ridge
from charter import runtime
x = np.arange(30, dtype=float).reshape(10, 3)
runtime.save_model(Ridge(alpha=0.5).fit(x, x.sum(axis=1)), sys.argv[1])
"""


def fitted() -> Ridge:
    x = np.arange(30, dtype=float).reshape(10, 3)
    return Ridge(alpha=0.5).fit(x, x.sum(axis=1))


def project(tmp_path: Path, sha256: str, run_id: str = "r1") -> Path:
    """A project folder with a run manifest recording artifacts/model.skops at `sha256`."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\n')
    manifest = {
        "apiVersion": "charter/v1",
        "run_id": run_id,
        "start_time": "2026-12-07T10:15:00Z",
        "end_time": "2026-12-07T10:16:00Z",
        "code": {"commit": "a" * 40, "dirty": False, "entry_point": "p.pipeline"},
        "environment": {"lock_sha256": "c" * 64, "python": "3.11.9", "platform": "linux"},
        "inputs": [],
        "features": [],
        "params": {},
        "params_hash": "sha256:" + "e" * 64,
        "seeds": {},
        "metrics": {},
        "outputs": [{"name": "model", "uri": "artifacts/model.skops", "sha256": sha256}],
    }
    folder = tmp_path / "runs" / run_id
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def test_saved_bytes_are_the_same_in_two_processes(tmp_path: Path) -> None:
    paths = [tmp_path / "a.skops", tmp_path / "b.skops"]
    for path in paths:
        subprocess.run([sys.executable, "-c", SAVE, str(path)], check=True)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    names = zipfile.ZipFile(paths[0]).namelist()
    assert names[0] == "schema.json" and all(n.startswith(("schema", "part")) for n in names)


def test_round_trip_with_the_recorded_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = models.dumps(fitted())
    root = project(tmp_path, models.hashlib.sha256(data).hexdigest())
    (root / "artifacts").mkdir()
    (root / "artifacts/model.skops").write_bytes(data)
    monkeypatch.chdir(root)
    loaded = runtime.load_model("artifacts/model.skops")
    assert loaded.run_id == "r1"
    x = np.ones((2, 3))
    assert np.allclose(loaded.estimator.predict(x), fitted().predict(x))
    grid = np.arange(12, dtype=float).reshape(4, 3)
    forest = RandomForestClassifier(n_estimators=2, random_state=0).fit(grid, [0, 0, 1, 1])
    again = models.loads(models.dumps(forest), "f")  # holds scikit-learn's Tree type
    assert again.predict(grid).tolist() == forest.predict(grid).tolist()


def test_a_file_whose_hash_differs_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, "0a" * 32)
    runtime.save_model(fitted(), root / "artifacts/model.skops")
    monkeypatch.chdir(root)
    with pytest.raises(runtime.ModelError, match=r"but run r1 recorded 0a0a0a0a0a0a\.\.\."):
        runtime.load_model("artifacts/model.skops")
    with pytest.raises(runtime.ModelError, match=r"records no output other\.skops"):
        runtime.load_model("other.skops", root / "runs/r1/manifest.json")


def test_a_file_that_would_run_code_is_refused(tmp_path: Path) -> None:
    class Boom:
        def __reduce__(self) -> tuple:
            return (os.system, ("echo pwned",))

    data = models.dumps(fitted())
    source = zipfile.ZipFile(io.BytesIO(data))
    schema = json.loads(source.read("schema.json"))
    schema["content"]["content"]["alpha"] = {
        "__class__": "system", "__module__": "posix", "__loader__": "FunctionNode",
        "content": {"module_path": "posix", "function": "system"}, "__id__": 999,
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        target.writestr("schema.json", json.dumps(schema))
        for name in source.namelist()[1:]:
            target.writestr(name, source.read(name))
    with pytest.raises(models.ModelError, match="could run code"):
        models.loads(buffer.getvalue(), "evil.skops")
    with pytest.raises(models.ModelError, match="not a skops model file"):
        models.loads(pickle.dumps(Boom()), "pickled.skops")


class Custom:
    """A class of the project's own: skops saves it, but loading it would import and run it."""


def test_a_type_of_no_trusted_library_is_refused_at_load(tmp_path: Path) -> None:
    runtime.save_model(Custom(), tmp_path / "m.skops")
    with pytest.raises(models.ModelError, match=r"could run code when loaded \(test_models.Custom"):
        models.loads((tmp_path / "m.skops").read_bytes(), "m.skops")
