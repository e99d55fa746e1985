"""RUN: run manifests record enough to rerun the run, and what they record still exists."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from charter import gitrepo
from charter.findings import WARNING, Finding
from charter.formats.manifest import params_hash
from charter.formats.source import Kind
from charter.rules.registry import at_line, problems_of, rule

if TYPE_CHECKING:
    from charter.formats.manifest import Manifest
    from charter.project import Project

LOCK_FILE = "uv.lock"


def _at(manifest: Manifest, pointer: str, message: str) -> Finding:
    line, col = manifest.position(pointer)
    return at_line(manifest.path, line, col, message)


@cache
def _repository(root: Path) -> Path | None:
    return gitrepo.toplevel(root)


def _commits_and_locks(project: Project) -> tuple[dict[str, bool], dict[str, bytes | None]]:
    """Which recorded commits exist, and uv.lock at each (one git process for all runs)."""
    top = _repository(project.root)
    if top is None:
        return {}, {}
    lock = (project.root.resolve() / LOCK_FILE).relative_to(top.resolve()).as_posix()
    commits = sorted({manifest.commit for manifest in project.manifests})
    names = [name for c in commits for name in (f"{c}^{{commit}}", f"{c}:{lock}")]
    found = gitrepo.read_objects(project.root, names)
    exists = {c: found[f"{c}^{{commit}}"] is not None for c in commits}
    return exists, {c: found[f"{c}:{lock}"] for c in commits}


@rule("RUN001", "Run manifest is not valid JSON or does not match its schema")
def manifest_valid(project: Project) -> Iterator[Finding]:
    return problems_of(project, Kind.INVALID_MANIFEST)


@rule("RUN002", "Run manifest's commit is not in the repository")
def commit_exists(project: Project) -> Iterator[Finding]:
    exists, _locks = _commits_and_locks(project)
    for manifest in project.manifests:
        if manifest.commit in exists and not exists[manifest.commit]:
            yield _at(
                manifest,
                "/code/commit",
                f"commit {manifest.commit[:12]} is not in this repository: the run's code "
                "cannot be checked out (rebased away, or never pushed?)",
            )


@rule("RUN003", "Run manifest's lock hash differs from uv.lock at its commit")
def lock_matches_commit(project: Project) -> Iterator[Finding]:
    exists, locks = _commits_and_locks(project)
    for manifest in project.manifests:
        if not exists.get(manifest.commit):
            continue  # outside git, or RUN002 says so
        content = locks[manifest.commit]
        if content is None:
            message = f"{LOCK_FILE} is not committed at {manifest.commit[:12]}"
        elif hashlib.sha256(content).hexdigest() == manifest.lock_sha256:
            continue
        else:
            message = (
                f"environment.lock_sha256 differs from {LOCK_FILE} at commit "
                f"{manifest.commit[:12]}: the run used an environment that commit does not pin"
            )
        yield _at(manifest, "/environment/lock_sha256", message)


@rule("RUN004", "Run manifest does not record its seeds and parameters faithfully")
def seeds_and_params(project: Project) -> Iterator[Finding]:
    for manifest in project.manifests:
        if not manifest.seeds:
            yield _at(manifest, "/seeds", "no seeds recorded: the run cannot be rerun")
        if not manifest.params:
            yield _at(manifest, "/params", "no parameters recorded")
        elif params_hash(manifest.params) != manifest.params_hash:
            yield _at(
                manifest,
                "/params_hash",
                "params_hash does not match params: the parameters were edited after the run",
            )


@rule("RUN005", "Run manifest names a feature the catalog does not define")
def features_exist(project: Project) -> Iterator[Finding]:
    for manifest in project.manifests:
        for index, key in enumerate(manifest.features):
            if project.feature_by_key(key) is None:
                yield _at(
                    manifest,
                    f"/features/{index}",
                    f"feature {key!r} is not in the feature catalog",
                )


@rule("RUN006", "Run manifest names a contract the project does not have")
def contracts_exist(project: Project) -> Iterator[Finding]:
    for manifest in project.manifests:
        for index, item in enumerate(manifest.inputs):
            if item.contract is not None and project.contract_by_id(item.contract.id) is None:
                yield _at(
                    manifest,
                    f"/inputs/{index}/contract/id",
                    f"input {item.name!r} names contract {item.contract.id!r}, which no "
                    "contract in the project has as its id",
                )


@rule("RUN007", "Run was recorded from a tree with uncommitted changes", severity=WARNING)
def recorded_clean(project: Project) -> Iterator[Finding]:
    for manifest in project.manifests:
        if manifest.dirty:
            yield _at(
                manifest,
                "/code/dirty",
                "the run's code differs from its commit, so `charter reproduce` cannot rerun it "
                "faithfully; commit first, then run again",
            )


@rule("RUN008", "Run manifest's run_id differs from its folder name")
def run_id_matches_folder(project: Project) -> Iterator[Finding]:
    for manifest in project.manifests:
        folder = manifest.path.parent.name
        if manifest.run_id != folder:
            yield _at(
                manifest,
                "/run_id",
                f"run_id {manifest.run_id!r} differs from its folder {folder!r}",
            )


@rule("RUN009", "Run manifest lists a feature that is not active")
def features_active(project: Project) -> Iterator[Finding]:
    for manifest in project.manifests:
        for index, key in enumerate(manifest.features):
            feature = project.feature_by_key(key)
            if feature is not None and feature.status != "active":
                yield _at(
                    manifest,
                    f"/features/{index}",
                    f"the run trained on feature {key!r}, which has status {feature.status!r}; "
                    "a model may only be trained on active features",
                )
