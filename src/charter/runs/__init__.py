"""Reproducible runs: record what a run used and produced, write files atomically.

The generated pipeline uses this package:

    run = Run(root, entry_point="pkg.pipeline", params=params, seeds=seeds)
    run.record_input("patients", path, rows=442, contract=("patients", "1.0.0"))
    run.record_model("progression_regressor")  # the card's folder under governance/models/
    ...
    run.finish(metrics)  # writes runs/<run-id>/manifest.json
"""

from charter.runs.atomic import atomic_path, write_bytes, write_text
from charter.runs.record import Run, RunError

__all__ = ["Run", "RunError", "atomic_path", "write_bytes", "write_text"]
