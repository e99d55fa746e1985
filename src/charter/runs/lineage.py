"""OpenLineage events of a recorded run, for Marquez, OpenMetadata or DataHub.

A run becomes a parent job (the pipeline) and one child run per DVC stage, each
a START and a COMPLETE event at the manifest's start and end times. Run ids
are UUIDv7 derived from the project, the run id and the stage, so the same run
sent twice is the same lineage, never a second copy. Datasets are named as the
OpenLineage naming spec says (`file` and the absolute path, `s3://bucket` and
the key, ...) and carry what Charter knows: the contract's schema, owners and
description, the blake3 and md5 versions, the checks a validate stage passed,
and the feature catalog's column lineage. Every event is checked against the
vendored OpenLineage JSON Schemas before it is written or sent.

The events are built with openlineage-python (`charter[lineage]`), imported
here only: `charter check` never loads it. The repository keeps the record
(`runs/<run-id>/lineage.json`, JSON lines); servers receive copies.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from charter import gitrepo
from charter.constants import DVC_LOCK
from charter.fingerprint import sha256_file
from charter.runs.record import RunError

if TYPE_CHECKING:
    from charter.formats.contract import Contract
    from charter.formats.manifest import Manifest
    from charter.project import Project
    from charter.runs.from_dvc import Stage

EVENTS_NAME = "lineage.json"
"""Beside manifest.json: the run's OpenLineage events, one JSON object a line."""
URL_VARIABLE = "OPENLINEAGE_URL"
KEY_VARIABLE = "OPENLINEAGE_API_KEY"
ENDPOINT_VARIABLE = "OPENLINEAGE_ENDPOINT"
RUNNER_FACET = "charter_runner"
RUNNER_SCHEMA = "urn:charter:schema:openlineage-runner-run-facet:1"
SCHEMAS = "openlineage"
"""Folder of the vendored OpenLineage schemas inside `charter.formats.schemas`."""


class LineageError(RunError):
    """The events cannot be built, checked or sent (one sentence, the CLI exits 2)."""


class MissingExtraError(LineageError):
    """openlineage-python is not installed."""


def require_client() -> None:
    """Raise MissingExtraError, naming the extra, when openlineage-python is missing."""
    try:
        import openlineage.client  # noqa: F401, PLC0415
    except ImportError:
        raise MissingExtraError(
            "OpenLineage events need openlineage-python: install charter[lineage]"
        ) from None


# ------------------------------------------------------------------ building


@dataclass(frozen=True)
class _Context:
    project: Project
    manifest: Manifest
    namespace: str
    stages: list[Stage]
    datasets: dict[str, Any]
    """Path or URI -> openlineage Dataset pieces (namespace, name, facets)."""


