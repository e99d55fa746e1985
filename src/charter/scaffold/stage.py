"""`charter new stage NAME`: a DVC stage module, its dvc.yaml entry, its owner and its test.

The module is a `charter.runtime` stage (a `main()` that DVC runs as
`python -m <package>.NAME`); the entry declares the module and the given
files as deps and its output as an out, so DVC reruns it exactly when they
change. Every file is checked for clashes before any is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from charter.constants import DVC_YAML
from charter.rules.pipelines import FEATURE_TABLES, TABLES
from charter.scaffold.answers import answer, read_answers
from charter.scaffold.errors import ScaffoldError
from charter.scaffold.feature import python_string as _string
from charter.scaffold.files import write, write_new
from charter.scaffold.names import check_name
from charter.scaffold.package import project_package
from charter.scaffold.yaml_edit import add_entry

CODEOWNERS = "CODEOWNERS"


@dataclass(frozen=True)
class NewStage:
    """What `new_stage` wrote, for the command's report."""

    module: Path
    test: Path
    dvc_file: Path
    codeowners: Path | None


def new_stage(
    root: Path, name: str, deps: tuple[str, ...] = (), out: str | None = None
) -> NewStage:
    """Write `src/<package>/<name>.py` and `tests/test_<name>.py`; add the stage to dvc.yaml."""
    check_name("stage", name)
    package = project_package(root)
    module = package / f"{name}.py"
    test = root / "tests" / f"test_{name}.py"
    dvc_file = root / DVC_YAML
    output = out or f"data/interim/{name}.json"
    for path in (module, test):
        if path.exists():
            raise ScaffoldError(f"{path}: already exists; choose another stage name")
    for dep in deps:
        _inside(root, dep, "dependency")
    _inside(root, output, "output")
    stage_module = f"{package.name}.{name}"
    relative_module = module.relative_to(root).as_posix()
    entry = {
        "cmd": f"python -m {stage_module}",
        "deps": [relative_module, *deps],
        "outs": [output],
    }
    stages = _stages(dvc_file)
    if name in stages:
        raise ScaffoldError(f"{dvc_file}: a stage named {name!r} already exists")
    contracts = _contracts_of(dvc_file, stages, deps)
    if contracts:
        entry["meta"] = {"charter": {"contracts": contracts}}
    dvc_text = add_entry(dvc_file, "stages", entry, name=name)
    owners = _codeowners_text(root, relative_module)
    write_new(module, module_text(name, stage_module, output), root)
    write_new(test, test_text(name, package.name, output), root)
    write(dvc_file, dvc_text, root)
    codeowners = None
    if owners is not None:
        codeowners = root / CODEOWNERS
        write(codeowners, owners, root)
    return NewStage(module, test, dvc_file, codeowners)


def _inside(root: Path, value: str, what: str) -> None:
    path = Path(value)
    if path.is_absolute() or ".." in path.parts or not value.strip():
        raise ScaffoldError(
            f"invalid {what} {value!r}: give a path inside the project, relative to its root"
        )
    if (root / path).resolve() == root.resolve():
        raise ScaffoldError(f"invalid {what} {value!r}: name a file or folder, not the project")


def _stages(dvc_file: Path) -> dict[str, Any]:
    if not dvc_file.is_file():
        return {}
    try:
        document = yaml.safe_load(dvc_file.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ScaffoldError(f"{dvc_file}: cannot read it: {error}") from None
    stages = document.get("stages") if isinstance(document, dict) else None
    return stages if isinstance(stages, dict) else {}


def _contracts_of(dvc_file: Path, stages: dict[str, Any], deps: tuple[str, ...]) -> dict[str, str]:
    """The contract of each data table the stage reads, as the other stages name it (PIP001)."""
    known: dict[str, str] = {}
    for body in stages.values():
        meta = body.get("meta") if isinstance(body, dict) else None
        charter = meta.get("charter") if isinstance(meta, dict) else None
        named = charter.get("contracts") if isinstance(charter, dict) else None
        if isinstance(named, dict):
            known.update({str(k): str(v) for k, v in named.items()})
    contracts = {}
    for dep in deps:
        governed = dep.startswith("data/") and not dep.startswith(FEATURE_TABLES)
        if not governed or PurePosixPath(dep).suffix not in TABLES:
            continue
        if dep not in known:
            raise ScaffoldError(
                f"{dep} is data that no stage of {dvc_file.name} names a contract for; add the "
                f"stage by hand with `{dep}: <contract file>` under `meta: charter: contracts:`, "
                f"or draft one first with `charter new contract NAME --from {dep}`"
            )
        contracts[dep] = known[dep]
    return contracts


def _codeowners_text(root: Path, module: str) -> str | None:
    """CODEOWNERS with a line for the new module (the model owner), when the file exists."""
    path = root / CODEOWNERS
    if not path.is_file():
        return None
    owner = answer(read_answers(root), "model_owner")
    if owner is None:
        return None
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    return f"{text}/{module}  {owner}\n"


def module_text(name: str, stage_module: str, output: str) -> str:
    """The stage module: a runtime stage whose main() writes its declared output."""
    return f'''"""{name} stage: TODO(stage-owner): say what it reads, what it computes and why.

    uv run python -m {stage_module}
    uv run dvc repro {name}    (how the pipeline runs it)

Declare every file it reads under `deps:` of its entry in dvc.yaml, and every
file it writes under `outs:`, so that DVC reruns it exactly when they change.
"""

from pathlib import Path

from charter import runtime

OUTPUT = Path({_string(output)})
"""What this stage writes: its `outs:` in dvc.yaml."""


@runtime.stage
def main() -> None:
    """Compute the stage's output and write it atomically."""
    runtime.write_json(OUTPUT, {{"stage": {_string(name)}}})


if __name__ == "__main__":
    raise SystemExit(main())
'''


def test_text(name: str, package: str, output: str) -> str:
    """The stage's test: main() runs in an empty folder and writes its output."""
    return f'''"""The {name} stage runs on its own and writes what dvc.yaml declares."""

from pathlib import Path

import pytest

from {package} import {name}


def test_{name}_writes_its_output(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert {name}.main([]) == 0
    assert (tmp_path / {_string(output)}).is_file()
'''
