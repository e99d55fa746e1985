"""MOD009: a model card's metrics are the ones its run manifest recorded."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import Finding
from charter.formats.card import GOVERNANCE_POINTER
from charter.rules.registry import at, rule
from charter.runs.card_sync import card_metrics

if TYPE_CHECKING:
    from charter.project import Project


def _same(card_value: object, run_value: float) -> bool:
    if isinstance(card_value, bool) or not isinstance(card_value, int | float):
        return False
    return math.isclose(card_value, run_value, rel_tol=1e-9, abs_tol=1e-12)


@rule("MOD009", "Model card metrics differ from its run manifest")
def metrics_match_run(project: Project) -> Iterator[Finding]:
    manifests = {m.path.resolve(): m for m in project.manifests}
    for card in project.cards:
        if card.run_manifest is None:
            continue
        manifest = manifests.get((project.root / card.run_manifest).resolve())
        if manifest is None:
            continue  # MOD008 (missing) or RUN001 (invalid) says why
        shown = card_metrics(card.document.data)
        recorded = manifest.metrics
        fix = f"run `charter card sync {card.name} --run {manifest.run_id}`"
        for name in sorted(shown.keys() | recorded.keys()):
            value, pointer = shown.get(name, (None, ""))
            if name not in shown:
                where = "/model-index" if "/model-index" in card.document.values else ""
                message = f"metric {name!r} of {card.run_manifest} is missing from the card"
                yield at(card.document, where or GOVERNANCE_POINTER, "MOD009", f"{message}; {fix}")
            elif name not in recorded:
                message = f"metric {name!r} is not in {card.run_manifest}"
                yield at(card.document, pointer, "MOD009", f"{message}; {fix}")
            elif not _same(value, recorded[name]):
                message = f"{name} is {value} in the card but {recorded[name]} in the run"
                yield at(card.document, pointer, "MOD009", f"{message}; {fix}")
