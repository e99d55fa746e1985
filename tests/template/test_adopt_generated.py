"""Generated tier: `charter adopt` leaves an existing repository green, its files untouched.

After adopting: `uv sync --locked`, every hook of the project's own
.pre-commit-config.yaml, its tests and `charter check` pass, and the hooks
change nothing.
"""

from __future__ import annotations

import time

import pytest
from charter_cli import charter
from conftest import run
from legacy_repository import FILES, legacy_repository, snapshot
from templating import clean_env, git

pytestmark = [pytest.mark.generated]


def test_adopt_leaves_an_existing_repository_green(template_repo, tmp_path) -> None:
    root = legacy_repository(tmp_path / "legacy-forecast")
    before = snapshot(root)
    env = clean_env(tmp_path)
    started = time.perf_counter()
    result = charter("adopt", "--template", template_repo, cwd=root, env=env)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stdout + result.stderr
    after = snapshot(root)
    assert [f for f in FILES if after[f] != before[f]] == ["pyproject.toml"]
    run("uv", "sync", "--locked", "--quiet", cwd=root, env=env)
    git("add", "-A", cwd=root, env=env)
    hooks = run(
        "uv", "run", "--frozen", "pre-commit", "run", "--all-files", cwd=root, check=False, env=env
    )  # fmt: skip
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr
    assert git("diff", "--name-only", cwd=root, env=env) == ""  # the hooks changed nothing
    tests = run("uv", "run", "--frozen", "pytest", "-q", cwd=root, check=False, env=env)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    check = run(
        "uv", "run", "--frozen", "charter", "check", "--ignore", "PRJ012",
        cwd=root, check=False, env=env,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    print(f"\ncharter adopt (render, merge, uv lock, uv sync, drafts): {seconds:.1f} s")
