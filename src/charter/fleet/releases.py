"""The newest release of a template: its PEP 440 tags, asked once per template source.

Copier orders a template's releases by their PEP 440 tags (`v1.2.0` or `1.2.0`);
`git ls-remote --tags` lists them without cloning. Offline or unreachable, the
answer is None ("could not tell"), never a failure of the report.
"""

from __future__ import annotations

import subprocess

from packaging.version import InvalidVersion, Version

from charter.template_updates import UnsafeSourceError, git_url

TIMEOUT = 60


def parse_version(text: str | None) -> Version | None:
    """`v1.2.0`, `1.2.0` or Copier's `v1.2.0-3-gabc1234` (3 commits after v1.2.0) as a Version."""
    if not text:
        return None
    base = text.split("-", 1)[0] if "-g" in text else text
    try:
        return Version(base)
    except InvalidVersion:
        return None


def latest_release(source: str) -> tuple[str | None, str | None]:
    """(newest release tag, None) or (None, why it could not tell).

    The source comes from a surveyed project's answers file: one starting with
    `-`, with or without `git+`, is refused, and every source goes after `--`,
    so git never reads it as an option (`--upload-pack=...` would run a command).
    Copier's `gh:`/`gl:` shorthands and its `git+` prefix become URLs git reads.
    """
    try:
        url = git_url(source)
    except UnsafeSourceError:
        return None, f"the template source {source[:60]!r} is not a URL or path"
    try:
        result = subprocess.run(
            ["git", "ls-remote", "--tags", "--refs", "--", url],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
            env=None,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"git ls-remote failed: {error}"
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
        return None, f"git ls-remote failed: {reason}"
    tags = [line.rpartition("refs/tags/")[2] for line in result.stdout.splitlines()]
    versions = [(v, t) for t in tags if (v := parse_version(t)) is not None and not v.is_prerelease]
    if not versions:
        return None, "the template has no release tags"
    return max(versions)[1], None
