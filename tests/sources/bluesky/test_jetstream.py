"""Jetstream: event parsing on the recorded production capture (and its derived copy), and the consumer."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from types import ModuleType

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.errors import APIError, NetworkError, UsageError
from hotpapers.models import LinkMethod, PaperLink, Post, PostGone, PostKind, Record
from hotpapers.sources.bluesky.jetstream import (
    Backoff,
    JetstreamEvent,
    KnownPosts,
    consume,
    parse_event,
    subscribe_url,
)

from helpers.paths import SOCIAL
from helpers.sources import load_script
from helpers.wsserver import serve_jetstream, time_us, v2_frame

FIXTURES = SOCIAL / "bluesky"
CAPTURE = (FIXTURES / "jetstream_v1_production_capture_2026-07-04_152_events.jsonl").read_bytes()
DERIVED = (FIXTURES / "derived" / "jetstream_capture_with_arxiv_links.jsonl").read_bytes()
LINES = CAPTURE.splitlines(keepends=True)
DERIVED_LINES = DERIVED.splitlines(keepends=True)
UTC = dt.UTC
OBSERVED = dt.datetime(2026, 7, 4, 15, 0, tzinfo=UTC)
DERIVED_POSTS = (1, 87, 93, 109, 130, 133, 143, 147)  # the lines derive_arxiv.py changed
QUICK = Backoff(initial=0.01, maximum=0.02, attempts=3)


def _derive_module() -> ModuleType:
    return load_script(FIXTURES / "derive_arxiv.py")


def _kept(lines: list[bytes], known: KnownPosts | None = None) -> dict[int, Post]:
    """Line number -> Post, for the lines that give a post (quotes resolved through ``known`` as they come)."""
    kept: dict[int, Post] = {}
    for number, line in enumerate(lines):
        event = parse_event(line, OBSERVED, known)
        if event is not None and isinstance(event.record, Post):
            kept[number] = event.record
            if known is not None:
                known.add(event.record)
    return kept


# --- parse_event on the recorded capture ------------------------------------------------------------------------


def test_derived_fixtures_are_reproducible() -> None:
    """The committed derived files are exactly what derive_arxiv.py makes from the recorded ones."""
    for path, make in _derive_module().DERIVED.items():
        assert path.read_bytes() == make(), path.name


def test_derived_capture_changes_only_the_listed_lines() -> None:
    """The derived capture differs from the recording only on the 8 documented post lines."""
    changed = [n for n, (a, b) in enumerate(zip(LINES, DERIVED_LINES, strict=True)) if a != b]
    assert changed == list(DERIVED_POSTS)


def test_every_recorded_event_parses_with_its_time_us() -> None:
    """All 152 recorded events parse, each with the time_us of its line (none is malformed)."""
    events = [parse_event(line, OBSERVED) for line in LINES]
    assert [e.time_us if e else None for e in events] == [orjson.loads(line)["time_us"] for line in LINES]


def test_recorded_kinds_are_read() -> None:
    """The capture's 150 commits, 1 identity and 1 account event keep their kind."""
    kinds = Counter(e.kind for line in LINES if (e := parse_event(line, OBSERVED)) is not None)
    assert kinds == {"commit": 150, "identity": 1, "account": 1}


def test_recorded_capture_keeps_no_post() -> None:
    """Nothing in the real capture links arXiv: no post is kept."""
    assert _kept(LINES) == {}


def test_recorded_post_delete_is_post_gone_without_known() -> None:
    """Without a known-posts map, the recorded deletion of a post gives PostGone for its at-uri."""
    event = parse_event(LINES[144], OBSERVED)
    assert event is not None and event.record == PostGone(
        "bluesky", "at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p", OBSERVED)


def test_delete_of_untracked_post_is_ignored_with_known() -> None:
    """With a known-posts map, the deletion of a post not in it gives no record."""
    known = KnownPosts()
    known["at://did:plc:other/app.bsky.feed.post/3k"] = ("2104.08223",)
    event = parse_event(LINES[144], OBSERVED, known)
    assert event is not None and event.record is None


def test_delete_of_tracked_post_is_post_gone() -> None:
    """With the deleted post in the known map, its deletion is PostGone."""
    known = KnownPosts()
    known["at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p"] = ("2104.08223",)
    event = parse_event(LINES[144], OBSERVED, known)
    assert event is not None and isinstance(event.record, PostGone)


def test_likes_and_follow_deletes_give_no_record() -> None:
    """Likes, reposts and follow deletions carry only their time_us."""
    likes = [line for line in LINES if b'"app.bsky.feed.like"' in line or b'"app.bsky.graph.follow"' in line]
    assert likes and all((e := parse_event(line, OBSERVED)) is not None and e.record is None for line in likes)


