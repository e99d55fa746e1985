"""The rule pages (`docs/rules/CODE.md`) and their index, generated from the registry.

The code, summary, severity, stage and family come from `@rule(...)`, the body
from the rule function's docstring, so a page cannot disagree with the rule.
`charter rule --write-docs docs/rules` writes them; `--check-docs` and
tests/package/test_rule_docs.py fail when the committed pages are stale.
"""

from __future__ import annotations

import json
from pathlib import Path

from charter.rules.registry import FAMILIES, Rule, family_name

INDEX_INTRO = """\
# Rule index

Every finding of `charter check` carries one of these codes. Each page says
what the rule checks, why it matters, a failing and a fixed example, and how
to fix it. Select or ignore rules by code or prefix, like ruff:

```console
$ charter check --select CON,FEA --ignore CON009
$ charter check --stage production   # also MOD004 and the production checklist
```

or for the whole project in `pyproject.toml`:

```toml
[tool.charter]
ignore = ["CON009"]
```

Warnings are reported but never fail the check. Rules binding only at
production run with `--stage production` (see [checklists](../formats/checklists.md)).

This page and every rule page are generated from the rules themselves
(`charter rule --write-docs docs/rules`); `charter rule CODE` shows a page in
the terminal.
"""

_BINDING = {
    "review": "review and production",
    "production": "production only (`--stage production`)",
}


def page(rule: Rule) -> str:
    """The Markdown page of one rule."""
    return (
        f"# {rule.code}: {rule.summary}\n\n"
        f"Severity: **{rule.severity}** · Binding at: {_BINDING[rule.stage]}\n\n"
        f"{rule.doc}\n\n"
        f"{settings_section(rule)}"
        f'Silence it for a project with `ignore = ["{rule.code}"]` under `[tool.charter]` in\n'
        f"`pyproject.toml`, or once with `charter check --ignore {rule.code}`.\n"
    )


def settings_section(rule: Rule) -> str:
    """`## Settings`: each setting the rule reads, its default and what it does ('' for none).

    Charter's settings are described by `Config`'s attribute docstrings, a
    plugin's by the `description` of each property of its `SETTINGS_SCHEMA`.
    """
    if not rule.settings:
        return ""
    if rule.family in FAMILIES:
        table, described = "tool.charter", _charter_settings()
    else:
        from charter.rules.plugins import plugins  # noqa: PLC0415

        plugin = plugins().get(rule.family)
        schema = plugin.settings_schema if plugin is not None else None
        table, described = rule.family.lower(), _schema_settings(schema or {})
        table = f"tool.charter.{table}"
    rows = []
    for name in rule.settings:
        default, about = described.get(name, ("", ""))
        rows.append(f"| `{name}` | {default} | {about.replace('|', chr(92) + '|')} |")
    return (
        f"## Settings\n\nSet under `[{table}]` in `pyproject.toml`:\n\n"
        "| Setting | Default | What it does |\n|---|---|---|\n" + "\n".join(rows) + "\n\n"
    )


def _charter_settings() -> dict[str, tuple[str, str]]:
    """`[tool.charter]` key -> (default as TOML, its description), from `Config`."""
    from charter.plugin_reference import members  # noqa: PLC0415
    from charter.project import Config  # noqa: PLC0415

    defaults = Config()
    return {
        name: (_toml(getattr(defaults, name)), about)
        for name, _kind, about in members(Config)
        if hasattr(defaults, name)
    }


def _schema_settings(schema: dict) -> dict[str, tuple[str, str]]:
    """Property -> (default as TOML, `description`) of a plugin's settings schema."""
    found = {}
    for name, given in (schema.get("properties") or {}).items():
        spec = given if isinstance(given, dict) else {}
        default = _toml(spec["default"]) if "default" in spec else "(none)"
        found[name] = (default, str(spec.get("description", "")))
    return found


def _toml(value: object) -> str:
    """A default as it would be written in pyproject.toml (JSON's syntax is TOML's here)."""
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def index(rules: dict[str, Rule]) -> str:
    """The rule index: one table per family, Charter's in the order of `FAMILIES`, then plugins'."""
    parts = [INDEX_INTRO]
    others = {r.family: family_name(r.family) for r in rules.values() if r.family not in FAMILIES}
    for prefix, family in {**FAMILIES, **dict(sorted(others.items()))}.items():
        members = [r for r in rules.values() if r.family == prefix]
        if not members:
            continue
        rows = [
            f"| [{r.code}]({r.code}.md) | {r.summary.replace('*', chr(92) + '*')} "
            f"| {r.severity} | {r.stage} |"
            for r in members
        ]
        table = "\n".join(["| Code | Rule | Severity | Binding at |", "|---|---|---|---|", *rows])
        parts.append(f"## {prefix}: {family}\n\n{table}\n")
    return "\n".join(parts)


def pages(rules: dict[str, Rule]) -> dict[str, str]:
    """File name -> text of every generated page, the index included."""
    generated = {f"{code}.md": page(r) for code, r in rules.items()}
    generated["index.md"] = index(rules)
    return generated


def stale(folder: Path, rules: dict[str, Rule]) -> list[str]:
    """Names of the pages in `folder` that differ from the registry, are missing or extra."""
    wanted = pages(rules)
    names = sorted(set(wanted) | {p.name for p in folder.glob("*.md")})
    return [
        name
        for name in names
        if name not in wanted
        or not (folder / name).is_file()
        or (folder / name).read_text("utf-8") != wanted[name]
    ]


def write(folder: Path, rules: dict[str, Rule]) -> list[str]:
    """Write the stale pages and delete the pages of codes that no longer exist."""
    wanted = pages(rules)
    changed = stale(folder, rules)
    from charter import writes  # noqa: PLC0415 - only `--write-docs` writes

    writes.make_folder(folder)
    for name in changed:
        if name in wanted:
            writes.write_text(folder / name, wanted[name], folder)
        else:
            (folder / name).unlink()
    return changed


def describe(rule: Rule) -> dict[str, object]:
    """One rule as JSON-ready data, like an item of `ruff rule --all --output-format json`."""
    return {
        "code": rule.code,
        "summary": rule.summary,
        "severity": rule.severity,
        "stage": rule.stage,
        "family": rule.family,
        "family_name": family_name(rule.family),
        "explanation": rule.doc,
        "settings": list(rule.settings),
    }


def as_json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
