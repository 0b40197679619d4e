"""Outside text in every field, escaped for each target: YAML front matter, Atom, RSS and JSON Feed.

Property tests over hostile text (``tests/helpers/hostile.py``) in every field a digest carries: the front matter parses
back (PyYAML) to exactly the input, the feeds stay well-formed (lxml, feedparser), what a reader takes as HTML
holds no element of the input's, and only arXiv category codes are ever tags, categories or feeds.
"""

from __future__ import annotations

import json
import re
from typing import Any

import feedparser
import lxml.etree
import lxml.html
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.models import Digest, RankedPaper
from hotpapers.writers._text import CATEGORY_RE, arxiv_categories, one_line, scrub, xml_safe
from hotpapers.writers.feeds_common import FeedSettings, feeds
from hotpapers.writers.feeds_json import render_json_feed
from hotpapers.writers.feeds_xml import ATOM_NS, render_atom, render_rss
from hotpapers.writers.hugo import render_hugo
from hotpapers.writers.jekyll import render_jekyll
from hotpapers.writers.lumen import render_lumen

from helpers.factories import DAY, T0, paper
from helpers.hostile import digests, texts

A = f"{{{ATOM_NS}}}"
SITE = "https://hotpapers.example.org/"
RENDER = {"lumen": render_lumen, "hugo": render_hugo, "jekyll": render_jekyll}
TAG_URI_RE = re.compile(r"tag:[A-Za-z0-9.-]+,\d{4}-\d{2}-\d{2}:[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]+")


def _front_matter(text: str) -> dict[str, Any]:
    assert text.startswith("---\n")
    matter = yaml.safe_load(text[4:].split("\n---\n", 1)[0])
    assert isinstance(matter, dict)
    return matter


def _html_text(fragment: str) -> str:
    """The text a reader shows for ``fragment`` taken as HTML; fails if the fragment holds an element."""
    tree = lxml.html.fragment_fromstring(f"<div>{fragment}</div>")
    assert [e.tag for e in tree.iter()] == ["div"], fragment
    return str(tree.text_content())


def _squeeze(text: str) -> str:
    """``text`` without whitespace: fields are whitespace-normalised, some (titles) before controls are dropped."""
    return "".join(text.split())


def _same_text(shown: str, expected: str) -> None:
    """``shown`` is ``expected`` minus what XML forbids, up to whitespace."""
    assert _squeeze(shown) == _squeeze(xml_safe(expected))


@settings(max_examples=100, deadline=None)
@given(digest=digests())
@pytest.mark.parametrize("kind", sorted(RENDER))
def test_front_matter_reads_back_exactly(kind: str, digest: Digest) -> None:
    """Any digest title stays one YAML string equal to the input; tags are only the papers' arXiv codes."""
    matter = _front_matter(RENDER[kind](digest))
    assert matter["title"] == digest.title
    if kind != "lumen":
        assert matter["tags"] == sorted(arxiv_categories(i.paper.primary_category for i in digest.papers))
        assert matter["slug"] == "hot-papers-2021-04-19" and matter["categories"] == ["arXiv"]


@pytest.mark.parametrize("kind", sorted(RENDER))
def test_lone_surrogate_becomes_a_replacement_character(kind: str) -> None:
    """A lone UTF-16 surrogate (valid in a JSON string, not in UTF-8) is U+FFFD, so the file can be written."""
    item = RankedPaper(1, 1.0, paper(title="a\ud800", abstract="b\udfff", authors=("\ud83d",)), (), ())
    text = RENDER[kind](Digest("T\ud800", DAY, T0, T0, T0, "classic", (item,)))
    assert _front_matter(text.encode("utf-8").decode("utf-8"))["title"] == "T\ufffd"


