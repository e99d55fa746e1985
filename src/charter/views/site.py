"""The pages of a project's documentation site, beside the committed views.

`charter docs` writes the views that are committed and checked (data
dictionary, feature catalog, model-card index, lineage). The site adds pages
made at build time from the same artifacts: a home page, one page per contract
and per model card, the pipeline, the readiness findings, a glossary and
plots. The MkDocs plugin (`charter.site.plugin`) puts them into the build; none
is written to the repository, so none can go stale.

Adding a page is one function here plus one entry in `NAV`: the function takes
the `Site` and returns its pages (and any files, such as plots, they show).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter.views import data_dictionary, model_cards, pipeline, plots
from charter.views.markdown import cell, code, page, table, text

if TYPE_CHECKING:
    from charter.findings import Finding
    from charter.project import Project

ROLES = (
    ("product_owner", "Product owner", "what the project is for; signs off readiness"),
    ("data_owner", "Data owner", "the data contracts: what comes in and how it is checked"),
    ("model_owner", "Model owner", "the features, the models and the pipeline code"),
    ("privacy_reviewer", "Privacy reviewer", "personal data: classification and anonymization"),
)
"""Copier answers that name a role, how the home page names it, and what the role answers for."""


@dataclass(frozen=True)
class SitePage:
    uri: str
    """Path inside the docs folder, such as `contracts/patients.md`."""
    title: str
    text: str


@dataclass
class Pages:
    """What one NAV entry adds: pages (one is a page, several a section) and files."""

    pages: list[SitePage] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Site:
    """The project plus what several pages share, worked out once."""

    project: Project

    @cached_property
    def docs_dir(self) -> str:
        return _posix(self.project.root, self.project.path("docs"))

    @cached_property
    def contract_pages(self) -> dict[Path, str]:
        """Contract file -> its page's uri (unique even when ids collide)."""
        return _unique_uris(
            "contracts", [(c.path, c.id or c.path.stem) for c in self.project.contracts]
        )

    @cached_property
    def card_pages(self) -> dict[Path, str]:
        return _unique_uris("models", [(c.path, c.name) for c in self.project.cards])

    @cached_property
    def decision_pages(self) -> dict[Path, str]:
        """Decision record file -> its page's uri (`decisions/0001-slug.md`)."""
        return _unique_uris("decisions", [(d.path, d.path.stem) for d in self.project.decisions])

    def findings(self, stage: str) -> list[Finding]:
        """`charter check` at `stage`, with the project's own selection."""
        return self._findings[stage]

    @cached_property
    def _findings(self) -> dict[str, list[Finding]]:
        from charter.rules import check_stages  # noqa: PLC0415 - only the site needs every rule

        config = self.project.config
        return check_stages(self.project, select=config.select or ["ALL"], ignore=config.ignore)

    def rel(self, path: Path) -> str:
        return _posix(self.project.root, path)

    def link(self, source_uri: str, target_uri: str) -> str:
        """A relative link from one site page to another."""
        return posixpath.relpath(target_uri, posixpath.dirname(source_uri) or ".")


# ----------------------------------------------------------------- the pages


def home(site: Site) -> Pages:
    """What the project is, who answers for what, and how ready it is, in plain words."""
    project, answers = site.project, site.project.answers()
    name = text(answers.get("project_name")) or _pyproject(project, "name") or project.root.name
    about = text(answers.get("description")) or _pyproject(project, "description")
    lines = [f"# {cell(name)}", ""]
    if about:
        lines += [cell(about), ""]
    org = text(answers.get("organization"))
    sensitivity = text(answers.get("data_sensitivity"))
    facts = []
    if org:
        facts.append(f"owned by {cell(org)}")
    if sensitivity:
        facts.append(f"its most sensitive data is classified **{cell(sensitivity)}**")
    if facts:
        lines += [f"This project is {' and '.join(facts)}.", ""]
    lines += _stage_summary(site)
    roles = [
        [label, cell(answers.get(key)), duty] for key, label, duty in ROLES if answers.get(key)
    ]
    if roles:
        lines += ["## Who answers for what", "", *table(("Role", "Who", "Answers for"), roles), ""]
    owners = project.codeowners()
    if owners:
        place = owners.path.relative_to(project.root).as_posix()
        rules = [(entry.pattern, " ".join(entry.owners)) for entry in owners.entries]
        lines += [
            "## Who reviews which files",
            "",
            f"From {code(place)}: a change to these paths needs a review from these people.",
            "",
            *table(("Path", "Reviewers"), [[code(p, in_table=True), cell(o)] for p, o in rules]),
            "",
        ]
    lines += [
        "## What is on this site",
        "",
        *table(("Page", "Read it to learn"), _guide()),
        "",
        "Every page is made from the governance files when the site is built "
        "(`uv run nox -s docs`): change a contract, the catalog or a card, and the pages follow.",
    ]
    return Pages([SitePage("index.md", "Home", page(lines))])


