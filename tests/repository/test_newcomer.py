"""CI runs the README's test command as a newcomer would (.ci/newcomer).

A newcomer has a bare Python with pip, a new HOME and empty caches, and none
of the settings a developer's or CI's machine carries: PYTHONDONTWRITEBYTECODE
once hid 15 failing tests.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """\
import json, os, shutil, subprocess, sys
git = subprocess.run(["git", "config", "--global", "--list"], capture_output=True, text=True)
pip = subprocess.run([sys.executable, "-m", "pip", "list", "--format=json"],
                     capture_output=True, text=True, check=True)
print(json.dumps({
    "env": dict(os.environ),
    "prefix": sys.prefix,
    "writes_bytecode": not sys.dont_write_bytecode,
    "git_global": git.stdout,
    "tools": {tool: shutil.which(tool) for tool in ("uv", "nox", "copier", "pre-commit")},
    "packages": sorted(p["name"] for p in json.loads(pip.stdout)),
}))
"""


def _as_newcomer(tmp_path: Path) -> dict:
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    machine_settings = {
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": str(tmp_path),
        "PIP_FIND_LINKS": str(tmp_path),
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "GIT_AUTHOR_NAME": "Somebody Else",
        "VIRTUAL_ENV": str(tmp_path),
        "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt",
        "CHARTER_REQUIRE_SPARK": "1",
    }
    result = subprocess.run(
        ["bash", str(REPO / ".ci" / "newcomer"), f"python3 {probe}"],
        cwd=tmp_path,
        env={**os.environ, **machine_settings},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout)


def test_newcomer_has_none_of_the_machines_settings(tmp_path: Path) -> None:
    seen = _as_newcomer(tmp_path)
    env = seen["env"]
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PIP_FIND_LINKS", "UV_CACHE_DIR"):
        assert name not in env, name
    assert not [name for name in env if name.startswith("GIT_AUTHOR")]
    assert seen["writes_bytecode"]
    assert env["SSL_CERT_FILE"] == "/etc/ssl/certs/ca-certificates.crt"  # certificates kept
    assert env["CHARTER_REQUIRE_SPARK"] == "1"  # .ci/run's "a missing Java fails the tier"
    assert env["HOME"] != os.environ.get("HOME")
    assert env["HOME"].startswith(env["TMPDIR"])  # a new HOME, so empty caches
    assert seen["git_global"] == ""


def test_newcomer_python_is_a_bare_venv_with_pip_only(tmp_path: Path) -> None:
    seen = _as_newcomer(tmp_path)
    assert seen["prefix"].startswith(seen["env"]["TMPDIR"])
    assert seen["tools"] == {"uv": None, "nox": None, "copier": None, "pre-commit": None}
    assert seen["packages"] == ["pip"] or set(seen["packages"]) <= {"pip", "setuptools"}


def test_newcomer_removes_its_machine_afterwards(tmp_path: Path) -> None:
    seen = _as_newcomer(tmp_path)
    assert not Path(seen["env"]["HOME"]).exists()


def test_newcomer_without_a_command_is_a_usage_error() -> None:
    result = subprocess.run(
        ["bash", str(REPO / ".ci" / "newcomer")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "usage" in result.stderr


def test_ci_installs_java_before_running_the_spark_tier() -> None:
    """.ci/run installs Debian's JRE when `java` is missing, then requires the Spark tier."""
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    guard = lines.index("if ! command -v java >/dev/null 2>&1; then")
    install = next(
        i for i, line in enumerate(lines) if "openjdk-17-jre-headless" in line and i > guard
    )
    require = lines.index("export CHARTER_REQUIRE_SPARK=1")
    newcomer = next(i for i, line in enumerate(lines) if line.startswith(".ci/newcomer "))
    assert guard < install < require < newcomer
    assert "nox -s tests generated spark" in lines[newcomer]


def test_the_default_tier_leaves_spark_to_its_own_session() -> None:
    """`nox -s tests` runs without pyspark: Spark-marked tests belong to `nox -s spark`."""
    noxfile = (REPO / "noxfile.py").read_text(encoding="utf-8")
    assert '"not generated and not update and not spark"' in noxfile
    assert "def spark(session: nox.Session)" in noxfile
    assert 'extras=("spark",)' in noxfile