def build(
    project: Project, manifest: Manifest, *, runner: dict[str, Any] | None = None
) -> list[dict]:
    """The run's events as JSON-ready dicts, schema-checked, in the order they happened."""
    require_client()
    from openlineage.client import event_v2  # noqa: PLC0415
    from openlineage.client.generated import (  # noqa: PLC0415
        documentation_job,
        job_type_job,
        parent_run,
        source_code_location_job,
    )
    from openlineage.client.serde import Serde  # noqa: PLC0415
    from openlineage.client.uuid import generate_static_uuid  # noqa: PLC0415

    namespace = _namespace(project.root)
    stages = _stages(project.root, manifest)
    context = _Context(project, manifest, namespace, stages, {})
    start, end = _time(manifest.data["start_time"]), _time(manifest.data["end_time"])
    pipeline = manifest.entry_point
    parent_id = str(generate_static_uuid(start, f"{namespace}/{manifest.run_id}".encode()))
    code = _source_code(project.root, manifest)
    producer = _producer()

    def job(name: str, kind: str, doc: str) -> Any:
        return event_v2.Job(
            namespace=namespace,
            name=name,
            facets={
                "jobType": job_type_job.JobTypeJobFacet(
                    processingType="BATCH", integration="DVC", jobType=kind
                ),
                "sourceCodeLocation": source_code_location_job.SourceCodeLocationJobFacet(**code),
                "documentation": documentation_job.DocumentationJobFacet(description=doc),
            },
        )

    who = runner if runner is not None else runner_facet(project.root)
    run_facets = {RUNNER_FACET: _custom(who, producer)}
    names = ", ".join(stage.name for stage in stages) or "none recorded"
    top = job(pipeline, "DAG", f"The pipeline of {namespace}, DVC stages: {names}")
    inputs = [_input(context, i.uri) for i in manifest.inputs]
    outputs = [_output(context, o.uri) for o in manifest.outputs]
    top_run = (parent_id, run_facets)
    events: list[Any] = [
        _event(event_v2, "START", start, top_run, top, inputs=inputs, outputs=[], producer=producer)
    ]
    for stage in stages:
        child_id = str(
            generate_static_uuid(start, f"{namespace}/{manifest.run_id}/{stage.name}".encode())
        )
        parent = parent_run.ParentRunFacet(
            run=parent_run.Run(runId=parent_id),
            job=parent_run.Job(namespace=namespace, name=pipeline),
            root=parent_run.Root(
                run=parent_run.RootRun(runId=parent_id),
                job=parent_run.RootJob(namespace=namespace, name=pipeline),
            ),
        )
        facets = {"parent": parent, **run_facets}
        cmd = stage.locked.get("cmd") or stage.declared.get("cmd") or ""
        child = job(f"{pipeline}.{stage.name}", "TASK", f"DVC stage {stage.name}: {cmd}")
        ins, outs = _stage_datasets(context, stage)
        events.append(
            _event(
                event_v2,
                "START",
                start,
                (child_id, facets),
                child,
                inputs=ins,
                outputs=[],
                producer=producer,
            )
        )
        events.append(
            _event(
                event_v2,
                "COMPLETE",
                end,
                (child_id, facets),
                child,
                inputs=ins,
                outputs=outs,
                producer=producer,
            )
        )
    events.append(
        _event(
            event_v2,
            "COMPLETE",
            end,
            top_run,
            top,
            inputs=inputs,
            outputs=outputs,
            producer=producer,
        )
    )
    documents = [Serde.to_dict(event) for event in events]
    for document in documents:
        check(document)
    return documents


def _event(
    module: Any,
    kind: str,
    when: datetime,
    run: tuple[str, dict],
    job: Any,
    *,
    inputs: list,
    outputs: list,
    producer: str,
) -> Any:
    return module.RunEvent(
        eventType=getattr(module.RunState, kind),
        eventTime=when.isoformat().replace("+00:00", "Z"),
        run=module.Run(runId=run[0], facets=dict(run[1])),
        job=job,
        inputs=inputs,
        outputs=outputs,
        producer=producer,
    )


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _producer() -> str:
    from charter import __version__  # noqa: PLC0415 - metadata, read once per export

    return f"urn:charter:{__version__}"


def _custom(values: dict[str, Any], producer: str) -> Any:
    from openlineage.client.generated.base import RunFacet  # noqa: PLC0415

    facet = RunFacet().with_additional_properties(**values)
    facet._producer = producer  # the client sets these for its own facets
    facet._schemaURL = RUNNER_SCHEMA
    return facet


def _namespace(root: Path) -> str:
    """The job namespace: the project's name (`[project] name`), else its folder's."""
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}
    name = data.get("project", {}).get("name") if isinstance(data.get("project"), dict) else None
    return name if isinstance(name, str) and name else root.name


def _source_code(root: Path, manifest: Manifest) -> dict[str, Any]:
    """sourceCodeLocation: the git remote (or the checkout) at the run's commit."""
    url = gitrepo.config_value(root, "remote.origin.url") or root.as_uri()
    module = manifest.entry_point.replace(".", "/")
    path = next((p for p in (f"src/{module}.py", f"{module}.py") if (root / p).is_file()), None)
    found = {"type": "git", "url": url, "version": manifest.commit}
    return found | ({"path": path} if path else {})


