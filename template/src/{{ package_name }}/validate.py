"""Validate stage: the raw table against its data contract, before anything downstream.

    uv run python -m <package>.validate    (DVC runs it: `dvc repro validate`)

Data that breaks the contract stops the pipeline here with the full report;
the features, model and metrics are not touched. A valid table leaves a small
record (fingerprint, rows, contract version) that the next stages depend on.

The table and its contract are `data.raw` and `data.contract` of
configs/pipeline.yaml; `validate.engine` says which engine checks it: polars on
this machine, or Spark for a table that lives in a lake (Charter's guide,
"Spark": spark-submit, a Databricks job).
"""

from charter import runtime

from .data import VALIDATED, settings


@runtime.stage
def main() -> None:
    params = runtime.read_params(require=("validate.engine",))
    data = settings()
    runtime.check_input(
        data.raw, data.contract, engine=params.get("validate.engine"), record=VALIDATED
    )


if __name__ == "__main__":
    raise SystemExit(main())
