"""Every routine task of the Charter repository.

    nox -s lint             ruff and the repository's own pre-commit hooks
    nox -s tests generated  fast + package tests, then the slow generated/update tiers
    nox -s spark            the Spark engine (needs Java 17): every validation case on both
    nox -s demo             render a project with defaults and run its own gates
    nox -s docs             build the documentation site (strict)
    nox -s bench            run the benchmarks and record their results
    nox -s vendor_mermaid -- VERSION   vendor Mermaid from npm for the projects' sites
    nox -s fresh            the README's two commands as a newcomer runs them
    nox -s release_check -- vX.Y.Z   the tag and CHANGELOG.md agree (before tagging)

Sessions install the locked environment with uv (`uv sync --locked`), so the
tests run against exactly the versions in uv.lock.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "tests"]

ROOT = Path(__file__).parent
DEMO_DIR = ROOT / "build" / "demo"
FRESH_DIR = ROOT / "build" / "fresh"
PYTHON = "3.11"


def _sync(session: nox.Session, *groups: str, extras: tuple[str, ...] = ()) -> None:
    """Install the locked project environment into the session's virtualenv."""
    group_args = [arg for group in groups for arg in ("--group", group)]
    extra_args = [arg for extra in extras for arg in ("--extra", extra)]
    session.run_install(
        "uv",
        "sync",
        "--locked",
        "--no-default-groups",
        *group_args,
        *extra_args,
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        external=True,
    )


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Run the repository's pre-commit hooks (ruff, formatting, file checks)."""
    _sync(session, "lint")
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Fast tier and package tests: render every answer set, check every rule."""
    _sync(session, "test")
    session.run("pytest", "-m", "not generated and not update and not spark", *session.posargs)


@nox.session(python=PYTHON)
def generated(session: nox.Session) -> None:
    """Slow tiers: generated projects pass their own gates; copier update keeps work."""
    _sync(session, "test")
    session.run("pytest", "-m", "generated or update", *session.posargs)


@nox.session(python=PYTHON)
def spark(session: nox.Session) -> None:
    """Spark tier (the spark extra, Java 17): Spark-only tests, then every validation
    test's contract-and-data case on both engines (`--engine-parity`), one SparkSession."""
    _sync(session, "test", extras=("spark",))
    session.run(
        "pytest",
        "--engine-parity",
        "-m",
        "not generated and not update",
        "tests/package/test_spark.py",
        "tests/package/test_validate_stage_engine.py",
        *sorted(str(path) for path in Path("tests/package").glob("test_validation*.py")),
        *session.posargs,
    )


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Generate a project with default answers into build/demo and run its gates."""
    _sync(session, "test")
    if DEMO_DIR.exists():
        shutil.rmtree(DEMO_DIR)
    DEMO_DIR.parent.mkdir(parents=True, exist_ok=True)
    session.run("python", "tests/demo.py", str(DEMO_DIR), *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site with MkDocs in strict mode."""
    _sync(session, "docs")
    session.run(
        "mkdocs",
        "build",
        "--strict",
        "--site-dir",
        "build/site",
        *session.posargs,
        env={"NO_MKDOCS_2_WARNING": "1"},
    )


@nox.session(python=False)
def vendor_mermaid(session: nox.Session) -> None:
    """Vendor Mermaid from the npm registry for the generated projects' sites.

    `nox -s vendor_mermaid -- 11.17.2`: `npm pack`, then the package's
    dist/mermaid.min.js xz-compressed, its LICENSE and a record of what was taken
    (src/charter/site/assets/README.md says why it ships this way).
    """
    import hashlib  # noqa: PLC0415
    import json  # noqa: PLC0415
    import lzma  # noqa: PLC0415
    import tarfile  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    if len(session.posargs) != 1:
        session.error("usage: nox -s vendor_mermaid -- VERSION")
    version = session.posargs[0]
    assets = ROOT / "src" / "charter" / "site" / "assets"
    with tempfile.TemporaryDirectory() as folder:
        spec = f"mermaid@{version}"
        session.run("npm", "pack", spec, "--pack-destination", folder, external=True, silent=True)
        facts = session.run(
            "npm", "view", spec, "--json", "license", "dist.integrity", external=True, silent=True
        )
        facts = json.loads(facts)
        with tarfile.open(next(Path(folder).glob("*.tgz"))) as tar:
            script = tar.extractfile("package/dist/mermaid.min.js").read()
            licence = tar.extractfile("package/LICENSE").read()
    (assets / "mermaid.min.js.xz").write_bytes(
        lzma.compress(script, preset=9 | lzma.PRESET_EXTREME)
    )
    (assets / "mermaid.LICENSE").write_bytes(licence)
    record = {
        "name": "mermaid",
        "version": version,
        "license": facts["license"],
        "source": f"npm pack {spec}",
        "integrity": facts["dist.integrity"],
        "file": "package/dist/mermaid.min.js",
        "sha256": hashlib.sha256(script).hexdigest(),
        "bytes": len(script),
    }
    (assets / "mermaid.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    # Its digests look like secrets to detect-secrets: record them as audited.
    session.run(
        "detect-secrets", "scan", "--baseline", ".secrets.baseline",
        "--exclude-files", "^template/", external=True,
    )  # fmt: skip


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run every benchmark in bench/ and record the results in bench/results/."""
    _sync(session, "test", "bench", extras=("spark",))  # spark_validate.py needs pyspark
    python = str(Path(session.virtualenv.location) / "bin" / "python")
    # Scripts that compare against datacontract-cli find it in this environment.
    extra = {"check_speed.py": ["--datacontract", python]}
    for script in sorted(Path("bench").glob("*.py")):
        session.run(
            "python",
            str(script),
            *extra.get(script.name, []),
            *session.posargs,
            env={"PYTHONHASHSEED": "0"},
        )


@nox.session(python=PYTHON)
def release_check(session: nox.Session) -> None:
    """Check that a release tag and CHANGELOG.md agree: `nox -s release_check -- vX.Y.Z`."""
    if len(session.posargs) != 1:
        session.error("give the tag to release: nox -s release_check -- vX.Y.Z")
    _sync(session, "test")
    session.run("python", "tests/release_check.py", *session.posargs)


def readme_commands() -> list[str]:
    """The commands README.md tells a newcomer to paste (its `python3 -m pip ...` lines)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.DOTALL)
    return [
        line.strip()
        for block in blocks
        for line in block.splitlines()
        if line.startswith("python3 -m pip install")
    ]


@nox.session(python=False)
def fresh(session: nox.Session) -> None:
    """Run the README's commands in a fresh clone of HEAD, as a newcomer would.

    Each command runs through .ci/newcomer: a bare venv, a new HOME, empty
    caches, no global git config and none of this machine's Python settings.
    Only committed work is cloned: commit first.
    """
    status = session.run("git", "status", "--porcelain", silent=True, external=True)
    if status and status.strip():
        session.warn("uncommitted changes are not part of the fresh clone")
    commands = readme_commands()
    if len(commands) != 2:
        session.error(f"README.md should give two newcomer commands, found {commands}")
    shutil.rmtree(FRESH_DIR, ignore_errors=True)
    FRESH_DIR.mkdir(parents=True)
    clone = FRESH_DIR / "repo"
    session.run("git", "clone", "--quiet", str(ROOT), str(clone), external=True)
    with session.chdir(clone):
        for command in commands:
            session.log(f"as a newcomer: {command}")
            session.run("bash", ".ci/newcomer", command, external=True)


if os.environ.get("CI"):
    nox.options.error_on_missing_interpreters = True
