"""`plugins: [charter]` in mkdocs.yml: the project's site, built offline from its artifacts.

What it does to a MkDocs build, and why:
- adds the pages of `charter.views.site.NAV` (home, contracts, models, pipeline,
  readiness, glossary, plots) as generated files, so nothing is written to the
  repository and nothing can go stale;
- fails a strict build when a committed view differs from the artifacts (the
  same comparison as `charter docs --check`);
- sets the navigation from `NAV`, then any other page of the docs folder;
- copies the vendored Mermaid script into the site and loads it before
  Material looks for Mermaid, so diagrams render with no CDN and no network.
Only thin glue lives here; the pages are views in `charter.views.site`.
"""

from __future__ import annotations

import json
import logging
import lzma
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.plugins.charter")

MERMAID_URI = "assets/charter/mermaid.min.js"
MERMAID_LICENSE_URI = "assets/charter/mermaid.LICENSE.txt"
CSS_URI = "assets/charter/site.css"
CSS = """/* Charter: wide tables (data dictionaries) get the whole screen. */
.md-grid { max-width: 90rem; }
.md-typeset table:not([class]) { font-size: 0.7rem; }
"""


class CharterConfig(Config):
    project = config_options.Type(str, default="")
    """The project root; empty: the folder that holds mkdocs.yml."""


class CharterPlugin(BasePlugin[CharterConfig]):
    def on_config(self, config: Any) -> Any:
        from charter.project import Project  # noqa: PLC0415
        from charter.views.site import Site  # noqa: PLC0415

        root = Path(self.config.project or Path(config.config_file_path).parent).resolve()
        self.site = Site(Project.load(root))
        self.card_links: dict[str, str] = {}
        config.extra_javascript.insert(0, MERMAID_URI)
        config.extra_css.append(CSS_URI)
        _mermaid_fence(config)
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        from charter.views.render import render_views, stale_views  # noqa: PLC0415
        from charter.views.site import NAV  # noqa: PLC0415

        project = self.site.project
        for path in stale_views(project, render_views(project)):
            log.warning("%s is stale: run `charter docs` and commit it", self.site.rel(path))
        nav: list[Any] = []
        listed: set[str] = set()
        for title, make in NAV:
            made = make(self.site)
            entries = []
            for site_page in made.pages:
                listed.add(site_page.uri)
                if getattr(make, "committed", False):
                    if files.get_file_from_path(site_page.uri) is None:
                        continue
                else:
                    _put(files, File.generated(config, site_page.uri, content=site_page.text))
                entries.append({site_page.title: site_page.uri})
            for uri, content in made.files.items():
                _put(files, File.generated(config, uri, content=content))
            if len(entries) == 1 and len(made.pages) == 1:
                nav.append({title: next(iter(entries[0].values()))})
            elif entries:
                nav.append({title: entries})
        others = sorted(f.src_uri for f in files.documentation_pages() if f.src_uri not in listed)
        nav.extend(others)
        if not config.nav:
            config.nav = nav
        _put(files, File.generated(config, MERMAID_URI, content=mermaid_script()))
        _put(files, File.generated(config, CSS_URI, content=CSS))
        licence = resources.files("charter.site.assets").joinpath("mermaid.LICENSE").read_bytes()
        _put(files, File.generated(config, MERMAID_LICENSE_URI, content=licence))
        self.card_links = {
            _from_docs(self.site, card.path): self.site.card_pages[card.path]
            for card in project.cards
        }
        return files

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        """The model-card index links each card's file; on the site, link its page instead."""
        if page.file.src_uri == "model-cards.md":
            for target, uri in self.card_links.items():
                markdown = markdown.replace(f"(<{target}>)", f"(<{uri}>)")
        return markdown


def mermaid_script() -> bytes:
    """The vendored script, checked against the sha256 recorded when it was vendored."""
    import hashlib  # noqa: PLC0415

    assets = resources.files("charter.site.assets")
    record = json.loads(assets.joinpath("mermaid.json").read_text(encoding="utf-8"))
    script = lzma.decompress(assets.joinpath("mermaid.min.js.xz").read_bytes())
    if hashlib.sha256(script).hexdigest() != record["sha256"]:
        raise RuntimeError("charter's vendored mermaid.min.js does not match mermaid.json")
    return script


def _mermaid_fence(config: Any) -> None:
    """Material's documented Mermaid fence, set here so mkdocs.yml needs no Python tag."""
    from pymdownx.superfences import fence_code_format  # noqa: PLC0415

    if "pymdownx.superfences" not in config.markdown_extensions:
        config.markdown_extensions.append("pymdownx.superfences")
    options = config.mdx_configs.setdefault("pymdownx.superfences", {})
    fences = options.setdefault("custom_fences", [])
    if not any(f.get("name") == "mermaid" for f in fences):
        fences.append({"name": "mermaid", "class": "mermaid", "format": fence_code_format})


def _put(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(file)


def _from_docs(site: Any, path: Path) -> str:
    import posixpath  # noqa: PLC0415

    return posixpath.relpath(site.rel(path), site.docs_dir or ".")
