"""PRJ: a repository with no governance artifact at all is not a clean one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import Finding
from charter.rules.registry import at_line, rule

if TYPE_CHECKING:
    from charter.project import Project


@rule(
    "PRJ050",
    "No data contract, feature catalog or model card to check",
    settings=["contracts", "features", "models"],
)
def no_governance_artifacts(project: Project) -> Iterator[Finding]:
    """## What it checks

    That the project has at least one governance artifact where `[tool.charter]`
    says they live: a data contract (`governance/contracts/*.odcs.yaml`), the
    feature catalog (`governance/features/catalog.yaml`) or a model card
    (`governance/models/*/card.md`). The finding points at `pyproject.toml`.

    ## Why it matters

    Every other rule checks an artifact. In a repository that has none, every rule
    is silent and `charter check` would say "All checks passed", even at
    `--stage production`: the published pre-commit hooks, added to a repository
    that never adopted the standards, would then certify a project with no data
    dictionary, no catalog and no model card. Nothing checked is not the same as
    nothing wrong.

    ## Example

    Fails: a repository with `pyproject.toml`, `src/` and `data/` but no
    `governance/` folder.

    ```text
    pyproject.toml:1:1: PRJ050 no data contract (governance/contracts/*.odcs.yaml), feature catalog (governance/features/catalog.yaml) or model card (governance/models/*/card.md): nothing here follows the standards yet
    ```

    Passes: the same repository after `charter adopt`, which drafts a contract for
    each data file it finds, an empty feature catalog and a model-card stub.

    ## How to fix

    Run `charter adopt` in the repository (it never overwrites a file), or draft a
    contract with `charter new contract DATA_FILE` and a card with
    `charter new model NAME`. If the artifacts live elsewhere, point
    `[tool.charter]` (`contracts`, `features`, `models`) at them.
    """
    config = project.config
    if project.contract_files() or project.sees(project.path("features")) or project.card_files():
        return
    yield at_line(
        project.root / "pyproject.toml",
        1,
        1,
        f"no data contract ({config.contracts}/*.odcs.yaml), feature catalog "
        f"({config.features}) or model card ({config.models}/*/card.md): "
        "nothing here follows the standards yet; `charter adopt` drafts them",
    )