def runner_facet(root: Path) -> dict[str, Any]:
    """Who ran it: the CI job when in CI (GitHub Actions, GitLab CI), else the git user."""
    env = os.environ
    if env.get("GITHUB_ACTIONS") == "true":
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        repository, run = env.get("GITHUB_REPOSITORY", ""), env.get("GITHUB_RUN_ID", "")
        url = f"{server}/{repository}/actions/runs/{run}"
        return _present(
            kind="ci",
            ci="github-actions",
            user=env.get("GITHUB_ACTOR"),
            job=env.get("GITHUB_JOB"),
            url=url,
        )
    if env.get("GITLAB_CI") == "true":
        return _present(
            kind="ci",
            ci="gitlab-ci",
            user=env.get("GITLAB_USER_LOGIN"),
            job=env.get("CI_JOB_NAME"),
            url=env.get("CI_JOB_URL"),
        )
    if env.get("CI"):
        return _present(kind="ci", ci="unknown")
    return _present(
        kind="git",
        user=gitrepo.config_value(root, "user.name"),
        email=gitrepo.config_value(root, "user.email"),
    )


def _present(**values: str | None) -> dict[str, str]:
    return {key: value for key, value in values.items() if value}


# ------------------------------------------------------------------ stages


def _stages(root: Path, manifest: Manifest) -> list[Stage]:
    """The DVC stages of the run: dvc.lock as it is when it is the run's, else at the commit
    that recorded the run; none when neither is (the parent job alone is then sent)."""
    from charter.runs.from_dvc import load_stages  # noqa: PLC0415

    wanted = (manifest.data.get("dvc") or {}).get("lock_sha256")
    if wanted is None:
        return []
    lock = root / DVC_LOCK
    try:
        if lock.is_file() and sha256_file(lock) == wanted:
            return load_stages(root)
        text = _lock_when_recorded(root, manifest, wanted)
        return load_stages(root, text) if text is not None else []
    except RunError:
        return []


def _lock_when_recorded(root: Path, manifest: Manifest, wanted: str) -> str | None:
    import hashlib  # noqa: PLC0415

    top = gitrepo.toplevel(root)
    if top is None:
        return None
    relative = manifest.path.resolve().relative_to(top).as_posix()
    commit = gitrepo.adding_commits(root, relative).get(relative)
    lock_path = (root.resolve() / DVC_LOCK).relative_to(top).as_posix()
    data = gitrepo.file_at(root, commit, lock_path) if commit else None
    if data is None or hashlib.sha256(data).hexdigest() != wanted:
        return None
    return data.decode("utf-8", "replace")


def _stage_datasets(context: _Context, stage: Stage) -> tuple[list, list]:
    """A stage's inputs (its deps that are data: inputs of the run or outputs of a stage)
    and its outputs; code, contracts and the catalog are not datasets."""
    produced = {e["path"] for s in context.stages for e in s.entries("outs")}
    recorded = {i.uri for i in context.manifest.inputs}
    ins = [
        _input(context, e["path"])
        for e in stage.entries("deps")
        if e["path"] in produced or e["path"] in recorded
    ]
    catalog = context.project.path("features").relative_to(context.project.root).as_posix()
    features = catalog in {e["path"] for e in stage.entries("deps")}
    outs = [_output(context, e["path"], features=features) for e in stage.entries("outs")]
    return ins, outs


# ------------------------------------------------------------------ datasets


def dataset_name(root: Path, uri: str) -> tuple[str, str]:
    """(namespace, name) of a data location, as the OpenLineage naming spec says."""
    from openlineage.client.naming import dataset as naming  # noqa: PLC0415

    parts = urlsplit(uri)
    key = parts.path.lstrip("/")
    if parts.scheme == "s3" and parts.netloc:
        named: Any = naming.S3(bucket_name=parts.netloc, object_key=key)
    elif parts.scheme == "gs" and parts.netloc:
        named = naming.GCS(bucket_name=parts.netloc, object_key=key)
    elif parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}", parts.path or "/"
    else:
        named = naming.LocalFileSystem(path=(root / uri).resolve().as_posix())
    return named.get_namespace(), named.get_name()


def _input(context: _Context, uri: str) -> Any:
    from openlineage.client import event_v2  # noqa: PLC0415

    namespace, name, facets, input_facets = _dataset(context, uri)
    return event_v2.InputDataset(
        namespace=namespace, name=name, facets=facets, inputFacets=input_facets
    )


def _output(context: _Context, uri: str, *, features: bool = False) -> Any:
    from openlineage.client import event_v2  # noqa: PLC0415

    namespace, name, facets, _ = _dataset(context, uri)
    if features and Path(uri).suffix in (".parquet", ".csv"):
        lineage = _column_lineage(context)
        if lineage is not None:
            facets = {**facets, "columnLineage": lineage}
    return event_v2.OutputDataset(namespace=namespace, name=name, facets=facets)


