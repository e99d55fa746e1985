"""The adoption itself: render, add what is missing, merge pyproject.toml, draft contracts."""

from __future__ import annotations

import dataclasses
import filecmp
import fnmatch
import os
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from charter import writes
from charter.adopt import pyproject_merge
from charter.adopt.answers import FIXED, known_answers
from charter.constants import ANSWERS_FILE, DATA_SUFFIXES, DVC_YAML
from charter.uv_command import uv_executable

if TYPE_CHECKING:
    from charter.project import Project

SCRATCH = Path(".git") / "charter-adopt"
"""Where the template's render stays for the merge: inside .git, so never committed."""
DRAFTS = "drafts"
"""Drafted contracts go to `<contracts>/drafts/`, which `charter check` does not read: a
draft has a to-do list for people (CON014), and the adoption itself must commit green.
Moving a finished draft up one folder puts it under every rule."""
PIPELINE_FILES = (
    DVC_YAML,
    "configs/pipeline.yaml",
    "tests/test_pipeline.py",
    "tests/test_features.py",
    "tests/test_sample.py",
    *(f"src/*/{stage}.py" for stage in ("data", "ingest", "validate", "features")),
    *(f"src/*/{stage}.py" for stage in ("train", "evaluate", "pipeline", "predict")),
    "src/*/sample.csv",
    "governance/models/baseline/*",
    "governance/decisions/0*",
)
"""The sample pipeline's files, its model's card and the decision record behind it: an
adopted repository keeps its own code and pipeline (`charter new stage` adds DVC stages
to it, `charter new model` a card and its record), so none is added."""
CATALOG = "governance/features/catalog.yaml"
MODELS_README = """# Model cards

One folder per model, each with its `card.md`: `charter new model NAME` writes one.
"""
SKIP_DIRS = {".git", ".venv", "venv", ".nox", ".tox", "node_modules", "__pycache__", "site"}


class AdoptError(Exception):
    """The repository cannot be adopted as asked; one sentence says why."""


@dataclass
class Adoption:
    root: Path
    scratch: Path
    added: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    to_merge: list[str] = field(default_factory=list)
    tables_added: list[str] = field(default_factory=list)
    dependencies_added: list[str] = field(default_factory=list)
    requirements_imported: list[str] = field(default_factory=list)
    contracts: list[tuple[str, str]] = field(default_factory=list)
    """(data file, contract file) pairs, relative to the root."""
    contract_failures: list[str] = field(default_factory=list)
    to_do: list[str] = field(default_factory=list)
    """What `charter check` will ask of the drafts once they are moved in (CON014 and others)."""
    answers: dict[str, object] = field(default_factory=dict)
    defaulted: dict[str, object] = field(default_factory=dict)
    """Answers nobody gave: the template's defaults (often its example's values)."""
    locked: bool = False
    git_initialised: bool = False


def adopt(
    root: Path,
    template: str,
    *,
    vcs_ref: str | None = None,
    data: dict[str, object] | None = None,
    lock: bool = True,
) -> Adoption:
    root = root.resolve()
    if (root / ANSWERS_FILE).exists():
        raise AdoptError(
            f"{root} already follows a template ({ANSWERS_FILE} exists): run `copier update`"
        )
    uv = uv_executable()
    if uv is None:
        raise AdoptError("charter adopt needs uv (https://docs.astral.sh/uv/) or `pip install uv`")
    try:
        import copier  # noqa: PLC0415 - a dev tool, not a dependency of `charter check`
    except ImportError:
        raise AdoptError(
            "charter adopt needs Copier: run it as `uvx --from "
            '"charter @ git+<template URL>@<tag>" --with copier charter adopt ...` '
            "or `pip install copier`"
        ) from None
    if not (root / ".git").exists():
        _git(root, "init", "--quiet", "--initial-branch=main")
        initialised = True
    else:
        initialised = False
    template = str(Path(template).resolve()) if Path(template).is_dir() else template
    answers = {**known_answers(root), **(data or {}), **FIXED}
    scratch = root / SCRATCH
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        copier.run_copy(
            template, str(scratch), data=answers, defaults=True, unsafe=True,
            vcs_ref=vcs_ref, quiet=True,
        )  # fmt: skip
    except Exception as error:  # Copier's own errors say what was wrong with the answers
        shutil.rmtree(scratch, ignore_errors=True)
        raise AdoptError(f"copier could not render {template}: {error}") from None
    shutil.rmtree(scratch / ".git", ignore_errors=True)
    result = Adoption(root, scratch, answers=answers, git_initialised=initialised)
    recorded = yaml.safe_load((scratch / ANSWERS_FILE).read_text("utf-8")) or {}
    result.defaulted = {
        k: v for k, v in recorded.items() if not k.startswith("_") and k not in answers
    }
    data_files = find_data_files(root)
    had_pyproject = (root / "pyproject.toml").is_file()
    for source in sorted(p for p in scratch.rglob("*") if p.is_file()):
        relative = source.relative_to(scratch).as_posix()
        if any(fnmatch.fnmatchcase(relative, glob) for glob in PIPELINE_FILES):
            continue
        _place(source, root, relative, result)
    _without_the_sample(root, result)
    if had_pyproject:
        _merge_pyproject(uv, root, scratch, result)
    requirements = root / "requirements.txt"
    if requirements.is_file():
        result.requirements_imported = _import_requirements(uv, root, requirements)
    _draft_contracts(root, data_files, result)
    if lock:
        _uv(uv, root, "lock", "--quiet")
        _uv(uv, root, "sync", "--locked", "--quiet")
        result.locked = True
        # The template's Python files follow its own ruff settings; the repository's win.
        added = [f for f in result.added if f.endswith((".py", ".pyi"))]
        if added:
            _uv(uv, root, "run", "--frozen", "ruff", "format", "--quiet", "--", *added)
    _write_views(root, result)
    return result


