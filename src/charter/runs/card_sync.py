"""Copy a run's metrics into a model card, changing nothing else in the card.

`charter card sync MODEL --run RUN` rewrites the places of the card's front
matter that come from the run: the `model-index` block (metric values, keeping
each result's task, dataset and metric names), `governance.run_manifest`, and
`governance.features` and `governance.contracts` when they differ from what the
run used (so a feature bump is one sync away from a card that matches,
MOD010). Every other line, the comments and the Markdown body included, stays
byte for byte as it was, so the sync reads as a small diff in review.

A card and a run must belong together: the run must have trained the model
(the manifest's `models`), its metrics must be finite numbers, and a new
`model-index` takes its task from the card (`pipeline_tag`) and its dataset
from the run's contract-backed input, never from a guess.
"""

from __future__ import annotations

import copy
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from charter.formats import card as card_format
from charter.formats.manifest import Manifest
from charter.formats.source import FormatError
from charter.runs import atomic

_TOP_LEVEL_KEY = re.compile(r"^[^\s#\-]")
_PLAIN_SCALAR = re.compile(r"[^\s,\]}#'\"]+")
_RUN_MANIFEST = re.compile(r"^(?P<indent>[ \t]+)run_manifest[ \t]*:")


class CardSyncError(Exception):
    """The card cannot be synced (unreadable, another model's run, or the result would not load)."""


@dataclass(frozen=True)
class SyncResult:
    path: Path
    changed: bool
    metrics: dict[str, float]


def check_belongs(model_name: str, manifest: Manifest) -> None:
    """Refuse a run that did not train `model_name`, or whose metrics are not finite numbers."""
    models = manifest.models
    if models is None:
        raise CardSyncError(
            f"run {manifest.run_id} does not record which models it trained (its manifest "
            f"predates the `models` field), so it cannot be synced into {model_name}; record "
            f'the model with `run.record_model("{model_name}")` in the pipeline and run it again'
        )
    if model_name not in models:
        trained = ", ".join(models) if models else "no model"
        raise CardSyncError(
            f"run {manifest.run_id} trained {trained}, not {model_name}: sync {model_name} "
            "from a run that trained it"
        )
    for name, value in manifest.metrics.items():
        if not math.isfinite(value):
            raise CardSyncError(
                f"metric {name!r} of run {manifest.run_id} is {value}, not a finite number; "
                "a card shows only real results: fix the evaluation and run again"
            )


def synced_model_index(
    current: Any, model_name: str, manifest: Manifest, task: str | None, contracts: list[str]
) -> list[dict[str, Any]]:
    """The card's model-index with the manifest's metrics, or a new one naming its data.

    A new index needs the card's task (`task`) and the run's contract-backed
    input as its dataset (the card's own contracts first); neither is guessed.
    """
    metrics = manifest.metrics
    if not (isinstance(current, list) and current and isinstance(current[0], dict)):
        current = [
            {
                "name": model_name,
                "results": [
                    {
                        "task": {"type": _task(task, model_name)},
                        "dataset": _dataset(manifest, contracts),
                        "metrics": [],
                    }
                ],
            }
        ]
    index = copy.deepcopy(current)
    for model in index:
        results = model.setdefault("results", [])
        for result in results if isinstance(results, list) else []:
            if isinstance(result, dict):
                result["metrics"] = _merged(result.get("metrics"), metrics)
    return index


def _task(task: str | None, model_name: str) -> str:
    if task:
        return task
    raise CardSyncError(
        f"the card of {model_name} names no task, and the model-index needs one: add "
        "`pipeline_tag: tabular-regression` (or the Hugging Face task the model solves, e.g. "
        "tabular-classification) to its front matter"
    )


def _dataset(manifest: Manifest, contracts: list[str]) -> dict[str, str]:
    backed = [item for item in manifest.inputs if item.contract is not None]
    backed.sort(key=lambda item: item.contract.id not in contracts)
    if not backed:
        raise CardSyncError(
            f"run {manifest.run_id} read no input with a data contract, so the model-index has "
            "no dataset to name; record the training data with "
            "`run.record_input(..., contract=(id, version))` and run again"
        )
    return {"type": backed[0].contract.id, "name": backed[0].name}