def _dataset(context: _Context, uri: str) -> tuple[str, str, dict, dict]:
    if uri in context.datasets:
        return context.datasets[uri]
    from openlineage.client.generated import (  # noqa: PLC0415
        dataset_version_dataset,
        datasource_dataset,
    )

    root = context.project.root
    namespace, name = dataset_name(root, uri)
    location = Path(name).as_uri() if namespace == "file" else f"{namespace}/{name.lstrip('/')}"
    facets: dict[str, Any] = {
        "dataSource": datasource_dataset.DatasourceDatasetFacet(name=namespace, uri=location)
    }
    input_facets: dict[str, Any] = {}
    versions = _versions(context.manifest, uri)
    if versions:
        first, *_ = versions.values()
        facets["version"] = dataset_version_dataset.DatasetVersionDatasetFacet(
            datasetVersion=first
        ).with_additional_properties(**versions)
    contract = _contract(context, uri)
    if contract is not None:
        facets |= _contract_facets(contract)
        assertions = _assertions(context, uri, contract)
        if assertions is not None:
            input_facets["dataQualityAssertions"] = assertions
    context.datasets[uri] = (namespace, name, facets, input_facets)
    return context.datasets[uri]


def _versions(manifest: Manifest, uri: str) -> dict[str, str]:
    """The recorded hashes of a file: blake3 fingerprint or sha256, and DVC's md5."""
    for item in manifest.inputs:
        if item.uri == uri:
            return {"blake3": item.fingerprint} | ({"md5": f"md5:{item.md5}"} if item.md5 else {})
    for out in manifest.outputs:
        if out.uri == uri:
            return {"sha256": f"sha256:{out.sha256}"} | (
                {"md5": f"md5:{out.md5}"} if out.md5 else {}
            )
    return {}


def _contract(context: _Context, uri: str) -> Contract | None:
    """The contract the run recorded for this input, when the project's is that version."""
    for item in context.manifest.inputs:
        if item.uri == uri and item.contract is not None:
            found = context.project.contract_by_id(item.contract.id)
            if found is not None and str(found.version) == item.contract.version:
                return found
    return None


def _contract_facets(contract: Contract) -> dict[str, Any]:
    from openlineage.client.generated import (  # noqa: PLC0415
        documentation_dataset,
        ownership_dataset,
        schema_dataset,
    )

    facets: dict[str, Any] = {}
    table = contract.schema() or (contract.schemas[0] if contract.schemas else None)
    if table is not None:
        facets["schema"] = schema_dataset.SchemaDatasetFacet(
            fields=[_field(schema_dataset, prop) for prop in table.properties]
        )
    owners = [
        ownership_dataset.Owner(name=member.username, type=member.role)
        for member in contract.team
        if member.username
    ]
    if contract.team_name:
        owners.insert(0, ownership_dataset.Owner(name=f"team:{contract.team_name}", type="team"))
    if owners:
        facets["ownership"] = ownership_dataset.OwnershipDatasetFacet(owners=owners)
    text = _description(contract, table)
    if text:
        facets["documentation"] = documentation_dataset.DocumentationDatasetFacet(
            description=text, contentType="text/markdown"
        )
    return facets


def _field(module: Any, prop: Any) -> Any:
    nested = [_field(module, child) for child in prop.properties]
    return module.SchemaDatasetFacetFields(
        name=prop.name,
        type=prop.logical_type,
        description=prop.description,
        fields=nested,
    )


def _description(contract: Contract, table: Any) -> str:
    parts = [f"Data contract {contract.id} {contract.version}."]
    for key in ("purpose", "usage", "limitations"):
        value = contract.description.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(f"**{key.capitalize()}**: {value.strip()}")
    if table is not None and table.description:
        parts.append(table.description)
    return "\n\n".join(parts)


