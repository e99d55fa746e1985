"""Views never crash on schema-invalid artifacts: every value, replaced by every wrong type.

`charter check` reports what is wrong; `charter docs` must still render what
is there (or refuse with a message), never raise.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from charter.formats import card as card_format
from charter.formats import catalog as catalog_format
from charter.formats import contract as contract_format
from charter.formats.source import Document
from charter.project import Project
from charter.views.render import render_views

FIXTURE = Path(__file__).parent / "fixtures" / "views"
WRONG_VALUES = (7, "text", [1, "a"], {"a": 1}, None, True)


def paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every key or index path in a JSON-like value."""
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in items:
        yield (*prefix, key)
        yield from paths(child, (*prefix, key))


def replaced(data: Any, path: tuple, value: Any) -> Any:
    result = copy.deepcopy(data)
    target = result
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return result


@pytest.fixture(scope="module")
def project() -> Project:
    return Project.load(FIXTURE)


def variants(data: Any) -> Iterator[Any]:
    """The document with one value of the wrong type (a non-mapping top level is PRJ001)."""
    for path in paths(data):
        for value in WRONG_VALUES:
            yield replaced(data, path, value)


def test_contract_of_any_shape(project: Project) -> None:
    original = project.contracts[0]
    count = 0
    for data in variants(original.document.data):
        document = Document(path=original.path, data=data)
        project.contracts = [contract_format.from_document(document)]
        views = render_views(project)
        assert views["data-dictionary.md"].endswith("\n")
        count += 1
    project.contracts = [original]
    assert count > 300


def test_catalog_of_any_shape(project: Project) -> None:
    original = project.catalog
    assert original is not None
    for data in variants(original.document.data):
        project.catalog = catalog_format.from_document(Document(original.path, data))
        assert render_views(project)["feature-catalog.md"].endswith("\n")
    project.catalog = original


def test_card_front_matter_of_any_shape(project: Project) -> None:
    original = project.cards[0]
    front = original.markdown.front_matter
    for data in variants(front.data):
        markdown = copy.copy(original.markdown)
        markdown.front_matter = Document(front.path, data)
        project.cards = [card_format.Card(path=original.path, markdown=markdown)]
        views = render_views(project)
        assert views["model-cards.md"].endswith("\n")
        assert views["lineage.md"].endswith("\n")
    project.cards = [original]
