"""APR: signed sign-offs (governance/approvals) and who may give them (governance/approvers).

An approval counts only while it is current (it names the run its model's card
names now), its SSH signature is valid, its key is listed in
governance/approvers with the role it claims, and every file it names still has
the hash it approved. Older approvals, of runs the card no longer names, are
history: they are not judged and do not count.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from charter.findings import Finding
from charter.formats import approval as approval_format
from charter.formats.schema import validate
from charter.rules.registry import at, at_line, rule

if TYPE_CHECKING:
    from charter.formats.approval import Approval
    from charter.formats.approvers import Approver
    from charter.project import Project


def _card_run(project: Project, model: str | None) -> str | None:
    """The run id the model's card names now (the folder of its `run_manifest`)."""
    card = next((c for c in project.cards if c.name == model), None)
    if card is None or not card.run_manifest:
        return None
    return Path(card.run_manifest).parent.name


def current(project: Project) -> list[Approval]:
    """The approvals of the run each card names now, whose file matches the schema."""
    return [
        a
        for a in project.approvals
        if not validate(a.document, approval_format.SCHEMA_FILE)
        and a.run is not None
        and a.run == _card_run(project, a.model)
    ]


def problems(project: Project) -> dict[str, list[tuple[Approval, str, str]]]:
    """Kind of defect -> (approval, pointer, message) for every current approval, once per load."""
    return project._once("approval problems", lambda: _judge(project))


def valid(project: Project) -> list[Approval]:
    """The current approvals no APR rule objects to: the ones that count."""
    bad = {id(a) for found in problems(project).values() for a, _, _ in found}
    return [a for a in current(project) if id(a) not in bad]


def _signer(project: Project, approval: Approval) -> tuple[list[Approver], str]:
    """The approvers entries of the key that signed, or (empty, why the signature fails)."""
    from charter.signatures import signer_key  # noqa: PLC0415 - cryptography loads on demand

    if approval.signature is None:
        sig = approval_format.signature_path(approval.path).name
        return [], f"no signature beside it ({sig}); sign it with `charter approve`"
    key, why = signer_key(approval.body, approval.signature, approval_format.NAMESPACE)
    if key is None:
        return [], f"the signature is not valid: {why}"
    if project.approvers is None:
        return [], ""
    return project.approvers.by_key(key, approval_format.NAMESPACE), ""


def _judge(project: Project) -> dict[str, list[tuple[Approval, str, str]]]:
    found: dict[str, list[tuple[Approval, str, str]]] = {}

    def add(kind: str, approval: Approval, pointer: str, message: str) -> None:
        found.setdefault(kind, []).append((approval, pointer, message))

    for approval in current(project):
        entries, why = _signer(project, approval)
        if why:
            add("signature", approval, "", why)
        elif project.approvers is None:
            add("signer", approval, "/approver", "there is no governance/approvers file")
        elif not entries:
            add(
                "signer",
                approval,
                "/approver",
                "signed by a key that governance/approvers does not list "
                f"for {approval_format.NAMESPACE}",
            )
        elif approval.approver not in {e.identity for e in entries}:
            names = ", ".join(sorted({e.identity for e in entries}))
            add(
                "signer",
                approval,
                "/approver",
                f"names approver {approval.approver!r} but was signed with the key of {names}",
            )
        else:
            roles = {r for e in entries if e.identity == approval.approver for r in e.roles}
            if approval.role not in roles:
                held = ", ".join(sorted(roles)) or "none"
                add(
                    "role",
                    approval,
                    "/role",
                    f"{approval.approver} does not hold the role {approval.role!r} in "
                    f"governance/approvers (roles held: {held})",
                )
        for item in approval.files:
            now = project.file_sha256(item.path) if item.path else None
            if now is None:
                add("changed", approval, item.pointer, f"{item.path} no longer exists")
            elif now != item.sha256:
                add(
                    "changed",
                    approval,
                    f"{item.pointer}/sha256",
                    f"{item.path} changed after this approval (sha256 {now[:12]}, approved "
                    f"{(item.sha256 or '')[:12]}): the approval is void; approve again",
                )
        moment, committed = approval.approved_at, project.commit_time(approval.commit or "")
        if moment is not None and committed is not None and moment.timestamp() < committed:
            when = datetime.fromtimestamp(committed, UTC).isoformat()
            add(
                "early",
                approval,
                "/approvedAt",
                f"approved at {moment.isoformat()}, before the run's commit "
                f"{(approval.commit or '')[:12]} ({when})",
            )
    return found


def _report(project: Project, kind: str) -> Iterator[Finding]:
    for approval, pointer, message in problems(project).get(kind, []):
        yield at(approval.document, pointer, message)


