"""RUN: run manifests record enough to rerun the run, and what they record still exists."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from charter import run_facts
from charter.constants import LOCK_FILE, MANIFEST_NAME
from charter.findings import WARNING, Finding
from charter.formats.manifest import params_hash
from charter.formats.source import Kind
from charter.rules.registry import at_line, problems_of, rule

if TYPE_CHECKING:
    from charter.formats.manifest import Manifest
    from charter.project import Project


def _at(manifest: Manifest, pointer: str, message: str) -> Finding:
    line, col = manifest.position(pointer)
    return at_line(manifest.path, line, col, message)


@rule("RUN001", "Run manifest is not valid JSON or does not match its schema")
def manifest_valid(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every `runs/<run-id>/manifest.json` parses as JSON and matches the
    [run-manifest schema](../formats/run-manifest.md) (`apiVersion: charter/v1`):
    every field present, no unknown keys, fingerprints as `blake3:<hex>`, hashes as
    hex, times as UTC ISO 8601.

    ## Why it matters

    A manifest is the only record of what a run used and produced. If it cannot be
    read, `charter reproduce` cannot rerun the run and `charter card sync` cannot
    take metrics from it; the other RUN rules cannot check it either.

    ## Example

    ```json
    {
      "run_id": "20261126T143900Z-1a2b3c",
      "inputs": [{"name": "patients", "fingerprint": "md5:9e107d9d372bb6826bd81d3542a419d6"}]
    }
    ```

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:5:48: RUN001 not a valid run manifest: /inputs/0/fingerprint: 'md5:9e10...' does not match '^blake3:[0-9a-f]{64}$' (and 11 more)
    ```

    ## Fixed

    Manifests are written by the pipeline (`charter.runs.Run.finish`), which
    validates them before writing; a manifest that fails here was edited by hand
    or by another tool. Restore it from git:

    ```console
    git restore runs/20261126T143900Z-1a2b3c/manifest.json
    ```

    ## How to fix

    Never edit a manifest by hand. Restore the committed version, or delete the
    run folder and run the pipeline again (`uv run nox -s pipeline`).
    """
    return problems_of(project, Kind.INVALID_MANIFEST)


@rule("RUN002", "Run manifest's commit is not in the repository")
def commit_exists(project: Project) -> Iterator[Finding]:
    """## What it checks

    The commit a manifest records (`code.commit`) exists in the project's git
    repository. Runs outside a git repository are not checked.

    ## Why it matters

    Rerunning a run means checking out its code. A commit that was rebased away,
    amended, or made on a machine and never pushed is gone: nobody can see or
    rerun the code that produced the model.

    ## Example

    ```json
    "code": {
      "commit": "3f1c9a7e0000000000000000000000000000dead",
      "dirty": false,
      "entry_point": "diabetes_progression.pipeline"
    }
    ```

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:6:15: RUN002 commit 3f1c9a7e0000 is not in this repository: the run's code cannot be checked out (rebased away, or never pushed?)
    ```

    ## Fixed

    The manifest names a commit that `git cat-file -e <commit>^{commit}` finds,
    typically because the run was made on a commit that is on the main branch.

    ## How to fix

    Fetch the branch that holds the commit, or, if the commit is lost, run the
    pipeline again on a commit that is shared and commit the new manifest; delete
    the run whose code no longer exists.
    """
    exists, _locks = project.run_commits(LOCK_FILE)
    if not all(exists.values()) and project.shallow_clone():
        return  # the commits may just not be fetched: RUN015 says what to fetch
    for manifest in project.manifests:
        if manifest.commit in exists and not exists[manifest.commit]:
            yield _at(
                manifest,
                "/code/commit",
                f"commit {manifest.commit[:12]} is not in this repository: the run's code "
                "cannot be checked out (rebased away, or never pushed?)",
            )


