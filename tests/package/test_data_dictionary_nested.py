"""The data dictionary reads the typed contract: nested fields are rows of their own."""

from __future__ import annotations

from pathlib import Path

from charter.formats import contract as contract_format
from charter.formats.source import Document
from charter.views import data_dictionary

DATA = {
    "apiVersion": "v3.2.0",
    "id": "people",
    "schema": [
        {
            "name": "people",
            "properties": [
                {
                    "name": "address",
                    "logicalType": "object",
                    "properties": [
                        {"name": "city", "logicalType": "string", "description": "Town."}
                    ],
                },
                {"name": "tags", "logicalType": "array", "items": {"logicalType": "string"}},
            ],
        }
    ],
}


def test_nested_fields_and_items_have_rows():
    contract = contract_format.from_document(Document(Path("people.odcs.yaml"), DATA))
    text = "\n".join(data_dictionary.contract_section("people.odcs.yaml", contract))
    rows = [line.split(" | ")[0] for line in text.splitlines() if line.startswith("| `")]
    assert rows == ["| `address`", "| `address.city`", "| `tags`", "| `tags[]`"]
    assert "| `address.city` | string | no |" in text
