"""`docs/data-dictionary.md`: one table per dataset, read from the ODCS contracts.

The contract is the data dictionary; this page is how people who never open
YAML read it: every column with its type, constraints, unit, missing-value
handling, classification, PII status and description, plus who owns the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from charter.views.markdown import cell, code, notice, page, table
from charter.views.sources import ContractSource, custom_property

HEADERS = (
    "Column",
    "Type",
    "Required",
    "Unit",
    "Constraints",
    "Missing values",
    "Classification",
    "PII / anonymization",
    "Description",
)


def render(contracts: Iterable[ContractSource], source: str) -> str:
    """The whole page, datasets sorted by contract id then schema object name."""
    lines = [notice(source), "", "# Data dictionary", ""]
    ordered = sorted(contracts, key=lambda c: (str(c.data.get("id", "")), c.path))
    if not ordered:
        lines.append("No data contracts yet: add one with `charter new contract NAME --from DATA`.")
    for contract in ordered:
        lines.extend(contract_section(contract))
    return page(lines)


def contract_section(contract: ContractSource) -> list[str]:
    data = contract.data
    lines: list[str] = []
    for obj in _objects(data):
        lines += [f"## {cell(obj.get('name', '(unnamed)'))}", ""]
        lines.append(
            f"Contract {code(data.get('id', ''))} version {cell(data.get('version', '?'))}, "
            f"status {cell(data.get('status', '?'))}, in {code(contract.relpath)}."
        )
        lines.append("")
        lines.extend(_description(data, obj))
        lines.extend(_team(data))
        rows = [property_row(prop) for prop in obj.get("properties") or [] if _is_mapping(prop)]
        lines.extend(table(HEADERS, rows))
        lines.append("")
    return lines


def property_row(prop: Mapping[str, Any]) -> list[str]:
    """One table row; empty cells mean the contract says nothing there."""
    return [
        code(prop.get("name", ""), in_table=True),
        cell(prop.get("logicalType", "")),
        "yes" if prop.get("required") or prop.get("primaryKey") else "no",
        cell(custom_property(prop, "unit")),
        cell("; ".join(constraints(prop))),
        cell(custom_property(prop, "missingValues")),
        cell(prop.get("classification", "")),
        cell(_pii(prop)),
        cell(prop.get("description", "")),
    ]


def constraints(prop: Mapping[str, Any]) -> list[str]:
    """Keys, ranges, patterns and code lists, in a fixed order."""
    found = []
    if prop.get("primaryKey"):
        found.append("primary key")
    if prop.get("unique"):
        found.append("unique")
    options = prop.get("logicalTypeOptions")
    if _is_mapping(options):
        for key, word in (
            ("minimum", ">="),
            ("exclusiveMinimum", ">"),
            ("maximum", "<="),
            ("exclusiveMaximum", "<"),
            ("minLength", "length >="),
            ("maxLength", "length <="),
            ("pattern", "matches"),
            ("format", "format"),
        ):
            if key in options:
                found.append(f"{word} {options[key]}")
    for rule in prop.get("quality") or []:
        if _is_mapping(rule) and rule.get("metric") == "invalidValues":
            valid = (rule.get("arguments") or {}).get("validValues")
            if isinstance(valid, list):
                found.append("one of " + ", ".join(str(v) for v in valid))
    return found


def _pii(prop: Mapping[str, Any]) -> str:
    category = custom_property(prop, "piiCategory")
    anonymization = custom_property(prop, "anonymization")
    if not category and not anonymization:
        return ""
    return " / ".join(str(part) for part in (category or "", anonymization or "none") if part)


def _description(data: Mapping[str, Any], obj: Mapping[str, Any]) -> list[str]:
    lines = []
    if obj.get("description"):
        lines += [cell(obj["description"]), ""]
    about = data.get("description")
    if _is_mapping(about):
        for key in ("purpose", "usage", "limitations"):
            if about.get(key):
                lines += [f"**{key.capitalize()}:** {cell(about[key])}", ""]
    return lines


def _team(data: Mapping[str, Any]) -> list[str]:
    team = data.get("team")
    members = team.get("members") if _is_mapping(team) else team
    people = [
        f"{cell(m.get('username', ''))} ({cell(m.get('role', 'member'))})"
        for m in members or []
        if _is_mapping(m)
    ]
    if not people:
        return []
    name = f"{cell(team['name'])}: " if _is_mapping(team) and team.get("name") else ""
    return [f"**Team:** {name}{', '.join(people)}", ""]


def _objects(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    objects = [obj for obj in data.get("schema") or [] if _is_mapping(obj)]
    return sorted(objects, key=lambda obj: str(obj.get("name", "")))


def _is_mapping(value: object) -> bool:
    return isinstance(value, Mapping)
