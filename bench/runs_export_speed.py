"""What `charter runs export --to mlflow` costs against logging the same runs with mlflow.log_*.

Usage: python bench/runs_export_speed.py [--runs N] [--count RUNS] [--results DIR]

A throw-away git project records --count runs (default 100) through the real
recording API (`charter.runs.Run`). Each repetition then fills two new local
SQLite stores with the same content: one through `charter.runs.mlflow_export`
(what `charter runs export --to mlflow` runs), one the way a pipeline would log
it itself with MLflow's fluent API (`mlflow.start_run`, `log_params`,
`log_metrics`, `set_tags`, `log_input`, `log_artifact`, `log_dict`,
`register_model`). Both stores are created (MLflow's migrations, several
seconds) before the clock starts; `import mlflow` is paid once, before any
case. A second export of the same runs (which must change nothing) is timed
too. Medians of --runs (default 3). Writes bench/results/runs_export_speed.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from harness.machine import machine_facts
from harness.report import add_results_option, table, write_result
from runs_speed import make_project, record

from charter.project import Project
from charter.runs import mlflow_export


def store(folder: Path, name: str) -> str:
    """A new SQLite store, migrated (MLflow creates its tables on first use)."""
    from mlflow import MlflowClient  # noqa: PLC0415

    uri = f"sqlite:///{folder / name}.db"
    MlflowClient(uri).search_experiments()
    return uri


def export(manifests: list, uri: str) -> tuple[float, int]:
    started = time.perf_counter()
    done = list(mlflow_export.export(manifests, uri=uri, experiment="bench"))
    elapsed = time.perf_counter() - started
    assert len(done) == len(manifests)
    return elapsed, sum(d.created for d in done)


def direct(manifests: list, root: Path, uri: str, artifacts: Path) -> float:
    """The same content, logged as a pipeline logs it with MLflow's fluent API."""
    import mlflow  # noqa: PLC0415
    from mlflow.data.dataset_source_registry import resolve_dataset_source  # noqa: PLC0415
    from mlflow.data.meta_dataset import MetaDataset  # noqa: PLC0415

    started = time.perf_counter()
    registry = mlflow.MlflowClient(uri)
    mlflow.set_tracking_uri(uri)
    if mlflow.get_experiment_by_name("bench") is None:
        mlflow.create_experiment("bench", artifact_location=artifacts.as_uri())
    mlflow.set_experiment("bench")
    for m in manifests:
        with mlflow.start_run(run_name=m.run_id, tags={"charter.run_id": m.run_id}):
            mlflow.log_params(mlflow_export.params_of(m))
            mlflow.log_metrics(m.metrics)
            mlflow.set_tags(mlflow_export.tags_of(m))
            for item in m.inputs:
                with warnings.catch_warnings():  # "can be interpreted in multiple ways"
                    warnings.simplefilter("ignore", UserWarning)
                    source = resolve_dataset_source(str(root / item.uri))
                dataset = MetaDataset(
                    source,
                    name=item.name,
                    digest=item.fingerprint.partition(":")[2][:36],
                )
                mlflow.log_input(dataset, context="input")
            mlflow.log_artifact(str(m.path), "charter")
            mlflow.log_dict({"outputs": mlflow_export.outputs_of(m)}, "charter/outputs.json")
            run_id = mlflow.active_run().info.run_id
        for name in m.models or []:  # register_model wants a logged model: the client does not
            if not registry.search_registered_models(f"name = '{name}'"):
                registry.create_registered_model(name)
            registry.create_model_version(name, f"runs:/{run_id}/charter", run_id=run_id)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--count", type=int, default=100, help="recorded runs (default 100)")
    add_results_option(parser)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    started = time.perf_counter()
    import mlflow  # noqa: F401, PLC0415 - paid once, outside every case

    import_time = time.perf_counter() - started
    samples: dict[str, list[float]] = {"export": [], "export again": [], "direct": []}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="runs-export-speed-") as scratch:
        root = Path(scratch) / "sweep"
        make_project(root)
        record(root, args.count)
        manifests = list(Project.load_runs(root).manifests)
        migrate = []
        for rep in range(args.runs):
            folder = Path(scratch) / f"rep{rep}"
            folder.mkdir()
            t0 = time.perf_counter()
            exported = store(folder, "export")
            migrate.append(time.perf_counter() - t0)
            logged = store(folder, "direct")
            if rep % 2:  # take turns: neither case always runs on a warmer machine
                samples["direct"].append(direct(manifests, root, logged, folder / "artifacts"))
            elapsed, created = export(manifests, exported)
            assert created == len(manifests)
            samples["export"].append(elapsed)
            elapsed, created = export(manifests, exported)
            assert created == 0
            samples["export again"].append(elapsed)
            if not rep % 2:
                samples["direct"].append(direct(manifests, root, logged, folder / "artifacts"))
    load_after = os.getloadavg()
    median = {name: statistics.median(values) for name, values in samples.items()}
    ratio = median["export"] / median["direct"]
    rows = [
        [
            "`charter runs export --to mlflow` (mlflow_export.export)",
            f"{median['export']:.2f} s",
            f"{1000 * median['export'] / args.count:.0f} ms",
            f"{ratio:.2f}",
        ],
        [
            "the same content with `mlflow.log_*` (fluent API)",
            f"{median['direct']:.2f} s",
            f"{1000 * median['direct'] / args.count:.0f} ms",
            "1.00",
        ],
        [
            "a second export of the same runs (changes nothing)",
            f"{median['export again']:.2f} s",
            f"{1000 * median['export again'] / args.count:.0f} ms",
            f"{median['export again'] / median['direct']:.2f}",
        ],
    ]
    sections = [
        f"{args.count} runs recorded through `charter.runs.Run`, each with one input "
        "(fingerprint, contract), 3 params, a seed, 2 metrics, one output and a model; "
        "exported to a new local SQLite store, against the same content logged directly. "
        f"Medians of {args.runs} (cases taking turns); every store migrated before timing "
        f"(median {statistics.median(migrate):.1f} s a store); `import mlflow` "
        f"{import_time:.1f} s, paid once.",
        table(["case", "wall (median)", "per run", "ratio to direct logging"], rows),
        f"**export / direct logging: {ratio:.2f}**; samples (s): "
        + json.dumps({k: [round(v, 2) for v in vs] for k, vs in samples.items()}),
        "Load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.2f}" for x in load_after)
        + f" ({os.cpu_count()} cores, shared).",
    ]
    path = write_result(
        "runs_export_speed",
        "Run export to MLflow: charter runs export against mlflow.log_*",
        sections,
        machine_facts(),
        args.results,
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
