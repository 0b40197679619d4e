"""Hugging Face Daily Papers: the parser on the hand-made fixture, and the source end to end over real HTTP."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.arxiv.calendar import listing_window
from hotpapers.errors import APIError, NetworkError, ParseError
from hotpapers.http import RetryPolicy, make_client
from hotpapers.models import ArxivId, EngagementSnapshot, LinkMethod, PaperLink, Post, Record
from hotpapers.plugins import CollectRequest, Source, SourceContext
from hotpapers.sources.huggingface.source import (
    MIN_INTERVAL,
    PAGE_SIZE,
    HuggingFaceSource,
    listing_dates,
    parse_daily_papers,
)

from helpers.localserver import Reply, Served
from helpers.paths import SOCIAL
from helpers.sources import Clock, Switchboard, kinds, params

FIXTURE = SOCIAL / "huggingface"
DAILY = (FIXTURE / "daily_papers_HANDMADE_date_2025-03-31.json").read_bytes()
ENTRIES: list[dict[str, Any]] = orjson.loads(DAILY)
UTC = dt.UTC
OBSERVED = dt.datetime(2025, 4, 2, 12, 0, tzinfo=UTC)
START = dt.datetime(2025, 3, 31, 0, 0, tzinfo=UTC)  # listing day Monday 2025-03-31: from Sunday 20:00 EDT
END = dt.datetime(2025, 4, 1, 0, 0, tzinfo=UTC)
TIGHT = RetryPolicy(attempts=3, timeout=10.0, wait_initial=0.001, wait_max=0.005, max_retry_after=0.01)
JSON = "application/json; charset=utf-8"
Route = Callable[[str], Reply | None]


def _body(entries: list[Any]) -> bytes:
    return json.dumps(entries).encode()


def _edited(edit: Callable[[list[dict[str, Any]]], None]) -> bytes:
    """The fixture with ``edit`` applied in memory."""
    entries = copy.deepcopy(ENTRIES)
    edit(entries)
    return _body(entries)


def _full_page(first: int) -> bytes:
    """A page of PAGE_SIZE entries built in memory from entry 0, with ids 2501.<first>, 2501.<first + 1>, ..."""
    entries = []
    for n in range(first, first + PAGE_SIZE):
        entry = copy.deepcopy(ENTRIES[0])
        entry["paper"]["id"] = f"2501.{n:05d}"
        entries.append(entry)
    return _body(entries)


@pytest.fixture
def clock() -> Clock:
    """A fresh fake clock."""
    return Clock(OBSERVED)


@pytest.fixture
def run(clock: Clock, switchboard: Switchboard, client: httpx.Client) -> Callable[..., tuple[list[Record], Served]]:
    """Collect with a real client against the local server answering with ``route``."""

    def collect(route: Route, known: tuple[Post, ...] = ()) -> tuple[list[Record], Served]:
        served = switchboard.answer(route)
        env = {"HOTPAPERS_HF_API_URL": f"{served.url}/api"}
        source = HuggingFaceSource(SourceContext(client, env, clock.now, clock.sleep, TIGHT))
        return list(source.collect(CollectRequest(START.date(), START, END, (), known))), served

    return collect


def _by_date(pages: dict[str, bytes]) -> Route:
    """Answer daily_papers with the body for the asked date (an empty list for other dates)."""
    return lambda path: Reply(pages.get(params(path).get("date", ""), b"[]"), content_type=JSON)


def _known(arxiv_id: str, created: dt.datetime) -> Post:
    return Post("huggingface", arxiv_id, f"https://huggingface.co/papers/{arxiv_id}", "u", "u", "t", created)


# --- parse_daily_papers ---------------------------------------------------------------------------------------


def test_entry_becomes_post() -> None:
    """An entry is a Post on the paper's page, by its submitter, at the time it was put on Daily Papers."""
    assert parse_daily_papers(DAILY, OBSERVED).posts[0] == Post(
        platform="huggingface",
        post_id="1706.03762",
        url="https://huggingface.co/papers/1706.03762",
        author_handle="example-submitter",
        author_name="Example Submitter",
        text="Attention Is All You Need",
        created_at=dt.datetime(2025, 3, 31, 6, 12, 45, tzinfo=UTC),
        links=(PaperLink(ArxivId("1706.03762"), LinkMethod.SOURCE),),
        author_followers=1200,
    )


