"""Is the project behind its template, and which Standards would an update bring?

`copier check-update` clones the template to compare PEP 440 tags, which takes
seconds, so its answer is cached in the project's `.git/` folder. The cache key
is the answers file plus a digest of the template's tags (`git ls-remote
--tags`, one round trip, no clone): a new release is seen on the next check,
not a day later. When the tags cannot be listed (offline) the cached answer is
kept for `CHARTER_TEMPLATE_CHECK_TTL` seconds (default one day; 0 checks every
time; -1 turns the check off). Offline, the answer is "could not tell", never a
failure.

When an update is available, the CHANGELOG.md of the newest release is fetched
(one shallow fetch of that tag) and the "Standards" entries of every release
crossed become part of the answer.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from charter import writes
from charter.changelog import standards_crossed, summary, version_key
from charter.constants import ANSWERS_FILE
from charter.gitrepo import option_like

CACHE_FILE = Path(".git") / "charter-template-check.json"
DEFAULT_TTL = 24 * 60 * 60
ERROR_TTL = 60 * 60  # offline: ask again within the hour, not on every commit
TIMEOUT = 120
GIT_TIMEOUT = 30
ENTRY_WIDTH = 120
TAGS_MARK = "\n# tags "


@dataclass(frozen=True)
class UpdateStatus:
    """What `copier check-update` said; `error` is set when it could not tell."""

    current: str | None = None
    latest: str | None = None
    update_available: bool = False
    error: str | None = None
    standards: tuple[str, ...] = ()
    """`X.Y.Z: entry` for each CHANGELOG Standards entry of the releases crossed."""


def _ttl() -> float:
    try:
        return float(os.environ.get("CHARTER_TEMPLATE_CHECK_TTL", DEFAULT_TTL))
    except ValueError:
        return DEFAULT_TTL


def _ask_copier(root: Path, answers_file: str) -> UpdateStatus:
    if importlib.util.find_spec("copier") is None:
        return UpdateStatus(error="copier is not installed in this environment")
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "copier",
                "check-update",
                "--output-format",
                "json",
                f"--answers-file={answers_file}",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return UpdateStatus(error=f"copier check-update took longer than {TIMEOUT} s")
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
        return UpdateStatus(error=f"copier check-update failed: {reason}")
    try:
        answer = json.loads(result.stdout)
        return UpdateStatus(
            current=str(answer["current_version"]),
            latest=str(answer["latest_version"]),
            update_available=bool(answer["update_available"]),
        )
    except (ValueError, KeyError, TypeError):
        return UpdateStatus(error="copier check-update gave an answer charter does not understand")


def _git(*args: str, cwd: Path | None = None) -> str | None:
    """Output of a git command, or None when it fails or takes too long."""
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


class UnsafeSourceError(ValueError):
    """A template source git would read as an option (`--upload-pack=...`)."""


def git_url(src: str) -> str:
    """Copier's `_src_path` as a URL git understands (`gh:`/`gl:` shortcuts, `git+`).

    A value starting with `-`, with or without `git+` (`git+--upload-pack=...`), is
    refused (UnsafeSourceError): it is neither a URL nor a path, and git would take
    it as an option. Callers also pass it after `--`.
    """
    if option_like(src):
        raise UnsafeSourceError(f"`_src_path` {src[:60]!r} is not a URL or path")
    if src.startswith("gh:"):
        return f"https://github.com/{src[3:]}"
    if src.startswith("gl:"):
        return f"https://gitlab.com/{src[3:]}"
    return src.removeprefix("git+")


def _template_tags(root: Path, answers_file: str) -> dict[str, str] | None:
    """Tag name -> commit of the template in `_src_path`; None when it cannot be listed."""
    try:
        import yaml  # noqa: PLC0415 - only on a cache check

        answers = yaml.safe_load((root / answers_file).read_text("utf-8"))
        url = git_url(str(answers["_src_path"]))
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError, yaml.YAMLError):
        return None
    output = _git("ls-remote", "--tags", "--refs", "--", url, cwd=root)
    if output is None:
        return None
    tags = {}
    for line in output.splitlines():
        commit, _, ref = line.partition("\t")
        tags[ref.removeprefix("refs/tags/")] = commit
    return tags


def _unsafe_source(answers: Path) -> str | None:
    """Why `_src_path` cannot be handed to git or copier, or None when it can (or is unread)."""
    try:
        import yaml  # noqa: PLC0415

        git_url(str(yaml.safe_load(answers.read_text("utf-8"))["_src_path"]))
    except UnsafeSourceError as error:
        return str(error)
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return None


def _cache_key(answers: Path, tags: dict[str, str] | None) -> str:
    """The answers file, plus a digest of the template's tags when they could be listed."""
    key = answers.read_text("utf-8")
    if tags is not None:
        key += TAGS_MARK + hashlib.sha256(json.dumps(sorted(tags.items())).encode()).hexdigest()
    return key


