"""DEP: deployment manifests name a real run by its hashes, a production-ready card, a plan.

Whether the approvals a deployment lists are present and valid is the
approval rules' concern; these rules check that the manifest itself can be
trusted: it matches the run it cites, the card answers for that run, someone
watches the model and the sign-offs it needs are written down.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from charter.constants import MANIFEST_NAME
from charter.findings import Finding
from charter.formats import schema
from charter.formats.deployment import SCHEMA_FILE, Deployment
from charter.rules.registry import at, at_line, rule

if TYPE_CHECKING:
    from charter.project import Project

CADENCES = ("hourly", "daily", "weekly", "monthly")
"""Cadence words a monitoring plan may use; anything else must be a five-field cron expression."""
_CRON_FIELD = re.compile(r"^[0-9*/,\-A-Za-z?LW#]+$")
_PLACEHOLDER = re.compile(r"TODO\(|\[More Information Needed\]")


def _posix(project: Project, path: Any) -> str:
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return str(path)


@rule("DEP001", "Deployment manifest is invalid or misplaced")
def valid_manifest(project: Project) -> Iterator[Finding]:
    """## What it checks

    Each `governance/deployments/<model>/<environment>.yaml` matches `deployment.schema.json` (unknown keys are errors), and its `model` and `environment` equal its folder and file name.

    ## Why it matters

    The other deployment rules, CI's digest step and the approval rules read these fields; a manifest whose place and contents disagree would be found under one name and describe another.

    ## Example

    Fails (`governance/deployments/risk/production.yaml`):

    ```yaml
    apiVersion: charter/v1
    kind: Deployment
    model: risk
    environment: staging
    ```

    Passes: `environment: production`, with every required block (`charter new deployment risk --env production` writes them all).

    ## How to fix

    Write the manifest with `charter new deployment MODEL --env ENV`, or correct the field the finding names.
    """
    for deployment in project.deployments:
        document = deployment.document
        for problem in schema.validate(document, SCHEMA_FILE):
            yield at_line(deployment.path, problem.line, problem.col, problem.message)
        if deployment.model is not None and deployment.model != deployment.folder_model:
            yield at(
                document,
                "/model",
                f"model {deployment.model!r} is not the folder's name "
                f"{deployment.folder_model!r}: move the file or correct the field",
            )
        environment = deployment.environment
        if environment is not None and environment != deployment.file_environment:
            yield at(
                document,
                "/environment",
                f"environment {environment!r} is not the file's name "
                f"{deployment.file_environment!r}: rename the file or correct the field",
            )


@rule("DEP002", "Deployment does not match the run it names")
def matches_run(project: Project) -> Iterator[Finding]:
    """## What it checks

    The run a deployment names (`run`) has a manifest in `runs/`, and the manifest records: the model file (`artifact.uri`) among its outputs with the same sha256; the monitoring reference data (`monitoring.reference`) among its outputs with the same sha256; the model among the models it trained; the input contract at the same version among its inputs; the same features.

    ## Why it matters

    A deployment is the claim "this exact file, trained by that run, serves here". If the hashes differ, what is deployed is not what was evaluated, carded and approved, and drift would be measured against data the model never saw.

    ## Example

    Fails: the model was retrained and `artifacts/model.skops` changed, but the deployment still names the old run's hash.

    ```yaml
    run: 20261207T101500Z-3f2a
    artifact:
      uri: artifacts/model.skops
      sha256: 9b1c...  # the run recorded 4e0d...
    ```

    Passes: `run`, `artifact.sha256` and `monitoring.reference.sha256` copied from the run manifest, which `charter new deployment MODEL --env ENV --run RUN` does.

    ## How to fix

    Point the deployment at the run whose model you mean to serve (`charter new deployment ... --run RUN` in a new file, or edit `run` and the hashes from `runs/RUN/manifest.json`). Never edit a hash by hand to silence this rule.
    """
    for deployment in project.deployments:
        if deployment.run is None:
            continue  # DEP001 reports the missing field
        manifest = next((m for m in project.manifests if m.run_id == deployment.run), None)
        if manifest is None:
            yield at(
                deployment.document,
                "/run",
                f"run {deployment.run!r} has no manifest in {project.config.runs}/: name a "
                "recorded run (`uv run nox -s pipeline` records one)",
            )
            continue
        yield from _run_mismatches(deployment, manifest)


def _run_mismatches(deployment: Deployment, manifest: Any) -> Iterator[Finding]:
    document = deployment.document
    outputs = {PurePosixPath(o.uri).as_posix(): o.sha256 for o in manifest.outputs}
    run = deployment.run
    for located, what in (
        (deployment.artifact, "model file"),
        (deployment.monitoring.reference, "reference data"),
    ):
        if located.uri is None or located.sha256 is None:
            continue
        recorded = outputs.get(PurePosixPath(located.uri).as_posix())
        if recorded is None:
            yield at(
                document,
                f"{located.pointer}/uri",
                f"the {what} {located.uri!r} is not an output of run {run!r}",
            )
        elif recorded != located.sha256:
            yield at(
                document,
                f"{located.pointer}/sha256",
                f"the {what}'s sha256 differs from what run {run!r} recorded for "
                f"{located.uri} ({recorded[:12]}...): the deployed file is not the run's",
            )
    models = manifest.models
    if deployment.model is not None and models is not None and deployment.model not in models:
        yield at(document, "/model", f"run {run!r} did not train {deployment.model!r}")
    contract = deployment.input_contract
    if contract is not None:
        versions = {
            i.contract.version for i in manifest.inputs if i.contract and i.contract.id == contract
        }
        if not versions:
            yield at(
                document, "/input/contract", f"run {run!r} read no data under contract {contract!r}"
            )
        elif deployment.input_version is not None and deployment.input_version not in versions:
            yield at(
                document,
                "/input/version",
                f"contract {contract!r} was at version {', '.join(sorted(versions))} in run "
                f"{run!r}, not {deployment.input_version}",
            )
    features = deployment.input_features
    if features and sorted(features) != sorted(manifest.features):
        yield at(
            document,
            "/input/features",
            f"the features differ from run {run!r}'s ({', '.join(manifest.features)})",
        )


@rule("DEP003", "Deployed model's card is not ready for production", stage="production")
def card_ready(project: Project) -> Iterator[Finding]:
    """## What it checks

    At `--stage production`, the card a deployment names (`card`) exists, is the card of the deployed model, takes its metrics from the deployed run (`governance.run_manifest` is that run's manifest) and has no template placeholder left (`TODO(role)`, `[More Information Needed]`).

    ## Why it matters

    The card is what reviewers and users read about the model in production: if it describes another run, or still has open questions, the people approving the deployment approved something else.

    ## Example

    Fails: the deployment names run `r2`, the card's `run_manifest` is `runs/r1/manifest.json`.

    Passes: after `charter card sync MODEL --run r2` and every placeholder answered.

    ## How to fix

    Sync the card from the deployed run (`charter card sync MODEL --run RUN`) and answer its placeholders.
    """
    cards = {_posix(project, card.path): card for card in project.cards}
    for deployment in project.deployments:
        if deployment.card is None:
            continue
        card = cards.get(PurePosixPath(deployment.card).as_posix())
        if card is None:
            yield at(deployment.document, "/card", f"no model card at {deployment.card}")
            continue
        if deployment.model is not None and card.name != deployment.model:
            yield at(
                deployment.document,
                "/card",
                f"{deployment.card} is the card of {card.name!r}, not of {deployment.model!r}",
            )
        if deployment.run is not None:
            expected = f"{project.config.runs}/{deployment.run}/{MANIFEST_NAME}"
            if card.run_manifest is None or PurePosixPath(card.run_manifest) != PurePosixPath(
                expected
            ):
                yield at(
                    deployment.document,
                    "/card",
                    f"{deployment.card} takes its metrics from "
                    f"{card.run_manifest or 'no run'}, not from the deployed run's {expected}: "
                    f"run `charter card sync {card.name} --run {deployment.run}`",
                )
        placeholders = card.placeholders()
        if placeholders:
            first = placeholders[0]
            yield at(
                deployment.document,
                "/card",
                f"{deployment.card} still has {len(placeholders)} placeholder(s), the first "
                f"{first.text!r} at line {first.line}",
            )


@rule("DEP004", "Deployment's monitoring plan is incomplete")
def monitoring_complete(project: Project) -> Iterator[Finding]:
    """## What it checks

    A deployment's `monitoring` block names reference data (the run's feature table, by path and sha256), at least one threshold, a cadence (`hourly`, `daily`, `weekly`, `monthly` or a five-field cron expression) and an owner (no placeholder).

    ## Why it matters

    A model in production degrades as the data moves away from what it was trained on. Without reference data there is nothing to compare with, without thresholds no alert, without a cadence nobody looks, and without an owner nobody answers.

    ## Example

    Fails:

    ```yaml
    monitoring:
      reference: {uri: data/processed/features.parquet, sha256: 4e0d...}
      thresholds: {}
      cadence: sometimes
      owner: "TODO(model-owner): who answers alerts"
    ```

    Passes:

    ```yaml
    monitoring:
      reference: {uri: data/processed/features.parquet, sha256: 4e0d...}
      thresholds: {psi: 0.25}
      cadence: weekly
      owner: "@model-owner"
    ```

    ## How to fix

    Fill in the field the finding names; `charter new deployment` writes a complete plan from the run and the card.
    """
    for deployment in project.deployments:
        document = deployment.document
        if not isinstance(document.data.get("monitoring"), dict):
            continue  # DEP001 reports the missing block
        plan = deployment.monitoring
        if plan.reference.uri is None or plan.reference.sha256 is None:
            yield at(
                document,
                "/monitoring/reference",
                "no reference data: name the run's feature table by uri and sha256",
            )
        if not plan.thresholds:
            yield at(
                document,
                "/monitoring/thresholds",
                "no threshold: give at least one alert level, e.g. psi: 0.25",
            )
        if not _cadence_ok(plan.cadence):
            yield at(
                document,
                "/monitoring/cadence",
                f"cadence {plan.cadence!r} is not one of {', '.join(CADENCES)} nor a "
                "five-field cron expression",
            )
        if not plan.owner or not plan.owner.strip() or _PLACEHOLDER.search(plan.owner):
            yield at(document, "/monitoring/owner", "no owner answers the monitoring alerts")


def _cadence_ok(cadence: str | None) -> bool:
    if cadence is None:
        return False
    if cadence in CADENCES:
        return True
    fields = cadence.split()
    return len(fields) == 5 and all(_CRON_FIELD.match(f) for f in fields)


@rule("DEP005", "Deployment lists no approvals")
def approvals_listed(project: Project) -> Iterator[Finding]:
    """## What it checks

    A deployment's `approvals` block names its stage (`production` for an environment called production) and at least one role whose sign-off it needs.

    ## Why it matters

    Decision rights are written down before the decision: the roles that must approve a deployment are part of what is reviewed, so nobody can ship a model by leaving the list empty. Whether those approvals are present and valid is checked by the approval rules.

    ## Example

    Fails:

    ```yaml
    approvals:
      stage: production
      roles: []
    ```

    Passes:

    ```yaml
    approvals:
      stage: production
      roles: [model_owner, product_owner]
    ```

    ## How to fix

    List the roles (as `governance/approvers` names them) that must sign off.
    """
    for deployment in project.deployments:
        document = deployment.document
        block = document.data.get("approvals")
        if not isinstance(block, dict):
            continue  # DEP001 reports the missing block
        approvals = deployment.approvals
        if not approvals.roles:
            yield at(
                document,
                "/approvals/roles",
                "no role must approve this deployment: list at least one",
            )
        if deployment.environment == "production" and approvals.stage == "review":
            yield at(
                document,
                "/approvals/stage",
                "a production deployment needs production approvals, not review ones",
            )
