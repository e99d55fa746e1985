"""Hugging Face model cards (`governance/models/<model>/card.md`) with a `governance:` block.

The card is Markdown with YAML front matter (`model-index`, `license`, ...).
Charter adds a top-level `governance:` mapping (owner, features as
`name@version`, contracts, run manifest), validated by
`card-governance.schema.json`. `hub_load_error()` asks huggingface_hub itself
whether the card loads, importing it only when called.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache as cache_function
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import yaml

from charter import cache
from charter.formats.markdown import Heading, MarkdownFile
from charter.formats.markdown import parse_card as parse
from charter.formats.source import Document, read_text

try:
    from yaml import CSafeLoader as _CLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _CLoader  # type: ignore[assignment]

GOVERNANCE_POINTER = "/governance"

MITCHELL_SECTIONS = {
    "Model Details": ("model details",),
    "Intended Use": ("intended use", "uses", "intended uses", "intended uses and limitations"),
    "Factors": ("factors", "testing data, factors and metrics"),
    "Metrics": ("metrics", "testing data, factors and metrics"),
    "Evaluation Data": (
        "evaluation data",
        "testing data",
        "testing data, factors and metrics",
        "training and evaluation data",
    ),
    "Training Data": ("training data", "training and evaluation data"),
    "Quantitative Analyses": ("quantitative analyses", "results", "evaluation results"),
    "Ethical Considerations": ("ethical considerations", "bias, risks, and limitations"),
    "Caveats and Recommendations": (
        "caveats and recommendations",
        "bias, risks, and limitations",
        "recommendations",
    ),
}
"""Mitchell et al. (2019) sections -> accepted headings.

Besides Mitchell's names: the headings of huggingface_hub's default model-card
template (its "Bias, Risks, and Limitations" covers both ethical considerations
and caveats) and of the cards transformers' Trainer writes.
"""

PLACEHOLDER = re.compile(r"TODO\([^()\n]*\)|\[More Information Needed\]")
"""`TODO(role): ...` is Charter's placeholder; the second is the Hugging Face template's.

