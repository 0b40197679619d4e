"""Hacker News through Algolia: parsers on recorded responses, and the source end to end over real HTTP."""

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

from hotpapers.errors import APIError, NetworkError, ParseError
from hotpapers.http import RetryPolicy, make_client
from hotpapers.models import ArxivId, EngagementSnapshot, LinkMethod, PaperLink, Post, PostGone, Record
from hotpapers.plugins import CollectRequest, Source, SourceContext
from hotpapers.sources.hackernews.source import MIN_INTERVAL, HackerNewsSource, parse_item, parse_search

from helpers.localserver import Reply, Served
from helpers.paths import SOCIAL
from helpers.sources import Clock, Switchboard, kinds, params

FIXTURES = SOCIAL / "hackernews"
RECORDED = (FIXTURES / "algolia_search_restrictSearchableAttributes_url_query_is_url.json").read_bytes()
DERIVED = (FIXTURES / "algolia_search_DERIVED_two_hits_url_replaced_by_arxiv.json").read_bytes()
ITEM = (FIXTURES / "algolia_items_story_8828543_nested_comments.json").read_bytes()
UTC = dt.UTC
OBSERVED = dt.datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
START = dt.datetime(2015, 1, 2, 0, 0, tzinfo=UTC)
END = dt.datetime(2016, 5, 1, 0, 0, tzinfo=UTC)
TIGHT = RetryPolicy(attempts=3, timeout=10.0, wait_initial=0.001, wait_max=0.005, max_retry_after=0.01)
JSON = "application/json; charset=utf-8"
Route = Callable[[str], Reply | None]


