"""Evaluate stage: r2, mae and rmse of the model on the held-out rows.

    uv run python -m <package>.evaluate    (DVC runs it: `dvc repro evaluate`)

These numbers go into the run manifest and, through `charter card sync`, into
the model card: nobody types a metric by hand.
"""

import json
from typing import Any

import numpy as np
from charter import runtime
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

from . import train
from .data import METRICS, MODEL

DECIMALS = 6


def predict(model: dict[str, Any], data: train.Split) -> np.ndarray:
    """Predictions of the saved coefficients on the held-out part."""
    coefficients = np.array([float(model["coefficients"][name]) for name in data.features])
    predicted: np.ndarray = data.x_test @ coefficients + float(model["intercept"])
    return predicted


def evaluate(predicted: np.ndarray, data: train.Split) -> dict[str, float]:
    """Metrics on the held-out part, rounded so that they read well in a model card."""
    metrics = {
        "r2": r2_score(data.y_test, predicted),
        "mae": mean_absolute_error(data.y_test, predicted),
        "rmse": root_mean_squared_error(data.y_test, predicted),
    }
    return {name: round(float(value), DECIMALS) for name, value in metrics.items()}


@runtime.stage
def main() -> None:
    data = train.load_split(runtime.read_params())
    model = json.loads(MODEL.read_text(encoding="utf-8"))
    runtime.write_json(METRICS, evaluate(predict(model, data), data))


if __name__ == "__main__":
    raise SystemExit(main())
