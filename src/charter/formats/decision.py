"""Decision records (`governance/decisions/NNNN-<slug>.md`) in MADR format, typed.

MADR (Markdown Architectural Decision Records, adr.github.io/madr) puts
`status`, `date` and `decision-makers` in YAML front matter and the reasoning
in sections ("Context and Problem Statement", "Considered Options", "Decision
Outcome", "Consequences"). Charter adds links to what the decision explains:
`models` (card names), `features` (`name@version`) and `runs` (run ids). The
front matter is read by the Markdown reader model cards use, so positions are
line numbers of the whole file; `decision-record.schema.json` describes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from charter.formats.card import CODE_SPAN, PLACEHOLDER, Placeholder
from charter.formats.markdown import MarkdownFile, parse
from charter.formats.source import Document, read_text

FOLDER = "governance/decisions"
"""Where decision records live, one Markdown file each, numbered."""

SECTIONS = (
    "Context and Problem Statement",
    "Considered Options",
    "Decision Outcome",
    "Consequences",
)
"""The MADR sections every record has (Consequences may sit under Decision Outcome)."""

BINDING_STATUSES = ("proposed", "accepted")
"""Statuses that stand for the current choice; rejected, deprecated and superseded do not."""

FILE_NAME = re.compile(r"(\d{4})-[a-z0-9]+(?:-[a-z0-9]+)*\.md")
"""`0007-use-gradient-boosting.md`: MADR's file naming, four digits and a slug."""


@dataclass
class Decision:
    """One record: its front matter, typed, and its headings."""

    path: Path
    markdown: MarkdownFile

    @property
    def document(self) -> Document:
        return self.markdown.front_matter

    @property
    def number(self) -> int | None:
        """The record's number from its file name (`0007-...md` is 7), or None."""
        match = FILE_NAME.fullmatch(self.path.name)
        return int(match.group(1)) if match else None

    @property
    def title(self) -> str:
        """The first level-1 heading (MADR's title), else the file name."""
        first = next((h for h in self.markdown.headings() if h.level == 1), None)
        return first.title if first else self.path.stem

    @property
    def status(self) -> str | None:
        value = self.document.data.get("status")
        return value.strip() if isinstance(value, str) else None

    @property
    def binding(self) -> bool:
        """Whether the record stands for the current choice (proposed or accepted)."""
        return self.status in BINDING_STATUSES

    @property
    def date(self) -> str | None:
        value = self.document.data.get("date")
        return value if isinstance(value, str) else None

    @property
    def decision_makers(self) -> list[str]:
        """MADR allows a list or one comma-separated string."""
        value = self.document.data.get("decision-makers")
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    @property
    def models(self) -> list[tuple[str, str]]:
        """(model name, pointer) for each model the record explains."""
        return self._strings("models")

    @property
    def features(self) -> list[tuple[str, str]]:
        """(`name@version`, pointer) for each feature of the chosen feature set."""
        return self._strings("features")

    @property
    def runs(self) -> list[tuple[str, str]]:
        """(run id, pointer) for each run the record cites as evidence."""
        return self._strings("runs")

    def missing_sections(self) -> list[str]:
        """The MADR sections (`SECTIONS`) no heading of the record names."""
        titles = {h.title.strip().lower() for h in self.markdown.headings()}
        return [s for s in SECTIONS if s.lower() not in titles]

    def placeholders(self) -> list[Placeholder]:
        """`TODO(role)` left in the record, as in model cards (quoted in a code span: not one)."""
        found = []
        for number, line in enumerate(self.markdown.text.splitlines(), 1):
            quoted = [span.span() for span in CODE_SPAN.finditer(line)]
            found.extend(
                Placeholder(m.group(0), number, m.start() + 1)
                for m in PLACEHOLDER.finditer(line)
                if not any(start <= m.start() < end for start, end in quoted)
            )
        return found

    def _strings(self, key: str) -> list[tuple[str, str]]:
        values = self.document.data.get(key)
        if not isinstance(values, list):
            return []
        return [(v, f"/{key}/{i}") for i, v in enumerate(values) if isinstance(v, str)]


def from_text(text: str, path: Path) -> Decision:
    """The record a text would be at `path` (`FormatError` without valid front matter)."""
    return Decision(path=path, markdown=parse(text, path))


def load(path: Path) -> Decision:
    """Read a record, bounded as every artifact is (`FormatError` for what cannot be read)."""
    return from_text(read_text(path), path)
