"""Bluesky records and AppView views: parsers on recorded bodies, and the source end to end over real HTTP."""

from __future__ import annotations

import copy
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.errors import APIError, HotpapersError, ParseError
from hotpapers.http import RetryPolicy, make_client
from hotpapers.models import EngagementSnapshot, LinkMethod, PaperLink, Post, PostGone, PostKind, Record
from hotpapers.plugins import CollectRequest, Source, SourceContext
from hotpapers.sources.bluesky.source import (
    BlueskySource,
    parse_get_posts,
    parse_search_posts,
    post_from_record,
    record_links,
    split_at_uri,
)

from helpers.localserver import Reply, Served, serve
from helpers.paths import SOCIAL

FIXTURES = SOCIAL / "bluesky"
GET_POSTS = (FIXTURES / "getPosts.body.json").read_bytes()
GET_QUOTES = (FIXTURES / "getQuotes.body.json").read_bytes()
SEARCH = (FIXTURES / "searchPosts_q_redistricting.body.json").read_bytes()
THREAD_WITH_MEDIA = (FIXTURES / "marshalx_getPostThread_recordWithMedia_embed.json").read_bytes()
XRPC_ERROR = (FIXTURES / "createRecord_400_InvalidRequest.body.json").read_bytes()
DERIVED_SEARCH = (FIXTURES / "derived" / "searchPosts_with_arxiv_links.body.json").read_bytes()
DERIVED_GET_POSTS = (FIXTURES / "derived" / "getPosts_with_arxiv_link.body.json").read_bytes()
UTC = dt.UTC
OBSERVED = dt.datetime(2026, 7, 5, 12, 0, tzinfo=UTC)
START = dt.datetime(2025, 5, 19, 0, 0, tzinfo=UTC)
END = dt.datetime(2025, 5, 20, 0, 0, tzinfo=UTC)
TIGHT = RetryPolicy(attempts=3, timeout=10.0, wait_initial=0.001, wait_max=0.005, max_retry_after=0.01)
JSON = "application/json; charset=utf-8"
HANDLE = "reader.example.com"
PASSWORD = "abcd-efgh-ijkl-mnop"  # an app password's shape; never sent anywhere but the local server
TOKEN = "access-jwt-sentinel-0123456789"


