"""A mini project with an honest run, a card naming it, the template's checklists and real keys.

Keys are made by `ssh-keygen` at test time, outside the project (the repository's
hooks refuse key files, and a test must never commit one).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from mini_project import make, run_pipeline
from templating import git

REPO = Path(__file__).resolve().parents[3]

CATALOG = """\
apiVersion: charter.dev/feature-catalog/v1
features:
  - name: total
    version: 1
    status: active
"""

CONTRACT = """\
apiVersion: v3.1.0
kind: DataContract
id: numbers
version: 1.0.0
status: active
"""

CARD = """\
---
license: apache-2.0
governance:
  apiVersion: charter/v1
  owner: "@alice"
  features: [total@1]
  contracts: [numbers]
  run_manifest: {run}
---

# scorer

Sums numbers.
"""

PEOPLE = {"alice": ("model_owner",), "bob": ("product_owner",), "mallory": ("product_owner",)}
"""Who holds which role; mallory has a key but is not in governance/approvers."""
LISTED = ("alice", "bob")


def make_key(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key


def approvers_line(key: Path, name: str, roles: tuple[str, ...]) -> str:
    kind, base64 = key.with_name(key.name + ".pub").read_text().split()[:2]
    principals = ",".join([f"{name}@example.com", *(f"role:{r}" for r in roles)])
    return f'{principals} namespaces="charter-approval,charter-bundle" {kind} {base64}\n'


def build(root: Path, keys: Path) -> dict[str, Path]:
    """The committed project with one run and the approvers file; the keys by person."""
    make(root)
    governance = root / "governance"
    (governance / "features").mkdir(parents=True)
    (governance / "features" / "catalog.yaml").write_text(CATALOG)
    (governance / "contracts").mkdir()
    (governance / "contracts" / "numbers.odcs.yaml").write_text(CONTRACT)
    shutil.copytree(REPO / "template" / "governance" / "checklists", governance / "checklists")
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "governance", cwd=root)
    manifest = run_pipeline(root)
    relative = manifest.relative_to(root).as_posix() if manifest.is_absolute() else manifest
    (governance / "models" / "scorer").mkdir(parents=True)
    (governance / "models" / "scorer" / "card.md").write_text(CARD.format(run=relative))
    people = {name: make_key(keys, name) for name in PEOPLE}
    text = (REPO / "template" / "governance" / "approvers").read_text()
    text += "".join(approvers_line(people[n], n, PEOPLE[n]) for n in LISTED)
    (governance / "approvers").write_text(text)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "run, card and approvers", cwd=root)
    return people
