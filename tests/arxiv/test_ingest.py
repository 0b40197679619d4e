"""Tests for hotpapers.arxiv.ingest: orchestration over recorded arXiv responses, no store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import httpx
import pytest

import hotpapers.arxiv as arxiv_package
from hotpapers.arxiv.api import parse_api
from hotpapers.arxiv.categories import CategoryFilter
from hotpapers.arxiv.client import ArxivClient
from hotpapers.arxiv.ingest import IngestResult, ingest_day, ingest_latest, oai_sets
from hotpapers.errors import UsageError
from hotpapers.http import NO_RETRIES
from hotpapers.models import AnnounceType, Paper

from helpers import paths

FIXTURES = paths.FIXTURES / "arxiv"
LISTING = "rss_2024-11-28_multi_archive_excerpt.xml"
EMPTY_API = "api_empty_2026_id_list_0000.0000.xml"
T = AnnounceType


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class Server:
    """Serves the given bodies in order (the last repeats) and records the requests."""

    def __init__(self, *bodies: bytes) -> None:
        self.bodies = list(bodies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = self.bodies.pop(0) if len(self.bodies) > 1 else self.bodies[0]
        return httpx.Response(200, content=body)


def client_for(server: Server) -> ArxivClient:
    http = httpx.Client(transport=httpx.MockTransport(server))
    return ArxivClient(http, retry=NO_RETRIES, delay_seconds=0, sleep=lambda _: None)


def kinds(result: IngestResult) -> dict[str, AnnounceType]:
    return {a.arxiv_id: a.announce_type for a in result.announcements}


@pytest.fixture(scope="module")
def latest() -> IngestResult:
    return ingest_latest(client_for(Server(load(LISTING))), CategoryFilter())


def test_latest_reads_the_rss_feed_of_the_include_list() -> None:
    """ingest_latest asks rss.arxiv.org for the filter's include entries joined with '+'."""
    server = Server(load(LISTING))
    ingest_latest(client_for(server), CategoryFilter(include=("cs", "stat.ML")))
    assert server.requests[0].url.path == "/rss/cs+stat.ML"


def test_latest_day_and_source(latest: IngestResult) -> None:
    """The result is dated with the feed's listing day and says it came from RSS."""
    assert (latest.day, latest.source) == (dt.date(2024, 11, 28), "rss")


def test_latest_applies_the_filter(latest: IngestResult) -> None:
    """Only papers with a cs or stat.ML category are kept (55 of the 109 items)."""
    assert len(latest.papers) == 55
    assert all(any(c.startswith("cs.") or c == "stat.ML" for c in p.categories) for p in latest.papers)


def test_latest_keeps_arxivs_new(latest: IngestResult) -> None:
    """A cs primary announced as new stays new."""
    assert kinds(latest)["2411.17700"] is T.NEW


def test_latest_new_outside_the_filter_becomes_cross(latest: IngestResult) -> None:
    """An eess.SP paper cross-listed to cs.LG is a cross-list for a cs digest."""
    assert kinds(latest)["2411.17702"] is T.CROSS


def test_latest_replacement_types(latest: IngestResult) -> None:
    """A stat.ML replacement is replace; a stat.AP one cross-listed to cs.LG is replace-cross."""
    assert (kinds(latest)["1903.04209"], kinds(latest)["2211.13157"]) == (T.REPLACE, T.REPLACE_CROSS)


def test_latest_keeps_feed_positions(latest: IngestResult) -> None:
    """Positions are the items' indices in the feed."""
    positions: dict[str, int] = {a.arxiv_id: a.position for a in latest.announcements}
    assert (positions["2411.17700"], positions["2411.17702"], positions["2411.16552"]) == (0, 2, 54)


def test_latest_counts(latest: IngestResult) -> None:
    """counts gives the number of announcements per type, zeros included."""
    assert latest.counts == {T.NEW: 16, T.CROSS: 21, T.REPLACE: 12, T.REPLACE_CROSS: 6}


def test_latest_passes_on_skipped_items() -> None:
    """An unreadable item of the feed ends up in the result's skipped list."""
    body = load(LISTING).replace(b"<category>cs.CY</category>", b"", 1)
    result = ingest_latest(client_for(Server(body)), CategoryFilter())
    assert result.skipped and result.skipped[0].startswith("item 0 ")


def test_latest_on_an_empty_listing_day() -> None:
    """An empty feed dated on a listing day is an empty result (nothing announced)."""
    result = ingest_latest(client_for(Server(load("rss_2024_empty_feed_test_archive.xml"))), CategoryFilter())
    assert (result.day, result.papers, result.source) == (dt.date(2024, 11, 28), (), "rss")


def test_latest_on_a_weekend_falls_back_to_the_api() -> None:
    """An empty Saturday feed makes ingest_latest rebuild Friday's listing from the API."""
    saturday = load("rss_2024_empty_feed_test_archive.xml").replace(
        b"Thu, 28 Nov 2024 00:00", b"Sat, 30 Nov 2024 00:00"
    )
    server = Server(saturday, load(EMPTY_API))
    result = ingest_latest(client_for(server), CategoryFilter())
    assert (result.day, result.source) == (dt.date(2024, 11, 29), "api")
    assert "submittedDate:[202411271900 TO 202411281900]" in server.requests[1].url.params["search_query"]


