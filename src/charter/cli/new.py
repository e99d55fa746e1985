"""`charter new KIND ...`: add models, contracts, stages, features, deployments, decisions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from charter.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR
from charter.cli.project_option import add_project_option, load_project, project_root
from charter.constants import DATA_SUFFIXES_TEXT, DEFAULT_TASK
from charter.formats.vocabulary import NULL_MARKERS

if TYPE_CHECKING:
    from charter.project import Project


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "new", help="add a model card, data contract, pipeline stage or feature, wired in"
    )
    common = argparse.ArgumentParser(add_help=False)
    add_project_option(common)
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    model = kinds.add_parser(
        "model",
        parents=[common],
        help="a model-card stub using the catalog's active features",
        description="Write <models>/NAME/card.md: a Hugging Face model card whose governance "
        "block lists the catalog's active features and the contracts they read, and whose "
        "pipeline_tag names the task.",
    )
    model.add_argument("name", metavar="NAME", help="snake_case model name")
    model.add_argument(
        "--task",
        default=None,
        help="Hugging Face task the model solves, written as the card's pipeline_tag "
        "(default: `data.task` of configs/pipeline.yaml, else "
        f"{DEFAULT_TASK}; e.g. tabular-classification)",
    )
    model.set_defaults(handler=run_model)
    contract = kinds.add_parser(
        "contract",
        parents=[common],
        help="a draft ODCS contract inferred from a CSV or Parquet file",
        description="Write <contracts>/NAME.odcs.yaml: types, nullability, ranges, code lists "
        "and row count inferred from DATA; descriptions left for a domain expert.",
    )
    contract.add_argument("name", metavar="NAME", help="snake_case contract id")
    contract.add_argument(
        "--from",
        dest="data",
        metavar="DATA",
        type=Path,
        required=True,
        help=f"a {DATA_SUFFIXES_TEXT} file holding a sample of the data",
    )
    contract.add_argument(
        "--null-values",
        dest="null_values",
        metavar="MARKERS",
        type=_markers,
        default=NULL_MARKERS,
        help="comma-separated texts a CSV or TSV writes for a missing value, recorded in "
        f"the contract (default: {','.join(m for m in NULL_MARKERS if m)}; an empty field is "
        "always missing)",
    )
    contract.add_argument(
        "--max-codes",
        dest="max_codes",
        metavar="N",
        type=_positive,
        default=None,
        help="draft a code list for a text or integer column with at most N distinct values "
        "(default: 25)",
    )
    contract.set_defaults(handler=run_contract)
    dataset = kinds.add_parser(
        "dataset",
        parents=[common],
        help="bring your own table in: DVC-tracked, contract drafted, pipeline pointed at it",
        description="Put FILE under data/raw/ (unless it is under data/ already) and track it "
        "with `dvc add`; draft its contract NAME (and, with --add-id, the contract of the "
        "table ingest writes); set `data:` of configs/pipeline.yaml (source, contract, target, "
        "task), the one place every stage and test reads; and point dvc.yaml's stages at the "
        "file and contract. What is left is the contract's to-do list, the features you want "
        "and the model's settings.",
    )
    dataset.add_argument("name", metavar="NAME", help="snake_case dataset (contract) id")
    dataset.add_argument(
        "--from",
        dest="data",
        metavar="FILE",
        type=Path,
        required=True,
        help=f"the {DATA_SUFFIXES_TEXT} file",
    )
    dataset.add_argument(
        "--target", metavar="COLUMN", help="the column the model predicts (default: data.target)"
    )
    dataset.add_argument(
        "--task",
        choices=("tabular-classification", "tabular-regression"),
        help="default: classification for a text, boolean or coded target, else regression",
    )
    keys = dataset.add_mutually_exclusive_group()
    keys.add_argument("--id", dest="id_column", metavar="COLUMN", help="the identifier column")
    keys.add_argument(
        "--add-id",
        action="store_true",
        help="data without an identifier: ingest adds NAME_id (the row number)",
    )
    dataset.add_argument(
        "--replace-sample",
        action="store_true",
        help="remove the sample: its file, contract, features, tests, card and runs",
    )
    dataset.add_argument(
        "--max-codes",
        dest="max_codes",
        metavar="N",
        type=_positive,
        default=None,
        help="draft a code list for a column with at most N distinct values (default: 25)",
    )
    dataset.add_argument(
        "--null-values",
        dest="null_values",
        metavar="MARKERS",
        type=_markers,
        default=NULL_MARKERS,
        help="comma-separated texts the file writes for a missing value",
    )
    dataset.set_defaults(handler=run_dataset)
    stage = kinds.add_parser(
        "stage",
        parents=[common],
        help="a pipeline stage: module with main(), dvc.yaml entry, test",
        description="Write src/<package>/NAME.py (a charter.runtime stage whose main() writes "
        "its output), tests/test_NAME.py, and a NAME stage in dvc.yaml (comments and layout "
        "kept) with the module and each --dep as deps and --out as its output; CODEOWNERS "
        "gets a line for the module.",
    )
    stage.add_argument("name", metavar="NAME", help="snake_case stage name (the module name)")
    stage.add_argument(
        "--dep",
        dest="deps",
        metavar="PATH",
        action="append",
        default=[],
        help="a file or folder the stage reads (repeatable); data tables need a contract "
        "that another stage already names",
    )
    stage.add_argument(
        "--out", metavar="PATH", help="what the stage writes (default: data/interim/NAME.json)"
    )
    stage.set_defaults(handler=run_stage)
    feature = kinds.add_parser(
        "feature",
        parents=[common],
        help="a draft catalog feature from a contract column, its function and test",
        description="Add a draft feature NAME to the catalog (comments and layout kept) reading "
        "CONTRACT.COLUMN, a function NAME() returning that column in the module the catalog's "
        "transforms live in, and tests/test_feature_NAME.py; the docs views are refreshed.",
    )
    feature.add_argument("name", metavar="NAME", help="snake_case feature name")
    feature.add_argument(
        "--from",
        dest="source",
        metavar="CONTRACT.COLUMN",
        required=True,
        help="the contract id and column the feature reads, e.g. patients.bmi",
    )
    feature.add_argument(
        "--anonymization",
        metavar="METHOD",
        help="how the feature protects a personal column (required for one): "
        "pseudonymization, masking, generalization, aggregation, suppression",
    )
    feature.set_defaults(handler=run_feature)
    deployment = kinds.add_parser(
        "deployment",
        parents=[common],
        help="a deployment manifest filled from the model's run and card",
        description="Write <deployments>/MODEL/ENV.yaml: the run, the model file's and the "
        "feature table's sha256, the card, the input contract and features (all from the run "
        "manifest), the image (its digest is written by CI), how it is served, a monitoring "
        "plan and the roles that must approve it.",
    )
    deployment.add_argument("name", metavar="MODEL", help="the model (its card folder name)")
    deployment.add_argument(
        "--env", required=True, metavar="ENV", help="environment, e.g. production or staging"
    )
    deployment.add_argument(
        "--run",
        metavar="RUN",
        help="run id to deploy (default: the run the card is synced from, else the newest)",
    )
    deployment.add_argument(
        "--image", metavar="NAME", help="image name (default: the project's; CI writes its own)"
    )
    serving = deployment.add_mutually_exclusive_group()
    serving.add_argument(
        "--schedule", metavar="CRON", help="batch scoring schedule (default: 0 6 * * *)"
    )
    serving.add_argument("--endpoint", metavar="URL", help="an online endpoint instead")
    deployment.add_argument(
        "--role",
        dest="roles",
        metavar="ROLE",
        action="append",
        help="a role that must approve (repeatable; default: model_owner and product_owner)",
    )
    deployment.set_defaults(handler=run_deployment)
    decision = kinds.add_parser(
        "decision",
        parents=[common],
        help="the next MADR decision record: why a model or its features are what they are",
        description="Write governance/decisions/NNNN-<slug>.md (the next number): a MADR "
        "decision record, status proposed, whose sections are TODO placeholders. With "
        "--model, it names the model and lists the card's current features, which is what "
        "DEC005 asks for when a card's model or feature set changes.",
    )
    decision.add_argument(
        "title", metavar="TITLE", help='the decision, e.g. "Use ridge regression"'
    )
    decision.add_argument(
        "--model", metavar="MODEL", help="the model the decision is about (its card folder name)"
    )
    decision.set_defaults(handler=run_decision)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return value


def _markers(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(marker.strip() for marker in text.split(",")))


def run_model(args: argparse.Namespace) -> int:
    from charter.scaffold.create import new_model, new_model_decision  # noqa: PLC0415 - fast help

    def make(project: Project) -> Path:
        card = new_model(project, args.name, args.task or _project_task(project.root))
        print(f"wrote {new_model_decision(project, args.name)}")
        return card

    return _create(
        args,
        make,
        "fill in the TODO(...) placeholders of the card and of its decision record, then run "
        "`charter check` and `charter docs`",
    )


def _project_task(root: Path) -> str:
    """The task the pipeline's settings name (`data.task`), so it is chosen once."""
    import yaml  # noqa: PLC0415

    try:
        settings = yaml.safe_load((root / "configs" / "pipeline.yaml").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return DEFAULT_TASK
    data = settings.get("data") if isinstance(settings, dict) else None
    task = data.get("task") if isinstance(data, dict) else None
    return task if isinstance(task, str) and task else DEFAULT_TASK


def run_contract(args: argparse.Namespace) -> int:
    from charter.scaffold.create import new_contract  # noqa: PLC0415

    return _create(
        args,
        lambda project: new_contract(
            project,
            args.name,
            args.data,
            args.null_values,
            max_codes=args.max_codes,
            report=print,
        ),
    )


def run_dataset(args: argparse.Namespace) -> int:
    from charter.scaffold.dataset import DatasetRequest, new_dataset  # noqa: PLC0415
    from charter.scaffold.profile import MAX_CODES  # noqa: PLC0415

    request = DatasetRequest(
        name=args.name,
        source=args.data,
        target=args.target,
        task=args.task,
        id_column=args.id_column,
        add_id=args.add_id,
        replace_sample=args.replace_sample,
        max_codes=args.max_codes or MAX_CODES,
        null_markers=args.null_values,
    )

    def make(project: Project) -> Path:
        made = new_dataset(project, request)
        for path in made.removed:
            print(f"removed {path}")
        for path in made.written[:-1]:
            print(f"wrote {path}")
        for note in made.notes:
            print(note)
        refresh_views(project.root)
        return made.written[-1]

    return _create(
        args,
        make,
        "work down `charter check`'s to-do list (CON014), add features with "
        "`charter new feature`, then `git add -A`, commit and `uv run nox -s pipeline`",
    )


def run_stage(args: argparse.Namespace) -> int:
    from charter.scaffold.stage import new_stage  # noqa: PLC0415

    def make(project: Project) -> Path:
        made = new_stage(project.root, args.name, tuple(args.deps), args.out)
        for path in (made.test, made.dvc_file, *([made.codeowners] if made.codeowners else [])):
            print(f"wrote {path}")
        return made.module

    return _create(args, make, "fill in the TODO(...) placeholders, then run `dvc repro`")


def run_feature(args: argparse.Namespace) -> int:
    from charter.scaffold.feature import new_feature  # noqa: PLC0415

    def make(project: Project) -> Path:
        made = new_feature(project, args.name, args.source, args.anonymization)
        print(f"wrote {made.module}")
        print(f"wrote {made.test}")
        refresh_views(project.root)
        return made.catalog

    return _create(
        args, make, "fill in the TODO(...) placeholders, then set `status: active` when ready"
    )


def run_deployment(args: argparse.Namespace) -> int:
    from charter.scaffold.deployment import DEFAULT_ROLES, Request, new_deployment  # noqa: PLC0415

    request = Request(
        model=args.name,
        environment=args.env,
        run=args.run,
        image=args.image,
        schedule=args.schedule,
        endpoint=args.endpoint,
        roles=tuple(dict.fromkeys(args.roles)) if args.roles else DEFAULT_ROLES,
    )
    return _create(
        args,
        lambda project: new_deployment(project, request),
        "review the serving, thresholds and roles, then commit it for approval",
    )


def run_decision(args: argparse.Namespace) -> int:
    from charter.scaffold.decision import new_decision  # noqa: PLC0415

    return _create(
        args,
        lambda project: new_decision(project, args.title, args.model),
        "fill in the TODO(...) placeholders, link the runs that informed it, and have it "
        "reviewed (status: accepted)",
    )


def refresh_views(root: Path) -> None:
    """The docs views read the catalog: rewrite them so the `charter-docs` hook stays green."""
    from charter.project import Project  # noqa: PLC0415
    from charter.views.render import render_views, write_views  # noqa: PLC0415

    project = Project.load(root)
    if project.problems:
        return
    for path in write_views(project, render_views(project)):
        print(f"wrote {path}")


def _create(
    args: argparse.Namespace,
    make: Callable[[Project], Path],
    next_step: str = "fill in the TODO(...) placeholders, then run `charter check` and "
    "`charter docs`",
) -> int:
    from charter.scaffold.errors import ScaffoldError  # noqa: PLC0415

    root = project_root(args, "new")
    project = None if root is None else load_project(root, args, "new")
    if project is None:
        return EXIT_ERROR
    try:
        path = make(project)
    except ScaffoldError as error:
        print(f"charter new: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(f"wrote {path}")
    print(f"next: {next_step}")
    return EXIT_CLEAN
