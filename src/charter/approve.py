"""`charter approve`: write one signed sign-off of a model's current run.

The subject is taken from the repository as it is now: the run the card names
(its manifest and commit), the card, the contracts the run read (at the
versions it used) and the model's deployment manifests, each by sha256. The
file is signed with the approver's SSH key, which must be listed in
governance/approvers with the role claimed: the same checks `charter check`
makes later (APR002-APR004), asked first so nobody signs a void approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter.constants import API_VERSION
from charter.formats import approval as approval_format

if TYPE_CHECKING:
    from charter.project import Project


class ApprovalError(Exception):
    """Why an approval cannot be written, in one sentence."""


@dataclass(frozen=True)
class Written:
    path: Path
    signature: Path
    approver: str
    run: str


def subject(project: Project, model: str) -> dict[str, Any]:
    """What an approval of `model` names now: its run, the run's commit, the files by sha256."""
    card = next((c for c in project.cards if c.name == model), None)
    if card is None:
        raise ApprovalError(f"no model card for {model!r} under {project.config.models}")
    if not card.run_manifest:
        raise ApprovalError(
            f"the card of {model} names no run yet; run `charter card sync {model} --run RUN`"
        )
    target = (project.root / card.run_manifest).resolve()
    manifest = next((m for m in project.manifests if m.path.resolve() == target), None)
    if manifest is None:
        raise ApprovalError(f"the run manifest {card.run_manifest} the card names does not load")
    files = [_file(project, "manifest", manifest.path), _file(project, "card", card.path)]
    versions = {i.contract.id: i.contract.version for i in manifest.inputs if i.contract}
    for contract_id in sorted(set(versions) | {c for c, _ in card.contracts}):
        contract = project.contract_by_id(contract_id)
        if contract is None:
            raise ApprovalError(f"the card or run names contract {contract_id!r}, which is missing")
        version = versions.get(contract_id) or contract.version
        files.append(_file(project, "contract", contract.path, version=version))
    for deployment in project.deployments:
        if (deployment.model or deployment.folder_model) == model:
            files.append(_file(project, "deployment", deployment.path))
    return {"run": manifest.run_id, "commit": manifest.commit, "files": files}


def _file(project: Project, role: str, path: Path, version: Any = None) -> dict[str, Any]:
    relative = path.resolve().relative_to(project.root).as_posix()
    digest = project.file_sha256(relative)
    if digest is None:
        raise ApprovalError(f"cannot read {relative}")
    entry = {"role": role, "path": relative, "sha256": digest}
    if isinstance(version, str):
        entry["version"] = version
    return entry


def approve(
    project: Project,
    model: str,
    stage: str,
    role: str,
    *,
    key: Path,
    conditions: str | None = None,
    now: datetime | None = None,
) -> Written:
    """Write `<approvals>/<model>/<stage>-<role>-<n>.yaml` and its `.sig`, signed with `key`."""
    import yaml  # noqa: PLC0415

    from charter.signatures import public_key, sign  # noqa: PLC0415
    from charter.writes import write_bytes  # noqa: PLC0415

    if project.approvers is None:
        raise ApprovalError(
            f"there is no {approval_format.FOLDER.rsplit('/', 1)[0]}/approvers file: add your "
            "key to it in a reviewed pull request first"
        )
    pub = public_key(key)
    entries = project.approvers.by_key(pub, approval_format.NAMESPACE)
    if not entries:
        raise ApprovalError(
            f"the key {key} is not listed in governance/approvers for "
            f"{approval_format.NAMESPACE}: add it in a reviewed pull request first"
        )
    holder = next((e for e in entries if role in e.roles), None)
    if holder is None:
        raise ApprovalError(
            f"{entries[0].identity} does not hold the role {role!r} in governance/approvers "
            f"(roles held: {', '.join(entries[0].roles) or 'none'})"
        )
    what = subject(project, model)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    data = {
        "apiVersion": API_VERSION,
        "kind": approval_format.KIND,
        "model": model,
        "stage": stage,
        "role": role,
        "approver": holder.identity,
        "approvedAt": moment.isoformat().replace("+00:00", "Z"),
        "conditions": conditions,
        "subject": what,
    }
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")
    signature = sign(body, key, approval_format.NAMESPACE)
    folder = project.root / approval_format.FOLDER / model
    number = 1
    while (folder / f"{stage}-{role}-{number}.yaml").exists():
        number += 1
    path = folder / f"{stage}-{role}-{number}.yaml"
    write_bytes(path, body, project.root, exclusive=True)
    write_bytes(approval_format.signature_path(path), signature, project.root)
    return Written(path, approval_format.signature_path(path), holder.identity, what["run"])
