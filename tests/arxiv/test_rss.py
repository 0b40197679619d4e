"""Tests for hotpapers.arxiv.rss on recorded rss.arxiv.org responses (see tests/fixtures/arxiv/PROVENANCE.md)."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.arxiv.rss import RssFeed, parse_rss, split_authors
from hotpapers.errors import APIError, ParseError
from hotpapers.models import Announcement, AnnounceType, Paper

from helpers import paths

FIXTURES = paths.FIXTURES / "arxiv"
LISTING = "rss_2024-11-28_multi_archive_excerpt.xml"
EMPTY = "rss_2024_empty_feed_test_archive.xml"
ERROR = "rss_2024_error_bad_archive.xml"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="module")
def listing() -> RssFeed:
    return parse_rss(load(LISTING))


def by_id(feed: RssFeed, arxiv_id: str) -> tuple[Paper, Announcement]:
    return next((p, a) for p, a in feed.items if p.arxiv_id == arxiv_id)


def test_listing_date_is_channel_pubdate_in_eastern_time(listing: RssFeed) -> None:
    """The feed date is the pubDate's calendar day in New York (Thu 28 Nov 2024)."""
    assert listing.date == dt.date(2024, 11, 28)


def test_every_item_of_the_excerpt_is_read(listing: RssFeed) -> None:
    """All 109 recorded items parse and none is skipped."""
    assert (len(listing.papers), listing.skipped) == (109, [])


def test_announce_types_match_the_recorded_groups(listing: RssFeed) -> None:
    """The excerpt keeps 50 new, 9 cross and 50 replace items."""
    kinds = [a.announce_type for a in listing.announcements]
    assert [kinds.count(k) for k in AnnounceType] == [50, 9, 50, 0]


def test_positions_are_feed_indices(listing: RssFeed) -> None:
    """Announcement.position is the index of the item in the feed."""
    assert [a.position for a in listing.announcements] == list(range(109))


def test_announcements_carry_the_listing_date(listing: RssFeed) -> None:
    """Every announcement is dated with the feed's listing day."""
    assert {a.date for a in listing.announcements} == {dt.date(2024, 11, 28)}


def test_first_item_fields(listing: RssFeed) -> None:
    """The first item's id, version, title, author and category are read."""
    paper = listing.papers[0]
    assert (paper.arxiv_id, paper.version, paper.authors) == ("2411.17700", 1, ("Jun Cui",))
    assert paper.title.startswith("Exploring the Impact of Generative AI on Cross-Border E-Commerce")
    assert (paper.primary_category, paper.categories) == ("cs.CY", ("cs.CY",))


def test_abstract_is_text_after_the_abstract_marker(listing: RssFeed) -> None:
    """The abstract drops the 'arXiv:… Announce Type: …' header of the description."""
    assert listing.papers[0].abstract.startswith("This study investigates the influence of generative")


def test_primary_category_is_the_first_category(listing: RssFeed) -> None:
    """A cross-listed item's primary is its first <category>."""
    paper, _ = by_id(listing, "2411.16552")
    assert paper.primary_category == "stat.AP"
    assert paper.categories == ("stat.AP", "cs.LG", "econ.EM", "stat.ME", "stat.ML")


def test_cross_item_keeps_its_version(listing: RssFeed) -> None:
    """A cross item can be an older paper at a later version (2202.06515v3)."""
    paper, announcement = by_id(listing, "2202.06515")
    assert (paper.version, announcement.announce_type) == (3, AnnounceType.CROSS)


def test_doi_and_journal_reference_extensions(listing: RssFeed) -> None:
    """arxiv:DOI and arxiv:journal_reference fill doi and journal_ref."""
    paper, _ = by_id(listing, "2202.06515")
    assert (paper.doi, paper.journal_ref) == ("10.1063/5.0236964", "Physics of Fluids 36, 117158 (2024)")


def test_missing_extensions_are_none(listing: RssFeed) -> None:
    """Items without DOI or journal reference leave them None; RSS has no submission date."""
    paper = listing.papers[0]
    assert (paper.doi, paper.journal_ref, paper.submitted) == (None, None, None)


def test_links_are_versioned_https_without_pdf_suffix(listing: RssFeed) -> None:
    """abs/pdf/html links are built from the guid's id and version."""
    paper, _ = by_id(listing, "2202.06515")
    assert paper.abs_url == "https://arxiv.org/abs/2202.06515v3"
    assert paper.pdf_url == "https://arxiv.org/pdf/2202.06515v3"
    assert paper.html_url == "https://arxiv.org/html/2202.06515v3"


def test_affiliations_in_parentheses_are_dropped(listing: RssFeed) -> None:
    """'Name (Affiliation)' authors keep only the name."""
    paper = next(p for p in listing.papers if "Mohammed Riadh Berramdane" in p.authors)
    assert paper.authors[:2] == ("Mohammed Riadh Berramdane", "Alexandre Battiston")


def test_titles_and_abstracts_have_normalised_whitespace(listing: RssFeed) -> None:
    """No title or abstract has leading/trailing or repeated whitespace."""
    texts = [t for p in listing.papers for t in (p.title, p.abstract)]
    assert all(t == " ".join(t.split()) for t in texts)


