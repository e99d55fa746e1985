"""Data reaches every clone, for real: a project whose data remote is S3 (moto's server).

One clone runs the pipeline and pushes; a second clone, with a new HOME, empty
caches and only the bucket in common, runs its tests, then `nox -s pipeline`
(which pulls what the stages need before `dvc repro`) and `charter reproduce`.
Credentials come from the environment only, as CI passes them.

The generated project carries `dvc[s3]` because its `data_remote` is an
`s3://` URL (the template adds the extra of the remote's kind): only projects
on S3 pay for boto and s3fs, and this test exercises exactly what they install.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import build_project, run

pytestmark = pytest.mark.generated


@pytest.fixture(scope="session")
def s3_project(template_repo: Path, s3_server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A default project whose `data_remote` is a bucket prefix on the session's S3 server.

    Locked (with `dvc[s3]`), installed and committed, `endpointurl` committed in
    .dvc/config as a team on an S3-compatible store would. Treat it as read-only:
    copy or clone it.
    """
    root = tmp_path_factory.mktemp("s3") / "project"
    build_project(template_repo, root, {"data_remote": s3_server.remote("project")})
    s3_server.configure(root)
    run("git", "commit", "--quiet", "--no-verify", "-am", "DVC remote on the S3 server", cwd=root)
    return root


def fresh_env(tmp_path: Path, s3_server) -> dict[str, str]:
    """A new HOME and empty DVC caches, the S3 keys in the environment; uv's cache shared."""
    home = tmp_path / "home"
    home.mkdir(parents=True)
    uv_cache = run("uv", "cache", "dir", cwd=tmp_path).stdout.strip()
    return {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR", uv_cache),
        "DVC_SITE_CACHE_DIR": str(tmp_path / "dvc-site"),
        "DVC_NO_ANALYTICS": "1",
        **s3_server.env,
    }


def nox(root: Path, session: str, env: dict[str, str], *, check: bool = True):
    return run("uv", "run", "--frozen", "nox", "-s", session, cwd=root, env=env, check=check)


def test_a_second_clone_with_only_the_bucket_in_common_runs_tests_pipeline_and_reproduce(
    s3_project: Path, s3_server, tmp_path: Path
):
    first = tmp_path / "first"
    env = fresh_env(tmp_path / "a", s3_server)
    run("git", "clone", "--quiet", str(s3_project), str(first), cwd=tmp_path, env=env)
    run("uv", "sync", "--locked", "--quiet", cwd=first, env=env)
    made = nox(first, "pipeline", env)
    line = next(line for line in made.stdout.splitlines() if "run recorded in" in line)
    run_id = line.split()[3].split("/")[1]
    pushed = s3_server.keys("project/")
    assert pushed, "the pipeline pushed nothing to the bucket"
    run("git", "add", "dvc.lock", "runs", cwd=first)
    run("git", "commit", "--quiet", "--no-verify", "-m", "Record the run", cwd=first)

    second = tmp_path / "elsewhere" / "second"
    env = fresh_env(tmp_path / "b", s3_server)
    run("git", "clone", "--quiet", str(first), str(second), cwd=tmp_path, env=env)
    assert not (second / "data" / "raw" / "patients.parquet").exists()
    assert not (second / ".dvc" / "cache").exists()
    run("uv", "sync", "--locked", "--quiet", cwd=second, env=env)
    nox(second, "tests", env)  # no data needed, and nothing sent to the bucket
    assert s3_server.keys("project/") == pushed
    pipeline = nox(second, "pipeline", env)
    assert "dvc pull from team (s3://charter-tests/project)" in pipeline.stdout
    for stage in ("ingest", "validate", "features", "train", "evaluate"):
        assert f"Stage '{stage}' didn't change, skipping" in pipeline.stdout  # pulled, not remade
    assert f"no new run recorded: run {run_id} already records this code" in pipeline.stdout
    reproduced = run("uv", "run", "--frozen", "charter", "reproduce", run_id, cwd=second, env=env)
    assert "5 output hashes and 3 metrics identical" in reproduced.stdout
    status = run("git", "status", "--porcelain", "--untracked-files=all", cwd=second).stdout
    assert status == ""


def test_without_the_keys_a_pull_of_team_data_is_one_sentence_naming_the_secret(
    s3_project: Path, s3_server, tmp_path: Path
):
    """Data a .dvc file tracks cannot be remade: no credentials, exit 2 and what to set."""
    origin = tmp_path / "origin"
    env = fresh_env(tmp_path / "a", s3_server)
    run("git", "clone", "--quiet", str(s3_project), str(origin), cwd=tmp_path, env=env)
    run("uv", "sync", "--locked", "--quiet", cwd=origin, env=env)
    orders = origin / "data" / "raw" / "orders.csv"
    orders.write_text("order_id,amount\n1,9.5\n")
    run("uv", "run", "--frozen", "dvc", "add", "data/raw/orders.csv", cwd=origin, env=env)
    run("uv", "run", "--frozen", "dvc", "push", "data/raw/orders.csv", cwd=origin, env=env)
    run("git", "add", "-A", cwd=origin)
    run("git", "commit", "--quiet", "--no-verify", "-m", "Team data", cwd=origin)

    clone = tmp_path / "clone"
    bare = {k: v for k, v in fresh_env(tmp_path / "b", s3_server).items() if "AWS" not in k}
    bare["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "no-credentials")
    bare["AWS_CONFIG_FILE"] = str(tmp_path / "no-config")
    bare["AWS_EC2_METADATA_DISABLED"] = "true"  # no cloud metadata service to wait for
    run("git", "clone", "--quiet", str(origin), str(clone), cwd=tmp_path, env=bare)
    run("uv", "sync", "--locked", "--quiet", cwd=clone, env=bare)
    package = next(p.name for p in (clone / "src").iterdir() if (p / "pipeline.py").is_file())
    result = run(
        "uv", "run", "--frozen", "python", "-m", f"{package}.pipeline",
        cwd=clone, env=bare, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("pipeline: data/raw/orders.csv is not in this checkout and dvc pull")
    assert "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in last
    assert "failed to reproduce" not in result.stderr
    shutil.rmtree(clone / ".venv", ignore_errors=True)