def readiness(site: Site) -> Pages:
    """The latest `charter check` findings, at the project's stage and the next one."""
    from charter.constants import STAGES  # noqa: PLC0415

    stage = site.project.config.stage
    lines = [
        "# Readiness",
        "",
        f"What `charter check` finds now, as of this build. The project is at stage "
        f"**{cell(stage)}**: its errors block a merge; warnings do not.",
        "",
    ]
    later = [s for s in STAGES if STAGES.index(s) >= STAGES.index(stage)]
    for each in later:
        findings = site.findings(each)
        errors = sum(f.severity == "error" for f in findings)
        warnings = len(findings) - errors
        lines += [
            f"## At stage {cell(each)}",
            "",
            f"{_count(errors, 'error')} and {_count(warnings, 'warning')}."
            + ("" if each == stage else " This stage is not binding yet: it shows what is left."),
            "",
        ]
        if findings:
            rows = [
                [
                    cell(f"{site.rel(f.path)}:{f.line}:{f.col}"),
                    f"{code(f.code, in_table=True)} {f.severity}",
                    cell(f.message),
                ]
                for f in findings
            ]
            lines += [*table(("Where", "Rule", "Finding"), rows), ""]
    lines += [
        "Run `uv run charter check` for the same list; `uv run charter rule CODE` explains a rule.",
    ]
    return Pages([SitePage("readiness.md", "Readiness", page(lines))])


def pipeline_page(site: Site) -> Pages:
    """The DVC stages with their data, contracts, features and models, as a flowchart."""
    project = site.project
    document = project.pipeline()
    lines = ["# Pipeline", ""]
    graph = pipeline.build(document.data if document else None)
    if not graph.stages:
        lines.append("No pipeline yet: stages in `dvc.yaml` appear here.")
        return Pages([SitePage("pipeline.md", "Pipeline", page(lines))])
    contract_ids = {site.rel(c.path): c.id or c.path.stem for c in project.contracts}
    features = len(project.catalog.features) if project.catalog else 0
    lines += [
        "The stages of `dvc.yaml` in order (boxes), the data each reads and writes "
        "(cylinders), the contract that governs each data file, the feature catalog and "
        "the models trained. `uv run nox -s pipeline` runs it; the "
        f"[lineage]({lineage_uri()}) page follows single columns.",
        "",
        "```mermaid",
        *pipeline.flowchart(
            graph,
            contract_ids=contract_ids,
            catalog_path=project.config.features,
            feature_count=features,
        ),
        "```",
        "",
        "## Stages",
        "",
        *pipeline.stage_lines(graph, contract_ids),
    ]
    return Pages([SitePage("pipeline.md", "Pipeline", page(lines))])


def contract_pages(site: Site) -> Pages:
    """One page per contract: its columns, types, units, classification, rules and owner."""
    pages = []
    for contract in sorted(site.project.contracts, key=lambda c: (c.id or "", str(c.path))):
        uri = site.contract_pages[contract.path]
        title = contract.id or contract.path.stem
        owners = [m.username for m in contract.team if (m.role or "").lower() == "owner"]
        lines = [f"# Contract {cell(title)}", ""]
        if owners:
            lines += [f"**Owner:** {', '.join(cell(o) for o in owners)}", ""]
        lines += data_dictionary.contract_section(site.rel(contract.path), contract, split=True)
        pages.append(SitePage(uri, title, page(lines)))
    return Pages(pages)


def model_pages(site: Site) -> Pages:
    """One page per model card: the index row, then the card itself."""
    pages = []
    for card in sorted(site.project.cards, key=lambda c: (c.name, str(c.path))):
        uri = site.card_pages[card.path]
        relpath = site.rel(card.path)
        row = model_cards.card_row(relpath, card, relpath)
        facts = [[h, v] for h, v in zip(model_cards.HEADERS[1:-1], row[1:-1], strict=True)]
        decided = [
            f"[{cell(d.title)}]({site.link(uri, site.decision_pages[d.path])}) "
            f"({cell(d.status or 'no status')})"
            for d in site.project.decisions_for(card.name)
        ]
        facts.append(["Decisions", "; ".join(decided) or "none recorded"])
        lines = [
            f"# Model {cell(card.name)}",
            "",
            *table(("Card field", "Value"), facts),
            "",
            f"The card below is {code(relpath)} as committed.",
            "",
            "---",
            "",
            inert_markdown(card.markdown.body),
        ]
        pages.append(SitePage(uri, card.name, page(lines)))
    return Pages(pages)