def _without_the_sample(root: Path, result: Adoption) -> None:
    """The sample's features and card belong to its pipeline, left out: start them empty."""
    if CATALOG in result.added:
        catalog = root / CATALOG
        text = catalog.read_text("utf-8")
        head = text[: text.index("\nfeatures:") + 1] if "\nfeatures:" in text else text
        writes.write_text(catalog, head + "features: []\n", root)
    models = root / "governance" / "models"
    if not os.path.lexists(models):
        writes.write_text(models / "README.md", MODELS_README, root, exclusive=True)
        result.added.append("governance/models/README.md")


def _place(source: Path, root: Path, relative: str, result: Adoption) -> None:
    target = root / relative
    if not os.path.lexists(target):  # a dangling link is there, and is refused, not followed
        writes.copy_file(source, target, root)
        result.added.append(relative)
    elif target.is_file() and filecmp.cmp(source, target, shallow=False):
        result.same.append(relative)
    elif relative != "pyproject.toml":
        result.to_merge.append(relative)


def _merge_pyproject(uv: str, root: Path, scratch: Path, result: Adoption) -> None:
    path = root / "pyproject.toml"
    ours = path.read_text("utf-8")
    theirs = (scratch / "pyproject.toml").read_text("utf-8")
    try:
        tomllib.loads(ours)
    except tomllib.TOMLDecodeError as error:
        raise AdoptError(f"{path}: not valid TOML ({error}): fix it, then adopt again") from None
    appended, names = pyproject_merge.missing_tool_tables(ours, theirs)
    if appended:
        writes.write_text(path, ours.rstrip("\n") + "\n" + appended, root)
    result.tables_added = names
    ours_table, theirs_table = tomllib.loads(path.read_text("utf-8")), tomllib.loads(theirs)
    for group in ("dev",):
        missing = pyproject_merge.missing_requirements(ours_table, theirs_table, group)
        if missing:
            pyproject_merge.uv_add(uv, root, "--group", group, "--", *missing)
            result.dependencies_added += missing
    # The template's runtime dependencies are its sample pipeline's, left out above:
    # the repository's own `[project] dependencies` (and requirements.txt) stay its own.


def _import_requirements(uv: str, root: Path, requirements: Path) -> list[str]:
    before = _dependencies(root)
    pyproject_merge.uv_add(uv, root, "-r", str(requirements))
    return [d for d in _dependencies(root) if d not in before]


def _dependencies(root: Path) -> list[str]:
    table = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    return list(table.get("project", {}).get("dependencies", []))


def find_data_files(root: Path) -> list[Path]:
    """CSV, TSV and Parquet files in the repository, outside environments and caches."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        found += [
            Path(folder) / f for f in sorted(files) if Path(f).suffix.lower() in DATA_SUFFIXES
        ]
    return found


def contract_name(path: Path, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", path.name.split(".")[0].lower()).strip("_") or "dataset"
    if not base[0].isalpha():
        base = f"data_{base}"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    taken.add(name)
    return name


def _draft_contracts(root: Path, data_files: list[Path], result: Adoption) -> None:
    from charter.project import Project  # noqa: PLC0415
    from charter.rules import check  # noqa: PLC0415
    from charter.scaffold.create import new_contract  # noqa: PLC0415
    from charter.scaffold.errors import ScaffoldError  # noqa: PLC0415

    project = Project.load(root)
    taken = {p.name.split(".")[0] for p in project.contract_files()}
    project.config.contracts = f"{project.config.contracts}/{DRAFTS}"
    taken |= {p.name.split(".")[0] for p in project.contract_files()}
    for data in data_files:
        name = contract_name(data, taken)
        try:
            written = new_contract(project, name, data)
        except ScaffoldError as error:
            result.contract_failures.append(f"{data.relative_to(root).as_posix()}: {error}")
            continue
        result.contracts.append(
            (data.relative_to(root).as_posix(), written.relative_to(root).as_posix())
        )
    if result.contracts:
        drafts = _with_contracts_in(root, project.config.contracts)
        for finding in check(drafts, select=["CON"]):
            relative = finding.path.relative_to(root).as_posix()
            result.to_do.append(f"{relative}:{finding.line}: {finding.code} {finding.message}")


def _with_contracts_in(root: Path, contracts: str) -> Project:
    """The project as `charter check` will see it once the drafts are moved in."""
    from charter.project import Project  # noqa: PLC0415

    config = Project.load(root).config
    project = Project(root=root, config=dataclasses.replace(config, contracts=contracts))
    project._load_artifacts()
    return project


def _write_views(root: Path, result: Adoption) -> None:
    """Render the docs views from the drafted contracts: only files adopt itself added."""
    from charter.project import Project  # noqa: PLC0415
    from charter.views.render import render_views, stale_views  # noqa: PLC0415

    project = Project.load(root)
    views = render_views(project)
    for path in stale_views(project, views):
        if not os.path.lexists(path) or path.relative_to(root).as_posix() in result.added:
            writes.write_bytes(path, views[path.name].encode("utf-8"), root)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _uv(uv: str, root: Path, *args: str) -> None:
    completed = subprocess.run(
        [uv, *args], cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
    )
    if completed.returncode != 0:
        reason = (completed.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise AdoptError(f"uv {' '.join(args)} failed: {reason}")