def _edited(data: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    """A copy of a recorded body with ``edit`` applied in memory."""
    body = orjson.loads(data)
    edit(body)
    return orjson.dumps(body)


def _page(number: int, pages: int, hits: list[int] | None = None, nb_hits: int | None = None) -> bytes:
    """The derived search body as page ``number`` of ``pages``, keeping only the hits at ``hits``."""

    def edit(body: dict[str, Any]) -> None:
        body["hits"] = [body["hits"][i] for i in (hits if hits is not None else range(len(body["hits"])))]
        body.update(page=number, nbPages=pages, nbHits=nb_hits if nb_hits is not None else len(body["hits"]))

    return _edited(DERIVED, edit)


@pytest.fixture
def clock() -> Clock:
    """A fresh fake clock."""
    return Clock(OBSERVED)


@pytest.fixture
def run(clock: Clock, switchboard: Switchboard, client: httpx.Client) -> Callable[..., tuple[list[Record], Served]]:
    """Collect with a real client against the local server answering with ``route``."""

    def collect(route: Route, known: tuple[Post, ...] = (), users: Route = lambda _: None) -> tuple[list[Record], Served]:
        served = switchboard.answer(lambda path: (users(path) or Reply(b"null", content_type=JSON)) if path.startswith(
            "/v0/user/") else route(path))  # fmt: skip
        env = {"HOTPAPERS_HN_API_URL": f"{served.url}/api/v1", "HOTPAPERS_HN_USER_API_URL": f"{served.url}/v0"}
        source = HackerNewsSource(SourceContext(client, env, clock.now, clock.sleep, TIGHT))
        records = list(source.collect(CollectRequest(START.date(), START, END, (), known)))
        served.requests[:] = [r for r in served.requests if not r.startswith("/v0/user/")]  # counted apart
        return records, served

    return collect


def _window_route(body: bytes = DERIVED) -> Route:
    return lambda path: Reply(body, content_type=JSON) if path.startswith("/api/v1/search_by_date") else None


def _known(post_id: str) -> Post:
    return Post("hackernews", post_id, f"https://news.ycombinator.com/item?id={post_id}", "a", "a", "t", START)


# --- parse_search ---------------------------------------------------------------------------------------------


def test_recorded_search_has_no_posts() -> None:
    """The recorded search links no arXiv paper: no posts, but a snapshot for each of its four stories."""
    page = parse_search(RECORDED, OBSERVED)
    assert page.posts == ()
    assert [s.post_id for s in page.snapshots] == ["8828543", "11516582", "13566801", "8830693"]


def test_recorded_search_paging_fields() -> None:
    """page, nbPages and nbHits are read from the body."""
    page = parse_search(RECORDED, OBSERVED)
    assert (page.page, page.nb_pages, page.nb_hits, page.skipped) == (0, 1, 4, ())


def test_arxiv_story_becomes_post() -> None:
    """A story whose url is an arXiv abs page is a Post with the title as text and the HN item URL."""
    post = parse_search(DERIVED, OBSERVED).posts[0]
    assert post == Post(
        platform="hackernews",
        post_id="8828543",
        url="https://news.ycombinator.com/item?id=8828543",
        author_handle="dkua",
        author_name="dkua",
        text="Why aren\u2019t we using SSH for everything?",
        created_at=dt.datetime(2015, 1, 2, 21, 5, 46, tzinfo=UTC),
        links=(PaperLink(ArxivId("1706.03762"), LinkMethod.URL),),
    )


def test_versioned_pdf_url_links_same_paper() -> None:
    """A versioned PDF URL links the same versionless id; the untouched hits are not posts."""
    posts = parse_search(DERIVED, OBSERVED).posts
    assert [(p.post_id, p.arxiv_ids) for p in posts] == [("8828543", ("1706.03762",)), ("11516582", ("1706.03762",))]


def test_story_snapshot_counts() -> None:
    """The snapshot has likes = points, replies = num_comments and both as extras."""
    snapshot = parse_search(DERIVED, OBSERVED).snapshots[0]
    assert snapshot == EngagementSnapshot(
        "hackernews", "8828543", OBSERVED, likes=270, replies=103, extras=(("points", 270), ("comments", 103))
    )


def test_records_pair_each_post_with_its_snapshot() -> None:
    """records lists each post followed by its own snapshot."""
    records = parse_search(DERIVED, OBSERVED).records
    assert kinds(records) == [
        ("Post", "8828543"),
        ("EngagementSnapshot", "8828543"),
        ("Post", "11516582"),
        ("EngagementSnapshot", "11516582"),
    ]


def test_bad_hit_is_skipped_with_reason() -> None:
    """A hit with null points (edited in memory) is skipped with a reason naming it; the others are kept."""
    body = _edited(DERIVED, lambda b: b["hits"][0].update(points=None))
    page = parse_search(body, OBSERVED)
    assert [p.post_id for p in page.posts] == ["11516582"]
    assert page.skipped == ("hits[0]: points None / num_comments 103 are not counts",)


def test_search_not_json_is_parse_error() -> None:
    """A body that is not JSON raises a one-line ParseError."""
    with pytest.raises(ParseError, match=r"^Algolia search response: not JSON") as info:
        parse_search(b"<html>busy</html>", OBSERVED)
    assert "\n" not in str(info.value)


def test_search_without_hits_is_parse_error() -> None:
    """An object without a hits list (an error document) raises ParseError."""
    with pytest.raises(ParseError, match="'hits' list"):
        parse_search(b'{"message": "oops", "status": 400}', OBSERVED)


def test_search_without_nbpages_is_parse_error() -> None:
    """A search body without nbPages (edited in memory) raises ParseError naming the field."""
    with pytest.raises(ParseError, match="'nbPages'"):
        parse_search(_edited(RECORDED, lambda b: b.pop("nbPages")), OBSERVED)


# --- parse_item -----------------------------------------------------------------------------------------------


def test_recorded_item_snapshot() -> None:
    """The recorded item gives likes = points and replies = its 104 comment nodes that have an author."""
    assert parse_item(ITEM, OBSERVED) == EngagementSnapshot(
        "hackernews", "8828543", OBSERVED, likes=270, replies=104, extras=(("points", 270), ("comments", 104))
    )


def test_deleted_item_is_gone() -> None:
    """An item with deleted: true (edited in memory) is a PostGone."""
    gone = parse_item(_edited(ITEM, lambda b: b.update(deleted=True)), OBSERVED)
    assert gone == PostGone("hackernews", "8828543", OBSERVED, reason="deleted on Hacker News")


def test_dead_item_is_gone() -> None:
    """An item with dead: true (edited in memory) is a PostGone."""
    assert isinstance(parse_item(_edited(ITEM, lambda b: b.update(dead=True)), OBSERVED), PostGone)


def test_deleted_comments_are_not_counted() -> None:
    """A comment without an author (a deleted one, edited in memory) is not counted as a reply."""
    body = _edited(ITEM, lambda b: b["children"][0].update(author=None))
    snapshot = parse_item(body, OBSERVED)
    assert isinstance(snapshot, EngagementSnapshot)
    assert snapshot.replies == 103


def test_comment_item_is_parse_error() -> None:
    """An item that is not a story raises ParseError."""
    with pytest.raises(ParseError, match="not a story"):
        parse_item(_edited(ITEM, lambda b: b.update(type="comment")), OBSERVED)


def test_item_not_json_is_parse_error() -> None:
    """An item body that is not JSON raises a one-line ParseError."""
    with pytest.raises(ParseError, match=r"^Algolia item: not JSON"):
        parse_item(b"", OBSERVED)


# --- robustness -----------------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
HIT_KEYS = ["objectID", "url", "title", "author", "points", "num_comments", "created_at_i", "_tags"]
TOP_KEYS = ["hits", "page", "nbPages", "nbHits"]
ITEM_KEYS = ["id", "type", "points", "children", "author", "deleted", "dead"]
SMALL_ITEM = {**orjson.loads(ITEM), "children": orjson.loads(ITEM)["children"][:3]}  # the first 3 threads


def _only_parse_errors(parse: Callable[[bytes, dt.datetime], object], data: bytes) -> None:
    try:
        parse(data, OBSERVED)
    except ParseError as e:
        assert "\n" not in str(e)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_parse_error(data: bytes) -> None:
    """Arbitrary bytes never raise anything but a one-line ParseError, for search and item bodies."""
    _only_parse_errors(parse_search, data)
    _only_parse_errors(parse_item, data)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(4)), st.sampled_from(HIT_KEYS), JSON_VALUES, st.sampled_from(TOP_KEYS), JSON_VALUES)
