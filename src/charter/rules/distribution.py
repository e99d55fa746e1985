"""PRJ: can teammates and CI install the project's `charter`?

A project generated from a template on the local disk pins `charter` to a
`file://` URL (or a path) that only that machine resolves: `uv sync` fails on
every other laptop and in CI, long after the copy that caused it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from charter.findings import WARNING, Finding
from charter.rules.registry import at_line, rule

if TYPE_CHECKING:
    from charter.project import Project

_CHARTER_LINE = re.compile(r"^[ \t]*charter[ \t]*=", re.MULTILINE)
"""`[ \\t]`, not `\\s`: a `\\s*` after `^` ran over every following blank line (quadratic)."""
# A git location other machines can reach: a network URL or scp-like `user@host:path`.
_SHARED_GIT = re.compile(r"^(git\+)?(https?|ssh|git)://|^[\w.-]+@[\w.-]+:")


def _local_source(source: object, root: Path) -> str | None:
    """The machine-local location `source` installs charter from, if it is one."""
    if not isinstance(source, dict):
        return None
    git = source.get("git")
    if isinstance(git, str) and not _SHARED_GIT.match(git):
        return git
    path = source.get("path")
    if isinstance(path, str) and not (root / path).resolve().is_relative_to(root.resolve()):
        return path
    return None


def _line(text: str) -> int:
    """Line of the `charter = ...` entry under [tool.uv.sources] (1 if not found)."""
    start = text.find("[tool.uv.sources]")
    match = _CHARTER_LINE.search(text, max(start, 0))
    return text.count("\n", 0, match.start()) + 1 if match else 1


@rule("PRJ012", "charter is installed from a path only this machine has", severity=WARNING)
def local_charter_source(project: Project) -> Iterator[Finding]:
    """## What it checks

    Whether `[tool.uv.sources]` in `pyproject.toml` installs `charter` from a git
    location that is not on the network (a `file://` URL or a bare path; `https://`,
    `ssh://`, `git://` and `user@host:path` are), or from a `path` outside the
    project. Copier writes such a source when a project is generated from a
    template on the local disk (`copier copy ./charter my-project`,
    `copier copy /home/ada/charter ...` or `copier copy file:///...`).

    ## Why it matters

    The path exists only on the machine that generated the project. On a
    teammate's laptop and in CI, `uv sync --locked` cannot find it and fails, and
    nothing said so when the project was made. `copier update` reads the same
    local path from `.copier-answers.yml`.

    ## Example

    Fails (`pyproject.toml`):

    ```toml
    [tool.uv.sources]
    charter = { git = "file:///home/ada/src/charter", rev = "4f1c2e9..." }
    ```

    Passes:

    ```toml
    [tool.uv.sources]
    charter = { git = "https://git.example.org/ml/charter.git", rev = "4f1c2e9..." }
    ```

    ## How to fix

    Point the project at the shared template repository, the one the local copy
    was cloned from. Either set `_src_path` in `.copier-answers.yml` to its URL
    (for example `https://git.example.org/ml/charter.git`) and run
    `copier update --defaults --trust`, which rewrites the source and the lock; or
    set the `git` URL of `charter` under `[tool.uv.sources]` by hand and run
    `uv lock`. Next time, generate from the shared repository:
    `copier copy https://git.example.org/ml/charter.git my-project`.
    """
    read = project.pyproject()
    if read is None:
        return  # PRJ005 reports an unreadable pyproject.toml
    text, data = read
    pyproject = project.root / "pyproject.toml"
    source: object = data
    for key in ("tool", "uv", "sources", "charter"):
        source = source.get(key) if isinstance(source, dict) else None
    local = _local_source(source, project.root)
    if local is None:
        return
    yield at_line(
        pyproject,
        _line(text),
        1,
        f"charter is installed from {local}, which teammates' machines and CI cannot "
        "resolve: set `_src_path` in .copier-answers.yml to the shared template "
        "repository (for example https://git.example.org/ml/charter.git) and run "
        "`copier update --defaults --trust`, or point [tool.uv.sources] charter there "
        "and run `uv lock`",
    )
