"""Enrichment in the outputs: JSON dataset, feeds, site, the has_code filter, and default's opt-in item."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import feedparser
import pytest

from hotpapers.cli import app, main
from hotpapers.jobs import render as render_job
from hotpapers.jobs.site import build_site_from_store
from hotpapers.models import (
    ArtifactSnapshot,
    ArxivId,
    CitationSnapshot,
    CodeHost,
    CodeLink,
    FoundIn,
    RepoSnapshot,
)
from hotpapers.ranking.options import DefaultOptions
from hotpapers.site._model import paper_path
from hotpapers.store import SQLiteStore
from hotpapers.writers.json_writer import render_json

from helpers.enrichworld import DAY, ECOMMERCE, EEG, GOODVIEWS, NOW

URL = "https://github.com/mandiehyewon/goodviews_ecg"
ID = ArxivId(GOODVIEWS)
RECORDS = (
    CodeLink(ID, URL, CodeHost.GITHUB, FoundIn.ABSTRACT, NOW),
    RepoSnapshot(URL, NOW - dt.timedelta(days=2), 100, NOW - dt.timedelta(days=30)),
    RepoSnapshot(URL, NOW, 130),
    ArtifactSnapshot(ID, NOW, 2, 0, 1),
    CitationSnapshot(ID, NOW, True, 12, 3, "NeurIPS", "abc"),
)
LISTED = {"options": DefaultOptions(min_score=1.0)}
"""The three discussed papers are listed (one anonymous post each scores about 4 under ``default``)."""


@pytest.fixture
def enriched(store: SQLiteStore) -> SQLiteStore:
    """The listing store with one paper's code (130 stars, 15 a day), artifacts and citations."""
    store.add_enrichment(RECORDS)
    return store


def _dataset(store: SQLiteStore) -> dict[str, dict[str, object]]:
    digest = render_job.build_digest(store, DAY, preset="default", now=NOW, options=LISTED)
    return {p["paper"]["arxiv_id"]: p for p in json.loads(render_json(digest))["papers"]}


def test_dataset_paper_objects_carry_code_artifacts_and_citations(enriched: SQLiteStore) -> None:
    """The JSON dataset's ranked paper has ``code`` (url, stars, stars_per_day), ``artifacts`` and ``citations``."""
    item = _dataset(enriched)[GOODVIEWS]
    assert {k: item["code"][k] for k in ("url", "stars", "stars_per_day")} == {  # type: ignore[index]
        "url": URL, "stars": 130, "stars_per_day": 15.0
    }
    assert item["artifacts"] == {"models": 2, "datasets": 0, "spaces": 1, "observed_at": "2024-11-29T02:00:00Z"}
    assert item["citations"] == {"count": 12, "influential": 3, "venue": "NeurIPS", "observed_at": "2024-11-29T02:00:00Z"}


def test_unknown_enrichment_is_null_in_every_field(enriched: SQLiteStore) -> None:
    """A ranked paper nothing is known about has the three objects, every value null."""
    item = _dataset(enriched)[EEG]
    assert set(item["code"].values()) == {None}  # type: ignore[union-attr]
    assert set(item["artifacts"].values()) == {None} and set(item["citations"].values()) == {None}  # type: ignore[union-attr]


def test_feeds_show_the_line_and_add_a_feed_of_papers_with_code(enriched: SQLiteStore, tmp_path: Path) -> None:
    """Each feed entry shows code, stars per day, artifacts and citations; ``feeds/with-code/`` lists that paper."""
    render_job.render(enriched, DAY, formats=["atom"], out_dir=tmp_path, preset="default", now=NOW)
    whole = (tmp_path / "feeds" / "atom.xml").read_text()
    assert "github.com/mandiehyewon/goodviews_ecg</a> (130★ +15★/day)" in whole.replace("&lt;", "<").replace("&gt;", ">")
    coded = feedparser.parse((tmp_path / "feeds" / "with-code" / "atom.xml").read_bytes())
    assert [e.title for e in coded.entries] == [
        next(e.title for e in feedparser.parse(whole.encode()).entries if GOODVIEWS in e.link)
    ]
    assert "2 models · 1 Space · 12 citations (3 influential) · NeurIPS" in coded.entries[0].content[0].value


def test_render_has_code_writes_only_the_papers_with_code(enriched: SQLiteStore, tmp_path: Path) -> None:
    """``render --has-code``: the dataset lists the one paper with code, ranked 1; the stored digest keeps all."""
    result = render_job.render(enriched, DAY, formats=["json"], out_dir=tmp_path, preset="default", now=NOW,
                             has_code=True, options=LISTED)  # fmt: skip
    papers = json.loads(result.paths[0].read_bytes())["papers"]
    assert [(p["rank"], p["paper"]["arxiv_id"]) for p in papers] == [(1, GOODVIEWS)]
    stored = enriched.load_digest(DAY, "default")
    assert stored is not None and len(stored.papers) == 3


