"""Rerun a recorded run at its commit and compare what it used and produced.

The rerun happens in a temporary `git worktree` at the manifest's commit, in
the current environment. A run DVC ran (its manifest names its dvc.lock) gets
its inputs back from the DVC cache or remote and every stage rerun
(`reproduce_dvc`); an older run gets the manifest's parameters and seeds and
the project's current input files. Identical means: same input fingerprints, same output
hashes, same metrics. Anything else is a difference, reported line by line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from charter import gitrepo, writes
from charter.fingerprint import sha256_file
from charter.formats import manifest as manifest_format
from charter.formats.manifest import Manifest
from charter.formats.source import FormatError
from charter.run_facts import declared_entry_points
from charter.runs.record import LOCK_FILE, MANIFEST_NAME, RunError

REPRODUCE_SUFFIX = "-reproduce"


class ReproduceError(Exception):
    """The run cannot be rerun faithfully (missing commit, dirty tree, failed rerun)."""


class RerunFailedError(ReproduceError):
    """The pipeline itself failed at the recorded commit: the run does not reproduce."""


@dataclass(frozen=True)
class Difference:
    """One recorded value the rerun did not reproduce."""

    kind: str
    name: str
    recorded: str
    reproduced: str


@dataclass
class Outcome:
    recorded: Manifest
    reproduced: Manifest
    differences: list[Difference] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.differences


def compare(recorded: Manifest, reproduced: Manifest) -> list[Difference]:
    """Inputs by fingerprint, outputs by sha256, metrics by value, plus features and params."""
    differences = _by_name(
        "input",
        {i.name: i.fingerprint for i in recorded.inputs},
        {i.name: i.fingerprint for i in reproduced.inputs},
    )
    differences += _by_name(
        "output",
        {o.name: o.sha256 for o in recorded.outputs},
        {o.name: o.sha256 for o in reproduced.outputs},
    )
    differences += _by_name(
        "metric",
        {k: repr(v) for k, v in recorded.metrics.items()},
        {k: repr(v) for k, v in reproduced.metrics.items()},
    )
    if recorded.features != reproduced.features:
        differences.append(
            Difference(
                "features", "features", ", ".join(recorded.features), ", ".join(reproduced.features)
            )
        )
    if recorded.seeds != reproduced.seeds:
        differences += _by_name(
            "seed",
            {k: repr(v) for k, v in recorded.seeds.items()},
            {k: repr(v) for k, v in reproduced.seeds.items()},
        )
    if recorded.params_hash != reproduced.params_hash:
        differences.append(
            Difference("params", "params_hash", recorded.params_hash, reproduced.params_hash)
        )
    return differences


def _by_name(kind: str, recorded: dict[str, str], reproduced: dict[str, str]) -> list[Difference]:
    return [
        Difference(kind, name, recorded.get(name, "(missing)"), reproduced.get(name, "(missing)"))
        for name in sorted(recorded.keys() | reproduced.keys())
        if recorded.get(name) != reproduced.get(name)
    ]


def preflight(root: Path, recorded: Manifest, *, allow_dirty: bool) -> list[str]:
    """Refuse what cannot be rerun; return warnings about what may differ."""
    if not gitrepo.commit_exists(root, recorded.commit):
        raise ReproduceError(
            f"commit {recorded.commit[:12]} of run {recorded.run_id} is not in this repository"
            " (was it rebased away or never pushed?)"
        )
    declared = declared_entry_points(root)
    if recorded.entry_point not in declared:
        raise ReproduceError(
            f"run {recorded.run_id} names the entry point {recorded.entry_point!r}, which is not "
            f"the project's pipeline ({', '.join(sorted(declared)) or 'none declared'}); "
            "nothing was run"
        )
    warnings = []
    if recorded.dirty:
        message = (
            f"run {recorded.run_id} was recorded from a tree with uncommitted changes, "
            f"which commit {recorded.commit[:12]} does not hold"
        )
        if not allow_dirty:
            raise ReproduceError(f"{message}; pass --allow-dirty to rerun that commit anyway")
        warnings.append(message)
    lock = root / LOCK_FILE
    if not lock.is_file() or sha256_file(lock) != recorded.lock_sha256:
        warnings.append(
            f"the current {LOCK_FILE} differs from the run's: the rerun uses the current "
            "environment, so results may differ for that reason alone"
        )
    return warnings


def reproduce(
    root: Path,
    manifest_path: Path,
    *,
    runs_dir: str = "runs",
    allow_dirty: bool = False,
    timeout: float = 3600,
) -> Outcome:
    """Rerun the run recorded at `manifest_path` and compare; raise ReproduceError when unable."""
    recorded = manifest_format.load(manifest_path)
    try:
        warnings = preflight(root, recorded, allow_dirty=allow_dirty)
    except gitrepo.GitError as error:
        raise ReproduceError(str(error)) from None
    run_id = recorded.run_id + REPRODUCE_SUFFIX
    top = gitrepo.toplevel(root) or root
    with (
        tempfile.TemporaryDirectory(prefix="charter-reproduce-") as scratch,
        _worktree(root, recorded.commit, Path(scratch) / "tree") as checkout,
    ):
        tree = checkout / root.resolve().relative_to(top.resolve())  # the project in a monorepo
        if "dvc" in recorded.data:  # DVC ran the stages: restore its data, rerun them all
            reproduced = _rerun_dvc(
                root, tree, Path(scratch), manifest_path, recorded, run_id=run_id
            )
            return Outcome(recorded, reproduced, compare(recorded, reproduced), warnings)
        if recorded.entry_point not in declared_entry_points(tree):
            raise ReproduceError(
                f"commit {recorded.commit[:12]} has no {recorded.entry_point} in src/: only the "
                "pipeline committed there can be rerun; nothing was run"
            )
        _copy_inputs(root, tree, recorded)
        config = Path(scratch) / "config.json"
        params = json.dumps({**recorded.params, "seeds": recorded.seeds})
        writes.write_text(config, params, Path(scratch))
        _rerun(tree, recorded.entry_point, config, run_id, timeout)
        reproduced = _load_rerun(tree / runs_dir / run_id / MANIFEST_NAME, recorded.entry_point)
    return Outcome(recorded, reproduced, compare(recorded, reproduced), warnings)


def _load_rerun(path: Path, entry_point: str) -> Manifest:
    """The rerun's manifest; its absence or breakage is the rerun's fault, not the record's."""
    if not path.is_file():
        raise RerunFailedError(f"{entry_point} ran but recorded no run (no {path.name} written)")
    try:
        return manifest_format.load(path)
    except FormatError as error:
        raise RerunFailedError(f"the rerun wrote an unusable manifest: {error.message}") from None