def test_mutated_search_raises_only_parse_error(index: int, key: str, value: Any, top: str, top_value: Any) -> None:
    """The derived search with a hit field and a top-level field replaced by any JSON value parses or ParseErrors."""
    body = orjson.loads(DERIVED)
    body["hits"][index][key] = value
    _only_parse_errors(parse_search, json.dumps(body).encode())
    body[top] = top_value
    _only_parse_errors(parse_search, json.dumps(body).encode())


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ITEM_KEYS), JSON_VALUES)
def test_mutated_item_raises_only_parse_error(key: str, value: Any) -> None:
    """The recorded item with a field of a comment, then of the story, replaced by any JSON value: parses or ParseErrors."""
    body = copy.deepcopy(SMALL_ITEM)
    body["children"][0][key] = value
    _only_parse_errors(parse_item, json.dumps(body).encode())
    body[key] = value
    _only_parse_errors(parse_item, json.dumps(body).encode())


# --- the source, end to end -------------------------------------------------------------------------------------


def test_source_is_always_enabled(clock: Clock) -> None:
    """No credentials are needed: the source is enabled with an empty environment and is a Source."""
    with make_client() as client:
        source = HackerNewsSource(SourceContext(client, {}, clock.now, clock.sleep, TIGHT))
        assert source.status().enabled
        assert isinstance(source, Source)


