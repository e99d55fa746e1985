"""`charter new dataset NAME --from FILE`: bring a team's own table into the pipeline, wired in.

One command does what took a dozen hand edits: the file goes under `data/raw/`
and is tracked by DVC (`dvc add`), its contract is drafted (and, when ingest
adds an identifier, the contract of the table ingest writes, so each contract
describes its own file), `data:` of configs/pipeline.yaml (the one place every
stage and test reads) names the file, the contract, the target and the task,
and dvc.yaml's stages read the new file and contract. `--replace-sample`
removes what belonged to the sample (its file, contract, features, card,
runs and tests) so that nothing is left failing. The tests get a table of
their own, made up from the file's contract (tests/fixtures/), so a fresh clone
runs them before any `dvc pull`. Everything is checked before anything is
written.
"""

from __future__ import annotations

import ast
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from charter import writes
from charter.constants import CARD_NAME, DVC_LOCK, DVC_YAML
from charter.formats import contract as contract_format
from charter.formats.vocabulary import NULL_MARKERS
from charter.project import Project
from charter.scaffold.answers import answer, read_answers
from charter.scaffold.contract import People, draft_contract, draft_notes
from charter.scaffold.create import (
    _check_contract,
    _contract_member,
    _schema_reference,
    new_model,
    new_model_decision,
)
from charter.scaffold.errors import ScaffoldError
from charter.scaffold.files import write, write_new, yaml_text
from charter.scaffold.fixture import FOLDER as FIXTURES
from charter.scaffold.fixture import fixture_bytes, fixture_table
from charter.scaffold.names import check_name
from charter.scaffold.package import project_package
from charter.scaffold.profile import MAX_CODES, ColumnProfile, DataProfile, profile_file
from charter.writes import copy_file

PARAMS = "configs/pipeline.yaml"
TASKS = ("tabular-classification", "tabular-regression")
CONFUSION = "artifacts/confusion_matrix.json"
"""What a classification's evaluate stage writes beside its metrics."""
MODEL_SETTINGS = {
    "tabular-regression": {"alpha": 1.0, "solver": "cholesky"},
    "tabular-classification": {"C": 1.0, "max_iter": 1000},
}
"""The baseline model's parameters per task: Ridge's, LogisticRegression's."""
SAMPLE_TESTS = ("tests/test_sample.py",)


@dataclass(frozen=True)
class DatasetRequest:
    """What `charter new dataset` was asked to do."""

    name: str
    source: Path
    target: str | None = None
    task: str | None = None
    id_column: str | None = None
    add_id: bool = False
    replace_sample: bool = False
    max_codes: int = MAX_CODES
    null_markers: tuple[str, ...] = NULL_MARKERS


