"""`charter.template_updates`: asks `copier check-update`, caches the answer in .git/."""

from __future__ import annotations

import shutil

import pytest
from checking import GOOD, charter
from templating import clean_env, copy_project, git

from charter.template_updates import CACHE_FILE, check_for_update


@pytest.fixture
def tiny_template(tmp_path):
    template = tmp_path / "template"
    template.mkdir()
    (template / "copier.yml").write_text("name:\n  type: str\n  default: x\n")
    (template / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml -}}\n"
    )
    (template / "README.md.jinja").write_text("# {{ name }}\n")
    env = clean_env()
    git("init", "--quiet", "--initial-branch=main", cwd=template, env=env)
    git("add", "-A", cwd=template, env=env)
    git("commit", "--quiet", "-m", "v1", cwd=template, env=env)
    git("tag", "v1.0.0", cwd=template, env=env)
    return template


@pytest.fixture
def project(tiny_template, tmp_path):
    dest = copy_project(tiny_template, tmp_path / "project", {})
    git("init", "--quiet", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "--quiet", "-m", "generated", cwd=dest)
    return dest


def release(template, tag):
    git("commit", "--quiet", "--allow-empty", "-m", tag, cwd=template)
    git("tag", tag, cwd=template)


def test_a_new_release_is_seen_at_once_not_when_the_cache_expires(
    project, tiny_template, monkeypatch
):
    monkeypatch.setenv("CHARTER_TEMPLATE_CHECK_TTL", "86400")  # the default: a day
    check_for_update.cache_clear()
    status = check_for_update(project)
    assert status is not None
    assert (status.update_available, status.current, status.error) == (False, "1.0.0", None)
    assert (project / CACHE_FILE).is_file()

    check_for_update.cache_clear()
    assert check_for_update(project) == status  # same tags: the cached answer

    release(tiny_template, "v1.1.0")
    check_for_update.cache_clear()
    fresh = check_for_update(project)  # new tag: asked again, within the day
    assert (fresh.update_available, fresh.latest) == (True, "1.1.0")


def test_offline_the_cached_answer_holds_for_the_ttl(project, tiny_template, monkeypatch):
    monkeypatch.setenv("CHARTER_TEMPLATE_CHECK_TTL", "86400")
    release(tiny_template, "v1.1.0")
    check_for_update.cache_clear()
    assert check_for_update(project).update_available is True
    hidden = tiny_template.with_name("moved")
    tiny_template.rename(hidden)  # the template's host is unreachable
    try:
        check_for_update.cache_clear()
        cached = check_for_update(project)
        assert (cached.update_available, cached.error) == (True, None)
    finally:
        hidden.rename(tiny_template)


CHANGELOG = """# Changelog

## [Unreleased]

### Standards

- Not released yet.

## [1.2.0] - 2026-12-03

### Added

- Something that is not a standard.

### Standards

- RUL002: models need owners,
  even the old ones.
- Checklists moved.

## [1.1.0] - 2026-12-02

### Standards

- RUL001: contracts need units.

## [1.0.0] - 2026-12-01

### Standards

- The first standards.
"""


def test_the_answer_lists_the_standards_of_every_release_crossed(
    project, tiny_template, monkeypatch
):
    monkeypatch.setenv("CHARTER_TEMPLATE_CHECK_TTL", "86400")
    (tiny_template / "CHANGELOG.md").write_text(CHANGELOG)
    git("add", "CHANGELOG.md", cwd=tiny_template)
    release(tiny_template, "v1.1.0")
    release(tiny_template, "v1.2.0")
    check_for_update.cache_clear()
    status = check_for_update(project)
    assert status.latest == "1.2.0"
    assert status.standards == (
        "1.1.0: RUL001: contracts need units.",
        "1.2.0: RUL002: models need owners, even the old ones.",
        "1.2.0: Checklists moved.",
    )


