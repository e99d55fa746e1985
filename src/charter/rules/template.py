"""PRJ: is the project on the newest release of its template?"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import WARNING, Finding
from charter.rules.registry import at_line, rule
from charter.template_updates import ANSWERS_FILE

MAX_STANDARDS = 8
UNCONFIRMED = "_charter_unconfirmed"

if TYPE_CHECKING:
    from charter.project import Project


@rule("PRJ010", "Project is behind the newest release of its template", severity=WARNING)
def template_behind(project: Project) -> Iterator[Finding]:
    """## What it checks

    Whether the template the project was generated from (`_src_path` and
    `_commit` in `.copier-answers.yml`) has a newer release, as
    `copier check-update` reports it, and which "Standards" entries of the
    template's CHANGELOG.md (read at the newest release) the update would bring.
    An organisation overlay applied after Charter, with its own answers file
    (`.copier-answers.<name>.yml`), is checked the same way against its own
    releases and CHANGELOG.md, with its finding at its own answers file. The
    answer is cached in `.git/` until the template's tags change (one
    `git ls-remote --tags`); offline, the cached answer holds for a day
    (`CHARTER_TEMPLATE_CHECK_TTL` seconds; `-1` turns the check off).

    ## Why it matters

    The template carries the team's standards: the rules, the hooks, the formats
    of the governance files. A project that stays behind keeps being checked
    against old standards.

    ## Example

    Fails (`.copier-answers.yml`):

    ```yaml
    _commit: v1.2.0
    _src_path: https://git.example.org/ml/charter.git
    # the template has released v1.3.0
    ```

    Passes:

    ```yaml
    _commit: v1.3.0
    _src_path: https://git.example.org/ml/charter.git
    ```

    ## How to fix

    Run `copier update --trust` (for an overlay, `copier update --trust -a
    .copier-answers.<name>.yml`) on a clean working tree, resolve any conflicts
    (see [PRJ003](PRJ003.md) and [PRJ004](PRJ004.md)), run the checks and commit.
    """
    for answers_file, status in project.template_statuses():
        if status.error or not status.update_available:
            continue
        standards = list(status.standards)
        if len(standards) > MAX_STANDARDS:
            standards[MAX_STANDARDS:] = [f"and {len(standards) - MAX_STANDARDS} more"]
        brings = f"; its Standards: {'; '.join(standards)}" if standards else ""
        which, command = "template", "copier update --trust"
        if answers_file != ANSWERS_FILE:  # an overlay, updated on its own
            which, command = "overlay", f"copier update --trust -a {answers_file}"
        yield at_line(
            project.root / answers_file,
            project.answers_commit_line(answers_file),
            1,
            f"the project follows {which} {status.current}, but {status.latest} is out: "
            f"run `{command}` to adopt the newer standards{brings}",
        )


@rule("PRJ011", "Could not tell whether the template has a newer release", severity=WARNING)
def template_unknown(project: Project) -> Iterator[Finding]:
    """## What it checks

    That `copier check-update` could answer [PRJ010](PRJ010.md)'s question. It
    reports when the template's repository could not be reached or read (offline,
    a moved repository, a broken `.copier-answers.yml`). Offline answers are
    retried within the hour, never on every commit.

    ## Why it matters

    Silence here would look like "up to date". A warning says the question is
    open.

    ## Example

    Fails (`.copier-answers.yml`):

    ```yaml
    _src_path: https://git.example.org/ml/charter-old-name.git   # moved
    ```

    Passes:

    ```yaml
    _src_path: https://git.example.org/ml/charter.git
    ```

    ## How to fix

    Check the network and that `_src_path` in `.copier-answers.yml` still points
    at the template repository. Set `CHARTER_TEMPLATE_CHECK_TTL=-1` to turn the
    check off on machines that are always offline.
    """
    for answers_file, status in project.template_statuses():
        if status.error is None:
            continue
        yield at_line(
            project.root / answers_file,
            project.answers_commit_line(answers_file),
            1,
            f"could not tell whether a newer template release exists ({status.error})",
        )


@rule("PRJ023", "A `copier update` was interrupted and left a half-updated tree")
def update_interrupted(project: Project) -> Iterator[Finding]:
    """## What it checks

    That no `copier update` was cut short. The template's first migration
    writes `.git/charter-update/in-progress` before the update touches the
    project, and its last migration removes it; a mark still there means the
    update was killed, interrupted (Ctrl-C) or failed in between.

    ## Why it matters

    Copier writes the new release's files, `_commit` in `.copier-answers.yml`
    included, before it merges the project's own edits back and before the
    migrations that keep a deleted file's edits run. Stopped in between, the
    project says it follows the new release while its model card may have lost
    its synced metrics (`value: null`), views and checklists are the template's
    text, and every other check can pass.

    ## Example

    ```text
    .copier-answers.yml:2:1: PRJ023 `copier update` from v1.2.0 to v1.3.0 (started 2026-12-07T02:50:11Z) did not finish: ...
    ```

    ## How to fix

    Go back to the last commit and update again:

    ```console
    git reset --hard && git clean -fd
    copier update --trust
    ```

    (`git clean -fd` removes the files the update added; Copier refused to
    start on a tree with untracked files, so none of them are yours.) A
    finished update removes the mark; if you completed this one by hand, delete
    `.git/charter-update/in-progress`.
    """
    found = project.interrupted_update()
    if found is None:
        return
    _mark, record = found
    yield at_line(
        project.root / ANSWERS_FILE,
        project.answers_commit_line(),
        1,
        f"`copier update` from {record['from']} to {record['to']} (started {record['started']}) "
        "did not finish: files may be the new release's text without your edits (card metrics "
        "`null`, views replaced) while `_commit` names the new release; restore the last commit "
        "(`git reset --hard && git clean -fd`) and run `copier update --trust` again, or delete "
        "`.git/charter-update/in-progress` if you finished it by hand",
    )


@rule(
    "PRJ040",
    "An update answered a new question with its default; nobody confirmed it",
    severity=WARNING,
)
def unconfirmed_answers(project: Project) -> Iterator[Finding]:
    """## What it checks

    The answers that `copier update` gave to questions the template added in a
    release crossed by the update. The update's migration lists them under
    `_charter_unconfirmed` in `.copier-answers.yml`; each listed answer is
    reported until someone confirms it by deleting its line there.

    ## Why it matters

    `copier update --defaults` (and the scheduled update job) answers a new
    question with its default. For a governance question (how sensitive the
    data is, how often the model is reviewed) that is a decision nobody took.

    ## Example

    Fails (`.copier-answers.yml`):

    ```yaml
    review_cadence: quarterly
    _charter_unconfirmed:
    - review_cadence
    ```

    Passes:

    ```yaml
    review_cadence: monthly
    ```

    ## How to fix

    Check the answer with the person who owns it. To change it, run
    `copier update --trust --defaults --vcs-ref=:current: --data NAME=VALUE`
    (commit first); then delete the name from `_charter_unconfirmed` (and the
    key once the list is empty) and commit.
    """
    listed = project.answers().get(UNCONFIRMED)
    if not listed:
        return
    names = listed if isinstance(listed, list) else [listed]
    lines = project.answers_lines()
    for name in names:
        line = next(
            (n for n, text in lines if text.strip() in {f"- {name}", f"- '{name}'"}),
            project.answers_key_line(UNCONFIRMED),
        )
        value = project.answers().get(str(name), "(no answer)")
        yield at_line(
            project.root / ANSWERS_FILE,
            line,
            1,
            f"the update answered the new question `{name}` with `{value}`; nobody confirmed "
            f"it: check it, then delete this line from `{UNCONFIRMED}`",
        )
