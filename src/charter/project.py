"""One repository's governance artifacts, loaded once, with their cross-references.

    project = Project.load(Path.cwd())
    project.contracts        # list[contract.Contract]
    project.catalog          # catalog.Catalog | None
    project.cards            # list[card.Card]
    project.checklists       # list[checklist.Checklist]
    project.decisions        # list[decision.Decision] (governance/decisions/*.md, MADR)
    project.deployments      # list[deployment.Deployment]
    project.manifests        # list of run manifests (charter.formats.manifest, if present)
    project.approvals        # list[approval.Approval] (governance/approvals/<model>/*.yaml)
    project.approvers        # approvers.Approvers | None (governance/approvers)
    project.answers()        # the Copier answers (.copier-answers.yml), a mapping
    project.roles()          # Roles: data owner, model owner, ... from the answers
    project.codeowners()     # codeowners.CodeOwners | None: who reviews which paths
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
import json
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter import gitrepo, patterns
from charter.constants import ANSWERS_FILE, CARD_NAME, DVC_YAML, MANIFEST_NAME, STAGES
from charter.formats import approval as approval_format
from charter.formats import approvers as approvers_format
from charter.formats import card as card_format
from charter.formats import catalog as catalog_format
from charter.formats import checklist as checklist_format
from charter.formats import codeowners as codeowners_format
from charter.formats import contract as contract_format
from charter.formats import decision as decision_format
from charter.formats import deployment as deployment_format
from charter.formats.python_source import PythonModule, module_file, parse_module
from charter.formats.source import (
    MAX_SOURCE_BYTES,
    Document,
    FormatError,
    Kind,
    load_yaml,
    parse_yaml,
    read_bytes,
    read_text,
)

if TYPE_CHECKING:
    from charter.formats import manifest as manifest_format

CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7})(?:[ \t]|$)", re.MULTILINE)
_MARKERS = ("<" * 7, "=" * 7, ">" * 7)
"""Seven marker characters anywhere: only then is the line-by-line search worth it."""
_SKIP_DIRS = {".git", ".venv", "venv", ".nox", ".tox", "node_modules", "__pycache__"}
_SKIP_DIRS |= {".ruff_cache", ".pytest_cache", ".mypy_cache", "site", "build", "dist"}


_ARTIFACT_PATHS = ("contracts", "features", "models", "checklists")
"""Settings that name existing artifacts (runs and docs may not exist yet)."""
_LISTS = ("select", "ignore", "card_sections")
_PLUGIN_TABLE = re.compile(r"[a-z]{2,5}")
"""A sub-table named like a lower-cased plugin prefix holds that plugin's settings."""
_LOCATIONS = (*_ARTIFACT_PATHS, "runs", "docs", "deployments")
"""Settings that name a place in the project."""


@dataclass
class Config:
    """`[tool.charter]`: where the artifacts live, plus default rule selection."""

    contracts: str = "governance/contracts"
    """The folder of the data contracts (`*.odcs.yaml`)."""
    features: str = "governance/features/catalog.yaml"
    """The feature catalog file."""
    models: str = "governance/models"
    """The folder of the models: one sub-folder per model, holding its `card.md`."""
    checklists: str = "governance/checklists"
    """The folder of the stage checklists (`*.md`)."""
    runs: str = "runs"
    """The folder of the recorded runs: `<runs>/<run id>/manifest.json` (may not exist yet)."""
    docs: str = "docs"
    """The documentation folder `charter docs` writes into (may not exist yet)."""
    deployments: str = deployment_format.FOLDER
    """Deployment manifests: `<deployments>/<model>/<environment>.yaml` (may not exist yet)."""
    select: list[str] = field(default_factory=list)
    """Codes or prefixes `charter check` runs (empty: all)."""
    ignore: list[str] = field(default_factory=list)
    """Codes or prefixes `charter check` skips."""
    stage: str = "review"
    """The stage `charter check` checks at by default (`review` or `production`)."""
    card_sections: list[str] = field(default_factory=lambda: list(card_format.MITCHELL_SECTIONS))
    """The sections every model card needs (MOD003); Mitchell et al.'s nine by default."""
    checklist_codes: str = checklist_format.CODE_PATTERN
    """The pattern each `rules:` entry of a checklist matches (PRJ006)."""
    show_personal_values: bool = False
    """Show failing values of restricted and direct-identifier columns unmasked in
    validation reports and pipeline logs; only where every reader may see the data."""
    lineage_url: str = ""
    """Where the pipeline sends each run's OpenLineage events (`OPENLINEAGE_URL` wins);
    empty: they are only written beside the manifest."""
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Sub-tables (`[tool.charter.acme]`): a plugin's settings, checked by PRJ005."""