def _edited(data: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    body = orjson.loads(data)
    edit(body)
    return orjson.dumps(body)


def _uris(path: str) -> list[str]:
    return parse_qs(urlsplit(path).query).get("uris", [])


def _known(n: int) -> Post:
    did = f"did:plc:test{n:04d}"
    return Post("bluesky", f"at://{did}/app.bsky.feed.post/3k{n:04d}", f"https://bsky.app/profile/{did}/post/3k{n:04d}",
                did, "", "arxiv.org/abs/2104.08223", START, (PaperLink("2104.08223", LinkMethod.TEXT),))


def _get_posts_body(uris: list[str], missing: set[str]) -> bytes:
    """The recorded getPosts view, copied once per requested uri (its ``uri``, ``author.did`` and counts set)."""
    view = orjson.loads(DERIVED_GET_POSTS)["posts"][0]
    views = []
    for uri in uris:
        if uri in missing:
            continue
        copied = copy.deepcopy(view)
        number = int(uri.rsplit("/3k", 1)[1])
        copied.update(uri=uri, likeCount=number, repostCount=number % 7, replyCount=1, quoteCount=2)
        copied["author"]["did"] = uri.split("/")[2]
        views.append(copied)
    return orjson.dumps({"posts": views})


# --- records ----------------------------------------------------------------------------------------------------


def test_split_at_uri_reads_did_and_rkey() -> None:
    """A post's at-uri splits into DID and record key; other collections and shapes are refused."""
    assert split_at_uri("at://did:plc:abc/app.bsky.feed.post/3k7q") == ("did:plc:abc", "3k7q")
    assert split_at_uri("at://did:plc:abc/app.bsky.feed.like/3k7q") is None
    assert split_at_uri("at://handle.example/app.bsky.feed.post/3k7q") is None
    assert split_at_uri("https://bsky.app/profile/did:plc:abc/post/3k7q") is None


def test_recorded_records_link_nothing() -> None:
    """No recorded record links arXiv (as the provenance says): their links are empty."""
    views = [*orjson.loads(GET_POSTS)["posts"], *orjson.loads(SEARCH)["posts"], *orjson.loads(GET_QUOTES)["posts"]]
    assert [record_links(v["record"]) for v in views] == [()] * len(views)


def test_socarxiv_in_a_display_name_is_not_arxiv() -> None:
    """The paper bot's "SocArXiv" (another server) is not an arXiv link, nor is its osf.io facet."""
    page = parse_search_posts(SEARCH, OBSERVED)
    assert page.posts == () and len(page.returned) == 25


def test_quote_record_is_a_quote_of_its_uri() -> None:
    """A recorded quote record (app.bsky.embed.record) is a QUOTE referencing the quoted at-uri."""
    record = orjson.loads(GET_QUOTES)["posts"][0]["record"]
    post = post_from_record("did:plc:3ixxligsafp4u6ghljcoetnm", "3lc6isqcp6u2y", record, fallback_time=OBSERVED)
    assert (post.kind, post.references) == (
        PostKind.QUOTE, "at://did:plc:5c2r73erhng4bszmxlfdtscf/app.bsky.feed.post/3lc5c5qv72r2w")


def test_record_with_media_is_a_quote() -> None:
    """A recordWithMedia embed (quote plus images) is a QUOTE of the inner record's uri."""
    record = orjson.loads(THREAD_WITH_MEDIA)["thread"]["post"]["record"]
    post = post_from_record("did:plc:kvwvcn5iqfooopmyzvb4qzba", "3kaheyt6vpc22", record, fallback_time=OBSERVED)
    assert post.references == "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kahesw26il2z"


def test_quoted_ids_are_links_by_url() -> None:
    """The ids of a quoted post given by the caller become links of the quote (method URL)."""
    record = orjson.loads(GET_QUOTES)["posts"][0]["record"]
    assert record_links(record, ["2104.08223"]) == (PaperLink("2104.08223", LinkMethod.URL),)


def test_created_at_falls_back_when_missing() -> None:
    """A record without a valid createdAt gets the fallback time."""
    post = post_from_record("did:plc:x", "3k", {"text": "", "createdAt": "not a date"}, fallback_time=OBSERVED)
    assert post.created_at == OBSERVED


# --- parse_get_posts / parse_search_posts -----------------------------------------------------------------------


def test_get_posts_gives_handle_name_and_counts() -> None:
    """getPosts gives the real handle and display name, and a snapshot of the four counts."""
    page = parse_get_posts(GET_POSTS, OBSERVED)
    (post,), (snapshot,) = page.posts, page.snapshots
    assert (post.author_handle, post.author_name, post.language) == ("soubhikbarari.bsky.social", "Soubhik Barari", "en")
    assert snapshot == EngagementSnapshot("bluesky", post.post_id, OBSERVED, reposts=0, likes=4, replies=0, quotes=0)


def test_get_posts_keeps_posts_without_links() -> None:
    """getPosts parsing keeps every post (the source merges the links it already knows)."""
    assert parse_get_posts(GET_POSTS, OBSERVED).posts[0].links == ()


def test_get_posts_derived_facet_links_by_url() -> None:
    """A link facet pointing at arXiv (derived body) is a URL link."""
    assert parse_get_posts(DERIVED_GET_POSTS, OBSERVED).posts[0].links == (PaperLink("2310.06825", LinkMethod.URL),)


def test_search_derived_keeps_only_linking_posts() -> None:
    """The derived search page keeps the 4 posts whose facet or embed now names arXiv, and the cursor."""
    page = parse_search_posts(DERIVED_SEARCH, OBSERVED)
    assert [p.author_handle for p in page.posts] == [
        "socpaperbot.bsky.social", "brendannyhan.bsky.social", "socpaperbot.bsky.social", "socpaperbot.bsky.social"]
    assert page.cursor == "25" and len(page.records) == 8


def test_search_view_quoting_a_linking_post_is_kept() -> None:
    """A view whose quoted record (record#view value) links arXiv is kept as a QUOTE with those ids."""
    view = orjson.loads(GET_QUOTES)["posts"][0]
    view["embed"]["record"]["value"]["facets"][1]["features"][0]["uri"] = "https://arxiv.org/abs/1706.03762"
    page = parse_search_posts(orjson.dumps({"posts": [view]}), OBSERVED)
    assert page.posts[0].kind is PostKind.QUOTE
    assert page.posts[0].links == (PaperLink("1706.03762", LinkMethod.URL),)


def test_malformed_view_is_skipped_not_raised() -> None:
    """A view with a negative count is skipped with a note; the others are kept."""
    body = _edited(DERIVED_SEARCH, lambda b: b["posts"][0].update(likeCount=-1))
    page = parse_search_posts(body, OBSERVED)
    assert len(page.posts) == 3 and page.skipped == ("posts[0]: likeCount is -1",)


def test_view_with_non_string_embed_type_is_parsed() -> None:
    """A view whose embed ``$type`` is not a string (found by fuzzing) is read without its quote."""
    body = _edited(DERIVED_SEARCH, lambda b: b["posts"][1]["embed"].update({"$type": True}))
    assert len(parse_search_posts(body, OBSERVED).posts) == 4


@pytest.mark.parametrize("body", [b"", b"[]", b'{"posts": {}}', b"<html>", XRPC_ERROR])
def test_wrong_body_is_parse_error(body: bytes) -> None:
    """A body that is not JSON or has no posts array (an XRPC error envelope included) is a ParseError."""
    with pytest.raises(ParseError):
        parse_get_posts(body, OBSERVED)


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=30)
    | st.sampled_from(["https://arxiv.org/abs/2104.08223", "app.bsky.embed.record", "app.bsky.embed.external",
                       "app.bsky.richtext.facet#link", "at://did:plc:a/app.bsky.feed.post/3k", "2026-07-04T14:38:06Z"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["uri", "cid", "text", "facets", "features", "$type", "embed", "record", "external", "media",
                         "author", "handle", "did", "likeCount", "createdAt", "value", "embeds", "reply", "langs",
                         "parent", "indexedAt", "posts", "cursor"]),
        inner, max_size=6),
    max_leaves=30,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(views=st.lists(_json, max_size=4), cursor=_json)