def test_entry_snapshot_counts() -> None:
    """The snapshot has likes = paper.upvotes, replies = numComments and the upvotes as an extra."""
    assert parse_daily_papers(DAILY, OBSERVED).snapshots[0] == EngagementSnapshot(
        "huggingface", "1706.03762", OBSERVED, likes=57, replies=4, extras=(("upvotes", 57),)
    )


def test_all_entries_are_read() -> None:
    """The three hand-made entries give three posts, nothing skipped, and records pair post and snapshot."""
    page = parse_daily_papers(DAILY, OBSERVED)
    assert (page.entries, page.skipped) == (3, ())
    assert kinds(page.records)[:2] == [("Post", "1706.03762"), ("EngagementSnapshot", "1706.03762")]


def test_submitter_without_user_uses_name() -> None:
    """A submitter without the optional 'user' is known by 'name', with its fullname and no follower count."""
    post = parse_daily_papers(DAILY, OBSERVED).posts[1]
    assert (post.author_handle, post.author_name, post.author_followers) == (
        "second-submitter",
        "Second Submitter",
        None,
    )


def test_missing_submitter_is_hugging_face() -> None:
    """An entry without submittedBy (edited in memory) is credited to Hugging Face."""

    def edit(entries: list[dict[str, Any]]) -> None:
        del entries[0]["submittedBy"], entries[0]["paper"]["submittedOnDailyBy"]

    body = _edited(edit)
    post = parse_daily_papers(body, OBSERVED).posts[0]
    assert (post.author_handle, post.author_name) == ("huggingface", "Hugging Face")


def test_paper_submitter_is_fallback() -> None:
    """Without submittedBy, paper.submittedOnDailyBy names the submitter (edited in memory)."""
    post = parse_daily_papers(_edited(lambda e: e[0].pop("submittedBy")), OBSERVED).posts[0]
    assert post.author_handle == "example-submitter"


def test_empty_fullname_falls_back_to_handle() -> None:
    """An empty fullname (edited in memory) shows the handle as the name."""
    post = parse_daily_papers(_edited(lambda e: e[1]["submittedBy"].update(fullname="")), OBSERVED).posts[1]
    assert post.author_name == "second-submitter"


def test_missing_comments_count_is_zero() -> None:
    """An entry without numComments (edited in memory) has 0 replies, as huggingface_hub reads it."""
    snapshot = parse_daily_papers(_edited(lambda e: e[0].pop("numComments")), OBSERVED).snapshots[0]
    assert snapshot.replies == 0


def test_versioned_id_is_canonical() -> None:
    """A paper id written with a version (edited in memory) gives the versionless post id and URL."""
    post = parse_daily_papers(_edited(lambda e: e[0]["paper"].update(id="1706.03762v7")), OBSERVED).posts[0]
    assert (post.post_id, post.url) == ("1706.03762", "https://huggingface.co/papers/1706.03762")


def test_title_whitespace_is_collapsed() -> None:
    """A title with a line break (as arXiv titles have, edited in memory) is one line."""
    body = _edited(lambda e: e[0].update(title="Attention Is\n  All You Need"))
    assert parse_daily_papers(body, OBSERVED).posts[0].text == "Attention Is All You Need"


def test_non_arxiv_entry_is_skipped() -> None:
    """An entry whose paper.id is not an arXiv id (edited in memory) is skipped with a reason; others kept."""
    page = parse_daily_papers(_edited(lambda e: e[0]["paper"].update(id="not-a-paper")), OBSERVED)
    assert [p.post_id for p in page.posts] == ["2106.09685", "2005.14165"]
    assert page.skipped == ("[0]: paper.id 'not-a-paper' is not an arXiv id",)


def test_fractional_upvotes_are_skipped() -> None:
    """Upvotes that are not a whole number (edited in memory) skip the entry."""
    page = parse_daily_papers(_edited(lambda e: e[2]["paper"].update(upvotes=2.5)), OBSERVED)
    assert len(page.posts) == 2 and page.skipped[0].startswith("[2]: upvotes 2.5")


def test_not_json_is_parse_error() -> None:
    """A body that is not JSON raises a one-line ParseError."""
    with pytest.raises(ParseError, match=r"^Hugging Face daily_papers response: not JSON") as info:
        parse_daily_papers(b"<!doctype html>", OBSERVED)
    assert "\n" not in str(info.value)


def test_object_body_is_parse_error() -> None:
    """An object (an error document) instead of a list raises ParseError."""
    with pytest.raises(ParseError, match="expected a list, got dict"):
        parse_daily_papers(b'{"error": "Invalid date"}', OBSERVED)


# --- listing_dates --------------------------------------------------------------------------------------------


