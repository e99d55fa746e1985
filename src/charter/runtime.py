"""Charter's public runtime API: the only charter module a project's pipeline code imports.

Stages of a generated project (ingest, validate, features, train, evaluate) run
as DVC stages, one module each with a `main()`. They use this module to read
their parameters and seeds, validate and record their inputs, build the feature
table from the catalog, write outputs atomically, and record the run once DVC
has run them. Everything here stays stable across releases
(docs/guide/runtime.md); the modules beneath it may change freely.

    from charter import runtime

    @runtime.stage
    def main() -> None:
        params = runtime.read_params()
        table = runtime.load_input("data/raw/patients.parquet", "governance/contracts/x.odcs.yaml")
        runtime.write_parquet(runtime.build_features(table), "data/processed/features.parquet")
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from charter.constants import DVC_LOCK
from charter.runs.atomic import WriteError, atomic_path, describe, write_bytes, write_text

if TYPE_CHECKING:
    import polars as pl

    from charter.models import LoadedModel
    from charter.runs.record import Run, RunError

__all__ = [
    "FeatureError",
    "InvalidData",
    "LoadedModel",
    "ModelError",
    "Params",
    "ParamsError",
    "Paths",
    "Run",
    "RunError",
    "StageError",
    "StageMain",
    "active_features",
    "atomic_path",
    "build_features",
    "check_input",
    "load_input",
    "load_model",
    "load_scoring_input",
    "paths",
    "read_params",
    "record_run",
    "run_pipeline",
    "save_model",
    "stage",
    "write_bytes",
    "write_json",
    "write_parquet",
    "write_text",
]


def __getattr__(name: str) -> Any:
    """`Run`, `RunError` and `LoadedModel` on first use: a stage without them never imports them."""
    if name in ("Run", "RunError"):
        from charter.runs import record  # noqa: PLC0415

        return getattr(record, name)
    if name == "LoadedModel":
        from charter.models import LoadedModel  # noqa: PLC0415

        return LoadedModel
    raise AttributeError(f"module 'charter.runtime' has no attribute {name!r}")


PARAMS_FILE = "configs/pipeline.yaml"
_READ: list[Path] = []
"""Parameter files this process read: a library's refusal of a value is reported against them."""


class StageError(Exception):
    """A stage cannot go on; the message says why in one sentence, and no traceback is shown."""


class ParamsError(StageError):
    """The parameters file is missing, unreadable, or lacks a setting a stage reads."""


class InvalidData(StageError):  # noqa: N818 - a finding about data, as ContractViolation
    """An input breaks its contract; the message is the validation report."""


class ModelError(StageError):
    """A model file that cannot be saved, trusted or loaded, or is not the one its run recorded."""


class FeatureError(StageError):
    """A catalog feature cannot be built; the message names the feature."""

    def __init__(self, feature: str, reason: str, catalog: Path | None = None) -> None:
        where = f" of {_shown(catalog)}" if catalog is not None else ""
        super().__init__(f"feature {feature!r}{where} {reason}")
        self.feature = feature


# ------------------------------------------------------------------ paths


@dataclass(frozen=True)
class Paths:
    """Where the project keeps its artifacts, as `[tool.charter]` in pyproject.toml says."""

    root: Path
    contracts: Path
    features: Path
    models: Path
    checklists: Path
    runs: Path
    docs: Path


def project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: the working folder) with a pyproject."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    return folder


def paths(root: Path | None = None) -> Paths:
    """The project's artifact paths (defaults where `[tool.charter]` says nothing)."""
    import tomllib  # noqa: PLC0415

    from charter.project import Config  # noqa: PLC0415 - the one place defaults live

    root = project_root(root)
    config = Config()
    pyproject = root / "pyproject.toml"
    table: dict[str, Any] = {}
    if pyproject.is_file():
        try:
            table = tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}).get("charter", {})
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise StageError(f"cannot read {pyproject}: {error}") from None

    def where(key: str) -> Path:
        value = table.get(key, getattr(config, key))
        return root / value if isinstance(value, str) else root / getattr(config, key)

    return Paths(
        root=root,
        contracts=where("contracts"),
        features=where("features"),
        models=where("models"),
        checklists=where("checklists"),
        runs=where("runs"),
        docs=where("docs"),
    )


# ----------------------------------------------------------------- params


