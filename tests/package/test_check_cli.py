"""`charter check` as a command: options, output formats, exit codes, and hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from checking import GOOD, charter, codes, copy_good, edit, findings

CONTRACT = "governance/contracts/visits.odcs.yaml"
CATALOG = "governance/features/catalog.yaml"
CARD = "governance/models/risk/card.md"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The fixture project with one contract error (CON008) and one card error (MOD007)."""
    project = copy_good(tmp_path)
    edit(project / CONTRACT, "value: kg", "value: ''")
    edit(project / CARD, "    - visits\n", "    - visitz\n")
    return project


def test_text_output_is_path_line_col_code_message(broken: Path) -> None:
    result = charter("check", cwd=broken)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{CONTRACT}:41:9: CON008 number property 'weight' declares no `unit` custom property "
        "(UCUM, e.g. 'kg/m2', '1' for ratios, '{code}' for codes)",
        f"{CARD}:22:7: MOD007 no contract has id 'visitz'",
    ]
    assert "Found 2 errors and 0 warnings." in result.stderr


def test_json_output(broken: Path) -> None:
    rows = json.loads(charter("check", "--format", "json", cwd=broken).stdout)["findings"]
    assert [(r["path"], r["line"], r["col"], r["code"], r["severity"]) for r in rows] == [
        (CONTRACT, 41, 9, "CON008", "error"),
        (CARD, 22, 7, "MOD007", "error"),
    ]


def test_json_output_names_the_project_its_template_version_and_charter(broken: Path) -> None:
    """A fleet report reads whose findings these are and which standards they were checked by."""
    (broken / ".copier-answers.yml").write_text(
        "_commit: v1.2.0\n_src_path: https://git.example.org/ml/charter.git\n", "utf-8"
    )
    from charter import __version__  # noqa: PLC0415

    document = json.loads(
        charter("check", "--format", "json", "--stage", "production", cwd=broken).stdout
    )
    assert document["project"] == broken.name
    assert document["template"] == {
        "source": "https://git.example.org/ml/charter.git",
        "version": "v1.2.0",
    }
    assert document["charter_version"] == __version__
    assert document["stage"] == "production"
    (broken / ".copier-answers.yml").unlink()
    bare = json.loads(charter("check", "--format", "json", cwd=broken).stdout)
    assert bare["template"] == {"source": None, "version": None}


def test_github_annotations(broken: Path) -> None:
    lines = charter("check", "--format", "github", cwd=broken).stdout.splitlines()
    assert (
        lines[1] == f"::error file={CARD},line=22,col=7,title=MOD007::no contract has id 'visitz'"
    )


def test_select_and_ignore_match_prefixes_like_ruff(broken: Path) -> None:
    assert codes(broken, "--select", "CON") == {"CON008"}
    assert codes(broken, "--select", "MOD007,CON008", "--ignore", "CON") == {"MOD007"}
    assert codes(broken, "--ignore", "MOD,CON008") == set()
    assert findings(broken, "--ignore", "MOD,CON008")[0] == 0


def test_configuration_in_pyproject(broken: Path) -> None:
    edit(broken / "pyproject.toml", 'docs = "docs"', 'docs = "docs"\nignore = ["MOD"]')
    assert codes(broken) == {"CON008"}
    edit(broken / "pyproject.toml", 'ignore = ["MOD"]', 'select = ["MOD"]\nstage = "production"')
    assert codes(broken) == {"MOD007"}


def test_paths_limit_the_report(broken: Path) -> None:
    assert codes(broken, "governance/models") == {"MOD007"}
    assert codes(broken, CONTRACT) == {"CON008"}