@rule("APR001", "Approval file does not match its schema")
def approval_schema(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every `governance/approvals/<model>/*.yaml` matches `approval.schema.json`:
    `apiVersion`, `kind: Approval`, model, stage, role, approver, `approvedAt`
    and a subject naming the run, its commit and the files approved by sha256.

    ## Why it matters

    An approval that cannot be read cannot be checked, and so cannot count. It
    is written by `charter approve`; a hand-edited one also breaks its signature.

    ## Example

    ```yaml
    kind: Approval
    stage: staging
    ```

    ```text
    governance/approvals/progression_regressor/review-model_owner-1.yaml:2:8: APR001 /stage: 'staging' is not one of ['review', 'production']
    ```

    ## How to fix

    Delete the file and sign again: `uv run charter approve MODEL --stage review --role ROLE`.
    """
    for approval in project.approvals:
        for problem in validate(approval.document, approval_format.SCHEMA_FILE):
            yield at_line(approval.path, problem.line, problem.col, problem.message)


@rule("APR002", "Approval signature missing or invalid")
def approval_signature(project: Project) -> Iterator[Finding]:
    """## What it checks

    A current approval (of the run its model's card names) has a signature
    beside it (`<file>.sig`) that is a valid SSH signature, in the
    `charter-approval` namespace, of the approval file's exact bytes. Checked
    in pure Python (`sshsig`), as `ssh-keygen -Y verify` would.

    ## Why it matters

    The signature is what makes a sign-off someone's: without it anyone could
    write "approved" in a file. An approval edited after signing, or a
    signature copied from another approval, no longer matches the bytes.

    ## Example

    ```text
    governance/approvals/progression_regressor/review-model_owner-1.yaml:1:1: APR002 the signature is not valid: it does not match the file's bytes (edited after signing, or copied from another file)
    ```

    ## How to fix

    Delete the approval and its `.sig` and sign again with `charter approve`.
    """
    yield from _report(project, "signature")


@rule("APR003", "Approval signed by a key governance/approvers does not list")
def approval_signer_listed(project: Project) -> Iterator[Finding]:
    """## What it checks

    The key that made a current approval's signature is listed in
    `governance/approvers` (git's allowed-signers format) for the
    `charter-approval` namespace, under the identity the approval names as
    `approver`.

    ## Why it matters

    Anyone can make an SSH key. Only the people the approvers file names may
    sign off, and that file is owned in CODEOWNERS, so changing who may approve
    is itself reviewed.

    ## Example

    ```text
    governance/approvals/progression_regressor/production-product_owner-1.yaml:6:11: APR003 signed by a key that governance/approvers does not list for charter-approval
    ```

    ## How to fix

    Add the person's public key to `governance/approvers` in a reviewed pull
    request (`alice@example.com,role:product_owner namespaces="charter-approval,charter-bundle" ssh-ed25519 AAAA...`),
    or have a listed approver sign.
    """
    yield from _report(project, "signer")


@rule("APR004", "Approver does not hold the role the approval claims")
def approval_role_held(project: Project) -> Iterator[Finding]:
    """## What it checks

    The approver's line in `governance/approvers` carries a `role:NAME`
    principal for the role the approval claims.

    ## Why it matters

    Decision rights: a model owner cannot stand in for the product owner.
    The roles in the approvers file say who may decide what.

    ## Example

    ```text
    governance/approvals/progression_regressor/production-product_owner-1.yaml:5:7: APR004 alice@example.com does not hold the role 'product_owner' in governance/approvers (roles held: model_owner)
    ```

    ## How to fix

    Have a holder of the role sign, or add the role to the person's line in
    `governance/approvers` in a reviewed pull request.
    """
    yield from _report(project, "role")


@rule("APR005", "A file changed after it was approved")
def approval_subject_unchanged(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every file a current approval names (run manifest, card, contracts,
    deployment manifests) still has the sha256 recorded in the approval.

    ## Why it matters

    A sign-off approves what was shown. A card, contract or deployment edited
    afterwards was not approved: the change voids the approval.

    ## Example

    ```text
    governance/approvals/progression_regressor/review-model_owner-1.yaml:17:13: APR005 governance/models/progression_regressor/card.md changed after this approval (sha256 3f1a..., approved 9c2e...): the approval is void; approve again
    ```

    ## How to fix

    Undo the change, or have the approvers sign the new state:
    `uv run charter approve MODEL --stage STAGE --role ROLE`.
    """
    yield from _report(project, "changed")


@rule("APR006", "A stage's required approvals are missing", stage="production")
def approvals_required(project: Project) -> Iterator[Finding]:
    """## What it checks

    For every model card that names a run, each role listed under `approvals:`
    in the review and production checklists has a valid, current approval of
    that stage (one that no other APR rule objects to).

    ## Why it matters

    The checklists say who must sign off before a model goes to review and to
    production; this makes the list binding at `charter check --stage production`.

    ## Example

    ```yaml
    # governance/checklists/ready-for-production.md
    approvals: [model_owner, product_owner]
    ```

    ```text
    governance/models/progression_regressor/card.md:1:1: APR006 no valid production approval by a product_owner; run `charter approve progression_regressor --stage production --role product_owner`
    ```

    ## How to fix

    Have a holder of each missing role run `uv run charter approve MODEL --stage STAGE --role ROLE`.
    """
    counted = {(a.model, a.stage, a.role) for a in valid(project)}
    required = [(c.stage, role) for c in project.checklists if c.stage for role in c.approvals]
    for card in project.cards:
        if not card.run_manifest:
            continue
        for stage, role in required:
            if (card.name, stage, role) not in counted:
                yield at_line(
                    card.path,
                    1,
                    1,
                    f"no valid {stage} approval by a {role}; run "
                    f"`charter approve {card.name} --stage {stage} --role {role}`",
                )


@rule("APR007", "Approval made before the run's commit")
def approval_after_commit(project: Project) -> Iterator[Finding]:
    """## What it checks

    A current approval's `approvedAt` is not earlier than the committer time
    of the run's commit it names.

    ## Why it matters

    A sign-off cannot approve code that did not exist yet: an approval dated
    before its commit was prepared in advance or its clock is wrong.

    ## Example

    ```text
    governance/approvals/progression_regressor/review-model_owner-1.yaml:7:13: APR007 approved at 2026-01-01T00:00:00+00:00, before the run's commit 1a2b3c4d5e6f (2026-12-07T02:10:00+00:00)
    ```

    ## How to fix

    Sign again after the run's commit: `uv run charter approve MODEL --stage STAGE --role ROLE`.
    """
    yield from _report(project, "early")


@rule("APR008", "A deployment lacks the approvals it requires", stage="production")
def deployment_approvals(project: Project) -> Iterator[Finding]:
    """## What it checks

    For every deployment manifest, each role under its `approvals: roles:` has
    a valid, current approval of the stage it names (default production) for
    the deployment's model, and that approval names the deployment manifest
    itself by hash.

    ## Why it matters

    A deployment says which approvals it needs; an approval given before the
    deployment manifest existed did not see where and how the model will run.

    ## Example

    ```text
    governance/deployments/progression_regressor/prod.yaml:40:5: APR008 no valid production approval by a product_owner names this deployment; run `charter approve progression_regressor --stage production --role product_owner`
    ```

    ## How to fix

    Have a holder of each role sign after the deployment manifest is written:
    `uv run charter approve MODEL --stage production --role ROLE`.
    """
    approvals = valid(project)
    for deployment in project.deployments:
        model = deployment.model or deployment.folder_model
        stage = deployment.approvals.stage or "production"
        relative = deployment.path.relative_to(project.root).as_posix()
        for role in deployment.approvals.roles:
            if not any(
                a.model == model
                and a.stage == stage
                and a.role == role
                and any(f.role == "deployment" and f.path == relative for f in a.files)
                for a in approvals
            ):
                yield at(
                    deployment.document,
                    deployment.approvals.pointer,
                    f"no valid {stage} approval by a {role} names this deployment; run "
                    f"`charter approve {model} --stage {stage} --role {role}`",
                )


@rule("APR009", "governance/approvers has a line that is not an allowed-signers entry")
def approvers_file(project: Project) -> Iterator[Finding]:
    """## What it checks

    Each non-comment line of `governance/approvers` is an entry of git's
    allowed-signers format (as `ssh-keygen -Y verify -f` reads it): the
    person's identity, then their `role:NAME` principals, then options such as
    `namespaces="charter-approval,charter-bundle"`, then the public key.

    ## Why it matters

    A line that does not parse gives nobody a right, silently; ssh-keygen
    would refuse the whole file.

    ## Example

    ```text
    governance/approvers:4:1: APR009 not an allowed-signers line: Invalid line ('alice@example.com')
    ```

    ## How to fix

    Write the line as `IDENTITY,role:ROLE[,role:ROLE] namespaces="charter-approval,charter-bundle" KEYTYPE BASE64`
    (the first two fields of the person's `.pub` file).
    """
    if project.approvers is not None:
        for line, message in project.approvers.errors:
            yield at_line(project.approvers.path, line, 1, message)
