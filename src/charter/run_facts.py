"""What the repository can verify about the runs its manifests record, asked once per load.

A manifest claims a commit, a pipeline entry point, input files with their
size, rows and fingerprint. The RUN rules compare those claims with what git
and the working tree say; they ask here, and this module does the reading
(one git process per question, each data file hashed once), memoised on the
`Project`, so that rules stay free of I/O.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter import cache, gitrepo
from charter.constants import DVC_YAML, LOCK_FILE, MANIFEST_NAME

if TYPE_CHECKING:
    from charter.project import Project

ARTIFACTS = "artifacts"
"""Where a pipeline keeps a run's outputs, one folder per run id (git-ignored)."""
GENERATED_RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")
"""The shape of a run id `Run` makes (`charter.runs.ids`): only these are taken for runs."""
DVC_ENTRY = "dvc.repro"
"""The entry point a manifest records when DVC ran the stages and no pipeline module exists."""


def declared_entry_points(root: Path) -> set[str]:
    """The pipeline entry points the project at `root` declares.

    `<package>.pipeline` for each `src/<package>/pipeline.py` (the generated
    projects' `python -m <package>.pipeline`), and `dvc.repro` when dvc.yaml
    declares the stages. Nothing else may be run to rerun a run.
    """
    declared = {
        f"{path.parent.name}.pipeline"
        for path in (root / "src").glob("*/pipeline.py")
        if path.parent.name.isidentifier() and path.is_file()
    }
    if (root / DVC_YAML).is_file():
        declared.add(DVC_ENTRY)
    return declared


def entry_points(project: Project) -> set[str]:
    return project._once(("runs", "entry"), lambda: declared_entry_points(project.root))


def orphan_folders(project: Project) -> list[Path]:
    """Run folders without a manifest: `runs/<id>/` and `artifacts/<generated id>/`.

    A run that failed while it was being recorded leaves them; nothing says
    what produced their files. With `staged` (the hooks) there are none: such
    folders are never tracked, so they are never part of a commit.
    """

    def find() -> list[Path]:
        runs = project.path("runs")
        if project.tracked is not None or runs.resolve() == project.root:
            return []  # `--staged` checks what is committed; leftovers are never tracked
        recorded = {p.parent.name for p in project.manifest_files()}
        found = [
            folder
            for folder in _folders(runs)
            if not os.path.lexists(folder / MANIFEST_NAME) and not folder.name.startswith(".")
        ]
        found += [
            folder
            for folder in _folders(project.root / ARTIFACTS)
            if GENERATED_RUN_ID.fullmatch(folder.name) and folder.name not in recorded
        ]
        return found

    return project._once(("runs", "orphans"), find)


def current_manifests(project: Project) -> set[Path]:
    """Manifests the feature rules judge: new runs and the runs model cards cite.

    History is immutable: a run whose manifest is in HEAD's tree was judged
    when it was committed, and a later catalog change (a feature deprecated,
    retired or removed) does not make it wrong. A run is *new* while its
    manifest is not in HEAD (untracked, or only staged: what the pre-commit
    hook checks); outside git every manifest is new. A run a model card's
    `governance.run_manifest` names is *current* whatever its age: the card
    presents that model now.
    """
    return project._once(("runs", "current"), lambda: _current(project))


def new_manifests(project: Project) -> set[Path]:
    """Manifests not in HEAD's tree (untracked or only staged); outside git, every one."""
    return project._once(("runs", "new"), lambda: _new(project))


def _new(project: Project) -> set[Path]:
    paths = [m.path for m in project.manifests]
    committed = project.at_head(paths)
    if committed is None:
        return set(paths)
    return {path for path in paths if committed.get(path) is None}


def _current(project: Project) -> set[Path]:
    paths = [m.path for m in project.manifests]
    current = set(new_manifests(project))
    cited = {
        (project.root / card.run_manifest).resolve()
        for card in project.cards
        if card.run_manifest is not None
    }
    current.update(path for path in paths if path.resolve() in cited)
    return current