def test_runs_from_a_subfolder_of_the_project(broken: Path) -> None:
    result = charter("check", cwd=broken / "governance")
    assert result.returncode == 1
    assert "CON008" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "XYZ"], "unknown rule selector 'XYZ'"),
        (["no/such/path"], "no such file or folder"),
        (["--format", "xml"], "invalid choice"),
        (["--stage", "tomorrow"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = charter("check", *args, cwd=GOOD)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_warnings_do_not_fail(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / "governance/checklists/ready-for-review.md", "MOD001]", "MOD001, QQQ]")
    result = charter("check", cwd=project)
    assert result.returncode == 0
    assert "PRJ006" in result.stdout
    assert "[warning]" in result.stdout


# ---------------------------------------------------------------- bad input

BAD_CONTRACTS = {
    "malformed YAML": (b"apiVersion: v3.1.0\nschema: [\n", "PRJ001", "invalid YAML"),
    "duplicate keys": (b"id: a\nid: b\n", "PRJ002", "duplicate key 'id'"),
    "empty file": (b"", "PRJ001", "file is empty"),
    "only a comment": (b"# nothing here\n", "PRJ001", "holds no YAML document"),
    "binary junk": (bytes(range(256)) * 4, "PRJ001", "binary"),
    "bad UTF-8": (b"id: caf\xe9\n", "PRJ001", "not valid UTF-8"),
    "a list, not a mapping": (b"- 1\n- 2\n", "PRJ001", "must be a YAML mapping"),
    "wrong types": (
        GOOD.joinpath(CONTRACT).read_bytes().replace(b"required: true", b"required: yes please"),
        "CON001",
        "is not of type 'boolean'",
    ),
    "deep nesting": (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", "PRJ001", ""),
}


@pytest.mark.parametrize("case", list(BAD_CONTRACTS))
def test_bad_contract_gives_a_finding_not_a_traceback(tmp_path: Path, case: str) -> None:
    content, code, message = BAD_CONTRACTS[case]
    project = copy_good(tmp_path)
    (project / CONTRACT).write_bytes(content)
    exit_code, found = findings(project)
    assert exit_code == 1
    hits = [f for f in found if f["path"] == CONTRACT and f["code"] == code]
    assert hits, found
    assert message in hits[0]["message"]


def test_ten_megabyte_file_is_refused_quickly(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / CATALOG).write_text("features:\n" + "  # padding\n" * 1_000_000)
    assert (project / CATALOG).stat().st_size > 10_000_000
    found = findings(project)[1]
    assert [(f["path"], f["code"]) for f in found if f["path"] == CATALOG] == [(CATALOG, "PRJ021")]
    assert "MB" in found[0]["message"] or any("MB" in f["message"] for f in found)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\nlicense: [mit\n---\n# Card\n", "invalid YAML"),
        ("---\n- a list\n---\n# Card\n", "must be a YAML mapping"),
    ],
)
def test_card_with_broken_front_matter(tmp_path: Path, text: str, message: str) -> None:
    project = copy_good(tmp_path)
    (project / CARD).write_text(text)
    found = [f for f in findings(project)[1] if f["path"] == CARD]
    assert [f["code"] for f in found] == ["PRJ001"]
    assert message in found[0]["message"]


def test_unreadable_pyproject_is_a_finding(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / "pyproject.toml").write_text("[tool.charter\n")
    exit_code, found = findings(project)
    assert exit_code == 1
    assert [f["code"] for f in found] == ["PRJ005"]


def test_cache_gives_the_same_answers_and_misses_on_change(tmp_path: Path) -> None:
    """Cached parse and schema results never hide an edit made after the last check."""
    project = copy_good(tmp_path)
    cache_home = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache_home)}
    assert charter("check", cwd=project, env=env).returncode == 0
    assert list((cache_home / "charter").rglob("*.pickle"))
    assert (cache_home / "charter/check-cache.json").is_file()
    edit(project / CONTRACT, "unique: true", "unique: true\n        colour: red")
    warm = charter("check", "--format", "json", cwd=project, env=env)
    cold = charter("check", "--format", "json", cwd=project, env={"CHARTER_NO_CACHE": "1"})
    assert warm.returncode == cold.returncode == 1
    assert warm.stdout == cold.stdout
    assert "unknown key 'colour'" in warm.stdout


def test_configured_artifact_folder_that_does_not_exist(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / "pyproject.toml", 'models = "governance/models"', 'models = "governance/modles"')
    exit_code, found = findings(project)
    assert exit_code == 1
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("PRJ005", "pyproject.toml", 8)]
    assert "'governance/modles' does not exist" in found[0]["message"]


def test_no_cache_option_writes_no_cache(tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    result = charter("check", "--no-cache", cwd=GOOD, env={"XDG_CACHE_HOME": str(cache_home)})
    assert result.returncode == 0
    assert not cache_home.exists()
