"""The static site: pages, links, determinism, search index, charts, embeds and escaping of hostile input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import orjson
import pytest
from click.testing import CliRunner

from hotpapers.cli.app import Context
from hotpapers.cli.site import site
from hotpapers.errors import UsageError
from hotpapers.jobs.site import build_site_from_store
from hotpapers.models import Archive, ArxivId, EngagementSnapshot, PostEvidence
from hotpapers.site import MANIFEST_NAME, build_site
from hotpapers.site._chart import engagement_series
from hotpapers.site._model import paper_path, slug
from hotpapers.site._search import INDEX_PREFIX, INDEX_SUFFIX
from hotpapers.store import open_store

from helpers.factories import post as make_post
from helpers.sitedata import (
    HOSTILE_ABSTRACT,
    HOSTILE_AUTHOR,
    HOSTILE_ID,
    HOSTILE_LABEL,
    HOSTILE_POST_TEXT,
    HOSTILE_TITLE,
    NOW,
    combined_archive,
    hostile_archive,
    sample_archive,
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """The sample's four real days with the hostile digest on top."""
    return combined_archive(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def out(archive: Archive, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of ``archive``, built once for the module."""
    folder = tmp_path_factory.mktemp("site")
    build_site(archive, folder)
    return folder


def pages(out: Path) -> Iterator[tuple[Path, lxml.html.HtmlElement]]:
    """Every HTML page of the site, parsed."""
    for path in sorted(out.rglob("*.html")):
        yield path, lxml.html.fromstring(path.read_bytes())


def hostile_pages(out: Path) -> Iterator[tuple[Path, lxml.html.HtmlElement]]:
    """The pages that show the hostile paper: its day, the index, its paper page, its categories, search."""
    names = ["index.html", "days/2021-04-20.html", paper_path(HOSTILE_ID), "categories/cs.CR.html"]
    for name in names:
        yield out / name, lxml.html.fromstring((out / name).read_bytes())


def search_index(out: Path) -> list[dict[str, object]]:
    """The entries of every shard of the search index (assets/search/YYYY-MM.js)."""
    entries: list[dict[str, object]] = []
    for shard in sorted((out / "assets" / "search").glob("*.js")):
        text = shard.read_text(encoding="utf-8")
        assert text.startswith(INDEX_PREFIX) and text.endswith(INDEX_SUFFIX)
        entries.extend(orjson.loads(text[len(INDEX_PREFIX) : -len(INDEX_SUFFIX)]))
    return entries


def test_every_page_exists(archive: Archive, out: Path) -> None:
    """Index, archive, search, 404, a page per day, per paper and per category, and the assets are written."""
    expected = ["index.html", "archive.html", "search.html", "404.html", "categories/index.html", ".nojekyll"]
    expected += [f"days/{d.date}.html" for d in archive.digests]
    expected += [paper_path(p.paper.arxiv_id) for d in archive.digests for p in d.papers]
    categories = {c for d in archive.digests for p in d.papers for c in (p.paper.primary_category, *p.paper.categories)}
    expected += [f"categories/{c}.html" for c in categories]
    expected += [f"assets/{n}" for n in ("style.css", "site.js", "theme.js", "favicon.svg")]
    expected += sorted({f"assets/search/{d.date:%Y-%m}.js" for d in archive.digests})
    assert [name for name in expected if not (out / name).is_file()] == []


def test_build_site_returns_every_file_written(archive: Archive, tmp_path: Path) -> None:
    """A first build reports every file of the folder as written (none left behind as temporaries), but the
    manifest."""
    report = build_site(archive, tmp_path)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.name != MANIFEST_NAME)
    assert sorted(report.written) == files and report.unchanged == 0 and report.files == len(files)


def test_relative_links_resolve(out: Path) -> None:
    """Every relative href and src of every page points to a file of the site (and its #fragment exists)."""
    broken = []
    for path, doc in pages(out):
        if path.name == "404.html":  # links from the base URL, checked in its own test
            continue
        for element, _attribute, link, _pos in doc.iterlinks():
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or element.get("rel") == "canonical":
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file() or out.resolve() not in target.parents:
                broken.append(f"{path.relative_to(out)}: {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = lxml.html.fromstring(target.read_bytes()).xpath("//@id")
                if parts.fragment not in ids:
                    broken.append(f"{path.relative_to(out)}: {link} (no such id)")
    assert broken == []


def test_each_page_has_one_h1_a_title_lang_and_viewport(out: Path) -> None:
    """Every page has exactly one <h1>, a non-empty <title>, <html lang> and a viewport meta."""
    for path, doc in pages(out):
        assert len(doc.xpath("//h1")) == 1, path
        assert doc.findtext(".//title").strip(), path
        assert doc.get("lang") == "en", path
        assert doc.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"], path


def test_build_is_deterministic(archive: Archive, tmp_path: Path) -> None:
    """Building the same archive twice gives the same files with the same bytes."""
    first = build_site(archive, tmp_path / "a").written
    second = build_site(archive, tmp_path / "b").written
    assert [p.relative_to(tmp_path / "a") for p in first] == [p.relative_to(tmp_path / "b") for p in second]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_search_index_lists_every_paper(archive: Archive, out: Path) -> None:
    """The search index has one entry per listed paper, with title, authors, abstract and its page."""
    entries = {e["id"]: e for e in search_index(out)}
    listed = {p.paper.arxiv_id: p.paper for d in archive.digests for p in d.papers}
    assert set(entries) == set(listed)
    for arxiv_id, paper in listed.items():
        assert (entries[arxiv_id]["title"], entries[arxiv_id]["authors"]) == (paper.title, list(paper.authors))
        assert entries[arxiv_id]["abstract"] == paper.abstract
        assert (out / str(entries[arxiv_id]["url"])).is_file()


def test_search_index_cannot_close_a_script_element(out: Path) -> None:
    """The index escapes < > & as \\u escapes: no `</script>` in a shard, and the data reads back unchanged."""
    for shard in (out / "assets" / "search").glob("*.js"):
        assert not set("<>&") & set(shard.read_text(encoding="utf-8"))
    assert {e["title"] for e in search_index(out)} >= {HOSTILE_TITLE}


def test_static_pages_have_a_strict_csp_and_no_inline_script(out: Path) -> None:
    """Every page sets CSP default-src 'self', and every script is a file of the site (none inline)."""
    for path, doc in pages(out):
        csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        assert len(csp) == 1 and "default-src 'self'" in csp[0] and "unsafe-inline" not in csp[0], path
        for script in doc.iter("script"):
            assert script.get("src") and not (script.text or "").strip(), path
        assert doc.xpath("//@style") == [], path


def test_static_mode_loads_nothing_from_another_host(out: Path) -> None:
    """In static mode no script, stylesheet, image or frame comes from outside the site."""
    for path, doc in pages(out):
        if path.name == "404.html":
            continue
        sources = doc.xpath("//script/@src | //link[@rel!='canonical']/@href | //img/@src | //iframe/@src")
        assert [s for s in sources if urlsplit(s).scheme or s.startswith("//")] == [], path


def test_hostile_title_is_shown_as_text(out: Path) -> None:
    """A title `<img src=x onerror=...>` is the <h1>'s text on its page, and no <img> exists anywhere."""
    doc = lxml.html.fromstring((out / paper_path(HOSTILE_ID)).read_bytes())
    assert doc.findtext(".//h1") == HOSTILE_TITLE
    assert all(doc.xpath("//img") == [] for _, doc in pages(out))


def test_hostile_abstract_and_author_are_escaped(out: Path) -> None:
    """`a < b & c` and `O'Hare` appear as text, markup in them makes no element, and `$x<y$` is MathML."""
    raw = (out / paper_path(HOSTILE_ID)).read_text(encoding="utf-8")
    assert "a &lt; b &amp; c" in raw and "<b>bold</b>" not in raw
    doc = lxml.html.fromstring(raw)
    before, after = HOSTILE_ABSTRACT.split("$x<y$")
    abstract = doc.xpath("//p[@class='abstract-text']")[0]
    assert abstract.text_content() == before + "x<y" + after and HOSTILE_AUTHOR in doc.text_content()
    assert [m.text_content() for m in abstract.iter("math")] == ["x<y"]
    assert doc.xpath("//i | //b") == []


def test_hostile_post_text_stays_text(out: Path) -> None:
    """A post text `"</script><script>alert(1)</script>` is visible text, and adds no <script> element."""
    for path, doc in hostile_pages(out):
        assert all(s.get("src", "").endswith(".js") and not s.text for s in doc.iter("script")), path
    doc = lxml.html.fromstring((out / paper_path(HOSTILE_ID)).read_bytes())
    texts = [" ".join(p.text_content().split()) for p in doc.xpath("//p[contains(@class, 'hp-text')]")]
    assert texts == [" ".join(HOSTILE_POST_TEXT.split())] * 2


def test_no_event_handler_attributes(out: Path) -> None:
    """No element of any page has an on* attribute."""
    for path, doc in pages(out):
        assert [a for el in doc.iter() for a in el.attrib if a.lower().startswith("on")] == [], path


def test_only_http_links(out: Path) -> None:
    """No href or src is a javascript:, data: or other non-http(s) URL (the hostile pdf and post URLs are dropped)."""
    for path, doc in pages(out):
        for _element, _attribute, link, _pos in doc.iterlinks():
            scheme = urlsplit(link.strip()).scheme.lower()
            assert scheme in ("", "http", "https"), f"{path}: {link}"


def test_hostile_breakdown_label_is_text(out: Path) -> None:
    """A breakdown label with a <script> tag is shown as text in the "why" table."""
    doc = lxml.html.fromstring((out / paper_path(HOSTILE_ID)).read_bytes())
    assert HOSTILE_LABEL in doc.xpath("string(//table[@class='breakdown'])")


def test_hostile_ids_and_categories_stay_inside_the_output(tmp_path: Path) -> None:
    """An arXiv id or category with `../` and markup becomes a safe file name inside the output folder."""
    base = hostile_archive()
    ranked = base.digests[0].papers[0]
    evil_id = ArxivId('../../x"><svg onload=alert(1)>')
    paper = dataclasses.replace(ranked.paper, arxiv_id=evil_id, categories=("../../../etc", "cs.LG"))
    digest = dataclasses.replace(base.digests[0], papers=(dataclasses.replace(ranked, paper=paper),))
    written = build_site(Archive((digest,), {}, {}, NOW), tmp_path / "out").written
    assert all((tmp_path / "out").resolve() in p.resolve().parents for p in written)
    assert (tmp_path / "out" / paper_path(evil_id)).is_file() and "/" not in slug(evil_id)


def test_paper_page_lists_every_post_and_marks_deleted_ones(out: Path, archive: Archive) -> None:
    """The paper page shows all posts of archive.paper_posts[id]; a deleted one is marked."""
    doc = lxml.html.fromstring((out / paper_path(HOSTILE_ID)).read_bytes())
    items = doc.xpath("//ol[@class='post-list']/li")
    assert len(items) == len(archive.paper_posts[HOSTILE_ID]) == 2
    assert [("deleted" in li.get("class")) for li in items] == [False, True]
    assert "no longer on X" in items[1].text_content()


def test_sample_paper_page_lists_every_post(out: Path, archive: Archive) -> None:
    """For each sample paper, the page lists as many posts as the archive holds for it."""
    for arxiv_id, posts in archive.paper_posts.items():
        doc = lxml.html.fromstring((out / paper_path(arxiv_id)).read_bytes())
        assert len(doc.xpath("//ol[@class='post-list']/li")) == len(posts), arxiv_id


def test_why_breakdown_sums_to_the_score_and_names_the_preset(out: Path, archive: Archive) -> None:
    """The "why" table of the top paper lists its breakdown items, their total as score, and the preset."""
    ranked = archive.digests[1].papers[0]
    doc = lxml.html.fromstring((out / paper_path(ranked.paper.arxiv_id)).read_bytes())
    values = [float(v.replace(",", "")) for v in doc.xpath("//table[@class='breakdown']/tbody//td[@class='num']/text()")]
    assert values == [item.value for item in ranked.breakdown]
    assert sum(values) == pytest.approx(ranked.score)
    assert "classic preset" in " ".join(doc.xpath("string(//p[@class='why-head'])").split())


def header_links(doc: lxml.html.HtmlElement) -> dict[str, str]:
    """The arXiv links under a paper page's title, by label."""
    anchors = doc.xpath("//header//p[@class='links']/a")
    return {a.text: a.get("href") for a in anchors}


def test_paper_links_are_abs_and_pdf_before_arxiv_html(out: Path, archive: Archive) -> None:
    """A 2021 paper links its abs and pdf pages; arXiv had no HTML version then, so none is linked."""
    paper = archive.digests[1].papers[0].paper
    doc = lxml.html.fromstring((out / paper_path(paper.arxiv_id)).read_bytes())
    assert header_links(doc) == {"abs": f"https://arxiv.org/abs/{paper.arxiv_id}", "pdf": f"https://arxiv.org/pdf/{paper.arxiv_id}"}


def test_recent_paper_links_abs_pdf_and_html(tmp_path: Path) -> None:
    """A paper from 2024 links abs, pdf and html; a stored non-http(s) pdf URL gives way to arXiv's."""
    base = hostile_archive()
    ranked = base.digests[0].papers[0]
    paper = dataclasses.replace(ranked.paper, arxiv_id=ArxivId("2401.01234"), abs_url=None)
    digest = dataclasses.replace(base.digests[0], papers=(dataclasses.replace(ranked, paper=paper),))
    build_site(Archive((digest,), {}, {}, NOW), tmp_path)
    doc = lxml.html.fromstring((tmp_path / paper_path("2401.01234")).read_bytes())
    assert header_links(doc) == {label: f"https://arxiv.org/{label}/2401.01234" for label in ("abs", "pdf", "html")}


def test_engagement_series_sums_the_latest_snapshot_of_each_post() -> None:
    """At each snapshot time the total is the sum over posts of their latest counts so far."""
    t0 = dt.datetime(2021, 4, 20, tzinfo=dt.UTC)
    a, b = make_post("1"), make_post("2")
    series = {
        ("x", "1"): (EngagementSnapshot("x", "1", t0, likes=1), EngagementSnapshot("x", "1", t0 + dt.timedelta(hours=2), likes=5, replies=1)),
        ("x", "2"): (EngagementSnapshot("x", "2", t0 + dt.timedelta(hours=1), reposts=2, quotes=1),),
    }
    got = engagement_series([PostEvidence(a, None), PostEvidence(b, None)], series)
    assert got == [(t0, 1), (t0 + dt.timedelta(hours=1), 4), (t0 + dt.timedelta(hours=2), 9)]


def test_chart_draws_a_polyline_with_axis_labels(out: Path) -> None:
    """Several snapshots draw an SVG polyline with a point per snapshot and labels on both axes."""
    doc = lxml.html.fromstring((out / paper_path(HOSTILE_ID)).read_bytes())
    svg = doc.xpath("//figure[@class='chart']/svg")[0]
    assert len(svg.xpath(".//polyline")) == 1 and len(svg.xpath(".//circle")) == 3
    assert svg.xpath(".//text/text()") == ["0", "17", "35", "04-20 13:00", "04-20 15:00", "04-20 17:00"]
    assert "35 at 2021-04-20 17:00 UTC" in svg.findtext("title")


def test_single_snapshot_draws_a_point(out: Path, archive: Archive) -> None:
    """A paper whose posts were observed once gets a single point and no line."""
    arxiv_id = archive.digests[1].papers[0].paper.arxiv_id
    svg = lxml.html.fromstring((out / paper_path(arxiv_id)).read_bytes()).xpath("//figure[@class='chart']/svg")[0]
    assert (len(svg.xpath(".//polyline")), len(svg.xpath(".//circle"))) == (0, 1)


def test_no_snapshot_draws_a_note(tmp_path: Path) -> None:
    """A paper without any snapshot gets a note instead of a chart."""
    base = hostile_archive()
    build_site(Archive(base.digests, base.paper_posts, {}, NOW), tmp_path)
    doc = lxml.html.fromstring((tmp_path / paper_path(HOSTILE_ID)).read_bytes())
    assert doc.xpath("//svg[@role='img']") == []
    assert "No engagement snapshots" in doc.xpath("string(//section[h2[@id='engagement']])")


def test_day_pages_link_previous_and_next(out: Path) -> None:
    """A day page links the older day as rel=prev and the newer as rel=next; the ends lack one of them."""
    doc = lxml.html.fromstring((out / "days/2021-01-15.html").read_bytes())
    assert set(doc.xpath("//a[@rel='prev']/@href")) == {"../days/2020-11-18.html"}
    assert set(doc.xpath("//a[@rel='next']/@href")) == {"../days/2021-04-19.html"}
    oldest = lxml.html.fromstring((out / "days/2020-08-18.html").read_bytes())
    assert oldest.xpath("//a[@rel='prev']") == []


def test_index_is_the_latest_digest(out: Path, archive: Archive) -> None:
    """index.html shows the newest day's digest, with the same papers in the same order."""
    doc = lxml.html.fromstring((out / "index.html").read_bytes())
    titles = [" ".join(h.text_content().split()) for h in doc.xpath("//h2[@class='paper-title']")]
    assert titles == [p.paper.title for p in archive.digests[0].papers]


def test_category_page_lists_its_papers_newest_first(out: Path, archive: Archive) -> None:
    """A category page has a section per day, newest first, with the day's papers of that category by rank."""
    doc = lxml.html.fromstring((out / "categories/cs.CV.html").read_bytes())
    days = [h.get("href") for h in doc.xpath("//section[@class='day-group']/h2/a")]
    assert days == sorted(days, reverse=True) and len(days) > 1
    expected = [
        paper_path(p.paper.arxiv_id) for d in archive.digests for p in d.papers if "cs.CV" in (p.paper.primary_category, *p.paper.categories)
    ]
    assert [h.removeprefix("../") for h in doc.xpath("//section[@class='day-group']//li/a/@href")] == expected


def test_archive_calendar_links_every_day(out: Path, archive: Archive) -> None:
    """The archive has a calendar month per month with a digest, and each digest day is a link."""
    doc = lxml.html.fromstring((out / "archive.html").read_bytes())
    assert doc.xpath("//table[@class='calendar']/caption/text()") == ["April 2021", "January 2021", "November 2020", "August 2020"]
    linked = doc.xpath("//table[@class='calendar']//td[@class='has']/a/@href")
    assert sorted(linked) == sorted(f"days/{d.date}.html" for d in archive.digests)


def test_official_mode_loads_each_platform_script_once(archive: Archive, tmp_path: Path) -> None:
    """With official embeds, a page with X posts loads widgets.js once, allowed by its CSP, and no inline script."""
    build_site(archive, tmp_path, embeds="official")
    doc = lxml.html.fromstring((tmp_path / "days/2021-04-19.html").read_bytes())
    external = [s for s in doc.xpath("//script/@src") if s.startswith("https://")]
    assert external == ["https://platform.twitter.com/widgets.js"]
    assert "https://platform.twitter.com" in doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert len(doc.xpath("//blockquote[@class='twitter-tweet']")) > 0
    assert all(s.get("src") for s in doc.iter("script"))


def test_absolute_base_url_adds_canonical_links_and_a_sitemap(archive: Archive, tmp_path: Path) -> None:
    """With an absolute base URL, pages get a canonical link and sitemap.xml lists every page (XML-escaped)."""
    build_site(archive, tmp_path, base_url="https://me.github.io/papers")
    doc = lxml.html.fromstring((tmp_path / "days/2021-04-19.html").read_bytes())
    assert doc.xpath("//link[@rel='canonical']/@href") == ["https://me.github.io/papers/days/2021-04-19.html"]
    sitemap = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://me.github.io/papers/</loc>" in sitemap and "/404.html" not in sitemap
    assert len(re.findall("<loc>", sitemap)) == len(list(tmp_path.rglob("*.html"))) - 1


def test_404_page_links_from_the_base_url(archive: Archive, tmp_path: Path) -> None:
    """404.html (served for any missing path) links its assets and pages from the base URL."""
    build_site(archive, tmp_path, base_url="/papers/")
    doc = lxml.html.fromstring((tmp_path / "404.html").read_bytes())
    assert doc.xpath("//link[@rel='stylesheet']/@href") == ["/papers/assets/style.css"]
    assert not (tmp_path / "sitemap.xml").exists()


@pytest.mark.parametrize("base_url", ["javascript:alert(1)", "ftp://host/", "//evil.example/", "papers"])
def test_bad_base_url_is_a_usage_error(archive: Archive, tmp_path: Path, base_url: str) -> None:
    """A base URL that is not a /path or an http(s) URL is refused before anything is written."""
    with pytest.raises(UsageError, match="base URL"):
        build_site(archive, tmp_path / "out", base_url=base_url)
    assert not (tmp_path / "out").exists()


def test_empty_archive_builds_an_index(tmp_path: Path) -> None:
    """An archive without digests still gives a valid index page saying so."""
    build_site(Archive((), {}, {}, NOW), tmp_path)
    doc = lxml.html.fromstring((tmp_path / "index.html").read_bytes())
    assert doc.findtext(".//h1") == "No digests yet"


def test_build_site_from_store_reads_the_published_digests(tmp_path: Path) -> None:
    """build_site_from_store builds the archive of the store's published digests and writes its site."""
    archive = sample_archive(tmp_path)
    store = open_store(str(tmp_path / "sample.db"))
    try:
        written = build_site_from_store(store, tmp_path / "out", preset="classic").written
    finally:
        store.close()
    assert tmp_path / "out" / "index.html" in written
    assert all((tmp_path / "out" / f"days/{d.date}.html").is_file() for d in archive.digests)


def test_cli_site_build_writes_the_site(tmp_path: Path) -> None:
    """`site build --out DIR` builds the site of the store given with --db and says how many files it wrote."""
    sample_archive(tmp_path)
    ctx = Context(str(tmp_path / "sample.db"), None, False)
    result = CliRunner().invoke(site, ["build", "--out", str(tmp_path / "out"), "--embeds", "static"], obj=ctx)
    assert result.exit_code == 0, result.output
    assert f"files written under {tmp_path / 'out'} (" in result.output
    assert (tmp_path / "out" / "search.html").is_file()


def test_cli_site_build_refuses_an_unknown_embed_mode(tmp_path: Path) -> None:
    """--embeds accepts only static and official."""
    ctx = Context(str(tmp_path / "x.db"), None, False)
    result = CliRunner().invoke(site, ["build", "--out", str(tmp_path), "--embeds", "iframe"], obj=ctx)
    assert result.exit_code == 2 and "iframe" in result.output


def test_files_are_readable_by_a_web_server(out: Path) -> None:
    """Every file is world-readable (rw-r--r--), so a server running as another user can serve it."""
    assert {oct(p.stat().st_mode & 0o777) for p in out.rglob("*") if p.is_file()} == {"0o644"}


PAGE_BUDGET = 150_000  # bytes of a day page with the stylesheet and scripts it loads, before images (docs/site.md)


def page_weight(out: Path, page: Path) -> int:
    """The bytes of ``page`` and of the local stylesheets and scripts it loads."""
    doc = lxml.html.fromstring(page.read_bytes())
    assets = doc.xpath("//link[@rel='stylesheet']/@href | //script/@src")
    return page.stat().st_size + sum((page.parent / a).resolve().stat().st_size for a in assets if "://" not in a)


def test_day_pages_stay_within_the_page_weight_budget(out: Path) -> None:
    """Every day page (and the index), with its stylesheet and scripts, is under 150 KB before images."""
    pages = [out / "index.html", *sorted((out / "days").glob("*.html"))]
    weights = {p.name: page_weight(out, p) for p in pages}
    assert max(weights.values()) < PAGE_BUDGET, weights


def test_absolute_base_url_adds_the_newest_digests_feeds(archive: Archive, tmp_path: Path) -> None:
    """With an absolute base URL the site has the newest digest's Atom, RSS and JSON feeds, linked from every
    page; feedparser reads them with the day's papers."""
    feedparser = pytest.importorskip("feedparser")
    build_site(archive, tmp_path, base_url="https://me.github.io/papers/")
    atom = feedparser.parse((tmp_path / "feeds" / "atom.xml").read_bytes())
    assert not atom.bozo and len(atom.entries) == len(archive.digests[0].papers)
    assert feedparser.parse((tmp_path / "feeds" / "rss.xml").read_bytes()).entries
    assert orjson.loads((tmp_path / "feeds" / "feed.json").read_bytes())["items"]
    doc = lxml.html.fromstring((tmp_path / "archive.html").read_bytes())
    assert doc.xpath("//link[@rel='alternate']/@href") == ["feeds/atom.xml", "feeds/rss.xml", "feeds/feed.json"]


def test_relative_base_url_has_no_feeds(out: Path) -> None:
    """Without an absolute base URL (feeds need absolute links) there are no feeds and no links to them."""
    assert not (out / "feeds").exists()
    assert lxml.html.fromstring((out / "index.html").read_bytes()).xpath("//link[@rel='alternate']") == []