DECISIONS_INDEX = "decisions/index.md"


def decision_pages(site: Site) -> Pages:
    """The decision records (MADR): a list with status and links, then one page per record."""
    from charter.formats.decision import FOLDER  # noqa: PLC0415

    decisions = site.project.decisions
    lines = [
        "# Decisions",
        "",
        f"Why the models and their features are what they are: the decision records in "
        f"{code(FOLDER + '/')} (MADR), newest last. `uv run charter new decision TITLE "
        "--model MODEL` starts one; a change to a card's model or features needs one.",
        "",
    ]
    rows = [
        [
            f"[{cell(d.title)}]({site.link(DECISIONS_INDEX, site.decision_pages[d.path])})",
            cell(d.status or ""),
            cell(d.date or ""),
            _decision_links(site, DECISIONS_INDEX, d),
        ]
        for d in decisions
    ]
    if rows:
        lines += table(("Decision", "Status", "Date", "Explains"), rows)
    else:
        lines.append(f"No decision records yet: add them under {code(FOLDER + '/')}.")
    pages = [SitePage(DECISIONS_INDEX, "All decisions", page(lines))]
    for decision in decisions:
        uri = site.decision_pages[decision.path]
        relpath = site.rel(decision.path)
        facts = [
            ["Status", cell(decision.status or "")],
            ["Date", cell(decision.date or "")],
            ["Decision makers", cell(", ".join(decision.decision_makers))],
            ["Explains", _decision_links(site, uri, decision)],
        ]
        body = [
            f"# {cell(decision.title)}",
            "",
            *table(("Record field", "Value"), facts),
            "",
            f"The record below is {code(relpath)} as committed.",
            "",
            "---",
            "",
            inert_markdown(_without_title(decision.markdown.body)),
        ]
        pages.append(SitePage(uri, decision.path.stem, page(body)))
    return Pages(pages)


def _decision_links(site: Site, source: str, decision: Any) -> str:
    """The models (linked to their pages), features and runs a record names."""
    cards = {card.name: site.card_pages[card.path] for card in site.project.cards}
    parts = [
        f"model [{cell(name)}]({site.link(source, cards[name])})"
        if name in cards
        else f"model {code(name, in_table=True)}"
        for name, _ in decision.models
    ]
    parts += [f"feature {code(key, in_table=True)}" for key, _ in decision.features]
    parts += [f"run [{cell(run)}]({site.link(source, 'runs.md')})" for run, _ in decision.runs]
    return ", ".join(parts)


def _without_title(body: str) -> str:
    """The record's body without its level-1 title: the page has its own."""
    lines = body.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and re.match(r"# ", lines[first]):
        del lines[first]
    return "\n".join(lines)


def glossary(site: Site) -> Pages:
    """The shared vocabulary: every column and feature with what its owner says it means."""
    terms: list[tuple[str, str, str, str | None]] = []
    for contract in site.project.contracts:
        uri = site.contract_pages[contract.path]
        name = contract.id or contract.path.stem
        for obj in contract.schemas:
            if obj.description:
                terms.append((obj.name, obj.description, f"table of {name}", uri))
            for prop in obj.walk():
                if prop.description:
                    unit = prop.custom.get("unit")
                    meaning = prop.description + (f" (unit: {unit})" if unit else "")
                    terms.append((prop.path or prop.name, meaning, f"column of {name}", uri))
    for feature in site.project.catalog.features if site.project.catalog else []:
        if feature.description:
            terms.append((feature.name, feature.description, "feature", "feature-catalog.md"))
    lines = [
        "# Glossary",
        "",
        "The words this project's data uses, as the contracts and the feature catalog "
        "define them. Change a definition in its contract or the catalog.",
        "",
    ]
    rows = [
        [
            code(term, in_table=True),
            cell(meaning),
            f"[{cell(where)}]({site.link('glossary.md', uri)})" if uri else cell(where),
        ]
        for term, meaning, where, uri in sorted(terms, key=lambda t: (t[0].casefold(), t[2]))
    ]
    lines += table(("Term", "Meaning", "Where"), rows) if rows else ["No descriptions yet."]
    return Pages([SitePage("glossary.md", "Glossary", page(lines))])


