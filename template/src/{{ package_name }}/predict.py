"""Batch scoring: validate the rows against the contract, score them with the run's model.

    uv run python -m <package>.predict INPUT OUTPUT [--manifest PATH]

INPUT is a Parquet or CSV file with the columns the features read (the target
is not needed); it is checked against the contract's rules for those columns
before anything is scored. OUTPUT (Parquet, or CSV by its suffix) gets the
join keys, a `prediction` column and the `run_id` of the run that trained the
model. The model file must be the one a run recorded (its sha256): the newest
run manifest that records it, or the run or deployment manifest `--manifest`
names (the container scores with the deployment manifest).
"""

import argparse
import sys
from pathlib import Path

import polars as pl
from charter import runtime

from .data import MODEL_FILE, settings


def score(source: Path, target: Path, manifest: Path | None = None) -> tuple[int, str]:
    """Write the predictions for `source` to `target`; return the rows and the run id."""
    model = runtime.load_model(MODEL_FILE, manifest)
    table = runtime.load_scoring_input(source, settings().contract)
    features = runtime.active_features()
    keys = list(dict.fromkeys(key for feature in features for key in feature.join_keys))
    matrix = runtime.build_features(table)
    predicted = model.estimator.predict(matrix.select([f.name for f in features]).to_numpy())
    result = matrix.select(keys).with_columns(
        pl.Series("prediction", predicted), pl.lit(model.run_id).alias("run_id")
    )
    if target.suffix.lower() == ".csv":
        runtime.write_text(target, result.write_csv())
    else:
        runtime.write_parquet(result, target)
    return result.height, model.run_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="predict", description=__doc__.split("\n")[0])
    parser.add_argument("input", type=Path, help="rows to score (Parquet or CSV)")
    parser.add_argument("output", type=Path, help="where to write the predictions")
    parser.add_argument(
        "--manifest", type=Path, help="run or deployment manifest the model file must match"
    )
    args = parser.parse_args(argv)
    try:
        rows, run_id = score(args.input, args.output, args.manifest)
    except runtime.InvalidData as report:
        print(f"predict: {report}", file=sys.stderr)
        return 1
    except (runtime.StageError, OSError, ValueError) as error:
        print(f"predict: {error}; nothing was written.", file=sys.stderr)
        return 1
    print(f"predict: {rows} rows scored by run {run_id}'s model into {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
