"""PRJ: project-wide rules: unreadable files, configuration, `copier update` leftovers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from charter import patterns
from charter.findings import WARNING, Finding
from charter.formats import checklist as checklist_format
from charter.formats import schema
from charter.formats.card import PLACEHOLDER
from charter.formats.source import Kind, pointer_join
from charter.rules import plugins
from charter.rules.registry import RULES, at, at_line, problems_of, rule

if TYPE_CHECKING:
    from charter.project import Project


@rule("PRJ001", "Artifact file cannot be read or parsed")
def unreadable_file(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every governance artifact (contracts, the feature catalog, model cards, checklists, run manifests) and the Copier answers file `.copier-answers.yml` can be read: it is UTF-8 text, not empty, not binary, and its YAML (or front matter) parses.

    ## Why it matters

    A file the checker cannot read is a file no rule can check: a typo in the YAML silently switches off every other rule for that artifact. Reporting it with its line and column makes the fix a one-line edit.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
    schema:
      - name: visits
        properties: [
          - name: visit_id
    ```

    Passes:

    ```yaml
    schema:
      - name: visits
        properties:
          - name: visit_id
    ```

    ## How to fix

    Open the file at the reported line and column; the message says what the parser expected. Binary or huge files do not belong among the governance artifacts: move them out (data goes to `data/`, outside git).
    """
    return problems_of(project, Kind.UNREADABLE)


@rule("PRJ002", "Duplicate key in a YAML mapping")
def duplicate_key(project: Project) -> Iterator[Finding]:
    """## What it checks

    No YAML mapping in a governance artifact defines the same key twice.

    ## Why it matters

    YAML parsers keep the last of two equal keys and drop the first without a word. A duplicated `classification` or `unit` means the file says two things and readers see a different one than the tools.

    ## Example

    Fails (`governance/contracts/visits.odcs.yaml`):

    ```yaml
          - name: age
            classification: restricted
            logicalType: integer
            classification: public
    ```

    Passes:

    ```yaml
          - name: age
            classification: restricted
            logicalType: integer
    ```

    ## How to fix

    Keep one of the two keys (the message names the line of the first one) and delete the other.
    """
    return problems_of(project, Kind.DUPLICATE_KEY)


@rule("PRJ003", "Conflict marker left in a governance artifact")
def conflict_marker(project: Project) -> Iterator[Finding]:
    """## What it checks

    No governance artifact holds a merge conflict marker: a line starting with `<<<<<<<`, `=======` or `>>>>>>>`.

    ## Why it matters

    `copier update` merges the new template into your project and exits 0 even when it leaves conflicts in the files. A contract or card with conflict markers is half old, half new; committing it publishes a document nobody wrote.

    ## Example

    Fails: `governance/contracts/visits.odcs.yaml` as `copier update` left it. A
    line `<<<<<<< before updating` opens the conflict, then comes the project's
    `classification: confidential`, a line `=======`, the template's
    `classification: restricted`, and a line `>>>>>>> after updating` closes it.
    (The markers are named inline, so this page passes the `check-merge-conflict`
    hook itself.)

    Passes:

    ```yaml
            classification: restricted
    ```

    ## How to fix

    Resolve the `copier update` conflict: keep the lines you want, delete the three marker lines, then run `charter check` again. `git status` lists the unmerged files.
    """
    for conflict in project.conflicts:
        yield at_line(
            conflict.path,
            conflict.line,
            1,
            f"conflict marker {conflict.marker!r}: resolve the `copier update` conflict, "
            "keep the lines you want and delete the markers",
        )


@rule("PRJ004", "Rejected hunk file (*.rej) left in the project")
def rejected_hunk(project: Project) -> Iterator[Finding]:
    """## What it checks

    No `*.rej` file exists anywhere in the project (virtual environments and caches excepted).

    ## Why it matters

    When `copier update` cannot apply a change as a conflict it writes the rejected hunk to `FILE.rej` and moves on. The template change is then silently missing from your file unless someone merges the `.rej` by hand.

    ## Example

    Fails:

    ```text
    README.md
    README.md.rej      <- left by copier update
    ```

    Passes:

    ```text
    README.md
    ```

    ## How to fix

    Open the `.rej` file, apply its hunk to the file next to it by hand, then delete the `.rej` file. The generated `.gitignore` and a pre-commit hook keep `.rej` files out of commits.
    """
    for path in project.rejects:
        yield at_line(
            path,
            1,
            1,
            "`copier update` could not apply this change: merge it into the file by hand, "
            "then delete the .rej file",
        )


