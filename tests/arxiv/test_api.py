"""Tests for hotpapers.arxiv.api on recorded export.arxiv.org/api/query responses (legacy and 2026)."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.arxiv.api import ApiFeed, parse_api
from hotpapers.errors import APIError, ParseError

from helpers import paths

FIXTURES = paths.FIXTURES / "arxiv"
ERRORS = [
    "api_error_malformed_id_2026_abc_http400.xml",
    "api_error_malformed_id_legacy_2019_INVALIDID_http400.xml",
]
GOOD = sorted(p.name for p in FIXTURES.glob("api_*.xml") if p.name not in ERRORS)
UTC = dt.UTC


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(name: str) -> ApiFeed:
    return parse_api(load(name))


@pytest.mark.parametrize("name", GOOD)
def test_every_recorded_feed_parses_without_skips(name: str) -> None:
    """Each recorded non-error response parses completely."""
    feed = parse(name)
    assert feed.skipped == []
    assert len(feed.papers) == feed.entries


@pytest.mark.parametrize("name", GOOD)
def test_every_paper_has_canonical_links_and_clean_text(name: str) -> None:
    """Links are https, versioned, pdf without .pdf; titles/abstracts normalised."""
    for paper in parse(name).papers:
        suffix = f"{paper.arxiv_id}v{paper.version}"
        assert (paper.abs_url, paper.pdf_url) == (
            f"https://arxiv.org/abs/{suffix}",
            f"https://arxiv.org/pdf/{suffix}",
        )
        assert paper.html_url == f"https://arxiv.org/html/{suffix}"
        assert all(t == " ".join(t.split()) and t for t in (paper.title, paper.abstract))


@pytest.mark.parametrize("name", GOOD)
def test_primary_category_comes_first(name: str) -> None:
    """Every paper lists its primary category first among its categories."""
    assert all(p.categories[0] == p.primary_category for p in parse(name).papers)


def test_legacy_versioned_entry_fields() -> None:
    """1111.2011v2 (legacy): version, dates, DOI, comment, journal ref, categories, authors."""
    paper = parse("api_idlist_legacy_2016_1111.2011v2.xml").papers[0]
    assert (paper.arxiv_id, paper.version) == ("1111.2011", 2)
    assert paper.submitted == dt.datetime(2011, 11, 8, 18, 48, 36, tzinfo=UTC)
    assert paper.updated == dt.datetime(2012, 4, 2, 12, 38, 54, tzinfo=UTC)
    assert (paper.doi, paper.comment) == (
        "10.1103/PhysRevB.85.115117",
        "8 pages, 3 figures. Published version",
    )
    assert paper.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert paper.categories == ("cond-mat.str-el", "cond-mat.stat-mech")
    assert paper.authors == ("James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic")


def test_legacy_hard_wrapped_title_is_joined() -> None:
    """The legacy title's line break and indentation collapse to single spaces."""
    paper = parse("api_idlist_legacy_2016_1111.2011v2.xml").papers[0]
    assert (
        paper.title
        == "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )


def test_legacy_abstract_loses_leading_spaces() -> None:
    """The legacy summary's two leading spaces and line breaks are normalised."""
    paper = parse("api_idlist_legacy_2016_1111.2011v2.xml").papers[0]
    assert paper.abstract.startswith(
        "Theoretical description of anisotropic systems, such as layered superconductors"
    )


@pytest.mark.recorded(
    fixture="arxiv/api_idlist_versioned_2026_2104.12255v1.xml",
    url="https://export.arxiv.org/api/query?search_query=&id_list=2104.12255v1&sortBy=relevance&sortOrder=descending&start=0&max_results=100",
)
def test_2026_entry_fields() -> None:
    """2104.12255v1 (2026 serialisation): primary, published = updated, one author."""
    paper = parse("api_idlist_versioned_2026_2104.12255v1.xml").papers[0]
    assert (paper.arxiv_id, paper.version, paper.primary_category) == ("2104.12255", 1, "cs.CR")
    assert paper.submitted == paper.updated == dt.datetime(2021, 4, 20, 16, 7, 14, tzinfo=UTC)
    assert paper.authors == ("Quan Thoi Minh Nguyen",)


def test_old_style_id_keeps_its_archive() -> None:
    """astro-ph/0601001v1 keeps the slash form in id and links; affiliations are not names."""
    paper = parse("api_idlist_oldstyle_2026_astro-ph_0601001.xml").papers[0]
    assert (paper.arxiv_id, paper.pdf_url) == ("astro-ph/0601001", "https://arxiv.org/pdf/astro-ph/0601001v1")
    assert paper.authors == ("Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski")


def test_old_style_cross_list() -> None:
    """quant-ph/0201082v1 is cross-listed to cs.PL."""
    paper = parse("api_idlist_versioned_oldstyle_2026_quant-ph_0201082v1.xml").papers[0]
    assert paper.categories == ("quant-ph", "cs.PL")


def test_legacy_old_style_many_authors() -> None:
    """astro-ph/9812133 (legacy) has its 32 authors and three categories."""
    paper = parse("api_idlist_oldstyle_legacy_2019_astro-ph_9812133.xml").papers[0]
    assert (len(paper.authors), paper.categories) == (32, ("astro-ph", "hep-ex", "hep-ph"))


def test_two_ids_one_found() -> None:
    """A malformed-for-its-month id is dropped silently: one entry, totalResults 1."""
    feed = parse("api_idlist_two_ids_one_found_2026.xml")
    assert (feed.total_results, [p.arxiv_id for p in feed.papers]) == (1, ["1707.08567"])


@pytest.mark.recorded(
    fixture="arxiv/api_empty_2026_id_list_0000.0000.xml",
    url="https://export.arxiv.org/api/query?search_query=&id_list=0000.0000&sortBy=relevance&sortOrder=descending&start=0&max_results=100",
)
def test_empty_result() -> None:
    """A non-existent id gives totalResults 0 and no papers, and no error."""
    feed = parse("api_empty_2026_id_list_0000.0000.xml")
    assert (feed.total_results, feed.papers, feed.entries, feed.items_per_page) == (0, (), 0, 100)


@pytest.mark.recorded(
    fixture="arxiv/api_search_multi_2026_all-testing_start0_max10.xml",
    url="https://export.arxiv.org/api/query?search_query=testing&id_list=&sortBy=relevance&sortOrder=descending&start=0&max_results=10",
)
def test_search_page_totals() -> None:
    """The search page reports totalResults, startIndex and its 10 entries."""
    feed = parse("api_search_multi_2026_all-testing_start0_max10.xml")
    assert (feed.total_results, feed.start_index, len(feed.papers)) == (214881, 0, 10)


def test_second_page_start_index() -> None:
    """The second search page starts at index 10."""
    assert parse("api_search_multi_2026_all-testing_start10_max10.xml").start_index == 10


def test_published_and_updated_differ_for_later_versions() -> None:
    """2005.14124v2: submitted is v1's date, updated is v2's."""
    feed = parse("api_search_multi_2026_all-testing_start0_max100.xml")
    paper = next(p for p in feed.papers if p.arxiv_id == "2005.14124")
    assert paper.version == 2 and paper.submitted is not None and paper.updated is not None
    assert paper.submitted < paper.updated


def test_msc_and_acm_codes_are_not_categories() -> None:
    """<category> terms that are MSC/ACM codes (digits, capitals) are dropped."""
    feeds = [parse(name) for name in GOOD]
    categories = {c for f in feeds for p in f.papers for c in p.categories}
    assert not any(c[0].isdigit() or c[0].isupper() for c in categories)


def test_legacy_pages_overlap_as_recorded() -> None:
    """deep-dream start=1 repeats 9 of start=0's entries (useful for de-duplication)."""
    first = {p.arxiv_id for p in parse("api_search_multi_legacy_2017_deep-dream_start0.xml").papers}
    second = {p.arxiv_id for p in parse("api_search_multi_legacy_2017_deep-dream_start1.xml").papers}
    assert len(first & second) == 9


@pytest.mark.parametrize(
    ("name", "message"), [(ERRORS[0], "incorrect id format for abc"), (ERRORS[1], "INVALIDID")]
)
def test_error_feed_raises_api_error(name: str, message: str) -> None:
    """The error feed (entry id …/api/errors#…) raises APIError with arXiv's message."""
    with pytest.raises(APIError, match=message):
        parse(name)


def test_not_xml_raises_parse_error() -> None:
    """An HTML error page is a ParseError."""
    with pytest.raises(ParseError, match="arXiv API response: not well-formed XML"):
        parse_api(b"<html><head><title>502 Bad Gateway</head>")


def test_other_root_raises_parse_error() -> None:
    """An RSS document is not an Atom feed."""
    with pytest.raises(ParseError, match="expected an Atom <feed>, got <rss>"):
        parse_api(load("rss_2024_empty_feed_test_archive.xml"))


def test_missing_total_results_raises_parse_error() -> None:
    """A feed without opensearch:totalResults cannot be paged and is a ParseError."""
    body = load("api_empty_2026_id_list_0000.0000.xml").replace(
        b"<opensearch:totalResults>0</opensearch:totalResults>", b""
    )
    with pytest.raises(ParseError, match="missing <opensearch:totalResults>"):
        parse_api(body)


def test_entry_without_version_is_skipped() -> None:
    """An entry whose id has no version is skipped and named; the feed still parses."""
    body = load("api_idlist_versioned_2026_2104.12255v1.xml").replace(
        b"<id>http://arxiv.org/abs/2104.12255v1</id>", b"<id>http://arxiv.org/abs/2104.12255</id>"
    )
    feed = parse_api(body)
    assert feed.papers == ()
    assert feed.skipped == [
        "entry 0 (http://arxiv.org/abs/2104.12255): <id> 'http://arxiv.org/abs/2104.12255' has no version"
    ]


def test_entry_with_bad_date_is_skipped() -> None:
    """An unreadable <published> skips the entry with a message naming the element."""
    body = load("api_idlist_versioned_2026_2104.12255v1.xml").replace(
        b"<published>2021-04-20T16:07:14Z", b"<published>last spring"
    )
    assert "<published>" in parse_api(body).skipped[0]


def test_entry_without_categories_is_skipped() -> None:
    """An entry with neither primary nor arXiv category is skipped."""
    body = load("api_idlist_versioned_2026_2104.12255v1.xml").replace(b'term="cs.CR"', b'term="68T05"')
    assert parse_api(body).skipped[0].endswith("no arXiv category")


def _parse_or_fail_cleanly(body: bytes) -> None:
    with contextlib.suppress(ParseError, APIError):
        parse_api(body)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(GOOD + ERRORS), where=st.floats(0, 1))
def test_truncated_feeds_raise_only_hotpapers_errors(name: str, where: float) -> None:
    """Any recorded response cut at any offset gives a feed or ParseError/APIError."""
    body = load(name)
    _parse_or_fail_cleanly(body[: int(where * len(body))])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(GOOD + ERRORS),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_mutated_feeds_raise_only_hotpapers_errors(name: str, flips: list[tuple[float, int]]) -> None:
    """Overwriting random bytes of any recorded response never raises a foreign exception."""
    body = bytearray(load(name))
    for where, value in flips:
        body[int(where * len(body))] = value
    _parse_or_fail_cleanly(bytes(body))
