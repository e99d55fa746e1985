"""The model card's model-index is read once, in formats.card, for the view, MOD009 and sync."""

from __future__ import annotations

from pathlib import Path

from charter.formats.card import Metric, from_text
from charter.views.model_cards import metrics as view_metrics

CARD = """\
---
pipeline_tag: tabular-regression
model-index:
  - name: risk
    results:
      - task: {type: tabular-regression}
        metrics:
          - {type: r2, value: 0.5}
          - {value: 3}
          - {type: mae}
      - not a result
  - results:
      - metrics:
          - {type: rmse, value: 12.5}
governance:
  owner: "@model-owner"
---
# Model card
"""


def test_metrics_are_typed_with_the_pointer_of_their_value() -> None:
    card = from_text(CARD, Path("governance/models/risk/card.md"))
    assert card.metrics == [
        Metric("r2", 0.5, "/model-index/0/results/0/metrics/0/value"),
        Metric("mae", None, "/model-index/0/results/0/metrics/2/value"),
        Metric("rmse", 12.5, "/model-index/1/results/0/metrics/0/value"),
    ]
    assert card.document.position(card.metrics[0].pointer) == (8, 31)
    assert (card.owner, card.pipeline_tag) == ("@model-owner", "tabular-regression")


def test_the_view_shows_the_typed_metrics() -> None:
    card = from_text(CARD, Path("governance/models/risk/card.md"))
    assert view_metrics(card) == ["r2 = 0.5", "mae = not synced", "rmse = 12.5"]
