"""`governance/approvers`: who may sign off, in git's allowed-signers format.

One line per person and key, exactly as `ssh-keygen -Y verify -f` and git's
`gpg.ssh.allowedSignersFile` read it:

    alice@example.com,role:model_owner namespaces="charter-approval,charter-bundle" ssh-ed25519 AA..

The principals field holds the person's identity first, then one `role:NAME`
principal per role they hold (ssh-keygen refuses unknown options, so roles
cannot be options; as principals, `ssh-keygen -Y verify -I role:model_owner`
checks the role itself). Lines are parsed by the `sshsig` package's reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from charter.formats.source import read_text

FILE = "governance/approvers"
ROLE_PREFIX = "role:"


@dataclass(frozen=True)
class Approver:
    line: int
    identity: str
    roles: tuple[str, ...]
    namespaces: tuple[str, ...] | None
    """The `namespaces=` option; None: any namespace."""
    key: str
    """The public key, `type base64`."""

    def allows(self, namespace: str) -> bool:
        return self.namespaces is None or namespace in self.namespaces


@dataclass
class Approvers:
    path: Path
    text: str
    entries: list[Approver] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    """(line, why) of each line that is not a valid allowed-signers entry."""

    def by_key(self, key: str, namespace: str) -> list[Approver]:
        """The entries for a public key (`type base64`) valid in `namespace`."""
        return [e for e in self.entries if e.key == key and e.allows(namespace)]


def parse(text: str, path: Path) -> Approvers:
    approvers = Approvers(path=path, text=text)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        # Only a file that lists someone pays for importing cryptography (~0.1 s).
        from sshsig import PublicKey  # noqa: PLC0415
        from sshsig.allowed_signers import AllowedSigner  # noqa: PLC0415

        try:
            signer = AllowedSigner.parse(line)
            key = PublicKey.from_openssh_str(f"{signer.key_type} {signer.base64_key}")
        except (ValueError, NotImplementedError, IndexError) as error:
            approvers.errors.append((number, f"not an allowed-signers line: {error}"))
            continue
        principals = [p for p in signer.principals.split(",") if p]
        options = signer.options or {}
        if "cert-authority" in options:
            approvers.errors.append((number, "cert-authority lines are not supported here"))
            continue
        namespaces = options.get("namespaces")
        identity = next((p for p in principals if not p.startswith(ROLE_PREFIX)), "")
        if not identity:
            approvers.errors.append((number, "no identity before the role: principals"))
            continue
        roles = tuple(p.removeprefix(ROLE_PREFIX) for p in principals if p.startswith(ROLE_PREFIX))
        approvers.entries.append(
            Approver(
                line=number,
                identity=identity,
                roles=roles,
                namespaces=tuple(namespaces.split(",")) if namespaces is not None else None,
                key=key.openssh_str(),
            )
        )
    return approvers


def load(path: Path, root: Path | None = None) -> Approvers:
    return parse(read_text(path, root), path)