@contextmanager
def _worktree(root: Path, commit: str, where: Path) -> Iterator[Path]:
    """A detached worktree of `commit` at `where`, removed afterwards."""
    added = subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", "--", str(where), commit],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if added.returncode != 0:
        raise ReproduceError(f"cannot check out {commit[:12]}: {added.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", "--", str(where)],
            cwd=root,
            capture_output=True,
            check=False,
        )
        subprocess.run(["git", "worktree", "prune"], cwd=root, capture_output=True, check=False)


def _rerun_dvc(
    root: Path, tree: Path, scratch: Path, manifest_path: Path, recorded: Manifest, *, run_id: str
) -> Manifest:
    from charter.runs import reproduce_dvc  # noqa: PLC0415 - only for runs DVC ran

    try:
        return reproduce_dvc.rerun(
            root, tree, scratch, manifest_path, recorded, run_id=run_id, timeout=3600
        )
    except reproduce_dvc.DvcRerunFailedError as error:
        raise RerunFailedError(str(error)) from None
    except (reproduce_dvc.DvcReproduceError, RunError) as error:
        raise ReproduceError(str(error)) from None


def _copy_inputs(root: Path, tree: Path, recorded: Manifest) -> None:
    """Put the project's current input data where the rerun expects it, and nothing else.

    Only untracked data files inside the project are copied: a file the
    recorded commit or the current index holds is code or configuration, and
    the rerun must use the commit's own.
    """
    tracked = gitrepo.tracked_files(root)
    project = root.resolve()
    for item in recorded.inputs:
        if "://" in item.uri or Path(item.uri).is_absolute():
            continue
        source = root / item.uri
        target = tree / item.uri
        if os.path.lexists(target) or Path(os.path.normpath(source.absolute())) in tracked:
            raise ReproduceError(
                f"input {item.name} ({item.uri}) is a file git tracks, not data: the rerun uses "
                f"the code and configuration of commit {recorded.commit[:12]} only; nothing was run"
            )
        if not source.is_file():
            continue
        if not source.resolve().is_relative_to(project):
            raise ReproduceError(
                f"input {item.name} ({item.uri}) resolves outside the project; nothing was run"
            )
        if target.resolve().is_relative_to(tree.resolve()):
            writes.copy_file(source.resolve(), target, tree)


def _rerun(tree: Path, entry_point: str, config: Path, run_id: str, timeout: float) -> None:
    """Run the pipeline module from the worktree's own source, in this interpreter."""
    env = dict(os.environ)
    sources = [str(tree / "src"), str(tree)]
    env["PYTHONPATH"] = os.pathsep.join([*sources, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    command = [sys.executable, "-m", entry_point, "--config", str(config), "--run-id", run_id]
    try:
        result = subprocess.run(
            command, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise ReproduceError(f"the rerun took longer than {timeout:.0f} s") from None
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-20:])
        raise RerunFailedError(f"the rerun failed (exit {result.returncode}):\n{tail}")
