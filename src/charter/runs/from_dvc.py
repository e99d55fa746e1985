"""The run manifest from what DVC ran: dvc.yaml declares, dvc.lock records, Charter writes.

`dvc repro` leaves `dvc.lock` with the md5 of every dependency and output and
the parameters of each stage. Charter adds what DVC does not know: which
contract governs each input (`meta: charter: contracts:` of a stage), which
models a stage trains (`meta: charter: models:`), the catalog features, blake3
fingerprints and sha256 hashes. It checks the files still match dvc.lock (what
`dvc status` would say, without starting DVC), so a manifest never describes
data the stages did not see.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from charter import gitrepo
from charter.constants import DVC_LOCK, DVC_YAML
from charter.fingerprint import sha256_file
from charter.runs.record import AlreadyRecordedError, DirtyTreeError, Run, RunError


@dataclass(frozen=True)
class Stage:
    """One stage as dvc.yaml declares it and dvc.lock recorded it."""

    name: str
    declared: dict[str, Any]
    locked: dict[str, Any]

    @property
    def charter(self) -> dict[str, Any]:
        meta = self.declared.get("meta") or {}
        value = meta.get("charter") if isinstance(meta, dict) else None
        return value if isinstance(value, dict) else {}

    @property
    def contracts(self) -> dict[str, str]:
        """Data path -> contract path, for every file under data/ the stage reads."""
        value = self.charter.get("contracts") or {}
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    @property
    def models(self) -> list[str]:
        value = self.charter.get("models") or []
        return [str(name) for name in value] if isinstance(value, list) else []

    def entries(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.locked.get(kind) or [] if isinstance(e, dict) and "path" in e]

    def metric_files(self) -> list[str]:
        return [_first_key(item) for item in self.declared.get("metrics") or []]


def _first_key(item: Any) -> str:
    return str(next(iter(item))) if isinstance(item, dict) else str(item)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{path.name} is missing: run `dvc repro` before recording") from None
    except (OSError, yaml.YAMLError) as error:
        raise RunError(f"cannot read {path.name}: {error}") from None
    if not isinstance(data, dict):
        raise RunError(f"{path.name} must be a YAML mapping")
    return data


def load_stages(root: Path, lock_text: str | None = None) -> list[Stage]:
    """dvc.yaml's stages in order, each with its dvc.lock entry (RunError if never run)."""
    declared = _read_yaml(root / DVC_YAML).get("stages") or {}
    lock = _read_yaml(root / DVC_LOCK) if lock_text is None else yaml.safe_load(lock_text) or {}
    locked = lock.get("stages") or {}
    stages = []
    for name, body in declared.items():
        if name not in locked:
            raise RunError(f"stage {name} is not in dvc.lock: run `dvc repro` before recording")
        stages.append(Stage(str(name), body or {}, locked[name] or {}))
    return stages


