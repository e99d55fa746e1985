"""The model card's model-index is read once, in formats.card, for the view, MOD009 and sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.formats.card import HUB_YAML_BLOCK, Metric, from_text, hub_load_error
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


LOADS = """\
---
license: mit
model-index:
  - name: risk
    results:
      - task: {type: tabular-regression}
        dataset: {type: visits, name: Visits}
        metrics:
          - {type: r2, value: 0.5}
governance:
  owner: "@model-owner"
---
# Model card
"""

HUB_CASES = {
    "good": LOADS,
    "no dataset": CARD,
    "metric without type": LOADS.replace("{type: r2, value: 0.5}", "{value: 0.5}"),
    "results not a list": CARD.replace(
        "    results:\n      - task", "    results: 3\n    x:\n      - task"
    ),
    "model-index not a list": "---\nmodel-index: 3\n---\n# Card\n",
    "no name in model-index": "---\nmodel-index:\n  - results: []\n---\n# Card\n",
    "front matter a list": "---\n- a\n- b\n---\n# Card\n",
    "front matter empty": "---\n---\n# Card\n",
    "empty block before the real one": "---\n---\nlicense: mit\n---\n# Card\n",
    "no front matter": "# Card\n\nText.\n",
    "invalid YAML": "---\nlicense: [mit\n---\n# Card\n",
    "tab indentation": "---\nlicense:\n\t- mit\n---\n# Card\n",
    "windows newlines": LOADS.replace("\n", "\r\n"),
    "unknown task type": LOADS.replace("tabular-regression}", "no-such-task}"),
}


@pytest.mark.parametrize("text", HUB_CASES.values(), ids=HUB_CASES.keys())
def test_hub_verdict_is_the_libraries_own(text: str) -> None:
    """MOD001 reads the card as `huggingface_hub.ModelCard` does, without its 0.3 s import."""
    from huggingface_hub import ModelCard  # noqa: PLC0415

    try:
        ModelCard(text)
        expected = None
    except Exception as error:
        expected = f"{type(error).__name__}: {error}".splitlines()[0]
    assert hub_load_error(text) == expected


def test_the_cases_include_cards_the_library_accepts_and_rejects() -> None:
    verdicts = {name: hub_load_error(text) for name, text in HUB_CASES.items()}
    assert verdicts["good"] is None
    assert verdicts["windows newlines"] is None
    assert verdicts["no dataset"] is not None
    assert verdicts["invalid YAML"] is not None


def test_the_front_matter_pattern_is_the_libraries() -> None:
    from huggingface_hub import repocard  # noqa: PLC0415

    assert HUB_YAML_BLOCK.pattern == repocard.REGEX_YAML_BLOCK.pattern
