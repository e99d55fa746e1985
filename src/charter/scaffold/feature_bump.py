"""`charter feature bump NAME`: a new version of a feature, the old one kept for history.

Runs and cards cite features as `name@version`, and a recorded run must keep
meaning what it meant (history is immutable). So a change of logic is a new
version: the catalog gains `NAME@v+1` (a copy of the entry, same status) and
`NAME@v` becomes `status: deprecated`, pointed at a frozen copy of its code,
`NAME_v<v>()`, taken from the last commit when the function is already
committed (so a bump after the edit freezes the old logic, not the new one).
The function named as the feature stays the one its owner edits, now for
`NAME@v+1`. Only active features are built, so the two versions never both
feed the features stage.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter import writes
from charter.project import Project
from charter.scaffold.errors import ScaffoldError
from charter.scaffold.yaml_edit import add_entry

_SCALAR = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^\s#,\]}]+")


@dataclass(frozen=True)
class Bumped:
    """What `bump_feature` wrote, for the command's report."""

    catalog: Path
    module: Path
    old: str
    new: str
    frozen: str


def bump_feature(project: Project, name: str) -> Bumped:
    """Add `name@v+1` to the catalog and deprecate `name@v` on a frozen copy of its code."""
    catalog = project.catalog
    catalog_path = project.path("features")
    if catalog is None or not catalog_path.is_file():
        raise ScaffoldError(f"{catalog_path}: no feature catalog to bump a feature in")
    versions = [f for f in catalog.features if f.name == name and f.version is not None]
    if not versions:
        known = ", ".join(sorted({f.name for f in catalog.features})) or "none"
        raise ScaffoldError(f"no feature named {name!r} in {catalog_path} (it has: {known})")
    old = max(versions, key=lambda f: f.version or 0)
    ref = old.transform_ref or ""
    module_name, colon, function = ref.partition(":")
    module = project.ref_source(ref) if colon else None
    if module is None:
        raise ScaffoldError(
            f"{old.key}: its transform.ref {ref!r} does not point at a module of the project, "
            "so its code cannot be kept for the old version; fix transform.ref first (FEA006)"
        )
    frozen = f"{function}_v{old.version}"
    module_text = _with_frozen_copy(project, module, function, frozen)
    entry = _raw_entry(catalog.document.data, old.pointer)
    entry["version"] = (old.version or 0) + 1
    if old.status == "deprecated":
        entry["status"] = "draft"
    text = catalog_path.read_text(encoding="utf-8")
    text = _set_scalar(text, catalog.document, f"{old.pointer}/status", "deprecated")
    text = _set_scalar(
        text, catalog.document, f"{old.pointer}/transform/ref", f"{module_name}:{frozen}"
    )
    text = add_entry(catalog_path, "features", entry, text=text)
    writes.write_text(module, module_text, project.root)
    writes.write_text(catalog_path, text, project.root)
    return Bumped(catalog_path, module, old.key, f"{name}@{entry['version']}", frozen)


def _raw_entry(data: Any, pointer: str) -> dict[str, Any]:
    index = int(pointer.rsplit("/", 1)[1])
    return copy.deepcopy(data["features"][index])


def _set_scalar(text: str, document: Any, pointer: str, value: str) -> str:
    """`text` with the scalar at `pointer` replaced by `value`, every other byte kept."""
    if pointer not in document.values:
        raise ScaffoldError(f"{document.path}: no value at {pointer} to change")
    line, col = document.position(pointer)
    lines = text.splitlines(keepends=True)
    current = lines[line - 1]
    match = _SCALAR.match(current, col - 1)
    if match is None:
        raise ScaffoldError(f"{document.path}:{line}:{col}: cannot change this value in place")
    lines[line - 1] = current[: match.start()] + value + current[match.end() :]
    return "".join(lines)


def _with_frozen_copy(project: Project, module: Path, function: str, frozen: str) -> str:
    """The module's text with `frozen()`, the committed code of `function()`, after it."""
    text = project.source_bytes(module).decode("utf-8")
    tree = _parse(text, module)
    names = {getattr(node, "name", None) for node in tree.body}
    if frozen in names:
        raise ScaffoldError(f"{module}: already defines {frozen}(); rename it first")
    current = _function(tree, function)
    if current is None:
        raise ScaffoldError(f"{module}: defines no function {function}() to keep a copy of")
    committed = (project.at_head([module]) or {}).get(module)
    source, node = text, current
    if committed is not None:
        head_text = committed.decode("utf-8", "replace")
        head_node = _function(_parse(head_text, module, quiet=True), function)
        if head_node is not None:
            source, node = head_text, head_node
    copy_text = _renamed(source, node, function, frozen)
    lines = text.splitlines(keepends=True)
    end = current.end_lineno or current.lineno
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join([*lines[:end], "\n\n", copy_text, *lines[end:]])


def _parse(text: str, path: Path, *, quiet: bool = False) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as error:
        if quiet:
            return ast.Module(body=[], type_ignores=[])
        raise ScaffoldError(f"{path}:{error.lineno}: not valid Python: {error.msg}") from None


def _function(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None)


def _renamed(source: str, node: ast.FunctionDef, old: str, new: str) -> str:
    """The function's source lines (decorators included) under its new name."""
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    lines = source.splitlines(keepends=True)[start - 1 : node.end_lineno]
    offset = node.lineno - start
    lines[offset] = re.sub(rf"\bdef\s+{re.escape(old)}\b", f"def {new}", lines[offset], count=1)
    text = "".join(lines)
    return text if text.endswith("\n") else text + "\n"
