"""Fast tier: hostile answers are normal answers (DESIGN.md principle 6).

Quotes, colons, `#`, backslashes, unicode and newlines in every free-text
answer must still give valid TOML, YAML, JSON and Python.
"""

from __future__ import annotations

import tomllib

import pytest
import yaml
from checks import assert_files_parse, assert_no_leftover_jinja, project_files

NASTY = "He said \"yes\": #1 \\ back\\\\slash 'quoted' Café ✓ 日本 {{ not jinja }} %} ${x}"
NASTY_MULTILINE = NASTY + "\nsecond line: - [a, b] # not a comment\n\ttabbed\\n"

HOSTILE = [
    pytest.param(
        {
            "project_name": "Zeta " + NASTY,
            "description": NASTY_MULTILINE,
            "organization": NASTY_MULTILINE,
            "author_name": 'O\'Brien "the" #1 \\ Müller',
        },
        id="everything",
    ),
    pytest.param(
        {"project_name": "x: y", "description": "- a list?", "organization": "&anchor *alias"},
        id="yaml-lookalikes",
    ),
    pytest.param(
        {"project_name": "null", "description": "true", "organization": "0x1F", "author_name": "~"},
        id="yaml-scalars",
    ),
]


@pytest.fixture(scope="module", params=HOSTILE)
def hostile(request, render):
    answers = dict(request.param)
    return answers, render(**answers, ci="github")


def test_every_file_still_parses(hostile):
    _, project = hostile
    assert_files_parse(project)


def test_no_jinja_injected_or_left(hostile):
    answers, project = hostile
    if "{{ not jinja }}" in answers.get("description", ""):
        readme = (project / "README.md").read_text()
        assert "{{ not jinja }}" in readme  # answers are data, never re-rendered
    else:
        assert_no_leftover_jinja(project)


def test_answers_round_trip_exactly(hostile):
    answers, project = hostile
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    for key, value in answers.items():
        assert recorded[key] == value


def test_pyproject_keeps_the_text(hostile):
    answers, project = hostile
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["authors"][0]["name"] == answers.get("author_name", "Ada Lovelace")
    if "description" in answers:
        assert pyproject["project"]["description"] == " ".join(answers["description"].split())


def test_python_files_compile(hostile):
    _, project = hostile
    sources = [p for p in project_files(project) if p.suffix == ".py"]
    assert sources
    for path in sources:
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_gitlab_ci_survives_hostile_answers(render):
    project = render(project_name="Zeta " + NASTY, description=NASTY_MULTILINE, ci="gitlab")
    assert_files_parse(project)
