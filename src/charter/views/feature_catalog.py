"""`docs/feature-catalog.md`: every feature, what it reads, how it is built, who owns it, why.

Below the features, the candidates left out (`excluded:`), each with its reason
and the decision record that decided it.
"""

from __future__ import annotations

from charter.formats.catalog import Catalog, Excluded, Feature
from charter.formats.decision import FOLDER as DECISIONS
from charter.views.markdown import cell, code, notice, page, table

HEADERS = (
    "Feature",
    "Version",
    "Status",
    "Type",
    "Entity (join keys)",
    "Sources",
    "Transform",
    "Anonymization",
    "Owner",
    "Description",
    "Rationale",
)
EXCLUDED_HEADERS = ("Candidate", "Why it was left out", "Decision record")


def render(catalog: Catalog | None, catalog_path: str) -> str:
    """The whole page; features sorted by name, then version."""
    lines = [notice(code(catalog_path)), "", "# Feature catalog", ""]
    features = sorted(catalog.features, key=sort_key) if catalog else []
    if not features:
        lines.append(f"No features yet: add them to {code(catalog_path)}.")
        return page(lines)
    lines += [f"{len(features)} features from {code(catalog_path)}.", ""]
    lines.extend(table(HEADERS, (feature_row(f) for f in features)))
    excluded = sorted(catalog.excluded, key=lambda e: e.name) if catalog else []
    if excluded:
        lines += [
            "",
            "## Candidates left out",
            "",
            f"Features considered and not used, as {code(catalog_path)} lists them under "
            f"`excluded:`; decision records are in {code(DECISIONS + '/')}.",
            "",
            *table(EXCLUDED_HEADERS, (excluded_row(e) for e in excluded)),
        ]
    return page(lines)


def excluded_row(excluded: Excluded) -> list[str]:
    return [
        code(excluded.name, in_table=True),
        cell(excluded.reason or ""),
        code(excluded.decision, in_table=True) if excluded.decision else "",
    ]


def sort_key(feature: Feature) -> tuple[str, int]:
    return (feature.name, feature.version if feature.version is not None else -1)


def feature_row(feature: Feature) -> list[str]:
    keys = ", ".join(feature.join_keys)
    entity = cell(feature.entity or "") + (f" ({cell(keys)})" if keys else "")
    sources = sorted(f"{s.contract}.{s.property}" for s in feature.sources)
    return [
        code(feature.name, in_table=True),
        cell(feature.version if feature.version is not None else ""),
        cell(feature.status or ""),
        cell(feature.dtype or ""),
        entity,
        ", ".join(code(s, in_table=True) for s in sources),
        code(feature.transform_ref or "", in_table=True),
        cell(feature.anonymization or ""),
        cell(feature.owner or ""),
        cell(feature.description or ""),
        cell(feature.rationale or ""),
    ]
