"""The template under test, reached through the test suite's own helpers.

Benchmarks render exactly what the tests render: a tagged clone of the working
tree (tests/templating.py), so no timing depends on a git host.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

from templating import clean_env, clone_working_tree, copy_project, git  # noqa: E402

__all__ = [
    "REPO",
    "clean_env",
    "clone_working_tree",
    "copier_copy",
    "copy_project",
    "git",
    "one_file_template",
]


def copier_copy(template: Path, dest: Path, home: Path, *data: str) -> None:
    """`copier copy --trust --defaults` as a user types it, with `--data` pairs."""
    data_args = [arg for pair in data for arg in ("--data", pair)]
    subprocess.run(
        [
            sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet",
            *data_args, str(template), str(dest),
        ],
        env=clean_env(home),
        check=True,
        capture_output=True,
    )  # fmt: skip


def one_file_template(dest: Path) -> Path:
    """A tagged git repository holding the smallest useful Copier template.

    It is the floor of `copier copy`: one question, one file, same machinery
    (git clone of the template, render, answers file), so the difference to
    Charter is the cost of Charter's own files, questions and tasks.
    """
    dest.mkdir(parents=True)
    (dest / "copier.yml").write_text(
        "_answers_file: .copier-answers.yml\n"
        "project_name:\n  type: str\n  default: Diabetes Progression\n"
    )
    (dest / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml -}}\n"
    )
    (dest / "README.md.jinja").write_text("# {{ project_name }}\n")
    env = clean_env()
    for args in (
        ("init", "--quiet", "--initial-branch=main"),
        ("add", "-A"),
        ("commit", "--quiet", "-m", "one-file template"),
        ("tag", "v1.0.0"),
    ):
        subprocess.run(["git", *args], cwd=dest, env=env, check=True, capture_output=True)
    return dest
