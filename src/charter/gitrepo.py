"""The few git questions Charter asks: which commit, is the tree dirty, what was at a commit.

Run manifests record the commit a run came from; rules and `charter reproduce`
ask whether it still exists and what `uv.lock` held there; the hooks ask which
files are tracked, so that they check only what is being committed.
"""

from __future__ import annotations

import string
import subprocess
from pathlib import Path

HEX = frozenset(string.hexdigits.lower())


class GitError(Exception):
    """git is missing, or the folder is not inside a git repository."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None


def is_object_id(text: str) -> bool:
    """True for a full or abbreviated object id (hex): never an option or a revision expression.

    Commits come from manifests and cards; git gets them only once they pass this.
    """
    return 4 <= len(text) <= 64 and set(text) <= HEX


def option_like(value: str) -> bool:
    """True when a source, URL, path or revision read from an artifact is no such thing.

    It starts with `-` once blanks and an optional `git+` are taken off (git, uv,
    pip and DVC would read `--upload-pack=...` as an option), holds a NUL (no
    argument can), or is blank. Charter refuses such a value before any tool sees
    it, and passes every other one after `--`.
    """
    text = value.strip().removeprefix("git+").lstrip()
    return not text or text.startswith("-") or "\0" in value


def head_commit(root: Path) -> str:
    """Full id of HEAD, or GitError when `root` is not a repository with a commit."""
    result = _git(root, "rev-parse", "--verify", "HEAD^{commit}")
    if result.returncode != 0:
        raise GitError(f"{root} is not a git repository with at least one commit")
    return result.stdout.decode().strip()


def is_dirty(root: Path, *, ignore: tuple[str, ...] = ()) -> bool:
    """True when tracked files changed or new files appeared (paths in `ignore` aside)."""
    return bool(changed_paths(root, ignore=ignore))


def changed_paths(root: Path, *, ignore: tuple[str, ...] = ()) -> list[str]:
    """Tracked files that changed and new untracked files (paths in `ignore` aside), as git says."""
    excludes = [f":(exclude){path}" for path in ignore]
    result = _git(root, "status", "--porcelain", "--untracked-files=normal", "--", ".", *excludes)
    if result.returncode != 0:
        raise GitError(result.stderr.decode().strip() or f"git status failed in {root}")
    lines = result.stdout.decode("utf-8", "surrogateescape").splitlines()
    return [line[3:].strip() for line in lines if line.strip()]


def same_tree(root: Path, commit: str, other: str, *, ignore: tuple[str, ...] = ()) -> bool:
    """True when `commit` and `other` hold the same files under `root` (paths in `ignore` aside)."""
    if not (is_object_id(commit) and is_object_id(other)):
        return False
    excludes = [f":(exclude){path}" for path in ignore]
    result = _git(root, "diff", "--quiet", commit, other, "--", ".", *excludes)
    return result.returncode == 0


def commit_exists(root: Path, commit: str) -> bool:
    """True when `commit` names a commit object in the repository at `root`."""
    if not is_object_id(commit):
        return False
    return _git(root, "cat-file", "-e", f"{commit}^{{commit}}").returncode == 0


def file_at(root: Path, commit: str, path: str) -> bytes | None:
    """The bytes of `path` at `commit`, or None when the commit or the file is missing."""
    if not is_object_id(commit):
        return None
    result = _git(root, "show", f"{commit}:{path}")
    return result.stdout if result.returncode == 0 else None


def config_value(root: Path, key: str) -> str | None:
    """A git setting as this repository sees it (`user.name`, `remote.origin.url`), or None."""
    result = _git(root, "config", "--get", "--", key)
    value = result.stdout.decode("utf-8", "replace").strip()
    return value if result.returncode == 0 and value else None


def is_shallow(root: Path) -> bool:
    """True in a shallow clone (`git clone --depth 1`, CI's default checkout): history is cut."""
    result = _git(root, "rev-parse", "--is-shallow-repository")
    return result.returncode == 0 and result.stdout.strip() == b"true"


def toplevel(root: Path) -> Path | None:
    """The top folder of the repository containing `root`, or None outside git."""
    result = _git(root, "rev-parse", "--show-toplevel")
    return Path(result.stdout.decode().strip()) if result.returncode == 0 else None


def tracked_files(root: Path) -> frozenset[Path]:
    """Every file git tracks or has staged (the index), as absolute paths.

    `charter check --staged` and the hooks see only these: an untracked
    work-in-progress file is not part of the commit being checked.
    """
    top = toplevel(root)
    if top is None:
        raise GitError(f"{root} is not inside a git repository")
    result = _git(top, "ls-files", "--cached", "-z")
    if result.returncode != 0:
        raise GitError(result.stderr.decode().strip() or f"git ls-files failed in {top}")
    names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return frozenset(top / name for name in names if name)


def read_objects(root: Path, names: list[str]) -> dict[str, bytes | None]:
    """Many objects (`<commit>^{commit}`, `<commit>:<path>`) in one `git cat-file --batch`.

    Checking every run manifest spawns one git process, not several per manifest.
    Missing objects map to None.
    """
    if not names:
        return {}
    request = "".join(f"{name}\n" for name in names).encode()
    try:
        result = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=root,
            input=request,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if result.returncode != 0:
        raise GitError(result.stderr.decode().strip() or f"git cat-file failed in {root}")
    found: dict[str, bytes | None] = {}
    output, position = result.stdout, 0
    for name in names:
        end = output.index(b"\n", position)
        header = output[position:end].split()
        position = end + 1
        if len(header) == 3 and header[2].isdigit():  # "<oid> <type> <size>"
            size = int(header[2])
            found[name] = output[position : position + size]
            position += size + 1
        else:  # "<name> missing" or "<name> ambiguous"
            found[name] = None
    return found


def commit_times(root: Path, commits: list[str]) -> dict[str, int]:
    """Committer time (Unix seconds) of each existing commit, in one `git log --no-walk`."""
    commits = [commit for commit in commits if is_object_id(commit)]
    if not commits:
        return {}
    result = _git(root, "log", "--no-walk=unsorted", "--format=%H %ct", *commits, "--")
    if result.returncode != 0:
        return {}
    pairs = (line.split() for line in result.stdout.decode().splitlines())
    return {pair[0]: int(pair[1]) for pair in pairs if len(pair) == 2}


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    """True when `ancestor` is `descendant` or one of its ancestors."""
    if not (is_object_id(ancestor) and is_object_id(descendant)):
        return False
    return _git(root, "merge-base", "--is-ancestor", ancestor, descendant).returncode == 0


def adding_commits(root: Path, folder: str) -> dict[str, str]:
    """Path (relative to the top) -> the commit that first added it, for files under `folder`."""
    result = _git(
        root, "log", "--diff-filter=A", "--format=%x00%H", "--name-only", "--no-renames",
        "--", folder,
    )  # fmt: skip
    if result.returncode != 0:
        return {}
    added: dict[str, str] = {}
    for block in result.stdout.decode("utf-8", "surrogateescape").split("\0")[1:]:
        commit, *names = block.split("\n")
        for name in names:
            if name:
                added[name] = commit.strip()  # newest first: the oldest addition wins
    return added
