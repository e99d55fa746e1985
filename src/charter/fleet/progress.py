"""Progress of a long report on stderr: rich's bar when rich is installed and stderr is a
terminal, else one plain line per project (CI logs keep them)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Tick(Protocol):
    def __call__(self, label: str) -> None: ...


@contextmanager
def progress(total: int, *, quiet: bool = False) -> Iterator[Tick]:
    """Yields `tick(label)`, to call after each project."""
    if quiet:
        yield lambda label: None
        return
    if sys.stderr.isatty():
        try:
            from rich.progress import Progress  # noqa: PLC0415 - optional
        except ImportError:
            pass
        else:
            with Progress(transient=True) as bar:
                task = bar.add_task("charter fleet", total=total)
                yield lambda label: bar.update(task, advance=1, description=label)
            return
    done = 0

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        print(f"charter fleet: [{done}/{total}] {label}", file=sys.stderr, flush=True)

    yield tick
