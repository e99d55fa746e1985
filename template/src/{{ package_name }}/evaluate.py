"""Evaluate stage: r2, mae and rmse of the model on the held-out rows.

    uv run python -m <package>.evaluate    (DVC runs it: `dvc repro evaluate`)

These numbers go into the run manifest and, through `charter card sync`, into
the model card: nobody types a metric by hand. The held-out rows are the ones
the train stage recorded in the model file, so this stage needs neither the
split nor scikit-learn (each stage is its own process; importing scikit-learn
costs more than everything this stage computes).
"""

import json
from typing import Any

import numpy as np
import polars as pl
from charter import runtime

from .data import FEATURES, METRICS, MODEL, RAW

DECIMALS = 6
TARGET = "progression"


def held_out(model: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The held-out feature matrix (in the model's feature order) and target."""
    rows = model["held_out_rows"]
    features = pl.read_parquet(FEATURES, columns=list(model["coefficients"]))
    target = pl.read_parquet(RAW, columns=[model.get("target", TARGET)])
    return features[rows].to_numpy(), target[rows].to_series().to_numpy().astype(np.float64)


def predict(model: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Predictions of the saved coefficients."""
    coefficients = np.array([float(value) for value in model["coefficients"].values()])
    predicted: np.ndarray = x @ coefficients + float(model["intercept"])
    return predicted


def evaluate(predicted: np.ndarray, actual: np.ndarray) -> dict[str, float]:
    """r2, mae and rmse as scikit-learn defines them, rounded to read well in a model card."""
    errors = actual - predicted
    metrics = {
        "r2": 1.0 - np.sum(errors**2) / np.sum((actual - np.mean(actual)) ** 2),
        "mae": np.mean(np.abs(errors)),
        "rmse": np.sqrt(np.mean(errors**2)),
    }
    return {name: round(float(value), DECIMALS) for name, value in metrics.items()}


@runtime.stage
def main() -> None:
    model = json.loads(MODEL.read_text(encoding="utf-8"))
    x, actual = held_out(model)
    runtime.write_json(METRICS, evaluate(predict(model, x), actual))


if __name__ == "__main__":
    raise SystemExit(main())