# --- parse_event on the derived capture -------------------------------------------------------------------------


def test_derived_capture_keeps_the_eight_posts() -> None:
    """The 8 derived lines give posts, with the arXiv ids put in them (quotes through the known map)."""
    kept = _kept(DERIVED_LINES, KnownPosts())
    assert {n: p.arxiv_ids for n, p in kept.items()} == {
        1: ("2104.08223",), 87: ("2106.09685",), 93: ("1706.03762",), 109: ("2104.08223",),
        130: ("2401.04088",), 133: ("2310.06825",), 143: ("2310.06825",), 147: ("hep-th/9901001",)}


def test_post_identity_from_the_event() -> None:
    """A kept post's id is its at-uri, its url the bsky.app page, its handle the DID, its language langs[0]."""
    post = _kept(DERIVED_LINES)[1]
    did = "did:plc:dclwtltrt2ggsryagfzk7dp4"
    assert post.post_id == f"at://{did}/app.bsky.feed.post/3mptbyoeyc22k"
    assert post.url == f"https://bsky.app/profile/{did}/post/3mptbyoeyc22k"
    assert (post.author_handle, post.author_name, post.language) == (did, "", "en")
    assert post.created_at == dt.datetime(2026, 7, 4, 14, 38, 6, 240000, tzinfo=UTC)


def test_facet_and_embed_link_is_one_url_link() -> None:
    """The same id in a facet, the external embed and the text is one link, found by URL."""
    assert _kept(DERIVED_LINES)[93].links == (PaperLink("1706.03762", LinkMethod.URL),)


def test_text_only_link_is_text_method() -> None:
    """An arxiv.org URL written in the text without a facet is a TEXT link."""
    assert _kept(DERIVED_LINES)[87].links == (PaperLink("2106.09685", LinkMethod.TEXT),)


def test_reply_kind_and_parent() -> None:
    """A record with ``reply`` is a REPLY referencing its parent's at-uri."""
    post = _kept(DERIVED_LINES)[130]
    assert (post.kind, post.references) == (
        PostKind.REPLY, "at://did:plc:ippiobxpsddnkzd6ms2dbpcy/app.bsky.feed.post/3mptbvznwf22c")


def test_quote_of_known_post_is_kept_as_quote() -> None:
    """A quote (embed.record) of a post already kept is kept as a QUOTE with that post's ids."""
    post = _kept(DERIVED_LINES, KnownPosts())[109]
    assert (post.kind, post.references) == (
        PostKind.QUOTE, "at://did:plc:dclwtltrt2ggsryagfzk7dp4/app.bsky.feed.post/3mptbyoeyc22k")


def test_quote_with_media_of_known_post_is_kept() -> None:
    """A recordWithMedia quote of a kept post is kept too."""
    assert _kept(DERIVED_LINES, KnownPosts())[143].kind is PostKind.QUOTE


def test_quote_of_unknown_post_is_not_kept() -> None:
    """Without the quoted post in the known map, a quote that links nothing itself is not kept."""
    assert 109 not in _kept(DERIVED_LINES)


def test_old_style_id_from_export_host() -> None:
    """An export.arxiv.org facet with an old-style id resolves to the canonical id."""
    assert _kept(DERIVED_LINES)[147].arxiv_ids == ("hep-th/9901001",)


def test_str_and_bytes_parse_alike() -> None:
    """A message given as str parses as the same bytes do."""
    assert parse_event(DERIVED_LINES[1].decode(), OBSERVED) == parse_event(DERIVED_LINES[1], OBSERVED)


# --- v2 wire ----------------------------------------------------------------------------------------------------


def test_v2_documented_example_frame() -> None:
    """The like commit frame of the Jetstream v2 README parses with its seq and witnessedAt."""
    frame = (b'{"$type":"message","payload":{"$type":"network.bsky.jetstream.subscribeEvents#commit","seq":12345,'
             b'"did":"did:plc:eygmaihciaxprqvxpfvl6flk","time":"2024-09-09T19:46:02.329308Z",'
             b'"witnessedAt":"2024-09-09T19:46:02.329308Z","rev":"3l3qo2vutsw2b","operation":"create",'
             b'"collection":"app.bsky.feed.like","rkey":"3l3qo2vuowo2b",'
             b'"cid":"bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi",'
             b'"record":{"$type":"app.bsky.feed.like","...":"..."}}}')
    assert parse_event(frame, OBSERVED) == JetstreamEvent(1725911162329308, "commit", 12345)


