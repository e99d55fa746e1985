"""Run the `charter` command line in a new process, as a user or a CI job runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from templating import clean_env


def charter(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m charter ARGS` in `cwd`, with a clean git environment (`env` adds variables)."""
    return subprocess.run(
        [sys.executable, "-m", "charter", *map(str, args)],
        cwd=cwd,
        env={**clean_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
