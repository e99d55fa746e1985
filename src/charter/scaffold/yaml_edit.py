"""Add one entry to a YAML file people edit by hand, keeping their comments and layout.

ruamel.yaml's round-trip mode (installed with DVC, so present in every
generated project) keeps comments, quotes, flow lists and folded text. It is
used only when it reproduces the file byte for byte before the change; else the
entry is appended as text under the last top-level key. Either way the rest of
the file is left exactly as it was.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import yaml

from charter.scaffold.errors import ScaffoldError

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.MULTILINE)


def add_entry(
    path: Path, section: str, entry: Any, *, name: str | None = None, text: str | None = None
) -> str:
    """The text of `path` (or `text`, its edited form) with `entry` added under `section`.

    With `name`, `section` is a mapping and `entry` becomes `name: entry`;
    without, `section` is a list and `entry` is appended. A missing or empty
    section is created.
    """
    if text is None:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
    edited = _round_trip(text, section, entry, name)
    return edited if edited is not None else _append(path, text, section, entry, name)


def _round_trip(text: str, section: str, entry: Any, name: str | None) -> str | None:
    try:
        from ruamel.yaml import YAML  # noqa: PLC0415 - DVC's dependency; optional here
        from ruamel.yaml.comments import CommentedMap, CommentedSeq  # noqa: PLC0415
        from ruamel.yaml.error import YAMLError  # noqa: PLC0415
    except ImportError:
        return None
    handler = YAML()
    handler.preserve_quotes = True
    handler.width = 4096
    handler.indent(mapping=2, sequence=4, offset=2)
    try:
        document = handler.load(text)
    except YAMLError:
        return None
    if not isinstance(document, CommentedMap) or _dump(handler, document) != text:
        return None
    container = document.get(section)
    if name is not None:
        if not container:
            container = document[section] = CommentedMap()
        if not isinstance(container, CommentedMap):
            return None
        container[name] = entry
    else:
        if not container:
            container = document[section] = CommentedSeq()
        if not isinstance(container, CommentedSeq):
            return None
        container.fa.set_block_style()
        container.append(entry)
    return _dump(handler, document)


def _dump(handler: Any, document: Any) -> str:
    stream = io.StringIO()
    handler.dump(document, stream)
    return stream.getvalue()


def _child_indent(text: str, section: str) -> str:
    """The indentation of the first line under `section:` (two spaces when it has none)."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.match(rf"{re.escape(section)}\s*:\s*(#.*)?$", line):
            for child in lines[number + 1 :]:
                if child.strip() and not child.lstrip().startswith("#"):
                    found = child[: len(child) - len(child.lstrip())]
                    return found if found or child.lstrip().startswith("- ") else "  "
            break
    return "  "


def _append(path: Path, text: str, section: str, entry: Any, name: str | None) -> str:
    """The entry as text at the end of the file, when `section` is its last top-level key."""
    body = yaml.safe_dump(
        {name: entry} if name is not None else [entry],
        sort_keys=False,
        allow_unicode=True,
        width=4096,
    )
    indent = _child_indent(text, section)
    indented = "".join(
        f"{indent}{line}" if line.strip() else line for line in body.splitlines(True)
    )
    keys = _TOP_KEY.findall(text)
    if not keys:
        return f"{text}{section}:\n{indented}"
    if keys[-1] != section:
        raise ScaffoldError(
            f"{path}: cannot add the entry without reformatting the file, because `{section}:` "
            f"is not its last top-level key; add it under `{section}:` by hand:\n{indented}"
        )
    stripped = text.rstrip("\n")
    if re.search(rf"^{re.escape(section)}\s*:\s*(\[\]|\{{\}})\s*$", stripped, re.MULTILINE):
        stripped = re.sub(
            rf"^({re.escape(section)}\s*:)\s*(\[\]|\{{\}})\s*$", r"\1", stripped, flags=re.M
        )
    return f"{stripped}\n{indented}"
