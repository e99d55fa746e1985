"""DEC: why, not only what: decision records (MADR) and the catalog's rationale.

Teams must be able to say why a feature is in a model, why a candidate was
left out, and why the model is what it is. The catalog carries a `rationale`
per feature and `excluded:` candidates; decision records under
`governance/decisions/` carry the modelling choices, linked to the models,
features and runs they explain. A record that cannot be read at all (no front
matter, broken YAML) is a load problem, reported by PRJ001 at its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.constants import CARD_NAME
from charter.findings import Finding
from charter.formats import schema
from charter.formats.card import GOVERNANCE_POINTER, PLACEHOLDER
from charter.formats.decision import BINDING_STATUSES, FOLDER
from charter.rules.registry import at, at_line, rule

if TYPE_CHECKING:
    from charter.formats.card import Card
    from charter.formats.decision import Decision
    from charter.project import Project

DECISION_SCHEMA = "decision-record.schema.json"
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*@[1-9][0-9]*")
"""A well-formed `name@version` (DEC001 reports the others, DEC003 only these)."""


@rule("DEC001", "Decision record front matter is invalid")
def front_matter(project: Project) -> Iterator[Finding]:
    """## What it checks

    The front matter of each decision record (`governance/decisions/*.md`) matches `decision-record.schema.json`: MADR's `status` (proposed, rejected, accepted, deprecated or `superseded by ...`), `date` (YYYY-MM-DD) and `decision-makers`, and Charter's optional `models`, `features` (`name@version`) and `runs` lists.

    ## Why it matters

    The status says whether the record still stands for the current choice, and the links tie it to what it explains; a record other tools cannot read (MADR tooling, `charter check`, the site) explains nothing.

    ## Example

    Fails (`governance/decisions/0001-use-ridge-regression.md`):

    ```yaml
    ---
    status: done
    date: 7 Dec 2026
    features: [bmi]
    ---
    ```

    Passes:

    ```yaml
    ---
    status: accepted
    date: 2026-12-07
    decision-makers: ["@model-owner"]
    models: [risk]
    features: [bmi@1]
    ---
    ```

    ## How to fix

    Use one of MADR's statuses, an ISO date, name who decided, and write features as `name@version`. `charter new decision TITLE` writes a valid record.
    """
    for decision in project.decisions:
        for problem in schema.validate(decision.document, DECISION_SCHEMA):
            yield at_line(decision.path, problem.line, problem.col, problem.message)


@rule("DEC002", "Decision record lacks a MADR section")
def sections(project: Project) -> Iterator[Finding]:
    """## What it checks

    Each decision record has MADR's sections: "Context and Problem Statement", "Considered Options", "Decision Outcome" and "Consequences" (at any heading level; MADR puts Consequences under Decision Outcome).

    ## Why it matters

    A decision without its context, the options weighed and what follows from it records what was chosen, not why; the seed asks teams to "document rationale for modeling choices".

    ## Example

    Fails (`governance/decisions/0001-use-ridge-regression.md`):

    ```markdown
    # Use ridge regression

    We use ridge regression.
    ```

    Passes:

    ```markdown
    # Use ridge regression

    ## Context and Problem Statement
    ## Considered Options
    ## Decision Outcome
    ### Consequences
    ```

    ## How to fix

    Add the missing headings and fill them in; `charter new decision TITLE` writes all of them.
    """
    for decision in project.decisions:
        for section in decision.missing_sections():
            yield at_line(
                decision.path,
                decision.markdown.body_line,
                1,
                f"no '{section}' section (MADR); add a heading for it",
            )


@rule("DEC003", "Decision record links to a model, feature or run that does not exist")
def links_exist(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every model a decision record's `models:` names has a card (`governance/models/<name>/card.md`), every feature of `features:` is in the catalog at that version, and every run of `runs:` has a folder with a manifest under `runs/`. A catalog `excluded:` entry's `decision:` names an existing record file.

    ## Why it matters

    A link that leads nowhere (a typo, a renamed model, a run never committed) leaves the reader without the evidence the decision rests on.

    ## Example

    Fails (`governance/decisions/0001-use-ridge-regression.md`):

    ```yaml
    models: [risk_modle]
    features: [bmi@3]
    runs: [20261207-lost]
    ```

    Passes:

    ```yaml
    models: [risk]
    features: [bmi@1]
    runs: [20261207T101500Z-3f2a]
    ```

    ## How to fix

    Correct the name, or remove the link; `charter runs list` shows the recorded run ids.
    """
    models = {card.name for card in project.cards}
    # An unreadable catalog or models folder is reported once (PRJ001, PRJ005), not per link.
    has_models = project.path("models").is_dir() and project.inside(project.path("models"))
    cards_unread = any(p.path.name == CARD_NAME for p in project.problems)
    runs = set(project.run_ids())
    for decision in project.decisions:
        for name, pointer in decision.models:
            if has_models and not cards_unread and name not in models:
                yield at(decision.document, pointer, f"no model card for model {name!r}")
        for key, pointer in decision.features:
            if (
                project.catalog is not None
                and _KEY.fullmatch(key)
                and not project.feature_by_key(key)
            ):
                yield at(decision.document, pointer, f"feature {key!r} is not in the catalog")
        for run, pointer in decision.runs:
            if run not in runs:
                yield at(decision.document, pointer, f"no recorded run {run!r} under runs/")
    catalog = project.catalog
    records = {decision.path.name for decision in project.decisions}
    for excluded in catalog.excluded if catalog else []:
        if excluded.decision is not None and excluded.decision not in records:
            yield at(
                catalog.document,
                f"{excluded.pointer}/decision",
                f"no decision record {excluded.decision!r} in {FOLDER}/",
            )