def test_v2_post_frame_keeps_post() -> None:
    """A derived post event in the v2 envelope gives the same post as on v1."""
    event = parse_event(v2_frame(DERIVED_LINES[1], 7) or b"", OBSERVED)
    assert event is not None and event.seq == 7 and event.record == _kept(DERIVED_LINES)[1]


def test_v2_error_frame() -> None:
    """A v2 error frame (documented ConsumerTooSlow) is an error event with its message."""
    event = parse_event(b'{"$type":"error","error":"ConsumerTooSlow","message":"slow"}', OBSERVED)
    assert event == JetstreamEvent(None, "error", message="ConsumerTooSlow: slow")


# --- malformed input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    b"", b"\n", b"not json", b"[]", b"{}", LINES[1][:200], b'{"time_us":"1","kind":"commit"}',
    b'{"time_us":1,"kind":"commit"}', b'{"time_us":1,"kind":"commit","commit":{"collection":"app.bsky.feed.post",'
    b'"operation":"create","rkey":"3k","record":{"text":"arxiv.org/abs/2104.08223"}}}',
])
def test_malformed_is_none(line: bytes) -> None:
    """Truncated, non-object, wrongly typed or DID-less events are malformed (None)."""
    assert parse_event(line, OBSERVED) is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=200))
def test_parse_event_never_raises_on_noise(data: bytes | str) -> None:
    """Arbitrary bytes or text give an event or None, never an exception."""
    parse_event(data, OBSERVED)


@settings(max_examples=300, deadline=None)
@given(line=st.sampled_from(DERIVED_LINES), cut=st.integers(0, 2000), junk=st.binary(max_size=8))
def test_parse_event_never_raises_on_mutated_events(line: bytes, cut: int, junk: bytes) -> None:
    """Real events with bytes replaced or cut short give an event or None, never an exception."""
    parse_event(line[:cut] + junk + line[cut + len(junk):], OBSERVED, KnownPosts())


_values = st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.sampled_from(
    ["app.bsky.feed.post", "create", "delete", "did:plc:x", "https://arxiv.org/abs/2104.08223", "3k"])


@settings(max_examples=150, deadline=None)
@given(line=st.sampled_from([DERIVED_LINES[n] for n in DERIVED_POSTS]), key=st.sampled_from(
    ["time_us", "did", "kind"]), commit_key=st.sampled_from(["collection", "operation", "rkey", "record"]),
    value=_values, record_key=st.sampled_from(["text", "facets", "embed", "langs", "createdAt", "reply"]),
    record_value=st.recursive(_values, lambda v: st.lists(v, max_size=3) | st.dictionaries(
        st.sampled_from(["$type", "uri", "external", "record", "features", "media", "parent"]), v, max_size=3)))
def test_parse_event_never_raises_on_wrong_types(
    line: bytes, key: str, commit_key: str, value: object, record_key: str, record_value: object
) -> None:
    """Real post events with fields replaced by values of any type (huge integers too) give an event or None."""
    envelope, commit, record = (orjson.loads(line) for _ in range(3))
    envelope[key] = value
    commit["commit"][commit_key] = value
    record["commit"]["record"][record_key] = record_value
    for variant in (envelope, commit, record):
        parse_event(json.dumps(variant).encode(), OBSERVED, KnownPosts())


# --- KnownPosts, subscribe_url, Backoff -------------------------------------------------------------------------


def test_known_posts_is_bounded() -> None:
    """KnownPosts forgets its oldest entries beyond its limit."""
    known = KnownPosts(limit=2)
    for post in _kept(DERIVED_LINES).values():
        known.add(post)
    assert list(known) == [p.post_id for p in list(_kept(DERIVED_LINES).values())[-2:]]


def test_subscribe_url_v1() -> None:
    """/subscribe gets wantedCollections and a time_us cursor."""
    assert subscribe_url("wss://js.example/subscribe", cursor=17, collections=["app.bsky.feed.post"]) == (
        "wss://js.example/subscribe?wantedCollections=app.bsky.feed.post&cursor=17")


def test_subscribe_url_v2() -> None:
    """subscribeEvents gets collections and kinds=commit instead."""
    url = subscribe_url("wss://js.example/xrpc/network.bsky.jetstream.subscribeEvents", cursor=None,
                        collections=["app.bsky.feed.post"])
    assert url.endswith("subscribeEvents?collections=app.bsky.feed.post&kinds=commit")


def test_subscribe_url_refuses_http() -> None:
    """A URL that is not ws:// or wss:// is a usage error."""
    with pytest.raises(UsageError, match="not a ws:// or wss:// URL"):
        subscribe_url("https://js.example/subscribe", cursor=None, collections=[])


