"""Deployment manifests (`governance/deployments/<model>/<environment>.yaml`) as typed objects.

A small format of our own (`apiVersion: charter/v1`, `deployment.schema.json`):
which run's model file is deployed to which environment, the card and input
contract it answers to, the image that serves it, how it is monitored and
which roles must approve it. Like every reader here it is tolerant: a
field of the wrong type reads as None (or empty) and the schema rule (DEP001)
says what is wrong, so the other rules still see the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter.formats.source import Document, FormatError, load_yaml, parse_yaml

SCHEMA_FILE = "deployment.schema.json"
KIND = "Deployment"
FOLDER = "governance/deployments"
"""The default place of deployment manifests (`[tool.charter] deployments`)."""


@dataclass(frozen=True)
class Located:
    """A file a deployment names by path and sha256, as the run manifest's outputs do."""

    uri: str | None
    sha256: str | None
    pointer: str


@dataclass(frozen=True)
class Monitoring:
    reference: Located
    thresholds: dict[str, float]
    cadence: str | None
    owner: str | None
    pointer: str = "/monitoring"


@dataclass(frozen=True)
class Approvals:
    """The roles whose sign-off a deployment needs (present and valid: the approval rules)."""

    stage: str | None
    roles: list[str]
    pointer: str = "/approvals"


@dataclass
class Deployment:
    path: Path
    document: Document
    model: str | None
    environment: str | None
    run: str | None
    artifact: Located
    card: str | None
    input_contract: str | None
    input_version: str | None
    input_features: list[str]
    image_name: str | None
    image_digest: str | None
    schedule: str | None
    endpoint: str | None
    monitoring: Monitoring
    approvals: Approvals

    @property
    def data(self) -> Any:
        return self.document.data

    @property
    def folder_model(self) -> str:
        """The model the manifest's place names: its folder."""
        return self.path.parent.name

    @property
    def file_environment(self) -> str:
        """The environment the manifest's place names: its file name without `.yaml`."""
        return self.path.name.rsplit(".", 1)[0]


def load(path: Path) -> Deployment:
    return from_document(load_yaml(path))


def parse(text: str, path: Path) -> Deployment:
    """The deployment a text would be at `path` (for example as committed at a revision)."""
    return from_document(parse_yaml(text, path))


def from_document(document: Document) -> Deployment:
    data = document.data
    if not isinstance(data, dict):
        raise FormatError("a deployment manifest must be a YAML mapping")
    artifact = _mapping(data, "artifact")
    contract = _mapping(data, "input")
    image = _mapping(data, "image")
    serving = _mapping(data, "serving")
    monitoring = _mapping(data, "monitoring")
    approvals = _mapping(data, "approvals")
    thresholds = _mapping(monitoring, "thresholds")
    return Deployment(
        path=document.path,
        document=document,
        model=_text(data.get("model")),
        environment=_text(data.get("environment")),
        run=_text(data.get("run")),
        artifact=_located(artifact, "/artifact"),
        card=_text(data.get("card")),
        input_contract=_text(contract.get("contract")),
        input_version=_text(contract.get("version")),
        input_features=_texts(contract.get("features")),
        image_name=_text(image.get("name")),
        image_digest=_text(image.get("digest")),
        schedule=_text(serving.get("schedule")),
        endpoint=_text(serving.get("endpoint")),
        monitoring=Monitoring(
            reference=_located(_mapping(monitoring, "reference"), "/monitoring/reference"),
            thresholds={
                str(k): float(v)
                for k, v in thresholds.items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            },
            cadence=_text(monitoring.get("cadence")),
            owner=_text(monitoring.get("owner")),
        ),
        approvals=Approvals(
            stage=_text(approvals.get("stage")), roles=_texts(approvals.get("roles"))
        ),
    )


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _located(data: dict[str, Any], pointer: str) -> Located:
    return Located(_text(data.get("uri")), _text(data.get("sha256")), pointer)
