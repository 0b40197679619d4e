"""Tests for hotpapers.arxiv.oai on recorded OAI-PMH responses (arXivRaw, arXiv and oai_dc formats)."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.arxiv.oai import OaiPage, parse_oai
from hotpapers.errors import APIError, ParseError
from hotpapers.models import Paper

from helpers import paths

FIXTURES = paths.FIXTURES / "arxiv"
RAW_GET = "oai_getrecord_arxivraw_2015.xml"
RAW_LIST = "oai_listrecords_arxivraw_2015_resumptiontoken.xml"
ARXIV_GET = "oai_getrecord_arxiv_2018_1401.2122.xml"
ARXIV_LIST = "oai_listrecords_arxiv_2017_set-physics-hep-th.xml"
DC_LIST = "oai_listrecords_oai_dc_2015_truncated.xml"
GOOD = [RAW_GET, RAW_LIST, ARXIV_GET, ARXIV_LIST, DC_LIST]
ERRORS = sorted(p.name for p in FIXTURES.glob("oai_error_*.xml"))
UTC = dt.UTC


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(name: str) -> OaiPage:
    return parse_oai(load(name))


@pytest.mark.parametrize(
    ("name", "count"), [(RAW_GET, 1), (RAW_LIST, 6), (ARXIV_GET, 1), (ARXIV_LIST, 3), (DC_LIST, 189)]
)
def test_every_recorded_record_is_read(name: str, count: int) -> None:
    """Each recorded page yields all its records and skips none."""
    page = parse(name)
    assert (len(page.records), page.skipped) == (count, [])


@pytest.mark.parametrize("name", GOOD)
def test_primary_category_comes_first(name: str) -> None:
    """Every paper's primary is its first category."""
    assert all(p.categories[0] == p.primary_category for p in parse(name).papers)


@pytest.mark.parametrize("name", GOOD)
def test_text_is_normalised(name: str) -> None:
    """Hard-wrapped titles and abstracts are joined into single-spaced text."""
    texts = [t for p in parse(name).papers for t in (p.title, p.abstract)]
    assert all(t == " ".join(t.split()) for t in texts)


def test_arxivraw_version_history() -> None:
    """arXivRaw: latest version number, v1 date as submitted, latest date as updated."""
    paper = parse(RAW_GET).papers[0]
    assert (paper.arxiv_id, paper.version) == ("1302.2146", 2)
    assert paper.submitted == dt.datetime(2013, 2, 8, 21, 0, 1, tzinfo=UTC)
    assert paper.updated == dt.datetime(2013, 4, 2, 1, 50, 8, tzinfo=UTC)


def test_arxivraw_record_metadata() -> None:
    """arXivRaw: datestamp, sets, versions known, every version date kept."""
    record = parse(RAW_GET).records[0]
    assert (record.datestamp, record.set_specs) == (dt.date(2013, 4, 3), ("physics:hep-ex", "physics:hep-ph"))
    assert (record.version_known, len(record.version_dates), record.created) == (True, 2, dt.date(2013, 2, 8))


def test_arxivraw_authors_split_on_and() -> None:
    """'A, B, C and D' becomes four names."""
    assert parse(RAW_GET).papers[0].authors == (
        "Joshua Berger",
        "Maxim Perelstein",
        "Michael Saelim",
        "Philip Tanedo",
    )


def test_arxivraw_oxford_comma() -> None:
    """'A, B, and C' becomes three names."""
    paper = parse(RAW_LIST).papers[0]
    assert paper.authors == ("D.V. Shetty", "S.J. Yennello", "G.A. Souliotis")


def test_arxivraw_first_of_several_dois() -> None:
    """A space-separated DOI field keeps its first DOI."""
    assert parse(RAW_LIST).papers[0].doi == "10.1103/PhysRevC.76.024606"


def test_arxivraw_latest_of_four_versions() -> None:
    """0704.0716 has four versions."""
    paper = next(p for p in parse(RAW_LIST).papers if p.arxiv_id == "0704.0716")
    assert paper.version == 4 and paper.pdf_url == "https://arxiv.org/pdf/0704.0716v4"


def test_resumption_token_and_list_size() -> None:
    """The recorded page's token and completeListSize are read."""
    page = parse(RAW_LIST)
    assert (page.resumption_token, page.complete_list_size) == ("726959|1001", 58011)


def test_no_token_on_last_page() -> None:
    """A page without resumptionToken has None."""
    assert parse(ARXIV_LIST).resumption_token is None


def test_empty_token_means_last_page() -> None:
    """An empty resumptionToken element (the OAI end-of-list marker) gives None."""
    body = load(RAW_LIST).replace(b">726959|1001</resumptionToken>", b"></resumptionToken>")
    assert parse_oai(body).resumption_token is None


def test_arxiv_format_authors_from_keyname_and_forenames() -> None:
    """arXiv format: 'forenames keyname'."""
    assert parse(ARXIV_GET).papers[0].authors == ("A. Sergyeyev",)


def test_arxiv_format_fields() -> None:
    """arXiv format: categories, DOI, journal ref; MSC classes are not categories."""
    paper = parse(ARXIV_GET).papers[0]
    assert paper.categories == ("math.AP", "hep-th", "math-ph", "math.DG", "math.MP", "nlin.SI")
    assert (paper.doi, paper.journal_ref) == (
        "10.1007/s11005-017-1013-4",
        "Lett. Math. Phys. 108 (2018), no. 2, 359-376",
    )


