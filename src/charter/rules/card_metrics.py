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
        wrong = sorted(
            name
            for name in shown.keys() | recorded.keys()
            if name not in shown or name not in recorded or not _same(shown[name], recorded[name])
        )
        if wrong:
            details = ", ".join(
                f"{name}: card {shown.get(name, '-')} vs run {recorded.get(name, '-')}"
                for name in wrong
            )
            pointer = (
                "/model-index" if "/model-index" in card.document.values else GOVERNANCE_POINTER
            )
            yield at(
                card.document,
                pointer,
                "MOD009",
                f"metrics differ from {card.run_manifest} ({details}); run "
                f"`charter card sync {card.name} --run {manifest.run_id}`",
            )