def test_view_parsers_never_raise_on_arbitrary_views(views: list[Any], cursor: Any) -> None:
    """Arbitrary JSON in the posts array is skipped or parsed, never raised."""
    body = orjson.dumps({"posts": views, "cursor": cursor})
    for parse in (parse_get_posts, parse_search_posts):
        page = parse(body, OBSERVED)
        assert len(page.posts) + len(page.skipped) <= len(views)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=200) | st.builds(lambda b, i: b[:i], st.just(DERIVED_SEARCH), st.integers(0, 5000)))
def test_view_parsers_raise_only_parse_error_on_bytes(data: bytes) -> None:
    """Arbitrary or truncated bytes give a page or a ParseError, nothing else."""
    with suppress(ParseError):
        parse_search_posts(data, OBSERVED)


# --- the source, end to end -------------------------------------------------------------------------------------


class Switch:
    """The route of a server shared by the module's tests."""

    def __init__(self) -> None:
        self.route: Callable[[str], Reply | None] = lambda path: None

    def __call__(self, path: str) -> Reply | None:
        return self.route(path)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Switch, Served]]:
    """One local HTTP server for the module; each test sets its route."""
    switch = Switch()
    with serve(switch) as served:
        yield switch, served


def _collect(served: Served, known: tuple[Post, ...], env: dict[str, str] | None = None) -> list[Record]:
    with make_client() as client:
        context = SourceContext(client, {"HOTPAPERS_BSKY_APPVIEW_URL": served.url, **(env or {})},
                                lambda: OBSERVED, lambda s: None, TIGHT)
        records = list(BlueskySource(context).collect(CollectRequest(START.date(), START, END, (), known)))
    served.requests[:] = [r for r in served.requests if "app.bsky.actor.getProfiles" not in r]  # counted apart
    return records


def _route_get_posts(missing: set[str] = frozenset(), fail_first: int = 0) -> Callable[[str], Reply | None]:
    failures = [fail_first]

    def route(path: str) -> Reply | None:
        if not path.startswith("/xrpc/app.bsky.feed.getPosts?"):
            return None
        if failures[0] > 0:
            failures[0] -= 1
            return Reply(b'{"error":"InternalServerError","message":"x"}', 503, JSON)
        return Reply(_get_posts_body(_uris(path), missing), content_type=JSON)

    return route


def test_source_satisfies_protocol() -> None:
    """BlueskySource is a Source named bluesky, enabled without credentials."""
    with make_client() as client:
        source = BlueskySource(SourceContext(client, {}, lambda: OBSERVED, lambda s: None, TIGHT))
        assert isinstance(source, Source) and source.name == "bluesky"
        status = source.status()
    assert status.enabled and "HOTPAPERS_BSKY_APP_PASSWORD" in status.reason


def test_status_says_when_search_is_on() -> None:
    """With a handle and app password, the status says the search backfill is on (and not the password)."""
    with make_client() as client:
        env = {"HOTPAPERS_BSKY_HANDLE": HANDLE, "HOTPAPERS_BSKY_APP_PASSWORD": PASSWORD}
        status = BlueskySource(SourceContext(client, env, lambda: OBSERVED, lambda s: None, TIGHT)).status()
    assert "search backfill on as reader.example.com" in status.reason and PASSWORD not in status.reason


