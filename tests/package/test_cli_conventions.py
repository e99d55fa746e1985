"""The command line speaks one way: --project, --debug, named exit codes, lazy imports."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from charter_cli import charter
from checking import copy_good
from test_validation import CONTRACT, valid_frame

import charter as charter_package
from charter.cli import main
from charter.rules.registry import RULES, rule

SRC = Path(charter_package.__file__).parent

PROJECT_COMMANDS = [
    ["check"],
    ["validate"],
    ["docs"],
    ["new", "model"],
    ["new", "contract"],
    ["new", "decision"],
    ["card", "sync"],
    ["reproduce"],
    ["runs", "list"],
    ["runs", "show"],
    ["runs", "compare"],
    ["lineage", "export"],
    ["adopt"],
]


@pytest.mark.parametrize("command", PROJECT_COMMANDS, ids=" ".join)
def test_every_project_command_takes_project(command: list[str]) -> None:
    result = charter(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "--project DIR" in result.stdout


def clinic(tmp_path: Path) -> Path:
    """A project holding the test contract `patients`, and a data file outside it."""
    root = tmp_path / "clinic"
    (root / "governance" / "contracts").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "clinic"\nversion = "0"\n')
    shutil.copyfile(CONTRACT, root / "governance" / "contracts" / "patients.odcs.yaml")
    valid_frame().write_parquet(tmp_path / "patients.parquet")
    return root


def test_validate_finds_a_contract_by_id_in_the_project(tmp_path: Path) -> None:
    root = clinic(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "patients.parquet"
    found = charter("validate", data, "--contract", "patients", "--project", root, cwd=elsewhere)
    assert found.returncode == 0, found.stderr
    missing = charter("validate", data, "--contract", "patientz", "--project", root, cwd=elsewhere)
    assert missing.returncode == 2
    assert "no contract has id 'patientz'" in missing.stderr
    assert "Traceback" not in missing.stderr
    outside = charter("validate", data, "--contract", "patients", cwd=elsewhere)
    assert outside.returncode == 2
    assert "no project here" in outside.stderr


def test_check_project_option_checks_that_project(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / "governance/models/risk/card.md").write_text("# Model card: risk\n")
    result = charter("check", "--project", project, "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert '"MOD002"' in result.stdout
    nowhere = charter("check", "--project", tmp_path / "nope", cwd=tmp_path)
    assert nowhere.returncode == 2
    assert "no such folder" in nowhere.stderr


@pytest.fixture
def crashing_rule():
    """A rule with a bug, registered for one test: the CLI must not show a traceback."""

    @rule("ZZZ901", "A rule that crashes")
    def crashes(project):
        raise RuntimeError("the rule has a bug")

    yield
    del RULES["ZZZ901"]


@pytest.mark.usefixtures("crashing_rule")
def test_internal_error_is_one_line_and_debug_shows_the_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_good(tmp_path)
    assert main(["check", "--project", str(project), "--select", "ZZZ"]) == 2
    err = capsys.readouterr().err
    assert "charter check: internal error: RuntimeError: the rule has a bug" in err
    assert "Traceback" not in err
    assert "--debug" in err
    for argv in (["--debug", "check"], ["check", "--debug"]):
        assert main([*argv, "--project", str(project), "--select", "ZZZ"]) == 2
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err
        assert "RuntimeError: the rule has a bug" in err


def imported(*args: str | Path, cwd: Path) -> set[str]:
    """The modules `python -X importtime -m charter ARGS` imports."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "charter", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    return set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \| +(\S+)$", result.stderr, re.M))


def test_help_imports_no_work(tmp_path: Path) -> None:
    modules = imported("--help", cwd=tmp_path)
    assert "charter.cli" in modules
    heavy = {"yaml", "importlib.metadata", "charter.project", "charter.rules", "charter.views"}
    assert not modules & heavy


def test_check_imports_only_what_it_needs(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    charter("check", cwd=project)  # warm the cache, as every check after the first
    modules = imported("check", cwd=project)
    assert "charter.rules" in modules
    unused = {
        "charter.scaffold",
        "charter.views",
        # CON015 compiles each contract to the engine-neutral spec (pure Python,
        # charter.validation.odcs); the data engines stay out.
        "charter.validation.validator",
        "charter.validation.polars_backend",
        "polars",
        "pandera",
        "copier",
        "huggingface_hub",
        # `charter runs` reads MLflow's filter syntax; no check pays for it.
        "charter.runs.history",
        "sqlparse",
        # `charter lineage` builds OpenLineage events; no check pays for it.
        "charter.runs.lineage",
        "openlineage",
        # `charter runs export --to mlflow` imports MLflow; no check does.
        "charter.runs.mlflow_export",
        "mlflow",
    }
    assert not modules & unused


def test_cli_returns_named_exit_codes() -> None:
    for module in sorted((SRC / "cli").glob("*.py")):
        text = module.read_text("utf-8")
        assert not re.search(r"\breturn [012]\b", text), f"{module.name} returns a bare exit code"


@pytest.mark.parametrize(
    "literal",
    [
        '"charter/v1"',
        '"uv.lock"',
        '".copier-answers.yml"',
        '("review", "production")',
        '"manifest.json"',
        '"card.md"',
        '(".csv", ".tsv")',
        '"dvc.yaml"',
        '"dvc.lock"',
    ],
)
def test_shared_constants_are_defined_once(literal: str) -> None:
    holders = [
        p.relative_to(SRC).as_posix()
        for p in sorted(SRC.rglob("*.py"))
        if literal in p.read_text("utf-8")
    ]
    assert holders == ["constants.py"]
