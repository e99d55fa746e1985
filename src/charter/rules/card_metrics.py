"""MOD009, MOD010: a model card agrees with the run its metrics come from.

MOD009 compares the metrics; MOD010 the model, features and contracts, so a
card cannot show one run's numbers for a model built from other data.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import Finding
from charter.formats.card import GOVERNANCE_POINTER
from charter.rules.registry import at, rule

if TYPE_CHECKING:
    from charter.formats.card import Card
    from charter.formats.manifest import Manifest
    from charter.project import Project


def _same(card_value: object, run_value: float) -> bool:
    if isinstance(card_value, bool) or not isinstance(card_value, int | float):
        return False
    return math.isclose(card_value, run_value, rel_tol=1e-9, abs_tol=1e-12)


def _cards_with_runs(project: Project) -> Iterator[tuple[Card, Manifest]]:
    """Each card whose `governance.run_manifest` names a manifest that loaded, with it."""
    manifests = {m.path.resolve(): m for m in project.manifests}
    for card in project.cards:
        if card.run_manifest is None:
            continue
        manifest = manifests.get((project.root / card.run_manifest).resolve())
        if manifest is not None:  # else MOD008 (missing) or RUN001 (invalid) says why
            yield card, manifest


@rule("MOD009", "Model card metrics differ from its run manifest")
def metrics_match_run(project: Project) -> Iterator[Finding]:
    """## What it checks

    For a card whose `governance.run_manifest` names a run manifest, every metric
    in the card's `model-index` has the same value as the metric of that type in
    the manifest's `metrics`, and every manifest metric appears in the card.

    ## Why it matters

    Metrics in a model card are what reviewers, product owners and regulators
    read. Typed by hand they drift from what the model actually scored. Synced
    from the run record, they can be traced to a commit, data fingerprints and
    seeds, and `charter reproduce` can confirm them.

    ## Example

    ```yaml
    model-index:
      - name: progression_regressor
        results:
          - metrics:
              - type: r2
                value: 0.51 # typed by hand
    governance:
      run_manifest: runs/20261126T143900Z-1a2b3c/manifest.json
    ```

    ```text
    governance/models/progression_regressor/card.md:18:20: MOD009 r2 is 0.51 in the card but 0.332647 in the run; run `charter card sync progression_regressor --run 20261126T143900Z-1a2b3c`
    ```

    ## Fixed

    ```yaml
              - type: r2
                value: 0.332647
    ```

    ## How to fix

    ```console
    uv run charter card sync progression_regressor --run 20261126T143900Z-1a2b3c
    ```

    It rewrites only the metric values (or the `model-index` block when the set of
    metrics changed) and `governance.run_manifest`; the rest of the card is left
    as it is.
    """
    for card, manifest in _cards_with_runs(project):
        shown = card.metric_values()
        recorded = manifest.metrics
        fix = f"run `charter card sync {card.name} --run {manifest.run_id}`"
        for name in sorted(shown.keys() | recorded.keys()):
            value, pointer = shown.get(name, (None, ""))
            if name not in shown:
                where = "/model-index" if "/model-index" in card.document.values else ""
                message = f"metric {name!r} of {card.run_manifest} is missing from the card"
                yield at(card.document, where or GOVERNANCE_POINTER, f"{message}; {fix}")
            elif name not in recorded:
                message = f"metric {name!r} is not in {card.run_manifest}"
                yield at(card.document, pointer, f"{message}; {fix}")
            elif not _same(value, recorded[name]):
                message = f"{name} is {value} in the card but {recorded[name]} in the run"
                yield at(card.document, pointer, f"{message}; {fix}")


@rule("MOD010", "Model card's model, features or contracts differ from its run's")
def card_matches_run(project: Project) -> Iterator[Finding]:
    """## What it checks

    For a card whose `governance.run_manifest` names a run manifest (the run its
    metrics come from):

    - the run trained this model: the card's folder name is in the manifest's
      `models` (manifests older than the `models` field are not checked for it);
    - `governance.features` lists exactly the manifest's `features`;
    - `governance.contracts` lists exactly the contracts of the manifest's inputs.

    A listed entry the run did not use is reported at that entry; something the
    run used that the card does not list is reported at the list.

    ## Why it matters

    A model card describes one model, and its metrics are only meaningful for the
    model that scored them. A card that shows the numbers of another model's run,
    or of a run built from other features or data, tells reviewers and privacy
    reviewers about data the model never saw, and hides the data it did see.

    ## Example

    Fails (`governance/models/wine_cultivar/card.md`, synced by hand to a run of
    the penguins model):

    ```yaml
    governance:
      features: [alcohol@1, flavanoids@1]
      contracts: [wine]
      run_manifest: runs/20261126T143900Z-1a2b3c/manifest.json
    ```

    ```text
    governance/models/wine_cultivar/card.md:24:17: MOD010 run 20261126T143900Z-1a2b3c trained penguin_species, not wine_cultivar; point the card at a run of wine_cultivar with `charter card sync wine_cultivar --run RUN`
    governance/models/wine_cultivar/card.md:22:14: MOD010 feature 'alcohol@1' is listed, but run 20261126T143900Z-1a2b3c did not use it; remove it or rerun with it
    governance/models/wine_cultivar/card.md:22:3: MOD010 run 20261126T143900Z-1a2b3c used feature 'bill_length@1', which the card does not list; add it to governance.features
    ```

    Passes: the run lists `models: ["wine_cultivar"]`, `features:
    ["alcohol@1", "flavanoids@1"]` and one input with contract `wine`.

    ## How to fix

    Sync the card from a run of its own model:
    `uv run charter card sync wine_cultivar --run RUN` (it refuses a run that did
    not train the model). If the model now reads other features or data, update
    `governance.features` and `governance.contracts` to what the run used, or run
    the pipeline again with the features the card lists.
    """
    for card, manifest in _cards_with_runs(project):
        run = f"run {manifest.run_id}"
        if manifest.models is not None and card.name not in manifest.models:
            trained = ", ".join(manifest.models) or "no model"
            yield at(
                card.document,
                f"{GOVERNANCE_POINTER}/run_manifest",
                f"{run} trained {trained}, not {card.name}; point the card at a run of "
                f"{card.name} with `charter card sync {card.name} --run RUN`",
            )
        contracts = [item.contract.id for item in manifest.inputs if item.contract is not None]
        yield from _differences(card, "features", card.features, manifest.features, run)
        yield from _differences(card, "contracts", card.contracts, contracts, run)


def _differences(
    card: Card, key: str, listed: list[tuple[str, str]], used: list[str], run: str
) -> Iterator[Finding]:
    """A finding at each entry the run did not use, and at the list for each one it did."""
    names = {name for name, _ in listed}
    for name, pointer in listed:
        if name not in used:
            message = f"{key[:-1]} {name!r} is listed, but {run} did not use it"
            yield at(card.document, pointer, f"{message}; remove it or rerun with it")
    for name in sorted(set(used) - names):
        message = f"{run} used {key[:-1]} {name!r}, which the card does not list"
        yield at(
            card.document,
            f"{GOVERNANCE_POINTER}/{key}",
            f"{message}; add it to governance.{key}",
        )
