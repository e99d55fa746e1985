"""Find top-level names in a Python module's source without importing it.

`transform.ref` values like `pkg.features:age_decade` are resolved by reading
`src/pkg/features.py` with `ast`: checking a catalog must not run project code.
"""

from __future__ import annotations

import ast
from pathlib import Path


def module_file(roots: list[Path], module: str) -> Path | None:
    """The source file of dotted `module` under one of `roots` (src layout first)."""
    parts = module.split(".")
    for root in roots:
        base = root.joinpath(*parts)
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
    return None


def top_level_names(path: Path) -> set[str] | None:
    """Names a module defines at top level, or None when it does not parse."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError, OSError):
        return None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def function_shape(source: bytes, name: str) -> str | None:
    """The logic of top-level function `name`: its syntax tree, docstring left out.

    Formatting, comments and the docstring do not count as a change of logic;
    anything else in the function does. None when it is missing or unparsable.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            return ast.dump(ast.Module(body=body, type_ignores=[])) + ast.dump(node.args)
    return None


def column_names(source: bytes, name: str) -> list[tuple[str, int, int]] | None:
    """The columns top-level function `name` names with `pl.col("x")` or `col("a", "b")`.

    Each as (column, line, col), in source order; None when the function is
    missing or the module does not parse. Only string literals count: a column
    name computed at run time cannot be read from the code.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    function = next(
        (
            node
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name
        ),
        None,
    )
    if function is None:
        return None
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and _is_col(node.func):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((arg.value, arg.lineno, arg.col_offset + 1))
    return sorted(found, key=lambda hit: (hit[1], hit[2]))


def _is_col(func: ast.expr) -> bool:
    """`pl.col`, `polars.col` or a bare `col` imported from polars."""
    if isinstance(func, ast.Attribute):
        return func.attr == "col" and isinstance(func.value, ast.Name)
    return isinstance(func, ast.Name) and func.id == "col"
