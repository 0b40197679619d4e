"""Reddit: the Listing parser on recorded (and derived, and hand-made) bodies, and the source over real HTTP."""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Callable

import httpx
import orjson
import pytest

from hotpapers.errors import APIError, ParseError
from hotpapers.http import NO_RETRIES, RetryPolicy
from hotpapers.models import EngagementSnapshot, LinkMethod, Post, PostGone, PostKind
from hotpapers.plugins import CollectRequest, Source, SourceContext, SourceOutput
from hotpapers.sources.reddit import RedditSource, parse_listing, parse_token

from helpers.localserver import Reply, Served
from helpers.paths import SOCIAL
from helpers.sources import Clock, Route, Switchboard, json_reply, load_script, params

FIXTURES = SOCIAL / "reddit"
INFO = (FIXTURES / "derived_arxiv_api_info_url_youtube_com.body.json").read_bytes()
SEARCH = (FIXTURES / "derived_arxiv_r_all_search_q_praw_oauth_search.body.json").read_bytes()
COMMENTS = (FIXTURES / "HANDMADE_r_MachineLearning_comments_documented_t1.json").read_bytes()
TOKEN = (FIXTURES / "access_token_client_credentials.body.json").read_bytes()
OBSERVED = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)
START, END = dt.datetime(2017, 5, 1, tzinfo=dt.UTC), dt.datetime(2017, 6, 3, tzinfo=dt.UTC)
CLIENT_ID, SECRET = "app-id-not-real", "app-secret-not-real-0123456789"
EMPTY = b'{"kind": "Listing", "data": {"modhash": "", "children": [], "after": null, "before": null}}'
TIGHT = RetryPolicy(attempts=3, timeout=10.0, wait_initial=0.001, wait_max=0.005, max_retry_after=0.01)


def _edited(data: bytes, edit: Callable[[dict[str, object]], None]) -> bytes:
    """A copy of a body with ``edit`` applied in memory."""
    body = orjson.loads(data)
    edit(body)
    return orjson.dumps(body)


def _first_child(edit: Callable[[dict[str, object]], None]) -> Callable[[dict[str, object]], None]:
    return lambda body: edit(body["data"]["children"][0]["data"])  # type: ignore[index]


# --- parse_listing ---------------------------------------------------------------------------------------------


def test_link_submissions_become_posts_linking_their_url() -> None:
    """The five submissions whose url was pointed at arXiv are posts, found by URL; the 20 others are not."""
    page = parse_listing(INFO, OBSERVED)
    posts = [t.post for t in page.things if t.post is not None]
    assert [(p.post_id, p.arxiv_ids) for p in posts] == [
        ("t3_6eudcy", ("2104.08223",)), ("t3_6eabl0", ("1706.03762",)), ("t3_6chk1u", ("hep-th/9901001",)),
        ("t3_6cdwbn", ("2005.14165",)), ("t3_6a7x7f", ("2310.06825",)),
    ]
    assert all(p.links[0].method == LinkMethod.URL for p in posts)
    assert len(page.things) == 25 and page.after is None and page.skipped == ()


def test_submission_post_fields() -> None:
    """A submission's post: fullname id, reddit.com permalink (without query), author, title, created_utc."""
    post = parse_listing(INFO, OBSERVED).things[0].post
    assert post == Post("reddit", "t3_6eudcy", "https://www.reddit.com/r/locksport/comments/6eudcy/leons_lockpad/",
                        "Leonslockpad", "Leonslockpad", "Leon's lockpad",
                        dt.datetime.fromtimestamp(1496410109, dt.UTC), post.links if post else ())


def test_submission_snapshot_counts() -> None:
    """likes = score, replies = num_comments, and both as extras; a missing num_crossposts is 0 reposts."""
    assert parse_listing(INFO, OBSERVED).things[0].snapshot == EngagementSnapshot(
        "reddit", "t3_6eudcy", OBSERVED, reposts=0, likes=2, replies=1, extras=(("score", 2), ("comments", 1)))


def test_crossposts_count_as_reposts_of_the_original() -> None:
    """num_crossposts is the snapshot's reposts."""
    body = _edited(INFO, _first_child(lambda d: d.update(num_crossposts=4)))
    assert parse_listing(body, OBSERVED).things[0].snapshot.reposts == 4  # type: ignore[union-attr]


