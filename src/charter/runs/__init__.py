"""Reproducible runs: record what a run used and produced, write files atomically.

The generated pipeline uses this package:

    run = Run(root, entry_point="pkg.pipeline", params=params, seeds=seeds)
    run.record_input("patients", path, rows=442, contract=("patients", "1.0.0"))
    run.record_model("progression_regressor")  # the card's folder under governance/models/
    ...
    run.finish(metrics)  # writes runs/<run-id>/manifest.json
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from charter.runs.atomic import atomic_path, write_bytes, write_text
    from charter.runs.record import Run, RunError

__all__ = ["Run", "RunError", "atomic_path", "write_bytes", "write_text"]

_HOMES = {
    "Run": "record",
    "RunError": "record",
    "atomic_path": "atomic",
    "write_bytes": "atomic",
    "write_text": "atomic",
}
"""Each name's module, imported on first use: a pipeline stage that only writes a file
never pays for the manifest schema and git plumbing that `Run` needs."""


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"charter.runs.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'charter.runs' has no attribute {name!r}")
