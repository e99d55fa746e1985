"""Lock files pass the large-file hook; the size limit is set once (copier.yml: large_file_kb).

A retrofitted repository's uv.lock (555 kB in the platform trial) or a long
dvc.lock must not be refused by the hook that keeps data out of git.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from templating import own_size_exclude

REPO = Path(__file__).resolve().parents[2]
LOCKS = ["uv.lock", "dvc.lock", "pylock.toml", "pylock.dev.toml"]
NOT_LOCKS = ["data/raw/visits.csv", "models/model.pkl", "docs/uv.lock.png", "pylock.toml.bak"]


def _hook(config: Path) -> dict:
    hooks = [h for repo in yaml.safe_load(config.read_text())["repos"] for h in repo["hooks"]]
    return next(h for h in hooks if h["id"] == "check-added-large-files")


def _default_limit() -> int:
    return int(yaml.safe_load((REPO / "copier.yml").read_text())["large_file_kb"]["default"])


@pytest.fixture(scope="module")
def generated_hook(render) -> dict:
    return _hook(render() / ".pre-commit-config.yaml")


@pytest.mark.parametrize("path", LOCKS)
def test_lock_files_are_exempt(generated_hook: dict, path: str) -> None:
    assert re.search(generated_hook["exclude"], path), path


@pytest.mark.parametrize("path", NOT_LOCKS)
def test_other_files_are_checked(generated_hook: dict, path: str) -> None:
    assert not re.search(generated_hook["exclude"], path), path


def test_the_limit_comes_from_copier_yml_and_charter_uses_the_same(generated_hook: dict) -> None:
    limit = _default_limit()
    assert f"--maxkb={limit}" in generated_hook["entry"]
    own = _hook(REPO / ".pre-commit-config.yaml")
    assert f"--maxkb={limit}" in own["entry"]
    assert own["exclude"] == own_size_exclude(generated_hook["exclude"])
