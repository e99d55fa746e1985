"""Generated code imports only Charter's public runtime API, so charter's insides may change."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PUBLIC = {"charter.runtime"}


def charter_imports(project: Path) -> dict[str, set[str]]:
    """Every charter module each generated Python file imports."""
    found: dict[str, set[str]] = {}
    for path in sorted(project.rglob("*.py")):
        modules = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = {f"{node.module}.{alias.name}" for alias in node.names}
                modules |= names if node.module == "charter" else {node.module}
        charter = {m for m in modules if m == "charter" or m.startswith("charter.")}
        if charter:
            found[path.relative_to(project).as_posix()] = charter
    return found


@pytest.mark.parametrize("example", [True, False], ids=["example", "skeleton"])
def test_generated_code_imports_only_the_runtime_api(render, example: bool):
    imports = charter_imports(render(example_pipeline=example))
    private = {path: sorted(mods - PUBLIC) for path, mods in imports.items() if mods - PUBLIC}
    assert private == {}
    if example:
        assert "charter.runtime" in set().union(*imports.values())


def test_the_check_itself_sees_a_private_import(tmp_path: Path):
    source = "from charter.runs import Run\nfrom charter import runtime\n"
    (tmp_path / "stage.py").write_text(source)
    assert charter_imports(tmp_path) == {"stage.py": {"charter.runs", "charter.runtime"}}
