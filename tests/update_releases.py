"""Template releases that delete and rename files, rebuilt in a temporary clone.

Three tags on top of the working tree, for the update tests that must cross a
deletion, a rename, a new question and two releases at once:

- v1.0.0: the working tree, its CHANGELOG's [Unreleased] heading named 1.0.0;
- v1.1.0: deletes `governance/checklists/ready-for-production.md`, renames
  `ready-for-review.md` to `review.md` (one line added), adds the question
  `review_cadence` (default "quarterly") used by `review.md`, adds a comment
  line to the example contract, and a CHANGELOG entry with two Standards;
- v1.2.0: as v1.1.0, plus one line in the README and one more Standards entry.
"""

from __future__ import annotations

from pathlib import Path

from templating import clean_env, clone_working_tree, git

CHECKLISTS = Path("template/governance/checklists")
CONTRACT = Path(
    "template/governance/contracts/{% if example_pipeline %}patients.odcs.yaml{% endif %}.jinja"
)
SCHEMA_LINE_END = "odcs-3.1.0.schema.json\n"
CONTRACT_LINE = "# Reviewed against the 1.1.0 standards.\n"
REVIEW_LINE = "- [ ] The model card was reviewed in this {{ review_cadence }} cycle.\n"
QUESTION = """
review_cadence:
  type: str
  help: How often the model owner reviews the model card
  default: quarterly
  choices:
    - monthly
    - quarterly
    - yearly
"""
STANDARDS_110 = (
    "The review checklist is `governance/checklists/review.md`; `ready-for-production.md` is gone.",
    "New question `review_cadence`: how often the model card is reviewed.",
)
STANDARDS_120 = ("The README names the review cadence.",)
README_LINE = "\nThe model card is reviewed every {{ review_cadence }} cycle.\n"


def _entry(version: str, date: str, standards: tuple[str, ...]) -> str:
    bullets = "".join(f"- {s}\n" for s in standards)
    return f"## [{version}] - {date}\n\n### Standards\n\n{bullets}\n"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise AssertionError(f"{path}: {old!r} not found; update tests/update_releases.py")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _commit(clone: Path, tag: str) -> None:
    env = clean_env()
    git("add", "-A", cwd=clone, env=env)
    git("commit", "--quiet", "--no-verify", "--allow-empty", "-m", f"release {tag}", cwd=clone)
    git("tag", tag, cwd=clone, env=env)


def build_rename_releases(dest: Path) -> Path:
    """A template clone tagged v1.0.0, v1.1.0 and v1.2.0 (see the module docstring)."""
    clone = clone_working_tree(dest, tags=())
    changelog = clone / "CHANGELOG.md"
    _replace(changelog, "## [Unreleased]", "## [1.0.0] - 2026-12-01")
    _commit(clone, "v1.0.0")

    checklists = clone / CHECKLISTS
    (checklists / "ready-for-production.md").unlink()
    review = checklists / "ready-for-review.md"
    (checklists / "review.md.jinja").write_text(
        review.read_text(encoding="utf-8") + REVIEW_LINE, encoding="utf-8"
    )
    review.unlink()
    copier_yml = clone / "copier.yml"
    copier_yml.write_text(copier_yml.read_text(encoding="utf-8") + QUESTION, encoding="utf-8")
    _replace(clone / CONTRACT, SCHEMA_LINE_END, SCHEMA_LINE_END + CONTRACT_LINE)
    _replace(
        changelog,
        "## [1.0.0]",
        _entry("1.1.0", "2026-12-02", STANDARDS_110) + "## [1.0.0]",
    )
    _commit(clone, "v1.1.0")

    readme = clone / "template" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + README_LINE, encoding="utf-8")
    _replace(
        changelog,
        "## [1.1.0]",
        _entry("1.2.0", "2026-12-03", STANDARDS_120) + "## [1.1.0]",
    )
    _commit(clone, "v1.2.0")
    return clone
