"""Train stage: split the feature table and fit the baseline model of the task.

    uv run python -m <package>.train       (DVC runs it: `dvc repro train`)

The task and the target column are `data.task` and `data.target` of
configs/pipeline.yaml: a ridge regression for `tabular-regression`, a logistic
regression (binary or multiclass) for `tabular-classification`, with the
parameters under `model:`. Everything random takes its seed from the same
file, and the model is saved as JSON coefficients, so the same inputs and seeds
give the same bytes.
"""

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from charter import runtime
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import train_test_split

from .data import FEATURES, MODEL, settings

ESTIMATORS = {"tabular-regression": Ridge, "tabular-classification": LogisticRegression}
"""The baseline estimator of each task."""


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
    table: pl.DataFrame,
    target: pl.Series,
    features: list[str],
    *,
    test_size: float,
    seed: int,
    stratify: bool = False,
) -> Split:
    """Hold out `test_size` of the rows, chosen by `seed` (in the classes' shares if `stratify`)."""
    labels = target.to_numpy()
    x_train, x_test, y_train, y_test, _, rows = train_test_split(
        table.select(features).to_numpy(),
        labels,
        np.arange(table.height),
        test_size=test_size,
        random_state=seed,
        stratify=labels if stratify else None,
    )
    return Split(features, x_train, x_test, y_train, y_test, [int(row) for row in rows])


def load_split(params: runtime.Params) -> Split:
    """The feature table and the target, split as the parameters say."""
    data = settings()
    if data.target not in pl.read_parquet_schema(data.raw):
        raise runtime.StageError(
            f"{data.raw} has no column '{data.target}', the target the model learns; add it to "
            "the data and to its contract, or set data.target in configs/pipeline.yaml"
        )
    names = [feature.name for feature in runtime.active_features()]
    return split(
        pl.read_parquet(FEATURES),
        pl.read_parquet(data.raw, columns=[data.target])[data.target],
        names,
        test_size=params.get("split.test_size"),
        seed=params.seed("split"),
        stratify=data.task == "tabular-classification",
    )


def fit(data: Split, model_params: dict[str, Any], *, seed: int, task: str) -> Any:
    """The task's baseline estimator with the configured parameters, seeded by `seed`."""
    estimator = ESTIMATORS[task]
    known = sorted(set(estimator().get_params()) - {"random_state"})  # the seed is seeds.model
    name = f"sklearn.linear_model.{estimator.__name__}"
    if not isinstance(model_params, dict):
        raise TypeError(f"model must be a mapping of {name} parameters ({', '.join(known)})")
    unknown = sorted(set(model_params) - set(known))
    if unknown:
        raise TypeError(
            f"{unknown[0]!r} is not a parameter of {name} (it takes: {', '.join(known)})"
        )
    return estimator(**model_params, random_state=seed).fit(data.x_train, data.y_train)


def to_json(model: Any, data: Split, *, target: str, task: str) -> str:
    """The fitted model as JSON: intercept, one coefficient per feature, the held-out rows.

    A classifier lists its classes and, per feature, one coefficient per class
    (a single one for a binary classifier: the second class's log-odds).
    """
    document: dict[str, Any] = {
        "model": f"sklearn.linear_model.{type(model).__name__}",
        "target": target,
        "params": model.get_params(),
        "held_out_rows": data.held_out,
    }
    if task == "tabular-classification":
        coefficients = np.atleast_2d(model.coef_)
        document |= {
            "task": task,
            "classes": [_plain(label) for label in model.classes_],
            "intercept": [float(value) for value in np.atleast_1d(model.intercept_)],
            "coefficients": {
                name: [float(value) for value in coefficients[:, column]]
                for column, name in enumerate(data.features)
            },
        }
    else:
        document |= {
            "intercept": float(model.intercept_),
            "coefficients": {
                name: float(value) for name, value in zip(data.features, model.coef_, strict=True)
            },
        }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _plain(label: Any) -> Any:
    return label.item() if isinstance(label, np.generic) else label


@runtime.stage
def main() -> None:
    params = runtime.read_params()
    data = settings()
    split_data = load_split(params)
    model = fit(split_data, params.get("model"), seed=params.seed("model"), task=data.task)
    runtime.write_text(MODEL, to_json(model, split_data, target=data.target, task=data.task))


if __name__ == "__main__":
    raise SystemExit(main())
