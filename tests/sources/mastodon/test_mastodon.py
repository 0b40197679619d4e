"""Mastodon: the Status parser on recorded (and derived) bodies, and the source over real HTTP, two instances.

The local server is reached as two instances, ``http://127.0.0.1:PORT`` and ``http://localhost:PORT``: one
server, two origins, so the tests can tell which instance a request went to (``Host`` header).
"""

from __future__ import annotations

import datetime as dt
import logging

import httpx
import orjson
import pytest

from hotpapers.errors import APIError, ParseError
from hotpapers.http import NO_RETRIES, RetryPolicy
from hotpapers.models import EngagementSnapshot, LinkMethod, Post, PostGone, PostKind
from hotpapers.plugins import CollectRequest, Source, SourceContext, SourceOutput
from hotpapers.sources.mastodon import (
    MastodonSource,
    parse_search,
    parse_status,
    parse_statuses,
    parse_trending_links,
    status_location,
)

from helpers.localserver import Reply, Served
from helpers.paths import SOCIAL
from helpers.sources import Clock, Route, Switchboard, json_reply, load_script, params

FIXTURES = SOCIAL / "mastodon"
CARD = (FIXTURES / "derived_arxiv_statuses_get_with_card.body.json").read_bytes()
CARD_ONLY = (FIXTURES / "derived_arxiv_docs_entity_Status_card_only.json").read_bytes()
PLAIN = (FIXTURES / "docs_statuses_get_example.json").read_bytes()
HOOT = (FIXTURES / "timelines_tag_hoot.body.json").read_bytes()
LINKS = (FIXTURES / "derived_arxiv_docs_trends_links_example.json").read_bytes()
NO_LINKS = (FIXTURES / "trends_links_empty.body.json").read_bytes()
NO_RESULTS = (FIXTURES / "search_v2_type_statuses_empty.body.json").read_bytes()
OBSERVED = dt.datetime(2026, 8, 2, 1, 0, tzinfo=dt.UTC)
START, END = dt.datetime(2026, 8, 1, tzinfo=dt.UTC), dt.datetime(2026, 8, 2, tzinfo=dt.UTC)
INSTANCE = "https://sigmoid.social"
CARD_URI = "http://localhost:3000/ap/users/117020565966271181/statuses/117020609135389699"
TOKEN = "mastodon-token-not-real-0123456789"
TIGHT = RetryPolicy(attempts=2, timeout=10.0, wait_initial=0.001, wait_max=0.005, max_retry_after=0.01)


def _status(body: bytes, **changes: object) -> dict[str, object]:
    """A recorded status as a dict, with ``changes`` applied in memory."""
    status: dict[str, object] = orjson.loads(body)
    status.update(changes)
    return status


def _list(*statuses: dict[str, object]) -> bytes:
    """Statuses put in a list, as a timeline, trends or the batch lookup answer them (built in memory)."""
    return orjson.dumps(list(statuses))


# --- parsing ---------------------------------------------------------------------------------------------------


def test_status_linking_arxiv_is_a_post() -> None:
    """The post id is the status's uri; its url is its page on the instance read; its link is found by URL."""
    status = parse_status(CARD, OBSERVED, INSTANCE)
    assert status.local_id == "117020609135389699"
    assert status.post == Post(
        "mastodon", CARD_URI, "https://sigmoid.social/@mastodonpy_test/117020609135389699",
        "mastodonpy_test@sigmoid.social", "John Lennon", "https://arxiv.org/abs/2104.08223",
        dt.datetime(2026, 8, 1, 13, 59, 50, 763000, tzinfo=dt.UTC), status.post.links if status.post else (),
        PostKind.ORIGINAL, 0, "en")
    assert [(link.arxiv_id, link.method) for link in status.post.links] == [("2104.08223", LinkMethod.URL)]


def test_status_snapshot_counts() -> None:
    """reposts = reblogs_count, likes = favourites_count, replies = replies_count, quotes = quotes_count."""
    assert parse_status(CARD_ONLY, OBSERVED, INSTANCE).snapshot == EngagementSnapshot(
        "mastodon", "https://mastodon.social/users/Gargron/statuses/103270115826048975", OBSERVED, 6, 11, 5, 2)


def test_preview_card_alone_links_the_paper() -> None:
    """A status whose card (not its text) links arXiv links that paper."""
    post = parse_status(CARD_ONLY, OBSERVED, INSTANCE).post
    assert post is not None and post.arxiv_ids == ("1706.03762",)