def md5_file(path: Path) -> str:
    """DVC's md5 of a file: plain md5 of its bytes."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stale(root: Path, stages: list[Stage]) -> list[str]:
    """What `dvc status` would report: files or params that differ from dvc.lock."""
    problems = []
    for stage in stages:
        if stage.declared.get("cmd") != stage.locked.get("cmd"):
            problems.append(f"stage {stage.name}: its command changed")
        for kind in ("deps", "outs"):
            for entry in stage.entries(kind):
                path = root / entry["path"]
                if not path.is_file():
                    problems.append(f"stage {stage.name}: {entry['path']} is missing")
                elif entry.get("md5") and md5_file(path) != entry["md5"]:
                    problems.append(f"stage {stage.name}: {entry['path']} changed")
        for file, values in (stage.locked.get("params") or {}).items():
            current = _read_yaml(root / file)
            for key, value in (values or {}).items():
                if _dotted(current, key) != value:
                    problems.append(f"stage {stage.name}: parameter {key} of {file} changed")
    return problems


def _dotted(data: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _params(stages: list[Stage]) -> dict[str, Any]:
    """Every parameter the stages used, nested by key, files merged."""
    merged: dict[str, Any] = {}
    for stage in stages:
        for values in (stage.locked.get("params") or {}).values():
            for key, value in (values or {}).items():
                target = merged
                *parents, last = key.split(".")
                for part in parents:
                    target = target.setdefault(part, {})
                target[last] = value
    return merged


def _facts(root: Path, uri: str) -> tuple[int, str | None]:
    """Rows and blake3 fingerprint of an input, from the remembered file facts: a rerun of
    unchanged data reads no Parquet and imports no polars, and a new input is hashed once.
    CSV rows are counted."""
    from charter.run_facts import file_facts  # noqa: PLC0415

    facts = file_facts(root, uri)
    digest = facts.fingerprint if facts is not None else None
    if facts is not None and facts.rows is not None:
        return facts.rows, digest
    import polars as pl  # noqa: PLC0415 - only when recording

    path = root / uri
    if path.suffix == ".parquet":
        return pl.scan_parquet(path).select(pl.len()).collect().item(), digest
    if path.suffix == ".csv":
        return pl.scan_csv(path, infer_schema=False).select(pl.len()).collect().item(), digest
    return 0, digest


def record_from_lock(
    root: Path,
    *,
    run_id: str | None = None,
    entry_point: str | None = None,
    allow_dirty: bool = False,
    once: bool = True,
) -> Path:
    """Write runs/<run-id>/manifest.json for the pipeline dvc.lock describes; return its path.

    Runs come from committed code, once: with uncommitted changes (the runs
    folder and dvc.lock aside) it raises DirtyTreeError unless `allow_dirty`, and
    when an earlier clean run already records this code with this dvc.lock
    and uv.lock it raises AlreadyRecordedError naming that run (unless not
    `once`: `charter reproduce` records its rerun to compare it).
    """
    from charter.formats import contract as contract_format  # noqa: PLC0415
    from charter.formats.source import FormatError  # noqa: PLC0415
    from charter.runtime import active_features, paths  # noqa: PLC0415

    stages = load_stages(root)
    problems = stale(root, stages)
    if problems:
        raise RunError(
            "dvc status is not clean, so the run is not recorded: "
            + "; ".join(problems[:3])
            + ("" if len(problems) <= 3 else f" (and {len(problems) - 3} more)")
            + ". Run `dvc repro`."
        )
    everything = _params(stages)
    seeds = everything.pop("seeds", {})
    run = Run(
        root,
        entry_point=entry_point or _entry_point(root),
        params=everything,
        seeds=seeds,
        run_id=run_id,
        ignore=(DVC_LOCK,),
    )
    if run.changed and not allow_dirty:
        shown = ", ".join(run.changed[:3]) + (
            "" if len(run.changed) <= 3 else f" (and {len(run.changed) - 3} more)"
        )
        raise DirtyTreeError(
            f"the stages ran, but no run was recorded: uncommitted changes in {shown}. A run "
            "records the commit it ran from, so commit first, run again, then commit the run "
            "(runs/ and dvc.lock); or pass --allow-dirty to record a run marked dirty"
        )
    if once and not run.changed:
        earlier = _same_run(root, run)
        if earlier is not None:
            raise AlreadyRecordedError(
                f"no new run recorded: run {earlier.parent.name} already records this code "
                f"(commit {run.commit[:12]}) with this dvc.lock",
                earlier,
            )
    md5s = {e["path"]: e.get("md5") for s in stages for k in ("deps", "outs") for e in s.entries(k)}

    inputs: dict[str, str] = {}
    for stage in stages:
        inputs.update(stage.contracts)
    for data_path, contract_path in inputs.items():
        try:
            contract = contract_format.load(root / contract_path)
        except FormatError as error:
            raise RunError(f"cannot read contract {contract_path}: {error}") from None
        rows, digest = _facts(root, data_path)
        run.record_input(
            Path(data_path).name.split(".")[0],
            root / data_path,
            rows=rows,
            contract=(contract.id, str(contract.version)),
            md5=md5s.get(data_path),
            digest=digest,
        )
    features = active_features(paths(root).features)
    run.record_features([(feature.name, feature.version) for feature in features])
    metrics: dict[str, float] = {}
    for stage in stages:
        for name in stage.models:
            run.record_model(name)
        for file in stage.metric_files():
            metrics.update(_metrics(root / file))
        for entry in stage.entries("outs"):
            if entry["path"] not in inputs:
                path = root / entry["path"]
                run.record_output(_output_name(entry["path"]), path, md5=entry.get("md5"))
    run.record_dvc(sha256_file(root / DVC_LOCK), [stage.name for stage in stages])
    return run.finish(metrics)


def _output_name(path: str) -> str:
    name = Path(path).name
    return name.removesuffix(".json").removesuffix(".parquet")


def _metrics(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise RunError(f"cannot read the metrics file {path.name}: {error}") from None
    if not isinstance(data, dict):
        raise RunError(f"the metrics file {path.name} must be a JSON object of numbers")
    return {
        key: value
        for key, value in data.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def _entry_point(root: Path) -> str:
    """`<package>.pipeline`, the module that runs and records the pipeline."""
    packages = sorted(p.parent.name for p in (root / "src").glob("*/pipeline.py"))
    return f"{packages[0]}.pipeline" if packages else "dvc.repro"


def _same_run(root: Path, run: Run) -> Path | None:
    """An earlier clean run of the same code, dvc.lock and uv.lock, or None.

    The same code means the run's commit is HEAD, or differs from HEAD only in
    the runs folder and dvc.lock: the commit that recorded the run itself.
    """
    lock = sha256_file(root / DVC_LOCK)
    environment = run.lock_sha256
    runs = run.runs_dir.relative_to(run.root).as_posix()
    for manifest in sorted(run.runs_dir.glob("*/manifest.json")):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            code, dvc = data["code"], data.get("dvc") or {}
            same = (
                code["dirty"] is False
                and dvc.get("lock_sha256") == lock
                and data["environment"]["lock_sha256"] == environment
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue  # unreadable manifests are RUN001's business, never a match
        if same and (
            code["commit"] == run.commit
            or gitrepo.same_tree(root, code["commit"], run.commit, ignore=(runs, DVC_LOCK))
        ):
            return manifest
    return None