def _merged(existing: Any, metrics: dict[str, float]) -> list[dict[str, Any]]:
    """One entry per manifest metric, keeping names and extras of entries already there."""
    by_type = {
        item["type"]: item
        for item in (existing if isinstance(existing, list) else [])
        if isinstance(item, dict) and isinstance(item.get("type"), str)
    }
    return [
        {**by_type.get(name, {"type": name}), "value": value} for name, value in metrics.items()
    ]


def sync_text(text: str, path: Path, manifest: Manifest, manifest_uri: str) -> str:
    """The card text with model-index and governance.run_manifest taken from `manifest`."""
    card = card_format.from_text(text, path)
    lines = text.splitlines(keepends=True)
    end = card.markdown.body_line - 2  # index of the closing '---'
    in_place = _metric_values_in_place(lines, card, manifest.metrics)
    if in_place is not None:
        lines = in_place
    else:
        contracts = [contract for contract, _ in card.contracts]
        index = synced_model_index(
            card.model_index, card.name, manifest, card.pipeline_tag, contracts
        )
        block = yaml.dump(
            {"model-index": index}, Dumper=_IndentedDumper, sort_keys=False, allow_unicode=True
        )
        lines, end = _replace_block(lines, end, "model-index", block)
    lines = _set_run_manifest(lines, end, f"run_manifest: {_scalar(manifest_uri)}")
    used = {
        "features": list(dict.fromkeys(manifest.features)),
        "contracts": list(
            dict.fromkeys(i.contract.id for i in manifest.inputs if i.contract is not None)
        ),
    }
    listed = {"features": card.features, "contracts": card.contracts}
    for key, values in used.items():
        if {name for name, _ in listed[key]} != set(values):
            lines = _set_governance_list(lines, key, values)
    return "".join(lines)


def _set_governance_list(lines: list[str], key: str, values: list[str]) -> list[str]:
    """`governance.<key>` as a block list of `values`, replacing the list that was there.

    The card then lists exactly what the run used (MOD010); the lines around
    the list, comments included, stay as they were.
    """
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") == "---")
    span = _block(lines, end, "governance")
    if span is None:
        return lines
    start, stop = span
    children = [
        i
        for i in range(start + 1, stop)
        if lines[i].strip() and not lines[i].lstrip().startswith("#")
    ]
    indent = re.match(r"[ \t]*", lines[children[0]]).group(0) if children else "  "
    items = [f"{indent}  - {_scalar(value)}\n" for value in values]
    head = f"{indent}{key}:{'' if values else ' []'}\n"
    for i in children:
        if re.match(rf"{re.escape(indent)}{re.escape(key)}[ \t]*:", lines[i]):
            after = i + 1
            while after < stop and (
                not lines[after].strip()
                or len(re.match(r"[ \t]*", lines[after]).group(0)) > len(indent)
                or lines[after].startswith(f"{indent}- ")
            ):
                after += 1
            while after - 1 > i and not lines[after - 1].strip():
                after -= 1
            return [*lines[:i], head, *items, *lines[after:]]
    return [*lines[:stop], head, *items, *lines[stop:]]