def test_dates_of_a_weekday_window() -> None:
    """A Monday window (00:00 to 24:00 UTC) reads Sunday and Monday."""
    assert listing_dates(START, END, OBSERVED.date()) == [dt.date(2025, 3, 30), dt.date(2025, 3, 31)]


def test_dates_of_a_friday_window() -> None:
    """A Friday window in winter (Friday 01:00 UTC to Monday 01:00 UTC) reads Thursday to Sunday."""
    start = dt.datetime(2025, 1, 10, 1, 0, tzinfo=UTC)
    end = dt.datetime(2025, 1, 13, 1, 0, tzinfo=UTC)
    assert listing_dates(start, end, dt.date(2025, 2, 1)) == [dt.date(2025, 1, d) for d in range(9, 13)]


def test_dates_of_the_real_window() -> None:
    """The pipeline's window of listing day 2025-01-14 (a Tuesday, in EST) reads Monday and Tuesday."""
    start, end = listing_window(dt.date(2025, 1, 14))
    assert listing_dates(start, end, dt.date(2025, 2, 1)) == [dt.date(2025, 1, 13), dt.date(2025, 1, 14)]


def test_dates_stop_today() -> None:
    """No date after today (UTC) is read: the API refuses future dates."""
    assert listing_dates(START, END, dt.date(2025, 3, 30)) == [dt.date(2025, 3, 30)]


# --- robustness -----------------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
ENTRY_KEYS = ["paper", "publishedAt", "title", "numComments", "submittedBy"]
PAPER_KEYS = ["id", "upvotes", "title", "submittedOnDailyAt", "submittedOnDailyBy"]
USER_KEYS = ["user", "name", "fullname", "followerCount"]


def _only_parse_errors(data: bytes) -> None:
    try:
        parse_daily_papers(data, OBSERVED)
    except ParseError as e:
        assert "\n" not in str(e)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_parse_error(data: bytes) -> None:
    """Arbitrary bytes never raise anything but a one-line ParseError."""
    _only_parse_errors(data)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ENTRY_KEYS), st.sampled_from(PAPER_KEYS), st.sampled_from(USER_KEYS), JSON_VALUES, JSON_VALUES)
def test_mutated_entries_raise_only_parse_error(entry_key: str, paper_key: str, user_key: str, a: Any, b: Any) -> None:
    """Entries with a user, paper or entry field replaced by any JSON value parse or raise ParseError."""
    entries = copy.deepcopy(ENTRIES)
    entries[0]["submittedBy"][user_key] = a
    entries[1]["paper"][paper_key] = a
    entries[2][entry_key] = b
    _only_parse_errors(json.dumps(entries).encode())
    _only_parse_errors(json.dumps([a, b]).encode())


# --- the source, end to end -------------------------------------------------------------------------------------


def test_source_is_always_enabled(clock: Clock) -> None:
    """No credentials are needed: the source is enabled with an empty environment and is a Source."""
    with make_client() as client:
        source = HuggingFaceSource(SourceContext(client, {}, clock.now, clock.sleep, TIGHT))
        assert source.status().enabled
        assert isinstance(source, Source)


