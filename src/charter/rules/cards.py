"""MOD: model cards load, cover Mitchell et al.'s sections, and match the catalog."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import Finding
from charter.formats import schema
from charter.formats.card import GOVERNANCE_POINTER, MITCHELL_SECTIONS
from charter.rules.registry import at, at_line, first_mention, rule

if TYPE_CHECKING:
    from charter.project import Project

REQUIRED_SECTIONS = MITCHELL_SECTIONS
"""The default `card_sections` and the headings accepted for each (formats.card)."""


def _normal(title: str) -> str:
    """Compare headings loosely: case, spacing, `&`, the template's "[optional]" marks."""
    title = re.sub(r"\[optional\]", "", title, flags=re.IGNORECASE).replace("&", "and")
    return re.sub(r"\s+", " ", title).strip().lower()


@rule("MOD001", "Model card does not load with huggingface_hub")
def loads_cleanly(project: Project) -> Iterator[Finding]:
    """## What it checks

    `huggingface_hub.ModelCard.load` accepts the card, offline: its front matter is YAML and its `model-index` is well formed (every metric has a `type`, every result a task and dataset).

    ## Why it matters

    Model cards follow the Hugging Face format so that the Hub and its tools read them. A card the library rejects is not a Hugging Face model card.

    ## Example

    Fails (`governance/models/risk/card.md`):

    ```yaml
    model-index:
      - name: risk
        results:
          - task:
              type: tabular-regression
            dataset:
              type: visits
              name: Visits
            metrics:
              - value: 0.5
    ```

    Passes:

    ```yaml
    model-index:
      - name: risk
        results:
          - task:
              type: tabular-regression
            dataset:
              type: visits
              name: Visits
            metrics:
              - type: r2
                value: 0.5
    ```

    ## How to fix

    Read the library's message in the finding. `charter card sync` writes a valid `model-index` from a run manifest.
    """
    for card in project.cards:
        if card.hub_error is not None:
            yield at_line(card.path, 1, 1, f"huggingface_hub rejects the card: {card.hub_error}")


@rule("MOD002", "Model card governance block is missing or invalid")
def governance_block(project: Project) -> Iterator[Finding]:
    """## What it checks

    The card's front matter has a `governance:` mapping that matches `card-governance.schema.json`: `apiVersion`, `owner`, `features` (as `name@version`), `contracts` and `run_manifest` (null until a run is synced). A card without front matter loads (huggingface_hub reads it as empty metadata) and gets this finding at line 1.

    ## Why it matters

    The governance block ties the card to the catalog, the contracts and the run that produced the numbers; the other MOD rules need it.

    ## Example

    Fails (`governance/models/risk/card.md`):

    ```yaml
    governance:
      owner: "@model-owner"
      features: [age_decade]
    ```

    Passes:

    ```yaml
    governance:
      apiVersion: charter/v1
      owner: "@model-owner"
      features: [age_decade@1]
      contracts: [patients]
      run_manifest: null
    ```

    ## How to fix

    Add the missing keys; `charter new model NAME` writes a complete block.
    """
    for card in project.cards:
        if not card.markdown.has_front_matter:
            yield at_line(
                card.path,
                1,
                1,
                "card has no front matter (YAML between two '---' lines at the top), so no "
                "`governance:` mapping (owner, features, contracts, run_manifest)",
            )
            continue
        if card.governance is None:
            yield at(
                card.document,
                first_mention(card.document, "governance"),
                "front matter has no `governance:` mapping (owner, features, contracts, "
                "run_manifest)",
            )
            continue
        block = card.governance
        for problem in schema.validate(
            card.document, schema.CARD_GOVERNANCE_SCHEMA, data=block, base=GOVERNANCE_POINTER
        ):
            yield at_line(card.path, problem.line, problem.col, problem.message)


@rule("MOD003", "Model card lacks a required section", settings=["card_sections"])
def required_sections(project: Project) -> Iterator[Finding]:
    """## What it checks

    The card has a heading for each of the nine sections of Mitchell et al. (2019): Model Details, Intended Use, Factors, Metrics, Evaluation Data, Training Data, Quantitative Analyses, Ethical Considerations, Caveats and Recommendations. The headings of huggingface_hub's default template are accepted for the sections they cover (Uses; Testing Data, Factors & Metrics; Results; Bias, Risks, and Limitations for both Ethical Considerations and Caveats), ignoring case, `&` for "and" and "[optional]" marks; the full list is in [Model cards](../formats/model-card.md#sections). An organisation sets its own list with `card_sections = [...]` under `[tool.charter]` in `pyproject.toml`: a Mitchell section keeps its accepted headings, any other section needs a heading of its name.

    ## Why it matters

    These sections are what reviewers, auditors and users look for; a missing one is usually a question nobody asked.

    ## Example

    Fails (`governance/models/risk/card.md`):

    ```markdown
    ## Model Details
    ## Intended Use
    ## Metrics
    ```

    Passes:

    ```markdown
    ## Model Details
    ## Intended Use
    ## Factors
    ## Metrics
    ## Evaluation Data
    ## Training Data
    ## Quantitative Analyses
    ## Ethical Considerations
    ## Caveats and Recommendations
    ```

    ## How to fix

    Add the section, even if it says why it does not apply.
    """
    sections = {
        section: {_normal(h) for h in (section, *REQUIRED_SECTIONS.get(section, ()))}
        for section in project.config.card_sections
    }
    for card in project.cards:
        titles = {_normal(h.title) for h in card.headings()}
        for section, accepted in sections.items():
            if not titles & accepted:
                source = " (Mitchell et al. 2019)" if section in REQUIRED_SECTIONS else ""
                yield at_line(
                    card.path,
                    card.markdown.body_line,
                    1,
                    f"no '{section}' section{source}; add a heading for it",
                )


