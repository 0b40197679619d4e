"""The built site in a real browser (Playwright driving Debian's /usr/bin/chromium), served from 127.0.0.1.

One browser for the module; each test gets a fresh context (no shared storage). Screenshots of the index, a day and
a paper page (desktop) and of the index on a phone go to .ci/artifacts/ for a person to look at.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hotpapers.site import build_site
from hotpapers.site._model import paper_path

from helpers.paths import ROOT
from helpers.sitedata import HOSTILE_DATE, HOSTILE_ID, HOSTILE_MODEL, HOSTILE_TITLE, HOSTILE_TLDR, combined_archive

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / ".ci" / "artifacts"
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"  # tests/js pins it; .ci/run installs it
TOP_PAPER = "2104.08223"  # #1 of 2021-04-19 in the sample: MeshTalk, by Alexander Richard et al.

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
if shutil.which(str(CHROMIUM)) is None:
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


@dataclass
class Server:
    """The site served over HTTP on 127.0.0.1: its base URL and the paths requested."""

    url: str
    folder: Path
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Build the sample site (with the hostile digest as newest day) and serve it on a free local port."""
    folder = tmp_path_factory.mktemp("site")
    build_site(combined_archive(tmp_path_factory.mktemp("store")), folder)
    served = Server("", folder)

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            served.requests.append(self.path)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    served.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Tab:
    """A page with what it saw: console errors, uncaught exceptions, requested URLs and dialogs."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_tab(browser: Any, **context: Any) -> Tab:
    """A fresh context and page, listening to everything a test checks."""
    page = browser.new_context(**context).new_page()
    tab = Tab(page)
    page.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: tab.errors.append(str(e)))
    page.on("request", lambda r: tab.requests.append(r.url))

    def dismiss(dialog: Any) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return tab


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    """A desktop-sized tab."""
    opened = open_tab(browser, viewport={"width": 1280, "height": 900})
    yield opened
    opened.page.context.close()


PAGES = [
    "index.html",
    "days/2021-04-19.html",
    paper_path(TOP_PAPER),
    paper_path(HOSTILE_ID),
    "categories/cs.CV.html",
    "categories/index.html",
    "archive.html",
    "search.html?q=face",
]
# Every kind of page, for the accessibility checks.
PAGE_TYPES = [
    *PAGES,
    "categories/cs.CV/2021-04.html",
    "404.html",
]


def visit(tab: Tab, url: str, *, open_details: bool = False) -> None:
    """Open ``url`` (returns once it and every file it loads have loaded); open its <details> if asked."""
    tab.page.goto(url, wait_until="load")
    if open_details:
        tab.page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")


def test_pages_render_without_console_errors(tab: Tab, server: Server) -> None:
    """Each kind of page loads with no console error and no uncaught exception; screenshots are saved."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name in PAGES:
        visit(tab, server.url + name)
        assert tab.errors == [], name
    visit(tab, server.url + "index.html")  # the hostile day: its markup shows as text
    tab.page.screenshot(path=str(ARTIFACTS / "site-index.png"))
    visit(tab, server.url + "days/2021-04-19.html")
    tab.page.screenshot(path=str(ARTIFACTS / "site-day.png"))
    visit(tab, server.url + paper_path(TOP_PAPER))
    tab.page.screenshot(path=str(ARTIFACTS / "site-paper.png"), full_page=True)


def search(tab: Tab, server: Server, query: str) -> list[str]:
    """Type ``query`` into the search page and return the titles found."""
    visit(tab, server.url + "search.html")
    tab.page.fill("#q", query)
    tab.page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    return list(tab.page.locator("#search-results li a").all_text_contents())


def test_search_finds_a_paper_by_a_title_word(tab: Tab, server: Server) -> None:
    """Searching a word of a title lists that paper."""
    assert "MeshTalk: 3D Face Animation from Speech using Cross-Modality Disentanglement" in search(tab, server, "meshtalk")


def test_search_finds_a_paper_by_an_author_name(tab: Tab, server: Server) -> None:
    """Searching an author's name lists the author's paper, and following the result opens its page."""
    titles = search(tab, server, "Zollhoefer")
    assert titles == ["MeshTalk: 3D Face Animation from Speech using Cross-Modality Disentanglement"]
    with tab.page.expect_navigation():
        tab.page.click("#search-results li a")
    assert tab.page.url == server.url + paper_path(TOP_PAPER)


def test_static_mode_requests_nothing_from_another_host(tab: Tab, server: Server) -> None:
    """Opening pages (and their details) in static mode requests only the local server."""
    for name in PAGES:
        visit(tab, server.url + name, open_details=True)
    assert tab.requests and [u for u in tab.requests if not u.startswith(server.url)] == []