def test_a_crosspost_is_never_a_post() -> None:
    """A submission with crosspost_parent (edited in memory) is a repost: no post, no snapshot of its own."""
    body = _edited(INFO, _first_child(lambda d: d.update(crosspost_parent="t3_abc")))
    thing = parse_listing(body, OBSERVED).things[0]
    assert (thing.post, thing.snapshot, thing.gone) == (None, None, None)


def test_self_post_linking_arxiv_in_its_text() -> None:
    """A self post whose text links arXiv is a post linking it by text, its text the title and the self text."""
    (post,) = [t.post for t in parse_listing(SEARCH, OBSERVED).things if t.post is not None]
    assert post.post_id == "t3_3b4erh" and post.links[0].method == LinkMethod.TEXT
    assert post.arxiv_ids == ("2104.08223",)
    assert post.text.startswith("Collecting submission data from Reddit\n\n")


def test_comment_linking_arxiv_is_a_reply() -> None:
    """A comment linking arXiv is a reply to its parent, with its body as text and a URL built from link_id."""
    things = parse_listing(COMMENTS, OBSERVED).things
    post = things[0].post
    assert post is not None and post.kind == PostKind.REPLY and post.references == "t3_1abcde"
    assert post.url == "https://www.reddit.com/comments/1abcde/_/kx1a2b3/"
    assert (post.arxiv_ids, post.author_handle) == (("1706.03762",), "example_reader")
    assert things[0].snapshot == EngagementSnapshot("reddit", "t1_kx1a2b3", OBSERVED, likes=42,
                                                    extras=(("score", 42),))


def test_negative_score_is_no_likes() -> None:
    """A comment scored -3 has 0 likes (engagement is never negative)."""
    assert parse_listing(COMMENTS, OBSERVED).things[1].snapshot.likes == 0  # type: ignore[union-attr]


def test_comment_without_a_link_is_not_a_post() -> None:
    """A comment that links no paper has a snapshot but no post."""
    thing = parse_listing(COMMENTS, OBSERVED).things[2]
    assert thing.post is None and thing.snapshot is not None


def test_deleted_and_removed_things_are_gone() -> None:
    """A [deleted] comment, and a submission with removed_by_category, are gone with the reason."""
    assert parse_listing(COMMENTS, OBSERVED).things[3].gone == "deleted"
    body = _edited(INFO, _first_child(lambda d: d.update(removed_by_category="moderator")))
    assert parse_listing(body, OBSERVED).things[0].gone == "removed (moderator)"


def test_unreadable_child_is_skipped_with_reason() -> None:
    """A child whose name is not a fullname is skipped, naming it; the others are kept."""
    page = parse_listing(_edited(INFO, _first_child(lambda d: d.update(name=7))), OBSERVED)
    assert page.skipped == ("children[0]: name 7 is not a t3 fullname",) and len(page.things) == 24


@pytest.mark.parametrize("body", [b"<html>busy</html>", b"[]", b'{"kind": "t3", "data": {}}'])
def test_not_a_listing_is_a_parse_error(body: bytes) -> None:
    """A body that is not a Listing raises one line naming it."""
    with pytest.raises(ParseError, match=r"^Reddit listing: ") as info:
        parse_listing(body, OBSERVED)
    assert "\n" not in str(info.value)


def test_recorded_token_response() -> None:
    """The recorded client-credentials answer gives its token and an hour."""
    assert parse_token(TOKEN) == ("<ACCESS_TOKEN>", 3600.0)


def test_token_error_is_an_api_error() -> None:
    """A token answer naming an error instead of a token is an APIError."""
    with pytest.raises(APIError, match=r"Reddit refused the token request: 'unsupported_grant_type'"):
        parse_token(b'{"error": "unsupported_grant_type"}')


def test_derived_fixtures_are_what_the_script_writes() -> None:
    """The derived files differ from their recordings only as derive_arxiv.py says."""
    module = load_script(FIXTURES / "derive_arxiv.py")
    for name, text in module.outputs().items():
        assert (FIXTURES / name).read_text(encoding="utf-8") == text


# --- the source over HTTP --------------------------------------------------------------------------------------