@dataclass(frozen=True)
class LoadProblem:
    """A file or setting that could not be read; the rule for its `kind` reports it."""

    path: Path
    line: int
    col: int
    kind: Kind
    """What went wrong (unreadable, duplicate key, too large, ...): it picks the rule."""
    message: str


@dataclass(frozen=True)
class Conflict:
    """A conflict marker line in an artifact, as `copier update` leaves them."""

    path: Path
    line: int
    marker: str
    """The seven characters that open, divide or close the conflict."""


@dataclass(frozen=True)
class Roles:
    """Who holds each team role: the Copier answers that also fill CODEOWNERS.

    Each is a code-host handle (`@user`, `@org/team`) or an email address as
    answered; None when the project has no answers or the answer is empty.
    """

    data_owner: str | None = None
    """Approves the data contracts: what comes in and how it is checked."""
    model_owner: str | None = None
    """Answers for the features, the model cards and the pipeline code."""
    product_owner: str | None = None
    """Decides what the model is for; signs off readiness."""
    privacy_reviewer: str | None = None
    """Signs off personal data: classification and anonymization."""


class RefStatus(Enum):
    FOUND = "found"
    MALFORMED = "malformed"
    NO_MODULE = "no module"
    UNPARSABLE = "module does not parse"
    NO_SYMBOL = "no such symbol"