@dataclass
class NewDataset:
    """What `new_dataset` wrote and removed, for the command's report."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def new_dataset(
    project: Project, request: DatasetRequest, dvc: Callable[..., None] | None = None
) -> NewDataset:
    """Bring `request.source` in as dataset `request.name`; return what changed."""
    check_name("dataset", request.name)
    root = project.root
    params_path = root / PARAMS
    settings = _load_round_trip(params_path)
    data = settings.get("data") if settings is not None else None
    if not isinstance(data, dict):
        raise ScaffoldError(
            f"{params_path}: no `data:` settings (source, raw, contract, target, task); "
            "this project's template predates `charter new dataset`: update it with "
            "`copier update`, or add them by hand"
        )
    dvc_path = root / DVC_YAML
    pipeline = _pipeline(dvc_path)
    contracts = project.path("contracts")
    table_id = request.name
    source_id = f"{request.name}_source" if request.add_id else request.name
    _free(project, (table_id, source_id))
    dest = _destination(root, request.source, request.name)
    profile = profile_file(request.source, request.null_markers, request.max_codes)
    target_column, task = _target_and_task(profile, request, data)
    id_name = f"{request.name}_id" if request.add_id else None
    if request.id_column is not None:
        profile = _with_key(profile, request.id_column)
    old = _old_names(data, contracts.relative_to(root).as_posix())
    result = NewDataset()
    raw = str(data.get("raw") or "data/raw/records.parquet")

    drafts = _drafts(project, profile, (source_id, table_id, id_name), dest, raw)
    fixture = _fixture(drafts[source_id], root / FIXTURES / dest.name, target_column, task)
    result.notes = _notes(profile, (source_id, table_id, id_name))

    relative_dest = dest.relative_to(root).as_posix()
    folder = contracts.relative_to(root).as_posix()
    table_file = f"{folder}/{table_id}.odcs.yaml"
    source_file = f"{folder}/{source_id}.odcs.yaml"
    _set_data(settings, relative_dest, (source_id, table_id, id_name), target_column, task)
    _rewire(pipeline["stages"], old, _New(relative_dest, source_file, table_file, raw, task))

    # Checked: now write, the data first (a failed `dvc add` leaves the settings untouched).
    if request.source.resolve() != dest.resolve():
        copy_file(request.source, dest, root)
        result.written.append(dest)
    (dvc or _dvc_add)(root, relative_dest)
    result.written.append(dest.with_name(dest.name + ".dvc"))
    for contract_id, text in drafts.items():
        path = contracts / f"{contract_id}.odcs.yaml"
        write_new(path, text, root)
        result.written.append(path)
    result.written.append(_write_fixture(*fixture, root))
    write(params_path, _dump(settings), root)
    write(dvc_path, _dump(pipeline), root)
    result.written += [params_path, dvc_path]
    if request.replace_sample:
        _remove_sample(project, old, result, task)
    return result


def _notes(profile: DataProfile, ids: tuple[str, str, str | None]) -> list[str]:
    """What the drafts decided, per contract: code lists, a proposed key, an added id."""
    source_id, table_id, id_name = ids
    notes = draft_notes(profile)
    if id_name:
        notes = [note for note in notes if "key" not in note]
    found = [f"{source_id}: {note}" for note in notes]
    if id_name:
        found.append(f"{table_id}: ingest adds {id_name} (the row number, from 1)")
    return found


def _fixture(contract_text: str, path: Path, target: str, task: str) -> tuple[Path, bytes]:
    """The tests' stand-in for the file: made-up rows its drafted contract accepts."""
    import yaml  # noqa: PLC0415

    if path.exists():
        raise ScaffoldError(f"{path}: already exists; choose another dataset name")
    contract = contract_format.from_mapping(yaml.safe_load(contract_text), path)
    balanced = target if task == "tabular-classification" else None
    table = fixture_table(contract, f"charter fixture {path.name}", balanced=balanced)
    return path, fixture_bytes(table, path.suffix)


def _write_fixture(path: Path, data: bytes, root: Path) -> Path:
    try:
        writes.write_bytes(path, data, root, exclusive=True)
        return path
    except FileExistsError:
        raise ScaffoldError(f"{path}: already exists; choose another dataset name") from None
    except writes.WriteError as error:
        raise ScaffoldError(str(error)) from None


def _free(project: Project, ids: tuple[str, ...]) -> None:
    for contract_id in dict.fromkeys(ids):
        target = project.path("contracts") / f"{contract_id}.odcs.yaml"
        if target.exists() or project.contract_by_id(contract_id) is not None:
            raise ScaffoldError(f"{target}: a contract named {contract_id!r} already exists")


def _pipeline(path: Path) -> Any:
    pipeline = _load_round_trip(path)
    if not isinstance(pipeline, dict) or not isinstance(pipeline.get("stages"), dict):
        raise ScaffoldError(f"{path}: no `stages:`; the dataset has no pipeline to join")
    return pipeline


def _target_and_task(profile: DataProfile, request: DatasetRequest, data: dict) -> tuple[str, str]:
    """The target column (given, else the settings') and the task (given, else inferred)."""
    columns = {column.name: column for column in profile.columns}
    target = request.target or str(data.get("target") or "")
    if target not in columns:
        raise ScaffoldError(
            f"{request.source}: no column {target!r} to predict; name the target with "
            f"--target (the columns: {', '.join(columns)})"
        )
    task = request.task or _task_of(columns[target])
    if task not in TASKS:
        raise ScaffoldError(f"invalid task {task!r}: use {' or '.join(TASKS)}")
    if request.add_id and f"{request.name}_id" in columns:
        raise ScaffoldError(
            f"{request.source}: already has a column {request.name}_id; name it with --id"
        )
    return target, task


