"""Keep the address space a data command reserves close to what it uses.

glibc gives each thread that allocates its own malloc arena, reserving 64 MB of
address space apiece, so the thread pools of numpy and polars reserve about
800 MB before a byte of data is read (VmPeak 1.43 GB for `charter validate` of
a two-row CSV, 0.64 GB with two arenas). Under an address-space cap (`ulimit -v`,
RLIMIT_AS, a batch scheduler's memory limit) that is memory the data cannot
have. Two arenas are plenty for a command whose heavy work is in polars.
"""

from __future__ import annotations

import contextlib
import sys

M_ARENA_MAX = -8
"""mallopt's parameter number for the arena limit (glibc's malloc.h)."""


def few_malloc_arenas(arenas: int = 2) -> None:
    """Limit glibc to `arenas` malloc arenas; call before the thread pools start."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # noqa: PLC0415 - only for the data commands

    with contextlib.suppress(OSError, AttributeError):  # not glibc: musl has no arenas
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, arenas)
