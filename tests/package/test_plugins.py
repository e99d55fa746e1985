"""Rule plugins: an installed package's `charter.rules` entry point adds a rule family.

Each test installs plugins into a temporary folder as an installer lays them
out (module plus `.dist-info`) and runs the real `charter` with that folder on
PYTHONPATH, so discovery goes through importlib.metadata like in a project.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from checking import charter, copy_good, edit
from plugin_package import install, install_acme, tiny_rule

from charter.formats.card import MITCHELL_SECTIONS
from charter.project import Config

CONTRACT = "governance/contracts/visits.odcs.yaml"
PLUGINS_PAGE = Path(__file__).resolve().parents[2] / "docs/guide/plugins.md"


def page_block(first_line: str) -> str:
    """The Python block of docs/guide/plugins.md that starts with `first_line`."""
    blocks = re.findall(r"```python\n(.*?)```", PLUGINS_PAGE.read_text("utf-8"), re.DOTALL)
    return next(block for block in blocks if block.startswith(first_line + "\n"))


def run(project: Path, site: Path, *args: str):
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    return charter(*args, cwd=project, env={"PYTHONPATH": path})


def check_json(project: Path, site: Path, *args: str) -> tuple[int, list[dict]]:
    result = run(project, site, "check", "--format", "json", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)["findings"]


def add_settings(project: Path, text: str) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text("utf-8") + "\n" + text, "utf-8")


@pytest.fixture
def acme(tmp_path):
    return copy_good(tmp_path), install_acme(tmp_path / "site")


def test_plugin_rules_run_in_check_with_their_code_and_place(acme):
    project, site = acme
    code, found = check_json(project, site, "--select", "ACME")
    assert code == 1
    assert [(f["code"], f["path"], f["severity"]) for f in found] == [
        ("ACME001", CONTRACT, "error"),
        ("ACME002", CONTRACT, "warning"),
    ]
    assert "Cardiology, Oncology, Radiology" in found[0]["message"]  # the schema's default


def test_plugin_settings_come_from_its_table(acme):
    project, site = acme
    edit(project / CONTRACT, "apiVersion:", "domain: Clinic\napiVersion:")
    add_settings(project, '[tool.charter.acme]\ndomains = ["Clinic"]\n')
    code, found = check_json(project, site, "--select", "ACME001,PRJ005")
    assert (code, found) == (0, [])


@pytest.mark.fails_with("PRJ005")
def test_invalid_plugin_settings_are_a_configuration_finding(acme):
    project, site = acme
    add_settings(project, '[tool.charter.acme]\ndomains = "Clinic"\ncolour = 1\n')
    lines = (project / "pyproject.toml").read_text().splitlines()
    code, found = check_json(project, site, "--select", "PRJ005")
    assert code == 1
    located = {(f["line"], f["message"].split(":")[0]) for f in found}
    assert located == {
        (lines.index('domains = "Clinic"') + 1, "[tool.charter.acme] domains"),
        (lines.index("[tool.charter.acme]") + 1, "[tool.charter.acme]"),
    }
    assert all("acme-charter-rules" in f["message"] for f in found)


def test_a_settings_table_no_plugin_claims_is_an_error(tmp_path):
    project = copy_good(tmp_path)
    add_settings(project, "[tool.charter.acme]\ndomains = []\n")
    code, found = check_json(project, tmp_path / "empty-site", "--select", "PRJ005")
    assert code == 1
    assert [f["message"] for f in found] == [
        "unknown [tool.charter.acme] table: no installed rule plugin has the prefix ACME"
    ]


def test_rule_pages_and_index_include_plugin_rules(acme, tmp_path):
    project, site = acme
    result = run(project, site, "rule", "--write-docs", str(tmp_path / "rules"))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "rules" / "ACME001.md").read_text()
    assert page.startswith("# ACME001: Data contract names no Acme business domain\n")
    assert "## Why it matters" in page
    assert "Severity: **warning**" in (tmp_path / "rules" / "ACME002.md").read_text()
    index = (tmp_path / "rules" / "index.md").read_text()
    assert "## ACME: Acme Health" in index
    assert index.index("## PIP:") < index.index("## ACME:")
    listed = json.loads(run(project, site, "rule", "--all", "--output-format", "json").stdout)
    assert {r["code"]: r["family_name"] for r in listed}["ACME002"] == "Acme Health"


def broken(site: Path, *plugins: tuple[str, str, str, str]) -> Path:
    for dist, prefix, module, source in plugins:
        install(site, dist, prefix, module, source)
    return site


@pytest.mark.parametrize(
    ("plugins", "message"),
    [
        (
            [("tiny-a", "TINY", "tiny_a", tiny_rule()), ("tiny-b", "TINY", "tiny_b", tiny_rule())],
            "charter check: plugins tiny-a and tiny-b both claim the prefix TINY: uninstall one",
        ),
        (
            [("tiny-a", "TINY", "tiny_a", tiny_rule()), ("tiny-b", "TINX", "tiny_b", tiny_rule())],
            "charter check: plugin TINX (tiny-b) registers rule TINY001, outside its prefix "
            "TINX (its codes must be TINX001 to TINX999)",
        ),
        (
            [("tiny-a", "TINY", "tiny_a", tiny_rule("PRJ039"))],
            "charter check: plugin TINY (tiny-a) registers rule PRJ039, outside its prefix "
            "TINY (its codes must be TINY001 to TINY999)",
        ),
        (
            [("tiny-a", "Tiny", "tiny_a", tiny_rule())],
            "charter check: plugin Tiny (tiny-a): its entry point name 'Tiny' must be its rule "
            "code prefix, two to five capital letters (for example ACME)",
        ),
        (
            [("tiny-a", "MOD", "tiny_a", tiny_rule("MOD100", "MOD"))],
            "charter check: plugin MOD (tiny-a): the prefix MOD is Charter's own",
        ),
        (
            [("tiny-a", "TINY", "tiny_a", "import no_such_module\n")],
            "charter check: plugin TINY (tiny-a): cannot import tiny_a: "
            "ModuleNotFoundError: No module named 'no_such_module'",
        ),
        (
            [("tiny-a", "TINY", "tiny_a", tiny_rule().replace(
                '"Contract is tiny")', '"Contract is tiny", settings=["colour"])'))],
            "charter check: plugin TINY (tiny-a): rule TINY001 reads the setting 'colour', "
            "which its SETTINGS_SCHEMA does not define",
        ),
    ],
    ids=["one-prefix-twice", "code-of-another-plugin", "charter-code", "bad-prefix",
         "charter-prefix", "import-error", "undeclared-setting"],
)  # fmt: skip
def test_a_broken_plugin_is_one_sentence_and_exit_2(tmp_path, plugins, message):
    project = copy_good(tmp_path)
    result = run(project, broken(tmp_path / "site", *plugins), "check")
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")


def test_checklists_accept_plugin_codes(acme):
    project, site = acme
    checklist = project / "governance/checklists/ready-for-production.md"
    edit(checklist, "rules: [MOD004]", "rules: [MOD004, ACME001, ACME]")
    assert check_json(project, site, "--select", "PRJ006") == (0, [])
    # Without the plugin the codes are unknown, not malformed.
    _code, found = check_json(project, project / "no-site", "--select", "PRJ006")
    assert [f["message"] for f in found] == [
        "no rule code starts with 'ACME001'",
        "no rule code starts with 'ACME'",
    ]


@pytest.mark.fails_with("PRJ006")
def test_checklist_codes_is_a_setting(tmp_path):
    project = copy_good(tmp_path)
    edit(
        project / "pyproject.toml",
        'docs = "docs"',
        'docs = "docs"\nchecklist_codes = "^[A-Z]{3}[0-9]{3}$"',
    )
    _code, found = check_json(project, tmp_path, "--select", "PRJ006,PRJ005")
    messages = sorted(f["message"] for f in found)
    assert messages == [
        f"{code!r} does not match checklist_codes '^[A-Z]{{3}}[0-9]{{3}}$' of [tool.charter]"
        for code in ("CON", "FEA", "PRJ")
    ]


@pytest.mark.fails_with("MOD003")
def test_card_sections_is_a_setting(tmp_path):
    project = copy_good(tmp_path)
    sections = '["Model Details", "Intended Use", "Clinical Safety"]'
    edit(project / "pyproject.toml", 'docs = "docs"', f'docs = "docs"\ncard_sections = {sections}')
    _code, found = check_json(project, tmp_path, "--select", "MOD003,PRJ005")
    assert [f["message"] for f in found] == ["no 'Clinical Safety' section; add a heading for it"]
    card = project / "governance/models/risk/card.md"
    card.write_text(card.read_text() + "\n## Clinical safety\n\nReviewed by the safety board.\n")
    assert check_json(project, tmp_path, "--select", "MOD003,PRJ005") == (0, [])


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('card_sections = "Model Details"', "card_sections must be a list of section headings"),
        ('checklist_codes = "^[A-Z"', "checklist_codes must be a regular expression in Rust's "
         "syntax (linear time: no look-around, no backreferences)"),
    ],
)  # fmt: skip
def test_wrong_card_and_checklist_settings(tmp_path, setting, message):
    project = copy_good(tmp_path)
    edit(project / "pyproject.toml", 'docs = "docs"', f'docs = "docs"\n{setting}')
    code, found = check_json(project, tmp_path, "--select", "PRJ005")
    assert (code, [f["message"] for f in found]) == (1, [f"[tool.charter] {message}"])


def test_the_default_settings_are_todays_constants():
    config = Config()
    assert config.card_sections == list(MITCHELL_SECTIONS)
    assert len(config.card_sections) == 9
    assert config.checklist_codes == "^[A-Z]{2,5}[0-9]{0,3}$"


def test_a_rule_page_describes_the_settings_it_reads(acme):
    project, site = acme
    result = run(project, site, "rule", "ACME001")
    assert result.returncode == 0, result.stderr
    settings = result.stdout.split("## Settings\n", 1)[1]
    assert "Set under `[tool.charter.acme]` in `pyproject.toml`" in settings
    assert (
        '| `domains` | `["Cardiology", "Oncology", "Radiology"]` '
        "| Acme's business domains: every data contract names one. |"
    ) in settings
    assert settings.index("| `domains`") < settings.index("Silence it")


def test_the_documented_plugin_passes_the_documented_tests(tmp_path):
    """The plugin and its test exactly as docs/guide/plugins.md writes them, run by pytest."""
    module = page_block("# src/acme_charter_rules/__init__.py")
    site = install(tmp_path / "site", "acme-charter-rules", "ACME", "acme_charter_rules", module)
    tests = tmp_path / "plugin" / "tests"
    tests.mkdir(parents=True)
    (tests / "test_rules.py").write_text(page_block("# tests/test_rules.py"), "utf-8")
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path / "plugin",
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_plugin_testing_finds_what_charter_check_prints(tmp_path):
    from charter.plugin.testing import check, lines, load_project, run_rule  # noqa: PLC0415

    project = copy_good(tmp_path)
    edit(project / CONTRACT, "apiVersion:", "x-note: 1\napiVersion:")
    card = project / "governance/models/risk/card.md"
    card.write_text(card.read_text().replace("## Factors", "## Other things"))
    printed = [
        line
        for line in charter("check", cwd=project).stdout.splitlines()
        if re.match(r"\S+:\d+:\d+: ", line)
    ]
    loaded = load_project(project)
    assert any(" MOD003 " in line for line in printed), printed
    assert lines(check(loaded), project) == printed
    assert lines(run_rule("mod003", loaded), project) == [
        line for line in printed if " MOD003 " in line
    ]
    assert run_rule("MOD003", project) == run_rule("MOD003", loaded)  # a folder works too
    with pytest.raises(Exception, match="no installed rule has code 'ZZZ001'"):
        run_rule("ZZZ001", loaded)


def test_roles_and_answers_are_read_from_the_answers_file(tmp_path):
    from charter.plugin import Roles  # noqa: PLC0415
    from charter.plugin.testing import load_project  # noqa: PLC0415

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    assert load_project(tmp_path).roles() == Roles()
    (tmp_path / ".copier-answers.yml").write_text(
        "_commit: v0.2.0\n"
        "data_owner: '@acme/data'\n"
        "model_owner: ada@acme.example\n"
        "product_owner: '  '\n"
        "privacy_reviewer: '@acme/privacy'\n"
        "data_sensitivity: personal\n"
    )
    project = load_project(tmp_path)
    assert project.roles() == Roles(
        data_owner="@acme/data", model_owner="ada@acme.example", privacy_reviewer="@acme/privacy"
    )
    assert project.answers()["data_sensitivity"] == "personal"


def test_codeowners_is_read_once_for_rules_and_the_site(tmp_path):
    from charter.plugin.testing import load_project  # noqa: PLC0415
    from charter.views.site import Site, home  # noqa: PLC0415

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    assert load_project(tmp_path).codeowners() is None
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/CODEOWNERS").write_text(
        "# Who reviews what\n"
        "*  @acme/ml\n"
        "/governance/contracts/  @acme/data @acme/privacy @acme/data  # data owner, reviewer\n"
        "/lonely/\n"
    )
    project = load_project(tmp_path)
    owners = project.codeowners()
    assert owners is not None
    assert owners.path == tmp_path.resolve() / ".github/CODEOWNERS"
    assert [(e.pattern, e.owners, e.line) for e in owners.entries] == [
        ("*", ("@acme/ml",), 2),
        ("/governance/contracts/", ("@acme/data", "@acme/privacy"), 3),
    ]
    assert owners.owners_of("/governance/contracts/") == ("@acme/data", "@acme/privacy")
    text = home(Site(project)).pages[0].text
    assert "From `.github/CODEOWNERS`: a change to these paths" in text
    assert "| `/governance/contracts/` | @acme/data @acme/privacy |" in text