@dataclass
class Project:
    """The repository's artifacts, each read once by its one reader."""

    root: Path
    """The project folder (the one holding pyproject.toml), resolved."""
    config: Config
    """`[tool.charter]`: where the artifacts live, rule selection, card sections."""
    contracts: list[contract_format.Contract] = field(default_factory=list)
    """The data contracts that could be read (`<contracts>/*.odcs.yaml`)."""
    catalog: catalog_format.Catalog | None = None
    """The feature catalog; None when there is none or it cannot be read."""
    cards: list[card_format.Card] = field(default_factory=list)
    """The model cards (`<models>/<model>/card.md`)."""
    checklists: list[checklist_format.Checklist] = field(default_factory=list)
    """The stage checklists (`<checklists>/*.md`)."""
    decisions: list[decision_format.Decision] = field(default_factory=list)
    """The decision records (`governance/decisions/*.md`, MADR), in file-name order."""
    deployments: list[deployment_format.Deployment] = field(default_factory=list)
    """The deployment manifests (`<deployments>/<model>/<environment>.yaml`)."""
    manifests: list[manifest_format.Manifest] = field(default_factory=list)
    """The recorded runs (`<runs>/<run id>/manifest.json`)."""
    approvals: list[approval_format.Approval] = field(default_factory=list)
    """The signed sign-offs (`governance/approvals/<model>/*.yaml`)."""
    approvers: approvers_format.Approvers | None = None
    """Who may sign off (`governance/approvers`); None when absent."""
    problems: list[LoadProblem] = field(default_factory=list)
    """Files and settings that could not be read (Charter's PRJ rules report them)."""
    conflicts: list[Conflict] = field(default_factory=list)
    """Conflict markers left in artifacts by `copier update`."""
    rejects: list[Path] = field(default_factory=list)
    """`*.rej` files anywhere in the project: an update half applied."""
    tracked: frozenset[Path] | None = None
    """With `staged=True`, the files git tracks or has staged; None: the whole tree."""
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
        project.answers()  # read now: their load problems are reported with the others
        project.pipeline()
        project.rejects = sorted(_find_rejects(root))
        return project

    @classmethod
    def load_runs(cls, root: Path, run_ids: list[str] | None = None) -> Project:
        """Only the config and the run manifests (of `run_ids`): what `charter runs` reads.

        Listing a thousand runs need not wait for every contract, card and
        approval, and comparing two need not read the other 998.
        """
        root = root.resolve()
        problems: list[LoadProblem] = []
        project = cls(root=root, config=_read_config(root, problems), problems=problems)
        project.manifests = project._load_manifests(run_ids)
        return project

    # -- paths -------------------------------------------------------------

    def path(self, setting: str) -> Path:
        """Where a `[tool.charter]` location setting points: `project.path("models")`."""
        return self.root / getattr(self.config, setting)

    def sees(self, path: Path) -> bool:
        """Whether `path` is a regular file inside the project this load considers.

        Tracked, with `staged`. A FIFO, device or directory, or a symlink that
        leaves the project, is not seen: nothing reads it (artifacts in such a
        place are reported by PRJ020 instead).
        """
        if self.tracked is not None and Path(os.path.normpath(path)) not in self.tracked:
            return False
        return self.on_disk(path)

    def on_disk(self, path: Path) -> bool:
        """Whether `path` is a regular file in the working tree, inside the project."""
        return path.is_file() and self.inside(path)

    def inside(self, path: Path) -> bool:
        """Whether `path`, symlinks resolved, is inside the project folder."""
        return Path(os.path.realpath(path)).is_relative_to(self.root)

    def _present(self, path: Path) -> bool:
        """Whether an artifact is at `path` in any form: a dangling symlink or a FIFO counts."""
        if self.tracked is not None and Path(os.path.normpath(path)) not in self.tracked:
            return False
        return os.path.lexists(path)

    def _files(self, setting: str, *patterns: str) -> list[Path]:
        """The artifacts matching `patterns` (`*.ext` or `*/NAME`), dangling symlinks included.

        `Path.glob` skips a literal name that is a dangling symlink; the loader
        must see it to report it.
        """
        folder = self.path(setting)
        if not self.inside(folder) or not folder.is_dir():
            return []  # PRJ005 reports the setting
        found: list[Path] = []
        for pattern in patterns:
            parent, _, name = pattern.rpartition("/")
            if parent:
                found += sorted(d / name for d in folder.glob(parent) if d.is_dir())
            else:
                found += sorted(folder.glob(name))
        return [p for p in found if self._present(p)]

    def contract_files(self) -> list[Path]:
        return self._files("contracts", "*.odcs.yaml", "*.odcs.yml")

    def card_files(self) -> list[Path]:
        return self._files("models", f"*/{CARD_NAME}")

    def checklist_files(self) -> list[Path]:
        return self._files("checklists", "*.md")

    def decision_files(self) -> list[Path]:
        """`governance/decisions/*.md` but README.md (an index); the folder need not exist."""
        folder = self.root / decision_format.FOLDER
        if not self.inside(folder) or not folder.is_dir():
            return []
        found = sorted(p for p in folder.glob("*.md") if p.name.lower() != "readme.md")
        return [p for p in found if self._present(p)]

    def decisions_for(self, model: str) -> list[decision_format.Decision]:
        """The decision records that name `model` in their `models:` list."""
        return [d for d in self.decisions if any(name == model for name, _ in d.models)]

    def deployment_files(self) -> list[Path]:
        """`<deployments>/<model>/<environment>.yaml`; the folder need not exist."""
        folder = self.path("deployments")
        if not self.inside(folder) or not folder.is_dir():
            return []
        found = sorted(
            path
            for model in folder.iterdir()
            if model.is_dir()
            for path in model.iterdir()
            if path.suffix in (".yaml", ".yml")
        )
        return [path for path in found if self._present(path)]

    def deployment(self, model: str, environment: str) -> deployment_format.Deployment | None:
        """The deployment manifest of `model` in `environment`, if one was loaded."""
        return next(
            (
                d
                for d in self.deployments
                if (d.folder_model, d.file_environment) == (model, environment)
            ),
            None,
        )

    def manifest_by_run(self, run_id: str) -> manifest_format.Manifest | None:
        """The loaded run manifest with this run id (its folder name), or None."""
        return next((m for m in self.manifests if m.path.parent.name == run_id), None)

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
        module = self.python_module(path)
        if module is None:
            return RefStatus.UNPARSABLE
        return RefStatus.FOUND if symbol.split(".")[0] in module.names else RefStatus.NO_SYMBOL

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

    def shallow_clone(self) -> bool:
        """True when the project's git checkout is shallow: older commits were never fetched."""
        return self._once(
            "shallow", lambda: self.git_toplevel() is not None and gitrepo.is_shallow(self.root)
        )

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
        """The working-tree bytes of a project source file, read once (bounded, see `read_bytes`).

        Empty when the file is not a regular file inside the project, or is over
        64 MB: the rules asking see no function in it, and nothing blocks.
        """

        def read() -> bytes:
            try:
                return read_bytes(path, self.root, limit=MAX_SOURCE_BYTES)
            except FormatError:
                return b""

        return self._once(("bytes", path), read)

    def python_module(self, path: Path) -> PythonModule | None:
        """The project source file `path` parsed with `ast` once per load (never imported).

        Every feature's `transform.ref` points into one module or a few: the rules
        asking about thousands of features share one parse. None when the file
        cannot be read (see `source_bytes`) or does not parse.
        """

        def parse() -> PythonModule | None:
            try:
                source = read_bytes(path, self.root, limit=MAX_SOURCE_BYTES)
            except FormatError:
                return None
            return parse_module(source, str(path))

        return self._once(("python module", path), parse)

    def pyproject(self) -> tuple[str, dict[str, Any]] | None:
        """The text and table of the project's pyproject.toml, read once (None: unreadable)."""

        def read() -> tuple[str, dict[str, Any]] | None:
            try:
                text = read_text(self.root / "pyproject.toml", self.root)
                return text, tomllib.loads(text)
            except (FormatError, tomllib.TOMLDecodeError):
                return None  # PRJ005 reports an unreadable pyproject.toml

        return self._once("pyproject", read)

    def pipeline(self) -> Document | None:
        """`dvc.yaml` as a document, read once; None when absent, not a mapping or unparsable.

        One that is not a regular file, is too large or too complex is a load
        problem (PRJ020-PRJ022) like any artifact; a YAML error is DVC's to report.
        """

        def read() -> Document | None:
            path = self.root / DVC_YAML
            if not self._present(path):
                return None
            try:
                document = load_yaml(path, self.root)
            except FormatError as error:
                if error.kind != Kind.UNREADABLE:
                    self._problem(path, error)
                return None
            return document if isinstance(document.data, dict) else None

        return self._once("pipeline", read)

    def answers(self) -> dict[str, Any]:
        """The Copier answers (`.copier-answers.yml`), read once; empty when absent or bad."""

        def read() -> dict[str, Any]:
            text = self.answers_text()
            if text is None:
                return {}
            try:
                data = parse_yaml(text, self.root / ANSWERS_FILE).data
            except FormatError as error:
                self._problem(self.root / ANSWERS_FILE, error)
                return {}
            return data if isinstance(data, dict) else {}

        return self._once("answers", read)

    def roles(self) -> Roles:
        """The team's roles, from the Copier answers (`answers()`, read once)."""
        answers = self.answers()

        def role(key: str) -> str | None:
            value = answers.get(key)
            return value.strip() if isinstance(value, str) and value.strip() else None

        return Roles(**{f.name: role(f.name) for f in fields(Roles)})

    def codeowners(self) -> codeowners_format.CodeOwners | None:
        """Who reviews which paths: the first CODEOWNERS file the code hosts look for.

        None when there is none, or it cannot be read (read once, bounded).
        """

        def read() -> codeowners_format.CodeOwners | None:
            for place in codeowners_format.PLACES:
                path = self.root / place
                if self.on_disk(path):
                    try:
                        return codeowners_format.parse(read_text(path, self.root), path)
                    except FormatError:
                        return None
            return None

        return self._once("codeowners", read)

    def answers_text(self) -> str | None:
        """The text of `.copier-answers.yml` (bounded read), None when absent or unreadable.

        An answers file that is there but cannot be read (bad UTF-8, a FIFO, too
        large) is a load problem, reported by PRJ001/PRJ020/PRJ021 at its line.
        """

        def read() -> str | None:
            path = self.root / ANSWERS_FILE
            if not os.path.lexists(path):
                return None
            try:
                return read_text(path, self.root)
            except FormatError as error:
                self._problem(path, error)
                return None

        return self._once("answers text", read)

    def transform_columns(self, ref: str) -> list[tuple[str, int, int]] | None:
        """The columns the function `ref` names (`pl.col("x")`), from its module parsed once.

        None when the module or function cannot be found or read.
        """
        path = self.ref_source(ref)
        module = self.python_module(path) if path is not None else None
        return module.columns(ref.partition(":")[2]) if module is not None else None

    def template_status(self) -> Any:
        """What `copier check-update` says about the project (cached a day), asked once."""
        from charter.template_updates import check_for_update  # noqa: PLC0415 - rarely needed

        if self.answers_text() is None:
            return None  # no answers, or unreadable ones (a load problem says which)
        return self._once("template", lambda: check_for_update(self.root))

    def overlay_answers_files(self) -> list[str]:
        """Answers files of overlay templates applied after Charter (`.copier-answers.<name>.yml`,
        the name an overlay's `_answers_file` gives): each template is checked for releases."""

        def find() -> list[str]:
            found = self.root.glob(".copier-answers.*.yml")
            return sorted(p.name for p in found if p.is_file() and not p.is_symlink())

        return self._once("overlay answers", find)

    def template_statuses(self) -> list[tuple[str, Any]]:
        """(answers file, status) for Charter's template and then each overlay, asked once each."""
        from charter.template_updates import check_for_update  # noqa: PLC0415 - rarely needed

        statuses = [(ANSWERS_FILE, self.template_status())]
        for name in self.overlay_answers_files():
            statuses.append(
                (
                    name,
                    self._once(("template", name), lambda n=name: check_for_update(self.root, n)),
                )
            )
        return [(name, status) for name, status in statuses if status is not None]

    def settings_line(self, table: str, key: str | None = None) -> int:
        """The line of `key` in `[tool.charter.<table>]` of pyproject.toml (its header: no key)."""
        pyproject = self.root / "pyproject.toml"
        try:
            return _toml_key_line(pyproject, key, f"tool.charter.{table}")
        except FormatError:
            return 1

    def interrupted_update(self) -> tuple[Path, dict[str, str]] | None:
        """The in-progress mark a `copier update` left, and what it records; None when absent.

        The template's first migration writes `.git/charter-update/in-progress`
        and its last removes it (migrations/update_guard.py). Found by walking up
        to the `.git` folder (or a worktree's `gitdir:` file): no git process.
        """
        return self._once("update mark", lambda: _update_mark(self.root))

    def answers_commit_line(self, answers_file: str = ANSWERS_FILE) -> int:
        """The line of `_commit:` in a Copier answers file (1 when absent or unreadable)."""

        def text() -> str:
            if answers_file == ANSWERS_FILE:
                return self.answers_text() or ""
            try:
                return read_text(self.root / answers_file, self.root)
            except FormatError:
                return ""

        def line() -> int:
            found = text()
            match = re.search(r"^_commit:", found, re.MULTILINE)
            return found.count("\n", 0, match.start()) + 1 if match else 1

        return self._once(("answers line", answers_file), line)

    def answers_lines(self) -> list[tuple[int, str]]:
        """(line number, text) of the Copier answers file, read once; empty when unreadable."""

        def read() -> list[tuple[int, str]]:
            text = self.answers_text() or ""
            return list(enumerate(text.splitlines(), start=1))

        return self._once("answers lines", read)

    def answers_key_line(self, key: str) -> int:
        """The line of `key:` in the Copier answers file (1 when absent)."""
        return next((n for n, text in self.answers_lines() if text.startswith(f"{key}:")), 1)

    def at_head(self, paths: list[Path]) -> dict[Path, bytes | None] | None:
        """What `paths` held in the last commit (one git call); None outside git.

        Lets rules compare the working tree with what was committed, for
        example whether a feature's logic changed without a version bump.
        """
        top = self.git_toplevel()
        if top is None:
            return None
        top = top.resolve()
        names = {
            p: f"HEAD:{Path(os.path.normpath(p)).relative_to(top).as_posix()}"
            for p in paths
            if Path(os.path.normpath(p)).is_relative_to(top)
        }
        try:
            objects = gitrepo.read_objects(self.root, list(names.values()))
        except gitrepo.GitError:
            return None
        return {path: objects.get(name) for path, name in names.items()}  # others: None

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
        if self._present(catalog_path):
            self.catalog = self._parse(catalog_path, catalog_format.load)
        self.cards = [c for p in self.card_files() if (c := self._parse(p, card_format.load))]
        self.checklists = [
            c for p in self.checklist_files() if (c := self._parse(p, checklist_format.load))
        ]
        self.deployments = [
            d for p in self.deployment_files() if (d := self._parse(p, deployment_format.load))
        ]
        self.decisions = [
            d
            for p in self.decision_files()
            if (d := self._parse(p, None, parse=decision_format.from_text))
        ]
        self.manifests = self._load_manifests()
        self._load_approvals()

    def _load_approvals(self) -> None:
        folder = self.root / approval_format.FOLDER
        files = sorted(folder.glob("*/*.yaml")) if folder.is_dir() else []
        self.approvals = [
            a
            for p in files
            if self._present(p)
            and (a := self._parse(p, lambda path: approval_format.load(path, self.root)))
        ]
        path = self.root / approvers_format.FILE
        if self._present(path):
            self.approvers = self._parse(path, lambda p: approvers_format.load(p, self.root))

    def file_sha256(self, relative: str) -> str | None:
        """sha256 of a project file now (bounded read, once), None when absent or unreadable."""

        def digest() -> str | None:
            import hashlib  # noqa: PLC0415

            path = self.root / relative
            if not self.inside(path) or not path.is_file():
                return None
            try:
                return hashlib.sha256(read_bytes(path, self.root)).hexdigest()
            except FormatError:
                return None

        return self._once(("sha256", relative), digest)

    def commit_time(self, commit: str) -> int | None:
        """Committer time of a commit the approvals name (one git call for all of them)."""

        def times() -> dict[str, int]:
            if self.git_toplevel() is None:
                return {}
            commits = sorted({a.commit for a in self.approvals if a.commit})
            return gitrepo.commit_times(self.root, commits)

        return self._once("approval commit times", times).get(commit)

    def _load_manifests(self, run_ids: list[str] | None = None) -> list[manifest_format.Manifest]:
        if importlib.util.find_spec("charter.formats.manifest") is None:
            return []
        from charter.formats import manifest  # noqa: PLC0415 - optional, added by the runs work

        files = self.manifest_files() if run_ids is None else self._run_files(run_ids)
        return [m for p in files if (m := self._parse(p, manifest.load, parse=manifest.parse))]

    def _run_files(self, run_ids: list[str]) -> list[Path]:
        """The manifests of these runs (folder names only: `../x` names no run)."""
        runs = self.path("runs")
        found = [
            runs / run_id / MANIFEST_NAME
            for run_id in dict.fromkeys(run_ids)
            if run_id not in ("", ".", "..") and Path(run_id).name == run_id
        ]
        return [p for p in found if os.path.lexists(p)]

    def run_ids(self) -> list[str]:
        """The folder names under the runs folder that hold a manifest, sorted."""
        return [p.parent.name for p in self.manifest_files()]

    def _parse(self, path: Path, loader: Any, parse: Any = None) -> Any:
        """Load one artifact; conflict markers and unreadable files become problems.

        `parse(text, path)`, when given, reads the text already read here (a
        thousand run manifests are not read twice).
        """
        try:
            text = read_text(path, self.root)
        except FormatError as error:
            self._problem(path, error)
            return None
        conflicts = [
            Conflict(path, text.count("\n", 0, m.start()) + 1, m.group(1))
            for m in (CONFLICT_MARKER.finditer(text) if any(m in text for m in _MARKERS) else ())
        ]
        self.conflicts.extend(conflicts)
        try:
            return parse(text, path) if parse is not None else loader(path)
        except FormatError as error:
            if not conflicts:  # a parse error caused by markers says nothing new
                self._problem(path, error)
        except (ValueError, TypeError) as error:
            self.problems.append(LoadProblem(path, 1, 1, Kind.UNREADABLE, f"cannot load: {error}"))
        except RecursionError:
            self.problems.append(
                LoadProblem(path, 1, 1, Kind.TOO_COMPLEX, "nested too deeply to be read")
            )
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
    if not os.path.lexists(pyproject):
        return config
    try:
        data = tomllib.loads(read_text(pyproject, root))
    except FormatError as error:
        kind = Kind.CONFIGURATION if error.kind == Kind.UNREADABLE else error.kind
        message = f"cannot read pyproject.toml: {error.message}"
        problems.append(LoadProblem(pyproject, error.line, error.col, kind, message))
        return config
    except tomllib.TOMLDecodeError as error:
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
    known = {f.name: f for f in fields(Config) if f.name != "plugins"}
    for key, value in table.items():
        line = _toml_key_line(pyproject, key)
        if isinstance(value, dict) and _PLUGIN_TABLE.fullmatch(key):
            config.plugins[key] = value
        elif key not in known:
            problems.append(
                LoadProblem(
                    pyproject, line, 1, Kind.CONFIGURATION, f"unknown [tool.charter] key {key!r}"
                )
            )
        elif not _config_type_ok(key, value):
            expected = _EXPECTED.get(key, "a string")
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
            wrong = _location_problem(root, key, value)
            if wrong is not None:
                problems.append(
                    LoadProblem(pyproject, line, 1, Kind.CONFIGURATION, f"[tool.charter] {wrong}")
                )
            if wrong is None or "outside" not in wrong:
                setattr(config, key, value)  # outside the project: the default stays
    return config