def test_day_requests_the_submission_window() -> None:
    """ingest_day for Thu 23 May 2024 searches Tue 14:00 to Wed 14:00 EDT (18:00 UTC)."""
    server = Server(load("api_search_multi_2026_all-testing_start0_max10.xml"), load(EMPTY_API))
    ingest_day(client_for(server), dt.date(2024, 5, 23), CategoryFilter())
    query = server.requests[0].url.params["search_query"]
    assert query == "(cat:cs OR cat:cs.* OR cat:stat.ML) AND submittedDate:[202405211800 TO 202405221800]"


def test_day_keeps_papers_submitted_in_the_window_as_new() -> None:
    """Of the recorded page only 2405.13786 (cs.SE, submitted Wed 22 May 12:11 EDT) is announced that day."""
    server = Server(load("api_search_multi_2026_all-testing_start0_max10.xml"), load(EMPTY_API))
    result = ingest_day(client_for(server), dt.date(2024, 5, 23), CategoryFilter())
    assert (kinds(result), result.source, result.day) == ({"2405.13786": T.NEW}, "api", dt.date(2024, 5, 23))


def test_day_cross_list_into_the_filter() -> None:
    """2403.16981 (math.ST, cross-listed to stat.ML) is a cross on Tue 26 Mar 2024."""
    server = Server(load("api_search_multi_2026_all-testing_start10_max10.xml"), load(EMPTY_API))
    result = ingest_day(client_for(server), dt.date(2024, 3, 26), CategoryFilter())
    assert kinds(result) == {"2403.16981": T.CROSS}


def test_day_announcements_carry_the_day() -> None:
    """Announcements are dated with the requested listing day."""
    server = Server(load("api_search_multi_2026_all-testing_start10_max10.xml"), load(EMPTY_API))
    result = ingest_day(client_for(server), dt.date(2024, 3, 26), CategoryFilter())
    assert [a.date for a in result.announcements] == [dt.date(2024, 3, 26)]


def test_day_without_listing_is_a_usage_error() -> None:
    """A Saturday has no listing: UsageError before any request."""
    server = Server(load(EMPTY_API))
    with pytest.raises(UsageError, match="has no arXiv listing"):
        ingest_day(client_for(server), dt.date(2024, 11, 30), CategoryFilter())
    assert server.requests == []


class RecordedSearch(ArxivClient):
    """A client whose search returns every paper of two recorded pages, whatever the window."""

    def search_submitted(
        self,
        query: str | Sequence[str],
        start: dt.datetime,
        end: dt.datetime,
        *,
        skipped: list[str] | None = None,
    ) -> Iterator[Paper]:
        for name in (
            "api_search_multi_2026_all-testing_start10_max10.xml",
            "api_search_multi_2026_all-testing_start0_max10.xml",
        ):
            yield from parse_api(load(name)).papers


def test_day_orders_new_before_cross_with_ids_ascending() -> None:
    """Positions follow RSS order: all new (ids ascending), then cross."""
    client = RecordedSearch(httpx.Client(), retry=NO_RETRIES)
    result = ingest_day(client, dt.date(2024, 3, 26), CategoryFilter(include=("cs",)))
    order = [(a.announce_type, a.arxiv_id) for a in result.announcements]
    assert order == sorted(order, key=lambda item: (list(T).index(item[0]), item[1]))
    assert order[-1] == (T.CROSS, "2403.16981") and [a.position for a in result.announcements] == list(
        range(len(order))
    )


def test_day_with_replacements_from_oai() -> None:
    """With include_replacements, a version submitted in the window makes a replace (0704.0874v3, 20 Nov 2014)."""
    server = Server(
        load("oai_listrecords_arxivraw_2015_resumptiontoken.xml"),
        load("oai_error_noRecordsMatch_2015.xml"),
        load(EMPTY_API),
    )
    result = ingest_day(
        client_for(server),
        dt.date(2014, 11, 21),
        CategoryFilter(include=("math",)),
        include_replacements=True,
    )
    assert (kinds(result), result.source) == ({"0704.0874": T.REPLACE}, "api+oai")


def test_replacements_harvest_the_evening_and_the_day() -> None:
    """The OAI harvest asks arXivRaw records of the filter's set modified on D's evening through D."""
    server = Server(load("oai_error_noRecordsMatch_2015.xml"), load(EMPTY_API))
    ingest_day(
        client_for(server),
        dt.date(2014, 11, 21),
        CategoryFilter(include=("math",)),
        include_replacements=True,
    )
    params = dict(server.requests[0].url.params)
    assert params == {
        "verb": "ListRecords",
        "metadataPrefix": "arXivRaw",
        "from": "2014-11-20",
        "until": "2014-11-21",
        "set": "math",
    }


def test_oai_sets_for_the_include_entries() -> None:
    """Archives map to OAI sets; physics archives live under 'physics:'."""
    category_filter = CategoryFilter(include=("cs", "stat.ML", "hep-th", "astro-ph.CO", "cs.LG"))
    assert oai_sets(category_filter) == ("cs", "stat", "physics:hep-th", "physics:astro-ph")


def test_package_exports_resolve() -> None:
    """Every name in hotpapers.arxiv.__all__ is importable from the package (lazily)."""
    assert all(getattr(arxiv_package, name) is not None for name in arxiv_package.__all__)
