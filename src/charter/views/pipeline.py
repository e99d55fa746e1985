"""The site's pipeline page: `dvc.yaml`'s stages with the data, contracts, features and models.

A product owner asks "where does this model's data come from, and what checks
it on the way?"; the flowchart answers from the same files DVC and `charter
check` read (stages and their data from `dvc.yaml`, the contract of each data
file from `meta: charter: contracts:`, the features from the catalog, the
models from `meta: charter: models:` and the cards), so it cannot drift from
what runs. The column-level view is the lineage page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from charter.views.lineage import label
from charter.views.markdown import cell, code

CODE_SUFFIXES = {".py", ".ipynb", ".R", ".sql", ".sh"}
"""Dependencies that are code: the stage's own business, left out of the diagram."""


@dataclass
class Pipeline:
    """The stages in file order, each with what it reads and writes, as readable names."""

    stages: list[Stage] = field(default_factory=list)


@dataclass
class Stage:
    name: str
    reads: list[str]
    writes: list[str]
    contracts: dict[str, str]
    """Data path -> contract file, from `meta: charter: contracts:`."""
    models: list[str]
    """Card folders this stage trains, from `meta: charter: models:`."""
    params: list[str]


def build(dvc_yaml: Any) -> Pipeline:
    """The stages of a parsed `dvc.yaml` (anything unexpected is skipped: PIP rules report it)."""
    stages = dvc_yaml.get("stages") if isinstance(dvc_yaml, dict) else None
    pipeline = Pipeline()
    for name, body in (stages or {}).items() if isinstance(stages, dict) else ():
        if not isinstance(body, dict):
            continue
        charter = (body.get("meta") or {}) if isinstance(body.get("meta"), dict) else {}
        charter = charter.get("charter") if isinstance(charter.get("charter"), dict) else {}
        contracts = charter.get("contracts") if isinstance(charter.get("contracts"), dict) else {}
        models = charter.get("models") if isinstance(charter.get("models"), list) else []
        outs = [*_paths(body.get("outs")), *_paths(body.get("metrics")), *_paths(body.get("plots"))]
        pipeline.stages.append(
            Stage(
                name=str(name),
                reads=_paths(body.get("deps")),
                writes=outs,
                contracts={str(k): str(v) for k, v in contracts.items()},
                models=[str(m) for m in models],
                params=_params(body.get("params")),
            )
        )
    return pipeline


def _paths(items: Any) -> list[str]:
    paths = []
    for item in items if isinstance(items, list) else []:
        path = next(iter(item)) if isinstance(item, dict) and len(item) == 1 else item
        if isinstance(path, str):
            paths.append(path)
    return paths


def _params(items: Any) -> list[str]:
    found = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for file, keys in item.items():
                names = keys if isinstance(keys, list) else []
                found.extend([f"{file}:{key}" for key in names] if names else [str(file)])
    return found


def is_code(path: str) -> bool:
    return PurePosixPath(path).suffix in CODE_SUFFIXES


def flowchart(
    pipeline: Pipeline,
    *,
    contract_ids: Mapping[str, str],
    catalog_path: str,
    feature_count: int,
    deployments: Iterable[tuple[str, str]] = (),
) -> list[str]:
    """Mermaid source: stages as boxes, data as cylinders, governance files as notes.

    `contract_ids` maps a contract file to its id; `deployments` are (model, target)
    pairs a later page may add. Node ids are positional, so any name is a safe label.
    """
    lines = ["flowchart TB"]
    ids: dict[tuple[str, str], str] = {}

    def node(kind: str, name: str, shape: str) -> str:
        if (kind, name) not in ids:
            ids[kind, name] = f"{kind[0]}{len(ids) + 1}"
            opening, closing = shape.split("|")
            lines.append(f'  {ids[kind, name]}{opening}"{label(name)}"{closing}')
        return ids[kind, name]

    edges: list[str] = []
    for stage in pipeline.stages:
        box = node("stage", stage.name, "[[|]]")
        for path in stage.reads:
            if is_code(path):
                continue
            if path == catalog_path:
                source = node("features", f"feature catalog ({feature_count} features)", "{{|}}")
                edges.append(f"  {source} -.-> {box}")
            elif path in contract_ids:
                edges.append(
                    f"  {node('contract', _contract(path, contract_ids), '[/|/]')} -.-> {box}"
                )
            else:
                edges.append(f"  {node('data', path, '[(|)]')} --> {box}")
        for path in stage.writes:
            edges.append(f"  {box} --> {node('data', path, '[(|)]')}")
        for path, contract in stage.contracts.items():
            governed = node("data", path, "[(|)]")
            note = node("contract", _contract(contract, contract_ids), "[/|/]")
            edge = f"  {note} -. governs .- {governed}"
            if edge not in edges:
                edges.append(edge)
        for model in stage.models:
            edges.append(f"  {box} --> {node('model', model, '([|])')}")
    for model, target in deployments:
        edges.append(f"  {node('model', model, '([|])')} --> {node('deployment', target, '>|]')}")
    lines.extend(edges)
    return lines


def _contract(path: str, contract_ids: Mapping[str, str]) -> str:
    return f"contract {contract_ids.get(path, path)}"


def stage_lines(pipeline: Pipeline, contract_ids: Mapping[str, str]) -> list[str]:
    """The same facts as text, one section per stage, for screen readers, search and `grep`."""
    lines: list[str] = []
    for stage in pipeline.stages:
        lines += [f"### {cell(stage.name)}", ""]
        facts = [
            ("Reads", [code(p) for p in stage.reads if not is_code(p)]),
            ("Writes", [code(p) for p in stage.writes]),
            (
                "Contracts",
                [
                    f"{code(p)} by {cell(contract_ids.get(c, c))}"
                    for p, c in stage.contracts.items()
                ],
            ),
            ("Parameters", [code(p) for p in stage.params]),
            ("Trains", [cell(m) for m in stage.models]),
        ]
        lines += [f"- **{name}:** {', '.join(items)}" for name, items in facts if items]
        lines.append("")
    return lines