@settings(max_examples=100, deadline=None)
@given(digest=digests(), title=texts)
def test_atom_is_well_formed_and_its_text_is_the_input(digest: Digest, title: str) -> None:
    """Atom: well-formed; titles, subtitle and summaries are plain text equal to the input; ids are tag: URIs."""
    feed_settings = FeedSettings(SITE, title or "Hot Papers")
    for feed in feeds(digest, feed_settings):
        data = render_atom(digest, feed, feed_settings)
        assert not feedparser.parse(data).bozo
        root = lxml.etree.fromstring(data)
        _same_text(root.findtext(f"{A}title") or "", feed.title)
        assert _squeeze(xml_safe(digest.title)) in _squeeze(root.findtext(f"{A}subtitle") or "")
        for entry, item in zip(root.iter(f"{A}entry"), feed.papers, strict=True):
            assert entry.findtext(f"{A}title") == xml_safe(f"{item.rank}. {one_line(item.paper.title)}")
            assert entry.findtext(f"{A}summary") == xml_safe(one_line(item.paper.abstract))
            assert TAG_URI_RE.fullmatch(entry.findtext(f"{A}id") or "")
            terms = [c.get("term") for c in entry.iter(f"{A}category")]
            assert terms == arxiv_categories(item.paper.categories)
            _html_text_without_foreign_elements(entry.findtext(f"{A}content") or "")


@settings(max_examples=100, deadline=None)
@given(digest=digests(), title=texts)
def test_rss_is_well_formed_and_its_html_fields_hold_no_element(digest: Digest, title: str) -> None:
    """RSS: well-formed; channel title and description and item titles, read as HTML, are the input as text."""
    feed_settings = FeedSettings(SITE, title or "Hot Papers")
    for feed in feeds(digest, feed_settings):
        data = render_rss(digest, feed, feed_settings)
        parsed = feedparser.parse(data)
        assert not parsed.bozo
        channel = lxml.etree.fromstring(data).find("channel")
        assert channel is not None
        _same_text(_html_text(channel.findtext("title") or ""), feed.title)
        assert _squeeze(xml_safe(digest.title)) in _squeeze(_html_text(channel.findtext("description") or ""))
        for element, item in zip(channel.iter("item"), feed.papers, strict=True):
            _same_text(_html_text(element.findtext("title") or ""), f"{item.rank}. {item.paper.title}")
            assert [c.text for c in element.iter("category")] == arxiv_categories(item.paper.categories)
            assert TAG_URI_RE.fullmatch(element.findtext("guid") or "")
            _html_text_without_foreign_elements(element.findtext("description") or "")


@settings(max_examples=100, deadline=None)
@given(digest=digests(), title=texts)
def test_json_feed_is_valid_and_keeps_the_text(digest: Digest, title: str) -> None:
    """JSON Feed: valid JSON; titles are the input as plain text; tags are arXiv codes only."""
    feed_settings = FeedSettings(SITE, title or "Hot Papers")
    for feed in feeds(digest, feed_settings):
        document = json.loads(render_json_feed(digest, feed, feed_settings))
        assert document["title"] == scrub(feed.title)
        for entry, item in zip(document["items"], feed.papers, strict=True):
            assert entry["title"] == scrub(f"{item.rank}. {one_line(item.paper.title)}")
            assert entry["tags"] == arxiv_categories(item.paper.categories)
            assert TAG_URI_RE.fullmatch(entry["id"])


@given(st.text())
def test_a_category_code_is_inert_everywhere(value: str) -> None:
    """Whatever passes the category grammar has no character any target reads as syntax, and is short."""
    if CATEGORY_RE.fullmatch(value):
        assert re.fullmatch(r"[A-Za-z.-]{1,40}", value) and ".." not in value


def test_preset_is_percent_encoded_in_ids() -> None:
    """A stored preset with spaces and markup still gives a valid tag: URI (the usual presets are unchanged)."""
    item = RankedPaper(1, 1.0, paper(), (), ())
    feed_settings = FeedSettings(SITE)
    for preset, expected in (("classic", "classic"), ("a b<c>", "a%20b%3Cc%3E")):
        digest = Digest("t", DAY, T0, T0, T0, preset, (item,))
        entry = json.loads(render_json_feed(digest, feeds(digest, feed_settings)[0], feed_settings))["items"][0]
        assert entry["id"] == f"tag:hotpapers.example.org,2021-04-19:{expected}/2104.08223"


def _html_text_without_foreign_elements(fragment: str) -> None:
    """The entry's HTML holds only the writer's own elements, and links only to http(s) URLs."""
    tree = lxml.html.fragment_fromstring(f"<div>{fragment}</div>")
    own = {"div", "p", "strong", "a", "ul", "li", "blockquote", "span", "time", "br"}
    assert {e.tag for e in tree.iter()} <= own
    assert all(h.startswith(("http://", "https://")) for h in tree.xpath(".//a/@href"))

