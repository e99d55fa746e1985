"""Run the pipeline through DVC and record the run: `uv run nox -s pipeline`.

    uv run python -m <package>.pipeline [--force] [--run-id ID] [--no-push] [--allow-dirty]

Data this checkout lacks (a fresh clone, CI) is pulled from the project's DVC
remote first. `dvc repro` runs the stages of dvc.yaml (ingest, validate,
features, train, evaluate), skipping those whose code, data and parameters
did not change. Charter then writes runs/<run-id>/manifest.json from dvc.lock,
only from committed code and only once per code and dvc.lock (commit it with
dvc.lock), and `dvc push` sends the data to the project's DVC remote.
`charter reproduce <run-id>` reruns a recorded run from any clone.
"""

from charter import runtime

main = runtime.run_pipeline

if __name__ == "__main__":
    raise SystemExit(main())
