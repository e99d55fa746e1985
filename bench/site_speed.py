"""How long a project's documentation site takes to build, and how large it is, beside bare MkDocs.

Usage: python bench/site_speed.py [--runs N]

Two projects: the default generated project (rendered from a tagged clone of
the working tree) and the synthetic large project of check_speed.py (100
contracts x 100 properties, 2,000 features, 50 model cards) given the default
project's mkdocs.yml and the views `charter docs` writes. On each:

1. `mkdocs build --strict` with the charter plugin: what `nox -s docs` runs,
   here from this repository's environment (charter, MkDocs and Material), so
   uv's and nox's start-up are left out;
2. bare `mkdocs build` of the same docs/ folder (the views `charter docs`
   wrote) with the same mkdocs.yml minus the plugin. It cannot be strict: the
   model-card index links the cards' files outside docs/, which only the
   plugin turns into pages;
3. bare `mkdocs build` of every page the plugin makes (home, a page per
   contract and per card, ...) written out as files beside the views: the
   same pages without the plugin, so MkDocs' share of the difference shows.

One untimed build of each first (bytecode written, page cache warm), then the
median of --runs (default 3), the two builds taking turns. Site size: bytes,
files, HTML pages and the search index. Then where the plugin's own work goes,
timed in this process. The load average is taken before and after each project.

Writes bench/results/site_speed.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from check_speed import CARDS, CONTRACTS, FEATURES, PROPERTIES, build_large_project
from harness.machine import machine_facts
from harness.report import add_results_option, table, write_result
from harness.templates import clone_working_tree, copy_project
from harness.timing import Summary, seconds

BARE_CONFIG = "mkdocs.bare.yml"
PAGES_CONFIG = "mkdocs.pages.yml"
PAGES_DIR = "docs-pages"
BUILDS = {
    "plugin": "`mkdocs build --strict` with the charter plugin (`nox -s docs`)",
    "bare": "bare `mkdocs build` of the views `charter docs` wrote",
    "pages": "bare `mkdocs build` of every page the plugin makes, written out",
}
"""Each build the bench times -> its row; `pages` parts MkDocs' share from the plugin's."""


def site_env(cache_dir: Path) -> dict[str, str]:
    env = {**os.environ, "CHARTER_TEMPLATE_CHECK_TTL": "-1", "XDG_CACHE_HOME": str(cache_dir)}
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def write_bare_configs(project: Path) -> None:
    """The project's mkdocs.yml without the charter plugin, and not strict (see the docstring);
    a second one reading the plugin's pages written out into PAGES_DIR."""
    lines = (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if line.strip() != "- charter"]
    kept = ["strict: false" if line.startswith("strict:") else line for line in kept]
    if len(kept) != len(lines) - 1:
        raise SystemExit(f"{project}/mkdocs.yml has no `- charter` plugin line to drop")
    (project / BARE_CONFIG).write_text("\n".join(kept) + "\n", encoding="utf-8")
    pages = [f"docs_dir: {PAGES_DIR}" if line.startswith("docs_dir:") else line for line in kept]
    (project / PAGES_CONFIG).write_text("\n".join(pages) + "\n", encoding="utf-8")


def write_pages(project: Path) -> None:
    """The docs folder plus every page and file the plugin adds, as files in PAGES_DIR."""
    from charter.project import Project  # noqa: PLC0415 - the environment is set by then
    from charter.views.site import NAV, Site  # noqa: PLC0415

    folder = project / PAGES_DIR
    shutil.copytree(project / "docs", folder)
    site = Site(Project.load(project))
    for _title, make in NAV:
        made = make(site)
        written = {} if getattr(make, "committed", False) else {p.uri: p.text for p in made.pages}
        for uri, content in {**written, **made.files}.items():
            (folder / uri).parent.mkdir(parents=True, exist_ok=True)
            data = content if isinstance(content, bytes) else content.encode()
            (folder / uri).write_bytes(data)


def build(project: Path, site: Path, env: dict[str, str], kind: str) -> None:
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)]
    command += {
        "plugin": ["--strict"],
        "bare": ["--config-file", BARE_CONFIG],
        "pages": ["--config-file", PAGES_CONFIG],
    }[kind]
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[2:])} failed in {project}:\n{result.stderr}")