class _IndentedDumper(yaml.SafeDumper):
    """Indents block sequences under their key, as hand-written cards usually do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, indentless=False)


def _metric_values_in_place(
    lines: list[str], card: card_format.Card, metrics: dict[str, float]
) -> list[str] | None:
    """Rewrite only the value scalars when the card already lists exactly these metrics."""
    front = card.document
    shown = card.metric_values()
    if set(shown) != set(metrics) or not all(p in front.values for _, p in shown.values()):
        return None
    lines = list(lines)
    for name, (_, pointer) in shown.items():
        line, col = front.position(pointer)
        text = lines[line - 1]
        match = _PLAIN_SCALAR.match(text, col - 1)
        if match is None:
            return None
        lines[line - 1] = text[: match.start()] + _scalar(metrics[name]) + text[match.end() :]
    return lines


def _scalar(value: object) -> str:
    """`value` as a one-line YAML scalar (`1.0e-05`, not `1e-05`, which YAML reads as text)."""
    return yaml.safe_dump(value, width=10_000).splitlines()[0]


def _block(lines: list[str], end: int, key: str) -> tuple[int, int] | None:
    """[start, stop) of the top-level `key:` block in the front matter, trailing blanks excluded."""
    start = next(
        (i for i in range(1, end) if re.match(rf"{re.escape(key)}[ \t]*:", lines[i])), None
    )
    if start is None:
        return None
    stop = next((i for i in range(start + 1, end) if _TOP_LEVEL_KEY.match(lines[i])), end)
    while stop - 1 > start and (
        not lines[stop - 1].strip() or lines[stop - 1].lstrip().startswith("#")
    ):
        stop -= 1
    return start, stop


def _replace_block(lines: list[str], end: int, key: str, block: str) -> tuple[list[str], int]:
    new = block.splitlines(keepends=True)
    span = _block(lines, end, key)
    start, stop = span if span else (end, end)
    return [*lines[:start], *new, *lines[stop:]], end + len(new) - (stop - start)


def _set_run_manifest(lines: list[str], end: int, entry: str) -> list[str]:
    span = _block(lines, end, "governance")
    if span is None:
        return [*lines[:end], "governance:\n", f"  {entry}\n", *lines[end:]]
    start, stop = span
    children = [
        i
        for i in range(start + 1, stop)
        if lines[i].strip() and not lines[i].lstrip().startswith("#")
    ]
    indent = re.match(r"[ \t]*", lines[children[0]]).group(0) if children else "  "
    for i in children:
        match = _RUN_MANIFEST.match(lines[i])
        if match and match.group("indent") == indent:
            return [*lines[:i], f"{indent}{entry}\n", *lines[i + 1 :]]
    return [*lines[:stop], f"{indent}{entry}\n", *lines[stop:]]


def sync(
    card_path: Path, manifest: Manifest, manifest_uri: str, root: Path | None = None
) -> SyncResult:
    """Rewrite the card at `card_path` from `manifest`; refuse when the result would not load.

    The card is written atomically and never through a symlink below `root`
    (the project), or, for a card outside it, its own folder.
    """
    check_belongs(card_path.parent.name, manifest)
    try:
        text = card_path.read_text(encoding="utf-8")
        new_text = sync_text(text, card_path, manifest, manifest_uri)
        card_format.parse(new_text, card_path)
    except (OSError, UnicodeDecodeError) as error:
        raise CardSyncError(f"cannot read {card_path}: {error}") from None
    except FormatError as error:
        raise CardSyncError(f"{card_path}:{error.line}:{error.col}: {error.message}") from None
    _check_hub_loads(new_text)
    changed = new_text != text
    if changed:
        inside = root is not None and _is_below(card_path, root)
        atomic.write_text(card_path, new_text, root if inside else card_path.parent)
    return SyncResult(card_path, changed, dict(manifest.metrics))


def _check_hub_loads(text: str) -> None:
    """huggingface_hub must still accept the card (it validates model-index offline)."""
    from huggingface_hub import ModelCard  # noqa: PLC0415 - 0.2 s import, only here

    try:
        ModelCard(text, ignore_metadata_errors=False)
    except Exception as error:  # any rejection means the sync would break the card
        raise CardSyncError(f"the synced card would not load: {error}") from None


def _is_below(path: Path, root: Path) -> bool:
    """Whether `path` is lexically inside `root` (no link resolved)."""
    absolute = Path(os.path.abspath(path))  # noqa: PTH100 - resolve would follow links
    return absolute.is_relative_to(os.path.abspath(root))  # noqa: PTH100
