"""An S3-compatible server for the session: moto's, on 127.0.0.1, started and stopped here.

Projects whose `data_remote` is `s3://BUCKET/...` push to it and pull from it
for real (DVC's `dvc[s3]` extra in the generated project, botocore on the wire).
Credentials are the environment's only, as in CI: `S3Server.env` holds them,
and `endpointurl` in the project's `.dvc/config` points DVC at the server, as
a team on MinIO or another S3-compatible store would commit it.

    def test_x(s3_server):
        url = s3_server.remote("my-project")        # s3://charter-tests/my-project
        run("uv", "run", "dvc", "push", cwd=project, env=s3_server.env)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

BUCKET = "charter-tests"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str
    env: dict[str, str]
    """AWS_* variables DVC (botocore) reads: dummy keys moto accepts, a region."""

    def remote(self, prefix: str) -> str:
        return f"s3://{self.bucket}/{prefix}"

    def keys(self, prefix: str = "") -> list[str]:
        """Object keys under `prefix` in the bucket (what a push left there)."""
        import boto3  # noqa: PLC0415 - moto's dependency

        client = boto3.client("s3", endpoint_url=self.endpoint, **_client_args(self.env))
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def configure(self, project: Path, remote: str = "team") -> None:
        """Point the project's DVC remote at this server (`endpointurl` in .dvc/config)."""
        command = ["uv", "run", "--frozen", "dvc", "remote", "modify", remote, "endpointurl"]
        subprocess.run(
            [*command, self.endpoint],
            cwd=project,
            env={**os.environ, **self.env},
            check=True,
            capture_output=True,
        )


def _client_args(env: dict[str, str]) -> dict[str, str]:
    return {
        "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
        "region_name": env["AWS_DEFAULT_REGION"],
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """moto's S3 server on a free port of 127.0.0.1 with one empty bucket; stopped at the end."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with log.open("wb") as stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto's S3 server did not start:\n{log.read_text()}")
                time.sleep(0.2)
        env = {
            "AWS_ACCESS_KEY_ID": "charter-tests",
            "AWS_SECRET_ACCESS_KEY": "charter-tests-secret",  # pragma: allowlist secret
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        import boto3  # noqa: PLC0415

        boto3.client("s3", endpoint_url=endpoint, **_client_args(env)).create_bucket(Bucket=BUCKET)
        yield S3Server(endpoint, BUCKET, env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
