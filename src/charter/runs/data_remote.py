"""Which data this checkout lacks, where DVC would fetch it, and what to say when it cannot.

A fresh clone or a CI runner has the code but none of the data: DVC keeps that
in its cache and remote. The pipeline asks here before `dvc repro`, reading
the `.dvc` files, dvc.lock and the DVC config as files (no DVC start-up when
nothing is missing). Credentials are never read or written here: DVC takes
them from the environment (or `.dvc/config.local`).
"""

from __future__ import annotations

import configparser
import subprocess
from pathlib import Path

import yaml

from charter.constants import DVC_LOCK

SECRETS = {
    "s3": "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_DEFAULT_REGION, and "
    "AWS_ENDPOINT_URL for an S3-compatible server)",
    "gs": "GOOGLE_APPLICATION_CREDENTIALS (the path of a service-account key file)",
    "azure": "AZURE_STORAGE_CONNECTION_STRING (or AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY)",
    "ssh": "DVC_SSH_PRIVATE_KEY and DVC_SSH_KNOWN_HOSTS (CI; on a laptop: ssh-agent or ~/.ssh)",
}
"""The environment each remote kind takes its credentials from: docs/guide/own-data.md's table
and the generated CI say the same, and tests/package/test_remote_credentials.py checks it."""


def missing_data(root: Path) -> tuple[list[str], list[str]]:
    """(files `.dvc` files track, stage outputs dvc.lock records) absent from the checkout."""
    sources = [path for path in _tracked_by_dvc_files(root) if not (root / path).exists()]
    outputs = [path for path in _locked_outputs(root) if not (root / path).exists()]
    return sources, [path for path in outputs if path not in sources]


def _tracked_by_dvc_files(root: Path) -> list[str]:
    result = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.dvc"], cwd=root, capture_output=True, check=False
    )
    names = result.stdout.decode("utf-8", "surrogateescape").split("\0") if result.stdout else []
    found = []
    for name in filter(None, names):
        data = _yaml(root / name)
        for out in data.get("outs") or [] if isinstance(data, dict) else []:
            if isinstance(out, dict) and isinstance(out.get("path"), str):
                found.append((Path(name).parent / out["path"]).as_posix())
    return found


def _locked_outputs(root: Path) -> list[str]:
    data = _yaml(root / DVC_LOCK)
    stages = data.get("stages") if isinstance(data, dict) else None
    return [
        out["path"]
        for stage in (stages or {}).values()
        if isinstance(stage, dict)
        for out in stage.get("outs") or []
        if isinstance(out, dict) and isinstance(out.get("path"), str)
    ]


def _yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def remote(root: Path) -> tuple[str, str | None]:
    """(name, URL) of the default DVC remote as `.dvc/config` and `config.local` say."""
    config = configparser.ConfigParser(interpolation=None)
    try:
        config.read([root / ".dvc" / "config", root / ".dvc" / "config.local"], encoding="utf-8")
    except configparser.Error:
        return "", None
    name = config.get("core", "remote", fallback="").strip()
    for section in (f"'remote \"{name}\"'", f'remote "{name}"'):
        if name and config.has_option(section, "url"):
            url = config.get(section, "url").strip()
            if "://" not in url and not Path(url).is_absolute():
                url = str((root / ".dvc" / url).resolve())  # DVC: relative to the config
            return name, url
    return name, None


def kind(url: str | None) -> str:
    """`s3`, `gs`, `azure`, `ssh` or `local`, from the remote's URL."""
    scheme = url.split("://", 1)[0] if url and "://" in url else "local"
    return {"gcs": "gs", "azure": "azure", "az": "azure"}.get(scheme, scheme)


def describe_unreachable(
    name: str, url: str | None, paths: list[str], *, failed: bool = False
) -> str:
    """One sentence: which data is missing, which remote, and how to reach or replace it."""
    shown = ", ".join(paths[:3]) + ("" if len(paths) <= 3 else f" (and {len(paths) - 3} more)")
    what = f"{shown} {'is' if len(paths) == 1 else 'are'} not in this checkout and "
    shared = (
        "set a shared one with `uv run dvc remote add -d team s3://BUCKET/PATH` (or gs://, "
        "azure://, ssh://), commit .dvc/config, and `uv run dvc push` from the machine that "
        "has the data (docs: reproducible runs, the data remote)"
    )
    if url is None:
        return f"{what}the project names no DVC remote to pull {shown} from; {shared}"
    remote_kind = kind(url)
    if remote_kind == "local":
        return (
            f"{what}the project's DVC remote {name!r} is a folder this machine does not have "
            f"({url}): it is only on the machine that made it; {shared}"
        )
    secret = SECRETS.get(remote_kind, "the credentials DVC documents for this remote")
    outcome = "failed" if failed else "cannot run"
    return (
        f"{what}dvc pull from the DVC remote {name!r} ({url}) {outcome}"
        f": set {secret} in the environment (CI: a secret of the repository), check that the "
        "remote holds the data (`uv run dvc push` where it was made), and run again"
    )