The role holds no `(`: each try stops at the next `TODO(`, so a line of them is
linear (with `[^)\n]*` every try ran to the line's end: quadratic)."""

CODE_SPAN = re.compile(r"`[^`\n]*`")
"""An inline code span: a placeholder quoted in one (the card telling its reader what
`TODO(role): ...` means) is text about placeholders, not a placeholder."""


@dataclass(frozen=True)
class Placeholder:
    text: str
    line: int
    col: int


@dataclass(frozen=True)
class Metric:
    """One metric of a `model-index` result; `pointer` locates its value."""

    type: str
    value: Any
    pointer: str


@dataclass
class Card:
    """The card, read once: its `model-index` metrics and `governance:` block, typed."""

    path: Path
    markdown: MarkdownFile

    @property
    def name(self) -> str:
        """The model's name: the folder that holds card.md."""
        return self.path.parent.name

    @property
    def document(self) -> Document:
        return self.markdown.front_matter

    @property
    def governance(self) -> dict[str, Any] | None:
        value = self.markdown.front_matter.data.get("governance")
        return value if isinstance(value, dict) else None

    @property
    def owner(self) -> str | None:
        """The owner as written (MOD002 reports one that is not a string)."""
        value = (self.governance or {}).get("owner")
        return None if value is None else value if isinstance(value, str) else str(value)

    @property
    def pipeline_tag(self) -> str | None:
        value = self.markdown.front_matter.data.get("pipeline_tag")
        return value if isinstance(value, str) else None

    @property
    def model_index(self) -> Any:
        """The raw `model-index` value (card sync rewrites it, keeping what it does not know)."""
        return self.markdown.front_matter.data.get("model-index")

    @cached_property
    def metrics(self) -> list[Metric]:
        """Every metric with a `type` in the model-index, in card order."""
        found = []
        index = self.model_index
        for m, model in enumerate(index if isinstance(index, list) else []):
            results = model.get("results") if isinstance(model, dict) else None
            for r, result in enumerate(results if isinstance(results, list) else []):
                metrics = result.get("metrics") if isinstance(result, dict) else None
                for k, metric in enumerate(metrics if isinstance(metrics, list) else []):
                    if isinstance(metric, dict) and isinstance(metric.get("type"), str):
                        pointer = f"/model-index/{m}/results/{r}/metrics/{k}/value"
                        found.append(Metric(metric["type"], metric.get("value"), pointer))
        return found

    def metric_values(self) -> dict[str, tuple[Any, str]]:
        """`type -> (value, pointer)`; a type listed twice counts once, the last entry."""
        return {metric.type: (metric.value, metric.pointer) for metric in self.metrics}

    @property
    def features(self) -> list[tuple[str, str]]:
        """(`name@version`, pointer) for each feature the card names."""
        return self._strings("features")

    @property
    def contracts(self) -> list[tuple[str, str]]:
        return self._strings("contracts")

    @property
    def run_manifest(self) -> str | None:
        value = (self.governance or {}).get("run_manifest")
        return value if isinstance(value, str) and value else None

    def headings(self) -> list[Heading]:
        return self.markdown.headings()

    def placeholders(self) -> list[Placeholder]:
        found = []
        for number, line in enumerate(self.markdown.text.splitlines(), 1):
            quoted = [span.span() for span in CODE_SPAN.finditer(line)]
            found.extend(
                Placeholder(m.group(0), number, m.start() + 1)
                for m in PLACEHOLDER.finditer(line)
                if not any(start <= m.start() < end for start, end in quoted)
            )
        return found

    @cached_property
    def hub_error(self) -> str | None:
        """Why `huggingface_hub.ModelCard.load` rejects the card, or None.

        The answer is cached by the card's text and the library's version.
        """
        key = cache.digest("hub-data", self.markdown.text, _hub_version())
        return cache.remember(key, self._hub_error)

    def _hub_error(self) -> str | None:
        return hub_load_error(self.markdown.text)

    def _strings(self, key: str) -> list[tuple[str, str]]:
        values = (self.governance or {}).get(key)
        if not isinstance(values, list):
            return []
        return [
            (value, f"{GOVERNANCE_POINTER}/{key}/{index}")
            for index, value in enumerate(values)
            if isinstance(value, str)
        ]


HUB_YAML_BLOCK = re.compile(
    r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))"
)
"""`huggingface_hub.repocard.REGEX_YAML_BLOCK` (a test keeps the two equal)."""


def hub_load_error(text: str) -> str | None:
    """Why `huggingface_hub.ModelCard(text)` fails, or None; its steps, with its own classes.

    `ModelCard` splits the front matter with `HUB_YAML_BLOCK`, reads it with
    `yaml.safe_load`, requires a mapping and builds `ModelCardData` (which
    checks the model-index). Importing the whole library costs 0.3 s, its
    `repocard_data` module 0.05 s; libyaml reads the block, and pure-Python
    PyYAML (what the library uses) confirms any rejection.
    """
    from huggingface_hub.repocard_data import ModelCardData  # noqa: PLC0415 - on a cache miss

    try:
        ModelCardData(**_hub_metadata(text), ignore_metadata_errors=False)
    except Exception as error:  # any rejection is the finding
        return f"{type(error).__name__}: {error}".splitlines()[0]
    return None


def _hub_metadata(text: str) -> dict[str, Any]:
    """The front matter as `ModelCard` reads it: {} without one, ValueError if not a mapping."""
    match = HUB_YAML_BLOCK.search(text)
    if match is None:
        return {}
    block = match.group(2)
    try:
        # libyaml reads tabs that PyYAML refuses: with one, only the Hub's own parser
        data = yaml.safe_load(block) if "\t" in block else yaml.load(block, Loader=_CLoader)
    except yaml.YAMLError:
        data = yaml.safe_load(block)  # raises the library's own error, or agrees
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("repo card metadata block should be a dict")
    return data


@cache_function
def _hub_version() -> str:
    try:
        return version("huggingface_hub")
    except PackageNotFoundError:
        return "missing"


def from_text(text: str, path: Path) -> Card:
    """The card a text would be at `path` (`FormatError` for broken front matter)."""
    return Card(path=path, markdown=parse(text, path))


def load(path: Path) -> Card:
    """Parse a card (raises `FormatError` for unreadable text or broken front matter)."""
    return from_text(read_text(path), path)
