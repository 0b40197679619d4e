"""`hotpapers serve` in a real browser (Playwright driving Debian's /usr/bin/chromium): the live site's pages, their
links, and the API read by a page's own script. Screenshots go to .ci/artifacts/ for a person to look at."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers.serving import WITH_CODE, Published, running

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / ".ci" / "artifacts"

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
if shutil.which(str(CHROMIUM)) is None:
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def served(published: Published) -> Iterator[str]:
    """A running `hotpapers serve` over the published sample."""
    with running(published.db) as url:
        yield url


@pytest.fixture
def page(served: str) -> Iterator[Any]:
    """A fresh browser page that records console errors (a test fails on any)."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            errors: list[str] = []
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.console_errors = errors
            yield tab
            assert errors == []
        finally:
            browser.close()


def test_site_is_served_live_and_links_work(page: Any, served: str) -> None:
    """The index shows the newest day's digest; following its first paper opens that paper's live page."""
    page.goto(served + "/")
    assert "Hot Papers" in page.title()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-index.png"))
    link = page.locator('a[href*="papers/"]').first
    target = link.get_attribute("href").rsplit("/", 1)[-1]
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/papers/{target}")
    assert page.locator("h1").first.inner_text().strip()
    page.screenshot(path=str(ARTIFACTS / "serve-paper.png"))


def test_page_script_reads_the_api(page: Any, served: str) -> None:
    """A script on a served page fetches the API (same origin): the digest JSON, then a 304 on revalidation."""
    page.goto(served + "/archive.html")
    found = page.evaluate("""async () => {
        const first = await fetch('/api/v1/digests/latest?preset=classic');
        const body = await first.json();
        const again = await fetch('/api/v1/digests/latest?preset=classic',
                                  {headers: {'If-None-Match': first.headers.get('ETag')}});
        return [first.status, body.schema_version, body.papers[0].paper.arxiv_id, again.status];
    }""")
    assert found == [200, 1, WITH_CODE, 304]


def test_missing_page_shows_the_sites_404(page: Any, served: str) -> None:
    """A missing page answers 404 with the site's own 404 page."""
    answer = page.goto(served + "/papers/9999.99999.html")
    assert answer.status == 404
    page.console_errors[:] = [e for e in page.console_errors if "404" not in e]  # the browser logs the 404 itself
    assert "404" in page.title() or "not found" in page.content().lower()