@rule("PRJ005", "Invalid [tool.charter] configuration")
def configuration(project: Project) -> Iterator[Finding]:
    """## What it checks

    `[tool.charter]` in `pyproject.toml` is readable and has only known keys of the right type: `contracts`, `features`, `models`, `checklists`, `runs`, `docs` (strings), `select`, `ignore` (lists of codes), `stage` (`review` or `production`), `card_sections` (a list of headings), `checklist_codes` (a regular expression in Rust's syntax, which runs in linear time: no look-around, no backreferences) and `show_personal_values` (true or false). The artifact locations it names explicitly (`contracts`, `features`, `models`, `checklists`) exist. A sub-table such as `[tool.charter.acme]` holds the settings of the installed rule plugin with that prefix (ACME) and must match the schema the plugin ships; a sub-table no installed plugin claims is an error.

    ## Why it matters

    A misspelt key (`contract =` for `contracts =`) is otherwise ignored, and the checker quietly looks for artifacts in the default place.

    ## Example

    Fails (`pyproject.toml`):

    ```toml
    [tool.charter]
    contract = "data/contracts"
    ignore = "MOD004"
    ```

    Passes:

    ```toml
    [tool.charter]
    contracts = "data/contracts"
    ignore = ["MOD004"]
    ```

    ## How to fix

    Fix the key name or the value's type at the reported line.
    """
    yield from problems_of(project, Kind.CONFIGURATION)
    installed = plugins.plugins()
    for table, settings in project.config.plugins.items():
        plugin = installed.get(table.upper())
        if plugin is None:
            yield at_line(
                project.root / "pyproject.toml",
                project.settings_line(table),
                1,
                f"unknown [tool.charter.{table}] table: no installed rule plugin has the "
                f"prefix {table.upper()}",
            )
            continue
        for path, message in plugins.settings_problems(plugin, settings):
            key = next((str(part) for part in path), None)
            where = "/".join(str(part) for part in path)
            yield at_line(
                project.root / "pyproject.toml",
                project.settings_line(table, key),
                1,
                f"[tool.charter.{table}]{' ' + where if where else ''}: {message} "
                f"(settings of plugin {plugin.distribution})",
            )


@rule(
    "PRJ006",
    "Checklist front matter is invalid or names an unknown rule",
    severity=WARNING,
    settings=["checklist_codes"],
)
def checklist_front_matter(project: Project) -> Iterator[Finding]:
    """## What it checks

    Each checklist's front matter matches `checklist.schema.json` (apiVersion, kind, stage, rules) and every entry of `rules:` is a known rule code or prefix, Charter's or an installed plugin's, that matches `checklist_codes` of `[tool.charter]` (default `^[A-Z]{2,5}[0-9]{0,3}$`: two to five capital letters and up to three digits, so `ACME001` is a code). This is a warning.

    ## Why it matters

    The `rules:` list is what makes a checklist item automatic: an unknown code there means an item the team believes is enforced is not.

    ## Example

    Fails (`governance/checklists/ready-for-review.md`):

    ```yaml
    ---
    apiVersion: charter/v1
    kind: Checklist
    stage: review
    rules: [CON, FEATURES]
    ---
    ```

    Passes:

    ```yaml
    ---
    apiVersion: charter/v1
    kind: Checklist
    stage: review
    rules: [CON, FEA]
    ---
    ```

    ## How to fix

    Use codes and prefixes from the [rule index](index.md).
    """
    matches = _code_matcher(project)
    for checklist in project.checklists:
        document = checklist.document
        for problem in schema.validate(document, schema.CHECKLIST_SCHEMA):
            yield at_line(checklist.path, problem.line, problem.col, problem.message)
        for code, pointer in checklist.rules:
            if not matches(code):
                yield at(
                    document,
                    pointer,
                    f"{code!r} does not match checklist_codes "
                    f"{project.config.checklist_codes!r} of [tool.charter]",
                )
            elif not any(known.startswith(code) for known in RULES):
                yield at(document, pointer, f"no rule code starts with {code!r}")


def _code_matcher(project: Project) -> Callable[[str], bool]:
    """`checklist_codes` as a test: the default in Python, a project's own on a linear engine.

    A user's pattern never runs on Python's backtracking `re` (`^(A+)+$` doubled
    its time with each character); it runs once over every entry on polars' engine.
    """
    pattern = project.config.checklist_codes
    if pattern == checklist_format.CODE_PATTERN:
        return re.compile(pattern).search
    entries = sorted({code for checklist in project.checklists for code, _ in checklist.rules})
    try:
        found = dict(zip(entries, patterns.search(pattern, entries), strict=True))
    except patterns.PatternError:  # PRJ005 reports the setting; match nothing here
        return lambda code: False
    return lambda code: found.get(code, False)


