"""Model files: saved in a format that loads without running code, and checked against a run.

A pickle runs whatever code its author put in it when it is loaded, so a
model file from a shared store is a way into every machine that scores with
it. scikit-learn models are saved with skops instead: a zip of JSON and
numpy arrays that loads only types skops (and here, scikit-learn) vouches for.
skops names each part after an object's memory address and stamps the zip with
the time; the saved bytes are made canonical (parts numbered in order, a fixed
timestamp) so the same model gives the same sha256 and `charter reproduce`
can compare runs.

Loading refuses a file whose sha256 is not what the run recorded, so what is
scored is what was trained, evaluated, carded and approved.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

SCHEMA_PART = "schema.json"
_EPOCH = (1980, 1, 1, 0, 0, 0)
TRUSTED_MODULES = ("sklearn.",)
"""Types skops does not trust by default but are scikit-learn's own (a tree's `Tree`)."""


class ModelError(Exception):
    """A model file that cannot be saved, found, trusted or loaded; one sentence says why."""


@dataclass(frozen=True)
class LoadedModel:
    """A model loaded from a file whose sha256 equals what its run recorded."""

    estimator: Any
    run_id: str
    sha256: str
    path: Path


def dumps(model: Any) -> bytes:
    """The skops bytes of `model`, canonical: equal models give equal bytes."""
    try:
        import skops.io as sio  # noqa: PLC0415 - only the train and predict stages need it
    except ImportError:
        raise ModelError("saving a model needs skops: install charter[runtime]") from None
    try:
        raw = sio.dumps(model)
    except Exception as error:  # skops refuses a type it cannot represent safely
        name = f"{type(model).__module__}.{type(model).__qualname__}"
        raise ModelError(
            f"skops cannot save a {name}: {error}. Save models of other libraries in their own "
            "code-free format (docs/guide/models.md)"
        ) from None
    return canonical(raw)


def canonical(raw: bytes) -> bytes:
    """Renumber skops' object ids and parts in order of appearance; fix the zip's timestamps."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    schema = json.loads(source.read(SCHEMA_PART))
    ids: dict[int, int] = {}
    files: dict[str, str] = {}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "__id__" and isinstance(value, int):
                    out[key] = ids.setdefault(value, len(ids) + 1)
                elif key == "file" and isinstance(value, str):
                    suffix = PurePosixPath(value).suffix
                    out[key] = files.setdefault(value, f"part{len(files) + 1}{suffix}")
                else:
                    out[key] = walk(value)
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    schema = walk(schema)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        parts = [(SCHEMA_PART, json.dumps(schema, indent=2).encode("utf-8"))]
        parts += sorted((new, source.read(old)) for old, new in files.items())
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return buffer.getvalue()


def loads(data: bytes, shown: str) -> Any:
    """The model in skops bytes; refuses types neither skops nor scikit-learn vouch for."""
    try:
        import skops.io as sio  # noqa: PLC0415
    except ImportError:
        raise ModelError("loading a model needs skops: install charter[runtime]") from None
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as error:  # not a zip, no schema: not a skops file
        raise ModelError(f"{shown} is not a skops model file: {error}") from None
    refused = [name for name in untrusted if not name.startswith(TRUSTED_MODULES)]
    if refused:
        raise ModelError(
            f"{shown} holds types that could run code when loaded ({', '.join(refused[:3])}); "
            "it is not loaded"
        )
    try:
        return sio.loads(data, trusted=untrusted)
    except Exception as error:
        raise ModelError(f"{shown} cannot be loaded: {error}") from None


@dataclass(frozen=True)
class Recorded:
    """What a manifest says a model file is: its uri, sha256 and the run that wrote it."""

    run_id: str
    uri: str
    sha256: str
    source: Path


def recorded(manifest: Path, uri: str) -> Recorded:
    """What the run manifest (JSON) or deployment manifest (YAML) records for `uri`."""
    from charter.formats.source import FormatError  # noqa: PLC0415

    try:
        if manifest.suffix == ".json":
            from charter.formats import manifest as manifest_format  # noqa: PLC0415

            run = manifest_format.load(manifest)
            for output in run.outputs:
                if PurePosixPath(output.uri) == PurePosixPath(uri):
                    return Recorded(run.run_id, output.uri, output.sha256, manifest)
            raise ModelError(f"{manifest} records no output {uri}")
        from charter.formats import deployment as deployment_format  # noqa: PLC0415

        deployment = deployment_format.load(manifest)
    except (FormatError, OSError) as error:
        raise ModelError(f"cannot read {manifest}: {error}") from None
    artifact = deployment.artifact
    if deployment.run is None or artifact.uri is None or artifact.sha256 is None:
        raise ModelError(f"{manifest} names no run and model file (run, artifact.uri, sha256)")
    if PurePosixPath(artifact.uri) != PurePosixPath(uri):
        raise ModelError(f"{manifest} deploys {artifact.uri}, not {uri}")
    return Recorded(deployment.run, artifact.uri, artifact.sha256, manifest)


def newest_run(runs: Path, uri: str) -> Path:
    """The newest run manifest in `runs` that records `uri` among its outputs."""
    from charter.formats import manifest as manifest_format  # noqa: PLC0415
    from charter.formats.source import FormatError  # noqa: PLC0415

    found = []
    for path in sorted(runs.glob("*/manifest.json")):
        try:
            run = manifest_format.load(path)
        except (FormatError, OSError):
            continue  # RUN001 reports it; it records nothing usable
        if any(PurePosixPath(o.uri) == PurePosixPath(uri) for o in run.outputs):
            found.append((run.data.get("end_time") or "", run.run_id, path))
    if not found:
        raise ModelError(
            f"no run in {runs} records {uri}: run the pipeline to record one, or name the "
            "manifest to check the file against"
        )
    return max(found)[2]


def load(path: Path, record: Recorded, shown: str) -> LoadedModel:
    """Load `path` if its sha256 is the one `record` holds; refuse it otherwise."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(
            f"{shown} does not exist: run the pipeline, or `dvc pull` the run's outputs"
        ) from None
    except OSError as error:
        raise ModelError(f"cannot read {shown}: {error.strerror or error}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != record.sha256:
        raise ModelError(
            f"{shown} has sha256 {digest[:12]}..., but run {record.run_id} recorded "
            f"{record.sha256[:12]}... ({record.source}): it is not the run's model, so it is "
            "not loaded"
        )
    return LoadedModel(loads(data, shown), record.run_id, digest, path)
