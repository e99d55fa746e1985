"""`--staged`: `charter check` and `charter docs --check` see only what git tracks or has staged.

The pre-commit hooks run them so: an untracked work-in-progress card elsewhere
in the tree must not refuse a commit of other, good files. Run by hand without
the option, both still see the whole working tree. Real git, real CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from charter_cli import charter
from checking import copy_views, edit
from templating import git

CARD = "governance/models/risk_model/card.md"
WIP = "governance/models/wip/card.md"
BROKEN_CARD = "---\nlicense: [mit\n---\n\n# Half written\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The views fixture (clean for check and docs) committed to a fresh repository."""
    project = copy_views(tmp_path)
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", "clinic", cwd=project)
    return project


@pytest.fixture
def cache(tmp_path: Path) -> dict[str, str]:
    """One check cache for every run of a test: answers must never leak between file sets."""
    return {"XDG_CACHE_HOME": str(tmp_path / "cache")}


def wip_card(repo: Path, text: str) -> None:
    path = repo / WIP
    path.parent.mkdir(parents=True)
    path.write_text(text)


def stage_a_good_change(repo: Path) -> None:
    edit(repo / CARD, "A fixture card for the views tests.", "A card for the views tests.")
    git("add", CARD, cwd=repo)


def test_untracked_broken_card_does_not_fail_check_staged(
    repo: Path, cache: dict[str, str]
) -> None:
    wip_card(repo, BROKEN_CARD)
    stage_a_good_change(repo)

    staged = charter("check", "--staged", cwd=repo, env=cache)
    assert staged.returncode == 0, staged.stdout + staged.stderr
    assert WIP not in staged.stdout

    by_hand = charter("check", cwd=repo, env=cache)
    assert by_hand.returncode == 1, by_hand.stdout + by_hand.stderr
    assert f"{WIP}:3:1: PRJ001" in by_hand.stdout

    again = charter("check", "--staged", cwd=repo, env=cache)
    assert (again.returncode, again.stdout) == (0, staged.stdout)


def test_staged_broken_card_still_fails_check_staged(repo: Path, cache: dict[str, str]) -> None:
    wip_card(repo, BROKEN_CARD)
    git("add", WIP, cwd=repo)

    staged = charter("check", "--staged", cwd=repo, env=cache)
    assert staged.returncode == 1
    assert f"{WIP}:3:1: PRJ001" in staged.stdout


def test_untracked_valid_card_is_not_listed_by_docs_check_staged(repo: Path) -> None:
    card = (repo / CARD).read_text().replace("risk_model", "wip")
    wip_card(repo, card)
    stage_a_good_change(repo)

    staged = charter("docs", "--check", "--staged", cwd=repo)
    assert staged.returncode == 0, staged.stdout + staged.stderr
    assert staged.stdout == ""

    by_hand = charter("docs", "--check", cwd=repo)
    assert by_hand.returncode == 1
    assert "docs/model-cards.md: stale" in by_hand.stdout
    assert "docs/lineage.md: stale" in by_hand.stdout


def test_untracked_broken_card_does_not_block_docs_check_staged(repo: Path) -> None:
    wip_card(repo, BROKEN_CARD)
    stage_a_good_change(repo)

    staged = charter("docs", "--check", "--staged", cwd=repo)
    assert staged.returncode == 0, staged.stdout + staged.stderr

    by_hand = charter("docs", "--check", cwd=repo)
    assert by_hand.returncode == 2
    assert WIP in by_hand.stderr


def test_staged_artifact_change_needs_its_view_staged(repo: Path) -> None:
    """A view rendered but left out of the index is not part of the commit."""
    git("rm", "--quiet", "--cached", "docs/model-cards.md", cwd=repo)

    staged = charter("docs", "--check", "--staged", cwd=repo)
    assert staged.returncode == 1
    assert staged.stdout.splitlines() == [
        "docs/model-cards.md: not staged; run `charter docs`, then `git add` it"
    ]
    assert charter("docs", "--check", cwd=repo).returncode == 0


def test_untracked_rej_file_is_still_reported(repo: Path) -> None:
    """`*.rej` files are git-ignored by design; they mean an update was half applied."""
    (repo / "pyproject.toml.rej").write_text("@@ -1 +1 @@\n-a\n+b\n")

    staged = charter("check", "--staged", cwd=repo)
    assert staged.returncode == 1
    assert "pyproject.toml.rej:1:1: PRJ004" in staged.stdout


@pytest.mark.parametrize("command", [["check"], ["docs", "--check"]])
def test_staged_outside_git_is_a_usage_error(tmp_path: Path, command: list[str]) -> None:
    project = copy_views(tmp_path)
    result = charter(*command, "--staged", cwd=project)
    assert result.returncode == 2
    assert "--staged needs a git repository" in result.stderr
    assert "Traceback" not in result.stderr
    assert charter(*command, cwd=project).returncode == 0


def test_transform_in_an_untracked_module_is_not_found(repo: Path) -> None:
    """A catalog whose transform lives in a file left out of the commit is refused."""
    git("rm", "--quiet", "--cached", "src/clinic/features.py", cwd=repo)

    staged = charter("check", "--staged", cwd=repo)
    assert staged.returncode == 1
    assert "clinic.features:weight_kg" in staged.stdout
    assert charter("check", cwd=repo).returncode == 0


def test_card_naming_an_untracked_run_manifest_fails_check_staged(repo: Path) -> None:
    card = repo / CARD
    edit(card, "run_manifest: null", "run_manifest: runs/r1/manifest.json")
    git("add", CARD, cwd=repo)
    (repo / "runs" / "r1").mkdir(parents=True)
    (repo / "runs" / "r1" / "manifest.json").write_text("{}\n")

    staged = charter("check", "--staged", "--no-cache", "--select", "MOD008", cwd=repo)
    assert staged.returncode == 1, staged.stdout + staged.stderr
    assert "MOD008 run manifest 'runs/r1/manifest.json' is not committed" in staged.stdout

    by_hand = charter("check", "--select", "MOD008", cwd=repo)
    assert by_hand.returncode == 0, by_hand.stdout + by_hand.stderr
