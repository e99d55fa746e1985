"""`charter new feature NAME --from CONTRACT.COLUMN`: catalog entry, function stub and test.

The entry is a draft (no model uses it until someone sets `status: active`),
wired to the contract column it reads (its description and rationale are
`TODO(feature-owner)` placeholders): join keys from the contract's primary
key, dtype from the column's type, the owner from the project's answers. The
function returns that column unchanged, so the feature works from the first
commit and its owner changes what it computes.
"""

from __future__ import annotations

import ast
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from charter.formats.vocabulary import ANONYMIZATION_STRENGTH
from charter.project import Project
from charter.scaffold.answers import answer, read_answers
from charter.scaffold.errors import ScaffoldError
from charter.scaffold.files import write, write_new
from charter.scaffold.names import check_name
from charter.scaffold.package import project_package
from charter.scaffold.yaml_edit import add_entry

DTYPES = {
    "integer": "int64",
    "number": "float64",
    "string": "string",
    "boolean": "bool",
    "date": "date",
    "timestamp": "datetime",
}
"""Catalog dtype of a feature that passes an ODCS logical type through unchanged."""
POLARS = {
    "int64": "Int64",
    "float64": "Float64",
    "string": "String",
    "bool": "Boolean",
    "date": "Date",
    "datetime": "Datetime",
}


@dataclass(frozen=True)
class NewFeature:
    """What `new_feature` wrote, for the command's report."""

    catalog: Path
    module: Path
    test: Path


def new_feature(
    project: Project, name: str, source: str, anonymization: str | None = None
) -> NewFeature:
    """Add a draft feature `name` reading `CONTRACT.COLUMN`, its function and its test."""
    check_name("feature", name)
    contract_id, column, prop, schema = _source(project, source)
    catalog = project.catalog
    catalog_path = project.path("features")
    if catalog is None or not catalog_path.is_file():
        raise ScaffoldError(f"{catalog_path}: no feature catalog to add the feature to")
    if catalog.find(name) is not None:
        raise ScaffoldError(f"{catalog_path}: a feature named {name!r} already exists")
    dtype = DTYPES.get(prop.logical_type or "")
    if dtype is None:
        raise ScaffoldError(
            f"{contract_id}.{column} is of type {prop.logical_type or 'unknown'!r}; a feature "
            f"starts from a column of type {', '.join(DTYPES)}"
        )
    keys = sorted(
        (p for p in schema.properties if p.primary_key),
        key=lambda p: (p.primary_key_position or 0, p.name),
    )
    if not keys:
        raise ScaffoldError(
            f"contract {contract_id!r} has no primary key, so a feature from it has no join "
            "keys; mark the identifying column `primaryKey: true` in the contract first"
        )
    if prop.is_personal and anonymization is None:
        methods = ", ".join(m for m, s in ANONYMIZATION_STRENGTH.items() if s >= 1)
        raise ScaffoldError(
            f"{contract_id}.{column} is personal data ({prop.pii_category}): say how the "
            f"feature protects it with --anonymization ({methods})"
        )
    if anonymization is not None and anonymization not in ANONYMIZATION_STRENGTH:
        raise ScaffoldError(
            f"invalid anonymization {anonymization!r}: use one of "
            f"{', '.join(ANONYMIZATION_STRENGTH)}"
        )
    module_name = _feature_module(project)
    module = project.root / "src" / (module_name.replace(".", "/") + ".py")
    test = project.root / "tests" / f"test_feature_{name}.py"
    if test.exists():
        raise ScaffoldError(f"{test}: already exists; choose another feature name")
    module_text = _with_function(module, name, function_text(name, column, anonymization))
    entity = next(
        (
            f.entity
            for f in catalog.features
            if f.entity and any(s.contract == contract_id for s in f.sources)
        ),
        schema.name,
    )
    entry: dict[str, object] = {
        "name": name,
        "version": 1,
        "entity": entity,
        "joinKeys": [p.name for p in keys],
        "dtype": dtype,
        "owner": _owner(project),
        "status": "draft",
        "description": f"TODO(feature-owner): what {name} means, with its unit.",
        "rationale": f"TODO(feature-owner): why a model should read {name}.",
        "sources": [{"contract": contract_id, "property": column}],
        "transform": {"ref": f"{module_name}:{name}"},
    }
    if anonymization is not None:
        entry["anonymization"] = anonymization
    catalog_text = add_entry(catalog_path, "features", entry)
    write_new(test, test_text(name, module_name, column, dtype), project.root)
    write(module, module_text, project.root)
    write(catalog_path, catalog_text, project.root)
    return NewFeature(catalog_path, module, test)


