"""Split Markdown artifacts into YAML front matter and body, and list their headings.

Model cards and checklists share this shape. Front matter positions are shifted
so that they are line numbers of the whole file. Checklists are Charter's own
files and must have front matter (`parse`); model cards are read the way
huggingface_hub reads them (`parse_card`), so that every card the Hub accepts
loads and what Charter asks beyond it is a finding, not a parse failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from charter import cache
from charter.formats.source import Document, FormatError, parse_yaml

_HUB_BLOCK = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")
"""huggingface_hub's `REGEX_YAML_BLOCK` (the Hub server's too): where a card's metadata is."""
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
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
    has_front_matter: bool = True
    """False for a card without a metadata block (huggingface_hub reads it as empty)."""

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
            found = None if in_fence else _heading(line)
            if found:
                result.append(Heading(found[0], found[1], number))
        return result


def _heading(line: str) -> tuple[int, str] | None:
    """(level, title) of an ATX heading line (`## Title ##`), or None.

    Plain string work, not a pattern: `^(#{1,6})[ \\t]+(.+?)[ \\t]*#*[ \\t]*$` took
    cubic time in a run of inner spaces (6 headings of 2,000 spaces: over a minute).
    """
    level = len(line) - len(line.lstrip("#"))
    rest = line[level:]
    if not 1 <= level <= 6 or len(rest) < 2 or rest[0] not in " \t":
        return None
    core = rest.strip(" \t")
    title = core.rstrip("#").rstrip(" \t") or core[:1]  # `# ##` is a heading titled `#`
    return level, title.strip()


def _blank_yaml(block: str) -> bool:
    """True when YAML text holds no document: blank lines, comments and `---`/`...` only.

    Line by line, not one pattern: the pattern was exponential in leading blank
    lines (14 lines of 4 spaces: over a minute; a CRLF card hung `git commit`).
    """
    for line in _LINE_BREAK.split(block):
        bare = line.strip(" \t")
        if bare and not bare.startswith("#") and bare not in ("---", "..."):
            return False
    return True


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


def parse_card(text: str, path: Path) -> MarkdownFile:
    """Find and read a model card's metadata exactly where huggingface_hub does.

    The Hub's expression takes the first `---` ... `---` block at the top (after
    any whitespace); a card without one, or whose block is never closed, has
    empty metadata, and an empty `---` line before the real block is read as a
    YAML document marker. Raises `FormatError` only where the Hub fails too:
    invalid YAML or metadata that is not a mapping.
    """
    match = _HUB_BLOCK.search(text)
    if match is None:
        empty = Document(path=path, data={}, digest=cache.digest("no front matter"))
        return MarkdownFile(path, text, empty, body_line=1, has_front_matter=False)
    block = match.group(2)
    offset = _breaks(text, match.start(2))
    body_line = _breaks(text, match.start(3)) + 3  # the closing `---` is on the next line
    if _blank_yaml(block):
        empty = Document(path=path, data={}, digest=cache.digest("empty front matter"))
        return MarkdownFile(path, text, empty, body_line=body_line)
    document = parse_yaml(block, path, line_offset=offset)
    if "\t" in block:  # libyaml reads tabs that PyYAML, the Hub's parser, refuses
        _as_the_hub_reads(block, offset)
    if document.data is None:
        document.data = {}
    if not isinstance(document.data, dict):
        line, col = document.position("")
        raise FormatError("front matter must be a YAML mapping", line, col)
    return MarkdownFile(path=path, text=text, front_matter=document, body_line=body_line)


def _as_the_hub_reads(block: str, offset: int) -> None:
    """Refuse what huggingface_hub's `yaml.safe_load` (pure-Python PyYAML) refuses.

    `license:  <TAB>gpl-3.0` reads with libyaml, which Charter parses with, but the
    Hub refuses the card: a card loads in Charter only if it loads on the Hub.
    The block was already bounded (size, depth, aliases) by `parse_yaml`.
    """
    try:
        yaml.safe_load(block)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        raise FormatError(
            f"invalid YAML: {problem} (huggingface_hub cannot load the card)", line + offset, col
        ) from None
    except yaml.YAMLError as error:
        raise FormatError(f"invalid YAML: {error}", 1 + offset, 1) from None


def _breaks(text: str, end: int) -> int:
    """Line breaks before `end`, counted as YAML and `str.splitlines` count them."""
    return len(_LINE_BREAK.findall(text, 0, end))