def _set_data(
    settings: dict, source: str, ids: tuple[str, str, str | None], target: str, task: str
) -> None:
    """`data:` names the new file, its contracts, target and task; `model:` suits the task."""
    data = settings["data"]
    source_id, table_id, id_name = ids
    changed = data.get("task") != task
    data["source"] = source
    data["contract"] = table_id
    if id_name:
        position = list(data).index("contract") + 1 if "contract" in data else len(data)
        for offset, (key, value) in enumerate(
            (("source_contract", source_id), ("add_id", id_name))
        ):
            if key in data:
                data[key] = value
            else:
                data.insert(position + offset, key, value)
    else:
        for key in ("source_contract", "add_id"):
            data.pop(key, None)
    data["target"] = target
    data["task"] = task
    if changed and isinstance(settings.get("model"), dict):
        settings["model"] = MODEL_SETTINGS[task]


@dataclass(frozen=True)
class _Old:
    """What the settings named before: the sample's file, contracts and task."""

    source: str | None
    contract_files: tuple[str, ...]
    contract_ids: tuple[str, ...]
    task: str | None


def _old_names(data: dict, folder: str) -> _Old:
    ids = tuple(dict.fromkeys(str(data[k]) for k in ("contract", "source_contract") if data.get(k)))
    files = tuple(f"{folder}/{contract_id}.odcs.yaml" for contract_id in ids)
    source = str(data["source"]) if data.get("source") else None
    return _Old(source, files, ids, data.get("task"))


@dataclass(frozen=True)
class _New:
    """What the settings name after: the file, the contracts of the file and the table, the task."""

    source: str
    source_file: str
    table_file: str
    raw: str
    task: str


def _rewire(stages: dict, old: _Old, new: _New) -> None:
    """Point every stage at the new file and contracts; ingest reads the file, evaluate's outs."""
    source, source_file, table_file, raw, task = (
        new.source,
        new.source_file,
        new.table_file,
        new.raw,
        new.task,
    )
    replacements = {old.source: source} if old.source else {}
    replacements |= dict.fromkeys(old.contract_files, table_file)
    for name, stage in stages.items():
        if not isinstance(stage, dict):
            continue
        deps = stage.get("deps")
        if isinstance(deps, list):
            for index, dep in enumerate(deps):
                if isinstance(dep, str) and dep in replacements:
                    deps[index] = replacements[dep]
            if name == "ingest":
                for path in (source, source_file):
                    if path not in deps:
                        deps.append(path)
                seen: list[str] = []
                for dep in list(deps):
                    if isinstance(dep, str) and dep in seen:
                        deps.remove(dep)
                    seen.append(dep)
        charter = (stage.get("meta") or {}).get("charter") if isinstance(stage, dict) else None
        named = charter.get("contracts") if isinstance(charter, dict) else None
        if isinstance(named, dict):
            entries = {
                (source if key == old.source else key): value for key, value in named.items()
            }
            for key in list(named):
                del named[key]
            for key, value in entries.items():
                governed = source_file if key == source else table_file
                named[key] = governed if key in (source, raw) else value
        if name == "evaluate":
            outs = stage.get("outs")
            if task == "tabular-classification":
                if not isinstance(outs, list):
                    outs = stage["outs"] = []
                if CONFUSION not in outs:
                    outs.append(CONFUSION)
            elif isinstance(outs, list) and CONFUSION in outs:
                outs.remove(CONFUSION)
                if not outs:
                    del stage["outs"]


def _remove_sample(project: Project, old: _Old, result: NewDataset, task: str) -> None:
    """Remove the sample's file, contracts, features, tests, card and runs; draw a fresh card."""
    root = project.root
    doomed = [root / old.source] if old.source and old.source.startswith("src/") else []
    doomed += [root / path for path in old.contract_files]
    doomed += [root / path for path in SAMPLE_TESTS]
    doomed += [root / DVC_LOCK]
    runs = root / "runs"
    if runs.is_dir():
        doomed += [path for path in sorted(runs.iterdir()) if path.is_dir()]
    names = _drop_features(project, old.contract_ids, result)
    _drop_functions(project, names, result)
    model = _model_name(root)
    card = project.path("models") / model / CARD_NAME
    for path in doomed:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        else:
            continue
        result.removed.append(path)
    if card.exists():
        card.unlink()
        result.removed.append(card)
    _drop_decisions(project, model, result)
    result.written.append(new_model(Project.load(root), model, task))
    result.written.insert(-1, new_model_decision(Project.load(root), model))