def time_builds(project: Path, sites: Path, runs: int, env: dict[str, str]) -> dict[str, Summary]:
    """Median timings of every build, taking turns after one untimed build of each."""
    samples: dict[str, list[float]] = {kind: [] for kind in BUILDS}
    for kind in BUILDS:
        build(project, sites / kind, env, kind)
    for _ in range(runs):
        for kind in BUILDS:
            samples[kind].append(seconds(lambda k=kind: build(project, sites / k, env, k)))
    return {kind: Summary(tuple(times)) for kind, times in samples.items()}


def size(site: Path) -> list[str]:
    files = [p for p in site.rglob("*") if p.is_file()]
    index = site / "search" / "search_index.json"
    return [
        f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB",
        str(len(files)),
        str(sum(p.suffix == ".html" for p in files)),
        f"{index.stat().st_size / 1e6:.2f} MB" if index.is_file() else "none",
    ]


def plugin_breakdown(project: Path) -> list[list[str]]:
    """Where the plugin's own work goes on `project`, timed in this process."""
    from charter.project import Project  # noqa: PLC0415 - the environment is set by then
    from charter.views.render import render_views, stale_views  # noqa: PLC0415
    from charter.views.site import NAV, Site  # noqa: PLC0415

    loaded: list[Project] = []
    load = seconds(lambda: loaded.append(Project.load(project)))
    site = Site(loaded[0])
    views = seconds(lambda: stale_views(site.project, render_views(site.project)))
    rules = seconds(lambda: site.findings("review"))
    pages = {title: seconds(lambda make=make: make(site)) for title, make in NAV}
    rows = [
        ["read and parse every artifact (`Project.load`)", f"{load:.2f} s"],
        ["render the committed views, compare with docs/ (the stale check)", f"{views:.2f} s"],
        ["run every rule once, for both stages (the readiness pages)", f"{rules:.2f} s"],
    ]
    rows += [[f"make the {title!r} pages", f"{t:.2f} s"] for title, t in pages.items()]
    return rows


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    add_results_option(parser)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    rows, sizes, loads, breakdowns = [], [], [], {}
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        env = site_env(base / "cache")
        os.environ.update(CHARTER_TEMPLATE_CHECK_TTL="-1", XDG_CACHE_HOME=str(base / "cache"))
        template = clone_working_tree(base / "charter")
        default = copy_project(template, base / "default", {}, home=base)
        large = build_large_project(base / "large")
        shutil.copy(default / "mkdocs.yml", large / "mkdocs.yml")
        subprocess.run(
            [sys.executable, "-m", "charter", "docs"], cwd=large, env=env, check=True,
            capture_output=True,
        )  # fmt: skip
        for name, project in (("default project", default), ("large project", large)):
            write_bare_configs(project)
            write_pages(project)
            before = load()
            summary = time_builds(project, base / "sites" / name, args.runs, env)
            loads.append([name, before, load()])
            bare = summary["bare"].median
            for kind, label in BUILDS.items():
                ratio = f"{summary[kind].median / bare:.1f}x" if kind != "bare" else ""
                rows.append([f"{name}: {label}", *summary[kind].cells(), ratio])
                sizes.append([f"{name}: {kind}", *size(base / "sites" / name / kind)])
            breakdowns[name] = plugin_breakdown(project)

    sections = [
        f"Wall time of one `mkdocs build` process, median of {args.runs} after one untimed "
        "build, the builds taking turns; template-version rules off "
        f"(`CHARTER_TEMPLATE_CHECK_TTL=-1`). The large project: {CONTRACTS} contracts x "
        f"{PROPERTIES} properties, {FEATURES} features, {CARDS} model cards (check_speed.py's).",
        table(["what", "median", "min", "max", "/ bare views"], rows),
        "The plugin's site has more pages than the views alone (a page per contract and per "
        "model card, home, pipeline, readiness, glossary, plots). The third build is bare "
        "MkDocs on those same pages written out as files: the plugin's build minus it is "
        "the plugin's own cost (loading the project, making the pages, the stale check, "
        "one pass of the rules; timed step by step below), the rest is MkDocs and "
        "Material rendering and indexing more pages.",
        "### Site size",
        table(["site", "bytes", "files", "HTML pages", "search index"], sizes),
        "### Load average (1 min) before and after each project's builds",
        table(["project", "before", "after"], loads),
    ]
    for name, breakdown in breakdowns.items():
        sections += [
            f"### The plugin's own work on the {name} (one run, in process)",
            table(["step", "time"], breakdown),
        ]
    facts = machine_facts()
    facts["mkdocs"] = metadata.version("mkdocs")
    facts["mkdocs-material"] = metadata.version("mkdocs-material")
    path = write_result(
        "site_speed", "Documentation site build speed", sections, facts, args.results
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