def _standards(
    root: Path, answers_file: str, status: UpdateStatus, tags: dict[str, str] | None
) -> UpdateStatus:
    """`status` with the Standards entries between its two versions (empty when unreadable)."""
    if not status.update_available or not status.current or not status.latest or tags is None:
        return status
    latest = version_key(status.latest)
    tag = next((name for name in tags if version_key(name) == latest), None)
    if tag is None:
        return status
    import yaml  # noqa: PLC0415

    src = git_url(str(yaml.safe_load((root / answers_file).read_text("utf-8"))["_src_path"]))
    if (root / src).exists():  # a local path (relative ones are relative to the project)
        src = str((root / src).resolve())
    with tempfile.TemporaryDirectory(prefix="charter-changelog-") as scratch:
        if _git("init", "--quiet", "--bare", scratch) is None:
            return status
        fetched = _git(
            "fetch", "--quiet", "--depth=1", "--", src, f"refs/tags/{tag}", cwd=Path(scratch)
        )
        text = (
            None if fetched is None else _git("show", "FETCH_HEAD:CHANGELOG.md", cwd=Path(scratch))
        )
    if text is None:
        return status
    crossed = standards_crossed(text, status.current, status.latest)
    return UpdateStatus(
        **{**status.__dict__, "standards": tuple(summary(crossed, width=ENTRY_WIDTH))}
    )


def cache_file(answers_file: str = ANSWERS_FILE) -> Path:
    """Where the answer about one template is kept: one file per answers file, so an
    overlay's answer (`.copier-answers.acme.yml`) never replaces Charter's."""
    if answers_file == ANSWERS_FILE:
        return CACHE_FILE
    name = answers_file.removeprefix(".copier-answers.").removesuffix(".yml")
    return CACHE_FILE.with_name(f"charter-template-check.{name}.json")


@functools.cache
def check_for_update(root: Path, answers_file: str = ANSWERS_FILE) -> UpdateStatus | None:
    """The status of the template recorded in `answers_file` (Charter's, or an overlay's).

    None when there is nothing to ask: no answers file, not a git checkout
    (Copier compares versions only inside one), or the check is turned off
    (`CHARTER_TEMPLATE_CHECK_TTL` negative).
    """
    if _ttl() < 0:
        return None
    answers = root / answers_file
    if not answers.is_file() or not (root / ".git").exists():
        return None
    unsafe = _unsafe_source(answers)
    if unsafe is not None:  # neither git nor copier is asked about it
        return UpdateStatus(error=f"{unsafe}: fix it in {answers_file}")
    cache = root / cache_file(answers_file)
    tags = _template_tags(root, answers_file)
    key = _cache_key(answers, tags)
    try:
        cached = json.loads(cache.read_text("utf-8"))
        status = UpdateStatus(
            **{**cached["status"], "standards": tuple(cached["status"].get("standards", ()))}
        )
        ttl = min(_ttl(), ERROR_TTL) if status.error else _ttl()
        # Offline (no tags listed), an answer cached for the same answers file still holds.
        same = cached["key"] == key or (tags is None and cached["key"].split(TAGS_MARK)[0] == key)
        if same and time.time() - cached["checked_at"] < ttl:
            return status
    except (OSError, ValueError, KeyError, TypeError):
        pass
    status = _standards(root, answers_file, _ask_copier(root, answers_file), tags)
    if cache.parent.is_dir():
        record = {"key": key, "checked_at": time.time(), "status": status.__dict__}
        with contextlib.suppress(OSError):  # a read-only checkout asks again next time
            writes.write_text(cache, json.dumps(record), root, durable=False)
    return status
