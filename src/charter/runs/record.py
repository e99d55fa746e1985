"""Record one pipeline run and write its manifest, never over an earlier run's.

The pipeline creates a `Run` when it starts, tells it what it read, which
features it built, which models it trained and what it wrote, and calls
`finish(metrics)` last. Only a
run that finished gets a manifest, so a failed run leaves no record that could
be mistaken for a real one.
"""

from __future__ import annotations

import math
import platform
import re
import shutil
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from charter import gitrepo
from charter.constants import API_VERSION, LOCK_FILE, MANIFEST_NAME
from charter.fingerprint import fingerprint, sha256_file
from charter.formats import manifest as manifest_format
from charter.formats.source import Document
from charter.runs import atomic
from charter.runs.ids import new_run_id, timestamp

RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
"""A run id is a folder name: no separators, no leading dot (as the schema says)."""


def _configured_runs(root: Path) -> str:
    """`[tool.charter] runs` of the project at `root` (default `runs`)."""
    try:
        table = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return "runs"
    value = table.get("tool", {}).get("charter", {}).get("runs", "runs")
    return value if isinstance(value, str) else "runs"


class RunError(Exception):
    """The run cannot be recorded (no git commit, no uv.lock, a run id already taken)."""


class DirtyTreeError(RunError):
    """The code has uncommitted changes: a run from it would record code no commit holds."""


class AlreadyRecordedError(RunError):
    """An earlier run already records this commit's code with this dvc.lock."""

    def __init__(self, message: str, manifest: Path) -> None:
        super().__init__(message)
        self.manifest = manifest


