"""Model cards load wherever huggingface_hub loads them; Charter's demands are MOD findings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from checking import charter, copy_good, edit, findings
from huggingface_hub import ModelCard

from charter.formats import card as card_format
from charter.formats.source import FormatError
from charter.rules.cards import REQUIRED_SECTIONS

CARD = "governance/models/risk/card.md"

BODY = "\n".join(f"## {title}\n\nText.\n" for title in REQUIRED_SECTIONS)

HUB_TEMPLATE_BODY = """# Model Card for risk

## Model Details

### Model Description

### Model Sources [optional]

## Uses

### Direct Use

### Out-of-Scope Use

## Bias, Risks, and Limitations

### Recommendations

## Training Details

### Training Data

## Evaluation

### Testing Data, Factors & Metrics

#### Testing Data

#### Factors

#### Metrics

### Results

## Model Card Contact
"""
"""The headings of huggingface_hub's default model-card template, in its order."""


def card_findings(project: Path) -> list[tuple[int, str]]:
    return [(f["line"], f["code"]) for f in findings(project)[1] if f["path"] == CARD]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("# Model card: risk\n\n" + BODY, id="no-front-matter"),
        pytest.param("---\nlicense: mit\n# Model card: risk\n\n" + BODY, id="never-closed"),
    ],
)
def test_card_without_front_matter_loads_and_misses_governance(tmp_path: Path, text: str) -> None:
    project = copy_good(tmp_path)
    (project / CARD).write_text(text)
    ModelCard.load(project / CARD)  # the reference reads it: empty metadata
    assert card_findings(project) == [(1, "MOD002")]
    message = next(f["message"] for f in findings(project)[1] if f["path"] == CARD)
    assert "no front matter" in message
    text_output = charter("check", "--no-cache", cwd=project)
    assert "metadata block was not found" not in text_output.stderr  # the hub's log, not ours


def test_empty_block_before_the_front_matter_is_read_as_the_hub_reads_it(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    card = project / CARD
    card.write_text("---\n" + card.read_text())
    assert ModelCard.load(card).data.to_dict()["license"] == "mit"
    assert card_findings(project) == []
    edit(card, "    - visits\n", "    - visitz\n")
    assert card_findings(project) == [(23, "MOD007")]  # lines of the whole file


def test_hub_default_template_headings_cover_mitchell_sections(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    card = project / CARD
    front = card.read_text().split("\n# Model card: risk\n")[0]
    card.write_text(f"{front}\n{HUB_TEMPLATE_BODY}")
    assert card_findings(project) == []
    edit(card, "## Bias, Risks, and Limitations\n", "## Limits\n")
    assert {code for _, code in card_findings(project)} == {"MOD003"}


@pytest.mark.parametrize(
    ("text", "data", "body_line"),
    [
        ("---\r\nlicense: mit\r\n---\r\n# Card\r\n", {"license": "mit"}, 4),
        ("\n\n---\nlicense: mit\n---\n# Card\n", {"license": "mit"}, 6),
        ("---\nlicense: mit\n---", {"license": "mit"}, 4),
        ("---\n\n---\n# Card\n", {}, 4),
        ("---\n# only a comment\n---\n# Card\n", {}, 4),
    ],
)
def test_metadata_and_body_where_the_hub_finds_them(
    tmp_path: Path, text: str, data: dict, body_line: int
) -> None:
    path = tmp_path / "card.md"
    path.write_bytes(text.encode())
    assert ModelCard.load(path).data.to_dict() == data
    parsed = card_format.load(path)
    assert parsed.document.data == data
    assert parsed.markdown.body_line == body_line


@pytest.mark.parametrize(
    "text",
    [
        "---\nlicense: [mit\n---\n# Card\n",
        "---\n- a list\n---\n# Card\n",
        # libyaml reads a tab after the key's separator; the Hub's PyYAML refuses it
        "---\nlanguage: en\n\nlicense:  \tgpl-3.0\n---\n# Card\n",
        "---\ntags:\n\t- a\n---\n# Card\n",
    ],
)
def test_what_the_hub_rejects_stays_a_parse_failure(tmp_path: Path, text: str) -> None:
    path = tmp_path / "card.md"
    path.write_text(text)
    with pytest.raises((ValueError, yaml.YAMLError)):
        ModelCard.load(path)
    with pytest.raises(FormatError):
        card_format.load(path)


@pytest.mark.parametrize(
    "text",
    [
        "---\nlicense: mit # a comment\twith a tab\n---\n# Card\n",
        '---\ndescription: "a\ttab in a quoted value"\n---\n# Card\n',
    ],
)
def test_a_tab_the_hub_reads_is_read(tmp_path: Path, text: str) -> None:
    path = tmp_path / "card.md"
    path.write_text(text)
    assert card_format.load(path).document.data == ModelCard.load(path).data.to_dict()


def test_a_card_with_a_tab_the_hub_refuses_is_a_located_prj001(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / CARD, "\nlicense:", "\nlicense:  \t", 1)
    with pytest.raises(yaml.YAMLError):
        ModelCard.load(project / CARD)
    _, found = findings(project)
    parse = [f for f in found if f["path"] == CARD and f["code"] == "PRJ001"]
    assert len(parse) == 1, found
    assert "huggingface_hub cannot load the card" in parse[0]["message"]
