"""One repository's governance artifacts, loaded once, with their cross-references.

    project = Project.load(Path.cwd())
    project.contracts        # list[contract.Contract]
    project.catalog          # catalog.Catalog | None
    project.cards            # list[card.Card]
    project.checklists       # list[checklist.Checklist]
    project.manifests        # list of run manifests (charter.formats.manifest, if present)
    project.problems         # unreadable files and settings (LoadProblem)
    project.conflicts        # conflict markers left by `copier update`
    project.rejects          # `*.rej` files anywhere in the project
    project.property_of(source), project.contract_by_id(id), project.resolve_ref(ref)

    Project.load(root, staged=True)   # only files git tracks or has staged

`staged=True` is what the pre-commit hooks use (`charter check --staged`): an
untracked work-in-progress file is not part of the commit, so it is skipped.
The files read are the working-tree copies of the tracked files; pre-commit
stashes unstaged changes before it runs the hooks, so during a commit these
equal the staged content. `*.rej` files are git-ignored by design and still
looked for in the whole tree: they mean an update was half applied.

Where artifacts live comes from `[tool.charter]` in pyproject.toml (`Config`);
every key has a default. Nothing here decides what is wrong: the rules do.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from charter import gitrepo
from charter.constants import ANSWERS_FILE, CARD_NAME, MANIFEST_NAME, STAGES
from charter.formats import card as card_format
from charter.formats import catalog as catalog_format
from charter.formats import checklist as checklist_format
from charter.formats import contract as contract_format
from charter.formats.python_source import column_names, module_file, top_level_names
from charter.formats.source import FormatError, Kind, read_text

CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7})(?:[ \t]|$)", re.MULTILINE)
_MARKERS = ("<" * 7, "=" * 7, ">" * 7)
"""Seven marker characters anywhere: only then is the line-by-line search worth it."""
_SKIP_DIRS = {".git", ".venv", "venv", ".nox", ".tox", "node_modules", "__pycache__"}
_SKIP_DIRS |= {".ruff_cache", ".pytest_cache", ".mypy_cache", "site", "build", "dist"}


_ARTIFACT_PATHS = ("contracts", "features", "models", "checklists")
"""Settings that name existing artifacts (runs and docs may not exist yet)."""


@dataclass
class Config:
    """`[tool.charter]`: where the artifacts live, plus default rule selection."""

    contracts: str = "governance/contracts"
    features: str = "governance/features/catalog.yaml"
    models: str = "governance/models"
    checklists: str = "governance/checklists"
    runs: str = "runs"
    docs: str = "docs"
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    stage: str = "review"


@dataclass(frozen=True)
class LoadProblem:
    """A file or setting that could not be read; the rule for its `kind` reports it."""

    path: Path
    line: int
    col: int
    kind: Kind
    message: str


@dataclass(frozen=True)
class Conflict:
    path: Path
    line: int
    marker: str


class RefStatus(Enum):
    FOUND = "found"
    MALFORMED = "malformed"
    NO_MODULE = "no module"
    UNPARSABLE = "module does not parse"
    NO_SYMBOL = "no such symbol"


@dataclass
class Project:
    root: Path
    config: Config
    contracts: list[contract_format.Contract] = field(default_factory=list)
    catalog: catalog_format.Catalog | None = None
    cards: list[card_format.Card] = field(default_factory=list)
    checklists: list[checklist_format.Checklist] = field(default_factory=list)
    manifests: list[Any] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    rejects: list[Path] = field(default_factory=list)
    tracked: frozenset[Path] | None = None
    """With `staged=True`, the files git tracks or has staged; None: the whole tree."""
    _names: dict[Path, set[str] | None] = field(default_factory=dict, repr=False)
    _by_id: dict[str | None, contract_format.Contract] | None = field(default=None, repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)
    """Answers that cost a git call or a file read, asked once per load (rules share them)."""

    @classmethod
    def load(cls, root: Path, *, staged: bool = False) -> Project:
        """Read the config and every artifact under `root`; never raises for bad files.

        `staged=True` skips files git does not track (GitError outside a repository).
        """
        root = root.resolve()
        problems: list[LoadProblem] = []
        project = cls(root=root, config=_read_config(root, problems), problems=problems)
        if staged:
            project.tracked = gitrepo.tracked_files(root)
        project._load_artifacts()
        project.rejects = sorted(_find_rejects(root))
        return project

    # -- paths -------------------------------------------------------------

    def path(self, setting: str) -> Path:
        return self.root / getattr(self.config, setting)

    def sees(self, path: Path) -> bool:
        """Whether `path` is an existing file this load considers (tracked, with `staged`)."""
        if self.tracked is None:
            return path.is_file()
        return Path(os.path.normpath(path)) in self.tracked and path.is_file()

    def on_disk(self, path: Path) -> bool:
        """Whether `path` is a file in the working tree, tracked or not."""
        return path.is_file()

    def _files(self, setting: str, *patterns: str) -> list[Path]:
        folder = self.path(setting)
        found = [p for pattern in patterns for p in sorted(folder.glob(pattern))]
        return [p for p in found if self.tracked is None or self.sees(p)]

    def contract_files(self) -> list[Path]:
        return self._files("contracts", "*.odcs.yaml", "*.odcs.yml")

    def card_files(self) -> list[Path]:
        return self._files("models", f"*/{CARD_NAME}")

    def checklist_files(self) -> list[Path]:
        return self._files("checklists", "*.md")

    def manifest_files(self) -> list[Path]:
        """`<runs>/*/manifest.json`, dangling and looping symlinks included (glob drops them)."""
        runs = self.path("runs")
        try:
            folders = sorted(p for p in runs.iterdir() if p.is_dir())
        except OSError:
            return []
        found = [f / MANIFEST_NAME for f in folders if os.path.lexists(f / MANIFEST_NAME)]
        tracked = self.tracked
        return [p for p in found if tracked is None or Path(os.path.normpath(p)) in tracked]

    # -- cross-references --------------------------------------------------

    def contract_by_id(self, contract_id: str) -> contract_format.Contract | None:
        """The first contract with this id (CON004 reports the others)."""
        if self._by_id is None:
            self._by_id = {}
            for contract in self.contracts:
                self._by_id.setdefault(contract.id, contract)
        return self._by_id.get(contract_id)

    def property_of(self, source: catalog_format.Source) -> contract_format.Property | None:
        """The contract property a feature source points at, or None."""
        contract = self.contract_by_id(source.contract)
        schema = contract.schema(source.schema) if contract else None
        return schema.property(source.property) if schema else None

    def feature_by_key(self, key: str) -> catalog_format.Feature | None:
        """The catalog feature named `name@version` (or `name`: any version)."""
        if self.catalog is None:
            return None
        name, _, version = key.partition("@")
        if version and not version.isdigit():
            return None
        return self.catalog.find(name, int(version) if version else None)

    def resolve_ref(self, ref: str) -> RefStatus:
        """Whether `package.module:symbol` is defined in the project's source (no import)."""
        module, sep, symbol = ref.partition(":")
        if not sep or not module or not symbol.isidentifier():
            return RefStatus.MALFORMED
        path = self.ref_source(ref)
        if path is None:
            return RefStatus.NO_MODULE
        if path not in self._names:
            self._names[path] = top_level_names(path)
        names = self._names[path]
        if names is None:
            return RefStatus.UNPARSABLE
        return RefStatus.FOUND if symbol.split(".")[0] in names else RefStatus.NO_SYMBOL

    def ref_source(self, ref: str) -> Path | None:
        """The source file `package.module:symbol` lives in, if it exists."""
        module, sep, _symbol = ref.partition(":")
        if not sep or not module:
            return None
        return self._once(("module", module), lambda: self._module_source(module))

    def _module_source(self, module: str) -> Path | None:
        path = module_file([self.root / "src", self.root], module)
        return path if path is not None and self.sees(path) else None

    def _once(self, key: Any, compute: Any) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def git_toplevel(self) -> Path | None:
        """The top of the git checkout holding the project, or None (one git call, once)."""
        return self._once("toplevel", lambda: gitrepo.toplevel(self.root))

    def run_commits(self, lock_file: str) -> tuple[dict[str, bool], dict[str, bytes | None]]:
        """Which commits the run manifests record exist, and `lock_file` at each.

        One git process for every run, shared by the rules that ask (RUN002, RUN003);
        two empty mappings outside git.
        """
        return self._once(("run_commits", lock_file), lambda: self._run_commits(lock_file))

    def _run_commits(self, lock_file: str) -> tuple[dict[str, bool], dict[str, bytes | None]]:
        top = self.git_toplevel()
        if top is None:
            return {}, {}
        lock = (self.root / lock_file).relative_to(top.resolve()).as_posix()
        commits = sorted({manifest.commit for manifest in self.manifests})
        names = [name for c in commits for name in (f"{c}^{{commit}}", f"{c}:{lock}")]
        found = gitrepo.read_objects(self.root, names)
        exists = {c: found[f"{c}^{{commit}}"] is not None for c in commits}
        return exists, {c: found[f"{c}:{lock}"] for c in commits}

    def source_bytes(self, path: Path) -> bytes:
        """The working-tree bytes of a project source file, read once."""
        return self._once(("bytes", path), path.read_bytes)

    def pyproject(self) -> tuple[str, dict[str, Any]] | None:
        """The text and table of the project's pyproject.toml, read once (None: unreadable)."""

        def read() -> tuple[str, dict[str, Any]] | None:
            try:
                text = (self.root / "pyproject.toml").read_text("utf-8")
                return text, tomllib.loads(text)
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return None  # PRJ005 reports an unreadable pyproject.toml

        return self._once("pyproject", read)

    def answers(self) -> dict[str, Any]:
        """The Copier answers (`.copier-answers.yml`), read once; empty when absent or bad."""

        def read() -> dict[str, Any]:
            try:
                data = yaml.safe_load((self.root / ANSWERS_FILE).read_text("utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                return {}
            return data if isinstance(data, dict) else {}

        return self._once("answers", read)

    def transform_columns(self, ref: str) -> list[tuple[str, int, int]] | None:
        """The columns the function `ref` names (`pl.col("x")`), read with `ast` once.

        None when the module or function cannot be found or read.
        """
        path = self.ref_source(ref)
        if path is None:
            return None
        symbol = ref.partition(":")[2]
        try:
            source = self.source_bytes(path)
        except OSError:
            return None
        return self._once(("columns", ref), lambda: column_names(source, symbol))

    def template_status(self) -> Any:
        """What `copier check-update` says about the project (cached a day), asked once."""
        from charter.template_updates import check_for_update  # noqa: PLC0415 - rarely needed

        return self._once("template", lambda: check_for_update(self.root))

    def answers_commit_line(self) -> int:
        """The line of `_commit:` in the Copier answers file (1 when absent)."""
        from charter.template_updates import ANSWERS_FILE  # noqa: PLC0415

        def line() -> int:
            text = (self.root / ANSWERS_FILE).read_text("utf-8")
            match = re.search(r"^_commit:", text, re.MULTILINE)
            return text.count("\n", 0, match.start()) + 1 if match else 1

        return self._once("answers line", line)

    def at_head(self, paths: list[Path]) -> dict[Path, bytes | None] | None:
        """What `paths` held in the last commit (one git call); None outside git.

        Lets rules compare the working tree with what was committed, for
        example whether a feature's logic changed without a version bump.
        """
        top = self.git_toplevel()
        if top is None:
            return None
        names = {p: f"HEAD:{p.resolve().relative_to(top.resolve()).as_posix()}" for p in paths}
        try:
            objects = gitrepo.read_objects(self.root, list(names.values()))
        except gitrepo.GitError:
            return None
        return {path: objects.get(name) for path, name in names.items()}

    def catalog_at_head(self) -> catalog_format.Catalog | None:
        """The feature catalog as last committed, or None (new, unreadable, no git)."""
        catalog_path = self.path("features")
        committed = (self.at_head([catalog_path]) or {}).get(catalog_path)
        if committed is None:
            return None
        try:
            return catalog_format.parse(committed.decode("utf-8"), catalog_path)
        except (FormatError, UnicodeDecodeError):
            return None

    # -- loading -----------------------------------------------------------

    def _load_artifacts(self) -> None:
        self.contracts = [
            c for p in self.contract_files() if (c := self._parse(p, contract_format.load))
        ]
        catalog_path = self.path("features")
        if self.sees(catalog_path):
            self.catalog = self._parse(catalog_path, catalog_format.load)
        self.cards = [c for p in self.card_files() if (c := self._parse(p, card_format.load))]
        self.checklists = [
            c for p in self.checklist_files() if (c := self._parse(p, checklist_format.load))
        ]
        self.manifests = self._load_manifests()

    def _load_manifests(self) -> list[Any]:
        if importlib.util.find_spec("charter.formats.manifest") is None:
            return []
        from charter.formats import manifest  # noqa: PLC0415 - optional, added by the runs work

        return [m for p in self.manifest_files() if (m := self._parse(p, manifest.load))]

    def _parse(self, path: Path, loader: Any) -> Any:
        """Load one artifact; conflict markers and unreadable files become problems."""
        try:
            text = read_text(path)
        except FormatError as error:
            self._problem(path, error)
            return None
        conflicts = [
            Conflict(path, text.count("\n", 0, m.start()) + 1, m.group(1))
            for m in (CONFLICT_MARKER.finditer(text) if any(m in text for m in _MARKERS) else ())
        ]
        self.conflicts.extend(conflicts)
        try:
            return loader(path)
        except FormatError as error:
            if not conflicts:  # a parse error caused by markers says nothing new
                self._problem(path, error)
        except (ValueError, TypeError) as error:
            self.problems.append(LoadProblem(path, 1, 1, Kind.UNREADABLE, f"cannot load: {error}"))
        return None

    def _problem(self, path: Path, error: FormatError) -> None:
        self.problems.append(LoadProblem(path, error.line, error.col, error.kind, error.message))


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds a pyproject.toml (else `start`)."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    return folder


def _read_config(root: Path, problems: list[LoadProblem]) -> Config:
    config = Config()
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return config
    try:
        data = tomllib.loads(pyproject.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        problems.append(
            LoadProblem(pyproject, 1, 1, Kind.CONFIGURATION, f"cannot read pyproject.toml: {error}")
        )
        return config
    table = data.get("tool", {}).get("charter", {})
    if not isinstance(table, dict):
        problems.append(
            LoadProblem(pyproject, 1, 1, Kind.CONFIGURATION, "[tool.charter] must be a table")
        )
        return config
    known = {f.name: f for f in fields(Config)}
    for key, value in table.items():
        line = _toml_key_line(pyproject, key)
        if key not in known:
            problems.append(
                LoadProblem(
                    pyproject, line, 1, Kind.CONFIGURATION, f"unknown [tool.charter] key {key!r}"
                )
            )
        elif not _config_type_ok(key, value):
            expected = "a list of strings" if key in ("select", "ignore") else "a string"
            problems.append(
                LoadProblem(
                    pyproject,
                    line,
                    1,
                    Kind.CONFIGURATION,
                    f"[tool.charter] {key} must be {expected}",
                )
            )
        else:
            setattr(config, key, value)
            if key in _ARTIFACT_PATHS and not (root / value).exists():
                problems.append(
                    LoadProblem(
                        pyproject,
                        line,
                        1,
                        Kind.CONFIGURATION,
                        f"[tool.charter] {key}: {value!r} does not exist",
                    )
                )
    return config


def _config_type_ok(key: str, value: Any) -> bool:
    if key in ("select", "ignore"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if key == "stage":
        return value in STAGES
    return isinstance(value, str)


def _toml_key_line(pyproject: Path, key: str) -> int:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=", re.MULTILINE)
    text = pyproject.read_text("utf-8")
    start = text.find("[tool.charter]")
    match = pattern.search(text, max(start, 0))
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _find_rejects(root: Path) -> list[Path]:
    """Every `*.rej` file `copier update` may have left, skipping environments and caches."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        found.extend(Path(folder, name) for name in files if name.endswith(".rej"))
    return found
