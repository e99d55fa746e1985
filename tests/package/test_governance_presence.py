"""PRJ050: a repository with no contract, catalog or card is reported, not passed."""

from __future__ import annotations

from pathlib import Path

import pytest
from checking import charter, codes, copy_good


def _bare_repository(root: Path) -> Path:
    """An ordinary Python repository that never adopted the standards."""
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "legacy"\nversion = "1.0"\n')
    (root / "src").mkdir()
    (root / "src" / "train.py").write_text("print('training')\n")
    (root / "data").mkdir()
    (root / "data" / "visits.csv").write_text("id,age\n1,40\n")
    return root


@pytest.mark.fails_with("PRJ050")
@pytest.mark.parametrize("stage", ["review", "production"])
def test_a_repository_with_no_governance_artifact_fails(tmp_path: Path, stage: str) -> None:
    root = _bare_repository(tmp_path / "legacy")
    result = charter("check", "--stage", stage, cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "All checks passed" not in result.stderr
    assert result.stdout.startswith("pyproject.toml:1:1: PRJ050 no data contract")


def test_one_artifact_is_enough(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    assert "PRJ050" not in codes(project)
    for card in (project / "governance/models").glob("*/card.md"):
        card.unlink()
    for contract in (project / "governance/contracts").glob("*.odcs.yaml"):
        contract.unlink()
    assert "PRJ050" not in codes(project, "--select", "PRJ050")
    (project / "governance/features/catalog.yaml").unlink()
    assert codes(project, "--select", "PRJ050") == {"PRJ050"}