_EXPECTED = {
    "select": "a list of strings",
    "ignore": "a list of strings",
    "card_sections": "a list of section headings",
    "stage": f"one of {', '.join(STAGES)}",
    "checklist_codes": (
        "a regular expression in Rust's syntax (linear time: no look-around, no backreferences)"
    ),
    "show_personal_values": "true or false",
}


def _location_problem(root: Path, key: str, value: str) -> str | None:
    """What is wrong with an artifact location setting (None: fine, or not a location).

    A location must stay inside the project (else the checker would read, and
    `charter docs` write, someone else's files) and be a folder, or for
    `features` a file: `models = "README.md"` would otherwise find no card
    and switch every card rule off without a word.
    """
    if key not in _LOCATIONS:
        return None
    target = root / value
    if Path(value).is_absolute() or not Path(os.path.realpath(target)).is_relative_to(root):
        return f"{key}: {value!r} is outside the project; give a path inside it"
    if key in _ARTIFACT_PATHS and not os.path.lexists(target):
        return f"{key}: {value!r} does not exist"
    if key == "features":
        if target.is_dir():
            return f"features: {value!r} is a folder; give the catalog file"
    elif os.path.lexists(target) and not target.is_dir():
        return f"{key}: {value!r} is not a folder"
    return None


def _config_type_ok(key: str, value: Any) -> bool:
    if key in _LISTS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if key == "stage":
        return value in STAGES
    if key == "show_personal_values":
        return isinstance(value, bool)
    if key == "checklist_codes":
        return isinstance(value, str) and (
            value == checklist_format.CODE_PATTERN or patterns.problem(value) is None
        )
    return isinstance(value, str)