def _folders(parent: Path) -> list[Path]:
    try:
        return sorted(p for p in parent.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return []


@dataclass(frozen=True)
class Lineage:
    """Where a manifest's commit stands in history."""

    commit_time: int | None
    """Committer time of the recorded commit (Unix seconds); None if git does not know it."""
    later: str | None
    """The commit the recorded one must be an ancestor of: the manifest's first commit, or HEAD."""
    ancestor: bool
    """Whether the recorded commit is `later` or one of its ancestors."""


def lineage(project: Project) -> dict[Path, Lineage]:
    """For each manifest whose commit exists: its commit time and ancestry (empty outside git)."""
    return project._once(("runs", "lineage"), lambda: _lineage(project))


def _lineage(project: Project) -> dict[Path, Lineage]:
    top = project.git_toplevel()
    if top is None:
        return {}
    exists, _ = project.run_commits(LOCK_FILE)
    manifests = [m for m in project.manifests if exists.get(m.commit)]
    if not manifests:
        return {}
    try:
        head = gitrepo.head_commit(project.root)
    except gitrepo.GitError:
        return {}
    runs = project.path("runs")
    folder = os.path.relpath(runs, project.root)
    added = gitrepo.adding_commits(project.root, folder)
    times = gitrepo.commit_times(project.root, sorted({m.commit for m in manifests}))
    result = {}
    for manifest in manifests:
        name = manifest.path.resolve().relative_to(top.resolve()).as_posix()
        later = added.get(name, head)
        ancestor = gitrepo.is_ancestor(project.root, manifest.commit, later)
        result[manifest.path] = Lineage(times.get(manifest.commit), later, ancestor)
    return result


@dataclass(frozen=True)
class DataFile:
    """What the working tree holds at a manifest's input uri."""

    path: Path
    inside: bool
    """False when the uri resolves (through a symlink) outside the project."""
    size: int | None = None
    fingerprint: str | None = None
    md5: str | None = None
    rows: int | None = None
    """Rows of a Parquet file from its footer; None for other formats or unreadable files."""


def data_file(project: Project, uri: str) -> DataFile | None:
    """The file a relative `uri` names, hashed once; None for URIs with a scheme or no file."""
    return project._once(("runs", "data", uri), lambda: file_facts(project.root, uri))


def file_facts(root: Path, uri: str) -> DataFile | None:
    """Size, fingerprint, md5 and Parquet rows of the file at `uri`, remembered by its identity.

    Recording a run and checking it later (RUN011) ask the same question of the
    same bytes: the answer is kept in Charter's cache, so neither rereads a file
    that did not change.
    """
    if "://" in uri or Path(uri).is_absolute():
        return None
    path = root / uri
    if not os.path.lexists(path):
        return None
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        return DataFile(path, inside=False)
    if not resolved.is_file():
        return None
    try:
        stat = resolved.stat()
        key = cache.digest("data file", str(resolved), *map(str, _identity(stat)))
        size, digest, md5, rows = cache.remember(key, lambda: _hash(resolved))
    except OSError:
        return None
    return DataFile(path, inside=True, size=size, fingerprint=digest, md5=md5, rows=rows)


def _identity(stat: os.stat_result) -> tuple[int, ...]:
    """What changes when a file's bytes change (as git and make assume): no rehash otherwise."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _hash(path: Path) -> list[Any]:
    """[bytes, blake3 fingerprint, md5, Parquet rows]: data files are large, hashed once."""
    from charter.fingerprint import fingerprint  # noqa: PLC0415 - only with data present

    return [path.stat().st_size, fingerprint(path), _md5(path), _parquet_rows(path)]


def _md5(path: Path) -> str:
    import hashlib  # noqa: PLC0415

    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _parquet_rows(path: Path) -> Any:
    """Row count from the Parquet footer (pyarrow or polars, when installed); None otherwise."""
    if path.suffix != ".parquet":
        return None
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415

        return pq.ParquetFile(path).metadata.num_rows
    except ImportError:
        pass
    except Exception:  # not Parquet after all: the bytes and fingerprint still speak
        return None
    try:
        import polars as pl  # noqa: PLC0415

        return pl.scan_parquet(path).select(pl.len()).collect().item()
    except Exception:  # polars missing, or not Parquet
        return None