@rule("RUN003", "Run manifest's lock hash differs from uv.lock at its commit")
def lock_matches_commit(project: Project) -> Iterator[Finding]:
    """## What it checks

    `environment.lock_sha256` equals the sha256 of `uv.lock` as committed at the
    run's commit (`git show <commit>:uv.lock`). Later changes to `uv.lock` are
    fine: history is compared with history.

    ## Why it matters

    The run's commit should pin the environment the run used. If the lock file
    the run saw differs from the committed one, the run used versions that no
    commit records (an uncommitted `uv lock` or `uv add`), and rerunning that
    commit installs something else.

    ## Example

    ```json
    "environment": {
      "lock_sha256": "0d5e...e9",
      "python": "3.11.7",
      "platform": "linux-x86_64"
    }
    ```

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:11:20: RUN003 environment.lock_sha256 differs from uv.lock at commit 3f1c9a7e52b1: the run used an environment that commit does not pin
    ```

    ## Fixed

    Commit `uv.lock` first, then run: the manifest then records the commit that
    holds exactly that lock file.

    ## How to fix

    Commit the lock file change, run the pipeline again, commit the new manifest
    and delete the old run.
    """
    exists, locks = project.run_commits(LOCK_FILE)
    for manifest in project.manifests:
        if not exists.get(manifest.commit):
            continue  # outside git, or RUN002 says so
        content = locks[manifest.commit]
        if content is None:
            message = f"{LOCK_FILE} is not committed at {manifest.commit[:12]}"
        elif hashlib.sha256(content).hexdigest() == manifest.lock_sha256:
            continue
        else:
            message = (
                f"environment.lock_sha256 differs from {LOCK_FILE} at commit "
                f"{manifest.commit[:12]}: the run used an environment that commit does not pin"
            )
        yield _at(manifest, "/environment/lock_sha256", message)


@rule("RUN004", "Run manifest does not record its seeds and parameters faithfully")
def seeds_and_params(project: Project) -> Iterator[Finding]:
    """## What it checks

    A manifest records at least one seed (`seeds`) and its parameters (`params`),
    and `params_hash` is the sha256 of those parameters as canonical JSON (sorted
    keys, no spaces), so parameters edited after the run are detected.

    ## Why it matters

    `charter reproduce` reruns a run with exactly the recorded parameters and
    seeds. Without seeds a rerun draws different random numbers; with edited
    parameters it reruns something that never ran.

    ## Example

    ```json
    "params": {"split": {"test_size": 0.25}, "model": {"alpha": 0.5, "solver": "cholesky"}},
    "params_hash": "sha256:abb23254649de6a0b8ac439d159cac26c9b2e8d639e7d4c3d5fcce52e59375a7",
    "seeds": {}
    ```

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:44:3: RUN004 params_hash does not match params: the parameters were edited after the run
    runs/20261126T143900Z-1a2b3c/manifest.json:45:12: RUN004 no seeds recorded: the run cannot be rerun
    ```

    ## Fixed

    ```yaml
    # configs/pipeline.yaml
    seeds:
      split: 20241126
      model: 0
    ```

    ## How to fix

    Give every source of randomness a seed in `configs/pipeline.yaml` under
    `seeds:`, change parameters there (never in a manifest), and run again.
    """
    for manifest in project.manifests:
        if not manifest.seeds:
            yield _at(manifest, "/seeds", "no seeds recorded: the run cannot be rerun")
        if not manifest.params:
            yield _at(manifest, "/params", "no parameters recorded")
        elif params_hash(manifest.params) != manifest.params_hash:
            yield _at(
                manifest,
                "/params_hash",
                "params_hash does not match params: the parameters were edited after the run",
            )


@rule("RUN005", "Run manifest names a feature the catalog does not define")
def features_exist(project: Project) -> Iterator[Finding]:
    """## What it checks

    Each entry of the manifest's `features` (`name@version`) is a feature of
    `governance/features/catalog.yaml` with that name and version, for every
    *current* run: a new run (its manifest is not yet in the last commit,
    HEAD: untracked or only staged) and any run a model card's
    `governance.run_manifest` names. Outside git every run is new.

    History is immutable: a manifest already committed that no card cites was
    checked when it was committed, and stays valid when the catalog later
    drops the version it used.

    ## Why it matters

    The manifest says which feature definitions the model was trained on. A
    feature that is not in the catalog has no owner, no documented source and no
    privacy review; a version missing from the catalog means the definition the
    run used was changed without a version bump.

    ## Example

    ```json
    "features": ["age_decade@2", "bmi@1"]
    ```

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:31:5: RUN005 feature 'age_decade@2' is not in the feature catalog
    ```

    ## Fixed

    ```yaml
    features:
      - name: age_decade
        version: 2
        # ...
    ```

    ## How to fix

    Add the feature (or its new version) to the catalog: to change a feature,
    `uv run charter feature bump NAME` writes the new version and deprecates the
    old one, which stays in the catalog so old runs still resolve. If a card
    cites the run, run the pipeline again and sync the card to the new run
    (`charter card sync MODEL --run RUN`).
    """
    current = run_facts.current_manifests(project)
    for manifest in project.manifests:
        if manifest.path not in current:
            continue  # committed history that no card cites
        for index, key in enumerate(manifest.features):
            if project.feature_by_key(key) is None:
                yield _at(
                    manifest,
                    f"/features/{index}",
                    f"feature {key!r} is not in the feature catalog",
                )