def test_get_posts_batches_of_25(server: tuple[Switch, Served]) -> None:
    """60 known posts are refreshed in 3 getPosts requests of 25, 25 and 10 uris, in order."""
    switch, served = server
    switch.route, known = _route_get_posts(), tuple(_known(n) for n in range(60))
    served.requests.clear()
    _collect(served, known)
    assert [_uris(p) for p in served.requests] == [
        [p.post_id for p in known[0:25]], [p.post_id for p in known[25:50]], [p.post_id for p in known[50:60]]]


def test_get_posts_snapshot_per_post(server: tuple[Switch, Served]) -> None:
    """Each returned post gives an updated Post (real handle, merged links) and a snapshot observed now."""
    switch, served = server
    switch.route = _route_get_posts()
    records = _collect(served, (_known(7),))
    post, snapshot = records
    assert isinstance(post, Post) and post.author_handle == "soubhikbarari.bsky.social"
    assert post.arxiv_ids == ("2104.08223", "2310.06825")
    assert snapshot == EngagementSnapshot("bluesky", _known(7).post_id, OBSERVED, reposts=0, likes=7, replies=1, quotes=2)


def test_missing_uri_is_post_gone(server: tuple[Switch, Served]) -> None:
    """A requested uri the AppView does not return is PostGone."""
    switch, served = server
    gone = _known(3).post_id
    switch.route = _route_get_posts(missing={gone})
    records = _collect(served, tuple(_known(n) for n in range(5)))
    assert [r for r in records if isinstance(r, PostGone)] == [
        PostGone("bluesky", gone, OBSERVED, "not returned by app.bsky.feed.getPosts")]


def test_5xx_is_retried(server: tuple[Switch, Served]) -> None:
    """A 503 from the AppView is retried, and the retry's answer is used."""
    switch, served = server
    switch.route = _route_get_posts(fail_first=1)
    served.requests.clear()
    records = _collect(served, (_known(1),))
    assert len(served.requests) == 2 and len(records) == 2


def test_xrpc_error_is_api_error(server: tuple[Switch, Served]) -> None:
    """A 400 with an XRPC error envelope is an APIError quoting the error and message."""
    switch, served = server
    switch.route = lambda path: Reply(XRPC_ERROR, 400, JSON)
    with pytest.raises(APIError, match=r"InvalidRequest: Invalid app\.bsky\.feed\.post record"):
        _collect(served, (_known(1),))


def test_no_credentials_no_search(server: tuple[Switch, Served]) -> None:
    """Without credentials nothing but getPosts is requested (no known posts: no request at all)."""
    switch, served = server
    switch.route = _route_get_posts()
    served.requests.clear()
    assert _collect(served, ()) == [] and served.requests == []


# --- authenticated search ---------------------------------------------------------------------------------------


@dataclass
class Pds:
    """A local PDS: createSession (POST) and searchPosts (GET), recording what it received."""

    url: str = ""
    requests: list[tuple[str, str, str, bytes]] = field(default_factory=list)  # method, path, Authorization, body
    pages: list[bytes] = field(default_factory=list)
    session: tuple[int, bytes] = (200, b"")
    get_posts: bytes = b""


@contextmanager
def serve_pds(pds: Pds) -> Iterator[Pds]:
    """Serve ``pds`` on 127.0.0.1 (localserver.serve answers GET only; createSession is a POST)."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", JSON)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            pds.requests.append(("POST", self.path, self.headers.get("Authorization", ""), body))
            self._answer(*pds.session)

        def do_GET(self) -> None:
            pds.requests.append(("GET", self.path, self.headers.get("Authorization", ""), b""))
            if self.path.startswith("/xrpc/app.bsky.feed.getPosts?"):
                self._answer(200, pds.get_posts)
                return
            cursor = parse_qs(urlsplit(self.path).query).get("cursor", ["0"])[0]
            self._answer(200, pds.pages[int(cursor) // 25])

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    pds.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        yield pds
    finally:
        httpd.shutdown()
        httpd.server_close()


def _session() -> bytes:
    """A createSession answer with the lexicon's required fields (no recorded one exists; see PROVENANCE.md)."""
    return orjson.dumps({"accessJwt": TOKEN, "refreshJwt": "refresh-" + TOKEN, "handle": HANDLE,
                         "did": "did:plc:ic6zqvuw5ulmfpjiwnhsr2ns"})