def test_backoff_first_retry_is_immediate_then_doubles() -> None:
    """After a working connection the first retry is immediate; then 1, 2, 4 ... seconds up to the cap."""
    assert [Backoff(maximum=5).delay(n) for n in range(1, 7)] == [0.0, 1.0, 2.0, 4.0, 5.0, 5.0]


# --- consume ----------------------------------------------------------------------------------------------------


class Batches:
    """An ``on_batch`` that records what it got."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.cursors: list[int] = []

    def __call__(self, records: list[Record], cursor: int) -> None:
        self.records.extend(records)
        self.cursors.append(cursor)


def test_consume_reads_and_commits_posts() -> None:
    """Consuming the derived capture hands the 8 posts (quotes included) and the highest time_us to on_batch."""
    batches = Batches()
    with serve_jetstream(DERIVED_LINES) as js:
        result = consume(js.url + "/subscribe", cursor=None, on_batch=batches, max_events=152, known=KnownPosts())
    assert len(batches.records) == 8 and result.kept == 8
    assert batches.cursors[-1] == result.cursor == max(time_us(line) for line in DERIVED_LINES)


def test_consume_identifies_itself() -> None:
    """The websocket handshake carries hotpapers' User-Agent and the collection filter."""
    with serve_jetstream(DERIVED_LINES) as js:
        consume(js.url + "/subscribe", cursor=None, on_batch=Batches(), max_events=1)
    assert js.user_agents[0].startswith("hotpapers/") and js.requests == ["/subscribe?wantedCollections=app.bsky.feed.post"]


def test_consume_batches_by_size() -> None:
    """on_batch is called every batch_size events, then at the end."""
    batches = Batches()
    with serve_jetstream(DERIVED_LINES) as js:
        consume(js.url + "/subscribe", cursor=None, on_batch=batches, max_events=152, batch_size=50)
    assert len(batches.cursors) == 4


def test_consume_reconnects_after_drop_and_rewinds() -> None:
    """A dropped connection is reopened at the committed cursor minus the rewind, and nothing is lost."""
    batches = Batches()
    with serve_jetstream(DERIVED_LINES, drops=[100]) as js:
        result = consume(js.url + "/subscribe", cursor=None, on_batch=batches, max_events=100 + 152,
                         known=KnownPosts(), rewind_us=1_000_000)
    committed = max(time_us(line) for line in DERIVED_LINES[:100])
    assert js.requests[1].endswith(f"&cursor={committed - 1_000_000}") and result.connections == 2
    assert {r.post_id for r in batches.records} == {p.post_id for p in _kept(DERIVED_LINES, KnownPosts()).values()}


def test_consume_v2_reconnect_resumes_at_next_seq() -> None:
    """On the v2 endpoint a reconnection resumes exactly at the seq after the last one received."""
    with serve_jetstream(DERIVED_LINES, drops=[40]) as js:
        result = consume(js.url + "/xrpc/network.bsky.jetstream.subscribeEvents", cursor=None, on_batch=Batches(),
                         max_events=150)
    assert js.requests[1].endswith(f"&cursor={js.sent[0][-1] + 2}")  # the seq after the last (seq = line + 1)
    assert js.sent[0] + js.sent[1] == [n for n in range(152) if v2_frame(DERIVED_LINES[n], 0)]
    assert result.events == 150


def test_consume_stop_event_commits_and_returns() -> None:
    """Setting ``stop`` ends the consumer after it commits what it read."""
    stop = threading.Event()
    batches = Batches()

    def on_batch(records: list[Record], cursor: int) -> None:
        batches(records, cursor)
        stop.set()

    with serve_jetstream(DERIVED_LINES) as js:
        result = consume(js.url + "/subscribe", cursor=None, on_batch=on_batch, stop=stop, batch_size=10)
    assert result.reason == "stop" and result.cursor == batches.cursors[-1]


def test_consume_gives_up_after_attempts() -> None:
    """With nothing listening, consume fails with NetworkError after backoff.attempts retries."""
    with serve_jetstream([]) as js:
        url = js.url
    with pytest.raises(NetworkError, match="connections failed"):
        consume(url + "/subscribe", cursor=None, on_batch=Batches(), backoff=QUICK)


def test_consume_http_400_is_api_error() -> None:
    """A server refusing the subscription with a 4xx answer is an APIError, not retried."""
    with serve_jetstream(DERIVED_LINES, reject=400) as js, pytest.raises(APIError, match="HTTP 400"):
        consume(js.url + "/xrpc/network.bsky.jetstream.subscribeEvents", cursor=5, on_batch=Batches(), backoff=QUICK)
    assert len(js.requests) == 1


