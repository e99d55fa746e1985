"""PRJ: project-wide rules: unreadable files, configuration, `copier update` leftovers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import WARNING, Finding
from charter.formats import schema
from charter.formats.card import PLACEHOLDER
from charter.formats.source import Kind, pointer_join
from charter.rules.registry import RULES, at, at_line, problems_of, rule

if TYPE_CHECKING:
    from charter.project import Project


@rule("PRJ001", "Artifact file cannot be read or parsed")
def unreadable_file(project: Project) -> Iterator[Finding]:
    return problems_of(project, Kind.UNREADABLE)


@rule("PRJ002", "Duplicate key in a YAML mapping")
def duplicate_key(project: Project) -> Iterator[Finding]:
    return problems_of(project, Kind.DUPLICATE_KEY)


@rule("PRJ003", "Conflict marker left in a governance artifact")
def conflict_marker(project: Project) -> Iterator[Finding]:
    for conflict in project.conflicts:
        yield at_line(
            conflict.path,
            conflict.line,
            1,
            f"conflict marker {conflict.marker!r}: resolve the `copier update` conflict, "
            "keep the lines you want and delete the markers",
        )


@rule("PRJ004", "Rejected hunk file (*.rej) left in the project")
def rejected_hunk(project: Project) -> Iterator[Finding]:
    for path in project.rejects:
        yield at_line(
            path,
            1,
            1,
            "`copier update` could not apply this change: merge it into the file by hand, "
            "then delete the .rej file",
        )


@rule("PRJ005", "Invalid [tool.charter] configuration")
def configuration(project: Project) -> Iterator[Finding]:
    return problems_of(project, Kind.CONFIGURATION)


@rule("PRJ006", "Checklist front matter is invalid or names an unknown rule", severity=WARNING)
def checklist_front_matter(project: Project) -> Iterator[Finding]:
    for checklist in project.checklists:
        document = checklist.document
        for problem in schema.validate(document, schema.CHECKLIST_SCHEMA):
            yield at_line(checklist.path, problem.line, problem.col, problem.message)
        for code, pointer in checklist.rules:
            if not any(known.startswith(code) for known in RULES):
                yield at(document, pointer, f"no rule code starts with {code!r}")


def _strings(data: object, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, text) of every string value in parsed YAML."""
    if isinstance(data, str):
        yield pointer, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, pointer_join(pointer, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, pointer_join(pointer, index))


@rule("PRJ007", "Template placeholder left in a contract or the catalog", stage="production")
def no_placeholders(project: Project) -> Iterator[Finding]:
    documents = [c.document for c in project.contracts]
    if project.catalog is not None:
        documents.append(project.catalog.document)
    for document in documents:
        for pointer, text in _strings(document.data):
            for match in PLACEHOLDER.finditer(text):
                yield at(
                    document,
                    pointer,
                    f"placeholder {match.group(0)!r} must be filled in before production",
                )