def test_arxiv_format_has_dates_but_no_version() -> None:
    """arXiv format: created/updated dates on the record; version unknown (placeholder 1, unversioned links)."""
    record = parse(ARXIV_GET).records[0]
    assert (record.created, record.updated, record.version_known) == (
        dt.date(2014, 1, 9),
        dt.date(2017, 10, 23),
        False,
    )
    assert (record.paper.version, record.paper.abs_url) == (1, "https://arxiv.org/abs/1401.2122")
    assert record.paper.submitted is None and record.paper.html_url is None


def test_oai_dc_creators_are_reordered() -> None:
    """oai_dc 'Last, First' creators become 'First Last'."""
    assert parse(DC_LIST).papers[0].authors[:2] == ("David Burt", "Sam Donow")


def test_oai_dc_abstract_and_comment() -> None:
    """oai_dc: the first description is the abstract, 'Comment:' the comment."""
    paper = parse(DC_LIST).papers[0]
    assert paper.abstract.startswith("In this note we show how the irrationality measure")
    assert paper.comment is not None and paper.comment.startswith("Version 4.0, 7 ps.")


def test_oai_dc_identifiers_give_doi_and_journal_ref() -> None:
    """oai_dc: 'doi:' identifier and free-text identifier."""
    paper = next(p for p in parse(DC_LIST).papers if p.arxiv_id == "0804.0053")
    assert (paper.doi, paper.journal_ref) == ("10.1063/1.3374668", "J.Math.Phys.51:054102,2010")


def test_oai_dc_categories_from_set_specs() -> None:
    """oai_dc: categories are the archives of the setSpecs (subjects are human-readable)."""
    papers: dict[str, Paper] = {p.arxiv_id: p for p in parse(DC_LIST).papers}
    assert (papers["0709.2184"].categories, papers["0812.1531"].categories) == (("math",), ("cond-mat",))


def test_oai_dc_dates() -> None:
    """oai_dc: first dc:date is v1's, last is the latest version's."""
    record = parse(DC_LIST).records[0]
    assert (record.created, record.updated) == (dt.date(2007, 9, 13), dt.date(2014, 12, 22))


def test_category_level_set_spec() -> None:
    """A 2025-style set 'cs:cs:AI' reads as category cs.AI."""
    body = load(DC_LIST).replace(b"<setSpec>math</setSpec>", b"<setSpec>cs:cs:AI</setSpec>", 1)
    assert parse_oai(body).papers[0].categories == ("cs.AI",)


def test_no_records_match_is_an_empty_page() -> None:
    """noRecordsMatch is not an error: no records, no token."""
    page = parse("oai_error_noRecordsMatch_2015.xml")
    assert (page.records, page.resumption_token) == ((), None)


@pytest.mark.parametrize("code", ["badArgument", "badResumptionToken", "idDoesNotExist"])
def test_other_oai_errors_raise_api_error_naming_the_code(code: str) -> None:
    """Every other OAI error code raises APIError with the code in its message."""
    with pytest.raises(APIError, match=f"OAI-PMH error {code}"):
        parse(f"oai_error_{code}_2015.xml")


def test_deleted_record_is_skipped() -> None:
    """A header with status='deleted' is skipped and named."""
    body = load(RAW_GET).replace(b"<header>", b'<header status="deleted">')
    page = parse_oai(body)
    assert (page.records, page.skipped) == ((), ["record 0 (oai:arXiv.org:1302.2146): deleted record"])


def test_unknown_metadata_format_is_skipped() -> None:
    """A metadata element in an unknown namespace is skipped."""
    body = load(ARXIV_GET).replace(b'xmlns="http://arxiv.org/OAI/arXiv/"', b'xmlns="urn:other"')
    assert "unsupported metadata format" in parse_oai(body).skipped[0]


def test_bad_version_date_is_skipped() -> None:
    """An unreadable arXivRaw version date skips the record."""
    body = load(RAW_GET).replace(b"Fri, 8 Feb 2013 21:00:01 GMT", b"someday")
    assert "not an RFC 2822 date" in parse_oai(body).skipped[0]


def test_not_oai_raises_parse_error() -> None:
    """An Atom feed is not an OAI-PMH response."""
    with pytest.raises(ParseError, match="expected <OAI-PMH>, got <feed>"):
        parse_oai(load("api_empty_2026_id_list_0000.0000.xml"))


def test_oai_without_payload_raises_parse_error() -> None:
    """An OAI-PMH document with neither records container nor error is a ParseError."""
    body = load(RAW_GET).replace(b"<GetRecord>", b"<Identify>").replace(b"</GetRecord>", b"</Identify>")
    with pytest.raises(ParseError, match="neither <ListRecords>, <GetRecord> nor <error>"):
        parse_oai(body)


def test_truncated_body_raises_parse_error() -> None:
    """A body cut in the middle is not well-formed."""
    with pytest.raises(ParseError, match="OAI-PMH response: not well-formed XML"):
        parse_oai(load(RAW_LIST)[:5000])


def _parse_or_fail_cleanly(body: bytes) -> None:
    with contextlib.suppress(ParseError, APIError):
        parse_oai(body)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(GOOD + ERRORS), where=st.floats(0, 1))
def test_truncated_pages_raise_only_hotpapers_errors(name: str, where: float) -> None:
    """Any recorded page cut anywhere gives a page or ParseError/APIError."""
    body = load(name)
    _parse_or_fail_cleanly(body[: int(where * len(body))])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(GOOD + ERRORS),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_mutated_pages_raise_only_hotpapers_errors(name: str, flips: list[tuple[float, int]]) -> None:
    """Overwriting random bytes of recorded pages never raises a foreign exception."""
    body = bytearray(load(name))
    for where, value in flips:
        body[int(where * len(body))] = value
    _parse_or_fail_cleanly(bytes(body))
