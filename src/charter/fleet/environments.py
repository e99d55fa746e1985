"""One virtual environment per distinct set of pins, built once and kept between reports.

A fleet of forty projects on three releases needs three environments, not forty:
each is a plain venv with only the pinned charter and the project's rule
plugins in it (what its own `charter check` runs), built by uv in
`$CHARTER_FLEET_CACHE` (default `$XDG_CACHE_HOME/charter/fleet` or
`~/.cache/charter/fleet`) under a digest of the requirements and the Python
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
from importlib import metadata
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
    plugins: tuple[str, ...] = ()
    """The plugin requirements installed next to charter."""

    @property
    def python(self) -> Path:
        if self.requirement is None:
            return Path(sys.executable)
        return self.charter.with_name("python.exe" if os.name == "nt" else "python")

    def charter_version(self) -> str | None:
        """The installed charter's version, read from its metadata (no code of it runs)."""
        if self.requirement is None:
            found = list(metadata.distributions(name="charter"))
        else:
            venv = self.charter.parent.parent
            sites = [*venv.glob("lib/python*/site-packages"), venv / "Lib" / "site-packages"]
            found = list(metadata.distributions(name="charter", path=[str(p) for p in sites]))
        return found[0].version if found else None


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


def _key(requirements: tuple[str, ...]) -> str:
    python = ".".join(map(str, sys.version_info[:2]))
    return hashlib.sha256("\n".join([*requirements, python]).encode()).hexdigest()[:16]


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def environment(
    requirement: str | None,
    plugins: tuple[str, ...] = (),
    *,
    indexes: tuple[str, ...] = (),
    rebuild: bool = False,
) -> Environment:
    """The environment for `requirement` and `plugins`, built when it is not cached yet.

    `indexes` are package indexes the plugins were locked from, asked before uv's default.
    """
    started = time.perf_counter()
    if requirement is None:
        here = shutil.which("charter") or str(_bin(Path(sys.prefix), "charter"))
        return Environment(None, Path(here), built=False, seconds=0.0)
    plugins = tuple(sorted(plugins))
    root = cache_root()
    venv = root / _key((requirement, *plugins, *(f"--index {i}" for i in indexes)))
    if rebuild and venv.exists():
        shutil.rmtree(venv)
    if (venv / READY).is_file():
        seconds = time.perf_counter() - started
        return Environment(requirement, _bin(venv, "charter"), False, seconds, plugins)
    # A venv records its own path in its scripts, so it is built where it stays;
    # a half-built one (no READY file: interrupted) is removed first.
    shutil.rmtree(venv, ignore_errors=True)
    writes.make_folder(root)
    try:
        _build(venv, (requirement, *plugins), indexes)
    except BuildError:
        shutil.rmtree(venv, ignore_errors=True)
        raise
    if not _bin(venv, "charter").is_file():
        raise BuildError(f"{requirement}: the environment has no charter command")
    writes.write_text(venv / READY, "".join(f"{r}\n" for r in (requirement, *plugins)), venv)
    seconds = time.perf_counter() - started
    return Environment(requirement, _bin(venv, "charter"), True, seconds, plugins)


def _build(venv: Path, requirements: tuple[str, ...], indexes: tuple[str, ...]) -> None:
    uv = uv_executable()
    for command in (
        [uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--python",
            str(_bin(venv, "python")),
            *(f"--index={index}" for index in indexes),
            "--",
            *requirements,
        ],
    ):
        result = subprocess.run(
            command, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
        )
        if result.returncode != 0:
            reason = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
            raise BuildError(f"cannot install {' '.join(requirements)}: {reason}")
