"""`charter runs list|show|compare`: the run history, read from the manifests (no server)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR
from charter.cli.output import display_path
from charter.cli.project_option import add_project_option, project_root

if TYPE_CHECKING:
    from charter.formats.manifest import Manifest
    from charter.project import Project
    from charter.runs.history import Row, RunComparison

FILTER_HELP = (
    "keep the runs that match, in MLflow's search syntax: comparisons (= != > >= < <= LIKE) "
    "joined by 'and', on metrics.NAME, params.NAME (nested: params.model.alpha), seeds.NAME, "
    'attributes.NAME or tags.NAME, e.g. "metrics.r2 > 0.3 and params.model.alpha = 1"'
)
SORT_HELP = "order by a key, as in 'metrics.r2 DESC' or '-metrics.r2' (default: newest first)"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "runs",
        help="list, show and compare recorded runs (from the manifests, no server)",
        description="Read the run manifests under runs/ and list, show or compare them. "
        "Runs that differ only by their seeds are grouped, with each metric's mean and "
        "standard deviation.",
    )
    actions = parser.add_subparsers(dest="runs_command", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        help="one row per run (or per group of runs that differ only by seed)",
        description="One row per run, newest first; runs that differ only by their seeds "
        "share a row that gives each metric's mean and standard deviation.",
    )
    listing.add_argument("--model", metavar="M", help="only the runs that trained model M")
    listing.add_argument("--filter", metavar="EXPR", default="", help=FILTER_HELP)
    listing.add_argument("--sort", metavar="KEY", help=SORT_HELP)
    listing.add_argument("--format", choices=("table", "json"), default="table")
    add_project_option(listing)
    listing.set_defaults(handler=run_list)
    show = actions.add_parser("show", help="everything one run recorded")
    show.add_argument("run", help="run id (a folder under runs/)")
    show.add_argument("--format", choices=("text", "json"), default="text")
    add_project_option(show)
    show.set_defaults(handler=run_show)
    comparing = actions.add_parser(
        "compare",
        help="what differs between runs: params, metrics (with deltas), inputs, features, code",
        description="Params and seeds that differ, every metric with its delta from the "
        "first run, the inputs' fingerprints, the features and the code commit of each run.",
    )
    comparing.add_argument("runs", nargs="+", metavar="RUN", help="two or more run ids")
    comparing.add_argument("--format", choices=("text", "json"), default="text")
    add_project_option(comparing)
    comparing.set_defaults(handler=run_compare)
    exporting = actions.add_parser(
        "export",
        help="copy runs into MLflow (MLFLOW_TRACKING_URI, else sqlite:///mlflow.db here)",
        description="Copy recorded runs into MLflow: params (dotted keys) and seeds as params, "
        "metrics, inputs as datasets with their blake3 digest and contract, outputs as "
        "references (URI and hash, never the data), the manifest as an artifact, the commit "
        "as mlflow.source.git.commit; each model is registered under its card's name. "
        "A run already exported (tag charter.run_id) is left as it is. Needs charter[mlflow].",
    )
    exporting.add_argument("--to", choices=("mlflow",), required=True, help="where to export")
    exporting.add_argument("runs", nargs="*", metavar="RUN", help="run ids (default: every run)")
    add_project_option(exporting)
    exporting.set_defaults(handler=run_export)


def _manifests(
    args: argparse.Namespace, command: str, run_ids: list[str] | None = None
) -> tuple[Project, list[Manifest]] | None:
    """The project and its readable manifests (of `run_ids`); a note on stderr for the rest."""
    from charter.project import Project  # noqa: PLC0415

    root = project_root(args, command)
    if root is None:
        return None
    project = Project.load_runs(root, run_ids)
    runs = project.path("runs")
    unreadable = {p.path for p in project.problems if p.path.is_relative_to(runs)}
    if unreadable and run_ids is None:  # show and compare say which run, in one sentence
        print(
            f"warning: {len(unreadable)} run manifest(s) could not be read and are left out "
            "(`charter check` says why)",
            file=sys.stderr,
        )
    return project, list(project.manifests)


def run_list(args: argparse.Namespace) -> int:
    from charter.runs import history  # noqa: PLC0415 - sqlparse only for `charter runs`

    option = "--filter"
    try:
        conditions = history.parse_filter(args.filter)
        option = "--sort"
        sort = history.parse_sort(args.sort) if args.sort else None
    except history.FilterError as error:
        print(
            f"charter runs list: bad {option} at character {error.position}: {error.message}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    loaded = _manifests(args, "runs list")
    if loaded is None:
        return EXIT_ERROR
    _, manifests = loaded
    chosen = history.select(manifests, model=args.model, comparisons=conditions)
    rows = history.sort_rows(history.group(chosen), sort)
    if args.format == "json":
        print(json.dumps({"runs": [_row_json(r) for r in rows]}, indent=2, ensure_ascii=False))
        return EXIT_CLEAN
    if not rows:
        print("no runs" + (" match" if conditions or args.model else " recorded"))
        return EXIT_CLEAN
    print(_list_table(rows, history))
    return EXIT_CLEAN


def _row_json(row: Row) -> dict[str, Any]:
    from charter.runs.history import flat_params  # noqa: PLC0415

    first = row.first
    return {
        "run_id": first.run_id,
        "run_ids": [m.run_id for m in row.runs],
        "grouped": row.grouped,
        "start_time": min(m.data["start_time"] for m in row.runs),
        "models": first.models,
        "commit": first.commit,
        "dirty": first.dirty,
        "params": flat_params(first.params),
        "seeds": [m.seeds for m in row.runs],
        "metrics": {
            name: {"mean": mean, "std": std, "n": n} for name, (mean, std, n) in row.metrics.items()
        },
    }


def _list_table(rows: list[Row], history: Any) -> str:
    flats = [history.flat_params(r.first.params) for r in rows]
    keys = dict.fromkeys(k for flat in flats for k in flat)
    varying = [k for k in keys if len({repr(flat.get(k)) for flat in flats}) > 1]
    metrics = list(dict.fromkeys(name for r in rows for name in r.metrics))
    header = ["run", "started", "model", "commit", "seeds", *varying, *metrics]
    body = []
    for row, flat in zip(rows, flats, strict=True):
        first = row.first
        run = f"{first.run_id} +{len(row.runs) - 1}" if row.grouped else first.run_id
        started = min(m.data["start_time"] for m in row.runs)[:16].replace("T", " ")
        body.append(
            [
                run,
                started,
                ",".join(first.models or []) or "-",
                first.commit[:7] + ("*" if first.dirty else ""),
                _seeds(row.runs),
                *(_cell(flat.get(k, "-")) for k in varying),
                *(_metric(row.metrics.get(name)) for name in metrics),
            ]
        )
    return _table(header, body)


def _seeds(runs: list[Manifest]) -> str:
    names = dict.fromkeys(n for m in runs for n in m.seeds)
    return " ".join(
        f"{n}=" + ",".join(str(v) for v in dict.fromkeys(m.seeds.get(n) for m in runs))
        for n in names
    )


def _metric(summary: tuple[float, float | None, int] | None) -> str:
    if summary is None:
        return "-"
    mean, std, _ = summary
    return _number(mean) if std is None else f"{_number(mean)} ± {std:.2g}"


def _number(value: float) -> str:
    return f"{value:.4g}"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def _find(args: argparse.Namespace, command: str, ids: list[str]) -> list[Manifest] | None:
    """The manifests of `ids`, or None after one sentence naming the unknown id."""
    loaded = _manifests(args, command, ids)
    if loaded is None:
        return None
    return _resolve(*loaded, command, ids)


def _resolve(
    project: Project, manifests: list[Manifest], command: str, ids: list[str]
) -> list[Manifest] | None:
    """The loaded manifests of `ids`, or None after one sentence naming the unknown id."""
    from charter.runs import history  # noqa: PLC0415

    found = []
    for run_id in ids:
        try:
            found.append(history.find(manifests, run_id, project.run_ids))
        except history.UnknownRunError as error:
            problem = next((p for p in project.problems if p.path.parent.name == run_id), None)
            if problem is not None:
                print(
                    f"charter {command}: the manifest of run {run_id!r} cannot be read: "
                    f"{display_path(problem.path)}:{problem.line}:{problem.col}: {problem.message}",
                    file=sys.stderr,
                )
                return None
            hint = f"; did you mean {' or '.join(error.close)}?" if error.close else "."
            print(
                f"charter {command}: no recorded run has the id {run_id!r}{hint}", file=sys.stderr
            )
            return None
    return found


def run_show(args: argparse.Namespace) -> int:
    from charter.runs.history import flat_params  # noqa: PLC0415

    found = _find(args, "runs show", [args.run])
    if found is None:
        return EXIT_ERROR
    [m] = found
    if args.format == "json":
        print(json.dumps(m.data, indent=2, ensure_ascii=False))
        return EXIT_CLEAN
    lines = [
        f"run          {m.run_id}",
        f"started      {m.data['start_time']}",
        f"ended        {m.data['end_time']}",
        f"commit       {m.commit}" + (" (uncommitted changes)" if m.dirty else ""),
        f"entry point  {m.entry_point}",
        f"uv.lock      sha256:{m.lock_sha256}",
        f"models       {', '.join(m.models or []) or '-'}",
        f"features     {', '.join(m.features) or '-'}",
        "",
        "params",
        *(f"  {k} = {_cell(v)}" for k, v in flat_params(m.params).items()),
        "seeds",
        *(f"  {k} = {v}" for k, v in m.seeds.items()),
        "metrics",
        *(f"  {k} = {v}" for k, v in m.metrics.items()),
        "inputs",
        *(
            f"  {i.name}  {i.uri}  {i.fingerprint}  {i.rows} rows"
            + (f"  contract {i.contract.id} {i.contract.version}" if i.contract else "")
            for i in m.inputs
        ),
        "outputs",
        *(f"  {o.name}  {o.uri}  sha256:{o.sha256}" for o in m.outputs),
    ]
    print("\n".join(lines))
    return EXIT_CLEAN


def run_compare(args: argparse.Namespace) -> int:
    from charter.runs import history  # noqa: PLC0415

    if len(args.runs) < 2:
        print("charter runs compare: give two or more run ids to compare", file=sys.stderr)
        return EXIT_ERROR
    found = _find(args, "runs compare", args.runs)
    if found is None:
        return EXIT_ERROR
    result = history.compare(found)
    if args.format == "json":
        print(json.dumps(_compare_json(result), indent=2, ensure_ascii=False))
        return EXIT_CLEAN
    print(_compare_text(result))
    return EXIT_CLEAN


def _compare_json(result: RunComparison) -> dict[str, Any]:
    ids = [m.run_id for m in result.runs]
    return {
        "runs": ids,
        "commits": dict(zip(ids, result.commits, strict=True)),
        "params": {k: dict(zip(ids, v, strict=True)) for k, v in result.params.items()},
        "metrics": {
            name: {
                run_id: {"value": value, "delta": _delta(value, values[0])}
                for run_id, value in zip(ids, values, strict=True)
            }
            for name, values in result.metrics.items()
        },
        "inputs": {k: dict(zip(ids, v, strict=True)) for k, v in result.inputs.items()},
        "features": {k: dict(zip(ids, v, strict=True)) for k, v in result.features.items()},
    }


def _delta(value: float | None, base: float | None) -> float | None:
    return None if value is None or base is None else value - base


def _compare_text(result: RunComparison) -> str:
    ids = [m.run_id for m in result.runs]
    sections = []
    commits = [
        c[:12] + ("*" if m.dirty else "") for c, m in zip(result.commits, result.runs, strict=True)
    ]
    sections.append(_table(["", *ids], [["commit", *commits]]))
    if result.params:
        rows = [
            [k, *(_cell("-" if v is None else v) for v in vs)] for k, vs in result.params.items()
        ]
        sections.append(_table(["params that differ", *ids], rows))
    else:
        sections.append("params and seeds: the same in every run")
    if result.metrics:
        rows = []
        for name, values in result.metrics.items():
            cells = []
            for index, value in enumerate(values):
                delta = _delta(value, values[0])
                cells.append(
                    "-"
                    if value is None
                    else _number(value)
                    if index == 0 or delta is None
                    else f"{_number(value)} ({delta:+.4g})"
                )
            rows.append([name, *cells])
        sections.append(_table(["metric (delta from the first run)", *ids], rows))
    if result.inputs:
        rows = [[name, *_fingerprints(prints)] for name, prints in result.inputs.items()]
        sections.append(_table(["input fingerprint", *ids], rows))
    differing = {f: has for f, has in result.features.items() if not all(has)}
    if differing:
        rows = [[f, *("yes" if h else "no" for h in has)] for f, has in differing.items()]
        sections.append(_table(["features that differ", *ids], rows))
    else:
        sections.append(f"features: the same {len(result.features)} in every run")
    return "\n\n".join(sections)


def _fingerprints(prints: list[str | None]) -> list[str]:
    """Short fingerprints; `same` where a run read exactly what the first read."""
    cells = []
    for index, value in enumerate(prints):
        if value is None:
            cells.append("-")
        elif index and value == prints[0]:
            cells.append("same")
        else:
            cells.append(value[:19])
    return cells


def run_export(args: argparse.Namespace) -> int:
    from charter.install_hint import install_command  # noqa: PLC0415
    from charter.runs import mlflow_export  # noqa: PLC0415 - mlflow only for this command

    loaded = _manifests(args, "runs export", args.runs or None)
    if loaded is None:
        return EXIT_ERROR
    project, found = loaded
    if args.runs:
        resolved = _resolve(project, found, "runs export", args.runs)
        if resolved is None:
            return EXIT_ERROR
        found = resolved
    root = project.root
    pyproject = project.pyproject()
    uri = mlflow_export.tracking_uri(root)
    experiment = mlflow_export.experiment_name(root, pyproject[1] if pyproject else None)
    try:
        for exported in mlflow_export.export(found, uri=uri, experiment=experiment):
            models = "".join(f", model {n} version {v}" for n, v in exported.model_versions)
            state = "exported" if exported.created else "already exported, unchanged"
            print(f"{exported.run_id}: {state} (MLflow run {exported.mlflow_run_id}{models})")
    except mlflow_export.MissingExtraError:
        print(
            "charter runs export: exporting to MLflow needs charter's mlflow extra "
            f"(charter[mlflow]); install it with: {install_command('mlflow', root)}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except mlflow_export.ExportError as error:
        print(f"charter runs export: MLflow at {uri} refused the export: {error}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_CLEAN