def test_consume_warns_when_resume_skips_events(caplog: pytest.LogCaptureFixture) -> None:
    """A stream that starts 10+ minutes after the cursor asked for (v1 clamps old cursors) is warned about."""
    with serve_jetstream(DERIVED_LINES) as js:
        consume(js.url + "/subscribe", cursor=time_us(DERIVED_LINES[0]) - 700_000_000, on_batch=Batches(), max_events=1)
    assert "events in between are missing" in caplog.text


# --- the message cap --------------------------------------------------------------------------------------------

_AFTER = 100  # the oversized message comes after this line: every later line is newer than all before it
_HIGH = max(time_us(line) for line in DERIVED_LINES[:_AFTER + 1])


def _with_big_message(at_us: int) -> list[bytes]:
    """The derived capture with a 6 kB like event (a commit) stamped ``at_us`` inserted after line _AFTER."""
    big = orjson.dumps({"did": "did:plc:big", "time_us": at_us, "kind": "commit", "commit": {
        "rev": "3mptbypluud2a", "operation": "create", "collection": "app.bsky.feed.like", "rkey": "3kbig",
        "record": {"$type": "app.bsky.feed.like", "pad": "x" * 6000}}}) + b"\n"
    return [*DERIVED_LINES[:_AFTER + 1], big, *DERIVED_LINES[_AFTER + 1:]]


def test_message_over_the_cap_is_refused_and_stepped_past(caplog: pytest.LogCaptureFixture) -> None:
    """v1: the oversized message closes the connection; the consumer resumes after the last event (no rewind),
    gets the same message again, steps 1 ms further, and reads the rest: every post, the message counted twice."""
    batches = Batches()
    assert all(time_us(line) > _HIGH + 1001 for line in DERIVED_LINES[_AFTER + 1:])
    with serve_jetstream(_with_big_message(_HIGH + 500)) as js:
        result = consume(js.url + "/subscribe", cursor=None, on_batch=batches, max_events=152 + 2,
                         known=KnownPosts(), max_message_bytes=2000)
    assert [r.split("cursor=")[-1] for r in js.requests[1:]] == [str(_HIGH + 1), str(_HIGH + 1001)]
    assert (result.refused, result.malformed, result.connections) == (2, 2, 3)
    assert {r.post_id for r in batches.records} == {p.post_id for p in _kept(DERIVED_LINES, KnownPosts()).values()}
    assert f"longer than 2000 bytes (the message cap: max_message_bytes) was refused after time_us {_HIGH}" in caplog.text
    assert f"what is between {_HIGH} and {_HIGH + 1001} is skipped" in caplog.text


def test_message_over_the_cap_on_v2_skips_its_seq() -> None:
    """v2: the consumer resumes at the seq after the refused one, and reads every other frame."""
    lines = _with_big_message(_HIGH + 500)
    with serve_jetstream(lines) as js:
        result = consume(js.url + "/xrpc/network.bsky.jetstream.subscribeEvents", cursor=None, on_batch=Batches(),
                         max_events=150 + 1, max_message_bytes=2000, known=KnownPosts())
    assert js.requests[1].endswith(f"&cursor={_AFTER + 3}")  # seqs are 1-based lines: the big one is _AFTER + 2
    assert js.sent[1] == [n for n in range(_AFTER + 2, len(lines)) if v2_frame(lines[n], 0)]
    assert (result.refused, result.events, result.kept) == (1, 151, 8)


def test_messages_under_the_cap_pass() -> None:
    """A cap just above the largest message changes nothing."""
    with serve_jetstream(DERIVED_LINES) as js:
        result = consume(js.url + "/subscribe", cursor=None, on_batch=Batches(), max_events=152, known=KnownPosts(),
                         max_message_bytes=max(len(line) for line in DERIVED_LINES))
    assert (result.refused, result.malformed, result.kept, result.connections) == (0, 0, 8, 1)


def test_first_message_over_the_cap_at_a_seq_cursor_is_skipped() -> None:
    """v2, started at the seq of the oversized frame: the next connection starts at the seq after it."""
    lines = _with_big_message(_HIGH + 500)
    with serve_jetstream(lines) as js:
        result = consume(js.url + "/xrpc/network.bsky.jetstream.subscribeEvents", cursor=_AFTER + 2,
                         on_batch=Batches(), max_events=2, max_message_bytes=2000)
    assert js.requests[1].endswith(f"&cursor={_AFTER + 3}") and (result.refused, result.events) == (1, 2)
