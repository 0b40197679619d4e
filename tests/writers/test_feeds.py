"""Atom, RSS 2.0 and JSON Feed 1.1: golden files, parsed back with feedparser and lxml, every input inert."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import feedparser
import lxml.etree
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.errors import ConfigError
from hotpapers.models import Digest, Paper, Post, RankedPaper, RankedPost
from hotpapers.plugins import Writer
from hotpapers.writers.feeds import AtomWriter, JsonFeedWriter, RssWriter
from hotpapers.writers.feeds_common import FeedSettings, entry_title, feeds
from hotpapers.writers.feeds_json import render_json_feed
from hotpapers.writers.feeds_xml import render_atom, render_rss

from helpers.factories import DAY, T0, paper, post, snapshot
from helpers.paths import GOLDEN
from helpers.writer_samples import GOLDEN_DAYS, SITE, check_golden, sample_digest

ATOM = "{http://www.w3.org/2005/Atom}"
WRITERS = {"atom": (AtomWriter, "atom.xml"), "rss": (RssWriter, "rss.xml"), "jsonfeed": (JsonFeedWriter, "feed.json")}
HOSTILE_TITLE = "Bounds for $\\mathcal{O}(n)$ & <b>bold</b> \\alpha\x00\x08\x1b\x7f\ufffe\ud800 end"
HOSTILE_TEXT = '<img src=x onerror=alert(1)> "</script><script>alert(1)</script>'


def _ranked(p: Paper | None = None, posts: tuple[Post, ...] = (), rank: int = 1) -> RankedPaper:
    shown = tuple(RankedPost(x, snapshot(x.post_id), 30.0) for x in posts)
    return RankedPaper(rank, 42.5, p or paper(), shown, (), reposts=10, likes=20)


def _digest(*papers: RankedPaper, day: dt.date = DAY) -> Digest:
    return Digest(f"Hot Papers {day}", day, T0, T0, T0, "classic", papers)


def _write(kind: str, digest: Digest, out: Path) -> list[Path]:
    factory, _ = WRITERS[kind]
    return factory(SITE).write(digest, out)


def _parse(path: Path) -> Any:
    result = feedparser.parse(path.read_bytes())
    assert not result.bozo, result.get("bozo_exception")
    return result


def _content(kind: str, path: Path) -> list[str]:
    """The HTML content of each entry, as written (before any reader's sanitiser)."""
    if kind == "jsonfeed":
        return [item["content_html"] for item in json.loads(path.read_bytes())["items"]]
    root = lxml.etree.fromstring(path.read_bytes())
    if kind == "atom":
        return [str(c.text) for c in root.iter(f"{ATOM}content")]
    return [str(d.text) for d in root.iter("item") for d in d.iter("description")]


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("day", GOLDEN_DAYS)
def test_golden_feed(kind: str, day: str, tmp_path: Path, update_golden: bool) -> None:
    """The whole feed of a sample day is byte-identical to tests/golden/feeds/<day>/<file>."""
    filename = WRITERS[kind][1]
    _write(kind, sample_digest(day), tmp_path)
    check_golden(GOLDEN / "feeds" / day / filename, (tmp_path / "feeds" / filename).read_bytes(), update_golden)


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_golden_category_feed(kind: str, tmp_path: Path, update_golden: bool) -> None:
    """The cs.CV feed of 2021-04-19 is byte-identical to its golden file."""
    filename = WRITERS[kind][1]
    _write(kind, sample_digest("2021-04-19"), tmp_path)
    data = (tmp_path / "feeds" / "categories" / "cs.CV" / filename).read_bytes()
    check_golden(GOLDEN / "feeds" / "2021-04-19" / "categories" / "cs.CV" / filename, data, update_golden)


@pytest.mark.parametrize("kind", ["atom", "rss"])
@pytest.mark.parametrize("day", GOLDEN_DAYS)
def test_feedparser_reads_entries_back(kind: str, day: str, tmp_path: Path) -> None:
    """feedparser reads the feed without bozo errors; entries, titles, links and ids round-trip."""
    digest = sample_digest(day)
    parsed = _parse(_write(kind, digest, tmp_path)[0])
    assert parsed.version == ("atom10" if kind == "atom" else "rss20")
    assert len(parsed.entries) == len(digest.papers)
    for entry, item in zip(parsed.entries, digest.papers, strict=True):
        assert entry.title == entry_title(item)
        assert entry.link == f"https://arxiv.org/abs/{item.paper.arxiv_id}"
        assert entry.id == f"tag:hotpapers.example.org,{day}:classic/{item.paper.arxiv_id}"


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_entry_updated_is_generated_at(kind: str, tmp_path: Path) -> None:
    """Every entry's date is the digest's generation time."""
    digest = sample_digest("2021-04-19")
    parsed = _parse(_write(kind, digest, tmp_path)[0])
    stamp = parsed.entries[0]["updated_parsed" if kind == "atom" else "published_parsed"][:6]
    assert dt.datetime(*stamp, tzinfo=dt.UTC) == digest.generated_at


def test_atom_is_well_formed_with_required_elements(tmp_path: Path) -> None:
    """The Atom document parses with lxml; feed and entries have id, title, updated; the feed has an author."""
    root = lxml.etree.fromstring(_write("atom", sample_digest("2021-04-19"), tmp_path)[0].read_bytes())
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}author/{ATOM}name") is not None
    for element in (root, *root.iter(f"{ATOM}entry")):
        assert all(element.findtext(f"{ATOM}{name}") for name in ("id", "title", "updated"))
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == f"{SITE}feeds/atom.xml"