@rule("RUN006", "Run manifest names a contract the project does not have")
def contracts_exist(project: Project) -> Iterator[Finding]:
    """## What it checks

    Each input's `contract.id` is the `id` of a data contract under
    `governance/contracts/`.

    ## Why it matters

    The contract is the data dictionary the input was validated against: its
    units, its personal-data classification, its owner. A run whose contract is
    gone cannot be reviewed.

    ## Example

    ```json
    "inputs": [{"name": "patients", "contract": {"id": "patient-records", "version": "1.0.0"}}]
    ```

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:22:17: RUN006 input 'patients' names contract 'patient-records', which no contract in the project has as its id
    ```

    ## Fixed

    ```yaml
    # governance/contracts/patients.odcs.yaml
    id: patients
    ```

    ## How to fix

    Restore the contract, or, if it was renamed, keep its old `id`. Contracts
    evolve by `version`, not by `id`.
    """
    for manifest in project.manifests:
        for index, item in enumerate(manifest.inputs):
            if item.contract is not None and project.contract_by_id(item.contract.id) is None:
                yield _at(
                    manifest,
                    f"/inputs/{index}/contract/id",
                    f"input {item.name!r} names contract {item.contract.id!r}, which no "
                    "contract in the project has as its id",
                )


@rule("RUN007", "Run was recorded from a tree with uncommitted changes", severity=WARNING)
def recorded_clean(project: Project) -> Iterator[Finding]:
    """## What it checks

    The manifest's `code.dirty` is false: when the run started, no tracked file
    differed from the commit and no new untracked file existed (the runs folder
    aside). This rule is a warning: it never fails `charter check`.

    ## Why it matters

    A dirty run used code that no commit holds, so `charter reproduce` refuses it
    unless given `--allow-dirty`, and even then reruns the commit, not the code
    that ran.

    ## Example

    ```json
    "code": {"commit": "3f1c9a7e52b1...", "dirty": true, "entry_point": "diabetes_progression.pipeline"}
    ```

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:7:14: RUN007 the run's code differs from its commit, so `charter reproduce` cannot rerun it faithfully; commit first, then run again
    ```

    ## Fixed

    ```json
    "code": {"commit": "8a2d...", "dirty": false, "entry_point": "diabetes_progression.pipeline"}
    ```

    ## How to fix

    Commit (or stash) your changes, run the pipeline again, and commit the new
    manifest. Delete exploratory dirty runs instead of committing them. The
    pipeline (`uv run nox -s pipeline`) records no run from uncommitted code
    unless given `--allow-dirty`, so a dirty run is always one somebody asked for.
    """
    for manifest in project.manifests:
        if manifest.dirty:
            yield _at(
                manifest,
                "/code/dirty",
                "the run's code differs from its commit, so `charter reproduce` cannot rerun it "
                "faithfully; commit first, then run again",
            )


@rule("RUN008", "Run manifest's run_id differs from its folder name")
def run_id_matches_folder(project: Project) -> Iterator[Finding]:
    """## What it checks

    `runs/<folder>/manifest.json` has `run_id` equal to `<folder>`.

    ## Why it matters

    People and tools name runs by folder (`charter reproduce <run-id>`,
    `charter card sync MODEL --run <run-id>`, links from model cards). A copied or
    renamed folder whose manifest says otherwise makes two names for one run, or
    one name for two.

    ## Example

    ```text
    runs/best-model/manifest.json:3:13: RUN008 run_id '20261126T143900Z-1a2b3c' differs from its folder 'best-model'
    ```

    ## Fixed

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json   with "run_id": "20261126T143900Z-1a2b3c"
    ```

    ## How to fix

    Rename the folder back to its run id. Point at a run you like from the model
    card (`charter card sync`) instead of renaming it.
    """
    for manifest in project.manifests:
        folder = manifest.path.parent.name
        if manifest.run_id != folder:
            yield _at(
                manifest,
                "/run_id",
                f"run_id {manifest.run_id!r} differs from its folder {folder!r}",
            )


