"""`charter new decision TITLE [--model M]`: the next MADR decision record, to fill in.

Records are numbered (`0001-...`, `0002-...`) so their order is the order
decisions were taken, and never renumbered. With `--model`, the record names
the model and copies the card's current feature set, which is what DEC005
compares; the sections start as `TODO(role): ...` placeholders, like every
scaffold's to-dos. The record starts `proposed`: review accepts it.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import yaml

from charter.formats import decision as decision_format
from charter.project import Project
from charter.scaffold.answers import answer, read_answers
from charter.scaffold.errors import ScaffoldError
from charter.scaffold.files import write, write_new

MAX_SLUG = 60
"""Characters of the title kept in the file name."""


def slug(title: str) -> str:
    """`Use ridge regression!` -> `use-ridge-regression` (ASCII letters and digits only)."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    text = "-".join(words)[:MAX_SLUG].strip("-")
    if not text:
        raise ScaffoldError(
            f"invalid title {title!r}: it needs letters or digits to name the file, "
            "for example 'Use ridge regression'"
        )
    return text


def next_number(project: Project) -> int:
    """One more than the highest record number in the folder (1 for the first)."""
    folder = project.root / decision_format.FOLDER
    numbers = [
        int(match.group(1))
        for path in (folder.glob("*.md") if folder.is_dir() else [])
        if (match := re.match(r"(\d{4})-", path.name))
    ]
    return max(numbers, default=0) + 1


def new_decision(project: Project, title: str, model: str | None = None) -> Path:
    """Write `governance/decisions/NNNN-<slug>.md`; refuse an existing file."""
    slug(title)  # a title that names no file is refused before anything is looked up
    features: list[str] = []
    if model is not None:
        card = next((c for c in project.cards if c.name == model), None)
        if card is None:
            known = ", ".join(sorted(c.name for c in project.cards)) or "none"
            raise ScaffoldError(f"no model card for model {model!r} (the project has: {known})")
        features = [key for key, _ in card.features]
    return write_decision(project, title, model, features)


def write_decision(project: Project, title: str, model: str | None, features: list[str]) -> Path:
    """Write the next record for `model` and its `features` (`charter new model` uses it too)."""
    title = " ".join(title.split())
    name = slug(title)
    number = next_number(project)
    if number > 9999:
        raise ScaffoldError(f"{decision_format.FOLDER}: record numbers are four digits, all used")
    target = project.root / decision_format.FOLDER / f"{number:04d}-{name}.md"
    owner = answer(read_answers(project.root), "model_owner") or "TODO(model-owner)"
    write_new(target, record_text(title, owner, model, features), project.root)
    return target


def record_text(title: str, owner: str, model: str | None, features: list[str]) -> str:
    """MADR 4's template, trimmed to the sections DEC002 asks for, with Charter's links."""
    front: dict[str, Any] = {
        "status": "proposed",
        "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "decision-makers": [owner],
        "models": [model] if model else [],
        "features": features,
        "runs": [],
    }
    meta = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    subject = f" for `{model}`" if model else ""
    return f"""---
{meta}---

# {title}

## Context and Problem Statement

TODO(model-owner): the problem{subject} in two or three sentences: what had
to be decided, and why now.

## Considered Options

* TODO(model-owner): option 1
* TODO(model-owner): option 2

## Decision Outcome

Chosen option: "TODO(model-owner): option", because TODO(model-owner): the
reason, with the runs that show it (list their ids under `runs:` above).

### Consequences

* Good, because TODO(model-owner): what gets better.
* Bad, because TODO(model-owner): what gets worse, and who should know.
"""


def sync_proposed(project: Project, model: str, features: list[str]) -> list[Path]:
    """Give the *proposed* records naming `model` the card's new feature list.

    `charter card sync` calls it: a proposed record is a draft still under
    review, so it follows the card; an accepted one is history, and a change
    of features after it asks for a new record (DEC005). Only the front
    matter is rewritten; the body stays byte for byte.
    """
    changed = []
    for record in project.decisions_for(model):
        if record.status != "proposed" or [f for f, _ in record.features] == features:
            continue
        front = {**record.document.data, "features": list(features)}
        meta = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
        body = record.markdown.text.splitlines(keepends=True)[record.markdown.body_line - 1 :]
        write(record.path, f"---\n{meta}---\n{''.join(body)}", project.root)
        changed.append(record.path)
    return changed