def test_unreachable_template_is_an_error_not_an_exception(project, monkeypatch):
    monkeypatch.setenv("CHARTER_TEMPLATE_CHECK_TTL", "0")
    answers = project / ".copier-answers.yml"
    answers.write_text(
        "\n".join(
            "_src_path: /nonexistent/template" if line.startswith("_src_path") else line
            for line in answers.read_text().splitlines()
        )
        + "\n"
    )
    check_for_update.cache_clear()
    status = check_for_update(project)
    assert status.error
    assert status.update_available is False


def test_no_answers_file_or_no_git_means_nothing_to_ask(tmp_path):
    check_for_update.cache_clear()
    assert check_for_update(tmp_path) is None
    (tmp_path / ".copier-answers.yml").write_text("_commit: v1.0.0\n")
    check_for_update.cache_clear()
    assert check_for_update(tmp_path) is None


def test_a_negative_ttl_turns_the_check_off(project, monkeypatch):
    monkeypatch.setenv("CHARTER_TEMPLATE_CHECK_TTL", "-1")
    check_for_update.cache_clear()
    assert check_for_update(project) is None
    assert not (project / CACHE_FILE).exists()


@pytest.mark.fails_with("PRJ010")
def test_prj010_names_the_standards_the_update_brings(project, tiny_template):
    shutil.copytree(GOOD, project, dirs_exist_ok=True)
    (tiny_template / "CHANGELOG.md").write_text(CHANGELOG)
    git("add", "CHANGELOG.md", cwd=tiny_template)
    release(tiny_template, "v1.1.0")
    result = charter(
        "check", "--select", "PRJ010", cwd=project, env={"CHARTER_TEMPLATE_CHECK_TTL": "86400"}
    )
    assert result.returncode == 0, result.stdout + result.stderr  # a warning
    assert result.stdout.startswith(".copier-answers.yml:1:1: PRJ010 "), result.stdout
    assert "1.1.0 is out" in result.stdout
    assert "its Standards: 1.1.0: RUL001: contracts need units." in result.stdout


@pytest.mark.fails_with("PRJ010")
def test_prj010_covers_an_overlay_with_its_own_answers_and_standards(
    project, tiny_template, tmp_path
):
    """An organisation overlay (a second template with `_answers_file`) is checked for its
    own releases: its finding is at its answers file and names its Standards."""
    shutil.copytree(GOOD, project, dirs_exist_ok=True)
    overlay = shutil.copytree(tiny_template, tmp_path / "overlay")
    shutil.rmtree(overlay / ".git")
    (overlay / "copier.yml").write_text(
        "_answers_file: .copier-answers.acme.yml\nunit:\n  type: str\n  default: cardiology\n"
    )
    (overlay / "README.md.jinja").unlink()
    (overlay / "ACME.md.jinja").write_text("# Acme ({{ unit }})\n")
    env = clean_env()
    git("init", "--quiet", "--initial-branch=main", cwd=overlay, env=env)
    git("add", "-A", cwd=overlay, env=env)
    git("commit", "--quiet", "-m", "overlay v1", cwd=overlay, env=env)
    git("tag", "v1.0.0", cwd=overlay, env=env)
    copy_project(overlay, project, {})
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "-m", "overlay", cwd=project)
    (overlay / "CHANGELOG.md").write_text(
        CHANGELOG.replace("RUL001: contracts need units.", "ACME001: contracts name a steward.")
    )
    git("add", "CHANGELOG.md", cwd=overlay)
    release(overlay, "v1.1.0")
    result = charter(
        "check", "--select", "PRJ010", cwd=project, env={"CHARTER_TEMPLATE_CHECK_TTL": "86400"}
    )
    assert result.returncode == 0, result.stdout + result.stderr  # warnings
    [line] = [line for line in result.stdout.splitlines() if "PRJ010" in line]
    assert line.startswith(".copier-answers.acme.yml:"), result.stdout
    assert "the project follows overlay 1.0.0, but 1.1.0 is out" in line
    assert "`copier update --trust -a .copier-answers.acme.yml`" in line
    assert "its Standards: 1.1.0: ACME001: contracts name a steward." in line