@rule("RUN009", "Run manifest lists a feature that is not active")
def features_active(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every feature in the manifest's `features` (`name@version`) has
    `status: active` in `governance/features/catalog.yaml`, for every *current*
    run: a new run (its manifest is not yet in the last commit, HEAD:
    untracked or only staged) and any run a model card's
    `governance.run_manifest` names. Features the catalog does not define at
    all are RUN005's business.

    History is immutable: a committed run trained on features that were
    active then; deprecating them later (`charter feature bump`) does not make
    that record wrong, so it is not reported, even for the run a card cites
    (its model stands until the next run replaces it). A committed run a card
    cites is still reported for a feature that is a draft.

    ## Why it matters

    Only active features may feed a model: draft ones are not reviewed yet and
    deprecated ones are on their way out. A run that trained on one of them
    produced a model the catalog does not stand behind, even when the model card
    lists only active features (MOD006 checks the card, this rule checks what the
    run really built).

    ## Example

    Fails (`runs/20261126T143900Z-1a2b3c/manifest.json`, with `bmi@1` set to
    `status: deprecated` in the catalog):

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:31:5: RUN009 the run trained on feature 'bmi@1', which has status 'deprecated'; a model may only be trained on active features
    ```

    Passes: every feature the run lists is active.

    ```json
    "features": ["age_decade@1", "mean_arterial_pressure@1"]
    ```

    ## How to fix

    Build only active features (`charter.runtime.build_features` does) and run
    the pipeline again; then point the card at the new run with
    `charter card sync MODEL --run RUN`. If the feature should feed models, review
    it and set `status: active` in the catalog. A new run that failed this way is
    best deleted, not committed (`rm -r runs/RUN`).
    """
    current = run_facts.current_manifests(project)
    new = run_facts.new_manifests(project)
    for manifest in project.manifests:
        if manifest.path not in current:
            continue  # committed history that no card cites
        allowed = {"active"} if manifest.path in new else {"active", "deprecated"}
        for index, key in enumerate(manifest.features):
            feature = project.feature_by_key(key)
            if feature is not None and feature.status not in allowed:
                yield _at(
                    manifest,
                    f"/features/{index}",
                    f"the run trained on feature {key!r}, which has status {feature.status!r}; "
                    "a model may only be trained on active features",
                )


@rule("RUN010", "Run folder has no manifest")
def orphan_run_folders(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every folder under `runs/` holds a `manifest.json`, and every
    `artifacts/<run-id>/` folder named like a run id (`20261126T143900Z-1a2b3c`)
    belongs to a run with a manifest. `charter check --staged` (the hooks) skips
    this rule: such folders are never part of a commit.

    ## Why it matters

    A run that failed while being recorded (a full disk, a read-only folder, a
    crash inside `Run.finish()`) can leave its outputs behind without the record
    of what produced them. Such files look like results, yet nothing says which
    code, data or parameters made them, and `charter reproduce` cannot rerun them.

    ## Example

    ```text
    artifacts/20261126T143900Z-1a2b3c: RUN010 folder of run 20261126T143900Z-1a2b3c has no runs/20261126T143900Z-1a2b3c/manifest.json: the run was never recorded; delete the folder or run the pipeline again
    ```

    ## How to fix

    Delete the folder (`rm -r artifacts/20261126T143900Z-1a2b3c`) and run the
    pipeline again (`uv run nox -s pipeline`); fix what made the run fail first
    (its message named the path it could not write).
    """
    runs = project.path("runs")
    for folder in run_facts.orphan_folders(project):
        manifest = runs / folder.name / MANIFEST_NAME
        shown = manifest.relative_to(project.root).as_posix()
        yield at_line(
            folder,
            1,
            1,
            f"folder of run {folder.name} has no {shown}: the run was never recorded; "
            "delete the folder or run the pipeline again",
        )


@rule("RUN011", "Run manifest's input size, rows or md5 differ from the file it fingerprints")
def inputs_as_recorded(project: Project) -> Iterator[Finding]:
    """## What it checks

    For each input whose file is in the working tree with the fingerprint the
    manifest records (so it is the very file the run read), the recorded
    `bytes`, `md5` and, for Parquet, `rows` equal what that file has.

    ## Why it matters

    The fingerprint proves which file the run read; its size, DVC md5 and row
    count are then facts, not claims. A manifest where they differ was edited
    after the run, and a reviewer reading "442 rows" would be misled about what
    the model was trained on.

    ## Example

    ```json
    "inputs": [{"name": "patients", "uri": "data/raw/patients.parquet", "rows": 4420, "bytes": 31337}]
    ```

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:24:15: RUN011 input 'patients' records 4420 rows, but data/raw/patients.parquet (the file with the recorded fingerprint) has 442
    ```

    ## How to fix

    Never edit a manifest. Restore it from git (`git restore runs/<run-id>/manifest.json`)
    or run the pipeline again.
    """
    for manifest in project.manifests:
        for index, item in enumerate(manifest.inputs):
            found = run_facts.data_file(project, item.uri)
            if found is None or not found.inside or found.fingerprint != item.fingerprint:
                continue
            facts = [
                ("bytes", item.bytes, found.size, "bytes"),
                ("rows", item.rows, found.rows, "rows"),
            ]
            if item.md5 is not None and not item.md5.endswith(".dir"):
                facts.append(("md5", item.md5, found.md5, "as md5"))
            for key, recorded, actual, unit in facts:
                if actual is not None and recorded != actual:
                    yield _at(
                        manifest,
                        f"/inputs/{index}/{key}",
                        f"input {item.name!r} records {recorded} {unit}, but {item.uri} (the file "
                        f"with the recorded fingerprint) has {actual}",
                    )


@rule("RUN012", "Run manifest's commit cannot be the code the run started from")
def commit_lineage(project: Project) -> Iterator[Finding]:
    """## What it checks

    The recorded `code.commit` existed when the run started (its commit time is
    not after `start_time`), and it is an ancestor of (or equal to) the commit
    that first added the manifest, or of HEAD while the manifest is not committed.

    ## Why it matters

    A run records the commit it started from; the manifest is committed later,
    on top of it. A commit made after the run, or one on another line of history,
    cannot be the code that ran: `charter reproduce` would rerun different code
    and a reviewer would read the wrong source.

    ## Example

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:6:15: RUN012 commit 8a2d4c1e9f00 was made after the run started (2026-11-26T14:39:00Z): it cannot be the code that ran
    runs/20261126T143900Z-1a2b3c/manifest.json:6:15: RUN012 commit 5b7e01aa3c42 is not an ancestor of 9c0ffee12345, the commit that added this manifest: the run's code is on another line of history
    ```

    ## How to fix

    Restore the manifest as the pipeline wrote it (`git restore`), or run the
    pipeline again on the commit you mean and commit its manifest on top.
    """
    lineage = run_facts.lineage(project)
    for manifest in project.manifests:
        facts = lineage.get(manifest.path)
        if facts is None:
            continue  # outside git, or RUN002 reports the missing commit
        started = datetime.fromisoformat(manifest.data["start_time"]).timestamp()
        if facts.commit_time is not None and facts.commit_time > started + 1:
            yield _at(
                manifest,
                "/code/commit",
                f"commit {manifest.commit[:12]} was made after the run started "
                f"({manifest.data['start_time']}): it cannot be the code that ran",
            )
        elif not facts.ancestor:
            what = "HEAD" if facts.later is None else f"{(facts.later or '')[:12]}"
            yield _at(
                manifest,
                "/code/commit",
                f"commit {manifest.commit[:12]} is not an ancestor of {what}, the commit that "
                "added this manifest (or HEAD): the run's code is on another line of history",
            )


@rule("RUN013", "Run manifest's entry point is not the project's declared pipeline")
def entry_point_declared(project: Project) -> Iterator[Finding]:
    """## What it checks

    `code.entry_point` is a pipeline entry point the project declares:
    `<package>.pipeline` for a `src/<package>/pipeline.py` of the project, or
    `dvc.repro` for a project whose `dvc.yaml` declares the stages.

    ## Why it matters

    `charter reproduce` reruns a run by its entry point. A manifest naming any
    other module (`http.server`, `this`, a helper of some installed package)
    would make a rerun execute code that is not the project's pipeline, so
    `charter reproduce` refuses it, and this rule says so before anyone tries.

    ## Example

    ```json
    "code": {"commit": "3f1c9a7e52b1...", "dirty": false, "entry_point": "http.server"}
    ```

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:8:20: RUN013 entry point 'http.server' is not the project's pipeline (diabetes_progression.pipeline)
    ```

    ## How to fix

    Restore the manifest as the pipeline wrote it (`git restore`), or run the
    pipeline again: the pipeline records its own entry point.
    """
    declared = run_facts.entry_points(project)
    shown = ", ".join(sorted(declared)) or "none declared: no src/<package>/pipeline.py or dvc.yaml"
    for manifest in project.manifests:
        if manifest.entry_point not in declared:
            yield _at(
                manifest,
                "/code/entry_point",
                f"entry point {manifest.entry_point!r} is not the project's pipeline ({shown})",
            )


@rule("RUN014", "Run manifest's input or output resolves outside the project")
def uris_inside(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every relative `uri` of the manifest's inputs and outputs that exists in the
    working tree stays inside the project once symbolic links are resolved.
    (Absolute paths and `..` are already refused by the schema, RUN001.)

    ## Why it matters

    `charter reproduce` restores and compares the files a manifest names. A
    path that leads out of the project through a symbolic link
    (`data/raw -> /home/someone/secrets`) makes the record depend on one
    machine, and a rerun would read or overwrite files outside the repository.

    ## Example

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:20:14: RUN014 input 'patients' (data/raw/patients.parquet) resolves outside the project through a symbolic link
    ```

    ## How to fix

    Keep data inside the project (`data/`, versioned by DVC) and replace the
    symbolic link with the files, or a DVC import of them.
    """
    for manifest in project.manifests:
        entries = [("inputs", i.name, i.uri) for i in manifest.inputs]
        entries += [("outputs", o.name, o.uri) for o in manifest.outputs]
        counters = {"inputs": 0, "outputs": 0}
        for kind, name, uri in entries:
            index = counters[kind]
            counters[kind] += 1
            found = run_facts.data_file(project, uri)
            if found is not None and not found.inside:
                what = kind.rstrip("s")
                yield _at(
                    manifest,
                    f"/{kind}/{index}/uri",
                    f"{what} {name!r} ({uri}) resolves outside the project through a symbolic link",
                )


@rule("RUN015", "Shallow clone: the commits of recorded runs were not fetched")
def history_fetched(project: Project) -> Iterator[Finding]:
    """## What it checks

    In a shallow clone (`git clone --depth 1`, and CI's checkout by default),
    whether the commit each run manifest records was fetched. One finding for
    the whole project, at the first manifest whose commit is missing, names what
    to fetch; [RUN002](RUN002.md) then stays silent, since a commit that was not
    fetched is not a commit that is lost.

    ## Why it matters

    A manifest records the commit a run started from (X) and is committed after
    it (X+1), so a checkout of depth 1 never holds X. The rules that read a
    run's history (RUN002 that the commit exists, [RUN003](RUN003.md) the lock
    file at it, [RUN012](RUN012.md) its place in history) cannot judge it there,
    and a CI job would otherwise fail on "commit is not in this repository"
    for every run.

    ## Example

    ```text
    runs/20261126T143900Z-1a2b3c/manifest.json:6:15: RUN015 this clone is shallow: 1 of 1 runs record a commit that was not fetched (464ae981553c), so RUN002, RUN003 and RUN012 cannot check them; fetch the history with `git fetch --unshallow` (CI: `fetch-depth: 0` on actions/checkout, `GIT_DEPTH: 0` on GitLab)
    ```

    ## How to fix

    Fetch the history: `git fetch --unshallow` in the clone. The CI workflows
    Charter generates already do (`fetch-depth: 0` on `actions/checkout`,
    `GIT_DEPTH: 0` in `.gitlab-ci.yml`); a workflow of your own needs the same.
    """
    exists, _locks = project.run_commits(LOCK_FILE)
    missing = [m for m in project.manifests if m.commit in exists and not exists[m.commit]]
    if not missing or not project.shallow_clone():  # git is asked only when commits are missing
        return
    commits = sorted({m.commit[:12] for m in missing})
    shown = ", ".join(commits[:3]) + (f" and {len(commits) - 3} more" if len(commits) > 3 else "")
    yield _at(
        missing[0],
        "/code/commit",
        f"this clone is shallow: {len(missing)} of {len(project.manifests)} runs record a commit "
        f"that was not fetched ({shown}), so RUN002, RUN003 and RUN012 cannot check them; fetch "
        "the history with `git fetch --unshallow` (CI: `fetch-depth: 0` on actions/checkout, "
        "`GIT_DEPTH: 0` on GitLab)",
    )
