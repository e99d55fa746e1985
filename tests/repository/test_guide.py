"""The user guide and the README say what the template and CI actually do.

Docs drift silently: a question added to copier.yml, a hook added to the
generated config or a new release tag must show up in the guide, or these
tests fail.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from packaging.version import InvalidVersion, Version

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"


def _copier_questions() -> dict[str, dict]:
    config = yaml.safe_load((REPO / "copier.yml").read_text(encoding="utf-8"))
    return {name: spec for name, spec in config.items() if not name.startswith("_")}


def _choice_values(spec: dict) -> list[str]:
    choices = spec.get("choices", [])
    values = choices.values() if isinstance(choices, dict) else choices
    return [str(value) for value in values]


def _fenced_commands(markdown: str) -> list[str]:
    """Every line inside a fenced code block."""
    blocks = re.findall(r"```[a-z]*\n(.*?)```", markdown, flags=re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines()]


def _generated_hook_ids(project: Path) -> list[str]:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]


QUESTIONS = _copier_questions()


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_every_question_has_a_heading_or_row_in_the_questions_page(name: str) -> None:
    page = (DOCS / "questions.md").read_text(encoding="utf-8")
    assert re.search(rf"^(###|\|) `{name}`", page, flags=re.MULTILINE), (
        f"docs/questions.md does not explain the question `{name}` from copier.yml"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, value) for name, spec in QUESTIONS.items() for value in _choice_values(spec)],
)
def test_every_choice_is_listed_in_the_questions_page(name: str, value: str) -> None:
    page = (DOCS / "questions.md").read_text(encoding="utf-8")
    assert f"`{value}`" in page, f"choice {value!r} of `{name}` is missing from questions.md"


@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name, spec in QUESTIONS.items()
        if isinstance(spec.get("default"), str) and spec["default"] and "{" not in spec["default"]
    ),
)
def test_every_literal_default_is_quoted_in_the_questions_page(name: str) -> None:
    page = (DOCS / "questions.md").read_text(encoding="utf-8")
    default = QUESTIONS[name]["default"]
    assert f"`{default}`" in page, f"default {default!r} of `{name}` is missing from questions.md"


def test_every_generated_hook_is_explained_in_the_tour(render: Callable[..., Path]) -> None:
    hook_ids = _generated_hook_ids(render())
    tour = (DOCS / "tour.md").read_text(encoding="utf-8")
    missing = [hook for hook in hook_ids if f"`{hook}`" not in tour]
    assert hook_ids
    assert not missing, f"hooks of the generated project missing from docs/tour.md: {missing}"


def test_the_tour_names_every_artifact_location_of_tool_charter(
    render: Callable[..., Path],
) -> None:
    project = render()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    locations = pyproject["tool"]["charter"]
    tour = (DOCS / "tour.md").read_text(encoding="utf-8")
    assert locations
    for key, path in locations.items():
        assert f'{key} = "{path}"' in tour, f"[tool.charter] {key} is not shown in docs/tour.md"


def test_readme_test_command_is_the_one_ci_runs() -> None:
    ci_commands = re.findall(
        r"^\.ci/newcomer '([^']*)'$",
        (REPO / ".ci" / "run").read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    readme_commands = _fenced_commands((REPO / "README.md").read_text(encoding="utf-8"))
    assert ci_commands == ["python3 -m pip install nox uv && nox -s tests generated spark"]
    assert ci_commands[0] in readme_commands


def test_readme_gives_the_demo_command() -> None:
    readme_commands = _fenced_commands((REPO / "README.md").read_text(encoding="utf-8"))
    assert "python3 -m pip install nox uv && nox -s demo" in readme_commands


def _changelog_releases() -> list[str]:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## \[(\d[^\]]*)\] - \d{4}-\d{2}-\d{2}$", changelog, flags=re.MULTILINE)


def test_changelog_releases_are_pep440_and_newest_first() -> None:
    releases = _changelog_releases()
    assert releases, "CHANGELOG.md has no release entry"
    versions = [Version(release) for release in releases]
    assert versions == sorted(versions, reverse=True)


def test_every_changelog_release_calls_out_its_standards() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.split(r"^## ", changelog, flags=re.MULTILINE)[1:]
    released = [entry for entry in entries if not entry.startswith("[Unreleased]")]
    assert released
    for entry in released:
        title = entry.splitlines()[0]
        assert "\n### Standards\n" in entry, f"release {title} has no Standards section"


def test_every_release_tag_has_a_changelog_entry() -> None:
    tags = subprocess.run(
        ["git", "tag", "--list", "v*"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    releases = set()
    for tag in tags:
        try:
            releases.add(str(Version(tag)))
        except InvalidVersion:
            continue
    documented = {str(Version(release)) for release in _changelog_releases()}
    assert releases <= documented, f"tags without a CHANGELOG entry: {releases - documented}"


def test_every_rule_code_is_announced_in_the_changelog() -> None:
    codes = sorted(page.stem for page in (DOCS / "rules").glob("[A-Z][A-Z][A-Z][0-9][0-9][0-9].md"))
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert codes, "docs/rules/ has no rule pages"
    missing = [code for code in codes if not re.search(rf"\b{code}\b", changelog)]
    assert not missing, f"rules missing from the CHANGELOG's Standards: {missing}"


def test_every_generated_hook_is_announced_in_the_changelog(render: Callable[..., Path]) -> None:
    hook_ids = _generated_hook_ids(render())
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    missing = [hook for hook in hook_ids if f"`{hook}" not in changelog]
    assert hook_ids
    assert not missing, f"hooks missing from the CHANGELOG's Standards: {missing}"