def distributions(site: Site) -> Pages:
    """A histogram per feature of the training table, when the pipeline has made it here."""
    project = site.project
    table_path = _feature_table(site)
    lines = ["# Feature distributions", ""]
    result = Pages()
    frame = _read_table(project.root / table_path) if table_path else None
    if frame is None:
        where = f" ({code(table_path)})" if table_path else ""
        lines.append(
            f"No feature table{where} on the machine that built this site: run "
            "`uv run nox -s pipeline`, then build the site again."
        )
        result.pages.append(SitePage("distributions.md", "Feature distributions", page(lines)))
        return result
    lines += [
        f"Each feature of {code(table_path)} ({frame.height} rows), as the last pipeline run "
        "on the machine that built this site left it: 20 equal-width bins from the lowest "
        "value to the highest.",
        "",
    ]
    features = project.catalog.features if project.catalog else []
    for index, feature in enumerate(sorted(features, key=lambda f: f.name), 1):
        if feature.name not in frame.columns or not frame[feature.name].dtype.is_numeric():
            continue
        counts, low, high = plots.histogram(frame[feature.name].to_list())
        uri = f"plots/feature-{index}.svg"
        result.files[uri] = plots.histogram_svg(feature.name, counts, low, high).encode()
        lines += [
            f"## {cell(feature.name)}",
            "",
            cell(feature.description or ""),
            "",
            f"![Histogram of {cell(feature.name)}]({uri})",
            "",
        ]
    result.pages.append(SitePage("distributions.md", "Feature distributions", page(lines)))
    return result


def runs(site: Site) -> Pages:
    """Each metric over the recorded runs (`runs/*/manifest.json`), oldest first."""
    manifests = sorted(
        site.project.manifests, key=lambda m: (str(m.data.get("start_time") or ""), m.run_id)
    )
    lines = ["# Runs", ""]
    result = Pages()
    if not manifests:
        lines.append("No recorded runs yet: `uv run nox -s pipeline` records one in `runs/`.")
        result.pages.append(SitePage("runs.md", "Runs", page(lines)))
        return result
    labels = [m.run_id for m in manifests]
    names = sorted({k for m in manifests for k in (m.data.get("metrics") or {})})
    lines += [
        f"{_count(len(manifests), 'recorded run')}, oldest first: run 1 is the first row "
        "of the table below.",
        "",
    ]
    for index, name in enumerate(names, 1):
        values = [_float((m.data.get("metrics") or {}).get(name)) for m in manifests]
        uri = f"plots/metric-{index}.svg"
        result.files[uri] = plots.line_svg(name, values, labels).encode()
        lines += [f"## {cell(name)}", "", f"![{cell(name)} over the runs]({uri})", ""]
    rows = [
        [
            code(m.run_id, in_table=True),
            code(str(m.data.get("code", {}).get("commit", ""))[:12], in_table=True),
            cell(m.data.get("start_time")),
            cell("; ".join(f"{k} = {v}" for k, v in sorted((m.data.get("metrics") or {}).items()))),
        ]
        for m in manifests
    ]
    rows = [[str(n), *row] for n, row in enumerate(rows, 1)]
    lines += ["## Every run", "", *table(("#", "Run", "Commit", "Started", "Metrics"), rows)]
    lines += _runs_decided(site)
    result.pages.append(SitePage("runs.md", "Runs", page(lines)))
    return result


def _runs_decided(site: Site) -> list[str]:
    """The decision records that cite runs, beside the runs they explain."""
    rows = [
        [
            code(run, in_table=True),
            f"[{cell(d.title)}]({site.link('runs.md', site.decision_pages[d.path])})",
            cell(d.status or ""),
        ]
        for d in site.project.decisions
        for run, _ in d.runs
    ]
    if not rows:
        return []
    return ["", "## Decisions these runs informed", "", *table(("Run", "Decision", "Status"), rows)]


def committed(name: str, title: str) -> Callable[[Site], Pages]:
    """A view `charter docs` writes and git keeps: already in the docs folder."""

    def entry(site: Site) -> Pages:
        return Pages([SitePage(name, title, "")])

    entry.committed = True  # type: ignore[attr-defined]
    return entry


