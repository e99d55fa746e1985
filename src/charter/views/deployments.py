"""`docs/deployments.md`: what is deployed where, one row per deployment manifest.

A reviewer sees on one page which run's model file serves each environment
(by hash), from which image, how it is served and watched, and whose sign-off
it needs; the manifest itself holds the detail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from charter.formats.deployment import Deployment
from charter.views.markdown import cell, code, notice, page, table

HEADERS = (
    "Model",
    "Environment",
    "Run",
    "Model file",
    "Image",
    "Serving",
    "Monitoring",
    "Approvals",
    "Manifest",
)


def render(
    deployments: Iterable[tuple[str, Deployment]], source: str, links: Mapping[str, str]
) -> str:
    """The whole page from (relative path, deployment) pairs, sorted by model and environment."""
    lines = [notice(source), "", "# Deployments", ""]
    ordered = sorted(deployments, key=lambda item: item[0])
    if not ordered:
        lines.append("No deployments yet: add one with `charter new deployment MODEL --env ENV`.")
        return page(lines)
    lines.extend(table(HEADERS, [row(p, d, links.get(p, p)) for p, d in ordered]))
    return page(lines)


def row(relpath: str, deployment: Deployment, target: str) -> list[str]:
    artifact = deployment.artifact
    plan = deployment.monitoring
    thresholds = ", ".join(f"{name} {value:g}" for name, value in sorted(plan.thresholds.items()))
    return [
        code(deployment.folder_model, in_table=True),
        code(deployment.file_environment, in_table=True),
        code(deployment.run, in_table=True),
        code(f"{artifact.uri} sha256:{(artifact.sha256 or '?')[:12]}", in_table=True),
        _image(deployment),
        _serving(deployment),
        cell(f"{plan.cadence or '?'}; {thresholds or 'no thresholds'}; owner {plan.owner or '?'}"),
        cell(", ".join(deployment.approvals.roles) or "none listed"),
        f"[{cell(relpath)}](<{target}>)",
    ]


def _image(deployment: Deployment) -> str:
    name = deployment.image_name or "no image"
    digest = deployment.image_digest
    built = f"@{digest[:19]}" if digest else " (not built yet)"
    return code(name, in_table=True) + cell(built)


def _serving(deployment: Deployment) -> str:
    if deployment.endpoint:
        return "endpoint " + code(deployment.endpoint, in_table=True)
    if deployment.schedule:
        return "batch " + code(deployment.schedule, in_table=True)
    return "not set"
