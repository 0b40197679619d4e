"""Tests for ArxivClient and hotpapers.http, serving recorded arXiv bytes through httpx.MockTransport."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import httpx
import pytest
import stamina

from hotpapers.arxiv.client import ArxivClient, category_clause, submitted_query
from hotpapers.errors import APIError, NetworkError, ParseError
from hotpapers.http import NO_RETRIES, RetryableStatusError, RetryPolicy, make_client, redact_url, user_agent
from hotpapers.http import _backoff_hook as backoff_hook

from helpers import paths

FIXTURES = paths.FIXTURES / "arxiv"
UTC = dt.UTC
WIDE = (dt.datetime(2000, 1, 1, tzinfo=UTC), dt.datetime(2030, 1, 1, tzinfo=UTC))
Reply = httpx.Response | Exception


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def ok(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=load(name))


@pytest.fixture(autouse=True)
def no_backoff() -> Iterator[None]:
    """Stamina sleeps nothing and never tries more than 3 times (a policy may ask for fewer)."""
    with stamina.set_testing(True, attempts=3, cap=True):
        yield


class FakeTime:
    """A clock that only moves when slept on (or when a test advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Server:
    """Answers requests with queued replies (the last one repeats) and records the requests."""

    def __init__(self, *replies: Reply, on_request: Callable[[], None] | None = None) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []
        self.on_request = on_request

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.on_request:
            self.on_request()
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        return reply

    def param(self, name: str) -> list[str | None]:
        return [r.url.params.get(name) for r in self.requests]


def client_for(server: Server, time: FakeTime | None = None, **kwargs: object) -> ArxivClient:
    clock = time or FakeTime()
    http = make_client(mailto="team@example.org", transport=httpx.MockTransport(server))
    options: dict[str, object] = {"retry": NO_RETRIES, "clock": clock.clock, "sleep": clock.sleep, **kwargs}
    return ArxivClient(http, **options)  # type: ignore[arg-type]


def test_fetch_rss_joins_categories_with_plus() -> None:
    """The RSS URL is <rss_url>/cs+stat.ML."""
    server = Server(ok("rss_2024_empty_feed_test_archive.xml"))
    client_for(server, rss_url="https://rss.example/rss/").fetch_rss(["cs", "stat.ML"])
    assert str(server.requests[0].url) == "https://rss.example/rss/cs+stat.ML"


def test_fetch_rss_returns_the_parsed_feed() -> None:
    """The feed's listing date comes back."""
    feed = client_for(Server(ok("rss_2024-11-28_multi_archive_excerpt.xml"))).fetch_rss(["cs"])
    assert (feed.date, len(feed.papers)) == (dt.date(2024, 11, 28), 109)


def test_fetch_rss_refuses_empty_categories() -> None:
    """No categories is a caller error, caught before any request."""
    with pytest.raises(ValueError, match="invalid RSS categories"):
        client_for(Server(ok("rss_2024_empty_feed_test_archive.xml"))).fetch_rss([])


def test_rss_error_feed_on_400_raises_api_error() -> None:
    """arXiv's 'Feed error' channel (HTTP 400) gives APIError with its message, status and URL."""
    server = Server(ok("rss_2024_error_bad_archive.xml", status=400))
    with pytest.raises(APIError, match="Bad archive 'astroph'") as caught:
        client_for(server).fetch_rss(["astroph"])
    assert (caught.value.status, caught.value.url) == (400, "https://rss.arxiv.org/rss/astroph")


def test_requests_carry_the_descriptive_user_agent() -> None:
    """Every request identifies hotpapers with its URL and contact address."""
    server = Server(ok("rss_2024_empty_feed_test_archive.xml"))
    client_for(server).fetch_rss(["cs"])
    assert server.requests[0].headers["User-Agent"] == user_agent("team@example.org")


def ids(count: int) -> list[str]:
    return [f"2411.{n:05d}" for n in range(1, count + 1)]


def test_fetch_ids_batches_by_100() -> None:
    """250 ids take 3 requests of 100, 100 and 50 ids, in order."""
    server = Server(ok("api_empty_2026_id_list_0000.0000.xml"))
    list(client_for(server).fetch_ids(ids(250)))
    batches = [value.split(",") for value in server.param("id_list") if value]
    assert [len(b) for b in batches] == [100, 100, 50]
    assert [i for b in batches for i in b] == ids(250)


def test_fetch_ids_max_results_is_the_batch_size() -> None:
    """max_results equals each batch's size."""
    server = Server(ok("api_empty_2026_id_list_0000.0000.xml"))
    list(client_for(server).fetch_ids(ids(250)))
    assert server.param("max_results") == ["100", "100", "50"]


def test_fetch_ids_yields_the_papers() -> None:
    """Papers from each response are yielded."""
    server = Server(ok("api_idlist_two_ids_one_found_2026.xml"))
    papers = list(client_for(server).fetch_ids(["0808.05394", "1707.08567"]))
    assert [p.arxiv_id for p in papers] == ["1707.08567"]


def test_fetch_ids_skips_invalid_and_duplicate_ids() -> None:
    """Invalid ids are noted and never sent; duplicates are sent once."""
    server = Server(ok("api_empty_2026_id_list_0000.0000.xml"))
    skipped: list[str] = []
    list(client_for(server).fetch_ids(["2104.12255v1", "abc", "2104.12255v1"], skipped=skipped))
    assert (server.param("id_list"), skipped) == (
        ["2104.12255v1"],
        ["arXiv API: 'abc' is not an arXiv id; not requested"],
    )


def test_requests_are_spaced_by_the_delay() -> None:
    """Three requests in a row sleep 3 s before the second and the third, not before the first."""
    time = FakeTime()
    list(client_for(Server(ok("api_empty_2026_id_list_0000.0000.xml")), time).fetch_ids(ids(250)))
    assert time.sleeps == [3.0, 3.0]


def test_spacing_counts_time_already_elapsed() -> None:
    """If each request takes 1 s, the client sleeps only the remaining 2 s."""
    time = FakeTime()

    def tick() -> None:
        time.now += 1.0

    server = Server(ok("api_empty_2026_id_list_0000.0000.xml"), on_request=tick)
    list(client_for(server, time).fetch_ids(ids(250)))
    assert time.sleeps == [2.0, 2.0]


def test_custom_delay() -> None:
    """delay_seconds is configuration."""
    time = FakeTime()
    list(
        client_for(Server(ok("api_empty_2026_id_list_0000.0000.xml")), time, delay_seconds=0.5).fetch_ids(
            ids(101)
        )
    )
    assert time.sleeps == [0.5]


def test_api_error_feed_on_400_raises_api_error() -> None:
    """The API error feed (HTTP 400) gives APIError with arXiv's message and status."""
    server = Server(ok("api_error_malformed_id_2026_abc_http400.xml", status=400))
    with pytest.raises(APIError, match="incorrect id format for abc") as caught:
        list(client_for(server).fetch_ids(["2104.12255"]))
    assert caught.value.status == 400 and "id_list=2104.12255" in str(caught.value.url)


def test_search_submitted_query_parameters() -> None:
    """search_query holds the category clause and the UTC submittedDate range; sorted by submittedDate."""
    server = Server(ok("api_empty_2026_id_list_0000.0000.xml"))
    start, end = dt.datetime(2024, 11, 26, 19, tzinfo=UTC), dt.datetime(2024, 11, 27, 19, tzinfo=UTC)
    list(client_for(server).search_submitted(["cs", "stat.ML"], start, end))
    params = server.requests[0].url.params
    assert params["search_query"] == (
        "(cat:cs OR cat:cs.* OR cat:stat.ML) AND submittedDate:[202411261900 TO 202411271900]"
    )
    assert (params["sortBy"], params["sortOrder"], params["start"], params["max_results"]) == (
        "submittedDate",
        "ascending",
        "0",
        "100",
    )


def test_search_submitted_pages_until_an_empty_page() -> None:
    """Pages advance by page_size; an early empty page stops paging and is noted."""
    server = Server(
        ok("api_search_multi_2026_all-testing_start0_max10.xml"),
        ok("api_search_multi_2026_all-testing_start10_max10.xml"),
        ok("api_empty_2026_id_list_0000.0000.xml"),
    )
    skipped: list[str] = []
    papers = list(client_for(server, page_size=10).search_submitted("all:testing", *WIDE, skipped=skipped))
    assert (server.param("start"), len(papers)) == (["0", "10", "20"], 20)
    assert "start=20 came back empty" in skipped[0]


def test_search_submitted_stops_at_total_results() -> None:
    """A page that covers totalResults ends the search after one request."""
    server = Server(ok("api_idlist_two_ids_one_found_2026.xml"))
    list(client_for(server).search_submitted(["cs"], *WIDE))
    assert len(server.requests) == 1


def test_search_submitted_keeps_only_the_window() -> None:
    """Papers whose v1 was submitted outside [start, end) are dropped."""
    server = Server(
        ok("api_search_multi_2026_all-testing_start0_max10.xml"), ok("api_empty_2026_id_list_0000.0000.xml")
    )
    start, end = (
        dt.datetime(2024, 5, 22, 16, 11, 45, tzinfo=UTC),
        dt.datetime(2025, 3, 7, 12, 39, 59, tzinfo=UTC),
    )
    papers = list(client_for(server, page_size=10).search_submitted(["cs"], start, end))
    assert sorted(p.arxiv_id for p in papers) == ["2405.13786", "2502.07719"]


def test_list_records_follows_resumption_tokens() -> None:
    """A page with a token is followed by a request with only verb and resumptionToken."""
    server = Server(
        ok("oai_listrecords_arxivraw_2015_resumptiontoken.xml"),
        ok("oai_listrecords_arxiv_2017_set-physics-hep-th.xml"),
    )
    papers = list(
        client_for(server).list_records(dt.date(2014, 10, 1), dt.date(2014, 10, 2), "physics:hep-th")
    )
    assert len(papers) == 9
    assert dict(server.requests[1].url.params) == {"verb": "ListRecords", "resumptionToken": "726959|1001"}


def test_list_records_first_request_parameters() -> None:
    """The first request names verb, metadataPrefix, from, until and set."""
    server = Server(ok("oai_listrecords_arxiv_2017_set-physics-hep-th.xml"))
    list(
        client_for(server, oai_url="https://oai.example/oai").list_records(
            dt.date(2017, 12, 14), dt.date(2017, 12, 15), "cs"
        )
    )
    assert str(server.requests[0].url) == (
        "https://oai.example/oai?verb=ListRecords&metadataPrefix=arXivRaw&from=2017-12-14&until=2017-12-15&set=cs"
    )


def test_list_records_no_records_match_is_empty() -> None:
    """noRecordsMatch ends the harvest with nothing."""
    server = Server(ok("oai_error_noRecordsMatch_2015.xml"))
    assert list(client_for(server).list_records(dt.date(2015, 1, 1), dt.date(2015, 1, 2))) == []


def test_list_records_oai_error_raises() -> None:
    """An OAI error such as badResumptionToken raises APIError naming the code."""
    server = Server(
        ok("oai_listrecords_arxivraw_2015_resumptiontoken.xml"), ok("oai_error_badResumptionToken_2015.xml")
    )
    with pytest.raises(APIError, match="badResumptionToken"):
        list(client_for(server).list_records(dt.date(2014, 10, 1), dt.date(2014, 10, 2)))


def test_list_records_repeated_token_raises() -> None:
    """A server repeating the same token would loop forever: APIError instead."""
    server = Server(ok("oai_listrecords_arxivraw_2015_resumptiontoken.xml"))
    with pytest.raises(APIError, match="repeated"):
        list(client_for(server).list_records(dt.date(2014, 10, 1), dt.date(2014, 10, 2)))


def unavailable(retry_after: str | None = "7") -> httpx.Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return httpx.Response(503, headers=headers, text="Service Unavailable")


def test_503_with_retry_after_is_retried() -> None:
    """A 503 is retried and the recorded answer comes back."""
    server = Server(unavailable(), ok("api_idlist_versioned_2026_2104.12255v1.xml"))
    papers = list(client_for(server, retry=RetryPolicy(attempts=3)).fetch_ids(["2104.12255v1"]))
    assert (len(server.requests), [p.arxiv_id for p in papers]) == (2, ["2104.12255"])


def test_retries_respect_the_delay() -> None:
    """The retry of a failed request also waits delay_seconds."""
    time = FakeTime()
    server = Server(unavailable(), ok("api_idlist_versioned_2026_2104.12255v1.xml"))
    list(client_for(server, time, retry=RetryPolicy(attempts=3)).fetch_ids(["2104.12255v1"]))
    assert time.sleeps == [3.0]


def test_persistent_503_raises_api_error_with_status() -> None:
    """When retries run out, the 503 is an APIError with status and URL."""
    server = Server(unavailable())
    with pytest.raises(APIError, match="HTTP 503") as caught:
        list(client_for(server, retry=RetryPolicy(attempts=3)).fetch_ids(["2104.12255"]))
    assert (caught.value.status, len(server.requests)) == (503, 3)


def test_connection_errors_are_retried() -> None:
    """A connection error followed by success is invisible to the caller."""
    server = Server(httpx.ConnectError("refused"), ok("rss_2024_empty_feed_test_archive.xml"))
    feed = client_for(server, retry=RetryPolicy(attempts=3)).fetch_rss(["cs"])
    assert (len(server.requests), feed.papers) == (2, ())


def test_persistent_timeouts_raise_network_error() -> None:
    """Timeouts that persist become NetworkError (not APIError)."""
    server = Server(httpx.ReadTimeout("slow"))
    with pytest.raises(NetworkError, match="ReadTimeout") as caught:
        client_for(server, retry=RetryPolicy(attempts=2)).fetch_rss(["cs"])
    assert not isinstance(caught.value, APIError)


def test_retries_switched_off_send_once() -> None:
    """NO_RETRIES sends a failing request exactly once."""
    server = Server(unavailable())
    with pytest.raises(APIError):
        client_for(server).fetch_rss(["cs"])
    assert len(server.requests) == 1


def test_other_error_status_raises_api_error() -> None:
    """A 404 with an HTML body is an APIError with its status."""
    server = Server(httpx.Response(404, text="<html>Not Found</html>"))
    with pytest.raises(APIError, match="HTTP 404") as caught:
        client_for(server).fetch_rss(["cs"])
    assert caught.value.status == 404


def test_garbage_body_raises_parse_error_naming_the_url() -> None:
    """A 200 whose body is not XML is a ParseError that names the URL."""
    server = Server(httpx.Response(200, text="maintenance"))
    with pytest.raises(ParseError, match=r"from https://rss\.arxiv\.org/rss/cs"):
        client_for(server).fetch_rss(["cs"])


def test_retry_after_seconds_are_kept_on_the_error() -> None:
    """Retry-After in seconds is parsed onto the retryable error."""
    with pytest.raises(RetryableStatusError) as caught:
        client_for(Server(unavailable("7"))).fetch_rss(["cs"])
    assert caught.value.retry_after == 7.0


def test_retry_after_is_capped() -> None:
    """A huge Retry-After is capped by the policy."""
    with pytest.raises(RetryableStatusError) as caught:
        client_for(
            Server(unavailable("100000")), retry=RetryPolicy(enabled=False, max_retry_after=60)
        ).fetch_rss(["cs"])
    assert caught.value.retry_after == 60.0


def test_retry_after_http_date() -> None:
    """An HTTP-date Retry-After in the past means no extra wait."""
    with pytest.raises(RetryableStatusError) as caught:
        client_for(Server(unavailable("Wed, 21 Oct 2015 07:28:00 GMT"))).fetch_rss(["cs"])
    assert caught.value.retry_after == 0.0


def test_backoff_hook_uses_retry_after() -> None:
    """Stamina is told to wait Retry-After seconds, or to back off normally without it."""
    with_header = RetryableStatusError("x", status=503, url="u", retry_after=7.0)
    without = RetryableStatusError("x", status=503, url="u", retry_after=None)
    assert (backoff_hook(with_header), backoff_hook(without), backoff_hook(ValueError())) == (
        7.0,
        True,
        False,
    )


def test_user_agent_format() -> None:
    """The User-Agent names hotpapers, its version, its URL and the contact address."""
    agent = user_agent("me@example.org")
    assert agent.startswith("hotpapers/") and agent.endswith(
        "(+https://github.com/hotpapers/hotpapers; mailto:me@example.org)"
    )


def test_user_agent_without_mailto() -> None:
    """Without an address the contact part is left out."""
    assert user_agent().endswith("(+https://github.com/hotpapers/hotpapers)")


def test_make_client_timeouts() -> None:
    """The shared client has connect and read timeouts."""
    timeout = make_client().timeout
    assert (timeout.connect, timeout.read) == (10.0, 60.0)


def test_redact_url_masks_credentials() -> None:
    """Credential-looking parameters and userinfo are masked; others are kept."""
    shown = redact_url("https://user:pw@api.example/x?q=1&api_key=SECRET&access_token=T")
    assert shown == "https://***@api.example/x?q=1&api_key=***&access_token=***"


def test_error_messages_do_not_leak_secrets() -> None:
    """An error for a URL holding a key does not repeat the key."""
    server = Server(httpx.Response(404, text="no"))
    with pytest.raises(APIError) as caught:
        client_for(server, rss_url="https://rss.example/rss?token=SECRET").fetch_rss(["cs"])
    assert "SECRET" not in str(caught.value) and "SECRET" not in str(caught.value.url)


def test_category_clause_expands_archives() -> None:
    """An archive matches itself and its subcategories; a category matches exactly."""
    assert category_clause(["hep-th", "cs.LG"]) == "cat:hep-th OR cat:hep-th.* OR cat:cs.LG"


def test_submitted_query_with_raw_expression() -> None:
    """A raw expression is wrapped in parentheses before the date range."""
    query = submitted_query(
        "au:del_maestro", dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2024, 1, 2, tzinfo=UTC)
    )
    assert query == "(au:del_maestro) AND submittedDate:[202401010000 TO 202401020000]"


def test_client_rejects_nonsense_configuration() -> None:
    """A zero page size is refused."""
    with pytest.raises(ValueError, match="page_size"):
        ArxivClient(httpx.Client(), page_size=0)


def test_submitted_query_refuses_naive_datetimes() -> None:
    """A naive window bound is ambiguous (arXiv reads GMT) and is refused."""
    with pytest.raises(ValueError, match="naive"):
        submitted_query("cat:cs.LG", dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2, tzinfo=UTC))
