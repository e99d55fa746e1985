"""Validate stage: the raw table against its data contract, before anything downstream.

    uv run python -m <package>.validate    (DVC runs it: `dvc repro validate`)

Data that breaks the contract stops the pipeline here with the full report;
the features, model and metrics are not touched. A valid table leaves a small
record (fingerprint, rows, contract version) that the next stages depend on.
"""

from charter import runtime

from .data import CONTRACT, RAW, VALIDATED


@runtime.stage
def main() -> None:
    runtime.load_input(RAW, runtime.paths().contracts / CONTRACT, record=VALIDATED)


if __name__ == "__main__":
    raise SystemExit(main())
