"""Data reaches every clone: the pipeline pulls what it lacks, or says in one sentence why not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from templating import clean_env, git

from charter.runs.data_remote import describe_unreachable, missing_data, remote

DVC_FILE = "outs:\n- md5: 0123456789abcdef0123456789abcdef\n  size: 12\n  path: orders.csv\n"


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A committed project whose raw data a .dvc file tracks, cloned without the data."""
    root = tmp_path / "clone"
    (root / "data" / "raw").mkdir(parents=True)
    (root / ".dvc").mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "p"\n')
    (root / "data" / "raw" / "orders.csv.dvc").write_text(DVC_FILE)
    (root / "dvc.yaml").write_text("stages: {}\n")
    (root / "dvc.lock").write_text(
        "schema: '2.0'\nstages:\n  train:\n    cmd: python -m p.train\n"
        "    outs:\n    - path: artifacts/model.json\n      md5: 00\n"
    )
    (root / ".dvc" / "config").write_text(
        "[core]\n    remote = local\n['remote \"local\"']\n"
        f"    url = {tmp_path / 'on-another-machine'}\n"
    )
    git("init", "--quiet", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "project", cwd=root)
    return root


def test_missing_data_tells_sources_from_outputs(clone: Path):
    assert missing_data(clone) == (["data/raw/orders.csv"], ["artifacts/model.json"])
    (clone / "data" / "raw" / "orders.csv").write_text("order_id\n1\n")
    assert missing_data(clone) == ([], ["artifacts/model.json"])


def test_config_local_names_the_remote_a_checkout_uses(clone: Path, tmp_path: Path):
    assert remote(clone) == ("local", str(tmp_path / "on-another-machine"))
    (clone / ".dvc" / "config.local").write_text(
        "[core]\n    remote = team\n['remote \"team\"']\n    url = s3://bucket/path\n"
    )
    assert remote(clone) == ("team", "s3://bucket/path")


def test_a_local_remote_this_machine_lacks_is_exit_2_and_one_sentence(clone: Path, tmp_path: Path):
    """Once DVC's `missing data 'source'` from `dvc repro`; now which remote and what to do.

    The check reads files only: it stops before DVC starts (DVC is not even installed here).
    """
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from charter import runtime; raise SystemExit(runtime.run_pipeline([]))",
        ],
        cwd=clone,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("pipeline: data/raw/orders.csv is not in this checkout and the ")
    assert f"remote 'local' is a folder this machine does not have ({tmp_path}" in line
    assert "`uv run dvc remote add -d team s3://BUCKET/PATH`" in line
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("s3://b/p", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        ("gs://b/p", "GOOGLE_APPLICATION_CREDENTIALS"),
        ("azure://c/p", "AZURE_STORAGE_CONNECTION_STRING"),
        ("ssh://host/srv/dvc", "DVC_SSH_PRIVATE_KEY"),
    ],
)
def test_a_remote_that_fails_names_the_secret_of_its_kind(url: str, secret: str):
    sentence = describe_unreachable("team", url, ["data/raw/orders.csv"], failed=True)
    assert f"dvc pull from the DVC remote 'team' ({url}) failed: set {secret}" in sentence
    assert sentence.count(".") <= 3  # one sentence (dots in paths and URLs aside)
