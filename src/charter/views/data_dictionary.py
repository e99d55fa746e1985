"""`docs/data-dictionary.md`: one table per dataset, read from the ODCS contracts.

The contract is the data dictionary; this page is how people who never open
YAML read it: every column with its type, constraints, unit, missing-value
handling, classification, PII status and description, plus who owns the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from charter.formats.contract import Contract
from charter.views.markdown import cell, code, notice, page, table

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

OPTION_WORDS = (
    ("minimum", "min"),
    ("exclusiveMinimum", "above"),
    ("maximum", "max"),
    ("exclusiveMaximum", "below"),
    ("minLength", "min length"),
    ("maxLength", "max length"),
    ("pattern", "pattern"),
    ("format", "format"),
)
"""ODCS `logicalTypeOptions` keys shown as constraints, and the words that show them."""

OPERATOR_WORDS = (
    ("mustBe", "must be"),
    ("mustNotBe", "must not be"),
    ("mustBeGreaterThan", "must be greater than"),
    ("mustBeGreaterOrEqualTo", "must be at least"),
    ("mustBeLessThan", "must be less than"),
    ("mustBeLessOrEqualTo", "must be at most"),
    ("mustBeBetween", "must be between"),
    ("mustNotBeBetween", "must not be between"),
)
"""ODCS quality-rule operators, as the data dictionary words them."""


def render(contracts: Iterable[tuple[str, Contract]], source: str) -> str:
    """The whole page from (relative path, contract) pairs, sorted by contract id, then path."""
    lines = [notice(source), "", "# Data dictionary", ""]
    ordered = sorted(contracts, key=lambda item: (item[1].id or "", item[0]))
    if not ordered:
        lines.append("No data contracts yet: add one with `charter new contract NAME --from DATA`.")
    for relpath, contract in ordered:
        lines.extend(contract_section(relpath, contract))
    return page(lines)


def contract_section(relpath: str, contract: Contract) -> list[str]:
    data = contract.document.data if isinstance(contract.document.data, Mapping) else {}
    lines: list[str] = []
    for obj in _objects(data):
        lines += [f"## {cell(obj.get('name', '(unnamed)'))}", ""]
        lines.append(
            f"Contract {code(data.get('id', ''))} version {cell(data.get('version', '?'))}, "
            f"status {cell(data.get('status', '?'))}, in {code(relpath)}."
        )
        lines.append("")
        lines.extend(_description(data, obj))
        lines.extend(_team(data))
        rows = [property_row(prop) for prop in _mappings(obj.get("properties"))]
        lines.extend(table(HEADERS, rows))
        lines.append("")
        lines.extend(quality_rules(obj))
    return lines


def quality_rules(obj: Mapping[str, Any]) -> list[str]:
    """The dataset-level quality rules (row count, duplicates, ...) as a list under the table."""
    items = []
    for rule in _mappings(obj.get("quality")):
        name = rule.get("metric") or rule.get("name") or rule.get("type") or "rule"
        arguments = rule.get("arguments")
        columns = arguments.get("properties") if _is_mapping(arguments) else None
        of = f" of {', '.join(code(c) for c in columns)}" if isinstance(columns, list) else ""
        bound = next(
            (f" {words} {cell(rule[key])}" for key, words in OPERATOR_WORDS if key in rule), ""
        )
        about = f": {cell(rule['description'])}" if rule.get("description") else ""
        items.append(f"- {code(name)}{of}{bound}{about}")
    return ["**Quality rules:**", "", *items, ""] if items else []


def property_row(prop: Mapping[str, Any]) -> list[str]:
    """One table row; empty cells mean the contract says nothing there."""
    return [
        code(prop.get("name", ""), in_table=True),
        cell(prop.get("logicalType", "")),
        "yes" if prop.get("required") or prop.get("primaryKey") else "no",
        cell(custom_property(prop, "unit")),
        "; ".join(constraints(prop)),
        cell(custom_property(prop, "missingValues")),
        cell(prop.get("classification", "")),
        cell(_pii(prop)),
        cell(prop.get("description", "")),
    ]


def constraints(prop: Mapping[str, Any]) -> list[str]:
    """Keys, ranges, patterns and code lists, in a fixed order, each already escaped."""
    found = []
    if prop.get("primaryKey"):
        found.append("primary key")
    if prop.get("unique"):
        found.append("unique")
    options = prop.get("logicalTypeOptions")
    if _is_mapping(options):
        for key, word in OPTION_WORDS:
            if key in options:
                found.append(f"{word} {code(options[key], in_table=True)}")
    for valid in valid_values(prop):
        found.append("one of " + ", ".join(code(v, in_table=True) for v in valid))
    return found


def valid_values(prop: Mapping[str, Any]) -> list[list[Any]]:
    """Code lists, said either way ODCS v3.1.0 allows: a custom property or a quality rule."""
    lists = [custom_property(prop, "validValues")]
    for rule in _mappings(prop.get("quality")):
        if rule.get("metric") == "invalidValues":
            arguments = rule.get("arguments")
            lists.append(arguments.get("validValues") if _is_mapping(arguments) else None)
    return [values for values in lists if isinstance(values, list)]


def _pii(prop: Mapping[str, Any]) -> str:
    """`category / anonymization`, or `not personal` when both say none."""
    category = custom_property(prop, "piiCategory")
    anonymization = custom_property(prop, "anonymization")
    if category is None and anonymization is None:
        return ""
    if category == "none" and anonymization in (None, "none"):
        return "not personal"
    return f"{category or 'unstated'} / {anonymization or 'no anonymization'}"


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
        for m in _mappings(members)
    ]
    if not people:
        return []
    name = f"{cell(team['name'])}: " if _is_mapping(team) and team.get("name") else ""
    return [f"**Team:** {name}{', '.join(people)}", ""]


def _objects(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    objects = _mappings(data.get("schema"))
    return sorted(objects, key=lambda obj: str(obj.get("name", "")))


def custom_property(element: Mapping[str, Any], name: str) -> Any:
    """The value of the ODCS `customProperties` entry `name`, or None."""
    for entry in _mappings(element.get("customProperties")):
        if entry.get("property") == name:
            return entry.get("value")
    return None


def _mappings(value: object) -> list[Mapping[str, Any]]:
    """The mappings in a list; nothing for anything else (schema errors are CON001's job)."""
    return [item for item in value if _is_mapping(item)] if isinstance(value, list) else []


def _is_mapping(value: object) -> bool:
    return isinstance(value, Mapping)
