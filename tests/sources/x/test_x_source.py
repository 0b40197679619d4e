"""XSource end to end: a real httpx client against a local server replaying recorded X responses."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import stamina

from hotpapers.errors import APIError, ParseError
from hotpapers.http import NO_RETRIES, RetryPolicy, make_client
from hotpapers.models import AccountProfile, EngagementSnapshot, Post, PostGone, Record
from hotpapers.plugins import Checkpoint, CollectRequest, Source, SourceContext, SourceUsage
from hotpapers.sources.x.source import QUERY, XSource

from helpers.localserver import Reply, Served
from helpers.paths import SOCIAL
from helpers.sources import Clock, Switchboard

X = SOCIAL / "x"
NOW = dt.datetime(2021, 5, 12, 12, 0, tzinfo=dt.UTC)
START, END = NOW - dt.timedelta(days=1), NOW - dt.timedelta(hours=1)
TOKEN = "FAKEbearer%2Btest%2Btoken0123456789not-real"
RETRY = RetryPolicy(attempts=3)
PAGE_1 = "derived_arxiv_search_recent_page_100_tweets_twarc2.jsonl"
PAGE_2 = "derived_arxiv_search_recent_kpop_with_partial_errors_TRUNCATED_40_of_100.json"
PAGE_3 = "search_all_last_page_result_count_1_twarc2.jsonl"
TOKEN_1, TOKEN_2 = "b26v89c19zqg8o3foswqkggm39wgo8ndmhejepwm9qzy5", "b26v89c19zqg8o3fpds60ssjlg8rrux0bxoa7beulbhbx"
NOT_FOUND = "tweets_lookup_ids_1_to_15_all_not_found_academictwitteR.json"
LOOKUP_ONE = "tweets_lookup_ids_one_tweet_many_fields_twarc2.jsonl"
BODY_429 = "error_429_too_many_requests_title_detail_type_status_order.body.json"


def load(name: str) -> bytes:
    return (X / name).read_bytes()


def json_reply(name: str, status: int = 200, **headers: str) -> Reply:
    return Reply(
        load(name), status, "application/json; charset=utf-8", {k.replace("_", "-"): v for k, v in headers.items()}
    )


def query(path: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}


def search_pages(path: str) -> Reply | None:
    """Three pages chained by next_token, and any lookup answered with the 15-ids not-found recording."""
    if path.startswith("/2/tweets/search/recent"):
        return json_reply({None: PAGE_1, TOKEN_1: PAGE_2, TOKEN_2: PAGE_3}[query(path).get("next_token")])
    if path.startswith("/2/tweets?"):
        return json_reply(NOT_FOUND)
    return None


def queued(*replies: Reply) -> Callable[[str], Reply | None]:
    """Answer requests with the replies in turn; the last one repeats."""
    pending = list(replies)
    return lambda _path: pending.pop(0) if len(pending) > 1 else pending[0]


@pytest.fixture(autouse=True)
def no_backoff() -> Iterator[None]:
    """Stamina sleeps nothing and never tries more than 3 times (a policy may ask for fewer)."""
    with stamina.set_testing(True, attempts=3, cap=True):
        yield


Route = Callable[[str], Reply | None]
XApi = Callable[[Route], Served]


@pytest.fixture
def x_api(switchboard: Switchboard) -> XApi:
    """Point the module's local server at a route, with its request log cleared; returns the server."""
    return switchboard.answer


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with make_client() as client:
        yield client


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def authorizations(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The Authorization header of every request the local server receives (localserver does not keep headers)."""
    seen: list[str | None] = []
    original = BaseHTTPRequestHandler.parse_request

    def parse_request(self: BaseHTTPRequestHandler) -> bool:
        ok = original(self)
        if ok:
            seen.append(self.headers.get("Authorization"))
        return ok

    monkeypatch.setattr(BaseHTTPRequestHandler, "parse_request", parse_request)
    return seen


def context(
    http: httpx.Client, server: Served | None, clock: Clock, retry: RetryPolicy = RETRY, **env: str
) -> SourceContext:
    values = {"HOTPAPERS_X_BEARER_TOKEN": TOKEN, **({"HOTPAPERS_X_API_URL": server.url} if server else {}), **env}
    return SourceContext(http, {k: v for k, v in values.items() if v is not None}, clock.now, clock.sleep, retry)


def collect(
    ctx: SourceContext, start: dt.datetime = START, end: dt.datetime = END, known: tuple[Post, ...] = ()
) -> list[Record]:
    """The records for the store (the budget's checkpoints and usage are left out: see test_x_budget.py)."""
    outputs = XSource(ctx).collect(CollectRequest(NOW.date(), start, end, (), known))
    return [r for r in outputs if not isinstance(r, Checkpoint | SourceUsage)]


def known_post(post_id: str, platform: str = "x") -> Post:
    return Post(
        platform,
        post_id,
        f"https://x.com/i/web/status/{post_id}",
        "someone",
        "Someone",
        "a post",
        NOW - dt.timedelta(days=2),
    )


def without_profiles(records: list[Record]) -> list[Record]:
    """The records other than account profiles."""
    return [r for r in records if not isinstance(r, AccountProfile)]


def searches(server: Served) -> list[dict[str, str]]:
    return [query(p) for p in server.requests if p.startswith("/2/tweets/search/recent")]


def lookups(server: Served) -> list[list[str]]:
    return [query(p)["ids"].split(",") for p in server.requests if p.startswith("/2/tweets?")]


# --- status ---


def test_without_token_the_source_is_disabled_and_says_how_to_enable_it(http: httpx.Client, clock: Clock) -> None:
    """No HOTPAPERS_X_BEARER_TOKEN: disabled with a one-line reason naming the variable and the docs."""
    status = XSource(context(http, None, clock, HOTPAPERS_X_BEARER_TOKEN="")).status()
    assert not status.enabled
    assert status.reason == "set HOTPAPERS_X_BEARER_TOKEN to an X API bearer token (see docs/sources/x.md)"


def test_disabled_source_sends_nothing(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """Collecting without a token yields nothing and sends no request."""
    server = x_api(search_pages)
    assert collect(context(http, server, clock, HOTPAPERS_X_BEARER_TOKEN="  ")) == []
    assert server.requests == []


def test_with_token_the_source_is_enabled(http: httpx.Client, clock: Clock) -> None:
    """A token is all the source needs; it satisfies the Source protocol under the name 'x'."""
    source = XSource(context(http, None, clock))
    assert source.status().enabled
    assert isinstance(source, Source)
    assert source.name == "x"


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"HOTPAPERS_X_API_URL": "api.x.com"}, "HOTPAPERS_X_API_URL must be an http(s) URL"),
        ({"HOTPAPERS_X_MAX_PAGES": "ten"}, "HOTPAPERS_X_MAX_PAGES must be a whole number"),
    ],
)
def test_invalid_settings_disable_the_source(
    http: httpx.Client, clock: Clock, env: dict[str, str], reason: str
) -> None:
    """A malformed API URL or page limit disables the source with a reason naming the variable."""
    status = XSource(context(http, None, clock, **env)).status()
    assert not status.enabled
    assert status.reason.startswith(reason)


