"""Render every view of a project, compare them with the committed files, write them.

The views are pure functions of the artifacts: the same project always gives
the same bytes, so `charter docs --check` can tell a stale view from a current one.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from charter import writes
from charter.project import Project
from charter.views import data_dictionary, deployments, feature_catalog, lineage, model_cards
from charter.views.markdown import code

DATA_DICTIONARY = "data-dictionary.md"
FEATURE_CATALOG = "feature-catalog.md"
MODEL_CARDS = "model-cards.md"
LINEAGE = "lineage.md"
DEPLOYMENTS = "deployments.md"


def render_views(project: Project) -> dict[str, str]:
    """File name (inside the docs folder) -> text, for every view."""
    config = project.config
    docs_dir = _posix(project.root, project.path("docs"))
    contracts = [(_posix(project.root, c.path), c) for c in project.contracts]
    cards = [(_posix(project.root, c.path), c) for c in project.cards]
    card_links = {relpath: posixpath.relpath(relpath, docs_dir or ".") for relpath, _ in cards}
    deployed = [(_posix(project.root, d.path), d) for d in project.deployments]
    deployment_links = {p: posixpath.relpath(p, docs_dir or ".") for p, _ in deployed}
    return {
        DATA_DICTIONARY: data_dictionary.render(
            contracts, f"the data contracts in {code(config.contracts)}"
        ),
        FEATURE_CATALOG: feature_catalog.render(project.catalog, config.features),
        MODEL_CARDS: model_cards.render(
            cards, f"the model cards in {code(config.models)}", card_links
        ),
        LINEAGE: lineage.render(
            lineage.build(project.catalog, project.cards),
            f"{code(config.features)} and the model cards in {code(config.models)}",
        ),
        DEPLOYMENTS: deployments.render(
            deployed, f"the deployment manifests in {code(config.deployments)}", deployment_links
        ),
    }


def stale_views(project: Project, views: dict[str, str]) -> list[Path]:
    """Views whose file is missing or differs from `views` (compared byte for byte).

    With `Project.load(staged=True)` an untracked view counts as missing.
    """
    stale = []
    for name, text in sorted(views.items()):
        path = project.path("docs") / name
        try:
            current = path.read_bytes() if project.sees(path) else None
        except OSError:
            current = None
        if current != text.encode("utf-8"):
            stale.append(path)
    return stale


def write_views(project: Project, views: dict[str, str]) -> list[Path]:
    """Write the stale views (and only those, so unchanged files keep their timestamps).

    Through the one writer: atomic, and never through a symlink in the project
    (a committed `docs/x.md -> ../.venv/.../x.pth` is refused, not followed).
    """
    written = stale_views(project, views)
    for path in written:
        writes.write_bytes(path, views[path.name].encode("utf-8"), project.root)
    return written


def _posix(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