def test_split_authors_ignores_commas_inside_parentheses() -> None:
    """The documented quirk: affiliations with commas do not split names."""
    text = (
        "Tianliang Yan (University of Birmingham, School of Physics and Astronomy, Birmingham, "
        "United Kingdom), Yubao Liu (Somewhere, Else)"
    )
    assert split_authors(text) == ("Tianliang Yan", "Yubao Liu")


def test_split_authors_with_and() -> None:
    """With and_separates, 'A, B, and C' and 'A and B' split into names."""
    assert split_authors("D.V. Shetty, S.J. Yennello, and G.A. Souliotis", and_separates=True) == (
        "D.V. Shetty",
        "S.J. Yennello",
        "G.A. Souliotis",
    )


def test_split_authors_tolerates_unbalanced_parentheses() -> None:
    """A stray closing parenthesis does not swallow the rest of the list."""
    assert split_authors("A. One), B. Two") == ("A. One", "B. Two")


def test_empty_channel_gives_no_items() -> None:
    """The recorded empty 'test' feed has a date and no papers."""
    feed = parse_rss(load(EMPTY))
    assert (feed.date, feed.papers, feed.announcements, feed.skipped) == (dt.date(2024, 11, 28), (), (), [])


def test_error_feed_raises_api_error_with_arxivs_message() -> None:
    """'Feed error for query' becomes APIError carrying the description."""
    with pytest.raises(APIError, match="Bad archive 'astroph'"):
        parse_rss(load(ERROR))


def test_not_xml_raises_parse_error() -> None:
    """A body that is not XML is a ParseError naming the feed."""
    with pytest.raises(ParseError, match="arXiv RSS feed: not well-formed XML"):
        parse_rss(b"<html><body>Service Unavailable")


def test_other_root_raises_parse_error() -> None:
    """A well-formed document that is not RSS (an Atom feed) is a ParseError."""
    with pytest.raises(ParseError, match="expected <rss>, got <feed>"):
        parse_rss(load("api_empty_2026_id_list_0000.0000.xml"))


def test_missing_pubdate_raises_parse_error() -> None:
    """Without a channel pubDate there is no listing date."""
    body = load(EMPTY).replace(b"<pubDate>Thu, 28 Nov 2024 00:00:00 -0500</pubDate>", b"")
    with pytest.raises(ParseError, match="no <pubDate>"):
        parse_rss(body)


def test_invalid_pubdate_raises_parse_error() -> None:
    """An unreadable channel pubDate is a ParseError quoting it."""
    body = load(EMPTY).replace(b"Thu, 28 Nov 2024 00:00:00 -0500", b"yesterday")
    with pytest.raises(ParseError, match="'yesterday'"):
        parse_rss(body)


def test_doctype_is_refused() -> None:
    """A DOCTYPE (entity tricks) is refused, never expanded."""
    body = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "boom">]><rss><channel>&x;</channel></rss>'
    with pytest.raises(ParseError, match="DOCTYPE"):
        parse_rss(body)


def test_item_without_id_is_skipped_and_named() -> None:
    """An item with no usable id is skipped, recorded with its index; the others still parse."""
    body = load(LISTING).replace(b"oai:arXiv.org:2411.17700v1", b"oai:arXiv.org:junk", 1)
    body = body.replace(b"arXiv:2411.17700v1 Announce", b"arXiv:junk Announce", 1)
    feed = parse_rss(body)
    assert len(feed.papers) == 108
    assert feed.skipped[0].startswith("item 0 (oai:arXiv.org:junk): no versioned arXiv id")


def test_unknown_announce_type_is_skipped() -> None:
    """An announce type outside new/cross/replace/replace-cross (e.g. absonly) skips the item."""
    body = load(LISTING).replace(b"<arxiv:announce_type>new<", b"<arxiv:announce_type>absonly<", 1)
    feed = parse_rss(body)
    assert "unknown announce type 'absonly'" in feed.skipped[0]


def test_skipped_item_leaves_a_gap_in_positions() -> None:
    """Positions stay feed indices when an item is skipped."""
    body = load(LISTING).replace(b"<category>cs.CY</category>", b"", 1)
    feed = parse_rss(body)
    assert feed.announcements[0].position == 1


def _parse_or_fail_cleanly(body: bytes) -> None:
    with contextlib.suppress(ParseError, APIError):
        parse_rss(body)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=len(load(LISTING))))
def test_truncated_listing_raises_only_hotpapers_errors(cut: int) -> None:
    """Truncating the recorded listing anywhere yields a feed or ParseError/APIError, nothing else."""
    _parse_or_fail_cleanly(load(LISTING)[:cut])


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from([LISTING, EMPTY, ERROR]),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_mutated_feeds_raise_only_hotpapers_errors(name: str, flips: list[tuple[float, int]]) -> None:
    """Overwriting random bytes of recorded feeds never raises a foreign exception."""
    body = bytearray(load(name))
    for where, value in flips:
        body[int(where * len(body))] = value
    _parse_or_fail_cleanly(bytes(body))
