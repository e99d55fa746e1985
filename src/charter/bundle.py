"""Audit bundles: everything a reviewer needs about one run, in one folder they can check offline.

`build` collects the run's record (its folder under runs/, with any reports
and lineage events beside the manifest), the JSON records among its outputs
(validation records, metrics) while they still have the recorded sha256,
dvc.lock, the contracts and catalog entries as they were at the run's commit,
the card, the checklists, the approvals with their signatures and the
approvers file, the deployment manifests, the model's DPIA and drift reports
where present (`governance/dpia/<model>.md`, `monitoring/<model>/`), the output
of `charter check --format json` (and optionally of `charter reproduce`), plus
an index page that also names what was looked for and not found. `statement.json` is an in-toto
Statement v1 listing every file with its sha256; `statement.dsse.json` is that
statement in a DSSE envelope whose signature is an SSH signature (namespace
`charter-bundle`) of the envelope's PAE bytes, made with `ssh-keygen -Y sign`
as approvals are. `verify` needs only the folder: hashes, statement schema,
the envelope's signature and every approval's signature.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter.constants import DVC_LOCK, LOCK_FILE
from charter.formats import approval as approval_format
from charter.formats import approvers as approvers_format

if TYPE_CHECKING:
    from charter.project import Project

STATEMENT = "statement.json"
ENVELOPE = "statement.dsse.json"
INDEX = "index.html"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://charter.dev/audit-bundle/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
NAMESPACE = "charter-bundle"
STATEMENT_SCHEMA = "in-toto-statement-v1.schema.json"
APPROVERS = "governance/approvers"
DPIA_FOLDER = "governance/dpia"
"""A model's data protection impact assessment: `<folder>/<model>.md`."""
MONITORING_FOLDER = "monitoring"
"""Recorded monitoring (drift) reports: `<folder>/<model>/<env>/<date>/...`."""
RECORD_LIMIT = 1_000_000
"""Bytes above which a JSON output is data rather than a record, and stays out."""


class BundleError(Exception):
    """Why a bundle cannot be made, in one sentence."""