@pytest.mark.parametrize("day", GOLDEN_DAYS)
def test_json_feed_has_the_required_fields(day: str, tmp_path: Path) -> None:
    """JSON Feed 1.1: version URL, title, items; each item a string id and content; dates RFC 3339."""
    digest = sample_digest(day)
    document = json.loads(_write("jsonfeed", digest, tmp_path)[0].read_bytes())
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Hot Papers" and document["feed_url"] == f"{SITE}feeds/feed.json"
    assert len(document["items"]) == len(digest.papers)
    for item, ranked in zip(document["items"], digest.papers, strict=True):
        assert isinstance(item["id"], str) and isinstance(item["content_html"], str)
        assert item["title"] == entry_title(ranked) and item["url"].startswith("https://arxiv.org/abs/")
        assert dt.datetime.fromisoformat(item["date_modified"]) == digest.generated_at
        assert item["_hotpapers"]["rank"] == ranked.rank and item["_hotpapers"]["score"] == ranked.score


def test_one_feed_per_category_keeps_digest_ranks(tmp_path: Path) -> None:
    """A category feed lists the papers in that category (primary or cross-list) with their digest rank."""
    digest = _digest(
        _ranked(paper("2104.00001", categories=("cs.CV",))),
        _ranked(paper("2104.00002", categories=("cs.LG", "cs.CV")), rank=2),
    )
    paths = _write("atom", digest, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "feeds/atom.xml",
        "feeds/categories/cs.CV/atom.xml",
        "feeds/categories/cs.LG/atom.xml",
    ]
    lg = _parse(paths[2])
    assert [e.title for e in lg.entries] == ["2. Paper 2104.00002"]
    assert lg.feed.title == "Hot Papers: cs.LG"


def test_ids_are_the_same_in_every_format_and_feed(tmp_path: Path) -> None:
    """An entry has one id in Atom, RSS, JSON Feed and in the whole and category feeds."""
    digest = _digest(_ranked())
    ids = {_parse(_write(kind, digest, tmp_path / kind)[i]).entries[0].id for kind in ("atom", "rss") for i in (0, 1)}
    feed = json.loads(_write("jsonfeed", digest, tmp_path / "json")[1].read_bytes())
    assert ids == {feed["items"][0]["id"]} == {"tag:hotpapers.example.org,2021-04-19:classic/2104.08223"}


def test_ids_differ_by_digest_date(tmp_path: Path) -> None:
    """The same paper ranked on another day is a new entry."""
    other = _parse(_write("atom", _digest(_ranked(), day=DAY + dt.timedelta(days=1)), tmp_path)[0])
    assert other.entries[0].id == "tag:hotpapers.example.org,2021-04-20:classic/2104.08223"


def test_site_url_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an argument, the writer reads HOTPAPERS_SITE_URL when constructed (a slash is added)."""
    monkeypatch.setenv("HOTPAPERS_SITE_URL", "https://papers.example.net/hot")
    parsed = _parse(AtomWriter().write(_digest(_ranked()), tmp_path)[0])
    assert parsed.feed.id == "https://papers.example.net/hot/feeds/atom.xml"
    assert parsed.entries[0].id.startswith("tag:papers.example.net,")


def test_site_url_defaults_to_example_invalid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without argument or environment the site is https://example.invalid/."""
    monkeypatch.delenv("HOTPAPERS_SITE_URL", raising=False)
    assert _parse(RssWriter().write(_digest(), tmp_path)[0]).feed.link == "https://example.invalid/"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "/relative/", "https://"])
def test_bad_site_url_is_a_config_error(url: str) -> None:
    """A site URL that is not absolute http(s) is refused when the writer is made."""
    with pytest.raises(ConfigError, match="HOTPAPERS_SITE_URL"):
        JsonFeedWriter(url)


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_writers_follow_the_protocol(kind: str) -> None:
    """Each feed writer is a Writer named atom, rss or jsonfeed."""
    writer = WRITERS[kind][0](SITE)
    assert isinstance(writer, Writer) and writer.name == kind


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_hostile_title_gives_valid_xml(kind: str, tmp_path: Path) -> None:
    """`&`, `<`, TeX and control characters in a title: well-formed XML, the title minus the controls, as text.

    Atom's title is ``type="text"``; readers take an RSS title as HTML, so there it is HTML-escaped text.
    """
    digest = _digest(_ranked(paper(title=HOSTILE_TITLE, abstract="a < b & c\x0c")))
    path = _write(kind, digest, tmp_path)[0]
    lxml.etree.fromstring(path.read_bytes())
    expected = "1. Bounds for $\\mathcal{O}(n)$ & <b>bold</b> \\alpha end"
    title = _parse(path).entries[0].title
    assert (title if kind == "atom" else html.unescape(title)) == expected
    assert kind == "atom" or "<" not in title