def test_status_without_a_paper_is_not_a_post() -> None:
    """The recorded hashtag status links no paper: a snapshot, no post."""
    (status,) = parse_statuses(HOOT, OBSERVED, INSTANCE).statuses
    assert status.post is None and status.snapshot.post_id.endswith("/statuses/117020593741189701")


def test_a_reblog_is_read_as_the_status_it_boosts() -> None:
    """A boost (a status wrapped in another's reblog, in memory) yields the boosted status, never the boost."""
    boost = _status(PLAIN, reblog=_status(CARD))
    (status,) = parse_statuses(_list(boost), OBSERVED, INSTANCE).statuses
    assert status.post is not None and status.post.post_id == CARD_URI


def test_reply_and_quote_kinds() -> None:
    """in_reply_to_id makes a reply; a quoted status (Mastodon 4.5's quote) makes a quote referencing its uri."""
    reply = parse_statuses(_list(_status(CARD, in_reply_to_id="1")), OBSERVED, INSTANCE).statuses[0].post
    quoted = {"state": "accepted", "quoted_status": _status(PLAIN)}
    quote = parse_statuses(_list(_status(CARD, quote=quoted)), OBSERVED, INSTANCE).statuses[0].post
    assert reply is not None and reply.kind == PostKind.REPLY
    assert quote is not None and quote.kind == PostKind.QUOTE
    assert quote.references == "https://mastodon.social/users/Gargron/statuses/1"


def test_remote_account_keeps_its_domain() -> None:
    """A remote account's acct (user@domain) is its handle as it is."""
    status = _status(CARD, account={**_status(CARD)["account"], "acct": "someone@example.social"})  # type: ignore[dict-item]
    post = parse_statuses(_list(status), OBSERVED, INSTANCE).statuses[0].post
    assert post is not None and post.author_handle == "someone@example.social"
    assert post.url == "https://sigmoid.social/@someone@example.social/117020609135389699"


def test_private_status_is_never_a_post() -> None:
    """A followers-only status (edited in memory) is not kept as a public post."""
    assert parse_statuses(_list(_status(CARD, visibility="private")), OBSERVED, INSTANCE).statuses[0].post is None


def test_unreadable_status_is_skipped_with_reason() -> None:
    """A status without a uri is skipped, naming it; the others are read."""
    page = parse_statuses(_list(_status(CARD, uri=None), _status(CARD)), OBSERVED, INSTANCE)
    assert len(page.statuses) == 1 and page.skipped == ("[0]: uri None / id '117020609135389699' missing",)


@pytest.mark.parametrize("body", [b"<html>", b'{"error": "x"}'])
def test_statuses_not_a_list_is_a_parse_error(body: bytes) -> None:
    """A body that is not a list of statuses raises one line naming it."""
    with pytest.raises(ParseError, match=r"^Mastodon statuses: "):
        parse_statuses(body, OBSERVED, INSTANCE)


def test_trending_links() -> None:
    """Trending links give their card urls; the recorded empty answer gives none."""
    assert parse_trending_links(LINKS) == ("https://arxiv.org/abs/2005.14165",)
    assert parse_trending_links(NO_LINKS) == ()


def test_search_reads_its_statuses() -> None:
    """A search answer's statuses are read; the recorded empty one has none; a list is not a search answer."""
    assert parse_search(NO_RESULTS, OBSERVED, INSTANCE).statuses == ()
    found = parse_search(orjson.dumps({"statuses": [_status(CARD)]}), OBSERVED, INSTANCE)
    assert found.statuses[0].post is not None
    with pytest.raises(ParseError, match="'statuses' list"):
        parse_search(b"[]", OBSERVED, INSTANCE)


def test_status_location_reads_the_instance_page() -> None:
    """A post's url on a listed instance gives (instance, local id); other urls give None."""
    hosts = {"sigmoid.social": INSTANCE}
    assert status_location("https://sigmoid.social/@a@b.c/1170", hosts) == (INSTANCE, "1170")
    assert status_location("https://other.social/@a/1170", hosts) is None
    assert status_location("https://sigmoid.social/@a/1170/edit", hosts) is None


def test_derived_fixtures_are_what_the_script_writes() -> None:
    """The derived files differ from their sources only as derive_arxiv.py says."""
    module = load_script(FIXTURES / "derive_arxiv.py")
    for name, text in module.outputs().items():
        assert (FIXTURES / name).read_text(encoding="utf-8") == text