def _toml_key_line(pyproject: Path, key: str | None, table: str = "tool.charter") -> int:
    """The line of `key =` in `[table]` (of the header itself for no key; 1 if not found)."""
    text = read_text(pyproject)  # a regular file, UTF-8
    header = re.search(rf"^[ \t]*\[[ \t]*{re.escape(table)}[ \t]*\]", text, re.MULTILINE)
    start = header.start() if header else 0
    if key is None:
        return text.count("\n", 0, start) + 1 if header else 1
    # `[ \t]`, not `\s`: after `^`, `\s*` ran over every following blank line (quadratic).
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.MULTILINE)
    match = pattern.search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _find_rejects(root: Path) -> list[Path]:
    """Every `*.rej` file `copier update` may have left, skipping environments and caches."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        found.extend(Path(folder, name) for name in files if name.endswith(".rej"))
    return found


UPDATE_MARK = Path("charter-update") / "in-progress"
"""Under the git folder while a `copier update` runs (migrations/update_guard.py)."""


def _git_dir(root: Path) -> Path | None:
    """The git folder of the checkout holding `root` (`.git`, or a worktree's `gitdir:`)."""
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            try:
                line = dot_git.read_text("utf-8", "replace").partition("\n")[0]
            except OSError:
                return None
            return (
                (folder / line.removeprefix("gitdir:").strip())
                if line.startswith("gitdir:")
                else None
            )
    return None


def _update_mark(root: Path) -> tuple[Path, dict[str, str]] | None:
    git_dir = _git_dir(root.resolve())
    mark = git_dir / UPDATE_MARK if git_dir is not None else None
    if mark is None or not mark.is_file():
        return None
    try:
        record = json.loads(read_bytes(mark, mark.parent, limit=64_000))
    except (FormatError, ValueError):
        record = {}
    if not isinstance(record, dict):
        record = {}
    return mark, {key: str(record.get(key) or "?") for key in ("from", "to", "started")}