def _route(new: bytes = INFO, comments: bytes = COMMENTS, search: bytes = SEARCH, info: bytes = EMPTY) -> Route:
    """Token, listings (a second page of each is empty) and /api/info."""

    def route(path: str) -> Reply | None:
        if path.startswith("/api/v1/access_token"):
            return json_reply(TOKEN)
        if "after=" in path:
            return json_reply(EMPTY)
        for prefix, body in (("/r/MachineLearning/new", new), ("/r/MachineLearning/comments", comments),
                             ("/search", search), ("/api/info", info)):
            if path.startswith(prefix):
                return json_reply(body, x_ratelimit_remaining="99.0", x_ratelimit_reset="300")
        return None

    return route


def _context(served: Served, client: httpx.Client, clock: Clock, **env: str) -> SourceContext:
    values = {
        "HOTPAPERS_REDDIT_CLIENT_ID": CLIENT_ID, "HOTPAPERS_REDDIT_CLIENT_SECRET": SECRET,
        "HOTPAPERS_REDDIT_API_URL": served.url, "HOTPAPERS_REDDIT_TOKEN_URL": f"{served.url}/api/v1/access_token",
        "HOTPAPERS_REDDIT_SUBREDDITS": "MachineLearning", **env,
    }
    return SourceContext(client, values, clock.now, clock.sleep, TIGHT)


def _collect(board: Switchboard, client: httpx.Client, route: Route, known: tuple[Post, ...] = (),
             window: tuple[dt.datetime, dt.datetime] = (START, END), **env: str) -> tuple[list[SourceOutput], Served]:
    served = board.answer(route)
    source = RedditSource(_context(served, client, Clock(OBSERVED), **env))
    return list(source.collect(CollectRequest(window[0].date(), *window, (), known))), served


def _known(fullname: str) -> Post:
    return Post("reddit", fullname, f"https://www.reddit.com/comments/{fullname[3:]}/", "a", "a", "t", START)


def test_without_credentials_the_source_says_how_to_enable_it(client: httpx.Client) -> None:
    """No client id or secret: disabled, naming both variables and the docs."""
    source = RedditSource(SourceContext(client, {}, lambda: OBSERVED, lambda s: None, NO_RETRIES))
    assert not source.status().enabled and isinstance(source, Source)
    assert source.status().reason.startswith("set HOTPAPERS_REDDIT_CLIENT_ID and HOTPAPERS_REDDIT_CLIENT_SECRET")


@pytest.mark.parametrize(("env", "reason"), [
    ({"HOTPAPERS_REDDIT_API_URL": "oauth.reddit.com"}, "HOTPAPERS_REDDIT_API_URL must be an http(s) URL"),
    ({"HOTPAPERS_REDDIT_SUBREDDITS": "MachineLearning,bad name"}, "HOTPAPERS_REDDIT_SUBREDDITS: 'bad name' is not"),
    ({"HOTPAPERS_REDDIT_MAX_PAGES": "0"}, "HOTPAPERS_REDDIT_MAX_PAGES must be a whole number >= 1"),
])
def test_bad_settings_disable_the_source(client: httpx.Client, env: dict[str, str], reason: str) -> None:
    """A malformed setting disables the source with a reason naming the variable."""
    values = {"HOTPAPERS_REDDIT_CLIENT_ID": CLIENT_ID, "HOTPAPERS_REDDIT_CLIENT_SECRET": SECRET, **env}
    status = RedditSource(SourceContext(client, values, lambda: OBSERVED, lambda s: None, NO_RETRIES)).status()
    assert not status.enabled and status.reason.startswith(reason)


def test_app_only_oauth_token_then_bearer_requests(switchboard: Switchboard, client: httpx.Client) -> None:
    """The token is asked once with HTTP Basic and client_credentials; API requests carry it as a bearer."""
    _, served = _collect(switchboard, client, _route())
    assert served.requests[0] == "/api/v1/access_token" and served.bodies == [b"grant_type=client_credentials"]
    basic = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert served.headers[0]["Authorization"] == f"Basic {basic}"
    assert {h["Authorization"] for h in served.headers[1:]} == {"bearer <ACCESS_TOKEN>"}


