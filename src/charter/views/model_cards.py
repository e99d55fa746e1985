"""`docs/model-cards.md`: an index of the model cards, one row per model.

A product owner or reviewer sees on one page which models exist, who answers
for each, how far along it is, what it reads and how well it does; the card
itself holds the detail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from charter.formats.card import Card
from charter.views.markdown import cell, code, notice, page, table

HEADERS = ("Model", "Owner", "Status", "Features", "Contracts", "Metrics", "Run", "Card")


def render(cards: Iterable[tuple[str, Card]], source: str, links: Mapping[str, str]) -> str:
    """The whole page from (relative path, card) pairs, sorted by model name.

    `links` maps each card's path to the same path relative to the docs folder.
    """
    lines = [notice(source), "", "# Model cards", ""]
    ordered = sorted(cards, key=lambda item: (item[1].name, item[0]))
    if not ordered:
        lines.append("No model cards yet: add one with `charter new model NAME`.")
        return page(lines)
    rows = [card_row(relpath, card, links.get(relpath, relpath)) for relpath, card in ordered]
    lines.extend(table(HEADERS, rows))
    return page(lines)


def card_row(relpath: str, card: Card, target: str) -> list[str]:
    return [
        code(card.name, in_table=True),
        cell(card.owner),
        status(card),
        ", ".join(code(name, in_table=True) for name, _ in card.features),
        ", ".join(code(name, in_table=True) for name, _ in card.contracts),
        cell("; ".join(metrics(card))),
        code(card.run_manifest, in_table=True) if card.run_manifest else "no run yet",
        f"[{cell(relpath)}](<{target}>)",
    ]


def status(card: Card) -> str:
    """A card is a draft while any `TODO(...)` placeholder is left in it."""
    left = len(card.placeholders())
    if left:
        return f"draft ({left} placeholder{'s' if left != 1 else ''} left)"
    return "filled in"


def metrics(card: Card) -> list[str]:
    """`type = value` for each metric of each `model-index` result, in card order."""
    return [f"{m.type} = {'not synced' if m.value is None else m.value}" for m in card.metrics]