NAV: list[tuple[str, Callable[[Site], Pages]]] = [
    ("Home", home),
    ("Readiness", readiness),
    ("Pipeline", pipeline_page),
    ("Lineage", committed("lineage.md", "Lineage")),
    ("Data dictionary", committed("data-dictionary.md", "Data dictionary")),
    ("Contracts", contract_pages),
    ("Feature catalog", committed("feature-catalog.md", "Feature catalog")),
    ("Feature distributions", distributions),
    ("Model cards", committed("model-cards.md", "Model cards")),
    ("Models", model_pages),
    ("Runs", runs),
    ("Decisions", decision_pages),
    ("Deployments", committed("deployments.md", "Deployments")),
    ("Glossary", glossary),
]
"""The site's navigation, in order: (title, the function that makes its pages)."""


def lineage_uri() -> str:
    return "lineage.md"


# ------------------------------------------------------------------ helpers


def inert_markdown(body: str) -> str:
    """Card text as Markdown that renders no HTML: `<` outside code fences becomes `&lt;`.

    A card is written by anyone with write access; the site must not run what it says.
    Headings move one level down, under the page's own title.
    """
    out, fence = [], None
    for line in body.splitlines():
        stripped = line.lstrip()
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if marker and (fence is None or stripped.startswith(fence)):
            fence = marker.group(1) if fence is None else None
            out.append(line)
            continue
        if fence is None:
            safe = line.replace("<", "&lt;")
            out.append("#" + safe if re.match(r"#{1,5} ", safe) else safe)
        else:
            out.append(line)
    return "\n".join(out)


def _stage_summary(site: Site) -> list[str]:
    stage = site.project.config.stage
    findings = site.findings(stage)
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    verdict = (
        "nothing blocks it" if not errors else f"{_count(errors, 'error')} must be fixed first"
    )
    return [
        "## How ready it is",
        "",
        f"The project is at the **{cell(stage)}** stage: {verdict} "
        f"({_count(warnings, 'warning')} besides). The [readiness](readiness.md) page lists "
        "every finding.",
        "",
    ]


def _guide() -> list[list[str]]:
    return [
        ["[Readiness](readiness.md)", "what `charter check` finds, at this stage and the next"],
        ["[Pipeline](pipeline.md)", "the stages, the data they read and write, their contracts"],
        ["[Lineage](lineage.md)", "which columns feed which features, and which models"],
        ["[Data dictionary](data-dictionary.md)", "every column of every contract on one page"],
        ["[Feature catalog](feature-catalog.md)", "every feature, its sources and owner"],
        [
            "[Feature distributions](distributions.md)",
            "what the training table's features look like",
        ],
        ["[Model cards](model-cards.md)", "every model: owner, status, features, metrics"],
        ["[Runs](runs.md)", "the recorded runs and their metrics over time"],
        ["[Decisions](decisions/index.md)", "why the models and their features were chosen"],
        ["[Glossary](glossary.md)", "what the project's words mean"],
    ]


def _pyproject(project: Project, key: str) -> str:
    loaded = project.pyproject()
    value = (loaded[1].get("project") or {}).get(key) if loaded else None
    return text(value) if isinstance(value, str) else ""


def _feature_table(site: Site) -> str | None:
    """The first table a stage writes under data/processed/: the training table."""
    document = site.project.pipeline()
    graph = pipeline.build(document.data if document else None)
    for stage in graph.stages:
        for path in stage.writes:
            if path.startswith("data/processed/") and path.endswith(".parquet"):
                return path
    return None


def _read_table(path: Path) -> Any:
    """The table at `path`, or None; polars is imported only when there is one to read
    (a site built before the pipeline ran, as in CI, skips its import)."""
    if not path.is_file():
        return None
    try:
        import polars  # noqa: PLC0415 - only the distributions page reads data

        return polars.read_parquet(path)
    except Exception:
        return None


def _unique_uris(folder: str, items: list[tuple[Path, str]]) -> dict[Path, str]:
    uris: dict[Path, str] = {}
    taken: set[str] = set()
    for path, name in sorted(items, key=lambda item: (item[1], str(item[0]))):
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "page"
        uri, n = f"{folder}/{slug}.md", 1
        while uri.lower() in taken:
            n += 1
            uri = f"{folder}/{slug}-{n}.md"
        taken.add(uri.lower())
        uris[path] = uri
    return uris


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _float(value: Any) -> float | None:
    try:
        return None if isinstance(value, bool) or value is None else float(value)
    except (TypeError, ValueError):
        return None


def _posix(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
