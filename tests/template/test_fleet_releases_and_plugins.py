"""Generated tier: `charter fleet` runs what each project runs, its plugins included.

Four projects on three releases of a template clone: two at v0.1.0 (the real
first release: the repository's commit that wrote CHANGELOG 0.1.0, tagged in the
clone, whose charter had no `charter rule` command and printed a bare list of
findings), one at v99.0.0 (the working tree) with the Acme overlay
(examples/acme-overlay: its plugin pinned in the dev group, its settings table),
one at v99.1.0 with the plugin installed as docs/guide/plugins.md says. The
report must show each project's charter version, every finding under the stage
its rule binds at, and the plugin's ACME001 where the plugin is installed; a
plugin whose source the platform team did not allow is reported, not run.
The run times are printed (`pytest -s`) for the closing numbers.
"""

from __future__ import annotations

import json
import shutil
import sys
import time

import pytest
from charter_cli import charter
from conftest import run
from plugin_package import OVERLAY
from templating import TEST_VERSION, clone_working_tree, copy_project, git

pytestmark = [pytest.mark.generated]

NEXT = "99.1.0"
FLEET = [
    ("acme-legacy", "v0.1.0"),
    ("acme-overlaid", f"v{TEST_VERSION}"),
    ("acme-documented", f"v{NEXT}"),
    ("acme-archive", "v0.1.0"),
]


def _tag_first_release(clone) -> None:
    """v0.1.0 at the commit that wrote its CHANGELOG entry (the repository has no tags)."""
    log = git("log", "--reverse", "--format=%H", "-S## [0.1.0]", "--", "CHANGELOG.md", cwd=clone)
    git("tag", "v0.1.0", log.split()[0], cwd=clone)


def _release(repo, tag: str) -> None:
    readme = repo / "template/README.md.jinja"
    readme.write_text(readme.read_text() + f"Release {tag} was here.\n")
    git("commit", "--quiet", "--no-verify", "-am", f"Release {tag}", cwd=repo)
    git("tag", tag, cwd=repo)


def _overlay(root):
    overlay = shutil.copytree(OVERLAY, root / "acme-overlay")
    git("init", "--quiet", "--initial-branch=main", cwd=overlay)
    git("add", "-A", cwd=overlay)
    git("commit", "--quiet", "-m", "Acme overlay 1.0.0", cwd=overlay)
    git("tag", "v1.0.0", cwd=overlay)
    return overlay


def _apply_overlay(project, overlay) -> None:
    settings = project.parent / "copier-settings.yml"
    settings.write_text("{}\n")
    run(
        sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet",
        "--vcs-ref", "v1.0.0", overlay, project.name,
        cwd=project.parent, env={"COPIER_SETTINGS_PATH": str(settings)},
    )  # fmt: skip


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    root = tmp_path_factory.mktemp("templates")
    template = clone_working_tree(root / "charter")
    _tag_first_release(template)
    _release(template, f"v{NEXT}")
    overlay = _overlay(root)
    folder = tmp_path_factory.mktemp("fleet")
    for name, release in FLEET:
        lock = name == "acme-overlaid"  # the overlay re-locks: the plugin pinned by its lock
        copy_project(template, folder / name, {"project_name": name}, vcs_ref=release, lock=lock)
    _apply_overlay(folder / "acme-overlaid", overlay)
    plugin = f"acme-charter-rules @ git+{overlay.as_uri()}@v1.0.0#subdirectory=plugin"
    run("uv", "add", "--quiet", "--frozen", "--dev", "--raw-sources", plugin,
        cwd=folder / "acme-documented")  # fmt: skip
    listing = folder / "projects.txt"
    listing.write_text("".join(f"{name}\n" for name, _ in FLEET))
    return folder, listing, template, overlay


def _report(folder, listing, name: str, *allow) -> tuple[dict, float, int]:
    started = time.perf_counter()
    result = charter(
        "fleet", listing, "--json", folder / f"{name}.json", "--markdown", folder / f"{name}.md",
        *(a for source in allow for a in ("--allow", source)), "--quiet",
        cwd=folder, env={"CHARTER_FLEET_CACHE": str(folder / "envs")},
    )  # fmt: skip
    seconds = time.perf_counter() - started
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return json.loads((folder / f"{name}.json").read_text()), seconds, result.returncode


def test_fleet_runs_each_projects_charter_and_plugins(fleet) -> None:
    folder, listing, template, overlay = fleet
    report, cold, _ = _report(folder, listing, "fleet", template, overlay)
    rows = {p["project"]: p for p in report["projects"]}
    assert [p["error"] for p in rows.values()] == [None] * 4
    assert report["releases"] == ["v0.1.0", f"v{TEST_VERSION}", f"v{NEXT}"]
    assert {n: p["charter"]["version"] for n, p in rows.items()} == {
        "acme-legacy": "0.1.0",
        "acme-overlaid": TEST_VERSION,
        "acme-documented": NEXT,
        "acme-archive": "0.1.0",
    }
    for name, row in rows.items():  # every finding under the stage its rule binds at
        assert set(row["findings"]["by_stage"]) == {"review", "production"}, name
        assert all(
            f["stage"] in ("review", "production") for f in row["findings"]["by_code"].values()
        )
    for name in ("acme-overlaid", "acme-documented"):
        by_code = rows[name]["findings"]["by_code"]
        assert by_code["ACME001"] == {"count": 1, "severity": "error", "stage": "review"}, name
        assert "PRJ005" not in by_code, by_code  # [tool.charter.acme] is the plugin's table
        [pin] = rows[name]["charter"]["plugins"]
        assert pin.startswith(f"acme-charter-rules @ git+{overlay.as_uri()}@"), pin
    commit = git("rev-parse", "v1.0.0^{commit}", cwd=overlay).strip()
    assert rows["acme-overlaid"]["charter"]["plugins"] == [
        f"acme-charter-rules @ git+{overlay.as_uri()}@{commit}#subdirectory=plugin"
    ]  # from its uv.lock
    assert rows["acme-legacy"]["charter"]["plugins"] == []
    assert report["environments"] == {**report["environments"], "pins": 3, "built": 3}
    markdown = (folder / "fleet.md").read_text()
    assert "| ACME001 | review |  | 1 | 1 |  |" in markdown

    again, warm, _ = _report(folder, listing, "again", template, overlay)
    assert (again["environments"]["built"], again["environments"]["reused"]) == (0, 3)
    assert [p["findings"] for p in again["projects"]] == [p["findings"] for p in report["projects"]]

    refused, _, code = _report(folder, listing, "refused", template)
    assert code == 1
    errors = [p["error"] for p in refused["projects"]]
    why = f"not checked: pins acme-charter-rules from {overlay.as_uri()}"
    assert errors == [None, why, why, None]
    print(
        f"\nfleet of 4 projects on 3 releases, 2 with the Acme plugin: first report {cold:.1f} s "
        f"(3 environments built in {report['environments']['build_seconds']:.1f} s), "
        f"second {warm:.1f} s (0 built, 3 reused)"
    )
