"""The after-copy message warns when `charter` comes from a path only this machine has."""

from __future__ import annotations

import copier
import pytest
from templating import isolated_environ

SHARED = "https://git.example.org/ml/charter.git"


def copy_message(template, dest, capsys, **data) -> str:
    """What `copier copy` prints after copying (Copier writes it to stderr)."""
    with isolated_environ(dest.parent):
        copier.run_copy(
            str(template),
            str(dest),
            data={"lock_at_copy": False, **data},
            defaults=True,
            unsafe=True,
            quiet=False,
        )
    return capsys.readouterr().err


def test_a_local_template_warns_and_says_how_to_fix(template_repo, tmp_path, capsys):
    message = copy_message(template_repo, tmp_path / "project", capsys)
    assert f"installs `charter` from file://{template_repo}" in message
    assert "teammates' machines and CI cannot resolve it" in message
    assert "`_src_path` in .copier-answers.yml" in message
    assert "PRJ012" in message
    pyproject = (tmp_path / "project" / "pyproject.toml").read_text()
    assert f'charter = {{ git = "file://{template_repo}"' in pyproject


@pytest.mark.parametrize(
    "charter_git", [SHARED, "ssh://git@git.example.org/ml/charter.git", "git@host:ml/charter"]
)
def test_a_shared_template_does_not_warn(template_repo, tmp_path, capsys, charter_git):
    message = copy_message(template_repo, tmp_path / "project", capsys, charter_git=charter_git)
    assert "is ready in" in message
    assert "cannot resolve" not in message
    pyproject = (tmp_path / "project" / "pyproject.toml").read_text()
    assert f'charter = {{ git = "{charter_git}"' in pyproject
