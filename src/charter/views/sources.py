"""What the views read: each artifact's plain data and where it lives, nothing more.

Views render from the documents as their standards define them (ODCS, the
catalog format, model-card front matter), so they stay correct whatever else
the typed project layer adds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ContractSource:
    """One ODCS contract: its data and its path relative to the project root."""

    relpath: str
    data: Mapping[str, Any]

    @property
    def path(self) -> str:
        return self.relpath


@dataclass(frozen=True)
class CardSource:
    """One model card: its folder name, its path and its YAML front matter."""

    name: str
    relpath: str
    metadata: Mapping[str, Any]


@dataclass(frozen=True)
class ViewSources:
    """Everything `charter docs` renders from."""

    contracts: tuple[ContractSource, ...] = ()
    catalog: Mapping[str, Any] = field(default_factory=dict)
    catalog_relpath: str = ""
    cards: tuple[CardSource, ...] = ()


def custom_property(element: Mapping[str, Any], name: str) -> Any:
    """The value of ODCS `customProperties` entry `name`, or None."""
    for entry in element.get("customProperties") or []:
        if isinstance(entry, Mapping) and entry.get("property") == name:
            return entry.get("value")
    return None
