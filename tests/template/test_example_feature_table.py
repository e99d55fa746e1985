"""The example pipeline trains on the catalog's active features only."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml


def load_feature_table(project: Path):
    """The rendered `feature_table` module, imported from the generated project."""
    [path] = project.glob("src/*/feature_table.py")
    spec = importlib.util.spec_from_file_location("rendered_feature_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_draft_and_deprecated_features_are_not_built(render, tmp_path: Path):
    project = render(example_pipeline=True)
    catalog_path = project / "governance" / "features" / "catalog.yaml"
    catalog = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))
    statuses = {"bmi": "deprecated", "blood_glucose": "draft"}
    for feature in catalog["features"]:
        feature["status"] = statuses.get(feature["name"], feature["status"])
    edited = tmp_path / "catalog.yaml"
    edited.write_text(yaml.safe_dump(catalog, sort_keys=False), encoding="utf-8")

    names = [feature.name for feature in load_feature_table(project).active_features(edited)]

    assert names == [
        f["name"] for f in catalog["features"] if f["status"] == "active"
    ]
    assert "bmi" not in names
    assert "blood_glucose" not in names
    assert len(names) == len(catalog["features"]) - 2