def _search_pages() -> list[bytes]:
    """Page 1: the derived search body (cursor "25"); page 2: its first 3 posts, without a cursor (last page)."""
    return [DERIVED_SEARCH, _edited(DERIVED_SEARCH, lambda b: (b.pop("cursor"), b.update(posts=b["posts"][:3])))]


@pytest.fixture
def pds() -> Iterator[Pds]:
    """A local PDS with the two search pages and a good session."""
    with serve_pds(Pds(pages=_search_pages(), session=(200, _session()))) as running:
        yield running


def _search(pds: Pds, appview: Pds | None = None) -> list[Record]:
    env = {"HOTPAPERS_BSKY_HANDLE": HANDLE, "HOTPAPERS_BSKY_APP_PASSWORD": PASSWORD, "HOTPAPERS_BSKY_PDS_URL": pds.url}
    with make_client() as client:
        env["HOTPAPERS_BSKY_APPVIEW_URL"] = appview.url if appview else pds.url
        context = SourceContext(client, env, lambda: OBSERVED, lambda s: None, TIGHT)
        known = (_known(1),) if appview else ()
        return list(BlueskySource(context).collect(CollectRequest(START.date(), START, END, (), known)))


def test_search_logs_in_then_pages(pds: Pds) -> None:
    """createSession with the handle and app password, then searchPosts pages until a page has no cursor."""
    records = _search(pds)
    assert [(m, urlsplit(p).path) for m, p, _, _ in pds.requests if "getProfiles" not in p] == [
        ("POST", "/xrpc/com.atproto.server.createSession"),
        ("GET", "/xrpc/app.bsky.feed.searchPosts"), ("GET", "/xrpc/app.bsky.feed.searchPosts")]
    assert orjson.loads(pds.requests[0][3]) == {"identifier": HANDLE, "password": PASSWORD}
    assert len([r for r in records if isinstance(r, Post)]) == 4 + 1  # page 2 holds 1 of the 4 linking posts


def test_search_params_and_bearer(pds: Pds) -> None:
    """Search sends q=arxiv.org, the window, latest first, the cursor of the previous page, and the bearer."""
    _search(pds)
    searches = [request for request in pds.requests[1:] if "searchPosts" in request[1]]
    first, second = (parse_qs(urlsplit(p).query) for m, p, _, _ in searches)
    assert first == {"q": ["arxiv.org"], "sort": ["latest"], "since": ["2025-05-19T00:00:00Z"],
                     "until": ["2025-05-20T00:00:00Z"], "limit": ["100"]}
    assert second["cursor"] == ["25"]
    assert {auth for _, _, auth, _ in searches} == {f"Bearer {TOKEN}"}


def test_token_not_sent_to_appview(pds: Pds) -> None:
    """The session token goes to the PDS only: the AppView's getPosts and getProfiles requests carry none."""
    with serve_pds(Pds(get_posts=_get_posts_body([_known(1).post_id], set()))) as appview:
        records = _search(pds, appview=appview)
    paths = [urlsplit(p).path for _, p, _, _ in appview.requests]
    assert paths[0] == "/xrpc/app.bsky.feed.getPosts" and set(paths[1:]) == {"/xrpc/app.bsky.actor.getProfiles"}
    assert {(m, auth) for m, _, auth, _ in appview.requests} == {("GET", "")}
    assert isinstance(records[0], Post) and records[0].post_id == _known(1).post_id


def test_password_never_logged(pds: Pds, caplog: pytest.LogCaptureFixture) -> None:
    """Neither the app password nor the token appears in any log line (at DEBUG), nor in a request URL."""
    caplog.set_level(logging.DEBUG)
    _search(pds)
    assert PASSWORD not in caplog.text and TOKEN not in caplog.text and "Bearer" not in caplog.text
    assert not any(PASSWORD in p or TOKEN in p for _, p, _, _ in pds.requests)


def test_bad_password_is_api_error_without_password(caplog: pytest.LogCaptureFixture) -> None:
    """A refused login is an APIError quoting the XRPC error, and neither it nor the logs hold the password."""
    caplog.set_level(logging.DEBUG)
    refusal = orjson.dumps({"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
    with serve_pds(Pds(session=(401, refusal))) as pds, pytest.raises(HotpapersError) as error:
        _search(pds)
    assert isinstance(error.value, APIError) and "Invalid identifier or password" in str(error.value)
    assert PASSWORD not in str(error.value) and PASSWORD not in caplog.text


def test_session_without_token_is_parse_error() -> None:
    """A createSession answer without accessJwt is a ParseError."""
    with serve_pds(Pds(session=(200, b'{"did":"did:plc:x"}'))) as pds, pytest.raises(ParseError, match="no accessJwt"):
        _search(pds)
