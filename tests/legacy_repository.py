"""An existing repository that never used the template: the retrofit tests' starting point.

Its own README, .gitignore, package and training script, a requirements.txt,
and a data file; the code is clean under any ruff and strict mypy, so what the
checks say after `charter adopt` is about the adoption, not about this code.
"""

from __future__ import annotations

from pathlib import Path

from templating import clean_env, git

FILES = {
    "pyproject.toml": (
        '[project]\nname = "legacy-forecast"\nversion = "1.3.0"\n'
        'description = "Forecasts weekly demand for the clinics\' appointment desk."\n'
        'requires-python = ">=3.11"\n'
        'authors = [{ name = "Grace Hopper", email = "grace@acme.example" }]\n'
        "dependencies = []\n\n[tool.ruff]\nline-length = 88\n"
    ),
    "requirements.txt": "pyyaml>=6.0  # configs\n",
    "README.md": "# Legacy forecast\n\nOur own README.\n",
    ".gitignore": "__pycache__/\n*.egg-info/\n",
    "src/legacy_forecast/__init__.py": '"""Weekly demand forecast."""\n',
    "src/legacy_forecast/train.py": (
        '"""Train the model."""\n\n\ndef main() -> None:\n    print("training")\n'
    ),
    "data/visits.csv": (
        "visit_id,clinic,age,weight_kg,visited_on\n1,north,40,70.5,2026-01-03\n"
        "2,south,51,82.0,2026-01-04\n3,north,63,,2026-01-05\n"
    ),
}


def legacy_repository(root: Path) -> Path:
    """The repository, committed (git history is part of what adopt must respect)."""
    for relative, text in FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    env = clean_env()
    git("init", "--quiet", "--initial-branch=main", cwd=root, env=env)
    git("add", "-A", cwd=root, env=env)
    git("commit", "--quiet", "-m", "Our project", cwd=root, env=env)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {relative: (root / relative).read_bytes() for relative in FILES}
