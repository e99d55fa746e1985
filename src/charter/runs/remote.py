"""The default local DVC remote is private when the project's data is not public.

With no `data_remote` answer, the template points DVC at
`/var/tmp/charter-dvc-remotes/<project>`, a folder every user of the machine
can list. DVC creates it on the first `dvc push` with the umask's permissions
(0755): anyone on a shared machine could read `confidential` data. The
pipeline creates it first, readable by its owner only, unless the project's
`data_sensitivity` answer is `public`.
"""

from __future__ import annotations

import configparser
from pathlib import Path

from charter import writes
from charter.scaffold.answers import answer, read_answers

DEFAULT_REMOTES = Path("/var/tmp/charter-dvc-remotes")


def default_remote(root: Path) -> Path | None:
    """The folder of the project's default DVC remote when it is the template's local one."""
    config = configparser.ConfigParser(interpolation=None)
    try:
        config.read([root / ".dvc" / "config", root / ".dvc" / "config.local"], encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    sections = {name.strip("'\" ").replace('"', "").replace("'", ""): name for name in config}
    name = config.get(sections.get("core", "core"), "remote", fallback=None)
    section = sections.get(f"remote {name}") if name else None
    url = config.get(section, "url", fallback=None) if section else None
    if not url:
        return None
    path = Path(url.strip())
    return path if path.is_absolute() and path.parent == DEFAULT_REMOTES else None


def make_private(root: Path) -> Path | None:
    """Create the default local remote 0700 unless the data is public; return its folder."""
    folder = default_remote(root)
    if folder is None or answer(read_answers(root), "data_sensitivity") == "public":
        return None
    writes.make_private_folder(folder)
    return folder