@dataclass
class Contents:
    """The files of a bundle (path inside it -> bytes) and what the index says of each."""

    files: dict[str, bytes] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    """What a reviewer might expect and this project does not have (said on the index)."""

    def add(self, name: str, data: bytes, note: str) -> None:
        self.files[name] = data
        self.notes[name] = note


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding: what the envelope's signature signs."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def collect(
    project: Project,
    run: str,
    stage: str,
    check_json: str,
    reproduce: str | None = None,
) -> tuple[Contents, dict[str, Any]]:
    """The bundle's files and the statement's predicate for run `run`."""
    from charter import gitrepo  # noqa: PLC0415

    manifest = next((m for m in project.manifests if m.path.parent.name == run), None)
    if manifest is None:
        raise BundleError(f"no run {run!r} under {project.config.runs} (or its manifest is bad)")
    root = project.root
    contents = Contents()
    _run_files(contents, manifest, root)
    _optional(contents, root / DVC_LOCK, DVC_LOCK, "what DVC ran: every stage's deps and outs")
    lock = root / LOCK_FILE
    lock_digest = sha256(_read(lock)) if lock.is_file() else None

    at_commit = _at_commit(project, manifest.commit, gitrepo)
    models = manifest.models or []
    versions = {i.contract.id: i.contract.version for i in manifest.inputs if i.contract}
    for contract_id in sorted(versions):
        contract = project.contract_by_id(contract_id)
        relative = _relative(contract.path, root) if contract else None
        data = at_commit(relative) if relative else None
        if data is None:
            contents.missing.append(f"contract {contract_id} at the run's commit")
            continue
        note = f"contract {contract_id} v{versions[contract_id]}, as at the run's commit"
        contents.add(f"contracts/{Path(relative).name}", data, note)
    catalog = at_commit(_relative(project.path("features"), root))
    if catalog is not None:
        contents.add("features.yaml", _entries(catalog, manifest.features), "catalog entries used")
    else:
        contents.missing.append("the feature catalog at the run's commit")
    for card in project.cards:
        if card.name in models:
            contents.add(f"models/{card.name}/card.md", _read(card.path), "the model card")
    for checklist in project.checklists:
        contents.add(f"checklists/{checklist.path.name}", _read(checklist.path), "a checklist")
    approvals = [a for a in project.approvals if a.run == run]
    for approval in approvals:
        name = f"approvals/{approval.path.parent.name}/{approval.path.name}"
        contents.add(name, approval.body, f"{approval.stage} approval by {approval.role}")
        if approval.signature is not None:
            contents.add(name + approval_format.SIGNATURE_SUFFIX, approval.signature, "signature")
    if project.approvers is not None:
        contents.add("approvers", project.approvers.text.encode("utf-8"), "who may sign what")
    else:
        contents.missing.append("governance/approvers")
    for deployment in project.deployments:
        if (deployment.model or deployment.folder_model) in models:
            name = f"deployments/{deployment.folder_model}/{deployment.path.name}"
            contents.add(name, _read(deployment.path), "a deployment manifest")
    for model in models:
        if _plain_name(model) and "/" not in model:  # a folder name, as the card's is
            _model_reports(contents, root, model)
    contents.add("check.json", check_json.encode("utf-8"), f"charter check --stage {stage}")
    if reproduce is not None:
        contents.add("reproduce.txt", reproduce.encode("utf-8"), "charter reproduce, its verdict")
    predicate = {
        "run": run,
        "models": models,
        "commit": manifest.commit,
        "stage": stage,
        "uvLockSha256": lock_digest,
        "manifestLockSha256": manifest.lock_sha256,
        "approvals": [
            {
                "file": f"approvals/{a.path.parent.name}/{a.path.name}",
                "stage": a.stage,
                "role": a.role,
                "approver": a.approver,
                "approvedAt": a.data.get("approvedAt"),
                "conditions": a.data.get("conditions"),
            }
            for a in approvals
        ],
        "findings": _counts(json.loads(check_json).get("findings", [])),
        "createdAt": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    contents.add(INDEX, _index(contents, predicate).encode("utf-8"), "this page")
    return contents, predicate


def check_signer(project: Project, key: Path) -> None:
    """Refuse a key governance/approvers does not list for bundles: its bundle would never
    verify, and a reviewer would learn it only after it was handed over."""
    from charter.signatures import public_key  # noqa: PLC0415

    if project.approvers is None or not project.approvers.by_key(public_key(key), NAMESPACE):
        raise BundleError(
            f"the key {key} is not listed in governance/approvers for {NAMESPACE}: add it "
            "there in a reviewed pull request, or sign with a listed key"
        )


def build(contents: Contents, predicate: dict[str, Any], key: Path, out: Path) -> None:
    """Write the files, the statement and its signed envelope into the new folder `out`."""
    from sshsig import PublicKey  # noqa: PLC0415

    from charter import writes  # noqa: PLC0415
    from charter.runs.atomic import atomic_folder  # noqa: PLC0415
    from charter.signatures import public_key, sign  # noqa: PLC0415

    statement = {
        "_type": STATEMENT_TYPE,
        "subject": [
            {"name": name, "digest": {"sha256": sha256(data)}}
            for name, data in sorted(contents.files.items())
        ],
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    }
    payload = (json.dumps(statement, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    signature = sign(pae(PAYLOAD_TYPE, payload), key, NAMESPACE)
    keyid = PublicKey.from_openssh_str(public_key(key)).sha256_str()
    envelope = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [{"keyid": keyid, "sig": base64.b64encode(signature).decode("ascii")}],
    }
    if os.path.lexists(out):
        raise BundleError(f"{out} already exists; bundles are never overwritten")
    with atomic_folder(out) as folder:
        for name, data in contents.files.items():  # inside the new folder, no link followed
            writes.write_bytes(folder / name, data, folder)
        writes.write_bytes(folder / STATEMENT, payload, folder)
        writes.write_text(folder / ENVELOPE, json.dumps(envelope, indent=2) + "\n", folder)


def verify(folder: Path, approvers_file: Path | None = None) -> tuple[list[str], dict[str, Any]]:
    """Problems of a bundle (`FILE: why`, empty when it verifies) and its statement."""
    from charter.formats.schema import schema_text  # noqa: PLC0415
    from charter.signatures import signer_key  # noqa: PLC0415

    problems: list[str] = []
    try:
        envelope = json.loads((folder / ENVELOPE).read_text("utf-8"))
        payload = base64.b64decode(envelope["payload"], validate=True)
        sig = base64.b64decode(envelope["signatures"][0]["sig"], validate=True)
        payload_type = envelope["payloadType"]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
        return [f"{ENVELOPE}: not a readable DSSE envelope ({_short(error)})"], {}
    try:
        statement_bytes = (folder / STATEMENT).read_bytes()
    except OSError:
        statement_bytes = None
    if statement_bytes is None:
        problems.append(f"{STATEMENT}: missing")
    elif statement_bytes != payload:
        problems.append(f"{STATEMENT}: differs from the statement the envelope signs")
    trust = approvers_file or folder / "approvers"
    try:
        approvers = approvers_format.parse(trust.read_text("utf-8"), trust)
    except (OSError, UnicodeDecodeError) as error:
        return [*problems, f"{trust}: cannot read the approvers file ({_short(error)})"], {}
    key, why = signer_key(pae(payload_type, payload), sig, NAMESPACE)
    if key is None:
        problems.append(f"{ENVELOPE}: the signature is not valid: {why}")
    elif not approvers.by_key(key, NAMESPACE):
        problems.append(f"{ENVELOPE}: signed by a key {trust.name} does not list for {NAMESPACE}")
    try:
        statement = json.loads(payload)
    except ValueError as error:
        return [*problems, f"{ENVELOPE}: the payload is not JSON ({_short(error)})"], {}
    from jsonschema.validators import validator_for  # noqa: PLC0415

    schema = json.loads(schema_text(STATEMENT_SCHEMA))
    for error in validator_for(schema)(schema).iter_errors(statement):
        where = "/".join(str(p) for p in error.absolute_path) or "/"
        problems.append(f"{STATEMENT}: {where}: {_short(error.message)}")
    if problems and not isinstance(statement, dict):
        return problems, {}
    listed = _listed(statement.get("subject"))
    present = {
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()
    } - {STATEMENT, ENVELOPE}
    for name in sorted(listed):
        path = folder / name
        if name not in present and not _plain_name(name):
            problems.append(f"{name}: not a plain relative name inside the bundle")
        elif name not in present or not path.is_file() or path.is_symlink():
            problems.append(f"{name}: listed in the statement but missing from the bundle")
        elif sha256(path.read_bytes()) != listed[name]:
            problems.append(f"{name}: its sha256 differs from the statement's (changed)")
    for name in sorted(present - set(listed)):
        problems.append(f"{name}: not in the statement (added after the bundle was made)")
    approvals = (n for n in listed if n.startswith("approvals/") and n.endswith(".yaml"))
    for name in sorted(n for n in approvals if n in present):
        problems += _approval_problems(folder, name, approvers)
    return problems, statement.get("predicate", {}) if isinstance(statement, dict) else {}


def _listed(subject: Any) -> dict[str, str]:
    """Name -> sha256 of the statement's well-formed subjects. A forged statement may hold
    anything there: the schema's findings above name what is wrong, nothing here raises."""
    entries = subject if isinstance(subject, list) else []
    listed = {}
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        digest = entry.get("digest") if isinstance(entry, dict) else None
        value = digest.get("sha256") if isinstance(digest, dict) else None
        if isinstance(name, str) and isinstance(value, str):
            listed[name] = value
    return listed


def _approval_problems(folder: Path, name: str, approvers: Any) -> list[str]:
    from charter.signatures import signer_key  # noqa: PLC0415

    try:
        body = (folder / name).read_bytes()
        sig = (folder / (name + approval_format.SIGNATURE_SUFFIX)).read_bytes()
    except OSError:
        return [f"{name}: the approval or its signature is missing"]
    key, why = signer_key(body, sig, approval_format.NAMESPACE)
    if key is None:
        return [f"{name}: the signature is not valid: {why}"]
    if not approvers.by_key(key, approval_format.NAMESPACE):
        return [f"{name}: signed by a key the approvers file does not list"]
    return []


def _plain_name(name: str) -> bool:
    """A statement's file name is relative, with `/`, and never leaves the bundle."""
    parts = name.split("/")
    return (
        not name.startswith("/")
        and "\\" not in name
        and all(p not in ("", ".", "..") for p in parts)
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise BundleError(f"cannot read {path}: {error.strerror or error}") from None


def _optional(contents: Contents, path: Path, name: str, note: str) -> None:
    if path.is_file():
        contents.add(name, _read(path), note)
    else:
        contents.missing.append(name)


def _inside(path: Path, root: Path) -> bool:
    """A file of the project (a link only into it: DVC may link outputs to its cache)."""
    return path.is_file() and path.resolve().is_relative_to(root)


def _run_files(contents: Contents, manifest: Any, root: Path) -> None:
    """The run's folder (manifest, reports, lineage events) and the JSON records among its
    outputs (validation records, metrics), these only with the sha256 the run recorded."""
    from charter.formats.manifest import uri_problem  # noqa: PLC0415

    run_folder = manifest.path.parent
    for path in sorted(p for p in run_folder.rglob("*") if p.is_file()):
        name = f"run/{path.relative_to(run_folder).as_posix()}"
        what = "the run manifest" if path == manifest.path else "a report of the run"
        contents.add(name, _read(path), what)
    for output in manifest.outputs:
        uri = output.uri
        if not uri.lower().endswith(".json") or uri_problem(uri) is not None:
            continue
        path = root / uri
        if not path.is_file():
            contents.missing.append(f"{uri}: not on this machine (`dvc pull` brings it)")
        elif not _inside(path, root.resolve()):
            contents.missing.append(f"{uri}: a link out of the project, not followed")
        elif path.stat().st_size > RECORD_LIMIT:
            contents.missing.append(f"{uri}: {path.stat().st_size:,} bytes, too large to bundle")
        elif sha256(data := _read(path)) != output.sha256:
            contents.missing.append(f"{uri}: changed since the run recorded it")
        else:
            contents.add(f"outputs/{uri}", data, f"output {output.name} of the run, as recorded")


def _model_reports(contents: Contents, root: Path, model: str) -> None:
    """The model's DPIA and recorded drift reports, when the project has them."""
    inside = root.resolve()
    dpia = f"{DPIA_FOLDER}/{model}.md"
    if _inside(root / dpia, inside):
        contents.add(f"dpia/{model}.md", _read(root / dpia), "the DPIA")
    else:
        contents.missing.append(f"the DPIA ({dpia})")
    folder = root / MONITORING_FOLDER / model
    reports = sorted(p for p in folder.rglob("*") if _inside(p, inside)) if folder.is_dir() else []
    for path in reports:
        name = path.relative_to(root).as_posix()  # monitoring/<model>/...
        contents.add(name, _read(path), "a monitoring (drift) report")
    if not reports:
        contents.missing.append(f"drift reports ({MONITORING_FOLDER}/{model}/)")


def _relative(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def _at_commit(project: Project, commit: str, gitrepo: Any) -> Any:
    """A reader of project files at `commit` (None for a file or commit git does not have)."""
    top = project.git_toplevel()
    prefix = "" if top is None else project.root.resolve().relative_to(top.resolve()).as_posix()

    def read(relative: str) -> bytes | None:
        if top is None:
            return None
        name = f"{commit}:{relative if prefix in ('', '.') else f'{prefix}/{relative}'}"
        return gitrepo.read_objects(project.root, [name]).get(name)

    return read


def _entries(catalog: bytes, features: list[str]) -> bytes:
    """The catalog entries a run used (`name@version`), as a small catalog of their own."""
    import yaml  # noqa: PLC0415

    data = yaml.safe_load(catalog) or {}
    wanted = {tuple(f.split("@", 1)) for f in features}
    listed = data.get("features") if isinstance(data, dict) else None
    entries = [
        f
        for f in (listed if isinstance(listed, list) else [])
        if isinstance(f, dict) and (str(f.get("name")), str(f.get("version"))) in wanted
    ]
    kept = {k: v for k, v in data.items() if k != "features"} if isinstance(data, dict) else {}
    return yaml.safe_dump({**kept, "features": entries}, sort_keys=False).encode("utf-8")


def _index(contents: Contents, predicate: dict[str, Any]) -> str:
    """The page a person reads first: what run, who approved what, what is in the folder."""
    e = html.escape
    approvals = (
        "".join(
            f"<tr><td>{e(str(a['stage']))}</td><td>{e(str(a['role']))}</td>"
            f"<td>{e(str(a['approver']))}</td><td>{e(str(a['approvedAt']))}</td>"
            f"<td>{e(str(a['conditions'] or ''))}</td></tr>"
            for a in predicate["approvals"]
        )
        or '<tr><td colspan="5">none</td></tr>'
    )
    files = "".join(
        f'<tr><td><a href="{e(name)}">{e(name)}</a></td><td>{e(contents.notes[name])}</td>'
        f"<td><code>{sha256(data)[:16]}</code></td><td>{len(data):,}</td></tr>"
        for name, data in sorted(contents.files.items())
    )
    missing = "".join(f"<li>{e(m)}</li>" for m in contents.missing) or "<li>nothing</li>"
    found = predicate["findings"]
    verdict = (
        "passed"
        if not found["errors"]
        else f"{found['errors']} error(s), {found['warnings']} warning(s): see check.json"
    )
    if found["warnings"] and not found["errors"]:
        verdict = f"passed with {found['warnings']} warning(s): see check.json"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Audit bundle: run {e(predicate["run"])}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:left}}</style>
</head><body>
<h1>Audit bundle: run {e(predicate["run"])}</h1>
<p>Model(s): {e(", ".join(predicate["models"]) or "none")} &middot; commit
<code>{e(predicate["commit"])}</code> &middot; stage {e(predicate["stage"])} &middot;
<code>charter check</code>: {e(verdict)} &middot; uv.lock sha256
<code>{e(str(predicate["uvLockSha256"]))}</code> &middot; made {e(predicate["createdAt"])}</p>
<h2>Approvals</h2>
<table><tr><th>stage</th><th>role</th><th>approver</th><th>when</th><th>conditions</th></tr>
{approvals}</table>
<h2>How to check this folder</h2>
<p><code>charter bundle verify THIS_FOLDER</code> (no network): every file's sha256 against
<code>{STATEMENT}</code> (an in-toto Statement v1), the SSH signature of
<code>{ENVELOPE}</code> (a DSSE envelope, namespace <code>{NAMESPACE}</code>) and of every
approval, against <code>approvers</code>. Pass <code>--approvers FILE</code> to trust your own
copy of the approvers file instead of the one inside the bundle.</p>
<h2>Files</h2>
<table><tr><th>file</th><th>what</th><th>sha256</th><th>bytes</th></tr>
{files}</table>
<h2>Not in this bundle</h2>
<ul>{missing}</ul>
</body></html>
"""


def _counts(findings: list[dict[str, Any]]) -> dict[str, int]:
    errors = sum(1 for f in findings if f.get("severity") == "error")
    return {"errors": errors, "warnings": len(findings) - errors}


def _short(error: BaseException) -> str:
    text = str(error)
    return text if len(text) < 160 else text[:157] + "..."
