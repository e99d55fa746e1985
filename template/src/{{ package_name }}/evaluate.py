"""Evaluate stage: the model's metrics on the held-out rows, as a reviewer expects them.

    uv run python -m <package>.evaluate    (DVC runs it: `dvc repro evaluate`)

A regression gets r2, mae and rmse; a classification (binary or multiclass)
accuracy, balanced accuracy, ROC AUC (one-vs-rest, macro, for several classes),
F1 (macro for several classes) and log loss, and its confusion matrix is
written beside the metrics. These numbers go into the run manifest and, through
`charter card sync`, into the model card: nobody types a metric by hand. The
held-out rows are the ones the train stage recorded in the model file, so this
stage needs neither the split nor scikit-learn (each stage is its own process;
importing scikit-learn costs more than everything this stage computes); the
tests check each number against scikit-learn's.
"""

import json
from typing import Any

import numpy as np
import polars as pl
from charter import runtime

from .data import CONFUSION, FEATURES, METRICS, MODEL, settings

DECIMALS = 6
EPSILON = 1e-15
"""Probabilities are clipped to [EPSILON, 1 - EPSILON] for the log loss, as scikit-learn does."""


def classifier(model: dict[str, Any]) -> bool:
    return model.get("task") == "tabular-classification"


def held_out(model: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The held-out feature matrix (in the model's feature order) and target."""
    rows = model["held_out_rows"]
    features = pl.read_parquet(FEATURES, columns=list(model["coefficients"]))
    target = pl.read_parquet(settings().raw, columns=[model["target"]])[rows].to_series()
    actual = target.to_numpy() if classifier(model) else target.to_numpy().astype(np.float64)
    return features[rows].to_numpy(), actual


def predict(model: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Predictions of the saved coefficients: values, or each class's probability per row."""
    if not classifier(model):
        coefficients = np.array([float(value) for value in model["coefficients"].values()])
        predicted: np.ndarray = x @ coefficients + float(model["intercept"])
        return predicted
    weights = np.array([list(values) for values in model["coefficients"].values()])
    scores = x @ weights + np.array(model["intercept"])
    if scores.shape[1] == 1:  # binary: the second class's log-odds
        positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return np.column_stack([1.0 - positive, positive])
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    probabilities: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return probabilities


def evaluate(predicted: np.ndarray, actual: np.ndarray) -> dict[str, float]:
    """r2, mae and rmse as scikit-learn defines them, rounded to read well in a model card."""
    errors = actual - predicted
    metrics = {
        "r2": 1.0 - np.sum(errors**2) / np.sum((actual - np.mean(actual)) ** 2),
        "mae": np.mean(np.abs(errors)),
        "rmse": np.sqrt(np.mean(errors**2)),
    }
    return {name: round(float(value), DECIMALS) for name, value in metrics.items()}


def confusion(actual: np.ndarray, predicted: np.ndarray, classes: list[Any]) -> np.ndarray:
    """Counts of (actual class, predicted class), in the model's class order."""
    index = {label: number for number, label in enumerate(classes)}
    matrix = np.zeros((len(classes), len(classes)), dtype=np.int64)
    for truth, guess in zip(actual.tolist(), predicted.tolist(), strict=True):
        matrix[index[truth], index[guess]] += 1
    return matrix


def roc_auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """The area under the ROC curve: the chance a positive row scores above a negative one."""
    ranks = pl.Series(scores).rank("average").to_numpy()
    count = int(positive.sum())
    others = len(positive) - count
    if not count or not others:
        return float("nan")
    return float((ranks[positive].sum() - count * (count + 1) / 2) / (count * others))


def evaluate_classifier(
    probabilities: np.ndarray, actual: np.ndarray, classes: list[Any]
) -> tuple[dict[str, float], np.ndarray]:
    """Accuracy, balanced accuracy, ROC AUC, F1 and log loss as scikit-learn defines them.

    With two classes, F1 and ROC AUC are the second (positive) class's; with
    more, F1 is the macro mean and ROC AUC the macro one-vs-rest mean.
    """
    labels = np.array(classes, dtype=object)
    predicted = labels[probabilities.argmax(axis=1)]
    matrix = confusion(actual, predicted, classes)
    support = matrix.sum(axis=1)
    hits = np.diag(matrix)
    recall = np.divide(hits, support, out=np.zeros(len(classes)), where=support > 0)
    chosen = matrix.sum(axis=0)
    precision = np.divide(hits, chosen, out=np.zeros(len(classes)), where=chosen > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros(len(classes)), where=both > 0)
    truth = np.array([classes.index(label) for label in actual.tolist()])
    onehot = np.eye(len(classes))[truth]
    clipped = np.clip(probabilities, EPSILON, 1 - EPSILON)
    clipped = clipped / clipped.sum(axis=1, keepdims=True)
    binary = len(classes) == 2
    aucs = [roc_auc(probabilities[:, k], truth == k) for k in range(len(classes))]
    metrics = {
        "accuracy": hits.sum() / matrix.sum(),
        "balanced_accuracy": recall[support > 0].mean(),
        "roc_auc": aucs[1] if binary else float(np.nanmean(aucs)),
        "f1": f1[1] if binary else f1.mean(),
        "log_loss": -np.mean(np.sum(onehot * np.log(clipped), axis=1)),
    }
    return {name: round(float(value), DECIMALS) for name, value in metrics.items()}, matrix


@runtime.stage
def main() -> None:
    model = json.loads(MODEL.read_text(encoding="utf-8"))
    x, actual = held_out(model)
    if not classifier(model):
        runtime.write_json(METRICS, evaluate(predict(model, x), actual))
        return
    classes = model["classes"]
    metrics, matrix = evaluate_classifier(predict(model, x), actual, classes)
    runtime.write_json(CONFUSION, {"classes": classes, "matrix": matrix.tolist()})
    runtime.write_json(METRICS, metrics)


if __name__ == "__main__":
    raise SystemExit(main())