def _strings(data: object, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, text) of every string value in parsed YAML."""
    if isinstance(data, str):
        yield pointer, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, pointer_join(pointer, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, pointer_join(pointer, index))


@rule("PRJ007", "Template placeholder left in a contract or the catalog", stage="production")
def no_placeholders(project: Project) -> Iterator[Finding]:
    """## What it checks

    At `--stage production`, no string value of a data contract or of the feature
    catalog contains a template placeholder: `TODO(role)` (Charter's) or
    `[More Information Needed]`. [MOD004](MOD004.md) does the same for model cards.

    ## Why it matters

    A contract drafted by `charter new contract` leaves questions for the data
    owner in the descriptions. They are fine while the data is being
    described; a model in production must not rest on a data
    dictionary with unanswered questions.

    ## Example

    Fails (`governance/contracts/dataset.odcs.yaml`):

    ```yaml
    description:
      purpose: TODO(data-owner) say what this dataset is and who produces it.
    ```

    Passes:

    ```yaml
    description:
      purpose: Daily export of clinic visits from the scheduling system, one row per visit.
    ```

    ## How to fix

    Answer the placeholder (the role in parentheses says who should) and delete
    the marker.
    """
    documents = [c.document for c in project.contracts]
    if project.catalog is not None:
        documents.append(project.catalog.document)
    for document in documents:
        for pointer, text in _strings(document.data):
            for match in PLACEHOLDER.finditer(text):
                yield at(
                    document,
                    pointer,
                    f"placeholder {match.group(0)!r} must be filled in before production",
                )


@rule("PRJ020", "Artifact is not a regular file inside the project")
def not_regular_file(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every governance artifact (contract, feature catalog, model card, checklist, run manifest) is a regular file inside the project folder. A FIFO (named pipe), a device, a directory, a dangling or looping symlink, or a symlink that points outside the project is reported, and nothing is read from it.

    ## Why it matters

    Reading a FIFO waits forever and reading `/dev/zero` never ends: one odd file would hang `charter check` in a pre-commit hook or a CI job. A symlink to a file outside the repository is checked on your machine and missing on everyone else's, and a dangling one silently hides an artifact the rules should see.

    ## Example

    Fails:

    ```console
    $ ln -s /dev/zero governance/contracts/patients.odcs.yaml
    $ mkfifo governance/models/risk/card.md
    ```

    Passes: `governance/contracts/patients.odcs.yaml` is an ordinary file committed to the repository.

    ## How to fix

    Replace the special file or symlink by the file itself (`cp --remove-destination "$(readlink -f PATH)" PATH`), or delete it if it was created by mistake.
    """
    return problems_of(project, Kind.NOT_REGULAR)


@rule("PRJ021", "Artifact file is larger than 5 MB")
def too_large(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every governance artifact is at most 5 MB. Charter reads at most that much of a file, never the whole of a larger one.

    ## Why it matters

    Contracts, the catalog, model cards, checklists and run manifests are documents people write and review. A file of many megabytes is a data file, a log or a generated dump committed by mistake, and reading it without a bound would let one file exhaust the memory of the checker.

    ## Example

    Fails: `governance/contracts/patients.odcs.yaml` holds 40 MB of example rows pasted under `examples:`.

    Passes: the contract describes the table; the rows live in `data/` (outside git, tracked by DVC).

    ## How to fix

    Move the bulk out of the artifact (data to `data/`, long text to `docs/`) and keep the governance file to what a reviewer reads.
    """
    return problems_of(project, Kind.TOO_LARGE)


@rule("PRJ022", "YAML nested too deeply, too large, or expanding too many aliases")
def too_complex(project: Project) -> Iterator[Finding]:
    """## What it checks

    A governance artifact's YAML is nested at most 100 levels deep, holds at most 250,000 keys and values (a catalog of 2,000 features has about 68,000), and its aliases (`*name`) add at most 100,000 values beyond what the text itself spells out.

    ## Why it matters

    A "billion laughs" document of a few hundred bytes (nine anchors, each repeating the previous one nine times) expands to hundreds of millions of values and takes every byte of memory a machine has; very deep nesting exhausts the parser's stack. A file of half a million one-line mappings would take a gigabyte to parse with positions. No real contract, catalog or card comes close to these bounds, so reaching one means the file is broken, generated by mistake, or hostile.

    ## Example

    Fails:

    ```yaml
    a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    # ... and so on, six more levels
    ```

    Passes: the values written out, or an alias used a handful of times.

    ## How to fix

    Write the repeated values out, use fewer aliases, or flatten the nesting at the reported line.
    """
    return problems_of(project, Kind.TOO_COMPLEX)
