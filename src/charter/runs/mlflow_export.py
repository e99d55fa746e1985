"""`charter runs export --to mlflow`: copy recorded runs into a team's MLflow.

The repository is the system of record; MLflow receives copies (DESIGN 4.11).
Each run becomes one MLflow run tagged `charter.run_id`, so exporting again
finds it and changes nothing. Data is never copied: inputs are MLflow datasets
that carry the blake3 fingerprint and the contract, outputs are references
(URI and hash) in a JSON artifact and in tags. mlflow is imported only here,
when a command asks for it (`charter[mlflow]`): `charter check` never pays.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter.runs.history import flat_params

if TYPE_CHECKING:
    from mlflow import MlflowClient

    from charter.formats.manifest import Manifest

RUN_ID_TAG = "charter.run_id"
"""The tag that names the manifest a MLflow run copies: what makes exporting idempotent."""
LOCAL_STORE = "mlflow.db"
"""The SQLite store in the project when `MLFLOW_TRACKING_URI` is unset (MLflow's own default)."""
LOCAL_ARTIFACTS = "mlruns"
"""Where a SQLite store's artifacts go, beside it: the manifest, the output references."""
ARTIFACT_DIR = "charter"
"""The run's artifact folder: `charter/manifest.json` and `charter/outputs.json`."""
BATCH = 100
"""MLflow's `log_batch` takes at most 100 params (and 100 tags) a request."""

_TAG_KEY = re.compile(r"[^\w\-./ ]")


class MissingExtraError(ImportError):
    """mlflow is not installed: `charter[mlflow]` brings it."""


class ExportError(RuntimeError):
    """MLflow refused (or could not be reached): its own message, first line only."""


@dataclass(frozen=True)
class Exported:
    """One manifest in MLflow: `created` is False when an earlier export had it already."""

    run_id: str
    mlflow_run_id: str
    created: bool
    model_versions: list[tuple[str, str]]
    """(registered model, version) of each model the run trained."""


def tracking_uri(root: Path) -> str:
    """`MLFLOW_TRACKING_URI`, else the SQLite store `mlflow.db` in the project."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{root / LOCAL_STORE}"


def experiment_name(root: Path, pyproject: dict[str, Any] | None) -> str:
    """`MLFLOW_EXPERIMENT_NAME`, else the project's name in pyproject.toml, else its folder's."""
    project = (pyproject or {}).get("project")
    name = project.get("name") if isinstance(project, dict) else None
    return os.environ.get("MLFLOW_EXPERIMENT_NAME") or (
        name if isinstance(name, str) and name else root.name
    )


def client(uri: str) -> MlflowClient:
    """An MLflow client for `uri`; MissingExtraError when the extra is not installed."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # offline by construction
    os.environ.setdefault("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")  # ours is one line
    try:
        from mlflow import MlflowClient  # noqa: PLC0415 - only this command needs mlflow
    except ImportError as error:
        raise MissingExtraError(str(error)) from None
    return MlflowClient(tracking_uri=uri)


def export(manifests: Iterable[Manifest], *, uri: str, experiment: str) -> Iterator[Exported]:
    """Each manifest into the experiment at `uri`, once: a run already exported is left alone."""
    mlflow = client(uri)
    from mlflow.exceptions import MlflowException  # noqa: PLC0415

    try:
        experiment_id = _experiment(mlflow, experiment, uri)
        exported = _exported(mlflow, experiment_id)
        registered: set[str] = set()
        for manifest in manifests:
            yield export_run(mlflow, experiment_id, manifest, exported, registered)
    except MlflowException as error:
        raise ExportError(str(error.message).strip().splitlines()[0]) from None


def export_run(
    mlflow: MlflowClient,
    experiment_id: str,
    manifest: Manifest,
    exported: dict[str, str],
    registered: set[str],
) -> Exported:
    """One manifest as one MLflow run, unless `exported` (charter -> MLflow run id) has it."""
    existing = exported.get(manifest.run_id)
    run_id = existing or _create(mlflow, experiment_id, manifest)
    versions = []
    for name in manifest.models or []:
        if name not in registered:
            _registered_model(mlflow, name)
            registered.add(name)
        versions.append(_register(mlflow, name, run_id, manifest, known=existing is not None))
    return Exported(manifest.run_id, run_id, existing is None, versions)


def _experiment(mlflow: MlflowClient, name: str, uri: str) -> str:
    found = mlflow.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    return mlflow.create_experiment(name, artifact_location=_artifact_location(uri))


def _artifact_location(uri: str) -> str | None:
    """`mlruns/` beside a SQLite store (MLflow's default is the current folder); a server's own."""
    if not uri.startswith("sqlite:///"):
        return None
    return (Path(uri.removeprefix("sqlite:///")).parent / LOCAL_ARTIFACTS).resolve().as_uri()


def _exported(mlflow: MlflowClient, experiment_id: str) -> dict[str, str]:
    """charter run id -> MLflow run id of every finished export; unfinished ones are deleted.

    One search for the whole experiment (paged), not one per run: a second
    export of a hundred runs is a few requests.
    """
    runs: dict[str, str] = {}
    token = None
    while True:
        page = mlflow.search_runs(
            [experiment_id],
            filter_string=f"tags.`{RUN_ID_TAG}` LIKE '%'",
            max_results=1000,
            page_token=token,
        )
        for run in page:
            if run.info.status != "FINISHED":  # an interrupted export: redone below
                mlflow.delete_run(run.info.run_id)
            else:
                runs.setdefault(run.data.tags[RUN_ID_TAG], run.info.run_id)
        token = page.token
        if not token:
            return runs


def _create(mlflow: MlflowClient, experiment_id: str, manifest: Manifest) -> str:
    from mlflow.entities import Metric, Param, RunTag  # noqa: PLC0415

    run = mlflow.create_run(
        experiment_id,
        start_time=_millis(manifest.data["start_time"]),
        tags={RUN_ID_TAG: manifest.run_id},
        run_name=manifest.run_id,
    )
    run_id = run.info.run_id
    end = _millis(manifest.data["end_time"])
    params = [Param(k, v) for k, v in params_of(manifest).items()]
    tags = [RunTag(k, v) for k, v in tags_of(manifest).items()]
    metrics = [Metric(k, float(v), end, 0) for k, v in manifest.metrics.items()]
    for start in range(0, max(len(params), len(tags), len(metrics), 1), BATCH):
        mlflow.log_batch(
            run_id,
            metrics=metrics[start : start + BATCH],
            params=params[start : start + BATCH],
            tags=tags[start : start + BATCH],
        )
    mlflow.log_inputs(run_id, datasets=datasets_of(manifest))
    mlflow.log_artifact(run_id, str(manifest.path), ARTIFACT_DIR)
    mlflow.log_dict(run_id, {"outputs": outputs_of(manifest)}, f"{ARTIFACT_DIR}/outputs.json")
    # Finished last: a run that is not FINISHED is an interrupted export, redone next time.
    mlflow.set_terminated(run_id, "FINISHED", end_time=end)
    return run_id


def params_of(manifest: Manifest) -> dict[str, str]:
    """Params flattened to dotted keys (`model.alpha`), then each seed as `seeds.NAME`."""
    params = {k: _value(v) for k, v in flat_params(manifest.params).items()}
    for name, seed in manifest.seeds.items():
        if f"seeds.{name}" in params:
            raise ExportError(
                f"run {manifest.run_id}: the param seeds.{name} and the seed {name} "
                "would be the same MLflow param"
            )
        params[f"seeds.{name}"] = str(seed)
    return params


def tags_of(manifest: Manifest) -> dict[str, str]:
    """The code, environment and output references, under MLflow's and charter's tag names."""
    tags = {
        "mlflow.source.git.commit": manifest.commit,
        "mlflow.source.name": manifest.entry_point,
        "mlflow.source.type": "LOCAL",
        "charter.dirty": str(manifest.dirty).lower(),
        "charter.lock_sha256": manifest.lock_sha256,
        "charter.params_hash": manifest.params_hash,
        "charter.features": ",".join(manifest.features),
    }
    if manifest.models is not None:
        tags["charter.models"] = ",".join(manifest.models)
    for output in manifest.outputs:
        name = _TAG_KEY.sub("_", output.name)
        tags[f"charter.output.{name}.uri"] = output.uri
        tags[f"charter.output.{name}.sha256"] = output.sha256
    return tags


def outputs_of(manifest: Manifest) -> list[dict[str, Any]]:
    """Each output by reference: its name, URI in the project and hashes (never its bytes)."""
    return [
        {"name": o.name, "uri": o.uri, "sha256": o.sha256}
        | ({"md5": o.md5} if o.md5 is not None else {})
        for o in manifest.outputs
    ]


def datasets_of(manifest: Manifest) -> list[Any]:
    """Each input as an MLflow dataset: the blake3 digest (MLflow keeps 36 characters; the
    whole fingerprint is in the profile and a tag), the URI, and the contract id and version."""
    from mlflow.entities import Dataset, DatasetInput, InputTag  # noqa: PLC0415

    datasets = []
    for item in manifest.inputs:
        algo, _, digest = item.fingerprint.partition(":")
        profile: dict[str, Any] = {
            "fingerprint": item.fingerprint,
            "rows": item.rows,
            "bytes": item.bytes,
        }
        tags = [
            InputTag("mlflow.data.context", "input"),
            InputTag("charter.fingerprint", item.fingerprint),
        ]
        if item.md5 is not None:
            profile["md5"] = item.md5
        if item.contract is not None:
            profile["contract"] = {"id": item.contract.id, "version": item.contract.version}
            tags += [
                InputTag("charter.contract.id", item.contract.id),
                InputTag("charter.contract.version", item.contract.version),
            ]
        dataset = Dataset(
            name=item.name,
            digest=(digest or algo)[:36],
            source_type="local",
            source=json.dumps({"uri": item.uri}),
            profile=json.dumps(profile),
        )
        datasets.append(DatasetInput(dataset=dataset, tags=tags))
    return datasets


def _registered_model(mlflow: MlflowClient, name: str) -> None:
    """The registered model named like the card, created when missing."""
    from mlflow.exceptions import MlflowException  # noqa: PLC0415

    try:
        mlflow.get_registered_model(name)
    except MlflowException as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        mlflow.create_registered_model(name, tags={"charter.card": name})


def _register(
    mlflow: MlflowClient, name: str, run_id: str, manifest: Manifest, *, known: bool
) -> tuple[str, str]:
    """The run as a version of the model; a `known` run's version is looked up, not added."""
    if known:
        if "'" in name:
            raise ExportError(
                f"model name {name!r} has a quote, which MLflow's search cannot match"
            )
        found = mlflow.search_model_versions(f"name = '{name}' and run_id = '{run_id}'")
        if found:
            return name, found[0].version
    version = mlflow.create_model_version(
        name,
        source=f"runs:/{run_id}/{ARTIFACT_DIR}",
        run_id=run_id,
        tags={RUN_ID_TAG: manifest.run_id},
        description=f"charter run {manifest.run_id}",
    )
    return name, version.version


def _millis(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp).timestamp() * 1000)


def _value(value: Any) -> str:
    """A param value as text: strings as they are, the rest as JSON (`true`, `[1, 2]`)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
