"""Stage checklists (`governance/checklists/*.md`): Markdown with front matter.

The front matter (`checklist.schema.json`) names the stage and the rule codes
that become binding there (`rules:`); the body holds the manual items people
tick in review. `charter check --stage production` enforces every rule listed
by the review and production checklists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from charter.constants import STAGES
from charter.formats.markdown import MarkdownFile, parse
from charter.formats.source import Document, read_text

CODE_PATTERN = r"^[A-Z]{2,5}[0-9]{0,3}$"
"""The default `checklist_codes`: a rule code or prefix, Charter's or a plugin's (ACME001)."""


@dataclass
class Checklist:
    path: Path
    markdown: MarkdownFile

    @property
    def document(self) -> Document:
        return self.markdown.front_matter

    @property
    def stage(self) -> str | None:
        value = self.document.data.get("stage")
        return value if value in STAGES else None

    @property
    def rules(self) -> list[tuple[str, str]]:
        """(rule code or prefix, pointer) for each automatic item."""
        values = self.document.data.get("rules")
        if not isinstance(values, list):
            return []
        return [(v, f"/rules/{i}") for i, v in enumerate(values) if isinstance(v, str)]

    @property
    def approvals(self) -> list[str]:
        """The roles whose sign-off this stage needs (`charter approve`), in order."""
        values = self.document.data.get("approvals")
        return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def load(path: Path) -> Checklist:
    return Checklist(path=path, markdown=parse(read_text(path), path))
