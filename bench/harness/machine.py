"""What a result was measured on: numbers mean little without the machine."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _command_version(*cmd: str) -> str:
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=30)
    except OSError:
        return "not found"
    if result.returncode != 0:
        return f"{cmd[0]} exited {result.returncode}"
    return (result.stdout or result.stderr).strip().splitlines()[0]


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine_facts() -> dict[str, str]:
    """Date, cores, load, CPU and the versions of every tool the benchmarks drive.

    The load average shows whether other work shared the machine during the run.
    """
    return {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "cores (nproc)": str(len(os.sched_getaffinity(0))),
        "load average (1, 5, 15 min)": ", ".join(f"{load:.2f}" for load in os.getloadavg()),
        "cpu": _cpu_model(),
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": sys.version.split()[0],
        "uv": _command_version("uv", "--version"),
        "copier": _package_version("copier"),
        "pre-commit": _package_version("pre-commit"),
        "git": _command_version("git", "--version"),
        "charter": _command_version(
            "git", "-C", str(REPO), "describe", "--always", "--dirty", "--tags"
        ),
    }
