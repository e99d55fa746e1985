"""A throw-away project with a tiny seeded pipeline built on `charter.runs`.

It exercises run recording and `charter reproduce` for real (git, worktrees,
subprocesses) in a second, without building a uv environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from templating import clean_env, git

PIPELINE = '''\
"""Sum the input numbers, add seeded noise, record the run."""

import argparse
import json
import random
from pathlib import Path

from charter.runs import Run, write_text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="config.json")
    parser.add_argument("--run-id")
    args = parser.parse_args()
    config = json.loads(Path(args.config).read_text())
    seeds = config.pop("seeds")
    root = Path.cwd()
    run = Run(root, entry_point="mini.pipeline", params=config, seeds=seeds, run_id=args.run_id)
    data = root / "data" / "numbers.csv"
    if not data.exists():
        data.parent.mkdir(parents=True, exist_ok=True)
        data.write_text("1\\n2\\n3\\n")
    values = [int(line) for line in data.read_text().split()]
    run.record_input("numbers", data, rows=len(values), contract=("numbers", "1.0.0"))
    run.record_features([("total", 1)])
    run.record_model("scorer")
    score = sum(values) * config["scale"] + random.Random(seeds["noise"]).random()
    out = root / "artifacts" / run.run_id / "result.json"
    write_text(out, json.dumps({"score": score}))
    run.record_output("result", out)
    print(run.finish({"score": round(score, 6)}))


main()
'''

PYPROJECT = """\
[project]
name = "mini"
version = "0.1.0"

[tool.charter]
runs = "runs"
"""


def make(root: Path, repository: Path | None = None) -> Path:
    """Create the mini project in `root` and commit it in `repository` (default: `root`)."""
    (root / "src" / "mini").mkdir(parents=True)
    (root / "src" / "mini" / "__init__.py").write_text("")
    (root / "src" / "mini" / "pipeline.py").write_text(PIPELINE)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "uv.lock").write_text("version = 1\n")
    (root / "config.json").write_text('{"scale": 2, "seeds": {"noise": 7}}\n')
    # Like every real project, ignore what Python writes beside the code: a
    # newcomer's Python writes __pycache__/ (CI's may not), and an untracked
    # cache folder would make every recorded run "dirty".
    (root / ".gitignore").write_text("/data/\n/artifacts/\n__pycache__/\n")
    repository = repository or root
    git("init", "--quiet", "--initial-branch=main", cwd=repository)
    git("add", "-A", cwd=repository)
    git("commit", "--quiet", "-m", "mini project", cwd=repository)
    return root


def run_pipeline(root: Path, *args: str) -> Path:
    """Run the mini pipeline; return the manifest path it printed."""
    env = clean_env()
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), env.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-m", "mini.pipeline", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(result.stdout.strip())
