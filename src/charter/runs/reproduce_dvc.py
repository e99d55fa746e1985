"""Rerun a run that DVC ran: restore its inputs from the DVC cache or remote, `repro --force`.

In the temporary worktree at the run's commit, the run's own dvc.lock (found by
the sha256 the manifest records) names the data; `dvc pull` restores it from
the project's cache or its remote, never from the working copy. An input git
tracks (a small sample committed beside the code) comes from the commit itself.
Either way its fingerprint must be the one the run recorded. `--force`
because DVC's run cache would otherwise restore the outputs instead of
rerunning the stages.
"""

from __future__ import annotations

import configparser
import io
import os
import subprocess
import sys
from pathlib import Path

from charter import gitrepo, writes
from charter.constants import DVC_LOCK
from charter.fingerprint import fingerprint
from charter.formats import manifest as manifest_format
from charter.formats.manifest import Manifest
from charter.runs.from_dvc import load_stages, record_from_lock


class DvcReproduceError(Exception):
    """The run's data or dvc.lock cannot be had; the message says which and from where."""


class DvcRerunFailedError(DvcReproduceError):
    """`dvc repro --force` failed at the recorded commit."""


def _environment(tree: Path, scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    sources = [str(tree / "src"), str(tree)]
    env["PYTHONPATH"] = os.pathsep.join([*sources, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["DVC_NO_ANALYTICS"] = "1"
    env["DVC_SITE_CACHE_DIR"] = str(scratch / "dvc-site")
    return env


def _dvc(tree: Path, env: dict[str, str], *args: str, timeout: float):
    try:
        return subprocess.run(
            [sys.executable, "-m", "dvc", *args],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DvcReproduceError(f"dvc {args[0]} took longer than {timeout:.0f} s") from None


def find_lock(root: Path, tree: Path, manifest_path: Path, recorded: Manifest) -> str:
    """The text of the dvc.lock whose sha256 the manifest records.

    Looked for at the run's commit, in the commits that added or changed the
    manifest (a run's dvc.lock is committed with it), then in the working copy.
    """
    wanted = recorded.data["dvc"]["lock_sha256"]
    top = (gitrepo.toplevel(root) or root).resolve()
    project = root.resolve().relative_to(top)
    lock_in_git = (project / DVC_LOCK).as_posix()
    candidates: list[bytes | None] = [_read(tree / DVC_LOCK)]
    try:
        relative = manifest_path.resolve().relative_to(top).as_posix()
    except ValueError:
        relative = None
    if relative:
        log = subprocess.run(
            ["git", "log", "--format=%H", "--", relative],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        candidates += [gitrepo.file_at(root, c, lock_in_git) for c in log.stdout.split()]
    candidates.append(_read(root / DVC_LOCK))
    for text in candidates:
        if text is not None and _sha256(text) == wanted:
            return text.decode("utf-8")
    raise DvcReproduceError(
        f"no dvc.lock with sha256 {wanted[:12]} (the one run {recorded.run_id} came from) is "
        f"at commit {recorded.commit[:12]}, in a commit of its manifest or in the working copy: "
        "commit dvc.lock together with the run's manifest"
    )


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _sha256(data: bytes) -> str:
    import hashlib  # noqa: PLC0415

    return hashlib.sha256(data).hexdigest()


def _share_cache(root: Path, tree: Path) -> None:
    """The worktree uses the project's cache (and its local remote settings): no data copied."""
    local = configparser.ConfigParser()
    local.optionxform = str  # type: ignore[assignment]
    local.read(root / ".dvc" / "config.local")
    cache = root / ".dvc" / "cache"
    if cache.is_dir() and not local.has_option("cache", "dir"):
        if not local.has_section("cache"):
            local.add_section("cache")
        local.set("cache", "dir", str(cache.resolve()))
    text = io.StringIO()
    local.write(text)
    writes.write_text(tree / ".dvc" / "config.local", text.getvalue(), tree)


def _remote(tree: Path) -> str:
    """The URL of the default remote, as the worktree's DVC config names it (for messages)."""
    config = configparser.ConfigParser()
    config.read([tree / ".dvc" / "config", tree / ".dvc" / "config.local"])
    name = config.get("core", "remote", fallback="")
    for section in (f"'remote \"{name}\"'", f'remote "{name}"'):
        if config.has_option(section, "url"):
            return config.get(section, "url")
    return f"{name!r}" if name else "(none configured)"


def _pull(
    tree: Path, env: dict[str, str], targets: list[str], recorded: Manifest, *, timeout: float
) -> None:
    """`dvc pull` the run's DVC-tracked inputs into the worktree, or say what is missing."""
    pulled = _dvc(tree, env, "pull", "--", *targets, timeout=timeout)
    missing = [uri for uri in targets if not (tree / uri).is_file()]
    if pulled.returncode != 0 or missing:
        errors = [line for line in pulled.stderr.splitlines() if "ERROR" in line]
        tail = " ".join(" ".join(errors).split())[-400:].rstrip(":")
        raise DvcReproduceError(
            f"cannot restore {', '.join(missing or targets)} of run {recorded.run_id} from the "
            f"DVC cache or the remote {_remote(tree)}: {tail or 'dvc pull failed'}"
        )


def rerun(
    root: Path,
    tree: Path,
    scratch: Path,
    manifest_path: Path,
    recorded: Manifest,
    *,
    run_id: str,
    timeout: float,
) -> Manifest:
    """Restore the inputs, rerun every stage, record the rerun in the worktree, return it."""
    lock_text = find_lock(root, tree, manifest_path, recorded)
    tracked = {
        entry["path"]: entry.get("md5")
        for stage in load_stages(tree, lock_text)
        for entry in stage.entries("outs")
    }
    in_commit = {path.resolve() for path in gitrepo.tracked_files(tree)}
    targets = []  # the inputs DVC restores; one git tracks is already in the worktree
    for item in recorded.inputs:
        if item.uri in tracked or (tree / f"{item.uri}.dvc").is_file():
            targets.append(item.uri)
        elif (tree / item.uri).resolve() not in in_commit:
            raise DvcReproduceError(
                f"input {item.name} ({item.uri}) is neither a data file DVC tracks nor a file "
                f"of commit {recorded.commit[:12]}: it cannot be restored"
            )
    writes.write_text(tree / DVC_LOCK, lock_text, tree)
    _share_cache(root, tree)
    env = _environment(tree, scratch)
    if targets:
        _pull(tree, env, targets, recorded, timeout=timeout)
    for item in recorded.inputs:
        if fingerprint(tree / item.uri) != item.fingerprint:
            raise DvcReproduceError(
                f"the restored {item.uri} is not the file run {recorded.run_id} read "
                "(its fingerprint differs)"
            )
    result = _dvc(tree, env, "repro", "--force", timeout=timeout)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-20:])
        raise DvcRerunFailedError(f"dvc repro --force failed (exit {result.returncode}):\n{tail}")
    path = record_from_lock(
        tree, run_id=run_id, entry_point=recorded.entry_point, allow_dirty=True, once=False
    )  # a rerun to compare, never a run of its own: no commit gate, no dedupe
    return manifest_format.load(path)
