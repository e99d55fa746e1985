"""Is the project behind its template? Asks `copier check-update`, at most once a day.

`copier check-update` clones the template to compare PEP 440 tags, which takes
seconds and needs the template's host, so the answer is cached in the project's
`.git/` folder for `CHARTER_TEMPLATE_CHECK_TTL` seconds (default one day; 0
checks every time; -1 turns the check off). Offline, the answer is "could not
tell", never a failure.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from charter.constants import ANSWERS_FILE

CACHE_FILE = Path(".git") / "charter-template-check.json"
DEFAULT_TTL = 24 * 60 * 60
ERROR_TTL = 60 * 60  # offline: ask again within the hour, not on every commit
TIMEOUT = 120


@dataclass(frozen=True)
class UpdateStatus:
    """What `copier check-update` said; `error` is set when it could not tell."""

    current: str | None = None
    latest: str | None = None
    update_available: bool = False
    error: str | None = None


def _ttl() -> float:
    try:
        return float(os.environ.get("CHARTER_TEMPLATE_CHECK_TTL", DEFAULT_TTL))
    except ValueError:
        return DEFAULT_TTL


def _ask_copier(root: Path) -> UpdateStatus:
    if importlib.util.find_spec("copier") is None:
        return UpdateStatus(error="copier is not installed in this environment")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "copier", "check-update", "--output-format", "json"],
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


def _cache_key(root: Path) -> str:
    return (root / ANSWERS_FILE).read_text("utf-8")


@functools.cache
def check_for_update(root: Path) -> UpdateStatus | None:
    """The template status of the project at `root`.

    None when there is nothing to ask: no answers file, not a git checkout
    (Copier compares versions only inside one), or the check is turned off
    (`CHARTER_TEMPLATE_CHECK_TTL` negative).
    """
    if _ttl() < 0:
        return None
    answers = root / ANSWERS_FILE
    if not answers.is_file() or not (root / ".git").exists():
        return None
    cache = root / CACHE_FILE
    key = _cache_key(root)
    try:
        cached = json.loads(cache.read_text("utf-8"))
        status = UpdateStatus(**cached["status"])
        ttl = min(_ttl(), ERROR_TTL) if status.error else _ttl()
        if cached["key"] == key and time.time() - cached["checked_at"] < ttl:
            return status
    except (OSError, ValueError, KeyError, TypeError):
        pass
    status = _ask_copier(root)
    if cache.parent.is_dir():
        record = {"key": key, "checked_at": time.time(), "status": status.__dict__}
        with contextlib.suppress(OSError):  # a read-only checkout asks again next time
            cache.write_text(json.dumps(record), "utf-8")
    return status