# --- search ---


def test_search_paginates_with_next_token(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """Each page's meta.next_token is sent as next_token until a page has none: 3 requests."""
    server = x_api(search_pages)
    collect(context(http, server, clock))
    assert [q.get("next_token") for q in searches(server)] == [None, TOKEN_1, TOKEN_2]
    assert len(server.requests) == 3


def test_search_yields_each_post_then_its_snapshot(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """Posts of all pages (30 + 9 + 0) come each followed by its snapshot, observed now."""
    server = x_api(search_pages)
    records = without_profiles(collect(context(http, server, clock)))
    posts, snapshots = records[::2], records[1::2]
    assert len(posts) == 39
    assert all(isinstance(p, Post) for p in posts)
    assert all(
        isinstance(s, EngagementSnapshot) and s.post_id == p.post_id and s.observed_at == NOW
        for p, s in zip(posts, snapshots, strict=True)
    )


def test_search_sends_the_query_window_and_fields(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """The query, 100 results, the RFC 3339 window and the fields and expansion the parser reads."""
    server = x_api(search_pages)
    collect(context(http, server, clock))
    first = searches(server)[0]
    assert first["query"] == QUERY == 'url:"arxiv.org" -is:retweet'
    assert (first["max_results"], first["start_time"], first["end_time"]) == (
        "100",
        "2021-05-11T12:00:00Z",
        "2021-05-12T11:00:00Z",
    )
    assert set(first["tweet.fields"].split(",")) >= {
        "public_metrics",
        "created_at",
        "lang",
        "entities",
        "referenced_tweets",
        "author_id",
    }
    assert (first["expansions"], first["user.fields"]) == ("author_id", "created_at,public_metrics")


def test_search_yields_each_authors_profile_once(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """The authors in includes.users become profiles (followers, account creation), once per account and run."""
    server = x_api(search_pages)
    profiles = [r for r in collect(context(http, server, clock)) if isinstance(r, AccountProfile)]
    handles = [p.handle.casefold() for p in profiles]
    assert profiles and len(handles) == len(set(handles))
    assert all(p.observed_at == NOW and p.followers is not None and p.created_at is not None for p in profiles)


def test_lookup_asks_for_the_authors_profiles(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """The refresh of known posts expands author_id with created_at and public_metrics."""

    def route(path: str) -> Reply | None:
        return json_reply(LOOKUP_ONE) if path.startswith("/2/tweets?") else json_reply(PAGE_3)

    server = x_api(route)
    records = collect(context(http, server, clock), known=(known_post("1610692575752601600"),))
    (asked,) = [query(r) for r in server.requests if r.startswith("/2/tweets?")]
    assert (asked["expansions"], asked["user.fields"]) == ("author_id", "created_at,public_metrics")
    assert [p.handle for p in records if isinstance(p, AccountProfile)][-1] == "uiuxadrian"  # the looked-up author


def test_bearer_token_goes_in_the_authorization_header(
    x_api: XApi, http: httpx.Client, clock: Clock, authorizations: list[str | None]
) -> None:
    """Every request carries 'Authorization: Bearer <token>'; no URL contains the token."""
    server = x_api(search_pages)
    collect(context(http, server, clock), known=(known_post("1"),))
    assert authorizations == [f"Bearer {TOKEN}"] * 4
    assert not any(TOKEN in path or "fake" in path for path in server.requests)


def test_window_older_than_seven_days_is_clamped_with_a_log_line(
    x_api: XApi, http: httpx.Client, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Recent search covers 7 days: an older start is moved up (a minute of slack) and a log line says so."""
    server = x_api(search_pages)
    with caplog.at_level(logging.WARNING):
        collect(context(http, server, clock), start=NOW - dt.timedelta(days=9))
    assert searches(server)[0]["start_time"] == "2021-05-05T12:01:00Z"
    assert "recent search covers only the last 7 days; searching from 2021-05-05T12:01:00Z" in caplog.text


def test_window_end_is_kept_clear_of_the_request_time(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """X refuses an end_time less than 10 s before the request, so a window ending now ends 30 s earlier."""
    server = x_api(search_pages)
    collect(context(http, server, clock), end=NOW + dt.timedelta(hours=3))
    assert searches(server)[0]["end_time"] == "2021-05-12T11:59:30Z"


def test_window_outside_recent_search_only_refreshes_known_posts(
    x_api: XApi, http: httpx.Client, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """A window more than 7 days old is not searched; the known posts are still looked up."""
    old = NOW - dt.timedelta(days=30)
    server = x_api(search_pages)
    with caplog.at_level(logging.WARNING):
        collect(context(http, server, clock), start=old, end=old + dt.timedelta(days=1), known=(known_post("1"),))
    assert searches(server) == []
    assert lookups(server) == [["1"]]
    assert "is outside it, so only known posts are refreshed" in caplog.text


def test_page_limit_stops_the_search(
    x_api: XApi, http: httpx.Client, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """The deprecated HOTPAPERS_X_MAX_PAGES=1 is a budget of 100 reads: one search request, and a warning
    that the older posts were not read and that the variable is deprecated."""
    server = x_api(search_pages)
    with caplog.at_level(logging.WARNING):
        records = without_profiles(collect(context(http, server, clock, HOTPAPERS_X_MAX_PAGES="1")))
    assert (len(server.requests), len(records)) == (1, 60)
    assert "search stopped after 1 pages (100 posts read): the per-run budget of 100 posts read " in caplog.text
    assert "HOTPAPERS_X_MAX_PAGES is deprecated" in caplog.text


def test_html_instead_of_json_is_a_parse_error(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """A 200 whose body is not X's JSON fails the source with ParseError."""
    server = x_api(queued(Reply(b"<html>maintenance</html>", 200, "text/html")))
    with pytest.raises(ParseError):
        collect(context(http, server, clock))


# --- rate limits and errors ---


@pytest.mark.parametrize("retry", [RETRY, NO_RETRIES], ids=["retries", "no-retries"])
def test_429_is_waited_out_until_the_reset(x_api: XApi, http: httpx.Client, clock: Clock, retry: RetryPolicy) -> None:
    """A 429 with x-rate-limit-reset 120 s ahead: sleep 121 s through context.sleep, then the retry succeeds."""
    reset = str(int(NOW.timestamp()) + 120)
    limited = json_reply(BODY_429, 429, x_rate_limit_remaining="0", x_rate_limit_reset=reset)
    server = x_api(queued(limited, json_reply(PAGE_3)))
    records = without_profiles(collect(context(http, server, clock, retry)))
    assert clock.sleeps == [121.0]
    assert (len(server.requests), records) == (2, [])


def test_429_without_reset_waits_a_minute(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """A 429 without x-rate-limit-reset (as the recorded bodies came, headerless) waits 61 s, then retries."""
    server = x_api(queued(json_reply(BODY_429, 429), json_reply(PAGE_3)))
    collect(context(http, server, clock))
    assert (clock.sleeps, len(server.requests)) == ([61.0], 2)


def test_spent_window_is_waited_out_before_the_next_request(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """A 200 saying x-rate-limit-remaining 0 makes the next request wait for x-rate-limit-reset."""
    reset = str(int(NOW.timestamp()) + 60)
    spent = json_reply(PAGE_1, x_rate_limit_limit="450", x_rate_limit_remaining="0", x_rate_limit_reset=reset)
    server = x_api(queued(spent, json_reply(PAGE_3)))
    collect(context(http, server, clock))
    assert clock.sleeps == [61.0]
    assert len(server.requests) == 2


def test_remaining_requests_mean_no_wait(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """Rate-limit headers with requests remaining (as recorded by tweepy: 448 of 450) cause no sleep."""
    reset = str(int(NOW.timestamp()) + 60)
    fine = json_reply(PAGE_1, x_rate_limit_limit="450", x_rate_limit_remaining="448", x_rate_limit_reset=reset)
    server = x_api(queued(fine, json_reply(PAGE_3)))
    collect(context(http, server, clock))
    assert (clock.sleeps, len(server.requests)) == ([], 2)


def test_429_resetting_too_late_is_an_api_error(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """A reset more than 15 minutes away is not waited for: APIError says when the limit resets."""
    reset = str(int(NOW.timestamp()) + 3600)
    server = x_api(queued(json_reply(BODY_429, 429, x_rate_limit_reset=reset)))
    with pytest.raises(APIError, match=r"resets at 2021-05-12T13:00:00Z \(in 60 min\)") as info:
        collect(context(http, server, clock))
    assert info.value.status == 429
    assert (clock.sleeps, len(server.requests)) == ([], 1)


def test_endless_429s_give_up(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """X answering 429 again after each wait ends in APIError after a bounded number of requests."""
    reset = str(int(NOW.timestamp()) + 5)
    server = x_api(queued(json_reply(BODY_429, 429, x_rate_limit_reset=reset)))
    with pytest.raises(APIError):
        collect(context(http, server, clock, NO_RETRIES))
    assert len(server.requests) == 3


def test_503_is_retried(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """A 503 is retried by hotpapers.http.request under the context's policy; no rate-limit wait."""
    server = x_api(queued(Reply(b"", 503, "text/plain"), json_reply(PAGE_3)))
    collect(context(http, server, clock))
    assert (len(server.requests), clock.sleeps) == (2, [])


def test_401_is_an_api_error_without_the_token(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """A refused token is one APIError (no retry) that says what to check and never shows the token."""
    server = x_api(queued(Reply(b"", 401, "application/json")))
    with pytest.raises(APIError, match=r"X API refused the bearer token \(HTTP 401\)") as info:
        collect(context(http, server, clock))
    assert TOKEN not in str(info.value) and "fake" not in str(info.value)
    assert "HOTPAPERS_X_BEARER_TOKEN" in str(info.value)
    assert (info.value.status, len(server.requests)) == (401, 1)


def test_403_is_an_api_error(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """A 403 (the app lacks access) is an APIError naming the status, sent once."""
    server = x_api(queued(Reply(b"", 403, "application/json")))
    with pytest.raises(APIError, match=r"HTTP 403") as info:
        collect(context(http, server, clock))
    assert (info.value.status, len(server.requests)) == (403, 1)


def test_token_is_never_logged(x_api: XApi, http: httpx.Client, clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    """Debug logging of a run with a rate-limit wait shows no trace of the token."""
    reset = str(int(NOW.timestamp()) + 1)
    server = x_api(queued(json_reply(BODY_429, 429, x_rate_limit_reset=reset), json_reply(PAGE_1), json_reply(PAGE_3)))
    with caplog.at_level(logging.DEBUG):
        collect(context(http, server, clock), known=(known_post("1"),))
    assert server.requests
    assert TOKEN not in caplog.text and "fake" not in caplog.text


# --- refreshing known posts ---


def test_known_posts_are_looked_up_100_at_a_time(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """250 known posts are refreshed with 3 lookups of 100, 100 and 50 ids."""
    known = tuple(known_post(str(1_000_000 + i)) for i in range(250))
    server = x_api(search_pages)
    collect(context(http, server, clock), known=known)
    assert [len(ids) for ids in lookups(server)] == [100, 100, 50]
    assert [i for ids in lookups(server) for i in ids] == [p.post_id for p in known]
    assert len(server.requests) == 3 + 3


def test_deleted_known_posts_are_gone(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """Known posts X reports as 'Not Found Error' are yielded as PostGone."""
    known = tuple(known_post(str(i)) for i in range(1, 16))
    server = x_api(search_pages)
    records = collect(context(http, server, clock), known=known)
    gone = [r for r in records if isinstance(r, PostGone)]
    assert [g.post_id for g in gone] == [str(i) for i in range(1, 16)]
    assert gone[0].reason == "Could not find tweet with ids: [1]."


def test_errors_for_ids_not_requested_are_ignored(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """A lookup error naming an id that was not asked for is no PostGone."""
    server = x_api(search_pages)
    records = collect(context(http, server, clock), known=(known_post("99"),))
    assert not [r for r in records if isinstance(r, PostGone)]


def test_known_post_gets_a_fresh_snapshot(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """A known post that still exists gets a snapshot of its current public_metrics, observed now."""

    def route(path: str) -> Reply | None:
        return json_reply(LOOKUP_ONE) if path.startswith("/2/tweets?") else json_reply(PAGE_3)

    server = x_api(route)
    records = without_profiles(collect(context(http, server, clock), known=(known_post("1610692575752601600"),)))
    assert records == [EngagementSnapshot("x", "1610692575752601600", NOW, reposts=2, likes=13, replies=1, quotes=0)]
    assert lookups(server) == [["1610692575752601600"]]


def test_known_posts_found_by_the_search_are_not_looked_up(x_api: XApi, http: httpx.Client, clock: Clock) -> None:
    """A known post the search returned already has its snapshot; only the others are looked up."""
    known = (known_post("1392093222600589315"), known_post("7"), known_post("8", platform="bluesky"))
    server = x_api(search_pages)
    collect(context(http, server, clock), known=known)
    assert lookups(server) == [["7"]]
