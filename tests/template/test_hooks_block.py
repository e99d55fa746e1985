"""Generated tier: the installed hooks of a generated project refuse secrets and big files.

Each case is committed with real git through the project's installed pre-commit
hooks, and the commit must be refused by the hook named. The secrets are made
at run time (a fresh Ed25519 key, random token-like strings), so none sits in
this repository.
"""

from __future__ import annotations

import base64
import secrets
import shutil
import string
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run
from templating import clean_env

pytestmark = pytest.mark.generated

BIG = 20 * 1024 * 1024  # 20 MB, far over the 500 kB limit
# A PKCS#8 Ed25519 private key is this fixed DER header and 32 secret bytes.
ED25519_PKCS8_HEADER = bytes.fromhex("302e020100300506032b657004220420")


def random_text(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def der_key() -> bytes:
    return ED25519_PKCS8_HEADER + secrets.token_bytes(32)


def write_der_key(project: Path) -> None:
    (project / "deploy").mkdir()
    (project / "deploy" / "service-account").write_bytes(der_key())


def write_base64_key(project: Path) -> None:
    encoded = base64.b64encode(der_key()).decode()
    (project / "configs" / "deploy.yaml").write_text(f"signing_key: {encoded}\n")


def write_aws_key(project: Path) -> None:
    key = "AKIA" + random_text(string.ascii_uppercase + string.digits, 16)
    (project / "configs" / "cloud.py").write_text(f'AWS_ACCESS_KEY_ID = "{key}"\n')


def write_github_token(project: Path) -> None:
    token = "ghp_" + random_text(string.ascii_letters + string.digits, 36)
    readme = project / "README.md"
    readme.write_text(readme.read_text() + f"\nCI token: {token}\n")


def grow_readme(project: Path) -> None:
    readme = project / "README.md"
    line = "A line about the project that grows and grows.\n"
    readme.write_text(readme.read_text() + line * (BIG // len(line)))


def replace_png(project: Path) -> None:
    png = project / "docs" / "assets" / "charter-badge.png"
    assert png.is_file()
    png.write_bytes(png.read_bytes()[:8] + secrets.token_bytes(BIG))


CASES = [
    pytest.param(write_der_key, "no-encoded-private-keys", id="der-private-key"),
    pytest.param(write_base64_key, "no-encoded-private-keys", id="base64-private-key"),
    pytest.param(write_aws_key, "detect-secrets", id="aws-access-key"),
    pytest.param(write_github_token, "detect-secrets", id="github-token"),
    pytest.param(grow_readme, "check-added-large-files", id="readme-grown-to-20mb"),
    pytest.param(replace_png, "check-added-large-files", id="png-replaced-by-20mb"),
]


def commit(project: Path, message: str) -> tuple[int, str]:
    """`git commit` through the installed hooks; the output may quote binary bytes."""
    result = subprocess.run(
        ["git", "commit", "-m", message],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        errors="replace",
        timeout=900,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.fixture(scope="module")
def hooked(generated_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the default project with its pre-commit hooks installed."""
    project = tmp_path_factory.mktemp("hooked") / "default"
    shutil.copytree(generated_project, project, symlinks=True)
    run("uv", "sync", "--locked", "--quiet", cwd=project)  # a copied .venv needs relinking
    run("uv", "run", "--frozen", "pre-commit", "install", cwd=project)
    return project


@pytest.fixture
def project(hooked: Path):
    """The hooked project, back at its first commit after each case."""
    yield hooked
    run("git", "reset", "--quiet", "--hard", "HEAD", cwd=hooked)
    run("git", "clean", "-fdq", cwd=hooked)


@pytest.mark.parametrize(("change", "hook"), CASES)
def test_the_commit_is_refused(project: Path, change: Callable[[Path], None], hook: str):
    change(project)
    run("git", "add", "-A", cwd=project)
    returncode, output = commit(project, "A change the hooks must refuse")
    assert returncode == 1, output[-3000:]
    assert f"- hook id: {hook}\n" in output, output[-3000:]
    assert run("git", "rev-list", "--count", "HEAD", cwd=project).stdout.strip() == "1"


def test_a_clean_change_still_commits(project: Path):
    """The refusals above come from the cases, not from hooks that refuse everything."""
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nA line about the project.\n")
    run("git", "add", "-A", cwd=project)
    returncode, output = commit(project, "Describe the project")
    assert returncode == 0, output
    run("git", "reset", "--quiet", "--hard", "HEAD~1", cwd=project)


@pytest.mark.parametrize(
    "name", [".env", ".env.production", "deploy/key.pem", "credentials.json", ".aws/credentials"]
)
def test_secret_files_are_git_ignored(project: Path, name: str):
    assert run("git", "check-ignore", "--quiet", name, cwd=project, check=False).returncode == 0


def test_a_run_manifest_full_of_hashes_is_not_a_secret(project: Path):
    """Manifests hold commit, lock and data hashes; the same text elsewhere is refused."""
    hashes = (
        f'{{"code": {{"commit": "{secrets.token_hex(20)}"}}, '
        f'"environment": {{"lock_sha256": "{secrets.token_hex(32)}"}}}}\n'
    )
    manifest = project / "runs" / "20261201T000000Z-abcdef" / "manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(hashes)
    elsewhere = project / "configs" / "copied.json"
    elsewhere.write_text(hashes)
    run("git", "add", "-A", cwd=project)
    hook = run(
        "uv",
        "run",
        "--frozen",
        "pre-commit",
        "run",
        "detect-secrets",
        "--files",
        str(manifest.relative_to(project)),
        str(elsewhere.relative_to(project)),
        cwd=project,
        check=False,
    )
    assert hook.returncode == 1, hook.stdout
    assert "configs/copied.json" in hook.stdout
    assert "manifest.json" not in hook.stdout