# --- the source over HTTP --------------------------------------------------------------------------------------


def _route(tag: bytes | None = None, trends: bytes = b"[]", links: bytes = NO_LINKS, link_timeline: bytes = b"[]",
           batch: bytes | None = None, search: bytes = NO_RESULTS, **headers: str) -> Route:
    """An instance: the #arxiv timeline (the derived status, then the recorded #hoot one), trends, lookups."""
    timeline = tag if tag is not None else _list(_status(CARD), *orjson.loads(HOOT))
    answers: dict[str, bytes | None] = {
        "/api/v1/timelines/tag/arxiv": timeline, "/api/v1/trends/statuses": trends, "/api/v1/trends/links": links,
        "/api/v1/timelines/link": link_timeline, "/api/v2/search": search, "/api/v1/statuses?": batch,
    }

    def route(path: str) -> Reply | None:
        for prefix, body in answers.items():
            if path.startswith(prefix):
                return json_reply(body) if body is not None else None
        return None

    return route


def _context(served: Served, client: httpx.Client, clock: Clock, **env: str) -> SourceContext:
    values = {"HOTPAPERS_MASTODON_INSTANCES": served.url, **env}
    return SourceContext(client, values, clock.now, clock.sleep, TIGHT)


def _collect(board: Switchboard, client: httpx.Client, route: Route, known: tuple[Post, ...] = (),
             clock: Clock | None = None, **env: str) -> tuple[list[SourceOutput], Served]:
    served = board.answer(route)
    env = {k: v.replace("SERVER", served.url).replace("OTHER", served.url.replace("127.0.0.1", "localhost"))
           for k, v in env.items()}
    source = MastodonSource(_context(served, client, clock or Clock(OBSERVED), **env))
    return list(source.collect(CollectRequest(START.date(), START, END, (), known))), served


def _posts(records: list[SourceOutput]) -> list[str]:
    return [r.post_id for r in records if isinstance(r, Post)]


def test_without_instances_the_source_says_how_to_enable_it(client: httpx.Client) -> None:
    """No HOTPAPERS_MASTODON_INSTANCES: disabled, with an example and the docs."""
    source = MastodonSource(SourceContext(client, {}, lambda: OBSERVED, lambda s: None, NO_RETRIES))
    assert isinstance(source, Source) and not source.status().enabled
    assert source.status().reason.startswith("set HOTPAPERS_MASTODON_INSTANCES to the base URLs")


@pytest.mark.parametrize(("env", "reason"), [
    ({"HOTPAPERS_MASTODON_INSTANCES": "sigmoid.social"}, "HOTPAPERS_MASTODON_INSTANCES: 'sigmoid.social' is not"),
    ({"HOTPAPERS_MASTODON_INSTANCES": "https://a.social/web"}, "HOTPAPERS_MASTODON_INSTANCES: 'https://a.social/web'"),
    ({"HOTPAPERS_MASTODON_INSTANCES": INSTANCE, "HOTPAPERS_MASTODON_HASHTAGS": "arxiv,ml papers"},
     "HOTPAPERS_MASTODON_HASHTAGS: 'ml papers' is not a hashtag"),
])
def test_bad_settings_disable_the_source(client: httpx.Client, env: dict[str, str], reason: str) -> None:
    """A malformed instance URL or hashtag disables the source, naming the variable."""
    status = MastodonSource(SourceContext(client, env, lambda: OBSERVED, lambda s: None, NO_RETRIES)).status()
    assert not status.enabled and status.reason.startswith(reason)


def test_reads_hashtag_timeline_and_trends(switchboard: Switchboard, client: httpx.Client) -> None:
    """Without a token: the #arxiv timeline, trending statuses and trending links; no search."""
    records, served = _collect(switchboard, client, _route())
    assert [p.split("?")[0] for p in served.requests] == [
        "/api/v1/timelines/tag/arxiv", "/api/v1/trends/statuses", "/api/v1/trends/links"]
    assert params(served.requests[0])["limit"] == "40"
    assert _posts(records) == [CARD_URI]


def test_trending_arxiv_link_reads_its_link_timeline(switchboard: Switchboard, client: httpx.Client) -> None:
    """A trending link to an arXiv paper has its statuses read from the link timeline."""
    card = _list(_status(CARD_ONLY, created_at="2026-08-01T09:00:00.000Z"))
    records, served = _collect(switchboard, client, _route(links=LINKS, link_timeline=card))
    (asked,) = [params(p) for p in served.requests if p.startswith("/api/v1/timelines/link")]
    assert asked["url"] == "https://arxiv.org/abs/2005.14165"
    assert "https://mastodon.social/users/Gargron/statuses/103270115826048975" in _posts(records)