def test_injected_markup_stays_inert(tab: Tab, server: Server) -> None:
    """The hostile title, abstract and posts show as text: no dialog, no <img>, no extra <script>."""
    for name in ["index.html", paper_path(HOSTILE_ID), "search.html?q=onerror"]:
        visit(tab, server.url + name, open_details=True)
        assert tab.page.locator("img").count() == 0, name
        assert tab.page.locator("script:not([src])").count() == 0, name
    assert tab.page.locator("#search-results li a").all_text_contents() == [HOSTILE_TITLE]
    visit(tab, server.url + paper_path(HOSTILE_ID))
    assert tab.page.locator("h1").inner_text() == HOSTILE_TITLE
    assert tab.dialogs == [] and tab.errors == []


def background(tab: Tab) -> str:
    """The computed background colour of the body."""
    return str(tab.page.evaluate("getComputedStyle(document.body).backgroundColor"))


def test_theme_toggle_switches_between_light_and_dark(browser: Any, server: Server) -> None:
    """The toggle turns a light page dark and back, and the choice survives a reload."""
    tab = open_tab(browser, color_scheme="light")
    try:
        visit(tab, server.url + "index.html")
        light = background(tab)
        tab.page.click("#theme-toggle")
        assert tab.page.evaluate("document.documentElement.dataset.theme") == "dark"
        dark = background(tab)
        assert dark != light
        tab.page.reload()
        assert background(tab) == dark
        tab.page.click("#theme-toggle")
        assert background(tab) == light
    finally:
        tab.page.context.close()


def test_phone_viewport_has_no_horizontal_scroll(browser: Any, server: Server) -> None:
    """At 375 by 667 no page is wider than the screen (long titles, URLs, tables and the chart wrap or shrink)."""
    tab = open_tab(browser, viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    try:
        for name in PAGES:
            visit(tab, server.url + name, open_details=True)
            width = tab.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert width[0] <= width[1], name
        visit(tab, server.url + "index.html")
        tab.page.screenshot(path=str(ARTIFACTS / "site-index-phone.png"))
    finally:
        tab.page.context.close()


def test_site_works_from_a_file_url(tab: Tab, server: Server) -> None:
    """Opened from file://, links, styles and search work (relative links, search index as a script file)."""
    visit(tab, (server.folder / "search.html").as_uri() + "?q=Zollhoefer")
    tab.page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    with tab.page.expect_navigation():
        tab.page.click("#search-results li a")
    assert tab.page.url == (server.folder / paper_path(TOP_PAPER)).as_uri()
    assert tab.page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "solid"
    assert tab.errors == []


def axe_violations(tab: Tab, url: str) -> list[str]:
    """The serious and critical axe-core violations of the page at ``url`` (its <details> opened)."""
    visit(tab, url, open_details=True)
    tab.page.add_script_tag(path=str(AXE))
    results = tab.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_has_no_serious_accessibility_violation(browser: Any, server: Server, scheme: str) -> None:
    """axe-core finds no serious or critical violation on any kind of page, in the light and the dark theme."""
    if not AXE.is_file():
        pytest.skip(f"{AXE.relative_to(ROOT)} is missing: run `npm ci --prefix tests/js` (CI does)")
    tab = open_tab(browser, viewport={"width": 1280, "height": 900}, color_scheme=scheme, bypass_csp=True)
    try:
        found = {name: axe_violations(tab, server.url + name) for name in PAGE_TYPES}
    finally:
        tab.page.context.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_tex_renders_as_mathml_in_the_browser(tab: Tab, server: Server) -> None:
    """The hostile abstract's `$x<y$` is drawn by the browser as MathML (a laid-out <math> box), not as text."""
    visit(tab, server.url + paper_path(HOSTILE_ID))
    box = tab.page.locator("p.abstract-text math").bounding_box()
    assert box is not None and box["width"] > 0
    assert tab.page.evaluate("getComputedStyle(document.querySelector('p.abstract-text math')).display") != "none"


def test_paper_page_shows_the_tldr_with_who_wrote_it_and_when(browser: Any, server: Server) -> None:
    """The paper page shows the TL;DR and beside it "TL;DR by MODEL on DATE", markup in them as text, at desktop
    and phone widths (screenshots saved); a citation with a javascript: URL is no link."""
    for name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 375, "height": 667})):
        tab = open_tab(browser, viewport=viewport)
        try:
            visit(tab, server.url + paper_path(HOSTILE_ID))
            assert tab.page.locator("section.tldr .tldr-text").inner_text() == HOSTILE_TLDR
            assert tab.page.locator("section.tldr .provenance").inner_text() == (
                f"TL;DR by {HOSTILE_MODEL} on {HOSTILE_DATE}"
            )
            assert tab.page.locator("section.discussion li a.cite").count() == 1  # the https post only
            assert tab.page.locator("img").count() == 0 and tab.dialogs == [] and tab.errors == []
            tab.page.locator("section.tldr").screenshot(path=str(ARTIFACTS / f"site-paper-tldr-{name}.png"))
        finally:
            tab.page.context.close()
