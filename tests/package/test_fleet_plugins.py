"""`charter fleet` runs a project's rule plugins with its charter, from allowed sources only.

A project with the organisation's plugin was reported `draft` with PRJ005
("unknown [tool.charter.acme] table") and none of the plugin's findings: the
fleet environment held only charter. Here the project pins charter to this
checkout (the running charter's own source, allowed by default) and a plugin
by path; the generated tier (tests/template/test_fleet_releases_and_plugins.py) runs four
generated projects on three releases, the overlay's plugin among them.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from charter_cli import charter
from checking import copy_good
from plugin_package import REPO, tiny_rule, write_package
from templating import git

from charter.fleet.allowlist import AllowList
from charter.fleet.plugins import project_plugins

PYPROJECT = """
[dependency-groups]
dev = [
  "charter[runtime]",
  "ruff>=0.8",
  "acme-charter-rules @ git+file:///srv/acme-overlay@v1.0.0#subdirectory=plugin",
  "tiny-rules",
  "other-charter-rules==1.2.0",
]

[tool.uv.sources]
charter = { git = "file:///srv/charter", rev = "abc" }
tiny-rules = { path = "../tiny" }
"""
COMMIT = "0123456789abcdef" * 2 + "01234567"
LOCK = f"""
version = 1

[[package]]
name = "acme-charter-rules"
version = "1.0.0"
source = {{ git = "file:///srv/acme-overlay?subdirectory=plugin&rev=v1.0.0#{COMMIT}" }}

[[package]]
name = "other-charter-rules"
version = "1.2.0"
source = {{ registry = "https://pypi.acme.example/simple" }}
"""


def test_plugins_come_from_the_lock_else_from_pyproject(tmp_path: Path) -> None:
    data = tomllib.loads(PYPROJECT)
    declared = {p.name: p.requirement for p in project_plugins(tmp_path, data)}
    assert declared == {
        "acme-charter-rules": (
            "acme-charter-rules @ git+file:///srv/acme-overlay@v1.0.0#subdirectory=plugin"
        ),
        "other-charter-rules": "other-charter-rules==1.2.0",
        "tiny-rules": f"tiny-rules @ {(tmp_path / '../tiny').resolve().as_uri()}",
    }  # not ruff (from the index, not named like a plugin), not charter itself
    (tmp_path / "uv.lock").write_text(LOCK, "utf-8")
    locked = {p.name: p.requirement for p in project_plugins(tmp_path, data)}
    assert locked["acme-charter-rules"] == (
        f"acme-charter-rules @ git+file:///srv/acme-overlay@{COMMIT}#subdirectory=plugin"
    )  # the commit the lock resolved, not the tag that may move
    [other] = [p for p in project_plugins(tmp_path, data) if p.name == "other-charter-rules"]
    assert (other.requirement, other.index) == (
        "other-charter-rules==1.2.0",
        "https://pypi.acme.example/simple",
    )  # from the index it was locked from, never the same name on another index
    allow = AllowList.of(["https://pypi.org/simple"])
    assert allow.refusal(other.requirement, other.name, other.index) == (
        "not checked: pins other-charter-rules from https://pypi.acme.example/simple"
    )
    assert AllowList.of(["https://pypi.acme.example/simple/"]).allows(
        other.requirement, other.index
    )


def _project(tmp_path: Path, plugin: str, plugin_source: str) -> Path:
    project = copy_good(tmp_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text("utf-8") + f'\n[dependency-groups]\ndev = ["charter", "{plugin}"]\n\n'
        f'[tool.uv.sources]\ncharter = {{ path = "{REPO}" }}\n{plugin} = {plugin_source}\n',
        "utf-8",
    )
    return project


def _hostile_plugin(root: Path, marker: Path) -> str:
    """A git repository whose package writes `marker` as soon as uv builds it; its commit."""
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n\n'
        '[project]\nname = "evil-charter-rules"\nversion = "1.0.0"\n',
        "utf-8",
    )
    (root / "backend.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n", "utf-8"
    )
    git("init", "--quiet", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "rules", cwd=root)
    return git("rev-parse", "HEAD", cwd=root).strip()


def test_a_plugin_from_another_source_is_reported_and_nothing_of_it_runs(tmp_path: Path):
    marker = tmp_path / "marker"
    source = tmp_path / "evil"
    rev = _hostile_plugin(source, marker)
    project = _project(
        tmp_path, "evil-charter-rules", f'{{ git = "{source.as_uri()}", rev = "{rev}" }}'
    )
    cache = tmp_path / "envs"
    result = charter(
        "fleet", project, "--json", tmp_path / "fleet.json", "--quiet",
        cwd=tmp_path, env={"CHARTER_FLEET_CACHE": str(cache)},
    )  # fmt: skip
    assert not marker.exists(), "the project's plugin was built"
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    row = json.loads((tmp_path / "fleet.json").read_text())["projects"][0]
    assert row["error"] == f"not checked: pins evil-charter-rules from {source.as_uri()}"
    assert row["charter"]["plugins"] == [f"evil-charter-rules @ git+{source.as_uri()}@{rev}"]
    assert not cache.exists() or not any(cache.iterdir()), "an environment was built"


def test_fleet_runs_the_projects_plugin_with_its_charter(tmp_path: Path):
    plugin = write_package(tmp_path / "tiny", "tiny-rules", "TINY", tiny_rule())
    project = _project(tmp_path, "tiny-rules", f'{{ path = "{plugin}" }}')
    with (project / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write('\n[tool.charter.tiny]\nowner = "ada"\n')  # the plugin's settings
    env = {"CHARTER_FLEET_CACHE": str(tmp_path / "envs")}
    result = charter(
        "fleet", project, "--allow", plugin, "--json", tmp_path / "fleet.json",
        "--markdown", tmp_path / "fleet.md", "--quiet", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "fleet.json").read_text())
    [row] = report["projects"]
    assert row["error"] is None, row["error"]
    assert row["findings"]["by_code"]["TINY001"] == {
        "count": 1,
        "severity": "error",
        "stage": "review",
    }
    assert "PRJ005" not in row["findings"]["by_code"]  # [tool.charter.tiny] is the plugin's
    assert row["charter"]["version"]
    assert row["ready_for"] == "draft"
    assert report["environments"]["built"] == 1
    assert "| TINY001 | review | 1 |" in (tmp_path / "fleet.md").read_text()


def test_an_unpinned_project_runs_its_plugin_with_the_running_charter(tmp_path: Path):
    """No charter pin: the charter running the report is installed again, next to the plugin."""
    plugin = write_package(tmp_path / "tiny", "tiny-rules", "TINY", tiny_rule())
    project = copy_good(tmp_path)
    with (project / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write(
            f'\n[dependency-groups]\ndev = ["tiny-rules"]\n\n'
            f'[tool.uv.sources]\ntiny-rules = {{ path = "{plugin}" }}\n'
        )
    result = charter(
        "fleet", project, "--allow", plugin, "--json", tmp_path / "fleet.json", "--quiet",
        cwd=tmp_path, env={"CHARTER_FLEET_CACHE": str(tmp_path / "envs")},
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "fleet.json").read_text())
    [row] = report["projects"]
    assert row["error"] is None, row["error"]
    assert row["findings"]["by_code"]["TINY001"]["count"] == 1
    assert (report["environments"]["built"], report["environments"]["unpinned_projects"]) == (1, 1)
