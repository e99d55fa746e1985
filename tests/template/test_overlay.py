"""Generated + update tier: Charter unforked plus an organisation overlay, side by side.

The worked overlay (examples/acme-overlay) is published as a git repository of
its own with two releases; Charter is a tagged clone of the working tree with
two releases. A project is copied from Charter, then from the overlay, and each
is updated on its own (`copier update -a ANSWERS_FILE`): both answers files
stay, neither update undoes the other's files, and the overlay's rule (ACME001,
from the plugin the overlay pins) runs in `charter check` throughout.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from conftest import run
from plugin_package import OVERLAY
from templating import TEST_VERSION, clone_working_tree, copy_project, git

pytestmark = [pytest.mark.generated, pytest.mark.update]

CHARTER_NEXT = "99.1.0"
CHARTER_AFTER = "99.2.0"
CHARTER_NOTE = "Charter release 99.1.0 was here."
ACME_NOTE = "Acme release 1.1.0 was here."
ACME_STANDARD = "ACME002: every card names its clinical safety officer."
CONTRACT = "governance/contracts/patients.odcs.yaml"


def release(repo, tag: str, path: str, line: str) -> None:
    """Commit one more line in `path` and tag it: a new release of that template."""
    target = repo / path
    target.write_text(target.read_text() + line + "\n")
    git("commit", "--quiet", "-am", f"Release {tag}", cwd=repo)
    git("tag", tag, cwd=repo)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    root = tmp_path_factory.mktemp("templates")
    charter = clone_working_tree(root / "charter")
    release(charter, f"v{CHARTER_NEXT}", "template/README.md.jinja", CHARTER_NOTE)
    release(charter, f"v{CHARTER_AFTER}", "template/README.md.jinja", "And 99.2.0 here.")
    overlay = shutil.copytree(OVERLAY, root / "acme-overlay")
    git("init", "--quiet", "--initial-branch=main", cwd=overlay)
    git("add", "-A", cwd=overlay)
    git("commit", "--quiet", "-m", "Acme overlay 1.0.0", cwd=overlay)
    git("tag", "v1.0.0", cwd=overlay)
    plugin = overlay / "plugin/pyproject.toml"
    plugin.write_text(plugin.read_text().replace('version = "1.0.0"', 'version = "1.1.0"'))
    changelog = overlay / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace(
            "## [Unreleased]", f"## [1.1.0] - 2026-12-07\n\n### Standards\n\n- {ACME_STANDARD}"
        )
    )
    release(overlay, "v1.1.0", "template/governance/ACME.md.jinja", ACME_NOTE)
    return charter, overlay


def copier(project, *args):
    settings = project.parent / "copier-settings.yml"
    settings.write_text("{}\n")
    return run(
        sys.executable, "-m", "copier", *args, "--trust", "--defaults", "--quiet",
        cwd=project.parent, env={"COPIER_SETTINGS_PATH": str(settings)},
    )  # fmt: skip


def commit(project, message: str) -> None:
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", message, cwd=project)


def answers(project, name: str) -> dict:
    return yaml.safe_load((project / name).read_text())


def checked(project) -> list[dict]:
    """Sync from the lock (it must be current) and return `charter check`'s errors."""
    run("uv", "sync", "--locked", "--quiet", cwd=project)
    result = run(
        "uv", "run", "--frozen", "charter", "check", "--format", "json",
        cwd=project, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    return [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]


def plugin_version(project) -> str:
    code = "import importlib.metadata as m; print(m.version('acme-charter-rules'))"
    return run("uv", "run", "--frozen", "python", "-c", code, cwd=project).stdout.strip()


@pytest.fixture(scope="module")
def project(templates, tmp_path_factory):
    charter, overlay = templates
    project = tmp_path_factory.mktemp("fleet") / "p"
    copy_project(charter, project, vcs_ref=f"v{TEST_VERSION}", lock=True)
    commit(project, "Charter")
    copier(project, "copy", "--vcs-ref", "v1.0.0", overlay, project.name)
    commit(project, "Acme overlay")
    return project


def test_overlay_copy_adds_the_plugin_settings_and_files(project):
    assert answers(project, ".copier-answers.yml")["_commit"] == f"v{TEST_VERSION}"
    acme = answers(project, ".copier-answers.acme.yml")
    assert (acme["_commit"], acme["business_unit"]) == ("v1.0.0", "Cardiology")
    pyproject = (project / "pyproject.toml").read_text()
    assert "acme-charter-rules @ git+file://" in pyproject
    assert '[tool.charter.acme]\ndomains = ["Cardiology", "Oncology", "Radiology"]' in pyproject
    assert (project / "governance/ACME.md").is_file()
    errors = checked(project)
    assert [(f["code"], f["path"]) for f in errors] == [("ACME001", CONTRACT)]
    assert plugin_version(project) == "1.0.0"


def test_charter_and_the_overlay_update_independently(project, templates):
    _charter, overlay = templates
    copier(project, "update", "-a", ".copier-answers.yml", "--vcs-ref", f"v{CHARTER_NEXT}", project)
    assert answers(project, ".copier-answers.yml")["_commit"] == f"v{CHARTER_NEXT}"
    assert answers(project, ".copier-answers.acme.yml")["_commit"] == "v1.0.0"
    assert CHARTER_NOTE in (project / "README.md").read_text()
    pyproject = (project / "pyproject.toml").read_text()
    assert "acme-charter-rules @ git+file://" in pyproject  # the overlay's edits survive
    assert "[tool.charter.acme]" in pyproject
    assert "<<<<<<<" not in pyproject
    assert [f["code"] for f in checked(project)] == ["ACME001"]
    commit(project, "Charter 99.1.0")

    updated = copier(
        project, "update", "-a", ".copier-answers.acme.yml", "--vcs-ref", "v1.1.0", project
    )
    assert f"- **1.1.0**: {ACME_STANDARD}" in updated.stdout + updated.stderr  # its own Standards
    assert answers(project, ".copier-answers.acme.yml")["_commit"] == "v1.1.0"
    assert answers(project, ".copier-answers.yml")["_commit"] == f"v{CHARTER_NEXT}"
    assert ACME_NOTE in (project / "governance/ACME.md").read_text()
    assert CHARTER_NOTE in (project / "README.md").read_text()
    new_rev = git("rev-parse", "v1.1.0^{commit}", cwd=overlay).strip()
    assert f"@{new_rev}#subdirectory=plugin" in (project / "pyproject.toml").read_text()
    assert [f["code"] for f in checked(project)] == ["ACME001"]
    assert plugin_version(project) == "1.1.0"
    commit(project, "Acme 1.1.0")
    assert git("status", "--porcelain", cwd=project) == ""


def documented_plugin_install(overlay) -> list[str]:
    """The `uv add` line of docs/guide/plugins.md, pointed at the overlay's git clone."""
    page = (Path(__file__).resolve().parents[2] / "docs/guide/plugins.md").read_text()
    lines = page.splitlines()
    [line] = [line for line in lines if line.startswith("$ uv add --dev") and "git+" in line]
    words = shlex.split(line.removeprefix("$ "))
    url = f"acme-charter-rules @ git+file://{overlay}@v1.0.0#subdirectory=plugin"
    return [url if word.startswith("acme-charter-rules @ git+") else word for word in words]


def test_a_plugin_installed_as_documented_survives_charter_updates(templates, tmp_path):
    """The documented install keeps the plugin's source out of what Charter's updates
    rewrite: two updates in a row, no conflict, the lock refreshed with the plugin in it."""
    charter, overlay = templates
    project = tmp_path / "p"
    copy_project(charter, project, vcs_ref=f"v{TEST_VERSION}", lock=True)
    commit(project, "Charter")
    run(*documented_plugin_install(overlay), cwd=project)
    commit(project, "The Acme rules")
    for version in (CHARTER_NEXT, CHARTER_AFTER):
        copier(project, "update", "-a", ".copier-answers.yml", "--vcs-ref", f"v{version}", project)
        assert answers(project, ".copier-answers.yml")["_commit"] == f"v{version}"
        assert not git("ls-files", "--unmerged", cwd=project).strip(), version
        assert "<<<<<<<" not in (project / "pyproject.toml").read_text()
        run("uv", "lock", "--check", "--offline", cwd=project)  # refreshed by the update
        assert "acme-charter-rules" in (project / "uv.lock").read_text()
        commit(project, f"Charter {version}")
    assert [f["code"] for f in checked(project)] == ["ACME001"]
