"""PIP: the DVC pipeline (`dvc.yaml`) says which contract governs every data file it reads.

Charter's part of a stage lives under `meta: charter:` in dvc.yaml
(`contracts:` data path -> contract file, `models:` card folders); the run
manifest is written from it, so a data file no contract names would enter a
run unvalidated and unrecorded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from charter.constants import DVC_LOCK
from charter.formats.source import Document, pointer_join
from charter.rules.registry import at, at_line, rule

if TYPE_CHECKING:
    from charter.findings import Finding
    from charter.project import Project

TABLES = {".parquet", ".csv", ".tsv", ".feather", ".arrow", ".orc", ".avro", ".jsonl"}
"""Suffixes of data files a contract describes; other files under data/ are records."""
FEATURE_TABLES = "data/processed/"
"""Feature tables: governed by the feature catalog, not by a contract."""


def _stages(document: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    stages = document.data.get("stages")
    if isinstance(stages, dict):
        for name, body in stages.items():
            if isinstance(body, dict):
                yield str(name), pointer_join("/stages", str(name)), body


def _contracts(body: dict[str, Any]) -> dict[str, Any]:
    meta = body.get("meta")
    charter = meta.get("charter") if isinstance(meta, dict) else None
    contracts = charter.get("contracts") if isinstance(charter, dict) else None
    return contracts if isinstance(contracts, dict) else {}


def _dep_path(item: Any) -> str | None:
    if isinstance(item, dict) and len(item) == 1:
        item = next(iter(item))
    return item if isinstance(item, str) else None


@rule("PIP001", "Pipeline stage reads a data file that no contract governs")
def stage_reads_data_without_contract(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every dependency of a `dvc.yaml` stage that is a data table under `data/`
    (`.parquet`, `.csv`, `.tsv`, `.feather`, `.arrow`, `.orc`, `.avro`, `.jsonl`)
    is named under the stage's `meta: charter: contracts:`, with the contract that
    describes it. Feature tables under `data/processed/` are the feature
    catalog's business; other files under `data/` (such as the validate stage's
    JSON record) are not data tables.

    ## Why it matters

    The run manifest is written from `dvc.yaml` and `dvc.lock`: a data file that
    no contract names enters the run without a data dictionary, owner or privacy
    class, and the manifest cannot say which contract version the run relied on.
    `charter reproduce` also restores exactly the inputs the contracts name.

    ## Example

    Fails (`dvc.yaml`):

    ```yaml
    stages:
      train:
        cmd: python -m diabetes_progression.train
        deps:
          - data/raw/patients.parquet
    ```

    ```text
    dvc.yaml:5:9: PIP001 stage 'train' reads data/raw/patients.parquet but names no contract for it; add `data/raw/patients.parquet: governance/contracts/<contract>.odcs.yaml` under `meta: charter: contracts:` of the stage
    ```

    Passes:

    ```yaml
    stages:
      train:
        cmd: python -m diabetes_progression.train
        deps:
          - data/raw/patients.parquet
        meta:
          charter:
            contracts:
              data/raw/patients.parquet: governance/contracts/patients.odcs.yaml
    ```

    ## How to fix

    Name the contract of the file under the stage's `meta: charter: contracts:`.
    If the data has no contract yet, draft one with `charter new contract NAME
    --from data/raw/FILE.parquet` and have the data owner review it.
    """
    document = project.pipeline()
    if document is None:
        return
    for name, pointer, body in _stages(document):
        contracts = _contracts(body)
        deps = body.get("deps")
        for index, item in enumerate(deps if isinstance(deps, list) else []):
            path = _dep_path(item)
            if path is None or not path.startswith("data/") or path.startswith(FEATURE_TABLES):
                continue
            if PurePosixPath(path).suffix in TABLES and path not in contracts:
                yield at(
                    document,
                    pointer_join(pointer_join(pointer, "deps"), index),
                    f"stage '{name}' reads {path} but names no contract for it; add "
                    f"`{path}: governance/contracts/<contract>.odcs.yaml` under "
                    "`meta: charter: contracts:` of the stage",
                )