def _drop_decisions(project: Project, model: str, result: NewDataset) -> None:
    """Remove the sample's decision records (those naming its model) and the catalog's
    `excluded:` candidates they decided: both were about the sample's data."""
    gone = [d.path for d in project.decisions_for(model)]
    for path in gone:
        path.unlink()
        result.removed.append(path)
    path = project.path("features")
    catalog = _load_round_trip(path)
    excluded = catalog.get("excluded") if isinstance(catalog, dict) else None
    if not isinstance(excluded, list) or not gone:
        return
    names = {p.name for p in gone}
    kept = [e for e in excluded if not (isinstance(e, dict) and e.get("decision") in names)]
    if len(kept) == len(excluded):
        return
    if kept:
        catalog["excluded"] = kept
    else:
        del catalog["excluded"]
    write(path, _dump(catalog), project.root)


def _drop_features(project: Project, contract_ids: tuple[str, ...], result: NewDataset) -> list:
    """Remove the catalog's features that read the sample's contracts; their names."""
    path = project.path("features")
    catalog = _load_round_trip(path)
    features = catalog.get("features") if isinstance(catalog, dict) else None
    if not isinstance(features, list):
        return []
    gone = [
        feature
        for feature in features
        if isinstance(feature, dict)
        and any(
            isinstance(s, dict) and s.get("contract") in contract_ids
            for s in feature.get("sources") or []
        )
    ]
    for feature in gone:
        features.remove(feature)
    if gone:
        write(path, _dump(catalog), project.root)
        result.notes.append(
            "removed the sample's features from the catalog: "
            + ", ".join(str(f.get("name")) for f in gone)
        )
    return [str(feature.get("name")) for feature in gone]


def _drop_functions(project: Project, names: list[str], result: NewDataset) -> None:
    """Remove the removed features' functions (and the sample's tests of them) from features.py."""
    module = project_package(project.root) / "features.py"
    if not names or not module.is_file():
        return
    text = module.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    spans = [
        (node.lineno - 1 - len(node.decorator_list), node.end_lineno or node.lineno)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name in names
    ]
    for start, end in sorted(spans, reverse=True):
        stop = end
        while stop < len(lines) and not lines[stop].strip():
            stop += 1
        del lines[start:stop]
    write(module, "".join(lines), project.root)
    result.written.append(module)


def _model_name(root: Path) -> str:
    """The model the train stage fits (`models:` of the train stage in dvc.yaml)."""
    pipeline = _load_round_trip(root / DVC_YAML) or {}
    for stage in (pipeline.get("stages") or {}).values():
        charter = ((stage or {}).get("meta") or {}).get("charter") or {}
        models = charter.get("models")
        if isinstance(models, list) and models:
            return str(models[0])
    return "baseline"


def _task_of(column: ColumnProfile) -> str:
    """A text, boolean or coded target is a class; a measurement is a regression's."""
    coded = column.values is not None
    if column.logical_type in ("string", "boolean") or coded:
        return "tabular-classification"
    return "tabular-regression"


def _drafts(
    project: Project,
    profile: DataProfile,
    ids: tuple[str, str, str | None],
    dest: Path,
    raw: str,
) -> dict[str, str]:
    """The contract texts: of the file, and of the table ingest writes when it adds an id."""
    source_id, table_id, id_name = ids
    people = _people(project)
    sensitivity = answer(read_answers(project.root), "data_sensitivity")
    source_profile = replace(profile, path=Path(dest.name))
    if id_name:
        source_profile = replace(source_profile, key=())
    drafts = {source_id: _contract_text(project, source_id, source_profile, people, sensitivity)}
    if id_name:
        table = _with_id(profile, id_name, Path(raw).name)
        drafts[table_id] = _contract_text(project, table_id, table, people, sensitivity)
    return drafts


