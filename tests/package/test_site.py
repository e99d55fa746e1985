"""The documentation site of a generated project: the MkDocs plugin and its pages.

Each test renders the template (no lock, no network) and builds the site with
the real MkDocs and Material from this repository's environment, strict, as
`nox -s docs` does in a project. The browser test is in tests/template/test_site_browser.py.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import polars as pl
import pytest

from charter.site.plugin import MERMAID_URI, mermaid_script
from charter.views import plots
from charter.views.site import NAV, inert_markdown

MKDOCS = [sys.executable, "-m", "mkdocs"]
EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""")


def build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def test_the_vendored_mermaid_script_is_the_recorded_npm_file():
    assets = resources.files("charter.site.assets")
    record = json.loads(assets.joinpath("mermaid.json").read_text())
    script = lzma.decompress(assets.joinpath("mermaid.min.js.xz").read_bytes())
    assert hashlib.sha256(script).hexdigest() == record["sha256"]
    assert len(script) == record["bytes"]
    assert record["name"] == "mermaid" and record["license"] == "MIT"
    assert record["version"].startswith("11.")  # the line Material's integration asks for
    assert "MIT License" in assets.joinpath("mermaid.LICENSE").read_text()
    assert mermaid_script() == script


@pytest.mark.parametrize("example_pipeline", [True, False])
def test_the_site_builds_strict_and_offline(render, tmp_path, example_pipeline):
    project = render(example_pipeline=example_pipeline)
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    assert (site / MERMAID_URI).read_bytes() == mermaid_script()
    assert (site / "assets/charter/mermaid.LICENSE.txt").is_file()
    for page in ("index", "readiness", "pipeline", "lineage", "glossary", "distributions"):
        assert (site / page.replace("index", "") / "index.html").is_file(), page
    contract = "patients" if example_pipeline else "dataset"
    model = "progression_regressor" if example_pipeline else "baseline"
    assert (site / "contracts" / contract / "index.html").is_file()
    assert (site / "models" / model / "index.html").is_file()
    for html in site.rglob("*.html"):
        text = html.read_text()
        assert not EXTERNAL.findall(text), f"{html.relative_to(site)} loads from outside the site"
    pipeline = (site / "pipeline" / "index.html").read_text()
    assert '<pre class="mermaid"><code>flowchart TB' in pipeline
    assert 'src="../assets/charter/mermaid.min.js"' in pipeline
    # The model-card index links each card's page, not a file outside the site.
    assert f'href="../models/{model}/"' in (site / "model-cards" / "index.html").read_text()
    home = (site / "index.html").read_text()
    assert "Who answers for what" in home and "review" in home
    # The decisions page lists the template's record; the model's page links it.
    record = "0001-choose-the-model-and-its-features"
    decisions = (site / "decisions" / "index.html").read_text()
    assert f'href="{record}/"' in decisions and "accepted" in decisions
    assert (site / "decisions" / record / "index.html").is_file()
    model_page = (site / "models" / model / "index.html").read_text()
    assert f'href="../../decisions/{record}/"' in model_page


def test_a_stale_view_fails_the_strict_build(render, tmp_path):
    project = render()
    lineage = project / "docs" / "lineage.md"
    lineage.write_text(lineage.read_text() + "\nedited by hand\n")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/lineage.md is stale: run `charter docs`" in result.stderr


def test_a_card_cannot_put_html_into_the_site(render, tmp_path):
    project = render()
    card = project / "governance/models/progression_regressor/card.md"
    card.write_text(card.read_text() + "\n<script>alert('card')</script>\n")
    assert build(project, tmp_path / "site").returncode == 0
    page = (tmp_path / "site/models/progression_regressor/index.html").read_text()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_inert_markdown_keeps_code_fences_and_moves_headings_down():
    body = "# Title\n<b>x</b>\n```html\n<b>kept</b>\n# not a heading\n```\n## Sub\n"
    assert inert_markdown(body).splitlines() == [
        "## Title",
        "&lt;b>x&lt;/b>",
        "```html",
        "<b>kept</b>",
        "# not a heading",
        "```",
        "### Sub",
    ]


def test_feature_distributions_are_plotted_from_the_training_table(render, tmp_path):
    project = render()
    table = project / "data/processed/features.parquet"
    table.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame({"bmi": [20.0, 22.5, 25.0, 31.0], "age_decade": [3, 4, 4, 7]}).write_parquet(table)
    assert build(project, tmp_path / "site").returncode == 0
    page = (tmp_path / "site/distributions/index.html").read_text()
    assert "4 rows" in page
    svgs = sorted((tmp_path / "site/plots").glob("feature-*.svg"))
    assert len(svgs) == 2
    assert all(svg.read_text().count("<rect") == 20 for svg in svgs)
    assert "<title>bmi</title>" in "".join(svg.read_text() for svg in svgs)


def test_without_a_training_table_the_page_says_how_to_make_one(render, tmp_path):
    assert build(render(), tmp_path / "site").returncode == 0
    page = (tmp_path / "site/distributions/index.html").read_text()
    assert "No feature table" in page and "nox -s pipeline" in page


def test_histogram_bins_every_finite_value():
    counts, low, high = plots.histogram([1, 2, 2, 3, float("nan"), None], bins=2)
    assert (counts, low, high) == ([1, 3], 1.0, 3.0)
    assert plots.histogram([5, 5], bins=3)[0] == [0, 0, 2]
    assert plots.histogram([]) == ([], 0.0, 0.0)


def test_chart_text_is_escaped():
    svg = plots.line_svg("<b>r2</b>", [0.1, None, 0.3], ["a<", "b", "c"])
    assert "<b>" not in svg and "&lt;b&gt;r2" in svg


def test_every_nav_entry_names_a_page_function():
    titles = [title for title, _ in NAV]
    assert titles[0] == "Home" and len(set(titles)) == len(titles)
    assert all(callable(make) for _, make in NAV)
