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
    """## What it checks

    For every feature whose `name` and `version` were already in the last
    committed catalog, `charter check` compares what defines its values with that
    commit:

    - the code of its `transform.ref` function (its syntax tree: formatting,
      comments and the docstring do not count);
    - its `sources`, `dtype` and `transform.ref`.

    If any of them changed and the version did not, the feature is reported at its
    `version`. New features and new versions are not compared. Outside a git
    repository, or before the first commit, the rule says nothing.

    ## Why it matters

    Model cards and run manifests cite features as `name@version`. If the logic
    behind `bmi@1` changes quietly, every record citing `bmi@1` now means
    something else, and a rerun of an old run no longer computes what it
    recorded. A new version keeps old records true.

    ## Example

    Fails: `src/<package>/features.py` changed

    ```python
    def age_decade(age):
        return age // 5          # was: age // 10
    ```

    while `governance/features/catalog.yaml` still says

    ```yaml
      - name: age_decade
        version: 1
    ```

    Passes:

    ```yaml
      - name: age_decade
        version: 2
    ```

    ## How to fix

    Bump the feature's `version`. While models still use the old logic, keep the
    old entry (with `status: deprecated`) and its function under a new name, and
    point the old entry's `transform.ref` at it.

    The comparison is with the last commit, so the rule fires in the pre-commit
    hook on the commit that changes the logic; CI, which checks committed work,
    does not see the change again.
    """
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
            current = function_shape(project.source_bytes(path), symbol)
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
