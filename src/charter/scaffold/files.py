"""Write a new artifact without ever replacing an existing one."""

from __future__ import annotations

from pathlib import Path

import yaml

from charter import writes
from charter.scaffold.errors import ScaffoldError


def yaml_text(data: object, schema_url: str) -> str:
    """YAML in document order, headed by the schema comment editors autocomplete from."""
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return f"# yaml-language-server: $schema={schema_url}\n{body}"


def write_new(path: Path, text: str, root: Path) -> None:
    """Create `path` with `text`; refuse, with a clear message, when it already exists.

    The file appears whole or not at all (a full disk leaves nothing that would
    block a rerun), and never through a symlink below the project `root`.
    """
    try:
        writes.write_text(path, text, root, exclusive=True)
    except FileExistsError:
        raise ScaffoldError(f"{path}: already exists; choose another name") from None
    except writes.WriteError as error:
        raise ScaffoldError(str(error)) from None


def write(path: Path, text: str, root: Path) -> None:
    """Replace `path` with `text` atomically (a catalog, dvc.yaml, CODEOWNERS gaining an entry)."""
    try:
        writes.write_text(path, text, root)
    except writes.WriteError as error:
        raise ScaffoldError(str(error)) from None
