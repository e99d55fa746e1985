"""The release routine's check (`nox -s release_check -- vX.Y.Z`): tag and CHANGELOG agree."""

from __future__ import annotations

import subprocess
import sys

import pytest
from release_check import ROOT, changelog_at, problems
from templating import git

RELEASED = """# Changelog

## [Unreleased]

## [1.2.0] - 2026-12-01

### Fixed

- Something.

### Standards

- A new hook.

## [1.1.0] - 2026-11-01

### Standards

- None.
"""


def test_a_release_that_agrees_passes():
    assert problems(RELEASED, "v1.2.0") == []


@pytest.mark.parametrize(
    ("tag", "problem"),
    [
        ("1.2.0", "must start with 'v'"),
        ("v1.2", "no '## [1.2] - YYYY-MM-DD' entry"),
        ("vnext", "is not 'v' and a PEP 440 version"),
        ("v1.02.0", "not a canonical PEP 440 release tag: use v1.2.0"),
        ("v1.2.0+local", "not a canonical PEP 440 release tag: use v1.2.0"),
        ("v1.3.0", "no '## [1.3.0] - YYYY-MM-DD' entry for the tag v1.3.0"),
        ("v1.1.0", "the entry for 1.1.0 is not the newest: 1.2.0 is above it"),
    ],
)
def test_a_tag_without_its_entry_is_refused(tag, problem):
    assert any(problem in found for found in problems(RELEASED, tag)), problems(RELEASED, tag)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("## [Unreleased]\n", "## [Unreleased]\n\n- Not released yet.\n", "[Unreleased] still"),
        ("## [1.2.0] - 2026-12-01", "## [1.2.0]", "needs a date"),
        ("## [1.2.0] - 2026-12-01", "## [1.2.0] - soon", "needs a date"),
        ("### Standards\n\n- A new hook.", "- A new hook.", "has no '### Standards' section"),
        ("## [1.1.0] - 2026-11-01", "## [1.3.0] - 2026-11-01", "already an entry for 1.3.0"),
    ],
)
def test_a_changelog_that_is_not_ready_is_refused(old, new, problem):
    changelog = RELEASED.replace(old, new, 1)
    assert changelog != RELEASED
    assert any(problem in found for found in problems(changelog, "v1.2.0"))


def test_an_existing_tag_is_checked_against_its_own_changelog(tmp_path):
    """A tag made before the entry was written is refused even once the entry is in."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "--quiet", cwd=repo)
    (repo / "CHANGELOG.md").write_text(RELEASED.replace("1.2.0", "1.1.5"))
    git("add", "CHANGELOG.md", cwd=repo)
    git("commit", "--quiet", "-m", "1.1.5", cwd=repo)
    git("tag", "v1.2.0", cwd=repo)
    (repo / "CHANGELOG.md").write_text(RELEASED)
    assert changelog_at("v1.2.0", repo) != RELEASED
    assert problems(changelog_at("v1.2.0", repo), "v1.2.0") != []
    assert changelog_at("v9.9.9", repo) == RELEASED, "no tag yet: the working tree's"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tests" / "release_check.py"), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_script_exits_1_with_the_problems_and_2_on_usage():
    refused = run_script("v0.0.1rc99")
    assert refused.returncode == 1
    assert "CHANGELOG.md: " in refused.stderr
    assert "v0.0.1rc99: not ready to release" in refused.stderr
    assert "Traceback" not in refused.stderr
    usage = run_script()
    assert usage.returncode == 2
    assert "usage: release_check.py vX.Y.Z" in usage.stderr
