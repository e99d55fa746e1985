"""One virtual environment per distinct charter pin, built once and kept between reports.

A fleet of forty projects on three releases needs three environments, not forty:
each is a plain venv with only the pinned charter in it, built by uv in
`$CHARTER_FLEET_CACHE` (default `$XDG_CACHE_HOME/charter/fleet` or
`~/.cache/charter/fleet`) under a digest of the requirement and the Python
version, so the next report reuses it. A pin on a branch moves: pass `--rebuild`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from charter import uv_command, writes

READY = "charter-fleet-ready"
"""Written last: an environment without it was interrupted and is built again."""


class BuildError(Exception):
    """An environment could not be built; the message says which pin and why."""


@dataclass(frozen=True)
class Environment:
    requirement: str | None
    charter: Path
    """The `charter` executable (for an unpinned project, the one running the report)."""
    built: bool
    seconds: float


def cache_root() -> Path:
    if configured := os.environ.get("CHARTER_FLEET_CACHE"):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "charter" / "fleet"


def uv_executable() -> str:
    found = uv_command.uv_executable()
    if found is None:
        raise BuildError(
            "charter fleet needs uv to build each pinned charter: install it "
            "(https://docs.astral.sh/uv/) or `pip install uv`"
        )
    return found


def _key(requirement: str) -> str:
    python = ".".join(map(str, sys.version_info[:2]))
    return hashlib.sha256(f"{requirement}\n{python}".encode()).hexdigest()[:16]


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def environment(requirement: str | None, *, rebuild: bool = False) -> Environment:
    """The environment for `requirement`, built when it is not cached yet."""
    started = time.perf_counter()
    if requirement is None:
        here = shutil.which("charter") or str(_bin(Path(sys.prefix), "charter"))
        return Environment(None, Path(here), built=False, seconds=0.0)
    root = cache_root()
    venv = root / _key(requirement)
    if rebuild and venv.exists():
        shutil.rmtree(venv)
    if (venv / READY).is_file():
        return Environment(requirement, _bin(venv, "charter"), False, time.perf_counter() - started)
    # A venv records its own path in its scripts, so it is built where it stays;
    # a half-built one (no READY file: interrupted) is removed first.
    shutil.rmtree(venv, ignore_errors=True)
    writes.make_folder(root)
    try:
        _build(venv, requirement)
    except BuildError:
        shutil.rmtree(venv, ignore_errors=True)
        raise
    if not _bin(venv, "charter").is_file():
        raise BuildError(f"{requirement}: the environment has no charter command")
    writes.write_text(venv / READY, requirement + "\n", venv)
    return Environment(requirement, _bin(venv, "charter"), True, time.perf_counter() - started)


def _build(venv: Path, requirement: str) -> None:
    uv = uv_executable()
    for command in (
        [uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
        [uv, "pip", "install", "--quiet", "--python", str(_bin(venv, "python")), "--", requirement],
    ):
        result = subprocess.run(
            command, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
        )
        if result.returncode != 0:
            reason = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
            raise BuildError(f"cannot install {requirement}: {reason}")