def test_window_search_params(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """The window is one search_by_date on arxiv.org urls, stories only, created_at_i in [start, end)."""
    _, served = run(_window_route())
    assert [urlsplit(p).path for p in served.requests] == ["/api/v1/search_by_date"]
    assert params(served.requests[0]) == {
        "query": "arxiv.org",
        "restrictSearchableAttributes": "url",
        "tags": "story",
        "numericFilters": f"created_at_i>={int(START.timestamp())},created_at_i<{int(END.timestamp())}",
        "hitsPerPage": "1000",
        "page": "0",
    }


def test_window_yields_posts_and_snapshots(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """The two arXiv stories of the derived search come out as post, snapshot, post, snapshot."""
    records, _ = run(_window_route())
    assert kinds(records) == [
        ("Post", "8828543"),
        ("EngagementSnapshot", "8828543"),
        ("Post", "11516582"),
        ("EngagementSnapshot", "11516582"),
    ]


def test_requests_identify_hotpapers(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """Requests carry the hotpapers User-Agent."""
    _, served = run(_window_route())
    assert served.user_agents[0].startswith("hotpapers/")


def test_paging_follows_nbpages(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """With nbPages 2 a second request asks for page=1, and its stories are yielded too."""
    pages = {"0": _page(0, 2, [0, 2]), "1": _page(1, 2, [1, 3])}
    records, served = run(lambda path: Reply(pages[params(path)["page"]], content_type=JSON))
    assert [params(p)["page"] for p in served.requests] == ["0", "1"]
    assert [r.post_id for r in records if isinstance(r, Post)] == ["8828543", "11516582"]


def test_story_on_two_pages_is_yielded_once(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A story that shows up on two pages (the index moved) is yielded once."""
    records, _ = run(lambda path: Reply(_page(int(params(path)["page"]), 2, [0]), content_type=JSON))
    assert [type(r).__name__ for r in records] == ["Post", "EngagementSnapshot"]


def test_empty_page_stops_paging(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A page without hits ends the paging even if nbPages says there are more."""
    _, served = run(lambda path: Reply(_page(0, 5, []), content_type=JSON))
    assert len(served.requests) == 1


def test_window_over_pagination_limit_is_split(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A window with more than 1000 hits is searched again in two halves, each under the limit."""
    whole = f"created_at_i>={int(START.timestamp())},created_at_i<{int(END.timestamp())}"

    def route(path: str) -> Reply:
        too_many = params(path)["numericFilters"] == whole
        return Reply(_page(0, 2 if too_many else 1, [0], 1500 if too_many else 1), content_type=JSON)

    records, served = run(route)
    middle = (int(START.timestamp()) + int(END.timestamp())) // 2
    assert [params(p)["numericFilters"] for p in served.requests] == [
        whole,
        f"created_at_i>={int(START.timestamp())},created_at_i<{middle}",
        f"created_at_i>={middle},created_at_i<{int(END.timestamp())}",
    ]
    assert [r.post_id for r in records if isinstance(r, Post)] == ["8828543"]


def test_requests_are_spaced(run: Callable[..., tuple[list[Record], Served]], clock: Clock) -> None:
    """Successive requests are spaced MIN_INTERVAL apart with the context's sleep (none before the first)."""
    run(lambda path: Reply(_page(int(params(path)["page"]), 3), content_type=JSON))
    assert clock.sleeps[:2] == [pytest.approx(MIN_INTERVAL), pytest.approx(MIN_INTERVAL)]
    assert clock.sleeps == [pytest.approx(MIN_INTERVAL)] * len(clock.sleeps)  # the user lookups after the pages too


def test_429_with_retry_after_is_retried(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A 429 with Retry-After is retried and the second answer is used."""
    answers = [Reply(b'{"message":"slow down"}', 429, JSON, {"Retry-After": "1"}), Reply(DERIVED, content_type=JSON)]
    records, served = run(lambda path: answers.pop(0) if len(answers) > 1 else answers[0])
    assert len(served.requests) == 2
    assert sum(isinstance(r, Post) for r in records) == 2


def test_persistent_500_fails_naming_host(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A 500 on every attempt is retried per the policy, then fails with an APIError naming the host."""
    with pytest.raises(APIError, match=r"HTTP 500 from http://127\.0\.0\.1:\d+/api/v1/search_by_date") as info:
        run(lambda path: Reply(b"oops", 500, "text/plain"))
    assert isinstance(info.value, NetworkError)
    assert info.value.status == 500


def test_persistent_500_uses_all_attempts(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """The failing search is sent exactly RetryPolicy.attempts times."""
    seen: list[str] = []

    def route(path: str) -> Reply:
        seen.append(path)
        return Reply(b"oops", 500, "text/plain")

    with pytest.raises(APIError):
        run(route)
    assert len(seen) == TIGHT.attempts


def test_algolia_400_message_is_shown(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A 400 is not retried and its APIError carries Algolia's message."""
    body = b'{"message":"invalid numericFilters","status":400}'
    with pytest.raises(APIError, match=r"HTTP 400 from .*: invalid numericFilters$"):
        run(lambda path: Reply(body, 400, JSON))


def test_malformed_search_fails_with_parse_error(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A 200 whose body is not a search response fails the source with ParseError."""
    with pytest.raises(ParseError):
        run(lambda path: Reply(b"[]", content_type=JSON))


# --- refreshing known stories ---------------------------------------------------------------------------------


def _refresh_route(found: bytes, items: dict[str, Reply] | None = None) -> Route:
    """Empty window, ``found`` for the refresh search, ``items`` for items/{id}."""

    def route(path: str) -> Reply | None:
        if path.startswith("/api/v1/search_by_date"):
            return Reply(_page(0, 1, []), content_type=JSON)
        if path.startswith("/api/v1/search?"):
            return Reply(found, content_type=JSON)
        return (items or {}).get(urlsplit(path).path.rsplit("/", 1)[-1])

    return route


def test_known_stories_refreshed_in_one_batched_search(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """Known stories are refreshed by one search with ORed story_<id> tags, yielding their snapshots."""
    known = (_known("8828543"), _known("13566801"))
    records, served = run(_refresh_route(RECORDED), known)
    assert params(served.requests[1]) == {"tags": "story,(story_8828543,story_13566801)", "hitsPerPage": "2"}
    assert kinds(records) == [
        ("EngagementSnapshot", "8828543"),
        ("EngagementSnapshot", "13566801"),
    ]


def test_known_story_found_in_window_is_not_refreshed(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A known story the window search returned gets no second request."""
    records, served = run(_window_route(), (_known("8828543"),))
    assert len(served.requests) == 1
    assert sum(isinstance(r, EngagementSnapshot) and r.post_id == "8828543" for r in records) == 1


def test_refresh_batches_hold_at_most_100_ids(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """150 known stories take two refresh searches (100 and 50 tags), plus an item check for each one not found."""
    known = tuple(_known(str(1000 + i)) for i in range(150))
    _, served = run(_refresh_route(_page(0, 1, [])), known)
    searches = [p for p in served.requests if p.startswith("/api/v1/search?")]
    assert [params(p)["hitsPerPage"] for p in searches] == ["100", "50"]
    assert len(served.requests) == 1 + 2 + 150


def test_missing_item_is_gone(run: Callable[..., tuple[list[Record], Served]], clock: Clock) -> None:
    """A known story neither the refresh search nor items/{id} (404) finds is a PostGone."""
    items = {"999": Reply(b'{"status":404,"error":"Not Found"}', 404, JSON)}
    records, served = run(_refresh_route(_page(0, 1, []), items), (_known("999"),))
    assert served.requests[-1] == "/api/v1/items/999"
    assert [(type(r), r.post_id, r.reason) for r in records] == [(PostGone, "999", "not found (HTTP 404)")]  # type: ignore[union-attr]


def test_deleted_item_is_reported_gone(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A known story whose item says deleted (edited in memory) is a PostGone."""
    items = {"8828543": Reply(_edited(ITEM, lambda b: b.update(deleted=True)), content_type=JSON)}
    records, _ = run(_refresh_route(_page(0, 1, []), items), (_known("8828543"),))
    assert [type(r).__name__ for r in records] == ["PostGone"]


def test_live_item_outside_index_gets_snapshot(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """A known story missing from the search but served by items/{id} gets a snapshot from its item."""
    items = {"8828543": Reply(ITEM, content_type=JSON)}
    records, _ = run(_refresh_route(_page(0, 1, []), items), (_known("8828543"),))
    assert [(type(r).__name__, getattr(r, "likes", None)) for r in records] == [("EngagementSnapshot", 270)]


def test_failing_item_skips_only_that_story(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """An item that keeps failing with 500 is skipped; the other known stories are still checked."""
    items = {"1": Reply(b"oops", 500, "text/plain"), "2": Reply(b"", 404, JSON)}
    records, served = run(_refresh_route(_page(0, 1, []), items), (_known("1"), _known("2")))
    assert [post_id for _, post_id in kinds(records)] == ["2"]
    assert served.requests.count("/api/v1/items/1") == TIGHT.attempts


def test_other_platforms_are_not_refreshed(run: Callable[..., tuple[list[Record], Served]]) -> None:
    """Known posts of another platform are ignored."""
    other = Post("bluesky", "at://x", "https://bsky.app/x", "a", "a", "t", START)
    _, served = run(_refresh_route(RECORDED), (other,))
    assert len(served.requests) == 1
