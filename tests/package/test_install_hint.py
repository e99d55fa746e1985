"""Install hints name the project's own tool: `uv add` in a uv project, `pip install` elsewhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from charter.install_hint import install_command

WITHOUT_POLARS = (
    "import sys; sys.modules['polars'] = None; from charter.cli import main; "
    "sys.exit(main(['validate', 'data.csv', '--contract', 'c.odcs.yaml']))"
)


def project(root: Path, pyproject: str, *, lock: bool = False) -> Path:
    (root / "pyproject.toml").write_text(pyproject)
    if lock:
        (root / "uv.lock").write_text("version = 1\n")
    (root / "src").mkdir()
    return root


PLAIN = '[project]\nname = "x"\nversion = "0"\n'


@pytest.mark.parametrize(
    ("pyproject", "lock", "command"),
    [
        (PLAIN, True, "uv add 'charter[runtime]'"),
        (PLAIN + "\n[tool.uv]\npackage = true\n", False, "uv add 'charter[runtime]'"),
        (PLAIN, False, "pip install 'charter[runtime]'"),
        ("not toml [", False, "pip install 'charter[runtime]'"),
    ],
)
def test_the_command_follows_the_project(tmp_path: Path, pyproject: str, lock: bool, command: str):
    root = project(tmp_path, pyproject, lock=lock)
    assert install_command("runtime", root / "src") == command


def test_outside_any_project_it_is_pip(tmp_path: Path):
    assert install_command("runtime", tmp_path) == "pip install 'charter[runtime]'"


@pytest.mark.parametrize(
    ("lock", "command"),
    [(True, "uv add 'charter[runtime]'"), (False, "pip install 'charter[runtime]'")],
)
def test_validate_without_polars_says_what_to_run(tmp_path: Path, lock: bool, command: str):
    root = project(tmp_path, PLAIN, lock=lock)
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_POLARS],
        cwd=root / "src",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "charter validate: reading data needs the package 'polars', which comes with "
        f"charter's runtime extra; install it with: {command}\n"
    )


@pytest.mark.parametrize(
    ("lock", "command"),
    [(True, "uv add 'charter[runtime]'"), (False, "pip install 'charter[runtime]'")],
)
def test_new_contract_without_polars_says_what_to_run(tmp_path: Path, lock: bool, command: str):
    root = project(tmp_path, PLAIN, lock=lock)
    (root / "data.csv").write_text("a\n1\n")
    script = (
        "import sys; sys.modules['polars'] = None; from charter.cli import main; "
        "sys.exit(main(['new', 'contract', 'things', '--from', 'data.csv']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.rstrip().endswith(command), result.stderr