def test_descriptive_user_agent(switchboard: Switchboard, client: httpx.Client) -> None:
    """The User-Agent follows Reddit's rule: platform, app id, version, and the user to contact."""
    _, served = _collect(switchboard, client, _route(), HOTPAPERS_REDDIT_USERNAME="u/hotpapers_bot")
    agent = served.user_agents[1]
    assert agent.startswith("python:hotpapers:") and "(by /u/hotpapers_bot; +https://github.com/" in agent


def test_reads_new_comments_then_search(switchboard: Switchboard, client: httpx.Client) -> None:
    """Each subreddit's new submissions and comments, then the site-wide search of arXiv links, 100 a page.

    (The comments are newer than the window, so their listing is followed to its next, empty, page.)"""
    _, served = _collect(switchboard, client, _route())
    paths = [p.split("?")[0] for p in served.requests[1:]]
    assert paths == ["/r/MachineLearning/new", "/r/MachineLearning/comments", "/r/MachineLearning/comments",
                     "/search"]
    search = params(served.requests[-1])
    assert (search["q"], search["sort"], search["t"], search["limit"]) == ("site:arxiv.org", "new", "week", "100")


def test_window_posts_each_followed_by_its_snapshot(switchboard: Switchboard, client: httpx.Client) -> None:
    """Only things created in the window are posts: the five derived link submissions of May 2017."""
    records, _ = _collect(switchboard, client, _route())
    posts = [r for r in records if isinstance(r, Post)]
    assert [p.post_id for p in posts] == ["t3_6eudcy", "t3_6eabl0", "t3_6chk1u", "t3_6cdwbn", "t3_6a7x7f"]
    assert [type(r).__name__ for r in records[:2]] == ["Post", "EngagementSnapshot"]


