"""Wrong types anywhere in an artifact give findings, never a crash of a rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from checking import copy_good

from charter.project import Project
from charter.rules import check

WRONG_VALUES: list[Any] = [None, 7, "text", ["a", 1], {"x": {"y": []}}, True]
FILES = {
    "contract": "governance/contracts/visits.odcs.yaml",
    "catalog": "governance/features/catalog.yaml",
}


def paths(data: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every key path into nested mappings and lists."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield (*prefix, index)
            yield from paths(value, (*prefix, index))


def replaced(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = replaced(copy[head], tuple(rest), value)
    return copy


def value_at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def run_rules(project: Path) -> set[str]:
    return {f.code for f in check(Project.load(project), stage="production")}


@pytest.mark.parametrize("kind", list(FILES))
def test_every_value_replaced_by_every_wrong_type(tmp_path: Path, kind: str) -> None:
    project = copy_good(tmp_path)
    target = project / FILES[kind]
    original = yaml.safe_load(target.read_text())
    checked = 0
    for path in paths(original):
        for value in WRONG_VALUES:
            target.write_text(yaml.safe_dump(replaced(original, path, value)))
            run_rules(project)  # must not raise
            checked += 1
    assert checked > 100


def test_card_governance_values_of_wrong_types(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    card = project / "governance/models/risk/card.md"
    text = card.read_text()
    front, body = text.split("\n---\n", 1)
    original = yaml.safe_load(front.removeprefix("---\n"))
    for path in paths(original):
        for value in WRONG_VALUES:
            new_front = yaml.safe_dump(replaced(original, path, value))
            card.write_text(f"---\n{new_front}---\n{body}")
            codes = run_rules(project)
            wrong_type = type(value) is not type(value_at(original, path))
            if path[0] == "governance" and wrong_type and path[-1] != "run_manifest":
                assert codes & {"MOD002", "MOD005", "MOD006", "MOD007", "MOD008"}, (path, value)
