"""Read a Python module's source without importing it: parsed once, asked many times.

`transform.ref` values like `pkg.features:age_decade` are resolved by reading
`src/pkg/features.py` with `ast`: checking a catalog must not run project code.
A catalog of thousands of features points into one module, so the module is
parsed once (`parse_module`) and each rule asks the `PythonModule` it gives;
parsing it per feature made `charter check` quadratic in the catalog's size.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

Function = ast.FunctionDef | ast.AsyncFunctionDef


def module_file(roots: list[Path], module: str) -> Path | None:
    """The source file of dotted `module` under one of `roots` (src layout first)."""
    parts = module.split(".")
    for root in roots:
        base = root.joinpath(*parts)
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
    return None


@dataclass(frozen=True)
class PythonModule:
    """One module's syntax tree, read for the names and functions it defines at top level."""

    names: frozenset[str]
    """Every name bound at top level: functions, classes, assignments, imports."""
    functions: dict[str, Function]
    """Top-level functions by name (the first definition of a name)."""

    def columns(self, name: str) -> list[tuple[str, int, int]] | None:
        """The columns function `name` names with `pl.col("x")` or `col("a", "b")`.

        Each as (column, line, col), in source order; None when the function is
        missing. Only string literals count: a column name computed at run time
        cannot be read from the code.
        """
        function = self.functions.get(name)
        if function is None:
            return None
        found = []
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and _is_col(node.func):
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.append((arg.value, arg.lineno, arg.col_offset + 1))
        return sorted(found, key=lambda hit: (hit[1], hit[2]))

    def shape(self, name: str) -> str | None:
        """The logic of function `name`: its syntax tree, docstring left out (None: missing).

        Formatting, comments and the docstring do not count as a change of logic;
        anything else in the function does.
        """
        function = self.functions.get(name)
        if function is None:
            return None
        body = function.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        return ast.dump(ast.Module(body=body, type_ignores=[])) + ast.dump(function.args)


def parse_module(source: bytes, filename: str = "<unknown>") -> PythonModule | None:
    """`source` parsed once into a `PythonModule`, or None when it does not parse."""
    try:
        tree = ast.parse(source, filename=filename)
    except (SyntaxError, ValueError):
        return None
    names: set[str] = set()
    functions: dict[str, Function] = {}
    for node in tree.body:
        if isinstance(node, Function):
            functions.setdefault(node.name, node)
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return PythonModule(frozenset(names), functions)


def _is_col(func: ast.expr) -> bool:
    """`pl.col`, `polars.col` or a bare `col` imported from polars."""
    if isinstance(func, ast.Attribute):
        return func.attr == "col" and isinstance(func.value, ast.Name)
    return isinstance(func, ast.Name) and func.id == "col"