def test_render_has_code_from_the_command_line(enriched: SQLiteStore, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """``hotpapers render --date D --has-code --format json`` writes the filtered dataset."""
    monkeypatch.setattr(app, "now_utc", lambda: NOW)
    code = main(["--db", enriched.url, "render", "--date", DAY.isoformat(), "--has-code", "--format", "json",
                 "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    data = json.loads((tmp_path / "json" / f"{DAY}.json").read_bytes())
    assert data["digest"]["title"].endswith("(papers with code)") and len(data["papers"]) == 1


def test_site_pages_show_the_badge(enriched: SQLiteStore, tmp_path: Path) -> None:
    """The day card and the paper page show the repo badge with +N★/day, "2 models · 1 Space" and citations."""
    render_job.build_digest(enriched, DAY, preset="default", now=NOW, options=LISTED)
    build_site_from_store(enriched, tmp_path, preset="default")
    day = (tmp_path / "days" / f"{DAY}.html").read_text()
    page = (tmp_path / paper_path(GOODVIEWS)).read_text()
    for html in (day, page):
        assert f'<a href="{URL}" rel="noopener">github.com/mandiehyewon/goodviews_ecg</a>' in html
        assert ">+15★/day</span>" in html and ">2 models · 1 Space</a>" in html
        assert "12 citations (3 influential) · NeurIPS" in html
    assert 'class="enrichment"' not in (tmp_path / paper_path(EEG)).read_text()


def test_site_build_has_code_lists_only_papers_with_code(enriched: SQLiteStore, tmp_path: Path) -> None:
    """``site build --has-code``: the day lists the paper with code; pages of the others are not written."""
    render_job.build_digest(enriched, DAY, preset="default", now=NOW, options=LISTED)
    code = main(["--db", enriched.url, "site", "build", "--out", str(tmp_path), "--preset", "default", "--has-code"])
    assert code == 0
    assert (tmp_path / paper_path(GOODVIEWS)).exists() and not (tmp_path / paper_path(ECOMMERCE)).exists()


def test_default_ignores_enrichment_unless_asked(enriched: SQLiteStore) -> None:
    """With default options no breakdown item mentions enrichment: scores are the discussion's alone."""
    digest = render_job.build_digest(enriched, DAY, preset="default", now=NOW)
    assert not [b for p in digest.papers for b in p.breakdown if b.label.startswith("enrichment")]


def test_default_counts_enrichment_as_one_capped_explained_item(enriched: SQLiteStore) -> None:
    """``enrichment_weight`` 1, cap 2: one item naming stars per day, artifacts and citations, worth 2 points."""
    options = {"options": DefaultOptions(enrichment_weight=1.0, enrichment_cap=2.0)}
    digest = render_job.build_digest(enriched, DAY, preset="default", now=NOW, refresh=True, options=options)
    ranked = next(p for p in digest.papers if p.paper.arxiv_id == GOODVIEWS)
    items = [b for b in ranked.breakdown if b.kind == "enrichment"]
    assert [(b.label, b.value) for b in items] == [
        ("enrichment: 15 stars/day, 3 Hugging Face artifacts, 12 citations (x1 log1p(30), capped at 2)", 2.0)
    ]
    assert ranked.score == pytest.approx(sum(b.value for b in ranked.breakdown))


def test_the_environment_names_no_secret_in_the_site(enriched: SQLiteStore, tmp_path: Path) -> None:
    """The site build reads no environment: no token can reach a page (pages are built from the store alone)."""
    os.environ.pop("HOTPAPERS_GITHUB_TOKEN", None)
    render_job.build_digest(enriched, DAY, preset="default", now=NOW)
    paths = build_site_from_store(enriched, tmp_path, preset="default").written
    assert paths and all("TOKEN" not in p.read_text(errors="replace") for p in paths if p.suffix == ".html")


def test_a_view_carries_enrichment_and_has_code_filters_it(enriched: SQLiteStore, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """``render --from D --to D --has-code``: the roll-up's papers carry their enrichment, so the filter keeps the
    paper with code (a view is ranked fresh, like a day)."""
    monkeypatch.setattr(app, "now_utc", lambda: NOW)
    day = DAY.isoformat()
    code = main(["--db", enriched.url, "render", "--from", day, "--to", day, "--has-code", "--format", "json",
                 "--option", "min_score=1", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    (path,) = (tmp_path / "json").glob("*.json")
    papers = json.loads(path.read_bytes())["papers"]
    assert [(p["paper"]["arxiv_id"], p["code"]["stars"]) for p in papers] == [(GOODVIEWS, 130)]
