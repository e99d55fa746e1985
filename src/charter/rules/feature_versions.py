"""FEA: a feature whose logic changed gets a new version.

Models, cards and run manifests name features as `name@version`; if the logic
behind `bmi@1` changes silently, every record that cites `bmi@1` now means
something else. The check compares the working tree with the last commit, so
it fires in the pre-commit hook, on the commit that changes the logic.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import Finding
from charter.formats.python_source import function_shape
from charter.rules.registry import at, rule

if TYPE_CHECKING:
    from charter.formats.catalog import Feature
    from charter.project import Project


def _logic(feature: Feature) -> tuple:
    """What defines a feature's values, apart from its transform's code."""
    sources = sorted((s.contract, s.schema or "", s.property) for s in feature.sources)
    return (feature.transform_ref, feature.dtype, tuple(sources))


@rule("FEA008", "Feature logic changed since the last commit but its version did not")
def version_bumped(project: Project) -> Iterator[Finding]:
    catalog = project.catalog
    if catalog is None:
        return
    before = project.catalog_at_head()
    if before is None:
        return
    refs = {
        f.transform_ref: path
        for f in catalog.features
        if f.transform_ref and (path := project.ref_source(f.transform_ref)) is not None
    }
    committed = project.at_head(sorted(set(refs.values()))) or {}
    for feature in catalog.features:
        old = before.find(feature.name, feature.version)
        if old is None or feature.version is None:
            continue  # a new feature, or a new version: nothing to compare
        changes = []
        if _logic(old) != _logic(feature):
            changes.append("its sources, dtype or transform.ref")
        path = refs.get(feature.transform_ref or "")
        if path is not None and old.transform_ref == feature.transform_ref:
            symbol = (feature.transform_ref or "").partition(":")[2]
            previous = committed.get(path)
            current = function_shape(path.read_bytes(), symbol)
            if previous is not None and function_shape(previous, symbol) != current:
                changes.append(f"the code of {feature.transform_ref}")
        if changes:
            yield at(
                catalog.document,
                f"{feature.pointer}/version",
                f"{feature.key}: {' and '.join(changes)} changed since the last commit: "
                f"bump `version` to {feature.version + 1} so records citing {feature.key} "
                "keep their meaning",
            )
