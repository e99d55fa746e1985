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
from charter.formats.python_source import PythonModule, parse_module
from charter.rules.registry import at, rule

if TYPE_CHECKING:
    from pathlib import Path

    from charter.formats.catalog import Feature
    from charter.project import Project


def _logic(feature: Feature) -> tuple:
    """What defines a feature's values, apart from its transform (compared by its code)."""
    sources = sorted((s.contract, s.schema or "", s.property) for s in feature.sources)
    return (feature.dtype, tuple(sources))


@rule("FEA008", "Feature logic changed since the last commit but its version did not")
def version_bumped(project: Project) -> Iterator[Finding]:
    """## What it checks

    For every feature whose `name` and `version` were already in the last
    committed catalog, `charter check` compares what defines its values with that
    commit:

    - the code of its `transform.ref` function (its syntax tree: formatting,
      comments and the docstring do not count);
    - its `sources` and `dtype`;
    - its `transform.ref`, unless the function it names now has the same code as
      the one it named at the last commit (a frozen copy `charter feature bump`
      made).

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
        return age // 5  # was: age // 10
    ```

    while `governance/features/catalog.yaml` still says

    ```yaml
      - name: age_decade
        version: 1
    ```

    Passes, after `charter feature bump age_decade` (the old version keeps the old
    code under a new name, so runs that used it stay true):

    ```yaml
      - name: age_decade
        version: 1
        status: deprecated
        transform: {ref: my_project.features:age_decade_v1}
      - name: age_decade
        version: 2
        status: active
        transform: {ref: my_project.features:age_decade}
    ```

    ## How to fix

    Run `uv run charter feature bump NAME`, before or after changing the code.
    It adds `NAME@v+1` to the catalog (a copy of the entry, same status), sets
    `NAME@v` to `status: deprecated` and points its `transform.ref` at
    `NAME_v<v>()`, a copy of the function as last committed; `NAME()` is now the
    new version's, so change it there. Old and new versions coexist in the
    catalog; the features stage builds only active ones. Runs that used `NAME@v`
    stay valid (RUN005 and RUN009 judge new runs and the runs cards cite, not
    history). Then run the pipeline, sync the card to the new run
    (`charter card sync MODEL --run RUN`) and commit.

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
    pairs = [
        (feature, old)
        for feature in catalog.features
        if feature.version is not None
        and (old := before.find(feature.name, feature.version)) is not None
    ]  # features whose name@version was committed; new features and versions are not compared
    refs = {
        ref: path
        for feature, old in pairs
        for ref in (feature.transform_ref, old.transform_ref)
        if ref and (path := project.ref_source(ref)) is not None
    }
    committed = {
        path: parse_module(source, str(path))
        for path, source in (project.at_head(sorted(set(refs.values()))) or {}).items()
        if source is not None
    }  # each committed module parsed once, however many features point into it
    for feature, old in pairs:
        changes = []
        if _logic(old) != _logic(feature):
            changes.append("its sources or dtype")
        code = _code_change(project, refs, committed, old.transform_ref, feature.transform_ref)
        if code:
            changes.append(code)
        if changes:
            yield at(
                catalog.document,
                f"{feature.pointer}/version",
                f"{feature.key}: {' and '.join(changes)} changed since the last commit: run "
                f"`charter feature bump {feature.name}` (it writes {feature.name}@"
                f"{feature.version + 1} and keeps {feature.key}, deprecated, on a copy of its "
                "committed code) so records citing it keep their meaning",
            )


def _code_change(
    project: Project,
    refs: dict[str, Path],
    committed: dict[Path, PythonModule | None],
    before: str | None,
    now: str | None,
) -> str | None:
    """What changed in the transform, or None when the code it points at computes the same.

    A ref may move (`charter feature bump` points the old version at a frozen
    copy): the function it names now is compared with the one it named at HEAD.
    """
    old_path, new_path = refs.get(before or ""), refs.get(now or "")
    if old_path is None or new_path is None:
        return None if before == now else f"its transform.ref ({before} -> {now})"
    if old_path not in committed:
        return None if before == now else f"its transform.ref ({before} -> {now})"
    previous, current = committed[old_path], project.python_module(new_path)
    old_shape = previous.shape((before or "").partition(":")[2]) if previous else None
    new_shape = current.shape((now or "").partition(":")[2]) if current else None
    if old_shape == new_shape:
        return None
    if before == now:
        return f"the code of {now}"
    return f"its transform.ref ({before} -> {now}, which computes something else)"