def test_hostile_title_gives_valid_json_feed(tmp_path: Path) -> None:
    """The same title in JSON Feed is valid JSON; a lone surrogate becomes U+FFFD, controls are escaped."""
    digest = _digest(_ranked(paper(title=HOSTILE_TITLE)))
    item = json.loads(_write("jsonfeed", digest, tmp_path)[0].read_bytes())["items"][0]
    assert item["title"] == "1. " + HOSTILE_TITLE.replace("\ud800", "\ufffd")


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_hostile_post_and_title_are_visible_text(kind: str, tmp_path: Path) -> None:
    """Markup in a post, title or abstract is text in the entry's HTML: no img, no script, visible as typed."""
    digest = _digest(_ranked(paper(title=HOSTILE_TEXT, abstract=HOSTILE_TEXT), posts=(post(text=HOSTILE_TEXT),)))
    (html,) = _content(kind, _write(kind, digest, tmp_path)[0])
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert not tree.xpath(".//img|.//script") and tree.text_content().count(HOSTILE_TEXT) == 2


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_javascript_urls_are_never_links(kind: str, tmp_path: Path) -> None:
    """javascript: paper and post URLs are dropped; the abs link falls back to arxiv.org."""
    hostile = paper(abs_url="javascript:alert(1)", pdf_url="javascript:alert(2)")
    digest = _digest(_ranked(hostile, posts=(post(url="javascript:alert(3)", text="javascript:alert(4)"),)))
    path = _write(kind, digest, tmp_path)[0]
    (html,) = _content(kind, path)
    hrefs = lxml.html.fragment_fromstring(html, create_parent="div").xpath(".//a/@href")
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    assert b'href="javascript' not in path.read_bytes() and b'"url": "javascript' not in path.read_bytes()


def test_odd_category_gets_no_feed_directory(tmp_path: Path) -> None:
    """A category that is not an arXiv code makes no directory (no path traversal) and is shown as text."""
    digest = _digest(_ranked(paper(categories=("../../evil", "cs.CV"))))
    paths = _write("atom", digest, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == ["feeds/atom.xml", "feeds/categories/cs.CV/atom.xml"]
    assert not (tmp_path / "evil").exists()


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_empty_digest_gives_a_valid_empty_feed(kind: str, tmp_path: Path) -> None:
    """A day without papers writes the whole feed with no entries (and no category feed)."""
    paths = _write(kind, _digest(), tmp_path)
    assert len(paths) == 1
    if kind == "jsonfeed":
        assert json.loads(paths[0].read_bytes())["items"] == []
    else:
        assert _parse(paths[0]).entries == []


def test_entry_content_has_rank_score_authors_abstract_and_posts(tmp_path: Path) -> None:
    """An entry's HTML says rank, score, counts, authors, links, categories, abstract and shows the posts."""
    digest = _digest(_ranked(posts=(post(text="Nice paper"),)))
    (html,) = _content("atom", _write("atom", digest, tmp_path)[0])
    text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    for expected in ("#1 · score 42.5 · 10 reposts · 20 likes", "Ada Lovelace, Alan Turing", "We study things."):
        assert expected in text
    assert '<a href="https://arxiv.org/pdf/2104.08223">pdf</a>' in html and "Nice paper" in text


def test_writing_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    """Rendering is deterministic."""
    digest = dataclasses.replace(sample_digest("2021-01-15"))
    first = _write("rss", digest, tmp_path / "a")[0].read_bytes()
    assert _write("rss", digest, tmp_path / "b")[0].read_bytes() == first


@settings(max_examples=60, deadline=None)
@given(title=st.text(), abstract=st.text(), text=st.text(), author=st.text())
def test_any_text_gives_well_formed_feeds(title: str, abstract: str, text: str, author: str) -> None:
    """Whatever the title, abstract, authors and post say, Atom and RSS parse and JSON Feed is valid JSON."""
    hostile = paper(title=title, abstract=abstract, authors=(author,))
    digest = _digest(_ranked(hostile, posts=(post(text=text, author_name=author),)))
    settings_ = FeedSettings(SITE)
    feed = feeds(digest, settings_)[0]
    for render in (render_atom, render_rss):
        lxml.etree.fromstring(render(digest, feed, settings_))
    item = json.loads(render_json_feed(digest, feed, settings_))["items"][0]
    assert item["title"].startswith("1. ")