def _assertions(context: _Context, uri: str, contract: Contract) -> Any:
    """The contract's checks, as passed, when a validate stage recorded this very file."""
    from openlineage.client.generated import data_quality_assertions_dataset as dq  # noqa: PLC0415

    from charter.formats import validation_record  # noqa: PLC0415

    fingerprint = next(i.fingerprint for i in context.manifest.inputs if i.uri == uri)
    record = None
    for stage in context.stages:
        for entry in stage.entries("outs"):
            if entry["path"].endswith(".json"):
                found = validation_record.load(context.project.root / entry["path"])
                if found is not None and found.fingerprint == fingerprint:
                    record = found
    if record is None:
        return None
    table = contract.schema() or (contract.schemas[0] if contract.schemas else None)
    checks: list[Any] = []
    for prop in table.properties if table is not None else []:
        for check in _checks(prop):
            checks.append(dq.Assertion(assertion=check, success=True, column=prop.name))
    for quality in table.quality if table is not None else []:
        checks.append(dq.Assertion(assertion=_quality_name(quality), success=True))
    return dq.DataQualityAssertionsDatasetFacet(assertions=checks)


def _checks(prop: Any) -> list[str]:
    found = []
    if prop.required:
        found.append("not_null")
    if prop.unique or prop.primary_key:
        found.append("unique")
    if prop.logical_type:
        found.append(f"type:{prop.logical_type}")
    found += [f"{key}:{value}" for key, value in sorted(prop.options.items())]
    if prop.enum:
        found.append("enum")
    found += [_quality_name(quality) for quality in prop.quality]
    return found


def _quality_name(quality: Any) -> str:
    metric = getattr(quality, "metric", None) or getattr(quality, "rule", None)
    return str(metric or getattr(quality, "type", None) or "quality")


def _column_lineage(context: _Context) -> Any:
    """Each feature of the run from the contract columns the catalog says it reads."""
    from openlineage.client.generated import column_lineage_dataset as cl  # noqa: PLC0415

    catalog = context.project.catalog
    if catalog is None:
        return None
    by_contract: dict[str, list[str]] = {}
    for item in context.manifest.inputs:
        if item.contract is not None:
            by_contract.setdefault(item.contract.id, []).append(item.uri)
    fields: dict[str, Any] = {}
    for key in context.manifest.features:
        name, _, version = key.rpartition("@")
        feature = catalog.find(name, int(version) if version.isdigit() else None)
        if feature is None:
            continue
        sources = []
        for source in feature.sources:
            for uri in by_contract.get(source.contract, []):
                namespace, dataset = dataset_name(context.project.root, uri)
                identity = feature.transform_ref is None and source.property == feature.name
                sources.append(
                    cl.InputField(
                        namespace=namespace,
                        name=dataset,
                        field=source.property,
                        transformations=[
                            cl.Transformation(
                                type="DIRECT",
                                subtype="IDENTITY" if identity else "TRANSFORMATION",
                                description=feature.transform_ref or feature.description,
                            )
                        ],
                    )
                )
        if sources:
            fields[feature.name] = cl.Fields(
                inputFields=sources, transformationDescription=feature.description
            )
    return cl.ColumnLineageDatasetFacet(fields=fields) if fields else None


# ------------------------------------------------------------------ checking


@cache
def _registry() -> Any:
    from referencing import Registry, Resource  # noqa: PLC0415

    folder = resources.files("charter.formats.schemas").joinpath(SCHEMAS)
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".json"):
            schema = json.loads(item.read_text("utf-8"))
            found.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(found)


