"""Earlier template releases, rebuilt inside a temporary clone of the template.

The real history has too few releases to test `copier update` across, so the
tests recreate two older "standards" on top of the working tree, each a commit
with its own tag:

- v0.0.8: the question `data_sensitivity` was still called `sensitivity` (the
  v0.1.0 migration renames it), `configs/README.md` was `configs/NOTES.md`,
  the README's quickstart said "Install uv first, then run:", and the
  detect-private-key hook did not exist yet;
- v0.0.9: as v0.0.8, with the detect-private-key hook added.

Both also lack the `yaml-language-server` schema line at the top of the
contract and the feature catalog, and word the model card's metrics comment
differently, so the update touches the governance files users edit most.

The working tree itself is tagged v99.0.0 above them.
"""

from __future__ import annotations

import re
from pathlib import Path

from templating import TEST_VERSION, clean_env, clone_working_tree, git

OLD_QUICKSTART = "Install uv first, then run:"
NEW_QUICKSTART = "You need [uv](https://docs.astral.sh/uv/). Then:"
DETECT_PRIVATE_KEY_HOOK = re.compile(r"      - id: detect-private-key\n(?:        .*\n)+")
SCHEMA_LINE = re.compile(r"\A# yaml-language-server: .*\n")
NEW_CARD_COMMENT = "# Metric values come from a run manifest"
OLD_CARD_COMMENT = "# Metric values are copied from a run manifest"
GOVERNANCE = "template/governance"
CONTRACT = (
    f"{GOVERNANCE}/contracts/{{% if example_pipeline %}}patients.odcs.yaml{{% endif %}}.jinja"
)
CATALOG = f"{GOVERNANCE}/features/catalog.yaml.jinja"
CARD = (
    f"{GOVERNANCE}/models/{{{{ 'progression_regressor' if example_pipeline else 'baseline' }}}}"
    "/card.md.jinja"
)


def _rewrite(
    path: Path, *replacements: tuple[str | re.Pattern, str], must_change: bool = True
) -> None:
    """Apply replacements; fail loudly when one no longer matches the template."""
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        changed = old.sub(new, text) if isinstance(old, re.Pattern) else text.replace(old, new)
        if must_change and changed == text:
            raise AssertionError(f"{path}: {old!r} not found; update tests/release_history.py")
        text = changed
    path.write_text(text, encoding="utf-8")


def _make_old_standards(clone: Path, *, with_private_key_hook: bool) -> None:
    """Turn the clone's files into what an older release looked like."""
    _rewrite(
        clone / "copier.yml",
        (
            re.compile(r"^_migrations:\n(?:[ #].*\n|\n)*?(?=\S)", re.MULTILINE),
            "_migrations: []\n\n",
        ),
    )
    for path in [clone / "copier.yml", *(clone / "template").rglob("*")]:
        if path.is_file() and path.suffix != ".png":
            _rewrite(path, ("data_sensitivity", "sensitivity"), must_change=False)
    _rewrite(clone / "template" / "README.md.jinja", (NEW_QUICKSTART, OLD_QUICKSTART))
    (clone / "template" / "configs" / "README.md").rename(
        clone / "template" / "configs" / "NOTES.md"
    )
    _rewrite(clone / CONTRACT, (SCHEMA_LINE, ""))
    _rewrite(clone / CATALOG, (SCHEMA_LINE, ""))
    _rewrite(clone / CARD, (NEW_CARD_COMMENT, OLD_CARD_COMMENT))
    if not with_private_key_hook:
        _rewrite(
            clone / "template" / ".pre-commit-config.yaml.jinja", (DETECT_PRIVATE_KEY_HOOK, "")
        )


def build_release_history(dest: Path) -> Path:
    """A template clone tagged v0.0.8, v0.0.9 and v99.0.0 (the working tree)."""
    env = clean_env()
    clone = clone_working_tree(dest, tags=())
    head = git("rev-parse", "HEAD", cwd=clone, env=env).strip()
    for tag, with_hook in (("v0.0.8", False), ("v0.0.9", True)):
        git("checkout", "--quiet", "--detach", head, cwd=clone, env=env)
        _make_old_standards(clone, with_private_key_hook=with_hook)
        git("add", "-A", cwd=clone, env=env)
        git("commit", "--quiet", "--no-verify", "-m", f"release {tag}", cwd=clone, env=env)
        git("tag", tag, cwd=clone, env=env)
    # Copier orders releases by their PEP 440 tags, not by ancestry.
    git("tag", f"v{TEST_VERSION}", head, cwd=clone, env=env)
    git("checkout", "--quiet", "-B", "main", head, cwd=clone, env=env)
    return clone