@rule("DEC004", "Active feature has no rationale")
def rationale(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every feature with `status: active` in the catalog has a `rationale:` that says why it is in the model, and the rationale is not a `TODO(role)` placeholder. Draft and deprecated features need none.

    ## Why it matters

    The description says what a feature is; the rationale says why a model should read it (a known risk factor, a domain expert's advice, a measured gain). Reviewers, auditors and the next data scientist need the why to judge the choice, and to know what breaks when it is removed.

    ## Example

    Fails (`governance/features/catalog.yaml`):

    ```yaml
    - name: bmi
      status: active
      rationale: "TODO(feature-owner): why the model reads bmi."
    ```

    Passes:

    ```yaml
    - name: bmi
      status: active
      rationale: Obesity is a leading risk factor for diabetes progression.
    ```

    ## How to fix

    Write one or two sentences of rationale; list candidates you left out under `excluded:` with their `reason`.
    """
    catalog = project.catalog
    for feature in catalog.features if catalog else []:
        if feature.status != "active":
            continue
        text = (feature.rationale or "").strip()
        if not text:
            yield at(
                catalog.document,
                feature.pointer,
                f"active feature {feature.key} has no `rationale:`; say why the model reads it",
            )
        elif PLACEHOLDER.search(text):
            yield at(
                catalog.document,
                f"{feature.pointer}/rationale",
                f"the rationale of active feature {feature.key} is still a placeholder",
            )


@rule("DEC005", "Model card's model or feature set has no decision record")
def card_decided(project: Project) -> Iterator[Finding]:
    """## What it checks

    For each model card, a decision record that stands (`status: proposed` or `accepted`) names the card's model in `models:` and lists exactly the card's `governance.features` in `features:`. Changing a card's feature set, or adding a model, therefore asks for a new decision record.

    ## Why it matters

    Which features a model reads is a modelling choice; the card records the choice, the decision record the reasons, the options weighed and the runs that informed it. Without the link, a feature set can change in a pull request with no trace of why.

    ## Example

    Fails: the card `governance/models/risk/card.md` reads `[age_band@1, weight_kg@2]`, and the only record naming `risk` lists `[age_band@1, weight_kg@1]`.

    Passes (`governance/decisions/0002-impute-weight-by-mean.md`):

    ```yaml
    ---
    status: accepted
    date: 2026-12-07
    decision-makers: ["@model-owner"]
    models: [risk]
    features: [age_band@1, weight_kg@2]
    ---
    ```

    ## How to fix

    Run `charter new decision "TITLE" --model MODEL`: it writes the next record with the card's current features, to fill in and have reviewed. Mark the record it replaces `superseded by NNNN-slug`.
    """
    for card in project.cards:
        if card.governance is None:
            continue  # MOD002 reports the missing block
        records = [d for d in project.decisions_for(card.name) if d.status in BINDING_STATUSES]
        if not _covering(card, records):
            yield _undecided(card, records, {key for key, _ in card.features})


@rule("DEC006", "Decision record behind a card is not settled", stage="production")
def settled(project: Project) -> Iterator[Finding]:
    """## What it checks

    At `--stage production`, the decision records that cover a model card (DEC005) are `accepted`, not still `proposed`, and hold no `TODO(role)` placeholder. Not enforced at the review stage, where a proposed record is what is being reviewed.

    ## Why it matters

    A model goes to production on reasons someone has accepted; a proposed record with its options still to be written says the reasons were never settled.

    ## Example

    Fails (`governance/decisions/0002-choose-the-readmission-model-and-its-features.md`):

    ```markdown
    ---
    status: proposed
    ---

    Chosen option: "TODO(model-owner): option", because ...
    ```

    Passes:

    ```markdown
    ---
    status: accepted
    ---

    Chosen option: "Ridge regression", because run 20261207T101500Z-3f2a ...
    ```

    ## How to fix

    Fill in the placeholders, have the record reviewed and set `status: accepted`.
    """
    seen: set[str] = set()
    for card in project.cards:
        if card.governance is None:
            continue
        records = [d for d in project.decisions_for(card.name) if d.status in BINDING_STATUSES]
        for record in _covering(card, records):
            if str(record.path) in seen:
                continue
            seen.add(str(record.path))
            if record.status != "accepted":
                yield at(
                    record.document,
                    "/status",
                    f"the record behind model {card.name!r} is still {record.status}; "
                    "accept it before production",
                )
            for placeholder in record.placeholders():
                yield at_line(
                    record.path,
                    placeholder.line,
                    placeholder.col,
                    f"placeholder {placeholder.text!r} must be filled in before production",
                )


def _covering(card: Card, records: list[Decision]) -> list[Decision]:
    """The records whose feature set is exactly the card's."""
    wanted = {key for key, _ in card.features}
    return [d for d in records if {key for key, _ in d.features} == wanted]


def _undecided(card: Card, records: list[Decision], wanted: set[str]) -> Finding:
    pointer = f"{GOVERNANCE_POINTER}/features"
    hint = f'`charter new decision "TITLE" --model {card.name}` writes one'
    if not records:
        message = f"no decision record names model {card.name!r}; {hint}"
    else:
        latest = records[-1]
        listed = {key for key, _ in latest.features}
        changes = [f"adds {k}" for k in sorted(wanted - listed)]
        changes += [f"drops {k}" for k in sorted(listed - wanted)]
        message = (
            f"the card's features differ from those of {latest.path.name} "
            f"({', '.join(changes)}); record why in a new decision: {hint}"
        )
    document = card.document
    return at(document, pointer if pointer in document.values else GOVERNANCE_POINTER, message)
