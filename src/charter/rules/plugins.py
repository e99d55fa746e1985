"""Organisation rule families from installed packages: the `charter.rules` entry points.

A plugin package declares, in its pyproject.toml,

    [project.entry-points."charter.rules"]
    ACME = "acme_charter_rules"

The entry point's name is the plugin's code prefix (two to five capital
letters, none of Charter's own); its value is a module whose import registers
rules with `charter.plugin.rule`, coded ACME001 to ACME999. The module may set
`FAMILY` (the family's name in the rule index) and `SETTINGS_SCHEMA` (a JSON
Schema for its settings, `[tool.charter.acme]` in pyproject.toml). Anything
wrong with a plugin is a `PluginError`: one sentence, `charter` exits 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from charter.rules.registry import _LOADING, FAMILIES, PLUGIN_FAMILIES, RULES, RuleCodeError

GROUP = "charter.rules"
PREFIX = re.compile(r"[A-Z]{2,5}")


class PluginError(Exception):
    """A plugin that cannot be loaded as it is: the message says which and why."""


@dataclass(frozen=True)
class Plugin:
    prefix: str
    module: str
    distribution: str
    family: str
    settings_schema: dict[str, Any] | None = field(default=None, hash=False)

    @property
    def table(self) -> str:
        """Its settings table under `[tool.charter]`: `acme` for ACME."""
        return self.prefix.lower()


_PLUGINS: dict[str, Plugin] | None = None


def plugins() -> dict[str, Plugin]:
    """Every installed plugin by prefix, imported once (their rules are then registered)."""
    global _PLUGINS  # noqa: PLW0603 - one registry per process, like RULES
    if _PLUGINS is None:
        loaded: dict[str, Plugin] = {}
        for point in sorted(entry_points(group=GROUP), key=lambda p: (p.name, p.value)):
            plugin = _load(point, loaded)
            loaded[plugin.prefix] = plugin
        _PLUGINS = loaded
    return _PLUGINS


def _load(point: Any, loaded: dict[str, Plugin]) -> Plugin:
    dist = point.dist.name if point.dist is not None else point.value
    who = f"{point.name} ({dist})"
    if not PREFIX.fullmatch(point.name):
        raise PluginError(
            f"plugin {who}: its entry point name {point.name!r} must be its rule code "
            "prefix, two to five capital letters (for example ACME)"
        )
    if point.name in FAMILIES:
        raise PluginError(f"plugin {who}: the prefix {point.name} is Charter's own")
    if point.name in loaded:
        raise PluginError(
            f"plugins {loaded[point.name].distribution} and {dist} both claim the prefix "
            f"{point.name}: uninstall one"
        )
    _LOADING.append((point.name, who))
    try:
        module = point.load()
    except RuleCodeError as error:
        raise PluginError(str(error)) from None
    except Exception as error:
        raise PluginError(
            f"plugin {who}: cannot import {point.value}: {type(error).__name__}: {error}"
        ) from None
    finally:
        _LOADING.pop()
    family = getattr(module, "FAMILY", None) or point.name
    schema = getattr(module, "SETTINGS_SCHEMA", None)
    if schema is not None:
        _check_schema(who, schema)
    _check_settings(who, point.name, schema)
    PLUGIN_FAMILIES[point.name] = str(family)
    return Plugin(point.name, point.value, dist, str(family), schema)


def _check_schema(who: str, schema: Any) -> None:
    from jsonschema.exceptions import SchemaError  # noqa: PLC0415 - only with plugins
    from jsonschema.validators import validator_for  # noqa: PLC0415

    if not isinstance(schema, dict):
        raise PluginError(f"plugin {who}: SETTINGS_SCHEMA must be a JSON Schema (a dict)")
    try:
        validator_for(schema).check_schema(schema)
    except SchemaError as error:
        raise PluginError(
            f"plugin {who}: SETTINGS_SCHEMA is not a valid JSON Schema: {error.message}"
        ) from None


def _check_settings(who: str, prefix: str, schema: Any) -> None:
    """Every setting a rule of the plugin declares is a property of its schema."""
    known = set((schema or {}).get("properties", {}))
    for code, rule in RULES.items():
        unknown = [name for name in rule.settings if name not in known]
        if rule.family == prefix and unknown:
            raise PluginError(
                f"plugin {who}: rule {code} reads the setting {unknown[0]!r}, "
                "which its SETTINGS_SCHEMA does not define"
            )


def settings_problems(plugin: Plugin, table: Any) -> list[tuple[list[str | int], str]]:
    """(path inside the table, message) for each way `table` breaks the plugin's schema."""
    if plugin.settings_schema is None:
        return []
    from jsonschema.exceptions import relevance  # noqa: PLC0415
    from jsonschema.validators import validator_for  # noqa: PLC0415

    schema = plugin.settings_schema
    errors = sorted(validator_for(schema)(schema).iter_errors(table), key=relevance)
    return [(list(error.absolute_path), error.message) for error in errors]


def defaults(plugin: Plugin) -> dict[str, Any]:
    """The `default` of each top-level property of the plugin's settings schema."""
    properties = (plugin.settings_schema or {}).get("properties", {})
    return {
        k: v["default"] for k, v in properties.items() if isinstance(v, dict) and "default" in v
    }


def settings(project: Any, prefix: str) -> dict[str, Any]:
    """The plugin's settings: its schema's defaults, overlaid with `[tool.charter.<prefix>]`.

    Settings that break the schema are reported by PRJ005; the rules then see the
    defaults alone, so a typo never crashes a check.
    """
    plugin = plugins().get(prefix)
    if plugin is None:
        raise PluginError(f"settings({prefix!r}): no installed rule plugin has that prefix")
    base = defaults(plugin)
    table = project.config.plugins.get(plugin.table)
    if table is None or settings_problems(plugin, table):
        return base
    return {**base, **table}