@dataclass(frozen=True)
class Params:
    """The parameters file, split into `values` (seeds excepted) and `seeds`."""

    path: Path
    values: dict[str, Any]
    seeds: dict[str, int]

    def get(self, dotted: str) -> Any:
        """The value at `a.b.c`; a missing key is a ParamsError naming the file and key."""
        value: Any = {**self.values, "seeds": self.seeds}
        for key in dotted.split("."):
            if not isinstance(value, dict) or key not in value:
                raise ParamsError(f"{self.path} has no setting '{dotted}'")
            value = value[key]
        return value

    def seed(self, purpose: str) -> int:
        """The seed for `purpose` (`seeds.<purpose>` in the file)."""
        if purpose not in self.seeds:
            raise ParamsError(f"{self.path} has no seed '{purpose}' under `seeds:`")
        return self.seeds[purpose]


def read_params(path: str | Path = PARAMS_FILE, *, require: tuple[str, ...] = ()) -> Params:
    """Read the YAML parameters file (a mapping with a `seeds:` mapping of integers)."""
    import yaml  # noqa: PLC0415 - only stages that read parameters pay for it

    path = Path(path)
    shown = _shown(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ParamsError(f"cannot read {shown}: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("seeds"), dict):
        raise ParamsError(f"{shown} must be a mapping with a `seeds:` mapping")
    seeds = data["seeds"]
    for purpose, value in seeds.items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise ParamsError(f"{shown}: seed '{purpose}' must be an integer, not {value!r}")
    params = Params(shown, {k: v for k, v in data.items() if k != "seeds"}, dict(seeds))
    _READ.append(shown)
    for setting in require:
        params.get(setting)
    return params


# ------------------------------------------------------------------ stage


class StageMain(Protocol):
    """A stage's `main()`: no arguments from the command line, an exit code back."""

    def __call__(self, argv: list[str] | None = None) -> int: ...


def stage(function: Callable[[], object]) -> StageMain:
    """Turn a stage's body into its `main()`: exit 0 when done, 1 with one line when not.

    The stage name is its module's last part; DVC shows the message and stops
    the pipeline before any stage that depends on this one runs.
    """
    module = sys.modules.get(function.__module__)
    spec = getattr(module, "__spec__", None)  # `python -m pkg.train` runs as __main__
    name = (spec.name if spec is not None else function.__module__).rpartition(".")[2]

    @functools.wraps(function)
    def main(argv: list[str] | None = None) -> int:
        arguments = sys.argv[1:] if argv is None else argv
        if arguments:
            print(f"stage {name}: takes no arguments (got {' '.join(arguments)})", file=sys.stderr)
            return 2
        try:
            function()
        except InvalidData as report:
            print(f"stage {name}: {report}", file=sys.stderr)
            return 1
        except (StageError, _run_error()) as error:
            print(f"stage {name}: {error}; nothing was written.", file=sys.stderr)
            return 1
        except OSError as error:  # a full disk, a read-only folder, a permission denied
            print(f"stage {name}: {describe(error)}; nothing was written.", file=sys.stderr)
            return 1
        except (TypeError, ValueError) as error:  # parameters a library refuses
            reason = str(error).strip().rstrip(".")
            where = f"{_READ[-1]}: " if _READ else ""
            print(f"stage {name}: {where}{reason}; nothing was written.", file=sys.stderr)
            return 1
        return 0

    return main


def _run_error() -> type[Exception]:
    """RunError when something imported it (only then can it be raised), else StageError."""
    record = sys.modules.get("charter.runs.record")
    return record.RunError if record is not None else StageError


# ------------------------------------------------------------------ inputs


def load_input(
    path: str | Path, contract: str | Path, *, record: str | Path | None = None
) -> pl.DataFrame:
    """Read a Parquet or CSV file, validate it against its ODCS contract, and return it.

    Data that breaks the contract raises InvalidData with the full report, so
    nothing downstream is written. With `record`, a small JSON file notes what
    was validated (file, blake3 fingerprint, rows, contract id and version):
    declare it as the stage's output so the next stages depend on validation.
    """
    from charter.fingerprint import fingerprint  # noqa: PLC0415 - heavy imports on demand
    from charter.formats import contract as contract_format  # noqa: PLC0415
    from charter.formats.source import FormatError  # noqa: PLC0415
    from charter.validation import DataError, ValidationSetupError, validate  # noqa: PLC0415
    from charter.validation.masking import shown_by_setting  # noqa: PLC0415
    from charter.validation.odcs import table_spec  # noqa: PLC0415
    from charter.validation.sources import read_frame  # noqa: PLC0415

    path, contract = Path(path), Path(contract)
    show = shown_by_setting(project_root(contract.parent))
    try:
        report = validate(path, contract, show_personal_values=show)
        if not report.ok:
            raise InvalidData(
                f"{_shown(path)} breaks {_shown(contract)}; nothing downstream was written.\n\n"
                + report.format()
            )
        frame, _ = read_frame(path, table_spec(contract))
        loaded = contract_format.load(contract)
    except (DataError, ValidationSetupError, FormatError) as error:
        message = f"cannot validate {_shown(path)} against {_shown(contract)}: {error}"
        raise StageError(message) from None
    if record is not None:
        write_json(
            record,
            {
                "input": _shown(path).as_posix(),
                "fingerprint": fingerprint(path),
                "rows": frame.height,
                "contract": {"id": loaded.id, "version": str(loaded.version)},
            },
        )
    return frame


def check_input(
    location: str | Path,
    contract: str | Path,
    *,
    engine: str = "polars",
    record: str | Path | None = None,
) -> int:
    """Validate a file, a Parquet dataset folder, a glob or a URI on `engine`; return its rows.

    `engine="spark"` runs the same contract on Spark (the spark extra; local mode,
    or the cluster spark-submit or Databricks gives), so a table too big for this
    machine is checked where it lives. Nothing is loaded into this process. Data
    that breaks the contract raises InvalidData; `record` notes what was checked.
    """
    from charter.formats import contract as contract_format  # noqa: PLC0415 - heavy imports
    from charter.formats.source import FormatError  # noqa: PLC0415
    from charter.validation import ValidationSetupError, validate  # noqa: PLC0415
    from charter.validation.masking import shown_by_setting  # noqa: PLC0415

    contract = Path(contract)
    shown = str(location)
    show = shown_by_setting(project_root(contract.parent))
    try:
        report = validate(str(location), contract, engine=engine, show_personal_values=show)
        loaded = contract_format.load(contract)
    except (ValidationSetupError, FormatError) as error:
        message = f"cannot validate {shown} against {_shown(contract)} on {engine}: {error}"
        raise StageError(message) from None
    if not report.ok:
        raise InvalidData(
            f"{shown} breaks {_shown(contract)}; nothing downstream was written.\n\n"
            + report.format()
        )
    if record is not None:
        local = Path(location)
        write_json(
            record,
            {
                "input": shown,
                "engine": engine,
                "fingerprint": _fingerprint(local) if local.exists() else None,
                "rows": report.rows,
                "contract": {"id": loaded.id, "version": str(loaded.version)},
            },
        )
    return report.rows


def _fingerprint(path: Path) -> str:
    from charter.fingerprint import fingerprint  # noqa: PLC0415

    return fingerprint(path)


# ---------------------------------------------------------------- features


def _dtypes() -> dict[str, Any]:
    import polars as pl  # noqa: PLC0415

    return {
        "bool": pl.Boolean,
        "int8": pl.Int8,
        "int16": pl.Int16,
        "int32": pl.Int32,
        "int64": pl.Int64,
        "uint8": pl.UInt8,
        "uint16": pl.UInt16,
        "uint32": pl.UInt32,
        "uint64": pl.UInt64,
        "float32": pl.Float32,
        "float64": pl.Float64,
        "string": pl.String,
        "date": pl.Date,
        "datetime": pl.Datetime,
        "category": pl.Categorical,
    }


def active_features(catalog: str | Path | None = None) -> list[Any]:
    """The catalog's active features, in catalog order: draft and deprecated never feed a model."""
    from charter.formats import catalog as catalog_format  # noqa: PLC0415
    from charter.formats.source import FormatError  # noqa: PLC0415

    path = Path(catalog) if catalog is not None else paths().features
    try:
        loaded = catalog_format.load(path)
    except FormatError as error:
        raise StageError(f"cannot read the feature catalog {_shown(path)}: {error}") from None
    return [feature for feature in loaded.features if feature.status == "active"]


def build_features(table: pl.DataFrame, catalog: str | Path | None = None) -> pl.DataFrame:
    """Join keys plus one column per active catalog feature, cast to the catalog's dtype.

    Each feature's `transform.ref` (`module:function`) returns a polars
    expression over `table`. Any feature that cannot be built raises
    FeatureError naming it.
    """
    import polars as pl  # noqa: PLC0415

    dtypes = _dtypes()
    catalog = Path(catalog) if catalog is not None else paths().features
    features = active_features(catalog)
    versions: dict[str, list[str]] = {}
    for feature in features:
        versions.setdefault(feature.name, []).append(feature.key)
    for name, keys in versions.items():
        if len(keys) > 1:
            raise FeatureError(
                name,
                f"has {len(keys)} active versions ({', '.join(keys)}), and a feature table has "
                "one column per feature; keep one active (`charter feature bump` deprecates "
                "the old version)",
                catalog,
            )
    join_keys = list(dict.fromkeys(key for feature in features for key in feature.join_keys))
    columns = []
    for feature in features:
        if feature.dtype not in dtypes:
            raise FeatureError(feature.name, f"has dtype {feature.dtype!r}, not a catalog dtype")
        expression = _transform(feature)
        for column in [*feature.join_keys, *expression.meta.root_names()]:
            if column not in table.columns:
                raise FeatureError(
                    feature.name,
                    f"reads column {column!r}, which the data lacks; add the column to the data "
                    "and to its contract, or change the feature in the catalog",
                    catalog,
                )
        columns.append(_cast(table, expression, dtypes[feature.dtype]).alias(feature.name))
    try:
        return table.select(*join_keys, *columns)
    except pl.exceptions.PolarsError as error:
        failing = _failing_feature(table, features, columns)
        reason = f"cannot be computed: {error}".split("\n")[0]
        raise FeatureError(failing, reason, catalog) from None


def _transform(feature: Any) -> Any:
    ref = feature.transform_ref
    if not ref or ":" not in ref:
        raise FeatureError(feature.name, "needs a transform.ref of the form module:function")
    module_name, _, function_name = ref.partition(":")
    try:
        function = getattr(import_module(module_name), function_name)
    except (ImportError, AttributeError) as error:
        reason = f"has a transform {ref!r} that cannot be imported: {error}"
        raise FeatureError(feature.name, reason) from None
    import polars as pl  # noqa: PLC0415

    expression = function()
    if not isinstance(expression, pl.Expr):
        reason = f"has a transform {ref!r} that returns no polars expression"
        raise FeatureError(feature.name, reason)
    return expression


def _cast(table: pl.DataFrame, expression: Any, dtype: Any) -> Any:
    """Strings parse as ISO dates and datetimes; everything else casts strictly."""
    import polars as pl  # noqa: PLC0415

    if dtype in (pl.Date, pl.Datetime):
        source = table.lazy().select(expression.alias("_")).collect_schema()["_"]
        if source == pl.String:
            if dtype == pl.Date:
                return expression.str.to_date(strict=True)
            return expression.str.to_datetime(strict=True)
    return expression.cast(dtype, strict=True)


def _failing_feature(table: pl.DataFrame, features: list[Any], columns: list[Any]) -> str:
    import polars as pl  # noqa: PLC0415

    for feature, column in zip(features, columns, strict=True):
        try:
            table.select(column)
        except pl.exceptions.PolarsError:
            return feature.name
    return features[-1].name if features else "?"


# ----------------------------------------------------------------- outputs


def write_json(path: str | Path, document: Any) -> None:
    """Write `document` as indented, key-sorted JSON atomically (same data, same bytes)."""
    write_text(Path(path), json.dumps(document, indent=2, sort_keys=True) + "\n")


def write_parquet(frame: pl.DataFrame, path: str | Path) -> None:
    """Write a polars frame to Parquet atomically: readers never see half a file."""
    import polars as pl  # noqa: PLC0415

    target = Path(path)
    with atomic_path(target) as temporary:
        try:
            frame.write_parquet(temporary)
        except pl.exceptions.PolarsError as error:  # polars words OS errors as its own
            raise WriteError(target, str(error).split("\n")[0]) from None


# ------------------------------------------------------------------ models


def save_model(model: Any, path: str | Path) -> None:
    """Save a scikit-learn model with skops, atomically: a format that loads without running code.

    The bytes are canonical (the same model gives the same sha256), so the run
    manifest's hash of the file identifies the model. Declare `path` as an output
    of the train stage in dvc.yaml; docs/guide/models.md says what other libraries use.
    """
    from charter import models  # noqa: PLC0415 - skops only where models are saved

    try:
        data = models.dumps(model)
    except models.ModelError as error:
        raise ModelError(str(error)) from None
    write_bytes(Path(path), data)


def load_model(path: str | Path, manifest: str | Path | None = None) -> LoadedModel:
    """Load a model saved by `save_model`; refuse it unless its sha256 is what its run recorded.

    `manifest` is a run manifest (`runs/<run>/manifest.json`) or a deployment
    manifest (`governance/deployments/<model>/<env>.yaml`) naming the file;
    default: the newest run manifest that records `path`. The result carries the
    model (`estimator`), the `run_id` and the `sha256`. Raises ModelError.
    """
    from charter import models  # noqa: PLC0415

    root = project_root()
    target = Path(path)
    absolute = target if target.is_absolute() else root / target
    try:
        uri = absolute.resolve().relative_to(root).as_posix()
    except ValueError:
        raise ModelError(f"{target} is outside the project {root}") from None
    runs = paths(root).runs
    try:
        source = models.newest_run(runs, uri) if manifest is None else Path(manifest)
        return models.load(absolute, models.recorded(source, uri), str(_shown(absolute)))
    except models.ModelError as error:
        raise ModelError(str(error)) from None


def load_scoring_input(path: str | Path, contract: str | Path) -> pl.DataFrame:
    """Read rows to score and validate them against the contract's rules for what the model reads.

    Only the columns the catalog's active features read (and their join keys) are
    checked, by the contract's column rules; table-level rules about the training
    set (its row count) do not apply to a batch, and other columns are kept.
    Rows that break the contract raise InvalidData with the report.
    """
    from charter.formats.source import FormatError  # noqa: PLC0415
    from charter.validation import DataError, ValidationSetupError  # noqa: PLC0415
    from charter.validation.serving import validate_scoring  # noqa: PLC0415

    features = active_features()
    contract_path = Path(contract)
    contract_id = _contract_id(contract_path)
    columns = list(
        dict.fromkeys(
            column
            for feature in features
            for column in [
                *feature.join_keys,
                *(s.property for s in feature.sources if s.contract == contract_id),
            ]
        )
    )
    path = Path(path)
    try:
        frame, report = validate_scoring(path, contract_path, columns)
    except (DataError, ValidationSetupError, FormatError) as error:
        message = f"cannot validate {_shown(path)} against {_shown(contract_path)}: {error}"
        raise StageError(message) from None
    if not report.ok:
        raise InvalidData(
            f"{_shown(path)} breaks {_shown(contract_path)}; nothing was scored.\n\n"
            + report.format()
        )
    return frame


def _contract_id(path: Path) -> str | None:
    from charter.formats import contract as contract_format  # noqa: PLC0415
    from charter.formats.source import FormatError  # noqa: PLC0415

    try:
        return contract_format.load(path).id
    except (FormatError, OSError) as error:
        raise StageError(f"cannot read the contract {_shown(path)}: {error}") from None


# -------------------------------------------------------------------- runs


def record_run(
    root: str | Path | None = None, *, run_id: str | None = None, allow_dirty: bool = False
) -> Path:
    """Write `runs/<run-id>/manifest.json` from what `dvc repro` ran (dvc.lock, dvc.yaml).

    Refuses (RunError) when any stage's dependencies, outputs or parameters
    differ from dvc.lock, that is when `dvc status` would not be clean; when
    the code has uncommitted changes, unless `allow_dirty` (the manifest then
    says `dirty: true`); and when an earlier run already records the same code
    and dvc.lock (`AlreadyRecordedError`, naming it): runs come from committed
    code, once. The run's OpenLineage events go beside the manifest (`lineage.json`,
    with `charter[lineage]`) and to `OPENLINEAGE_URL` (or `[tool.charter] lineage_url`)
    when set; a problem there is printed, and the run stays recorded.
    """
    from charter.runs import lineage  # noqa: PLC0415
    from charter.runs.from_dvc import record_from_lock  # noqa: PLC0415

    folder = project_root(Path(root) if root else None)
    manifest = record_from_lock(folder, run_id=run_id, allow_dirty=allow_dirty)
    for note in lineage.record(folder, manifest):
        print(f"pipeline: {note}", file=sys.stderr)
    return manifest


def dvc(*args: str, root: Path | None = None) -> int:
    """Run a DVC command in this process (stages' `python` is this one); return its exit code.

    In-process, so `repro` then `push` pay for one interpreter and one DVC
    import, not three.
    """
    import os  # noqa: PLC0415

    from dvc.cli import main as dvc_main  # noqa: PLC0415 - DVC is in the project's dev group

    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    os.environ.setdefault("DVC_NO_ANALYTICS", "1")
    before = Path.cwd()
    os.chdir(root or before)
    try:
        return int(dvc_main(list(args)) or 0)
    finally:
        os.chdir(before)


def run_pipeline(argv: list[str] | None = None) -> int:
    """The project's pipeline command: `dvc repro`, record the run, `dvc push` the data.

    Unchanged stages are skipped (DVC's cache); `--force` reruns them all. The
    push is skipped when dvc.lock and the DVC config are what this checkout
    last pushed (the remote has it all; a no-op push costs about a second).
    """
    import argparse  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=run_pipeline.__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="rerun every stage")
    parser.add_argument("--run-id", help="id of the new run (default: time and random suffix)")
    parser.add_argument("--no-push", action="store_true", help="keep the data in the local cache")
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="record a run from uncommitted code, marked `dirty: true` (RUN007 warns about it)",
    )
    args = parser.parse_args(argv)
    root = project_root()
    pulled = _pull(root)
    if pulled is not None:
        print(f"pipeline: {pulled}", file=sys.stderr)
        return 2
    code = dvc("repro", *(["--force"] if args.force else []), root=root)
    if code != 0:
        print(f"pipeline: dvc repro failed (exit {code}); no run was recorded.", file=sys.stderr)
        return 1
    from charter.runs.record import (  # noqa: PLC0415
        AlreadyRecordedError,
        DirtyTreeError,
        RunError,
    )

    try:
        manifest = record_run(root, run_id=args.run_id, allow_dirty=args.allow_dirty)
    except DirtyTreeError as error:
        print(f"pipeline: {error}", file=sys.stderr)
        return 0  # the stages ran as asked; only the record waits for a commit
    except AlreadyRecordedError as error:
        print(f"pipeline: {error}; see {error.manifest.relative_to(root).as_posix()}")
    except RunError as error:
        print(f"pipeline: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"pipeline: {describe(error)}; no run was recorded.", file=sys.stderr)
        return 1
    else:
        dirty = (
            " (dirty: from uncommitted code)" if args.allow_dirty and _is_dirty(manifest) else ""
        )
        print(f"run recorded in {manifest.relative_to(root).as_posix()}{dirty}")
    if args.no_push:
        return 0
    state = _push_state(root)
    marker = root / PUSHED_MARKER
    if marker.is_file() and marker.read_text(encoding="utf-8") == state:
        print("dvc push skipped: the remote already has this dvc.lock's data")
        return 0
    from charter.runs import remote  # noqa: PLC0415

    try:
        remote.make_private(root)  # before DVC creates it world-readable
    except OSError as error:
        print(f"pipeline: {describe(error)}; nothing was pushed.", file=sys.stderr)
        return 1
    if dvc("push", "--quiet", root=root) != 0:
        print("pipeline: dvc push failed: the data is only in the local cache.", file=sys.stderr)
        return 1
    write_text(marker, state, root)
    return 0


def _pull(root: Path) -> str | None:
    """`dvc pull` what this checkout lacks, so a clone or CI runs what the team ran.

    Nothing is pulled when every tracked file is here. Data that a `.dvc`
    file tracks (the team's `dvc add`ed sources, which no stage can remake)
    must come from the remote: when it cannot, the sentence returned says
    which remote and how to reach it (the caller exits 2). Missing stage
    outputs are only a shortcut: without them `dvc repro` remakes them.
    """
    from charter.runs.data_remote import describe_unreachable, missing_data, remote  # noqa: PLC0415

    sources, outputs = missing_data(root)
    if not sources and not outputs:
        return None
    name, url = remote(root)
    local = url is not None and "://" not in url
    if url is None or (local and not Path(url).is_dir()):
        return describe_unreachable(name, url, sources) if sources else None
    shown = ", ".join([*sources, *outputs][:3])
    print(f"dvc pull from {name} ({url}): {shown} not in this checkout")
    code = dvc("pull", "--allow-missing", *(["--quiet"] if not sources else []), root=root)
    still = [path for path in sources if not (root / path).exists()]
    if code != 0 and still:
        return describe_unreachable(name, url, still, failed=True)
    return None


def _is_dirty(manifest: Path) -> bool:
    return bool(json.loads(manifest.read_text(encoding="utf-8"))["code"]["dirty"])


PUSHED_MARKER = ".dvc/tmp/charter-pushed"
"""What this checkout last pushed (inside DVC's own git-ignored tmp folder)."""


def _push_state(root: Path) -> str:
    """sha256 of dvc.lock and of the DVC config files: any change means push again."""
    import hashlib  # noqa: PLC0415

    lines = []
    for name in (DVC_LOCK, ".dvc/config", ".dvc/config.local"):
        path = root / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"
        lines.append(f"{name} {digest}\n")
    return "".join(lines)


def _shown(path: Path) -> Path:
    """`path` relative to the working folder when inside it, for messages."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
