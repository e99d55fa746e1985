"""Update tier: how a fork numbers its releases decides whether Charter's migrations run.

docs/customise.md ("Versioning a fork") tells a fork to keep Charter's version
as the first three parts of its tags. Here the rebuilt releases
(tests/release_history.py: v0.0.8 before the v0.1.0 migration that renames
`sensitivity` to `data_sensitivity`, the working tree after it) are tagged as a
fork would tag them, both ways, and a project is updated across them.
"""

from __future__ import annotations

import pytest
import yaml
from release_history import build_release_history
from template_defaults import default
from templating import TEST_VERSION, copy_project, git, update_project

pytestmark = pytest.mark.update


def _fork(folder, tags: dict[str, str]):
    """Charter's rebuilt history with Charter's tags replaced by a fork's: {fork tag: release}."""
    clone = build_release_history(folder / "acme-charter")
    for tag, release in tags.items():
        git("tag", tag, release, cwd=clone)
    for release in [*sorted(set(tags.values())), "v0.0.9"]:
        git("tag", "--delete", release, cwd=clone)
    return clone


@pytest.fixture(scope="module")
def advised(tmp_path_factory):
    """Charter's version, then the fork's count: v0.0.8.1 and v0.1.0.1."""
    tags = {"v0.0.8.1": "v0.0.8", "v0.1.0.1": f"v{TEST_VERSION}"}
    return _fork(tmp_path_factory.mktemp("advised"), tags)


@pytest.fixture(scope="module")
def own_line(tmp_path_factory):
    """A version line of the fork's own: v1.0.0 and v1.1.0."""
    return _fork(tmp_path_factory.mktemp("own"), {"v1.0.0": "v0.0.8", "v1.1.0": f"v{TEST_VERSION}"})


def _update(fork, tmp_path, old: str, new: str) -> dict:
    project = copy_project(fork, tmp_path / old, {"sensitivity": "restricted"}, vcs_ref=old)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", f"Generated at {old}", cwd=project)
    update_project(project, new)
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def test_tags_after_charters_version_run_charters_migrations(advised, tmp_path) -> None:
    answers = _update(advised, tmp_path, "v0.0.8.1", "v0.1.0.1")
    assert answers["_commit"] == "v0.1.0.1"
    assert answers["data_sensitivity"] == "restricted"  # the v0.1.0 migration ran
    assert "sensitivity" not in answers


def test_a_separate_version_line_never_crosses_them(own_line, tmp_path) -> None:
    """The failure the docs warn about: the answer silently falls back to the default."""
    answers = _update(own_line, tmp_path, "v1.0.0", "v1.1.0")
    assert answers["_commit"] == "v1.1.0"
    # The migration did not run: the old answer was dropped with its question and
    # the renamed question took its default.
    assert "sensitivity" not in answers
    assert answers["data_sensitivity"] == default("data_sensitivity") != "restricted"
