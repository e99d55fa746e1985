"""SSH signatures, made and checked the way git makes and checks them.

Signing runs `ssh-keygen -Y sign -n NAMESPACE -f KEY` (so a key in ssh-agent,
a hardware key or a passphrase prompt all work as they do for `git commit -S`);
checking is pure Python (the `sshsig` package), so `charter check` and
`charter bundle verify` need no subprocess and no network. Which key may sign
what is the caller's question: `signer_key` answers only which key made a
valid signature of these bytes in this namespace.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class SigningError(Exception):
    """No key to sign with, or ssh-keygen could not sign."""


def signing_key(explicit: str | None, root: Path) -> Path:
    """The key to sign with: `--key`, else git's `user.signingkey` (as `git commit -S` uses)."""
    value = explicit
    if value is None:
        result = subprocess.run(
            ["git", "config", "--get", "user.signingkey"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        value = result.stdout.strip() or None
    if value is None:
        raise SigningError(
            "no signing key: pass --key PATH or set git's user.signingkey to your SSH key"
        )
    if value.startswith("key::"):
        raise SigningError(
            "user.signingkey holds a literal key (key::...); pass --key PATH to its file"
        )
    path = Path(value).expanduser()
    if not path.is_file():
        raise SigningError(f"signing key {path} does not exist")
    return path


def public_key(key: Path) -> str:
    """The public key (`type base64`) of a private key file, or of a `.pub` file."""
    candidates = [key] if key.suffix == ".pub" else [key.with_name(key.name + ".pub")]
    for candidate in candidates:
        if candidate.is_file():
            parts = candidate.read_text("utf-8").split()
            if len(parts) >= 2:
                return f"{parts[0]} {parts[1]}"
    result = _ssh_keygen("-y", "-f", str(key))
    parts = result.stdout.decode().split()
    if result.returncode != 0 or len(parts) < 2:
        raise SigningError(f"cannot read the public key of {key}: {_why(result)}")
    return f"{parts[0]} {parts[1]}"


def sign(data: bytes, key: Path, namespace: str) -> bytes:
    """The armored SSH signature of `data` (`ssh-keygen -Y sign`, data on stdin)."""
    result = _ssh_keygen("-Y", "sign", "-n", namespace, "-f", str(key), data=data)
    if result.returncode != 0 or b"BEGIN SSH SIGNATURE" not in result.stdout:
        raise SigningError(f"ssh-keygen could not sign with {key}: {_why(result)}")
    return result.stdout


def signer_key(data: bytes, armored: bytes, namespace: str) -> tuple[str | None, str]:
    """(public key `type base64`, "") of a valid signature of `data`, else (None, why)."""
    import sshsig  # noqa: PLC0415 - cryptography is slow to import

    try:
        key = sshsig.check_signature(data, armored, namespace)
    except sshsig.InvalidSignature as error:
        return None, _reason(error)
    except (ValueError, NotImplementedError, IndexError, TypeError) as error:
        return None, f"not an SSH signature ({error})"
    return key.openssh_str(), ""


def _reason(error: Exception) -> str:
    text = str(error)
    if "Namespace" in text:
        return f"it was made for another purpose ({text})"
    if text:
        return f"it is not a readable SSH signature ({text})"
    return "it does not match the file's bytes (edited after signing, or copied from another file)"


def _ssh_keygen(*args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["ssh-keygen", *args],
            input=data,
            stdin=None if data is not None else subprocess.DEVNULL,
            capture_output=True,
            check=False,
            timeout=120,
        )
    except FileNotFoundError:
        raise SigningError("ssh-keygen is not installed (it comes with OpenSSH)") from None


def _why(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else f"exit {result.returncode}"