def _source(project: Project, source: str):
    contract_id, dot, column = source.partition(".")
    if not dot or not contract_id or not column:
        raise ScaffoldError(
            f"invalid source {source!r}: write it as CONTRACT.COLUMN, e.g. patients.bmi"
        )
    contract = project.contract_by_id(contract_id)
    if contract is None:
        known = ", ".join(sorted(c.id for c in project.contracts if c.id)) or "none"
        raise ScaffoldError(f"no contract with id {contract_id!r} (the project has: {known})")
    schema = contract.schema()
    if schema is None:
        raise ScaffoldError(f"contract {contract_id!r} has no single schema object to read from")
    prop = next((p for p in schema.properties if p.name == column), None)
    if prop is None:
        known = ", ".join(p.name for p in schema.properties)
        raise ScaffoldError(f"contract {contract_id!r} has no column {column!r} (it has: {known})")
    return contract_id, column, prop, schema


def _feature_module(project: Project) -> str:
    """Where the catalog's transforms live (the most used module), else `<package>.features`."""
    refs = [
        f.transform_ref.partition(":")[0]
        for f in (project.catalog.features if project.catalog else [])
        if f.transform_ref and ":" in f.transform_ref
    ]
    if refs:
        return Counter(refs).most_common(1)[0][0]
    return f"{project_package(project.root).name}.features"


def _owner(project: Project) -> str:
    answers = read_answers(project.root)
    owners = [f.owner for f in (project.catalog.features if project.catalog else []) if f.owner]
    return (
        answer(answers, "model_owner")
        or (owners[0] if owners else None)
        or ("TODO(feature-owner): @handle or email")
    )


def function_text(name: str, column: str, anonymization: str | None) -> str:
    """The feature function: the source column as it is, until its owner says otherwise."""
    protect = ""
    if anonymization not in (None, "none"):
        protect = (
            f"\n\n    Apply the {anonymization} the catalog declares before it goes active.\n    "
        )
    return (
        f"def {name}() -> pl.Expr:\n"
        '    """TODO(feature-owner): what it computes; now the source column as it is.'
        f'{protect}"""\n'
        f"    return pl.col({python_string(column)})\n"
    )


def python_string(text: str) -> str:
    """A Python string literal in the double quotes ruff format writes."""
    return json.dumps(text, ensure_ascii=False)


def _with_function(module: Path, name: str, function: str) -> str:
    """The module's text with `function` before its `main()` (or at the end); new if missing."""
    if not module.is_file():
        return (
            '"""Feature definitions: one function per catalog feature, named as the feature."""\n'
            f"\nimport polars as pl\n\n\n{function}"
        )
    text = module.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise ScaffoldError(f"{module}:{error.lineno}: not valid Python: {error.msg}") from None
    imports_polars = any(
        isinstance(node, ast.Import)
        and any(a.name == "polars" and a.asname == "pl" for a in node.names)
        for node in tree.body
    )
    if not imports_polars:
        raise ScaffoldError(f"{module}: add `import polars as pl` first; feature functions use it")
    if any(isinstance(node, ast.FunctionDef) and node.name == name for node in tree.body):
        raise ScaffoldError(f"{module}: already defines {name}(); choose another feature name")
    anchor = next((n for n in tree.body if _is_tail(n)), None)
    if anchor is None:
        return f"{text.rstrip()}\n\n\n{function}"
    decorators = getattr(anchor, "decorator_list", [])
    line = min([anchor.lineno, *(d.lineno for d in decorators)])
    lines = text.splitlines(keepends=True)
    return "".join([*lines[: line - 1], function, "\n\n", *lines[line - 1 :]])


def _is_tail(node: ast.stmt) -> bool:
    """The stage's `main()` or the `if __name__ == "__main__":` block."""
    if isinstance(node, ast.FunctionDef) and node.name == "main":
        return True
    return isinstance(node, ast.If) and "__name__" in ast.unparse(node.test)


def test_text(name: str, module: str, column: str, dtype: str) -> str:
    """The feature's test: it reads the column it declares and computes on that type."""
    return f'''"""The {name} feature reads the column its catalog entry declares."""

import polars as pl

from {module} import {name}

COLUMN = {python_string(column)}


def test_{name}_source() -> None:
    expression = {name}()
    assert expression.meta.root_names() == [COLUMN]


def test_{name}_types() -> None:
    table = pl.DataFrame(
        {{COLUMN: [None]}},
        schema={{COLUMN: pl.{POLARS[dtype]}}},
    )
    assert table.select({name}().alias("feature")).height == 1
'''
