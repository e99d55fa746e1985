"""Rule plugins for tests: the worked Acme plugin, and small ones written on the fly.

`install(site, ...)` lays a plugin out as an installer does (the module plus a
`.dist-info` folder with its `charter.rules` entry point), so a `charter` run
with `site` on PYTHONPATH finds it through importlib.metadata, exactly like an
installed package. `write_package(folder, ...)` writes a buildable package
(pyproject.toml with the entry point) for a generated project to depend on.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OVERLAY = REPO / "examples" / "acme-overlay"
ACME_PLUGIN = OVERLAY / "plugin"
ACME_SOURCE = ACME_PLUGIN / "src" / "acme_charter_rules"

TINY_RULE = '''
from charter.plugin import at, rule

FAMILY = "Tiny rules"
SETTINGS_SCHEMA = {{
    "type": "object",
    "additionalProperties": False,
    "properties": {{"owner": {{"type": "string", "default": "nobody"}}}},
}}


@rule("{code}", "Contract is tiny")
def tiny(project):
    """## What it checks

    Every contract is reported.

    ## Why it matters

    Tests need a rule.

    ## Example

    Any contract fails.

    ## How to fix

    None.
    """
    from charter.plugin import settings

    owner = settings(project, "{prefix}")["owner"]
    for contract in project.contracts:
        yield at(contract.document, "", f"tiny contract, owner {{owner}}")
'''


def tiny_rule(code: str = "TINY001", prefix: str = "TINY") -> str:
    return TINY_RULE.format(code=code, prefix=prefix)


def install(site: Path, dist: str, prefix: str, module: str, source: str | Path) -> Path:
    """Install a plugin into `site`: `source` is the module's text or a package folder."""
    site.mkdir(parents=True, exist_ok=True)
    if isinstance(source, Path):
        shutil.copytree(source, site / module)
    else:
        (site / f"{module}.py").write_text(textwrap.dedent(source), "utf-8")
    info = site / f"{dist.replace('-', '_')}-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0.0\n")
    (info / "entry_points.txt").write_text(f"[charter.rules]\n{prefix} = {module}\n")
    return site


def install_acme(site: Path) -> Path:
    """The worked example's plugin (examples/acme-overlay/plugin), installed into `site`."""
    return install(site, "acme-charter-rules", "ACME", "acme_charter_rules", ACME_SOURCE)


def write_package(folder: Path, name: str, prefix: str, source: str) -> Path:
    """A buildable plugin package: pyproject.toml with the entry point, one module."""
    module = name.replace("-", "_")
    (folder / "src" / module).mkdir(parents=True)
    (folder / "src" / module / "__init__.py").write_text(textwrap.dedent(source), "utf-8")
    (folder / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
            [build-system]
            requires = ["uv_build>=0.9,<0.14"]
            build-backend = "uv_build"

            [project]
            name = "{name}"
            version = "0.1.0"
            requires-python = ">=3.11"

            [project.entry-points."charter.rules"]
            {prefix} = "{module}"
        """),
        "utf-8",
    )
    return folder