@rule("MOD004", "Template placeholder left in a model card", stage="production")
def no_placeholders(project: Project) -> Iterator[Finding]:
    """## What it checks

    At `--stage production`, no model card contains a template placeholder: `TODO(role)` (Charter's) or `[More Information Needed]` (the Hugging Face template's). A placeholder quoted in an inline code span (`` `TODO(role): ...` ``, as the card's own instruction sentence writes it) is text about placeholders and is not counted. Not enforced at the review stage.

    ## Why it matters

    Placeholders are fine while a model is being built and reviewed; a model in production must not ship with unanswered questions in its card.

    ## Example

    Fails (`governance/models/risk/card.md`):

    ```markdown
    ## Factors

    TODO(model-owner): report metrics per age group.
    ```

    Passes:

    ```markdown
    ## Factors

    Metrics per age decade are in Quantitative Analyses; no group is more than 0.05 R2 below the overall value.
    ```

    ## How to fix

    Answer the placeholder (the role in parentheses says who should).
    """
    for card in project.cards:
        for placeholder in card.placeholders():
            yield at_line(
                card.path,
                placeholder.line,
                placeholder.col,
                f"placeholder {placeholder.text!r} must be filled in before production",
            )


@rule("MOD005", "Model card names a feature the catalog does not define")
def features_exist(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every feature the card's `governance.features` names (`name@version`) exists in the feature catalog.

    ## Why it matters

    The card says what the model reads; a feature that is not in the catalog has no owner, source or transform anybody can check.

    ## Example

    Fails (`governance/models/risk/card.md`):

    ```yaml
    governance:
      features: [blood_sugar@1]
    ```

    Passes:

    ```yaml
    governance:
      features: [blood_glucose@1]
    ```

    ## How to fix

    Use the catalog's name and version, or add the feature to the catalog.
    """
    for card in project.cards:
        for key, pointer in card.features:
            if project.feature_by_key(key) is None:
                yield at(card.document, pointer, f"feature {key!r} is not in the catalog")


@rule("MOD006", "Model card uses a feature that is not active")
def features_active(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every feature the card names has `status: active` in the catalog, or
    `status: deprecated`: a feature replaced by a newer version (`charter
    feature bump`) was reviewed and active when the card's model was trained,
    and stays acceptable until the next run and `charter card sync` move the
    card to the new version. A draft feature, never reviewed, is reported.

    ## Why it matters

    Draft features are not reviewed yet: a model that is reviewed or deployed must not depend on one. Deprecated ones are on their way out, but reporting them would block the very commit that carries the new version, since runs come from committed code.

    ## Example

    Fails (`governance/models/risk/card.md`):

    ```yaml
    # catalog: bmi@2 has status: draft
    governance:
      features: [bmi@2]
    ```

    Passes:

    ```yaml
    governance:
      features: [bmi@1]
    ```

    ## How to fix

    Activate the feature in the catalog after review, or use its active version.
    """
    for card in project.cards:
        for key, pointer in card.features:
            feature = project.feature_by_key(key)
            if feature is not None and feature.status not in ("active", "deprecated"):
                yield at(
                    card.document,
                    pointer,
                    f"feature {key!r} has status {feature.status!r}; a model may only use "
                    "reviewed (active) features",
                )


@rule("MOD007", "Model card names a contract the project does not have")
def contracts_exist(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every contract id in the card's `governance.contracts` exists in the project.

    ## Why it matters

    The card's training and evaluation data must be traceable to a data dictionary.

    ## Example

    Fails (`governance/models/risk/card.md`):

    ```yaml
    governance:
      contracts: [patient]
    ```

    Passes:

    ```yaml
    governance:
      contracts: [patients]
    ```

    ## How to fix

    Use the contract's `id`.
    """
    for card in project.cards:
        for contract_id, pointer in card.contracts:
            if project.contract_by_id(contract_id) is None:
                yield at(card.document, pointer, f"no contract has id {contract_id!r}")


@rule("MOD008", "Model card's run_manifest does not exist")
def run_manifest_exists(project: Project) -> Iterator[Finding]:
    """## What it checks

    When `governance.run_manifest` is set, the file it names (relative to the project root) exists.

    ## Why it matters

    The card's metrics are only as good as the run they come from; a dangling link makes them unverifiable.

    ## Example

    Fails (`governance/models/risk/card.md`):

    ```yaml
    governance:
      run_manifest: runs/2026-01-01-abc/manifest.json   # deleted
    ```

    Passes:

    ```yaml
    governance:
      run_manifest: runs/2026-11-20T101500Z-1a2b3c/manifest.json
    ```

    ## How to fix

    Sync the card from an existing run: `charter card sync MODEL --run RUN_ID`.
    """
    for card in project.cards:
        manifest = card.run_manifest
        if manifest is None or project.sees(project.root / manifest):
            continue
        if project.on_disk(project.root / manifest):  # only with --staged: git does not track it
            message = f"run manifest {manifest!r} is not committed: `git add` it with the card"
        else:
            message = (
                f"run manifest {manifest!r} does not exist (paths are relative to the project root)"
            )
        yield at(card.document, f"{GOVERNANCE_POINTER}/run_manifest", message)
