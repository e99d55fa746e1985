"""What a rule can read on `Project`, rendered from the code into docs/guide/plugins.md.

A plugin author learns the loaded project from this reference, so it is
generated: the attributes, properties and methods of `Project` and of the
models it holds, with their types (the annotations) and what they are (the
docstrings, attribute docstrings included). `charter rule --write-reference
FILE` rewrites the part of FILE between the two marker comments;
`--check-reference FILE` and tests/package/test_plugin_reference.py fail when
the committed page is stale.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import re
import textwrap
from functools import cached_property
from pathlib import Path
from typing import Any

START = "<!-- project-reference: start (generated: charter rule --write-reference) -->"
END = "<!-- project-reference: end -->"

PROJECT_METHODS = (
    "answers",
    "roles",
    "codeowners",
    "pyproject",
    "pipeline",
    "path",
    "sees",
    "contract_by_id",
    "property_of",
    "feature_by_key",
    "decisions_for",
    "deployment",
    "manifest_by_run",
    "resolve_ref",
    "ref_source",
    "transform_columns",
    "source_bytes",
    "file_sha256",
    "settings_line",
    "git_toplevel",
    "at_head",
    "catalog_at_head",
)
"""The methods of `Project` promised to plugins (the others are the loader's own)."""


PLAIN = {
    "path": "The file it was read from.",
    "document": "The file as loaded: `data`, and where each value is (what `at` reads).",
    "data": "The parsed content: what the YAML or JSON file holds.",
    "pointer": "The JSON pointer of this entry in its file (give it to `at`).",
    "line": "1-based line in its file.",
    "col": "1-based column in its file.",
}
"""What a member without a docstring of its own is, when its name says it everywhere."""


class ReferenceError(ValueError):
    """A page without the reference's marker comments."""


def _models() -> list[tuple[str, type]]:
    """(where a rule finds it, class): `Project` first, then what it holds."""
    # Imported when rendered: `charter rule` alone needs none of the formats.
    from charter.findings import Finding  # noqa: PLC0415
    from charter.formats import (  # noqa: PLC0415
        approval,
        approvers,
        card,
        catalog,
        checklist,
        codeowners,
        contract,
        decision,
        deployment,
        manifest,
        source,
    )
    from charter.project import Config, Conflict, LoadProblem, Project, Roles  # noqa: PLC0415

    return [
        ("`project`, the argument of every rule", Project),
        ("`project.config`", Config),
        ("`project.roles()`", Roles),
        ("`project.codeowners()`", codeowners.CodeOwners),
        ("each of `codeowners.entries`", codeowners.OwnedPath),
        ("each of `project.contracts`", contract.Contract),
        ("each of `contract.team`", contract.TeamMember),
        ("each of `contract.schemas`", contract.SchemaObject),
        ("each of `schema.properties` (and nested in them)", contract.Property),
        ("each of `schema.quality`, `property.quality`", contract.Quality),
        ("each of `schema.relationships`, `property.relationships`", contract.Relationship),
        ("`project.catalog`", catalog.Catalog),
        ("each of `catalog.features`", catalog.Feature),
        ("each of `feature.sources`", catalog.Source),
        ("each of `catalog.excluded`", catalog.Excluded),
        ("each of `project.cards`", card.Card),
        ("each of `card.metrics`", card.Metric),
        ("each of `project.checklists`", checklist.Checklist),
        ("each of `project.decisions`", decision.Decision),
        ("each of `project.deployments`", deployment.Deployment),
        ("each of `project.manifests`", manifest.Manifest),
        ("each of `manifest.inputs`", manifest.Input),
        ("each of `manifest.outputs`", manifest.Output),
        ("each of `project.approvals`", approval.Approval),
        ("`project.approvers`", approvers.Approvers),
        ("each of `approvers.entries`", approvers.Approver),
        ("`contract.document`, `card.document`, `catalog.document`, ...", source.Document),
        ("each of `project.problems`", LoadProblem),
        ("each of `project.conflicts`", Conflict),
        ("what a rule yields (made by `at` and `at_line`)", Finding),
    ]


def models() -> list[type]:
    """The classes the reference documents, in order."""
    return [cls for _where, cls in _models()]


def render() -> str:
    """The reference: one table per class, members in source order."""
    parts = []
    for where, cls in _models():
        rows = [
            f"| {_cell(name)} | {_code(kind)} | {_text(doc)} |" for name, kind, doc in members(cls)
        ]
        about = f" {_summary(cls)}" if _summary(cls) else ""
        parts.append(
            f"### `{cls.__name__}`\n\n{where[0].upper()}{where[1:]}.{about}\n\n"
            "| member | type | what it is |\n|---|---|---|\n" + "\n".join(rows) + "\n"
        )
    return "\n".join(parts)


def members(cls: type) -> list[tuple[str, str, str]]:
    """(name as a rule writes it, type, first paragraph of its docstring) of each public member."""
    notes = _attribute_docs(cls)
    found: list[tuple[str, str, str]] = []
    if dataclasses.is_dataclass(cls):
        for item in dataclasses.fields(cls):
            if not item.name.startswith("_"):
                doc = notes.get(item.name) or PLAIN.get(item.name, "")
                found.append((item.name, _type(item.type), doc))
    methods = PROJECT_METHODS if cls.__name__ == "Project" else None
    for name, value in vars(cls).items():
        if name.startswith("_") or (methods is not None and name not in methods):
            continue
        if isinstance(value, property | cached_property):
            function = value.fget if isinstance(value, property) else value.func
            doc = _first(function.__doc__) or PLAIN.get(name, "")
            found.append((name, _returns(function), doc))
        elif inspect.isfunction(value) or isinstance(value, classmethod | staticmethod):
            function = value.__func__ if isinstance(value, classmethod | staticmethod) else value
            call = f"{name}({_parameters(function)})"
            found.append((call, _returns(function), _first(function.__doc__)))
    if methods is not None:
        order = {name: i for i, name in enumerate(methods)}
        fields_first = [m for m in found if "(" not in m[0]]
        calls = sorted((m for m in found if "(" in m[0]), key=lambda m: order[m[0].split("(")[0]])
        found = fields_first + calls
    return found


def _attribute_docs(cls: type) -> dict[str, str]:
    """The string written under each annotated attribute (PEP 257's attribute docstrings)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    notes = {}
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            notes[statement.target.id] = _first(following.value.value)
    return notes


def _summary(cls: type) -> str:
    doc = cls.__doc__ or ""
    return "" if doc.startswith(f"{cls.__name__}(") else _first(doc)  # dataclass's own


def _first(doc: str | None) -> str:
    """The first paragraph of a docstring, on one line."""
    paragraph = inspect.cleandoc(doc or "").split("\n\n")[0]
    return " ".join(paragraph.split())


_ALIAS = re.compile(r"\b[a-z_][a-z0-9_]*\.(?=[A-Z])")
"""`contract_format.Contract` -> `Contract`: module aliases say nothing to a reader."""


def _type(annotation: Any) -> str:
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    return _ALIAS.sub("", text)


def _returns(function: Any) -> str:
    annotation = inspect.signature(function).return_annotation
    return "" if annotation is inspect.Signature.empty else _type(annotation)


def _parameters(function: Any) -> str:
    shown = []
    star = False
    for parameter in list(inspect.signature(function).parameters.values()):
        if parameter.name in ("self", "cls"):
            continue
        if parameter.kind is parameter.KEYWORD_ONLY and not star:
            shown.append("*")
            star = True
        default = parameter.default
        shown.append(
            parameter.name if default is parameter.empty else f"{parameter.name}={default!r}"
        )
    return ", ".join(shown)


def _cell(name: str) -> str:
    return f"`{name}`"


def _code(kind: str) -> str:
    return f"`{kind}`" if kind else ""


def _text(text: str) -> str:
    """A docstring in a table cell: pipes outside code spans escaped."""
    pieces = text.split("`")
    return "`".join(p if i % 2 else p.replace("|", "\\|") for i, p in enumerate(pieces))


def splice(page: str, reference: str) -> str:
    """`page` with the text between the markers replaced by `reference`."""
    start, end = page.find(START), page.find(END)
    if start < 0 or end < start:
        raise ReferenceError(f"the page has no {START!r} ... {END!r} markers")
    return f"{page[: start + len(START)]}\n\n{reference}\n{page[end:]}"


def is_stale(path: Path) -> bool:
    page = path.read_text("utf-8")
    return splice(page, render()) != page


def write(path: Path) -> bool:
    """Rewrite the reference in `path`; whether it changed."""
    page = path.read_text("utf-8")
    wanted = splice(page, render())
    if wanted == page:
        return False
    from charter import writes  # noqa: PLC0415 - only --write-reference writes

    writes.write_text(path, wanted, path.parent)
    return True