class Run:
    """What one run used and produced, collected while it runs."""

    def __init__(
        self,
        root: Path,
        *,
        entry_point: str,
        params: dict[str, Any],
        seeds: dict[str, int],
        runs_dir: str | None = None,
        run_id: str | None = None,
        ignore: tuple[str, ...] = (),
    ) -> None:
        self.root = root.resolve()
        runs_dir = runs_dir or _configured_runs(self.root)
        started = datetime.now(UTC)
        self.run_id = run_id or new_run_id(started)
        if not RUN_ID.fullmatch(self.run_id):
            raise RunError(f"run id {self.run_id!r} must be letters, digits, '.', '_' or '-'")
        self.runs_dir = self.root / runs_dir
        if (self.runs_dir / self.run_id).exists():
            raise RunError(f"run {self.run_id} already exists in {self.runs_dir}")
        lock = self.root / LOCK_FILE
        if not lock.is_file():
            raise RunError(f"{lock} is missing: a run must record its locked environment")
        try:
            commit = gitrepo.head_commit(self.root)
            self.changed = gitrepo.changed_paths(self.root, ignore=(runs_dir, *ignore))
        except gitrepo.GitError as error:
            raise RunError(f"cannot record the code of this run: {error}") from None
        self._record: dict[str, Any] = {
            "apiVersion": API_VERSION,
            "run_id": self.run_id,
            "start_time": timestamp(started),
            "end_time": None,
            "code": {"commit": commit, "dirty": bool(self.changed), "entry_point": entry_point},
            "environment": {
                "lock_sha256": sha256_file(lock),
                "python": platform.python_version(),
                "platform": f"{sys.platform}-{platform.machine()}",
            },
            "inputs": [],
            "features": [],
            "models": [],
            "params": params,
            "params_hash": manifest_format.params_hash(params),
            "seeds": seeds,
            "metrics": {},
            "outputs": [],
        }

    @property
    def dirty(self) -> bool:
        return self._record["code"]["dirty"]

    @property
    def commit(self) -> str:
        return self._record["code"]["commit"]

    @property
    def lock_sha256(self) -> str:
        return self._record["environment"]["lock_sha256"]

    def uri(self, path: Path) -> str:
        """`path` relative to the project root (POSIX), or absolute when outside it."""
        resolved = path.resolve()
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            return resolved.as_posix()

    def record_input(
        self,
        name: str,
        path: Path,
        *,
        rows: int,
        contract: tuple[str, str] | None = None,
        md5: str | None = None,
        digest: str | None = None,
    ) -> None:
        """Record an input file: blake3 fingerprint, size, rows, contract (id, version), DVC md5.

        `digest` is the file's blake3 fingerprint when the caller already has it (the
        remembered file facts), so a large input is not hashed a second time.
        """
        try:
            entry: dict[str, Any] = {
                "name": name,
                "uri": self.uri(path),
                "fingerprint": digest or fingerprint(path),
                "bytes": path.stat().st_size,
                "rows": rows,
            }
        except OSError as error:
            raise RunError(f"cannot read input {path}: {atomic.reason_of(error)}") from None
        if md5 is not None:
            entry["md5"] = md5
        if contract is not None:
            entry["contract"] = {"id": contract[0], "version": str(contract[1])}
        self._record["inputs"].append(entry)

    def record_features(self, features: list[tuple[str, str | int]]) -> None:
        """Record the catalog features the run built, as (name, version)."""
        self._record["features"] = [f"{name}@{version}" for name, version in features]

    def record_model(self, name: str) -> None:
        """Record a model the run trained, by its card's folder (`governance/models/<name>/`).

        `charter card sync NAME --run RUN` refuses a run that did not record NAME.
        """
        if name not in self._record["models"]:
            self._record["models"].append(name)

    def record_output(self, name: str, path: Path, *, md5: str | None = None) -> None:
        """Record an output file, its sha256 and (when DVC tracks it) DVC's md5."""
        try:
            entry = {"name": name, "uri": self.uri(path), "sha256": sha256_file(path)}
        except OSError as error:
            raise RunError(f"cannot read output {path}: {atomic.reason_of(error)}") from None
        if md5 is not None:
            entry["md5"] = md5
        self._record["outputs"].append(entry)

    def record_dvc(self, lock_sha256: str, stages: list[str]) -> None:
        """Record the sha256 of the dvc.lock the run came from and the stages it holds."""
        self._record["dvc"] = {"lock_sha256": lock_sha256, "stages": stages}

    def finish(self, metrics: dict[str, float]) -> Path:
        """Write `runs/<run-id>/manifest.json` (schema-checked, atomic) and return its path.

        The run folder appears whole or not at all: the manifest is written in a
        temporary folder beside it, which is renamed into place. When that fails
        (a full disk, a read-only or missing `runs/`), RunError names the path,
        and the run's own output folder (`<folder>/<run-id>/`) is removed too, so
        nothing is left that looks like a result without its record.
        """
        try:
            return self._finish(metrics)
        except RunError:
            self._discard_outputs()
            raise
        except OSError as error:
            self._discard_outputs()
            raise RunError(f"{atomic.describe(error)}; the run was not recorded") from None

    def _finish(self, metrics: dict[str, float]) -> Path:
        bad = [name for name, value in metrics.items() if _non_finite(value)]
        if bad:
            raise RunError(f"metric {bad[0]!r} is {metrics[bad[0]]!r}, not a finite number")
        record = {**self._record, "metrics": metrics}
        record["end_time"] = timestamp(datetime.now(UTC))
        problems = manifest_format.schema_problems(record, Document(path=Path(), data=None))
        if problems:
            raise RunError(f"the manifest would be invalid: {problems[0].message}")
        folder = self.runs_dir / self.run_id
        if folder.exists():
            raise RunError(f"run {self.run_id} already exists; earlier runs are never overwritten")
        try:
            with atomic.atomic_folder(folder, self.root) as temporary:
                manifest = temporary / MANIFEST_NAME
                atomic.write_text(manifest, manifest_format.dumps(record), self.root)
        except FileExistsError:
            raise RunError(
                f"run {self.run_id} already exists; earlier runs are never overwritten"
            ) from None
        except atomic.WriteError as error:
            raise atomic.WriteError(folder / MANIFEST_NAME, error.reason, error.errno) from None
        return folder / MANIFEST_NAME

    def _discard_outputs(self) -> None:
        """Remove the folders named after this run that hold its recorded outputs."""
        for output in self._record["outputs"]:
            folder = (self.root / output["uri"]).parent
            inside = folder.resolve().is_relative_to(self.root) and folder.resolve() != self.root
            if folder.name == self.run_id and inside and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)


def _non_finite(value: object) -> bool:
    """NaN and the infinities: JSON has no such numbers (other wrong types: the schema says)."""
    return isinstance(value, float) and not math.isfinite(value)
