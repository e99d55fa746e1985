"""`.pre-commit-hooks.yaml`: charter's hooks work in a repository not made from the template.

Real pre-commit installs charter from a tagged clone of this repository (its
dependencies come from PyPI, hence the generated tier) and runs both hooks.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from templating import REPO, TEST_VERSION, clean_env, git

FIXTURE = Path(__file__).parent / "fixtures" / "views"


def test_hook_manifest_publishes_both_hooks() -> None:
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    }
    assert sorted(hooks) == ["charter-check", "charter-docs"]
    assert hooks["charter-check"]["entry"] == "charter check --staged"
    assert hooks["charter-docs"]["entry"] == "charter docs --check --staged"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert hook["always_run"] is True


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit home for the module: charter's hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def clinic(template_repo: Path, repo: Path) -> Path:
    """The views fixture as a committed repository that uses the published hooks."""
    shutil.copytree(FIXTURE, repo)
    config = {
        "repos": [
            {
                "repo": str(template_repo),
                "rev": f"v{TEST_VERSION}",
                "hooks": [{"id": "charter-check"}, {"id": "charter-docs"}],
            }
        ]
    }
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    git("init", "--quiet", "--initial-branch=main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "--quiet", "--no-verify", "-m", "clinic", cwd=repo)
    return repo


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "pre_commit", *(args or ("run", "--all-files"))], repo, home)


def run(command: list[str], repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = clean_env() | {"PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        command,
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.mark.generated
def test_published_hooks_run_with_pre_commit(
    template_repo: Path, tmp_path: Path, home: Path
) -> None:
    repo = clinic(template_repo, tmp_path / "clinic")

    clean = pre_commit(repo, home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "charter check" in clean.stdout and "charter docs --check" in clean.stdout

    catalog = repo / "governance/features/catalog.yaml"
    catalog.write_text(catalog.read_text().replace("Weight as measured.", "Weight in kg."))
    contract = repo / "governance/contracts/visits.odcs.yaml"
    unit = "          - property: unit\n            value: years\n"
    contract.write_text(contract.read_text().replace(unit, ""))
    stale = pre_commit(repo, home)
    assert stale.returncode == 1
    assert "docs/feature-catalog.md: stale" in stale.stdout
    assert "docs/data-dictionary.md: stale" in stale.stdout
    assert "governance/contracts/visits.odcs.yaml" in stale.stdout
    assert "CON008 integer property 'age' declares no `unit`" in stale.stdout
    assert not (repo / "docs/feature-catalog.md").read_text().count("Weight in kg.")


@pytest.mark.generated
def test_published_hooks_check_what_is_committed(
    template_repo: Path, tmp_path: Path, home: Path
) -> None:
    """An untracked broken card does not refuse a commit; staged, it does."""
    repo = clinic(template_repo, tmp_path / "clinic")
    assert pre_commit(repo, home, "install").returncode == 0
    wip = repo / "governance/models/wip/card.md"
    wip.parent.mkdir(parents=True)
    wip.write_text("---\nlicense: [mit\n---\n\n# Half written\n")
    card = repo / "governance/models/risk_model/card.md"
    card.write_text(card.read_text().replace("A fixture card", "A card"))
    git("add", "governance/models/risk_model/card.md", cwd=repo)

    commit = run(["git", "commit", "-m", "Reword the card"], repo, home)
    assert commit.returncode == 0, commit.stdout + commit.stderr
    output = commit.stdout + commit.stderr  # git passes the hooks' report on stderr
    assert "charter check" in output and "charter docs --check" in output

    git("add", "governance/models/wip/card.md", cwd=repo)
    refused = run(["git", "commit", "-m", "Add the WIP card"], repo, home)
    assert refused.returncode == 1
    output = refused.stdout + refused.stderr
    assert "governance/models/wip/card.md:3:1: PRJ001" in output
    assert "fix the artifacts above first" in output
