"""The repository's own hooks scan for secrets and big files as strictly as its projects' do."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from templating import own_size_exclude

ROOT = Path(__file__).resolve().parents[2]
GUARDS = [
    "check-added-large-files",
    "detect-private-key",
    "detect-secrets",
    "no-encoded-private-keys",
    "no-key-files",
]


def hooks(config: Path) -> dict[str, dict]:
    data = yaml.safe_load(config.read_text())
    return {hook["id"]: hook for repo in data["repos"] for hook in repo["hooks"]}


def test_the_repository_runs_the_generated_secret_and_size_guards(render):
    generated = hooks(render() / ".pre-commit-config.yaml")
    own = hooks(ROOT / ".pre-commit-config.yaml")
    for hook in GUARDS:
        assert hook in own, f"the repository's .pre-commit-config.yaml lacks {hook}"
        for key in ("entry", "language", "args", "files", "exclude"):
            expected = generated[hook].get(key)
            if (hook, key) == ("check-added-large-files", "exclude"):
                expected = own_size_exclude(expected)
            assert own[hook].get(key) == expected, f"{hook}: {key} differs"
    assert "--enforce-all" in own["check-added-large-files"]["entry"]


def test_the_baseline_allows_only_audited_example_hashes():
    """Each file the repository's baseline allows is named here, with why."""
    baseline = json.loads((ROOT / ".secrets.baseline").read_text())
    audited = {
        "docs/formats/run-manifest.md": "example blake3 fingerprints and commit hashes",
        "src/charter/site/assets/mermaid.json": "npm integrity, sha256 of vendored Mermaid",
    }
    assert set(baseline["results"]) <= set(audited)
