"""One version string everywhere: Copier's template version is charter's version.

Copier prints "Copying from template version X" (its PEP 440 rendering of
`git describe`, the `_commit` it records); `charter --version`, built from the
same commit of the template repository as a generated project builds it (a git
source at that rev), says the same X, on a tagged commit and on one after it.
"""

from __future__ import annotations

import pytest
from conftest import run
from copier._template import Template
from templating import TEST_VERSION, clean_env, clone_working_tree, git

pytestmark = pytest.mark.generated


def copier_version(template, rev: str) -> str:
    """The version Copier shows (and records as `_commit`) for `rev` of `template`."""
    version = Template(url=str(template), ref=rev).version
    assert version is not None
    return str(version)


def charter_version(template, rev: str, home) -> str:
    """`charter --version` of charter installed from `template` at `rev` as a git source."""
    result = run(
        "uv",
        "tool",
        "run",
        "--isolated",
        "--from",
        f"git+file://{template}@{rev}",
        "charter",
        "--version",
        cwd=home,
        env={"UV_TOOL_DIR": str(home / "tools")},
    )
    return result.stdout.strip().removeprefix("charter ")


@pytest.mark.parametrize("commits_after_tag", [0, 2], ids=["tagged", "untagged"])
def test_copier_and_charter_show_one_version(tmp_path, commits_after_tag):
    template = clone_working_tree(tmp_path / "charter")
    for n in range(commits_after_tag):
        git("commit", "--quiet", "--allow-empty", "-m", f"after the tag {n}", cwd=template)
    rev = git("rev-parse", "HEAD", cwd=template, env=clean_env()).strip()

    expected = copier_version(template, rev)
    if commits_after_tag:
        short = rev[:7]
        assert expected == f"{TEST_VERSION}.post{commits_after_tag}.dev0+{short}"
    else:
        assert expected == TEST_VERSION
    assert charter_version(template, rev, tmp_path) == expected
