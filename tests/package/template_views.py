"""Regenerate template/docs/*.md.jinja: the views a new project ships, already current.

A generated project must pass `charter docs --check` from its first commit, and
Copier cannot run `charter` at copy time (it is not installed yet). So the
views are Jinja templates: this script renders the template with sentinel
answers, runs `charter docs` on the result, and turns each sentinel back into
the Jinja expression that produced it. tests/package/test_template_views.py
proves the templates render to exactly what `charter docs` writes, for the
worked example, the skeleton and hostile answers.

Run it after changing a governance artifact in template/ or a view in
src/charter/views/:  uv run python tests/package/template_views.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from templating import REPO, clone_working_tree, copy_project

VIEWS = (
    "data-dictionary.md",
    "deployments.md",
    "feature-catalog.md",
    "lineage.md",
    "model-cards.md",
)

SENTINELS = {
    "project_name": "Qqprojectqq",
    "data_owner": "@qqdataownerqq",
    "model_owner": "@qqmodelownerqq",
    "privacy_reviewer": "@qqprivacyqq",
    "product_owner": "@qqproductqq",
    "organization": "Qqorgqq",
    "data_sensitivity": "restricted",
}

# Sentinel text -> Jinja. `cell` mirrors charter.views.markdown.cell for free text.
REPLACEMENTS = (
    ("Qqprojectqq data team", "{{ cell(project_name ~ ' data team') }}"),
    ("@qqdataownerqq", "{{ cell(data_owner) }}"),
    ("@qqmodelownerqq", "{{ cell(model_owner) }}"),
    ("@qqprivacyqq", "{{ cell(privacy_reviewer) }}"),
    ("`qqprojectqq.", "`{{ package_name }}."),
    ("| restricted |", "| {{ data_sensitivity }} |"),
)

CELL_MACRO = r"""{%- macro cell(value) -%}
{{ value | regex_replace('\\s+', ' ') | trim | replace('\\', '\\\\') | replace('|', '\\|')
   | replace('&', '&amp;') | replace('<', '&lt;') | replace('>', '&gt;') | replace('[', '\\[')
   | replace(']', '\\]') | replace('://', '&#58;//')
   | regex_replace('([Ww][Ww][Ww])\\.', '\\1&#46;') }}
{%- endmacro -%}
"""

JINJA_SYNTAX = ("{{", "{%", "{#", "#}", "%}", "}}")


def rendered_views(example: bool, workdir: Path, template: Path) -> dict[str, str]:
    project = copy_project(
        template, workdir / f"example-{example}", {**SENTINELS, "example_pipeline": example}
    )
    subprocess.run(
        [sys.executable, "-m", "charter", "docs", "--project", str(project)],
        check=True,
        capture_output=True,
    )
    return {name: (project / "docs" / name).read_text("utf-8") for name in VIEWS}


def to_jinja(text: str) -> str:
    for syntax in JINJA_SYNTAX:
        if syntax in text:
            raise SystemExit(f"rendered view contains Jinja syntax {syntax!r}: escape it first")
    for sentinel, expression in REPLACEMENTS:
        text = text.replace(sentinel, expression)
    if "qq" in text.lower() or "restricted" in text:
        raise SystemExit(f"a sentinel was not replaced:\n{text}")
    return text


def template_text(example: str, skeleton: str) -> str:
    return (
        CELL_MACRO
        + "{% if example_pipeline -%}\n"
        + to_jinja(example)
        + "{% else -%}\n"
        + to_jinja(skeleton)
        + "{% endif -%}\n"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        template = clone_working_tree(workdir / "template")
        example = rendered_views(True, workdir, template)
        skeleton = rendered_views(False, workdir, template)
    for name in VIEWS:
        target = REPO / "template" / "docs" / f"{name}.jinja"
        target.write_text(template_text(example[name], skeleton[name]), "utf-8")
        print(f"wrote {target.relative_to(REPO)}")


if __name__ == "__main__":
    main()