def test_window_dates_are_requested(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """The window's dates are read in order, each from p=0 with limit=100."""
    _, served = run(_by_date({}))
    assert [urlsplit(p).path for p in served.requests] == ["/api/daily_papers"] * 2
    assert [params(p) for p in served.requests] == [
        {"date": "2025-03-30", "limit": "100", "p": "0"},
        {"date": "2025-03-31", "limit": "100", "p": "0"},
    ]


def test_window_yields_posts_and_snapshots(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """The fixture's three papers come out as post, snapshot pairs."""
    records, _ = run(_by_date({"2025-03-31": DAILY}))
    assert kinds(records) == [
        ("Post", "1706.03762"),
        ("EngagementSnapshot", "1706.03762"),
        ("Post", "2106.09685"),
        ("EngagementSnapshot", "2106.09685"),
        ("Post", "2005.14165"),
        ("EngagementSnapshot", "2005.14165"),
    ]


def test_paper_on_two_dates_is_yielded_once(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A paper listed on two of the dates is yielded once."""
    records, _ = run(_by_date({"2025-03-30": DAILY, "2025-03-31": DAILY}))
    assert len(records) == 6


def test_requests_identify_hotpapers(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """Requests carry the hotpapers User-Agent."""
    _, served = run(_by_date({}))
    assert served.user_agents[0].startswith("hotpapers/")


def test_full_page_asks_for_next(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A page of 100 entries (built in memory) is followed by p=1; a shorter page ends the date."""
    pages = {"0": _full_page(1), "1": DAILY}

    def route(path: str) -> Reply:
        query = params(path)
        return Reply(pages[query["p"]] if query["date"] == "2025-03-31" else b"[]", content_type=JSON)

    records, served = run(route)
    assert [(params(p)["date"], params(p)["p"]) for p in served.requests] == [
        ("2025-03-30", "0"),
        ("2025-03-31", "0"),
        ("2025-03-31", "1"),
    ]
    assert sum(isinstance(r, Post) for r in records) == PAGE_SIZE + 3


def test_server_ignoring_page_stops(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """If every page repeats the first full page (p ignored), reading the date stops at the second page."""
    full = _full_page(1)
    records, served = run(lambda path: Reply(full, content_type=JSON))
    assert len(served.requests) == 4
    assert sum(isinstance(r, Post) for r in records) == PAGE_SIZE


def test_requests_are_spaced(run: Callable[..., tuple[list[Record], Served]], clock: Clock) -> None:
    """Successive requests are spaced MIN_INTERVAL apart with the context's sleep (none before the first)."""
    run(_by_date({}))
    assert clock.sleeps == [pytest.approx(MIN_INTERVAL)]


def test_429_with_retry_after_is_retried(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A 429 with Retry-After is retried and the second answer is used."""
    answers = [Reply(b'{"error":"rate limited"}', 429, JSON, {"Retry-After": "2"})]

    def route(path: str) -> Reply:
        return answers.pop() if answers else _by_date({"2025-03-31": DAILY})(path) or Reply(b"[]")

    records, served = run(route)
    assert len(served.requests) == 3
    assert sum(isinstance(r, Post) for r in records) == 3


def test_persistent_500_fails_naming_host(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A 500 on every attempt is retried per the policy, then fails with an APIError naming the host."""
    calls: list[str] = []

    def route(path: str) -> Reply:
        calls.append(path)
        return Reply(b"<h1>500</h1>", 500, "text/html")

    with pytest.raises(APIError, match=r"HTTP 500 from http://127\.0\.0\.1:\d+/api/daily_papers") as info:
        run(route)
    assert isinstance(info.value, NetworkError)
    assert len(calls) == TIGHT.attempts


def test_hub_400_message_is_shown(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A 400 is not retried and its APIError carries the Hub's error message."""
    with pytest.raises(APIError, match=r"HTTP 400 from .*: Invalid date$"):
        run(lambda path: Reply(b'{"error":"Invalid date"}', 400, JSON))


def test_error_document_with_200_fails_with_parse_error(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A 200 whose body is not a list fails the source with ParseError."""
    with pytest.raises(ParseError):
        run(lambda path: Reply(b'{"error":"?"}', content_type=JSON))


# --- refreshing known posts -----------------------------------------------------------------------------------


def test_known_post_refreshed_from_its_date(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A known post not listed in the window is refreshed from its own date; only its snapshot is yielded."""
    known = (_known("2106.09685", dt.datetime(2025, 3, 20, 9, 0, tzinfo=UTC)),)
    records, served = run(_by_date({"2025-03-20": DAILY}), known)
    assert params(served.requests[-1])["date"] == "2025-03-20"
    assert kinds(records) == [("EngagementSnapshot", "2106.09685")]


def test_known_post_listed_in_window_needs_no_request(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A known post the window's dates listed is not looked up again."""
    known = (_known("1706.03762", dt.datetime(2025, 3, 20, tzinfo=UTC)),)
    _, served = run(_by_date({"2025-03-31": DAILY}), known)
    assert len(served.requests) == 2


def test_known_posts_of_one_date_share_a_request(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """Two known posts put on Daily Papers the same date are refreshed with one request."""
    day = dt.datetime(2025, 3, 20, 9, 0, tzinfo=UTC)
    known = (_known("2106.09685", day), _known("2005.14165", day))
    records, served = run(_by_date({"2025-03-20": DAILY}), known)
    assert len(served.requests) == 3
    assert sorted(post_id for _, post_id in kinds(records)) == ["2005.14165", "2106.09685"]


def test_unlisted_known_post_gets_nothing(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A known post missing from its date's list gets no snapshot and no PostGone."""
    known = (_known("2401.00001", dt.datetime(2025, 3, 20, tzinfo=UTC)),)
    records, _ = run(_by_date({"2025-03-20": DAILY}), known)
    assert records == []
