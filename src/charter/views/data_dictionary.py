"""`docs/data-dictionary.md`: one table per dataset, read from the ODCS contracts.

The contract is the data dictionary; this page is how people who never open
YAML read it: every column with its type, constraints, unit, missing-value
handling, classification, PII status and description, plus who owns the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from charter.formats.contract import Contract, Property, SchemaObject
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


SPLIT = (
    ("Columns", ("Column", "Type", "Unit", "Classification", "Description"), (0, 1, 3, 6, 8)),
    (
        "Rules",
        ("Column", "Required", "Constraints", "Missing values", "PII / anonymization"),
        (0, 2, 4, 5, 7),
    ),
)
"""The site's contract pages show the nine columns as two tables that fit a screen."""


def contract_section(relpath: str, contract: Contract, *, split: bool = False) -> list[str]:
    """One section per schema object; `split` gives two narrower tables instead of one."""
    lines: list[str] = []
    for obj in sorted(contract.schemas, key=lambda obj: obj.name):
        lines += [f"## {cell(obj.name)}", ""]
        lines.append(
            f"Contract {code(contract.id or '')} version {cell(contract.version or '?')}, "
            f"status {cell(contract.status or '?')}, in {code(relpath)}."
        )
        lines.append("")
        lines.extend(_description(contract, obj))
        lines.extend(_team(contract))
        rows = [property_row(prop) for prop in obj.walk()]
        if split:
            for title, headers, picks in SPLIT:
                lines += [f"**{title}:**", ""]
                lines.extend(table(headers, [[row[i] for i in picks] for row in rows]))
                lines.append("")
        else:
            lines.extend(table(HEADERS, rows))
            lines.append("")
        lines.extend(quality_rules(obj))
    return lines


def quality_rules(obj: SchemaObject) -> list[str]:
    """The dataset-level quality rules (row count, duplicates, ...) as a list under the table."""
    items = []
    for rule in obj.quality:
        name = rule.metric or rule.raw.get("name") or rule.raw.get("type") or "rule"
        columns = rule.arguments.get("properties")
        of = f" of {', '.join(code(c) for c in columns)}" if isinstance(columns, list) else ""
        written = dict(rule.thresholds)
        bound = next(
            (f" {words} {cell(written[key])}" for key, words in OPERATOR_WORDS if key in written),
            "",
        )
        about = f": {cell(rule.description)}" if rule.description else ""
        items.append(f"- {code(name)}{of}{bound}{about}")
    return ["**Quality rules:**", "", *items, ""] if items else []


def property_row(prop: Property) -> list[str]:
    """One table row; empty cells mean the contract says nothing there.

    A nested field, item, key or value is a row of its own, named by its place
    (`address.city`, `tags[]`, `prefs{value}`).
    """
    return [
        code(prop.path or prop.name, in_table=True),
        cell(prop.logical_type or ""),
        "yes" if prop.required or prop.primary_key else "no",
        cell(prop.custom.get("unit")),
        "; ".join(constraints(prop)),
        cell(prop.custom.get("missingValues")),
        cell(prop.classification or ""),
        cell(_pii(prop)),
        cell(prop.description or ""),
    ]


def constraints(prop: Property) -> list[str]:
    """Keys, ranges, patterns and code lists, in a fixed order, each already escaped."""
    found = []
    if prop.primary_key:
        found.append("primary key")
    if prop.unique:
        found.append("unique")
    for key, word in OPTION_WORDS:
        if key in prop.options:
            found.append(f"{word} {code(prop.options[key], in_table=True)}")
    for valid in valid_values(prop):
        found.append("one of " + ", ".join(code(v, in_table=True) for v in valid))
    return found


def valid_values(prop: Property) -> list[list[Any]]:
    """Code lists, said either way ODCS v3.1.0 allows: a custom property or a quality rule."""
    lists = [prop.custom.get("validValues")]
    for rule in prop.quality:
        if rule.metric == "invalidValues":
            lists.append(rule.arguments.get("validValues"))
    return [values for values in lists if isinstance(values, list)]


def _pii(prop: Property) -> str:
    """`category / anonymization`, or `not personal` when both say none."""
    category = prop.custom.get("piiCategory")
    anonymization = prop.custom.get("anonymization")
    if category is None and anonymization is None:
        return ""
    if category == "none" and anonymization in (None, "none"):
        return "not personal"
    return f"{category or 'unstated'} / {anonymization or 'no anonymization'}"


def _description(contract: Contract, obj: SchemaObject) -> list[str]:
    lines = []
    if obj.description:
        lines += [cell(obj.description), ""]
    for key in ("purpose", "usage", "limitations"):
        if contract.description.get(key):
            lines += [f"**{key.capitalize()}:** {cell(contract.description[key])}", ""]
    return lines


def _team(contract: Contract) -> list[str]:
    people = [f"{cell(m.username)} ({cell(m.role or 'member')})" for m in contract.team]
    if not people:
        return []
    name = f"{cell(contract.team_name)}: " if contract.team_name else ""
    return [f"**Team:** {name}{', '.join(people)}", ""]
