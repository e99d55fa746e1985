"""`docs/lineage.md`: a Mermaid flowchart from contract columns to features to models.

Reviewers ask "which models use this personal column?" and "what does this
model read?"; the diagram answers both at a glance, and the table below it
answers them for screen readers and for `grep`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from charter.formats.card import Card
from charter.formats.catalog import Catalog
from charter.views.markdown import cell, code, notice, page, table, text


@dataclass(frozen=True)
class Lineage:
    """The graph as sorted, de-duplicated edges between readable names."""

    columns: tuple[tuple[str, str], ...]
    """(contract, column) pairs that some feature reads."""
    reads: tuple[tuple[tuple[str, str], str], ...]
    """((contract, column), feature) edges; a feature is `name@version`."""
    uses: tuple[tuple[str, str], ...]
    """(feature, model) edges."""

    @property
    def features(self) -> tuple[str, ...]:
        named = {feature for _, feature in self.reads} | {feature for feature, _ in self.uses}
        return tuple(sorted(named))

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(sorted({model for _, model in self.uses}))


def build(catalog: Catalog | None, cards: Iterable[Card]) -> Lineage:
    """Edges from the catalog's sources and the cards' `governance.features`."""
    reads = {
        ((source.contract, source.property), feature.key)
        for feature in (catalog.features if catalog else [])
        for source in feature.sources
    }
    uses = {(feature, card.name) for card in cards for feature, _ in card.features}
    return Lineage(
        columns=tuple(sorted({column for column, _ in reads})),
        reads=tuple(sorted(reads)),
        uses=tuple(sorted(uses)),
    )


def render(lineage: Lineage, source: str) -> str:
    lines = [notice(source), "", "# Lineage", ""]
    if not lineage.reads and not lineage.uses:
        lines.append("No lineage yet: features in the catalog and models using them appear here.")
        return page(lines)
    lines += [
        "Contract columns (left) feed features (middle), which feed models (right).",
        "",
        "```mermaid",
        *flowchart(lineage),
        "```",
        "",
        "## Features by source",
        "",
        *table(("Feature", "Reads", "Used by"), feature_rows(lineage)),
    ]
    return page(lines)


def flowchart(lineage: Lineage) -> list[str]:
    """Mermaid source; node ids are positional so that any name is safe as a label."""
    ids: dict[tuple[str, ...], str] = {}
    lines = ["flowchart LR"]
    contracts = sorted({contract for contract, _ in lineage.columns})
    for c_index, contract in enumerate(contracts, 1):
        lines.append(f'  subgraph contract_{c_index}["{label(contract)} (contract)"]')
        columns = [column for owner, column in lineage.columns if owner == contract]
        for p_index, column in enumerate(columns, 1):
            node = f"c{c_index}_{p_index}"
            ids["column", contract, column] = node
            lines.append(f'    {node}["{label(column)}"]')
        lines.append("  end")
    lines.append('  subgraph features["features"]')
    for index, feature in enumerate(lineage.features, 1):
        ids["feature", feature] = f"f{index}"
        lines.append(f'    f{index}["{label(feature)}"]')
    lines.append("  end")
    if lineage.models:
        lines.append('  subgraph models["models"]')
        for index, model in enumerate(lineage.models, 1):
            ids["model", model] = f"m{index}"
            lines.append(f'    m{index}(["{label(model)}"])')
        lines.append("  end")
    for (contract, column), feature in lineage.reads:
        lines.append(f"  {ids['column', contract, column]} --> {ids['feature', feature]}")
    for feature, model in lineage.uses:
        lines.append(f"  {ids['feature', feature]} --> {ids['model', model]}")
    return lines


def feature_rows(lineage: Lineage) -> list[list[str]]:
    reads: dict[str, list[str]] = {}
    for (contract, column), feature in lineage.reads:
        reads.setdefault(feature, []).append(f"{contract}.{column}")
    models: dict[str, list[str]] = {}
    for feature, model in lineage.uses:
        models.setdefault(feature, []).append(model)
    return [
        [
            code(feature, in_table=True),
            ", ".join(code(r, in_table=True) for r in reads.get(feature, [])),
            ", ".join(cell(m) for m in models.get(feature, [])),
        ]
        for feature in lineage.features
    ]


def label(name: str) -> str:
    """Text inside a quoted Mermaid label: `#` first, then quotes, `&` and angle brackets as
    entity codes, so a name typed as `#lt;a#gt;` stays distinct from one typed as `<a>`."""
    escaped = text(name).replace("#", "#35;")
    for char, entity in (('"', "#quot;"), ("&", "#amp;"), ("<", "#lt;"), (">", "#gt;")):
        escaped = escaped.replace(char, entity)
    return escaped
