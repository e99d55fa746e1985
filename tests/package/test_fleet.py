"""`charter fleet`: one table, JSON and Markdown over several projects (unpinned: fast tier).

The generated tier (tests/template/test_fleet_generated.py) runs the real case:
four projects on three releases, each checked by its own pinned charter.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from checking import charter, copy_good
from templating import git

from charter.fleet.projects import charter_pin


def _template_with_releases(root: Path, *tags: str) -> Path:
    """A real git repository with release tags, as `_src_path` names it."""
    root.mkdir()
    git("init", "--quiet", cwd=root)
    for tag in tags:
        (root / "copier.yml").write_text(f"# {tag}\n")
        git("add", "-A", cwd=root)
        git("commit", "--quiet", "-m", tag, cwd=root)
        git("tag", tag, cwd=root)
    return root


def _fleet(tmp_path: Path) -> tuple[Path, Path]:
    template = _template_with_releases(tmp_path / "template", "v1.0.0", "v1.1.0", "v1.2.0rc1")
    clean = copy_good(tmp_path)
    (clean / ".copier-answers.yml").write_text(f"_commit: v1.0.0\n_src_path: {template}\n")
    bare = tmp_path / "legacy"
    bare.mkdir()
    (bare / "pyproject.toml").write_text('[project]\nname = "legacy"\nversion = "1"\n')
    (bare / ".copier-answers.yml").write_text(f"_commit: v1.1.0\n_src_path: {template}\n")
    # Not valid manifests (RUN001 says so in the project's own check): the newest still shows.
    run = bare / "runs" / "20261130T101500Z-abc" / "manifest.json"
    run.parent.mkdir(parents=True)
    run.write_text(
        json.dumps({"run_id": "20261130T101500Z-abc", "end_time": "2026-11-30T10:15:00Z"})
    )
    older = bare / "runs" / "20261001T090000Z-def" / "manifest.json"
    older.parent.mkdir(parents=True)
    older.write_text(
        json.dumps({"run_id": "20261001T090000Z-def", "end_time": "2026-10-01T09:00:00Z"})
    )
    listing = tmp_path / "fleet.txt"
    listing.write_text("# the platform team's clones\nproject\nlegacy  # retrofit pending\n")
    return listing, tmp_path


def test_fleet_reports_table_json_and_markdown(tmp_path: Path) -> None:
    listing, folder = _fleet(tmp_path)
    result = charter(
        "fleet", listing, "--json", folder / "fleet.json", "--markdown", folder / "fleet.md",
        cwd=folder, env={"CHARTER_FLEET_CACHE": str(folder / "envs")},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr  # legacy has errors at review
    assert "Traceback" not in result.stderr
    assert "charter fleet: [2/2] legacy" in result.stderr
    report = json.loads((folder / "fleet.json").read_text())
    clinic, legacy = report["projects"]
    assert clinic["project"] == "clinic"
    assert clinic["template"]["version"] == "v1.0.0"
    assert clinic["template"]["latest"] == "v1.1.0"  # the release candidate is no release
    assert clinic["template"]["behind"] is True
    assert legacy["template"]["behind"] is False
    assert clinic["ready_for"] == "production"
    assert clinic["cards"] == {"risk": "production"}
    assert clinic["newest_run"] is None
    assert legacy["newest_run"] == {
        "run_id": "20261130T101500Z-abc",
        "end_time": "2026-11-30T10:15:00Z",
    }
    assert legacy["ready_for"] == "draft"
    assert legacy["findings"]["by_code"]["PRJ050"] == {
        "count": 1,
        "severity": "error",
        "stage": "review",
    }
    assert legacy["findings"]["by_code"]["RUN001"]["count"] == 2
    assert legacy["findings"]["by_stage"]["review"] == {"errors": 3, "warnings": 0}
    assert report["releases"] == ["v1.0.0", "v1.1.0"]
    assert report["environments"]["unpinned_projects"] == 2
    table = result.stdout.splitlines()
    assert table[0].split()[:3] == ["project", "template", "status"]
    assert table[2].split()[:4] == ["clinic", "v1.0.0", "behind", "(v1.1.0)"]
    assert table[3].split()[:3] == ["legacy", "v1.1.0", "current"]
    assert table[-1].startswith("2 projects on 2 releases (v1.0.0, v1.1.0)")
    markdown = (folder / "fleet.md").read_text()
    assert markdown.startswith("# Fleet report\n")
    assert "| PRJ050 | review |  | 1 |" in markdown


def test_fleet_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = charter("fleet", tmp_path / "nope", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"charter fleet: {tmp_path / 'nope'}: no such folder or file"
    listing = tmp_path / "list.txt"
    listing.write_text("\n# nothing\n")
    empty = charter("fleet", listing, cwd=tmp_path)
    assert empty.returncode == 2
    assert "lists no project folder" in empty.stderr
    listing.write_text("gone\n")
    wrong = charter("fleet", listing, cwd=tmp_path)
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == f"charter fleet: {listing}:1: gone: no such folder"
    assert "Traceback" not in missing.stderr + empty.stderr + wrong.stderr


def test_charter_pin_from_the_project_files(tmp_path: Path) -> None:
    """The pin a generated project writes, a path source, an index pin, and none."""

    def pin(text: str):
        return charter_pin(tmp_path, tomllib.loads(text))

    git_pin = pin(
        '[tool.uv.sources]\ncharter = { git = "file:///t/charter", rev = "abababababababababab" }'
    )
    assert git_pin.requirement == "charter @ git+file:///t/charter@abababababababababab"
    assert git_pin.described == "ababababab"
    path_pin = pin('[tool.uv.sources]\ncharter = { path = "../charter" }')
    assert path_pin.requirement == f"charter @ {(tmp_path / '../charter').resolve().as_uri()}"
    index_pin = pin('[dependency-groups]\ndev = ["charter[runtime]==1.4.0", "ruff"]')
    assert index_pin.requirement == "charter==1.4.0"
    assert pin('[project]\ndependencies = ["charter"]').requirement is None