def test_pages_follow_after_while_the_window_goes_on(switchboard: Switchboard, client: httpx.Client) -> None:
    """A page whose oldest thing is still in the window is followed by the next one (``after``)."""
    wide = (dt.datetime(2015, 1, 1, tzinfo=dt.UTC), dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    records, served = _collect(switchboard, client, _route(), window=wide)
    comments = [params(p) for p in served.requests if p.startswith("/r/MachineLearning/comments")]
    assert [c.get("after") for c in comments] == [None, "t1_kx1a2b6"]
    assert {"t1_kx1a2b3", "t1_kx1a2b4", "t3_3b4erh"} <= {r.post_id for r in records if isinstance(r, Post)}


def test_page_cap_stops_with_a_warning(switchboard: Switchboard, client: httpx.Client,
                                       caplog: pytest.LogCaptureFixture) -> None:
    """A listing that goes on past HOTPAPERS_REDDIT_MAX_PAGES stops there, saying what was not read."""
    endless = lambda path: json_reply(COMMENTS) if "comments" in path else _route()(path)  # noqa: E731
    wide = (dt.datetime(2015, 1, 1, tzinfo=dt.UTC), dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    with caplog.at_level(logging.WARNING):
        _, served = _collect(switchboard, client, endless, window=wide, HOTPAPERS_REDDIT_MAX_PAGES="2")
    assert sum(p.startswith("/r/MachineLearning/comments") for p in served.requests) == 2
    assert "reddit: /r/MachineLearning/comments: stopped after 2 pages of 100" in caplog.text


def test_known_posts_are_refreshed_by_fullname(switchboard: Switchboard, client: httpx.Client) -> None:
    """Known posts not seen are asked from /api/info: a snapshot if returned, PostGone if not or if deleted."""
    info = _edited(COMMENTS, lambda b: b)  # the comment listing, as /api/info would return those fullnames
    known = tuple(_known(f) for f in ("t1_kx1a2b3", "t1_kx1a2b6", "t3_zzzzzz", "t3_6eudcy"))
    records, served = _collect(switchboard, client, _route(info=info), known=known)
    (asked,) = [params(p)["id"] for p in served.requests if p.startswith("/api/info")]
    assert asked == "t1_kx1a2b3,t1_kx1a2b6,t3_zzzzzz"  # t3_6eudcy was found by the listing
    refreshed = records[records.index(next(r for r in records if isinstance(r, EngagementSnapshot)
                                           and r.post_id == "t1_kx1a2b3")):]
    assert [(type(r).__name__, r.post_id) for r in refreshed] == [
        ("EngagementSnapshot", "t1_kx1a2b3"), ("PostGone", "t1_kx1a2b6"), ("PostGone", "t3_zzzzzz")]
    assert [r.reason for r in refreshed if isinstance(r, PostGone)] == ["deleted", "not returned by /api/info"]


def test_info_asks_at_most_100_fullnames(switchboard: Switchboard, client: httpx.Client) -> None:
    """250 known posts take three /api/info requests of 100, 100 and 50 fullnames."""
    known = tuple(_known(f"t3_k{n:05d}") for n in range(250))
    _, served = _collect(switchboard, client, _route(), known=known)
    sizes = [len(params(p)["id"].split(",")) for p in served.requests if p.startswith("/api/info")]
    assert sizes == [100, 100, 50]


def test_expired_token_is_renewed_once(switchboard: Switchboard, client: httpx.Client) -> None:
    """A 401 from the API asks for a new token and repeats the request."""
    answered: list[str] = []

    def route(path: str) -> Reply | None:
        if path.startswith("/r/") and not answered:
            answered.append(path)
            return json_reply(b'{"message": "Unauthorized", "error": 401}', 401)
        return _route()(path)

    _, served = _collect(switchboard, client, route)
    assert [p.split("?")[0] for p in served.requests[:4]] == [
        "/api/v1/access_token", "/r/MachineLearning/new", "/api/v1/access_token", "/r/MachineLearning/new"]


def test_refused_credentials_are_an_api_error_without_the_secret(switchboard: Switchboard,
                                                                 client: httpx.Client) -> None:
    """A 401 from the token endpoint names the two variables, never the secret."""
    route: Route = lambda path: json_reply(f'{{"message": "bad {SECRET}"}}'.encode(), 401)  # noqa: E731
    with pytest.raises(APIError, match=r"Reddit refused the app credentials \(HTTP 401\); check") as info:
        _collect(switchboard, client, route)
    assert SECRET not in str(info.value)


def test_spent_rate_limit_window_is_waited_out(switchboard: Switchboard, client: httpx.Client) -> None:
    """X-Ratelimit-Remaining 0 with X-Ratelimit-Reset 30 makes the next request wait 31 s."""
    def route(path: str) -> Reply | None:
        reply = _route()(path)
        if reply is not None and path.startswith("/r/MachineLearning/new"):
            reply.headers.update({"x-ratelimit-remaining": "0.0", "x-ratelimit-reset": "30"})
        return reply

    served = switchboard.answer(route)
    clock = Clock(OBSERVED)
    source = RedditSource(_context(served, client, clock))
    list(source.collect(CollectRequest(START.date(), START, END, ())))
    assert clock.sleeps == [31.0]


def test_secrets_are_never_logged(switchboard: Switchboard, client: httpx.Client,
                                  caplog: pytest.LogCaptureFixture) -> None:
    """At DEBUG, no log line holds the client secret or the access token."""
    with caplog.at_level(logging.DEBUG):
        _collect(switchboard, client, _route())
    assert SECRET not in caplog.text and "<ACCESS_TOKEN>" not in caplog.text


def test_forbidden_subreddit_is_skipped_with_a_warning(switchboard: Switchboard, client: httpx.Client,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    """A 403 (a private subreddit) skips that subreddit with a warning naming the request; the search still runs."""
    def route(path: str) -> Reply | None:
        if path.startswith("/r/"):
            return json_reply(b'{"reason": "private", "message": "Forbidden"}', 403)
        return _route()(path)

    with caplog.at_level(logging.WARNING):
        records, served = _collect(switchboard, client, route)
    assert "reddit: r/MachineLearning skipped: HTTP 403 from" in caplog.text
    assert "private, quarantined or banned" in caplog.text
    assert served.requests[-1].startswith("/search") and records == []  # (the search finds nothing in May 2017)


def test_refused_api_is_not_a_skipped_subreddit(switchboard: Switchboard, client: httpx.Client) -> None:
    """A 401 that a new token does not cure fails the source: the credentials, not a subreddit, are at fault."""
    route = lambda path: json_reply(b'{"message": "Unauthorized", "error": 401}', 401) \
        if path.startswith("/r/") else _route()(path)  # noqa: E731
    with pytest.raises(APIError, match=r"HTTP 401 from .*/r/MachineLearning/new"):
        _collect(switchboard, client, route)
