"""Generated tier: `charter fleet` reports four projects on three releases.

Four projects are generated from three releases of a template clone (v0.0.8,
v0.0.9 and the working tree as v99.0.0; tests/release_history.py): GitHub CI at
v0.0.8, GitLab CI at v0.0.9, no CI and no example pipeline at v99.0.0. Each
pins charter to its release's commit, so the report builds three environments,
not four, and a second report builds none. The run time and the environments
built are printed (`pytest -s`) for the closing numbers.
"""

from __future__ import annotations

import json
import time

import pytest
from charter_cli import charter
from release_history import build_release_history
from templating import TEST_VERSION, copy_project

pytestmark = [pytest.mark.generated]

LATEST = f"v{TEST_VERSION}"
FLEET = [
    ("acme-churn", "v0.0.8", {"ci": "github"}),
    ("acme-fraud", "v0.0.9", {"ci": "gitlab"}),
    ("acme-triage", LATEST, {"ci": "none"}),
    ("acme-blank", LATEST, {"example_pipeline": False}),
]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    history = build_release_history(tmp_path_factory.mktemp("history") / "charter")
    folder = tmp_path_factory.mktemp("fleet")
    for name, release, answers in FLEET:
        copy_project(history, folder / name, {"project_name": name, **answers}, vcs_ref=release)
    listing = folder / "projects.txt"
    listing.write_text("".join(f"{name}\n" for name, _, _ in FLEET))
    return folder, listing, history


def test_fleet_reports_four_projects_on_three_releases(fleet) -> None:
    folder, listing, history = fleet
    env = {"CHARTER_FLEET_CACHE": str(folder / "envs")}
    allow = ("--allow", history)  # the projects' template, not the running charter's checkout
    started = time.perf_counter()
    first = charter(
        "fleet", listing, "--json", folder / "fleet.json", "--markdown", folder / "fleet.md",
        *allow, cwd=folder, env=env,
    )  # fmt: skip
    cold = time.perf_counter() - started
    assert first.returncode in (0, 1), first.stderr
    assert "Traceback" not in first.stderr
    report = json.loads((folder / "fleet.json").read_text())
    rows = {p["project"]: p for p in report["projects"]}
    assert list(rows) == [name for name, _, _ in FLEET]
    assert report["releases"] == ["v0.0.8", "v0.0.9", LATEST]
    assert {name: p["template"]["version"] for name, p in rows.items()} == {
        name: release for name, release, _ in FLEET
    }
    assert [p["template"]["behind"] for p in rows.values()] == [True, True, False, False]
    assert all(p["template"]["latest"] == LATEST for p in rows.values())
    # each project was checked by the charter of its own release
    assert [p["charter"]["version"] for p in rows.values()] == [
        "0.0.8", "0.0.9", TEST_VERSION, TEST_VERSION,
    ]  # fmt: skip
    assert all(p["error"] is None for p in rows.values()), [p["error"] for p in rows.values()]
    assert report["environments"] == {**report["environments"], "pins": 3, "built": 3, "reused": 0}
    assert rows["acme-triage"]["cards"] == {"progression_regressor": "review"}  # TODOs left
    assert rows["acme-blank"]["cards"] == {"baseline": "review"}
    assert "4 projects on 3 releases (v0.0.8, v0.0.9, v99.0.0)" in first.stdout
    assert "| acme-churn | v0.0.8 | behind (v99.0.0) |" in (folder / "fleet.md").read_text()

    started = time.perf_counter()
    again = charter(
        "fleet", listing, "--json", folder / "again.json", *allow, cwd=folder, env=env
    )
    warm = time.perf_counter() - started
    assert again.returncode == first.returncode
    cached = json.loads((folder / "again.json").read_text())["environments"]
    assert (cached["built"], cached["reused"]) == (0, 3)
    print(
        f"\nfleet of 4 projects on 3 releases: first report {cold:.1f} s "
        f"(3 environments built in {report['environments']['build_seconds']:.1f} s), "
        f"second {warm:.1f} s (0 built, 3 reused)"
    )
