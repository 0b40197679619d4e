"""The "for you" page of a profile in a real browser (Playwright driving Debian's /usr/bin/chromium), served from
127.0.0.1: built by `hotpapers site build` from the profile digest `render --profile` published."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hotpapers.cli import main

from helpers.paths import ROOT
from helpers.profileworld import DAY, ROBOTS, load_sample, write_config

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ARTIFACTS = ROOT / ".ci" / "artifacts"

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
if shutil.which(str(CHROMIUM)) is None:
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

PROFILE = '[profiles.robots]\nlibrary = "library.bib"\nexclude_keywords = ["BERT"]\nrelevance_weight = 0.6\n'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample's site with the robots profile's folder, served on a free local port."""
    folder = tmp_path_factory.mktemp("foryou")
    db = str(folder / "s.db")
    load_sample(db)
    config = str(write_config(folder, PROFILE))
    assert main(["--db", db, "--config", config, "render", "--date", DAY.isoformat(), "--out", str(folder / "posts")]) == 0
    assert main(["--db", db, "--config", config, "render", "--date", DAY.isoformat(), "--profile", "robots",
                 "--format", "json", "--out", str(folder / "json")]) == 0  # fmt: skip
    assert main(["--db", db, "--config", config, "site", "build", "--out", str(folder / "site")]) == 0
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder / "site"))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def page(site: str) -> Iterator[Any]:
    """The profile's page, opened in headless Chromium, with the errors it logged."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        errors: list[str] = []
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(site + "for/robots/index.html")
        tab.errors = errors
        try:
            yield tab
        finally:
            browser.close()


def test_for_you_page_lists_the_relevant_papers_first(page: Any) -> None:
    """The page's first two papers are the robot-learning ones, each with its relevance shown."""
    titles = page.locator("ol.for-you h2.paper-title a").all_inner_texts()
    assert len(titles) >= 2
    first = page.locator("ol.for-you li.paper").first
    assert first.locator("p.relevance").inner_text().startswith("Relevance 0.") or "Relevance 1.00" in first.inner_text()
    hrefs = [a.get_attribute("href") for a in page.locator("ol.for-you h2.paper-title a").all()[:2]]
    assert all(any(robot in (href or "") for robot in ROBOTS) for href in hrefs)


def test_for_you_page_explains_each_score(page: Any) -> None:
    """Opening "Why it is here" shows the breakdown: a relevance row naming the library papers, and the score."""
    why = page.locator("details.why-for-you").first
    why.locator("summary").click()
    rows = why.locator("tr.relevance").all_inner_texts()
    assert any("close to" in row and "of your library" in row for row in rows)
    assert why.locator("tfoot").inner_text().startswith("Score")


def test_for_you_page_links_papers_to_the_site_or_arxiv_and_never_lists_excluded(page: Any) -> None:
    """Every paper links to its page on the site or to arXiv, no BERT paper is listed, and the page logs no error."""
    hrefs = [a.get_attribute("href") or "" for a in page.locator("ol.for-you h2.paper-title a").all()]
    assert hrefs and all(h.startswith(("../../papers/", "https://arxiv.org/abs/")) for h in hrefs)
    assert "BERT" not in page.locator("ol.for-you").inner_text()
    assert page.errors == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "for-you.png"), full_page=False)


def test_for_you_page_uses_the_site_style(page: Any) -> None:
    """The page is styled by the site's own style sheet (served from ../../assets/)."""
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") != "inline"
    assert page.locator("link[rel=stylesheet]").get_attribute("href") == "../../assets/style.css"
