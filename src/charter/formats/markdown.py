"""Split Markdown artifacts into YAML front matter and body, and list their headings.

Model cards and checklists share this shape. Front matter positions are shifted
so that they are line numbers of the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from charter.formats.source import Document, FormatError, parse_yaml

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^(```|~~~)")


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    line: int


@dataclass
class MarkdownFile:
    path: Path
    text: str
    front_matter: Document
    body_line: int
    """1-based line where the body (after the closing `---`) starts."""

    @property
    def body(self) -> str:
        return "\n".join(self.text.splitlines()[self.body_line - 1 :])

    def headings(self) -> list[Heading]:
        result = []
        in_fence = False
        for number, line in enumerate(self.text.splitlines()[self.body_line - 1 :], self.body_line):
            if _FENCE.match(line):
                in_fence = not in_fence
                continue
            match = None if in_fence else _HEADING.match(line)
            if match:
                result.append(Heading(len(match.group(1)), match.group(2).strip(), number))
        return result


def parse(text: str, path: Path) -> MarkdownFile:
    """Parse `---`-delimited front matter; raises `FormatError` when it is missing or broken."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise FormatError("file must start with YAML front matter between '---' lines")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        raise FormatError("front matter is not closed by a '---' line") from None
    front = "\n".join(lines[1:end]) + "\n"
    if not front.strip():
        raise FormatError("front matter is empty", 2, 1)
    document = parse_yaml(front, path, line_offset=1)
    if not isinstance(document.data, dict):
        raise FormatError("front matter must be a YAML mapping", 2, 1)
    return MarkdownFile(path=path, text=text, front_matter=document, body_line=end + 2)
