"""Write a new artifact without ever replacing an existing one."""

from __future__ import annotations

from pathlib import Path

import yaml

from charter.scaffold.errors import ScaffoldError


def yaml_text(data: object, schema_url: str) -> str:
    """YAML in document order, headed by the schema comment editors autocomplete from."""
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return f"# yaml-language-server: $schema={schema_url}\n{body}"


def write_new(path: Path, text: str) -> None:
    """Create `path` with `text`; refuse, with a clear message, when it already exists."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path}: already exists; choose another name") from None
    except OSError as error:
        raise ScaffoldError(f"{path}: cannot write it: {error.strerror or error}") from None
