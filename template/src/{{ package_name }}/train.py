"""Train stage: split the feature table and fit a ridge regression of the target column.

    uv run python -m <package>.train       (DVC runs it: `dvc repro train`)

Everything random takes its seed from configs/pipeline.yaml, and the model is
saved as JSON coefficients (read by evaluate) and as a skops file (scored by
predict), so the same inputs and seeds give the same bytes.
The target column and the model's name (its card folder) are in data.py.
"""

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from charter import runtime
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split

from .data import FEATURES, MODEL, MODEL_FILE, RAW, TARGET


@dataclass(frozen=True)
class Split:
    """Feature matrices and targets of the training and held-out parts."""

    features: list[str]
    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    held_out: list[int]
    """Row numbers of the held-out part: the evaluate stage scores the model on these."""


def split(
    table: pl.DataFrame, target: pl.Series, features: list[str], *, test_size: float, seed: int
) -> Split:
    """Hold out `test_size` of the rows, chosen by `seed`."""
    x_train, x_test, y_train, y_test, _, rows = train_test_split(
        table.select(features).to_numpy(),
        target.to_numpy(),
        np.arange(table.height),
        test_size=test_size,
        random_state=seed,
    )
    return Split(features, x_train, x_test, y_train, y_test, [int(row) for row in rows])


def load_split(params: runtime.Params) -> Split:
    """The feature table and the target, split as the parameters say."""
    if TARGET not in pl.read_parquet_schema(RAW):
        raise runtime.StageError(
            f"{RAW} has no column '{TARGET}', the target the model learns; add it to the data "
            f"and to its contract, or set TARGET in src/{__package__}/data.py to your "
            "target column"
        )
    names = [feature.name for feature in runtime.active_features()]
    return split(
        pl.read_parquet(FEATURES),
        pl.read_parquet(RAW, columns=[TARGET])[TARGET],
        names,
        test_size=params.get("split.test_size"),
        seed=params.seed("split"),
    )


def fit(data: Split, model_params: dict[str, Any], *, seed: int) -> Ridge:
    """A ridge regression with the configured parameters; `seed` drives sag/saga solvers."""
    known = sorted(set(Ridge().get_params()) - {"random_state"})  # the seed is seeds.model
    if not isinstance(model_params, dict):
        raise TypeError(f"model must be a mapping of Ridge parameters ({', '.join(known)})")
    unknown = sorted(set(model_params) - set(known))
    if unknown:
        raise TypeError(
            f"{unknown[0]!r} is not a parameter of sklearn.linear_model.Ridge "
            f"(it takes: {', '.join(known)})"
        )
    return Ridge(**model_params, random_state=seed).fit(data.x_train, data.y_train)


def to_json(model: Ridge, data: Split) -> str:
    """The fitted model as JSON: intercept, one coefficient per feature, the held-out rows."""
    document = {
        "model": "sklearn.linear_model.Ridge",
        "target": TARGET,
        "params": model.get_params(),
        "intercept": float(model.intercept_),
        "coefficients": {
            name: float(value) for name, value in zip(data.features, model.coef_, strict=True)
        },
        "held_out_rows": data.held_out,
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


@runtime.stage
def main() -> None:
    params = runtime.read_params()
    data = load_split(params)
    model = fit(data, params.get("model"), seed=params.seed("model"))
    runtime.write_text(MODEL, to_json(model, data))
    runtime.save_model(model, MODEL_FILE)


if __name__ == "__main__":
    raise SystemExit(main())