def _with_key(profile: DataProfile, name: str) -> DataProfile:
    columns = {c.name: c for c in profile.columns}
    column = columns.get(name)
    if column is None:
        raise ScaffoldError(f"{profile.path}: no column {name!r} for --id")
    if column.null_count or column.distinct_count != profile.row_count:
        raise ScaffoldError(
            f"{profile.path}: --id {name}: the column has "
            f"{column.null_count} empty and {profile.row_count - column.distinct_count} "
            "repeated values; an identifier has one distinct value on every row (or use --add-id)"
        )
    return replace(profile, key=(name,))


def _with_id(profile: DataProfile, name: str, file_name: str) -> DataProfile:
    """The profile of the table ingest writes: the file's columns after a row-number id."""
    rows = profile.row_count
    id_column = ColumnProfile(name, "Int64", "integer", 0, rows, 1, rows)
    return replace(
        profile, path=Path(file_name), columns=(id_column, *profile.columns), key=(name,)
    )


def _contract_text(
    project: Project, name: str, profile: DataProfile, people: People, sensitivity: str | None
) -> str:
    from charter.formats.vocabulary import CLASSIFICATIONS  # noqa: PLC0415

    document = draft_contract(
        name, profile, people, sensitivity if sensitivity in CLASSIFICATIONS else None
    )
    for prop in document["schema"][0]["properties"]:
        if prop.get("primaryKey") and prop["logicalType"] == "integer" and profile.key:
            prop.pop("logicalTypeOptions", None)
            prop["customProperties"] = [
                e for e in prop["customProperties"] if e.get("property") != "draftedRange"
            ]
    target = project.path("contracts") / f"{name}.odcs.yaml"
    text = yaml_text(document, _schema_reference(project, target))
    _check_contract(text, target)
    return text


def _people(project: Project) -> People:
    answers = read_answers(project.root)
    return People(
        owner=answer(answers, "data_owner") or _contract_member(project, "owner"),
        privacy_reviewer=answer(answers, "privacy_reviewer")
        or _contract_member(project, "privacy reviewer"),
    )


def _destination(root: Path, source: Path, name: str) -> Path:
    """Where the file lives in the project: as it is when under data/, else data/raw/NAME.ext."""
    if not source.is_file():
        raise ScaffoldError(f"{source}: no such file")
    resolved = source.resolve()
    data = (root / "data").resolve()
    if resolved.is_relative_to(data):
        return root / resolved.relative_to(root.resolve())
    return root / "data" / "raw" / f"{name}{source.suffix.lower()}"


def _dvc_add(root: Path, path: str) -> None:
    """`dvc add PATH`: DVC caches the file and writes PATH.dvc for git."""
    env = {**os.environ, "DVC_NO_ANALYTICS": "1"}
    command = [sys.executable, "-m", "dvc", "add", "--quiet", "--", path]
    try:
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise ScaffoldError(f"cannot run dvc: {error}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise ScaffoldError(
            f"`dvc add {path}` failed: {detail[-1] if detail else 'exit ' + str(done.returncode)}"
        )


def _handler() -> Any:
    from ruamel.yaml import YAML  # noqa: PLC0415 - DVC's dependency, in every generated project

    handler = YAML()
    handler.preserve_quotes = True
    handler.width = 4096
    handler.indent(mapping=2, sequence=4, offset=2)
    return handler


def _load_round_trip(path: Path) -> Any:
    """A YAML file people edit by hand, loaded so that dumping it keeps comments and layout."""
    if not path.is_file():
        return None
    try:
        from ruamel.yaml.error import YAMLError  # noqa: PLC0415
    except ImportError:
        raise ScaffoldError(
            "charter new dataset needs ruamel.yaml, which comes with DVC: install the "
            "project's environment (`uv sync`)"
        ) from None
    try:
        return _handler().load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        raise ScaffoldError(f"{path}: cannot read it: {error}") from None


def _dump(document: Any) -> str:
    stream = io.StringIO()
    _handler().dump(document, stream)
    return stream.getvalue()
