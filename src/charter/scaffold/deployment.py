"""`charter new deployment MODEL --env ENV`: a deployment manifest filled from the run and card.

Everything a person would otherwise copy by hand (run id, the model file's and
the feature table's sha256, the input contract and features) comes from the
run manifest, so a new deployment passes DEP002 by construction; what only
people can decide (serving, thresholds, roles) gets a stated default. The
image digest stays null until CI builds and pushes the image.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from charter.constants import API_VERSION, STAGES
from charter.formats import deployment as deployment_format
from charter.formats import schema
from charter.formats.source import parse_yaml
from charter.project import Project
from charter.scaffold.answers import answer, read_answers
from charter.scaffold.errors import ScaffoldError
from charter.scaffold.files import write_new, yaml_text
from charter.scaffold.names import check_name

DEFAULT_ROLES = ("model_owner", "product_owner")
"""Who signs a production deployment off unless told otherwise: two roles, two people."""
DEFAULT_THRESHOLDS = {"psi": 0.25}
"""Population stability index above which a feature has drifted (the conventional 0.25)."""
DEFAULT_CADENCE = "weekly"
DEFAULT_SCHEDULE = "0 6 * * *"
"""Batch scoring once a day at 06:00 unless an endpoint or another schedule is given."""
MODEL_STEM = "model"
"""The model file a run records is the output named `model.<format>` (artifacts/model.skops)."""
REFERENCE_STEM = "features"
"""The reference data is the run's feature table (data/processed/features.parquet)."""
_ROLE = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class Request:
    model: str
    environment: str
    run: str | None = None
    image: str | None = None
    schedule: str | None = None
    endpoint: str | None = None
    roles: tuple[str, ...] = field(default=DEFAULT_ROLES)


def new_deployment(project: Project, request: Request) -> Path:
    """Write `<deployments>/<model>/<env>.yaml`; never replaces an existing one."""
    check_name("model", request.model)
    check_name("environment", request.environment)
    for role in request.roles:
        if not _ROLE.fullmatch(role):
            raise ScaffoldError(f"invalid role {role!r}: use lowercase letters, digits, _ and -")
    if request.schedule and request.endpoint:
        raise ScaffoldError("give --schedule or --endpoint, not both")
    target = project.path("deployments") / request.model / f"{request.environment}.yaml"
    if os.path.lexists(target):
        raise ScaffoldError(
            f"{target}: a deployment of {request.model!r} to {request.environment!r} already exists"
        )
    card = next((c for c in project.cards if c.name == request.model), None)
    if card is None:
        raise ScaffoldError(
            f"no model card for {request.model!r} in {project.config.models}/: "
            f"`charter new model {request.model}` writes one"
        )
    manifest = _run(project, request, card.run_manifest)
    artifact = _output(manifest, MODEL_STEM, "model file")
    reference = _output(manifest, REFERENCE_STEM, "feature table")
    contract = next((i.contract for i in manifest.inputs if i.contract is not None), None)
    if contract is None:
        raise ScaffoldError(f"run {manifest.run_id} read no data under a contract")
    answers = read_answers(project.root)
    serving = (
        {"endpoint": request.endpoint}
        if request.endpoint
        else {"schedule": request.schedule or DEFAULT_SCHEDULE}
    )
    document = {
        "apiVersion": API_VERSION,
        "kind": deployment_format.KIND,
        "model": request.model,
        "environment": request.environment,
        "run": manifest.run_id,
        "artifact": {"uri": artifact.uri, "sha256": artifact.sha256},
        "card": _posix(project, card.path),
        "input": {
            "contract": contract.id,
            "version": contract.version,
            "features": manifest.features,
        },
        "image": {"name": request.image or _image_name(project), "digest": None},
        "serving": serving,
        "monitoring": {
            "reference": {"uri": reference.uri, "sha256": reference.sha256},
            "thresholds": dict(DEFAULT_THRESHOLDS),
            "cadence": DEFAULT_CADENCE,
            "owner": card.owner or answer(answers, "model_owner") or "TODO(model-owner)",
        },
        "approvals": {
            "stage": STAGES[-1] if request.environment == "production" else STAGES[0],
            "roles": list(request.roles),
        },
    }
    text = yaml_text(document, _schema_reference(project, target))
    problems = schema.validate(parse_yaml(text, target), deployment_format.SCHEMA_FILE)
    if problems:
        raise ScaffoldError(f"cannot write {target}: {problems[0].message}")
    write_new(target, text, project.root)
    return target


def _run(project: Project, request: Request, card_run: str | None) -> Any:
    """The run to deploy: `--run`, else the one the card is synced from, else the newest."""
    manifests = project.manifests
    if request.run is not None:
        found = next((m for m in manifests if m.run_id == request.run), None)
        if found is None:
            raise ScaffoldError(f"run {request.run!r} has no manifest in {project.config.runs}/")
        return found
    if card_run is not None:
        wanted = PurePosixPath(card_run)
        found = next(
            (m for m in manifests if PurePosixPath(_posix(project, m.path)) == wanted), None
        )
        if found is not None:
            return found
    trained = [m for m in manifests if m.models is None or request.model in m.models]
    if not trained:
        raise ScaffoldError(
            f"no recorded run trained {request.model!r}: run the pipeline "
            "(`uv run nox -s pipeline`), or pass --run RUN"
        )
    return max(trained, key=lambda m: (m.data.get("end_time") or "", m.run_id))


def _output(manifest: Any, stem: str, what: str) -> Any:
    found = [o for o in manifest.outputs if PurePosixPath(o.uri).name.split(".")[0] == stem]
    if not found:
        raise ScaffoldError(
            f"run {manifest.run_id} recorded no {what} (an output named {stem}.*): record a "
            "run of a pipeline that saves one"
        )
    return sorted(found, key=lambda o: (not o.uri.endswith(".skops"), o.uri))[0]


def _image_name(project: Project) -> str:
    """The project's distribution name; CI replaces it with the registry path it pushes to."""
    table = project.pyproject()
    name = ((table[1] if table else {}).get("project") or {}).get("name")
    return name if isinstance(name, str) else project.root.name


def _schema_reference(project: Project, target: Path) -> str:
    local = project.path("contracts").parent / "schemas" / deployment_format.SCHEMA_FILE
    if local.is_file():
        return Path(os.path.relpath(local, target.parent)).as_posix()
    return "urn:charter:schema:deployment:charter/v1"


def _posix(project: Project, path: Path) -> str:
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return path.as_posix()
