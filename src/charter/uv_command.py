"""Where the `uv` executable is: the `uv` package's binary beside charter, else PATH."""

from __future__ import annotations

import shutil


def uv_executable() -> str | None:
    try:
        from uv import find_uv_bin  # noqa: PLC0415 - optional

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")
