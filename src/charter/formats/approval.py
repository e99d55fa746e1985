"""Approvals (`governance/approvals/<model>/<stage>-<role>-<n>.yaml`) and their signatures.

An approval is one person's sign-off of one model at one stage in one role.
It names its subject by content hashes (the run's commit, the run manifest,
the card, the contracts at their versions, the deployment manifests), so any
later change to what it names voids it. The signature beside it
(`<file>.sig`) is an SSH signature of the file's exact bytes, made the way git
signs (`ssh-keygen -Y sign -n charter-approval`). The reader is tolerant: a
field of the wrong type reads as None and the schema rule (APR001) says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from charter.formats.source import Document, FormatError, parse_yaml, read_bytes

SCHEMA_FILE = "approval.schema.json"
KIND = "Approval"
FOLDER = "governance/approvals"
"""Where approvals live: `<FOLDER>/<model>/<stage>-<role>-<n>.yaml`."""
NAMESPACE = "charter-approval"
"""The SSH signature namespace of approvals: a signature made for git or a bundle never passes."""
SIGNATURE_SUFFIX = ".sig"


@dataclass(frozen=True)
class SubjectFile:
    role: str | None
    path: str | None
    sha256: str | None
    version: str | None
    pointer: str


@dataclass
class Approval:
    path: Path
    document: Document
    body: bytes
    """The exact bytes that were signed."""
    signature: bytes | None
    """The armored signature beside the file (`<file>.sig`); None when absent."""

    @property
    def data(self) -> dict[str, Any]:
        return self.document.data

    def _text(self, key: str, data: Any = None) -> str | None:
        value = (self.data if data is None else data).get(key)
        return value if isinstance(value, str) else None

    @property
    def model(self) -> str | None:
        return self._text("model")

    @property
    def stage(self) -> str | None:
        return self._text("stage")

    @property
    def role(self) -> str | None:
        return self._text("role")

    @property
    def approver(self) -> str | None:
        return self._text("approver")

    @property
    def approved_at(self) -> datetime | None:
        """The signed time, timezone-aware (a naive time is taken as UTC); None if unreadable."""
        value = self._text("approvedAt")
        try:
            moment = datetime.fromisoformat(value) if value else None
        except ValueError:
            return None
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment

    @property
    def subject(self) -> dict[str, Any]:
        value = self.data.get("subject")
        return value if isinstance(value, dict) else {}

    @property
    def run(self) -> str | None:
        return self._text("run", self.subject)

    @property
    def commit(self) -> str | None:
        return self._text("commit", self.subject)

    @property
    def files(self) -> list[SubjectFile]:
        files = self.subject.get("files")
        found = []
        for i, item in enumerate(files if isinstance(files, list) else []):
            if isinstance(item, dict):
                text = {k: v if isinstance(v, str) else None for k, v in item.items()}
                found.append(
                    SubjectFile(
                        text.get("role"),
                        text.get("path"),
                        text.get("sha256"),
                        text.get("version"),
                        f"/subject/files/{i}",
                    )
                )
        return found


def signature_path(path: Path) -> Path:
    return path.with_name(path.name + SIGNATURE_SUFFIX)


def load(path: Path, root: Path | None = None) -> Approval:
    """Read an approval and the signature beside it (bounded reads, like every artifact)."""
    body = read_bytes(path, root)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    document = parse_yaml(text, path)
    if not isinstance(document.data, dict):
        raise FormatError("an approval must be a YAML mapping")
    sig_path = signature_path(path)
    signature = read_bytes(sig_path, root) if sig_path.is_file() else None
    return Approval(path=path, document=document, body=body, signature=signature)