@rule("PIP002", "Pipeline stage names a contract file that does not exist")
def stage_contract_exists(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every contract a `dvc.yaml` stage names under `meta: charter: contracts:`
    (data path: contract path, relative to the project root) is an existing file.

    ## Why it matters

    The run manifest records each input's contract id and version from that file;
    a path that points nowhere (a renamed or deleted contract, a typo) would stop
    the recording after the whole pipeline ran, and leaves the data ungoverned in
    the meantime.

    ## Example

    Fails (`dvc.yaml`, with no `governance/contracts/patient.odcs.yaml`):

    ```yaml
        meta:
          charter:
            contracts:
              data/raw/patients.parquet: governance/contracts/patient.odcs.yaml
    ```

    ```text
    dvc.yaml:11:38: PIP002 stage 'train' says 'governance/contracts/patient.odcs.yaml' governs data/raw/patients.parquet, but there is no such contract file; fix the path or add the contract
    ```

    Passes: the path names the contract file that exists,
    `governance/contracts/patients.odcs.yaml`.

    ## How to fix

    Correct the path, or add the contract (`charter new contract NAME --from
    FILE`). Add the contract to the stage's deps too, so DVC reruns the stage when
    the contract changes.
    """
    document = project.pipeline()
    if document is None:
        return
    for name, pointer, body in _stages(document):
        base = pointer_join(pointer_join(pointer_join(pointer, "meta"), "charter"), "contracts")
        for data_path, contract in _contracts(body).items():
            if not isinstance(contract, str) or not project.on_disk(project.root / contract):
                yield at(
                    document,
                    pointer_join(base, str(data_path)),
                    f"stage '{name}' says {contract!r} governs {data_path}, but there is no "
                    "such contract file; fix the path or add the contract",
                )


@rule("PIP003", "New run manifest does not match the project's dvc.lock")
def manifest_matches_dvc_lock(project: Project) -> Iterator[Finding]:
    """## What it checks

    A run manifest written from a DVC pipeline (it has a `dvc` field) that is not
    yet in the last commit records the sha256 of the `dvc.lock` it was written
    from; that must be the `dvc.lock` about to be committed (the staged one during
    a commit, `charter check --staged`; the file otherwise). Manifests already
    committed are not checked again: `dvc.lock` moves on with every new run.

    ## Why it matters

    `dvc.lock` names the exact data (DVC md5) of every stage's inputs and outputs.
    `charter reproduce` finds a run's `dvc.lock` by that sha256, at the run's
    commit or in the commit that added its manifest, and restores the data from
    it. A manifest committed without its `dvc.lock` can never be reproduced on
    another clone.

    ## Example

    Fails (the manifest staged, `dvc.lock` not):

    ```text
    runs/20261201T100700Z-283543/manifest.json:97:20: PIP003 run 20261201T100700Z-283543 was written from a dvc.lock with sha256 f1ebb7c19341, but dvc.lock is now missing; commit the manifest together with the dvc.lock of its run (or record the run again)
    ```

    Passes: `git add dvc.lock runs/20261201T100700Z-283543/manifest.json`, one
    commit.

    ## How to fix

    Stage `dvc.lock` with the manifest. If `dvc.lock` changed since the run (a
    later `dvc repro`), record the run again with `uv run nox -s pipeline` and
    commit that manifest, or delete the stale one.
    """
    manifests = [m for m in project.manifests if isinstance(m.data.get("dvc"), dict)]
    if not manifests:
        return
    content = _lock_content(project)
    current = hashlib.sha256(content).hexdigest() if content is not None else None
    for manifest in manifests:
        recorded = manifest.data["dvc"].get("lock_sha256")
        if recorded == current or _committed(project, manifest.path):
            continue
        line, col = manifest.position("/dvc/lock_sha256")
        yield at_line(
            manifest.path,
            line,
            col,
            f"run {manifest.run_id} was written from a dvc.lock with sha256 {str(recorded)[:12]}, "
            f"but {DVC_LOCK} is now "
            + (f"{current[:12]}" if current else "missing")
            + "; commit the manifest together with the dvc.lock of its run (or record the run "
            "again)",
        )


def _lock_content(project: Project) -> bytes | None:
    """dvc.lock as it will be committed: during a commit (`--staged`) only a staged one counts.

    pre-commit stashes unstaged changes, so a staged file's bytes are the staged ones.
    """
    lock = project.root / DVC_LOCK
    return project.source_bytes(lock) if project.sees(lock) else None


def _committed(project: Project, path: Path) -> bool:
    """Whether HEAD already holds this manifest (then dvc.lock may have moved on since)."""
    committed = project.at_head([path])
    return committed is not None and committed.get(path) is not None