def test_only_the_window_is_kept(switchboard: Switchboard, client: httpx.Client) -> None:
    """A status created before the window (the documentation's 2019 one) is not a post of this day."""
    records, _ = _collect(switchboard, client, _route(trends=_list(_status(CARD_ONLY))))
    assert _posts(records) == [CARD_URI]


def test_pages_follow_the_link_header(switchboard: Switchboard, client: httpx.Client) -> None:
    """While the page's oldest status is in the window, the next page is asked with Link's max_id."""
    def route(path: str) -> Reply | None:
        reply = _route(tag=_list(_status(CARD)))(path)
        if path.startswith("/api/v1/timelines/tag/arxiv") and "max_id" not in path and reply is not None:
            reply.headers["Link"] = '<http://x/api/v1/timelines/tag/arxiv?max_id=117020593741189701>; rel="next"'
        return reply

    _, served = _collect(switchboard, client, route)
    pages = [params(p).get("max_id") for p in served.requests if p.startswith("/api/v1/timelines/tag/")]
    assert pages == [None, "117020593741189701"]


def test_a_status_seen_on_two_instances_is_one_post(switchboard: Switchboard, client: httpx.Client) -> None:
    """The same uri through two instances is yielded once, as the first listed instance saw it."""
    records, served = _collect(switchboard, client, _route(), HOTPAPERS_MASTODON_INSTANCES="SERVER,OTHER")
    assert _posts(records) == [CARD_URI]
    (post,) = [r for r in records if isinstance(r, Post)]
    assert post.url.startswith(served.url)


def test_optional_endpoints_an_instance_lacks_are_skipped(switchboard: Switchboard, client: httpx.Client) -> None:
    """Trends answering 404 (trends off, an old server) are skipped; the timeline's posts are kept."""
    route = _route()
    records, _ = _collect(switchboard, client, lambda p: None if "/trends/" in p else route(p))
    assert _posts(records) == [CARD_URI]


