"""Order the site's navigation: the guide first, then every other page.

`mkdocs.yml` lists no pages, so pages other people add under docs/rules/ or
docs/formats/ join the site without anyone editing a list. This hook builds the
navigation MkDocs would build from the files, and only reorders its top level:
the entries in GUIDE first, in that order, then the rest in MkDocs' own order.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, file_sort_key
from mkdocs.utils import nest_paths

GUIDE = (
    "index.md",
    "getting-started.md",
    "questions.md",
    "tour.md",
    "guide",
    "customise.md",
    "upgrading.md",
    "formats",
    "rules",
    "bench.md",
)

NavEntry = str | dict[str, list["NavEntry"]]


def _top_level_name(entry: NavEntry) -> str:
    """The file or folder name under docs/ that a navigation entry comes from."""
    while isinstance(entry, dict):
        (children,) = entry.values()
        entry = children[0]
    return entry.split("/", 1)[0]


def _rank(entry: NavEntry) -> int:
    name = _top_level_name(entry)
    return GUIDE.index(name) if name in GUIDE else len(GUIDE)


def on_files(files: Files, config: MkDocsConfig, **_: object) -> Files:
    """Set the navigation before MkDocs builds it from the files."""
    pages = sorted(files.documentation_pages(), key=file_sort_key)
    tree = nest_paths(page.src_uri for page in pages if page.inclusion.is_in_nav())
    config["nav"] = sorted(tree, key=_rank)
    return files
