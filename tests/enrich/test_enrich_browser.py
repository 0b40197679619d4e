"""The enrichment badges in a real browser (Playwright driving Debian's /usr/bin/chromium), pages opened from file://.

A site is built from the recorded listing of 2024-11-28 with code (130 stars, 15 a day), artifacts and citations
for one paper; its paper page and its day are opened at desktop and phone widths, checked, and screenshotted to
.ci/artifacts/ (site-paper-enriched.png, site-paper-enriched-phone.png, site-day-enriched-phone.png).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotpapers.jobs import render as render_job
from hotpapers.jobs.site import build_site_from_store
from hotpapers.models import ArtifactSnapshot, ArxivId, CitationSnapshot, CodeHost, CodeLink, FoundIn, RepoSnapshot
from hotpapers.site._model import paper_path

from helpers.enrichworld import DAY, DISCUSSED, GOODVIEWS, NOW, listing_store
from helpers.paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ARTIFACTS = ROOT / ".ci" / "artifacts"
URL = "https://github.com/mandiehyewon/goodviews_ecg"
ID = ArxivId(GOODVIEWS)
PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
if shutil.which(str(CHROMIUM)) is None:
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the enriched listing, built once for the module."""
    folder = tmp_path_factory.mktemp("enriched-site")
    with listing_store(str(folder / "s.db"), DISCUSSED) as store:
        store.add_enrichment([
            CodeLink(ID, URL, CodeHost.GITHUB, FoundIn.ABSTRACT, NOW),
            RepoSnapshot(URL, NOW - dt.timedelta(days=2), 100, NOW - dt.timedelta(days=30)),
            RepoSnapshot(URL, NOW, 130),
            ArtifactSnapshot(ID, NOW, 2, 0, 1),
            CitationSnapshot(ID, NOW, True, 12, 3, "Conference on Neural Information Processing Systems", "abc"),
        ])  # fmt: skip
        render_job.build_digest(store, DAY, preset="default", now=NOW)
        build_site_from_store(store, folder / "out", preset="default")
    return folder / "out"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser: Any, page_file: Path, **context: Any) -> tuple[Any, list[str]]:
    page = browser.new_context(**context).new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri(), wait_until="load")
    return page, errors


@pytest.mark.parametrize(("size", "context"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_paper_page_shows_code_stars_per_day_artifacts_and_citations(
    browser: Any, site: Path, size: str, context: dict[str, Any]
) -> None:
    """The paper page's header shows the repo badge with +15★/day, "2 models · 1 Space" and the citations."""
    page, errors = _open(browser, site / paper_path(GOODVIEWS), **context)
    try:
        badge = page.locator("header .enrichment")
        assert badge.is_visible()
        text = badge.inner_text()
        assert "github.com/mandiehyewon/goodviews_ecg" in text and "130★" in text and "+15★/day" in text
        assert "2 models · 1 Space" in text and "12 citations (3 influential)" in text
        assert page.locator("header .repo-badge a").get_attribute("href") == URL
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1] and errors == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = "site-paper-enriched.png" if size == "desktop" else "site-paper-enriched-phone.png"
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    finally:
        page.context.close()


def test_day_card_shows_the_badge_on_a_phone(browser: Any, site: Path) -> None:
    """On the day's page at phone width, the card of the paper with code has the badge, without horizontal scroll."""
    page, errors = _open(browser, site / "days" / f"{DAY}.html", **PHONE)
    try:
        card = page.locator("li.paper", has=page.locator(".repo-badge"))
        assert card.count() == 1 and "+15★/day" in card.inner_text()
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1] and errors == []
        card.screenshot(path=str(ARTIFACTS / "site-day-enriched-phone.png"))
    finally:
        page.context.close()