def test_a_failing_instance_is_skipped_while_others_go_on(switchboard: Switchboard, client: httpx.Client,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    """An instance that cannot be reached (a closed port) is skipped with a warning; the other instance's posts
    are kept."""
    served = switchboard.answer(_route())
    other = served.url.replace("127.0.0.1", "localhost")
    down = "http://127.0.0.1:9"
    ctx = _context(served, client, Clock(OBSERVED), HOTPAPERS_MASTODON_INSTANCES=f"{down},{other}")
    with caplog.at_level(logging.WARNING):
        records = list(MastodonSource(ctx).collect(CollectRequest(START.date(), START, END, ())))
    assert _posts(records) == [CARD_URI]
    assert f"mastodon: {down} skipped: ConnectError for {down}/api/v1/timelines/tag/arxiv" in caplog.text


def test_every_instance_failing_fails_the_source(switchboard: Switchboard, client: httpx.Client) -> None:
    """When no instance answers, the source fails with the last instance's error."""
    with pytest.raises(APIError, match=r"HTTP 404 from .*/api/v1/timelines/tag/arxiv"):
        _collect(switchboard, client, lambda path: None)


def test_instance_requiring_login_says_to_set_the_token(switchboard: Switchboard, client: httpx.Client) -> None:
    """A 401 on the public timeline names HOTPAPERS_MASTODON_TOKEN."""
    refused: Route = lambda path: json_reply(b'{"error": "This API requires an authenticated user"}', 401)  # noqa: E731
    with pytest.raises(APIError, match="requires an authenticated user; the instance requires a login: set "
                                       "HOTPAPERS_MASTODON_TOKEN"):
        _collect(switchboard, client, refused)


def test_token_searches_the_first_instance_only(switchboard: Switchboard, client: httpx.Client) -> None:
    """With a token, the first instance is searched for arxiv.org statuses, and only it gets the token."""
    search = orjson.dumps({"accounts": [], "statuses": [_status(CARD)], "hashtags": []})
    _, served = _collect(switchboard, client, _route(search=search, tag=b"[]"),
                         HOTPAPERS_MASTODON_INSTANCES="SERVER,OTHER", HOTPAPERS_MASTODON_TOKEN=TOKEN)
    searches = [(params(p), h["Host"]) for p, h in zip(served.requests, served.headers, strict=True)
                if p.startswith("/api/v2/search")]
    assert [(q["q"], q["type"], q["offset"], host.split(":")[0]) for q, host in searches] == [
        ("arxiv.org", "statuses", "0", "127.0.0.1")]
    tokens = {h["Host"].split(":")[0]: h.get("Authorization") for h in served.headers}
    assert tokens == {"127.0.0.1": f"Bearer {TOKEN}", "localhost": None}


def _known(url: str, uri: str = CARD_URI) -> Post:
    return Post("mastodon", uri, url, "a@b", "a", "t", START)


def test_known_statuses_are_refreshed_in_batches(switchboard: Switchboard, client: httpx.Client) -> None:
    """Known statuses not seen are looked up with id[] on their instance; one it omits is gone."""
    gone_uri = "https://example.social/users/x/statuses/9"
    board_url = switchboard.served.url
    known = (_known(f"{board_url}/@mastodonpy_test/117020609135389699"), _known(f"{board_url}/@x@example.social/9",
                                                                                 gone_uri))
    records, served = _collect(switchboard, client, _route(tag=b"[]", batch=_list(_status(CARD))), known=known)
    (batch,) = [p for p in served.requests if p.startswith("/api/v1/statuses?")]
    assert "117020609135389699" in batch and "9" in batch.split("&")[-1]
    refreshed = [r for r in records if isinstance(r, EngagementSnapshot | PostGone)]
    assert [(type(r).__name__, r.post_id) for r in refreshed] == [
        ("EngagementSnapshot", CARD_URI), ("PostGone", gone_uri)]


def test_older_instance_is_refreshed_status_by_status(switchboard: Switchboard, client: httpx.Client) -> None:
    """An instance without the batch lookup (404) is asked /api/v1/statuses/{id}; a 404 there is gone."""
    def route(path: str) -> Reply | None:
        if path.startswith("/api/v1/statuses/117020609135389699"):
            return json_reply(CARD)
        return _route(tag=b"[]")(path)

    board_url = switchboard.served.url
    known = (_known(f"{board_url}/@mastodonpy_test/117020609135389699"),
             _known(f"{board_url}/@x/5", "https://example.social/users/x/statuses/5"))
    records, served = _collect(switchboard, client, route, known=known)
    assert [p for p in served.requests if p.startswith("/api/v1/statuses")][1:] == [
        "/api/v1/statuses/117020609135389699", "/api/v1/statuses/5"]
    assert [type(r).__name__ for r in records if isinstance(r, EngagementSnapshot | PostGone)] == [
        "EngagementSnapshot", "PostGone"]


def test_spent_rate_limit_is_waited_out(switchboard: Switchboard, client: httpx.Client) -> None:
    """X-RateLimit-Remaining 0 with an ISO X-RateLimit-Reset 30 s away makes the next request wait 31 s."""
    reset = (OBSERVED + dt.timedelta(seconds=30)).isoformat().replace("+00:00", "Z")

    def route(path: str) -> Reply | None:
        reply = _route()(path)
        if reply is not None and path.startswith("/api/v1/timelines/tag/"):
            reply.headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
        return reply

    clock = Clock(OBSERVED)
    _collect(switchboard, client, route, clock=clock)
    assert clock.sleeps == [31.0]


def test_token_is_never_logged(switchboard: Switchboard, client: httpx.Client,
                               caplog: pytest.LogCaptureFixture) -> None:
    """At DEBUG, no log line holds the token, even from an error body that echoes it."""
    echo: Route = lambda path: json_reply(f'{{"error": "bad token {TOKEN}"}}'.encode(), 401)  # noqa: E731
    with caplog.at_level(logging.DEBUG), pytest.raises(APIError) as info:
        _collect(switchboard, client, echo, HOTPAPERS_MASTODON_TOKEN=TOKEN)
    assert TOKEN not in caplog.text and TOKEN not in str(info.value)



def test_instance_without_search_keeps_its_posts(switchboard: Switchboard, client: httpx.Client) -> None:
    """With a token, an instance whose search answers 404 is read all the same, its search skipped."""
    route = _route()
    records, _ = _collect(switchboard, client, lambda p: None if p.startswith("/api/v2/search") else route(p),
                          HOTPAPERS_MASTODON_TOKEN=TOKEN)
    assert _posts(records) == [CARD_URI]