@cache
def _validator(reference: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker  # noqa: PLC0415

    checker = FormatChecker(["uuid", "date-time"])
    return Draft202012Validator({"$ref": reference}, registry=_registry(), format_checker=checker)


CORE = "https://openlineage.io/spec/2-0-2/OpenLineage.json"


def check(event: dict[str, Any]) -> None:
    """Raise LineageError unless the event and each of its facets match their schemas."""
    problems = [_where(e) for e in _validator(f"{CORE}#/$defs/RunEvent").iter_errors(event)]
    for pointer, facet in _facets(event):
        url = facet.get("_schemaURL", "") if isinstance(facet, dict) else ""
        known = url.split("#")[0] in set(_registry())
        if url.startswith("https://openlineage.io/") and not known:
            problems.append(f"{pointer}: no vendored schema for {url}")
        elif known:
            problems += [f"{pointer}{_where(e)}" for e in _validator(url).iter_errors(facet)]
    if problems:
        raise LineageError(f"an OpenLineage event would be invalid: {problems[0]}")


def _where(error: Any) -> str:
    path = "".join(f"/{part}" for part in error.absolute_path)
    return f"{path}: {error.message}" if path else error.message


def _facets(event: dict[str, Any]) -> list[tuple[str, Any]]:
    found = [(f"/run/facets/{k}", v) for k, v in (event["run"].get("facets") or {}).items()]
    found += [(f"/job/facets/{k}", v) for k, v in (event["job"].get("facets") or {}).items()]
    for side, extra in (("inputs", "inputFacets"), ("outputs", "outputFacets")):
        for index, dataset in enumerate(event.get(side) or []):
            for group in ("facets", extra):
                for key, value in (dataset.get(group) or {}).items():
                    found.append((f"/{side}/{index}/{group}/{key}", value))
    return found


# ------------------------------------------------------------------ writing and sending


def dumps(events: list[dict[str, Any]]) -> str:
    """JSON lines, keys sorted: the same run gives the same bytes."""
    return "".join(json.dumps(e, sort_keys=True, ensure_ascii=False) + "\n" for e in events)


def write(path: Path, events: list[dict[str, Any]], root: Path) -> None:
    from charter.writes import write_text  # noqa: PLC0415

    write_text(path, dumps(events), root)


def read(path: Path) -> list[dict[str, Any]]:
    """The events a run folder records (lineage.json), each schema-checked."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        events = [json.loads(line) for line in lines if line.strip()]
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise LineageError(f"cannot read {path.name}: {error}") from None
    for event in events:
        if not isinstance(event, dict):
            raise LineageError(f"{path.name} must hold one JSON object a line")
        check(event)
    return events


def send(
    events: list[dict[str, Any]],
    url: str,
    *,
    api_key: str | None = None,
    endpoint: str | None = None,
) -> None:
    """POST each event to an OpenLineage endpoint (Marquez: `/api/v1/lineage`).

    The client's HTTP transport sends the events as recorded: no facets are
    added on the way, so what a server holds is what the repository holds.
    """
    from openlineage.client.transport.http import HttpConfig, HttpTransport  # noqa: PLC0415

    settings: dict[str, Any] = {"url": url, "retry": {"total": 2, "backoff_factor": 0.2}}
    if endpoint:
        settings["endpoint"] = endpoint
    if api_key:
        settings["auth"] = {"type": "api_key", "apiKey": api_key}
    try:
        transport = HttpTransport(HttpConfig.from_dict(settings))
        for event in events:
            transport.emit(event)
    except Exception as error:  # requests', urllib3's and the client's own
        raise LineageError(f"cannot send the events to {url}: {_reason(error)}") from None


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]


def configured_url(project: Project | None = None) -> str | None:
    """Where the pipeline sends lineage: OPENLINEAGE_URL, else `[tool.charter] lineage_url`."""
    url = os.environ.get(URL_VARIABLE)
    if url:
        return url
    if project is not None and project.config.lineage_url:
        return project.config.lineage_url
    return None


# ------------------------------------------------------------------ the pipeline's part


def record(root: Path, manifest_path: Path) -> list[str]:
    """Write `lineage.json` beside a new run's manifest and send it when a URL is set.

    Called once the run is recorded: nothing here can undo the record, so each
    problem comes back as a sentence for the pipeline to print. Without
    openlineage-python nothing is written (a note says so when a URL is set).
    """
    from charter.formats import manifest as manifest_format  # noqa: PLC0415
    from charter.formats.source import FormatError  # noqa: PLC0415
    from charter.project import Project  # noqa: PLC0415

    run_id = manifest_path.parent.name
    try:
        require_client()
    except MissingExtraError as error:
        url = configured_url(Project.load_runs(root, [run_id]))
        return [f"{error}, to send the run's lineage to {url}"] if url else []
    project = Project.load(root)
    url = configured_url(project)
    try:
        events = build(project, manifest_format.load(manifest_path))
        write(manifest_path.parent / EVENTS_NAME, events, root)
        if url:
            send(
                events,
                url,
                api_key=os.environ.get(KEY_VARIABLE),
                endpoint=os.environ.get(ENDPOINT_VARIABLE),
            )
    except (LineageError, FormatError, OSError, ValueError, TypeError) as error:
        # openlineage-python's attrs validators raise ValueError and TypeError
        return [f"lineage: {error}; `charter lineage export {run_id}` tries again"]
    return []
