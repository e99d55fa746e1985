"""Build a tagged, throw-away clone of the working tree and render it with Copier.

Copier renders the newest tag of a git repository, so tests commit the working
tree (uncommitted edits included) into a temporary clone and tag it above every
real release. Projects generated from it resolve `charter` from that clone:
nothing reaches a git host.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import copier

REPO = Path(__file__).resolve().parents[1]
TEST_VERSION = "99.0.0"
VENDORED_ASSET = r"src/charter/site/assets/mermaid\.min\.js\.xz"
"""The one file the repository exempts from the size guard beyond what projects exempt:
Mermaid, vendored for offline sites and checked against its recorded sha256."""


def own_size_exclude(generated: str) -> str:
    """The repository's size-guard exclusion: the generated project's plus the vendored asset."""
    return generated.replace(")$", f"|{VENDORED_ASSET})$")


def clean_env(home: Path | None = None) -> dict[str, str]:
    """An environment free of the caller's git and Copier settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "COPIER_", "UV_PROJECT")) and k != "VIRTUAL_ENV"
    }
    env.update(
        GIT_AUTHOR_NAME="Charter Tests",
        GIT_AUTHOR_EMAIL="tests@example.org",
        GIT_COMMITTER_NAME="Charter Tests",
        GIT_COMMITTER_EMAIL="tests@example.org",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
    )
    if home is not None:
        settings = home / "copier-settings.yml"
        settings.write_text("{}\n")
        env["COPIER_SETTINGS_PATH"] = str(settings)
    return env


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=env or clean_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def clone_working_tree(dest: Path, tags: tuple[str, ...] = (TEST_VERSION,)) -> Path:
    """Clone the repository into `dest`, commit the working tree there, tag it."""
    env = clean_env()
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(dest)],
        env=env,
        check=True,
        capture_output=True,
    )
    # Add the working tree (tracked, modified and new files, ignoring what
    # .gitignore ignores) to the clone, as one commit.
    work = ["git", f"--git-dir={dest / '.git'}", f"--work-tree={REPO}"]
    subprocess.run([*work, "add", "-A"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*work, "commit", "--quiet", "--allow-empty", "--no-verify", "-m", "working tree"],
        env=env,
        check=True,
        capture_output=True,
    )
    git("reset", "--quiet", "--hard", cwd=dest, env=env)
    for tag in tags:
        git("tag", "--force", f"v{tag}", cwd=dest, env=env)
    return dest


@contextlib.contextmanager
def isolated_environ(home: Path) -> Iterator[None]:
    """Run in-process Copier (and the git and tasks it starts) with `clean_env(home)`."""
    before = os.environ.copy()
    os.environ.clear()
    os.environ.update(clean_env(home))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(before)


def copy_project(
    template: Path,
    dest: Path,
    data: dict | None = None,
    *,
    vcs_ref: str | None = None,
    lock: bool = False,
    home: Path | None = None,
) -> Path:
    """Render `template` into `dest` with defaults plus `data`.

    The uv.lock task needs the package index, so the fast tier turns it off.
    """
    answers = {"lock_at_copy": lock, **(data or {})}
    with isolated_environ(home or dest.parent):
        copier.run_copy(
            str(template),
            str(dest),
            data=answers,
            defaults=True,
            unsafe=True,
            vcs_ref=vcs_ref,
            quiet=True,
        )
    return dest


def update_project(
    project: Path, vcs_ref: str, *, data: dict | None = None, home: Path | None = None
) -> None:
    """Run `copier update` on `project` to `vcs_ref`, conflicts left inline."""
    with isolated_environ(home or project.parent):
        copier.run_update(
            str(project),
            data=data or {},
            defaults=True,
            overwrite=True,
            unsafe=True,
            vcs_ref=vcs_ref,
            conflict="inline",
            quiet=True,
        )
