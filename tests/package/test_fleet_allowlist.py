"""`charter fleet` installs code only from allowed sources (issue 27 item 5).

A surveyed project pinned `[tool.uv.sources] charter = { git = "file:///..." }`
to a repository of its own: fleet installed it, ran its code on the platform
team's machine and printed the clean report that code forged. Here that
repository is real, and merely building it writes a marker file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from charter_cli import charter
from templating import git


def _hostile_charter(root: Path, marker: Path) -> str:
    """A git repository whose `charter` writes `marker` as soon as uv builds it; its commit."""
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n\n'
        '[project]\nname = "charter"\nversion = "99.9.9"\n',
        "utf-8",
    )
    (root / "backend.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
        "raise SystemExit('and would now print a clean report')\n",
        "utf-8",
    )
    git("init", "--quiet", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "clean report", cwd=root)
    return git("rev-parse", "HEAD", cwd=root).strip()


def _project(root: Path, source: Path, rev: str) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "victim"\nversion = "1"\ndependencies = ["charter"]\n\n'
        f'[tool.uv.sources]\ncharter = {{ git = "{source.as_uri()}", rev = "{rev}" }}\n',
        "utf-8",
    )
    return root


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path, Path]:
    marker = tmp_path / "marker"
    source = tmp_path / "evil-charter"
    rev = _hostile_charter(source, marker)
    return _project(tmp_path / "victim", source, rev), source, marker


def test_a_pin_from_another_source_is_reported_and_nothing_of_it_runs(tmp_path, hostile):
    project, source, marker = hostile
    cache = tmp_path / "envs"
    result = charter(
        "fleet", project, "--json", tmp_path / "fleet.json", "--quiet",
        cwd=tmp_path, env={"CHARTER_FLEET_CACHE": str(cache)},
    )  # fmt: skip
    assert not marker.exists(), "the project's charter ran"
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    row = json.loads((tmp_path / "fleet.json").read_text())["projects"][0]
    assert row["error"] == f"not checked: pins charter from {source.as_uri()}"
    assert row["charter"]["version"] is None
    assert f"not checked: pins charter from {source.as_uri()}" in result.stdout
    assert not cache.exists() or not any(cache.iterdir()), "an environment was built"


def test_the_allow_list_is_what_stops_it(tmp_path, hostile):
    """The control: allowed, the same pin is installed, and its code runs."""
    project, source, marker = hostile
    result = charter(
        "fleet", project, "--allow", source, "--quiet",
        cwd=tmp_path, env={"CHARTER_FLEET_CACHE": str(tmp_path / "envs")},
    )  # fmt: skip
    assert marker.exists(), result.stdout + result.stderr
    assert "not checked" not in result.stdout


def test_sources_compare_without_revision_scheme_prefix_or_dot_git(tmp_path: Path):
    from charter.fleet.allowlist import AllowList, normalise  # noqa: PLC0415 - new here

    repo = tmp_path / "charter"
    repo.mkdir()
    # Sources are compared as strings: nothing here is fetched, no git host is reached.
    allow = AllowList.of([str(repo), "gh:acme/charter", "https://pypi.org/simple"])
    assert allow.allows(f"charter @ git+{repo.as_uri()}@abc123")
    assert allow.allows(f"charter @ git+{repo.as_uri()}.git@v1.0.0")
    assert allow.allows("charter @ git+https://github.com/acme/charter.git@v2.0.0")
    assert allow.allows("charter==1.4.0")
    assert not allow.allows(f"charter @ git+{(tmp_path / 'other').as_uri()}@abc123")
    assert not allow.allows("charter @ git+https://github.com/acme/charter-fork@v2.0.0")
    assert normalise("git+ssh://git@host.example/acme/charter.git@v1") == (
        "ssh://git@host.example/acme/charter"
    )


def test_the_default_is_the_running_charters_own_source():
    from charter.fleet.allowlist import DEFAULT_INDEX, AllowList, own_source  # noqa: PLC0415

    allow = AllowList.of()
    assert allow.sources == (own_source(),)
    assert allow.allows(f"charter @ git+{own_source()}@0123456789abcdef")
    if own_source() != DEFAULT_INDEX:  # charter from its repository, as the template pins it
        assert not allow.allows("charter==1.4.0"), "the package index is not the template"
    # a plugin pinned by a project is judged the same way
    assert allow.refusal("acme-rules @ git+https://example.org/acme-rules@v1", "acme-rules") == (
        "not checked: pins acme-rules from https://example.org/acme-rules"
    )


def test_an_allowed_source_with_an_option_for_revision_is_refused(tmp_path, hostile):
    """`rev = "-o..."` of an allowed repository: nothing is installed, the row says why."""
    _project_root, source, marker = hostile
    project = _project(tmp_path / "optioned", source, "-oProxyCommand=touch pwned")
    result = charter(
        "fleet", project, "--allow", source, "--json", tmp_path / "fleet.json", "--quiet",
        cwd=tmp_path, env={"CHARTER_FLEET_CACHE": str(tmp_path / "envs")},
    )  # fmt: skip
    assert not marker.exists(), "the pinned charter was built"
    assert not (tmp_path / "pwned").exists()
    assert "Traceback" not in result.stderr
    row = json.loads((tmp_path / "fleet.json").read_text())["projects"][0]
    assert row["error"] == (
        "not checked: pins charter from '-oProxyCommand=touch pwned', "
        "which is not a URL, path or revision"
    )


@pytest.mark.parametrize(
    "requirement",
    [
        "charter @ git+--upload-pack=touch pwned;git-upload-pack",
        "charter @ --upload-pack=touch pwned",
        "charter @  git+ --upload-pack=x",
    ],
)
def test_a_pin_whose_url_is_an_option_is_refused_whatever_the_list(requirement):
    from charter.fleet.allowlist import AllowList  # noqa: PLC0415

    allow = AllowList.of(["https://example.org/acme/charter"])
    assert not allow.allows(requirement)
    refusal = allow.refusal(requirement)
    assert refusal is not None
    assert refusal.endswith("which is not a URL, path or revision")


def test_an_option_given_to_allow_is_one_sentence_and_exit_2(tmp_path):
    result = charter(
        "fleet", tmp_path, "--allow=git+--upload-pack=touch pwned", "--quiet", cwd=tmp_path
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "charter fleet: --allow 'git+--upload-pack=touch pwned' is not a URL, path or package index"
    )
