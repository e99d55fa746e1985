"""Generated tier: the project's documentation site, opened page by page in a real browser.

The default project runs its pipeline (so the plots have data), builds its site
with `nox -s docs`, serves it on 127.0.0.1 and opens every page in Debian's
headless Chromium, driven through the DevTools protocol by Playwright's Python
package (its own browser downloads are never used). Screenshots of the home
page, a contract and the lineage page are saved under build/test-artifacts/site/
(or $CHARTER_TEST_ARTIFACTS) for people to look at.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import build_project, run
from templating import REPO

pytestmark = pytest.mark.generated

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: "open"}); };
"""
"""Material draws each diagram inside a closed shadow root; opened, the test can see the SVG."""


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("CHARTER_TEST_ARTIFACTS") or REPO / "build" / "test-artifacts")
    folder = folder / "site"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def chromium():
    if not CHROMIUM.is_file():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is needed for the browser test in CI (.ci/run)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def served(tmp_path):
    """Serve a folder on 127.0.0.1 (an ephemeral port) for the length of a test."""
    servers = []

    def serve(folder: Path) -> str:
        handler = functools.partial(QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, as a path below its root."""
    pages = []
    for html in sorted(site.rglob("index.html")):
        relative = html.parent.relative_to(site).as_posix()
        pages.append("" if relative == "." else f"{relative}/")
    return pages


def test_the_site_reads_offline_in_a_real_browser(
    generated_project, tmp_path, chromium, served
):
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - the generated tier only

    project = tmp_path / "default"
    shutil.copytree(generated_project, project, symlinks=True)
    run("uv", "sync", "--locked", "--quiet", cwd=project)  # a copied .venv needs relinking
    run("uv", "run", "--frozen", "nox", "-s", "pipeline", cwd=project)
    run("uv", "run", "--frozen", "nox", "-s", "docs", cwd=project)
    site = project / "site"
    base = served(site)
    pages = site_pages(site)
    assert {"", "pipeline/", "lineage/", "contracts/patients/", "glossary/"} <= set(pages)

    problems: list[str] = []
    outside: list[str] = []
    shots = artifacts_dir()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # a new, empty profile
            executable_path=str(chromium),
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        context.add_init_script(OPEN_SHADOW_ROOTS)
        page = context.new_page()
        page.on(
            "console",
            lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
        page.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))

        for path in pages:
            page.goto(base + path, wait_until="networkidle")
            if page.locator("pre.mermaid, div.mermaid").count():
                page.wait_for_selector("div.mermaid svg", timeout=20_000)
            assert page.title(), path

        for path in ("pipeline/", "lineage/"):
            page.goto(base + path, wait_until="networkidle")
            svg = page.wait_for_selector("div.mermaid svg", timeout=20_000)
            assert svg.bounding_box()["height"] > 100, path  # drawn, not an empty box
            assert page.locator("div.mermaid svg g.node").count() >= 5, path

        page.goto(base, wait_until="networkidle")
        page.screenshot(path=str(shots / "home.png"), full_page=True)
        page.goto(base + "contracts/patients/", wait_until="networkidle")
        page.screenshot(path=str(shots / "contract.png"), full_page=True)
        page.goto(base + "lineage/", wait_until="networkidle")
        page.wait_for_selector("div.mermaid svg", timeout=20_000)
        page.screenshot(path=str(shots / "lineage.png"), full_page=True)

        # The search box finds a contract's column (Material's search, in the browser).
        page.goto(base, wait_until="networkidle")
        page.keyboard.press("/")  # Material's shortcut: focus the search box
        page.keyboard.type("patient_id")  # a column of the patients contract
        result = page.wait_for_selector(".md-search-result__item a", timeout=20_000)
        links = page.eval_on_selector_all(
            ".md-search-result__item a", "items => items.map(a => a.href)"
        )
        assert result is not None
        assert any("contracts/patients/" in link for link in links), links
        context.close()

    assert problems == []
    assert outside == [], "requests left 127.0.0.1"
    for name in ("home.png", "contract.png", "lineage.png"):
        assert (shots / name).stat().st_size > 10_000, name


def test_the_no_example_project_builds_its_site_strict(template_repo, tmp_path):
    project = build_project(template_repo, tmp_path / "skeleton", {"example_pipeline": False})
    run("uv", "run", "--frozen", "nox", "-s", "docs", cwd=project)
    assert (project / "site" / "contracts" / "dataset" / "index.html").is_file()
    assert (project / "site" / "models" / "baseline" / "index.html").is_file()
    status = run("git", "status", "--porcelain", "--untracked-files=all", cwd=project).stdout
    assert status == "", "the site build left files git sees"
