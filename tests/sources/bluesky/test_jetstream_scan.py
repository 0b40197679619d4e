"""The dump scanner: its pre-filter finds exactly the records that decoding every line finds."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers import links
from hotpapers.models import Post, PostGone
from hotpapers.sources.bluesky.jetstream import KnownPosts, parse_event
from hotpapers.sources.bluesky.scan import (
    LINK_WORDS,
    EveryLine,
    Matcher,
    ScanResult,
    default_matcher,
    hyperscan_matcher,
    scan_dump,
)

from helpers.paths import SOCIAL

FIXTURES = SOCIAL / "bluesky"
CAPTURE = (FIXTURES / "jetstream_v1_production_capture_2026-07-04_152_events.jsonl").read_bytes()
DERIVED = (FIXTURES / "derived" / "jetstream_capture_with_arxiv_links.jsonl").read_bytes()
NOW = dt.datetime(2026, 7, 4, 15, 0, tzinfo=dt.UTC)
POST = "app.bsky.feed.post"
try:
    HYPERSCAN: Matcher | None = hyperscan_matcher()
except ImportError:  # no wheel for this platform: EveryLine is what runs here
    HYPERSCAN = None
MATCHERS = {"every-line": EveryLine()} | ({"hyperscan": HYPERSCAN} if HYPERSCAN else {})
needs_hyperscan = pytest.mark.skipif(HYPERSCAN is None, reason="the hyperscan package is not installed")


@dataclass
class Scan:
    """What a scan gave: its records, its counts, and the offsets passed to ``on_batch``."""

    records: list[Post | PostGone] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    result: ScanResult = field(default_factory=ScanResult)


def scan(data: bytes, *, block: int = 1 << 20, matcher: Matcher | None = None, known: KnownPosts | None = None,
         start: int = 0, stop: int | None = None, max_line: int = 1 << 20, max_lines: int | None = None) -> Scan:
    """Scan ``data`` as a dump (with the default matcher unless another is given)."""
    out = Scan()

    def on_batch(records: list[Post | PostGone], offset: int) -> None:
        out.records += records
        out.offsets.append(offset)

    out.result = scan_dump(io.BytesIO(data), known=KnownPosts() if known is None else known, now=NOW,
                           on_batch=on_batch, start=start, stop=stop, block_bytes=block,
                           matcher=matcher or default_matcher(), max_line_bytes=max_line, max_lines=max_lines)
    return out


def reference(
    data: bytes, known: KnownPosts | None = None, cap: int | None = None
) -> tuple[list[Post | PostGone], tuple[int, int, int]]:
    """Every non-blank line decoded, in order: (records, (kept, gone, malformed)); an unterminated last line
    that does not parse is not malformed (it may be still being written); a line longer than ``cap`` is."""
    known = KnownPosts() if known is None else known
    records: list[Post | PostGone] = []
    malformed = 0
    lines = data.split(b"\n")
    for number, line in enumerate(lines, 1):
        if cap is not None and len(line) > cap:
            malformed += 1
            continue
        if not line.strip():
            continue
        event = parse_event(line, NOW, known)
        if event is None:
            malformed += number < len(lines)
        elif isinstance(event.record, Post):
            known.add(event.record)
            records.append(event.record)
        elif isinstance(event.record, PostGone):
            known.forget(event.record.post_id)
            records.append(event.record)
    kept = sum(isinstance(r, Post) for r in records)
    return records, (kept, len(records) - kept, malformed)


def counts(result: ScanResult) -> tuple[int, int, int]:
    return result.kept, result.gone, result.malformed


# --- generated events ------------------------------------------------------------------------------------------

FORMS = (  # every form the resolver knows, and two it must not take
    "https://arxiv.org/abs/2104.08223", "arxiv.org/pdf/1706.03762v7", "arXiv:2104.08223", "ARXIV.ORG/abs/2104.08223",
    "https://ar5iv.labs.arxiv.org/html/2104.08223", "https://ar5iv.org/abs/2104.08223",
    "https://www.alphaxiv.org/abs/2104.08223", "https://huggingface.co/papers/2104.08223",
    "https://hf.co/papers/2104.08223", "https://doi.org/10.48550/arXiv.2104.08223",
    "https://scirate.com/arxiv/2104.08223", "https://t.example/?u=https%3A%2F%2Farxiv.org%2Fabs%2F2104.08223",
    "math.GT/0309136 at export.arxiv.org/abs/math.GT/0309136", "eartharxiv.org/abs/2104.08223", "papers we love",
)


def _recase(text: str, mask: int) -> str:
    return "".join(c.upper() if mask >> (i % 60) & 1 else c.lower() for i, c in enumerate(text))


def _commit(n: int, collection: str, operation: str, record: dict[str, object] | None, rkey: str = "") -> bytes:
    commit: dict[str, object] = {"rev": "3mptbypluud2a", "operation": operation, "collection": collection,
                                 "rkey": rkey or f"3k{n:011d}"}
    if record is not None:
        commit |= {"record": record, "cid": "bafyreiftot7eltsc3f6g4qktykmbv6jcmdmhcx5osscan6jpdxkpqcmcza"}
    return orjson.dumps({"did": f"did:plc:{n:024d}", "time_us": 1783175888085434 + n, "kind": "commit",
                         "commit": commit})


def _post(n: int, where: str, form: str, quoted: str | None) -> bytes:
    record: dict[str, object] = {"$type": POST, "createdAt": "2026-07-04T14:38:06.240Z", "langs": ["en"],
                                 "text": form if where == "text" else "a paper"}
    if where == "facet":
        record["facets"] = [{"features": [{"$type": "app.bsky.richtext.facet#link", "uri": form}],
                             "index": {"byteEnd": 7, "byteStart": 2}}]
    external = {"$type": "app.bsky.embed.external", "external": {"uri": form, "title": "t", "description": ""}}
    if quoted is not None:
        quote = {"cid": "bafyreiapzyf65cmq55jklpnrihiygze2jmmdqvvkwqeiomd72pbp2iazuu", "uri": quoted}
        record["embed"] = ({"$type": "app.bsky.embed.recordWithMedia", "record": {"record": quote}, "media": external}
                           if where == "embed" else {"$type": "app.bsky.embed.record", "record": quote})
    elif where == "embed":
        record["embed"] = external
    return _commit(n, POST, "create", record)


def _line(n: int, op: tuple[str, int, int, int], posts: list[str]) -> bytes:
    """One dump line for ``op`` = (kind, a, b, mask); ``posts`` are the at-uris of the posts so far."""
    kind, a, b, mask = op
    earlier = posts[a % len(posts)] if posts else f"at://did:plc:{0:024d}/{POST}/3k00000000000"
    if kind == "post":
        where = ("text", "facet", "embed", "none")[b % 4]
        quoted = earlier if b % 3 == 0 else None
        line = _post(n, where, _recase(FORMS[a % len(FORMS)], mask), quoted)
        posts.append(f"at://did:plc:{n:024d}/{POST}/3k{n:011d}")
        return line
    if kind in ("like", "repost"):
        subject = {"cid": "bafyreiftot7eltsc3f6g4qktykmbv6jcmdmhcx5osscan6jpdxkpqcmcza", "uri": earlier}
        record = {"$type": f"app.bsky.feed.{kind}", "createdAt": "2026-07-04T14:38:08.999Z", "subject": subject}
        return _commit(n, f"app.bsky.feed.{kind}", "create", record)
    if kind == "delete":
        did, _, rkey = earlier.removeprefix("at://").partition(f"/{POST}/")
        line = _commit(n, POST if b % 2 else "app.bsky.graph.follow", "delete", None, rkey)
        return line.replace(f"did:plc:{n:024d}".encode(), did.encode(), 1)
    if kind == "identity":
        return orjson.dumps({"did": f"did:plc:{n:024d}", "time_us": 1783175888085434 + n, "kind": "identity"})
    junk = (b"{not json", b"[1, 2]", b"   ", b"", b'{"did":"did:plc:x","time_us":1,"kind":"commit","commit":{')
    if kind == "truncated" and posts:
        cut = _post(n, "text", FORMS[0], None)[: 20 + a % 400]
        return cut.rstrip(b"}") or b"{"
    return junk[a % len(junk)]


OPS = st.tuples(
    st.sampled_from(["post", "post", "post", "like", "repost", "delete", "identity", "truncated", "junk"]),
    st.integers(0, 1000), st.integers(0, 1000), st.integers(0, 2**60),
)


def build(ops: list[tuple[str, int, int, int]], newline: bytes, final_newline: bool) -> bytes:
    posts: list[str] = []
    data = newline.join(_line(n, op, posts) for n, op in enumerate(ops, 1))
    return data + newline if final_newline else data


# --- the property ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MATCHERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(OPS, max_size=60), newline=st.sampled_from([b"\n", b"\r\n"]), final_newline=st.booleans(),
       block=st.integers(1, 3000))
def test_prefilter_finds_what_decoding_every_line_finds(
    name: str, ops: list[tuple[str, int, int, int]], newline: bytes, final_newline: bool, block: int
) -> None:
    """Any dump, any block size (needles across raw reads), CRLF or not: the same records and counts; the
    offset reached is the end of the last whole line."""
    data = build(ops, newline, final_newline)
    records, expected = reference(data)
    got = scan(data, block=block, matcher=MATCHERS[name])
    line_end = data.rfind(b"\n") + 1
    assert got.records == records and counts(got.result) == expected
    assert got.result.offset == line_end and got.result.tail == len(data) - line_end
    assert got.offsets[-1:] == ([line_end] if line_end or records else [])


@settings(max_examples=100, deadline=None)
@given(ops=st.lists(OPS, min_size=1, max_size=40), cut=st.integers(0, 10_000), block=st.integers(1, 2000))
def test_resuming_at_a_checkpoint_finds_the_rest(ops: list[tuple[str, int, int, int]], cut: int, block: int) -> None:
    """Stopping at any committed offset and resuming there, with the same tracked posts, gives the same records."""
    data = build(ops, b"\n", final_newline=True)
    first = scan(data, block=block)
    offset = first.offsets[cut % len(first.offsets)]
    known = KnownPosts()
    head = scan(data, block=block, known=known, stop=offset)
    tail = scan(data, block=block, known=known, start=offset)
    assert head.records + tail.records == first.records


# --- single behaviours -------------------------------------------------------------------------------------------


def test_link_words_are_in_every_resolver_form() -> None:
    """Every pattern of hotpapers.links contains one of the words the pre-filter looks for."""
    assert all(any(word in pattern.pattern for word in LINK_WORDS) for _, pattern in links._FORMS)


@needs_hyperscan
def test_derived_capture_same_as_every_line() -> None:
    """The derived capture gives its 8 posts with the pre-filter, decoding 9 lines of 152."""
    got = scan(DERIVED)
    assert got.records == reference(DERIVED)[0] and got.result.kept == 8 and got.result.decoded == 9


@needs_hyperscan
def test_real_capture_decodes_only_the_post_deletion() -> None:
    """Of the 152 recorded events (likes, reposts, follows, posts), only the post deletion is decoded."""
    got = scan(CAPTURE)
    assert got.result.decoded == 1 and got.records == []


def test_uppercase_link_is_found() -> None:
    """``ArXiv`` and ``HUGGINGFACE.CO/PAPERS`` in any case are candidates."""
    data = _post(1, "text", "ArXiv:2104.08223", None) + b"\n" + _post(2, "facet", "HTTPS://HF.CO/PAPERS/1706.03762", None)
    assert [r.arxiv_ids for r in scan(data).records if isinstance(r, Post)] == [("2104.08223",), ("1706.03762",)]


def test_link_only_in_embed_is_found() -> None:
    """A post whose only link is its card (text without a word) is kept."""
    (post,) = scan(_post(1, "embed", "https://arxiv.org/abs/2104.08223", None)).records
    assert isinstance(post, Post) and post.arxiv_ids == ("2104.08223",)


def test_quote_of_a_post_kept_earlier_in_the_block() -> None:
    """A quote of a post kept a few lines before, in the same block, gets that post's papers."""
    uri = f"at://did:plc:{1:024d}/{POST}/3k{1:011d}"
    data = _post(1, "text", "arXiv:2104.08223", None) + b"\n" + _post(2, "none", "", uri) + b"\n"
    assert [r.post_id for r in scan(data).records] == [uri, f"at://did:plc:{2:024d}/{POST}/3k{2:011d}"]


def test_deletion_of_a_post_kept_earlier_in_the_block() -> None:
    """The deletion of a post kept earlier in the same block gives PostGone."""
    posts: list[str] = []
    data = b"\n".join(_line(n, op, posts) for n, op in enumerate([("post", 0, 1, 0), ("delete", 0, 1, 0)], 1))
    assert [type(r) for r in scan(data).records] == [Post, PostGone]


@needs_hyperscan
def test_likes_reposts_and_follow_deletions_are_not_decoded() -> None:
    """Likes and reposts of a tracked post, and a follow deletion, are not candidates."""
    posts = [f"at://did:plc:{1:024d}/{POST}/3k{1:011d}"]
    data = b"\n".join(_line(n, (kind, 0, 0, 0), posts) for n, kind in enumerate(["like", "repost", "delete"], 2))
    assert HYPERSCAN is not None and list(HYPERSCAN.candidates(bytearray(data), len(data))) == []


def test_last_line_without_newline_is_read_but_not_passed() -> None:
    """The unterminated last line of a file gives its post, but the offset stays at its start."""
    data = b"\n" + _post(1, "text", "arXiv:2104.08223", None)
    got = scan(data)
    assert got.result.kept == 1 and got.offsets[-1] == 1 and got.result.tail == len(data) - 1


def test_line_longer_than_the_block_is_read_whole() -> None:
    """A line longer than the buffer grows it."""
    data = _post(1, "text", "x" * 5000 + " arXiv:2104.08223", None) + b"\n"
    got = scan(data, block=64)
    assert got.result.kept == 1 and got.offsets == [len(data)]


def test_malformed_and_blank_lines() -> None:
    """Truncated lines and junk are counted as malformed; blank lines are not lines."""
    data = b"{not json\n\n  \n[1, 2]\n" + _post(1, "text", "arXiv:2104.08223", None)[:50] + b"\r\n\r\n"
    got = scan(data)
    assert (got.result.decoded, got.result.malformed) == (3, 3)


def test_stop_ends_at_a_line() -> None:
    """``stop`` ends the scan there: the lines after it are left for the next run."""
    line = _post(1, "text", "arXiv:2104.08223", None) + b"\n"
    got = scan(line * 3, stop=len(line) * 2)
    assert got.result.kept == 2 and got.result.offset == len(line) * 2


def test_max_lines_stops_after_that_many_lines() -> None:
    """``max_lines`` ends the scan after N lines (blank ones counted), or at the end when fewer remain."""
    data = b"a\n\nccc\n"
    assert [scan(data, max_lines=n, block=2).result.offset for n in (1, 2, 5)] == [2, 3, 7]


# --- bounds: the line cap ---------------------------------------------------------------------------------------


def _long_line(n: int, length: int, kind: int) -> bytes:
    """A line of about ``length`` bytes: a post linking arXiv padded with text, or junk with no JSON in it."""
    if kind == 0:
        return _post(n, "text", "x" * max(0, length - 420) + " arXiv:2104.08223", None)
    return (b"\0", b"arxiv ", b"{")[kind - 1] * length


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(OPS, max_size=30), longs=st.lists(st.tuples(st.integers(0, 30), st.integers(300, 3000),
       st.integers(0, 3)), max_size=6), cap=st.integers(400, 2500), block=st.integers(1, 4000),
       final_newline=st.booleans())
def test_lines_over_the_cap_are_refused_and_the_rest_is_read(
    ops: list[tuple[str, int, int, int]], longs: list[tuple[int, int, int]], cap: int, block: int,
    final_newline: bool,
) -> None:
    """Lines longer than the cap, anywhere (the last one too), are counted malformed and skipped; every other
    line gives what decoding it gives, and the offset reached is a line start."""
    posts: list[str] = []
    lines = [_line(n, op, posts) for n, op in enumerate(ops, 1)]
    for at, length, kind in longs:
        lines.insert(at % (len(lines) + 1), _long_line(1000 + at, length, kind))
    data = b"\n".join(lines) + (b"\n" if final_newline else b"")
    records, expected = reference(data, cap=cap)
    got = scan(data, block=block, max_line=cap)
    assert got.records == records and counts(got.result) == expected
    assert got.result.too_long == sum(len(line) > cap for line in data.split(b"\n"))
    assert all(offset == 0 or data[offset - 1:offset] == b"\n" for offset in got.offsets)


def test_a_refused_line_is_named_with_its_offset(caplog: pytest.LogCaptureFixture) -> None:
    """The warning says where the refused line starts and what the cap is; the next line is read."""
    first, long = _post(1, "text", "arXiv:2104.08223", None) + b"\n", b"y" * 5000 + b"\n"
    data = first + long + _post(2, "text", "arXiv:1706.03762", None) + b"\n"
    got = scan(data, max_line=1000, block=256)
    assert got.result.kept == 2 and (got.result.malformed, got.result.too_long) == (1, 1)
    assert f"the line at byte {len(first)} is longer than 1000 bytes" in caplog.text


def test_an_unfinished_line_over_the_cap_is_not_passed() -> None:
    """A last line over the cap without its newline is refused, and the offset stays before it."""
    head = _post(1, "text", "arXiv:2104.08223", None) + b"\n"
    got = scan(head + b"z" * 3000, max_line=1000, block=512)
    assert got.result.offset == len(head) and got.result.too_long == 1 and got.result.tail == 0


class _Endless(io.RawIOBase):
    """``size`` bytes of one byte, no newline: /dev/zero, cut short so that the test ends."""

    def __init__(self, size: int, byte: bytes = b"\0") -> None:
        self.left, self.chunk = size, byte * (1 << 16)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        with memoryview(buffer) as view:
            n = min(len(view), self.left, len(self.chunk))
            view[:n] = self.chunk[:n]
        self.left -= n
        return n


def test_memory_stays_bounded_without_any_newline() -> None:
    """256 MiB with no newline, and a cap of 1 MiB: the scan holds about the cap, never the input."""
    tracemalloc.start()
    try:
        result = scan_dump(io.BufferedReader(_Endless(256 << 20)), known=KnownPosts(), now=NOW,
                           on_batch=lambda records, offset: None, max_line_bytes=1 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (result.too_long, result.offset, result.tail) == (1, 0, 0) and peak < 4 << 20


# --- hostile lines: the scan never raises ------------------------------------------------------------------------

_HUGE = "9" * 5000
_HOSTILE_TEXT = st.sampled_from([
    f"arXiv:2104.08223v{_HUGE}", f"https://arxiv.org/abs/2104.{_HUGE}", f"arxiv.org/abs/{_HUGE}.08223",
    f"https://arxiv.org/abs/hep-th/{_HUGE}", "arXiv:2104.08223\u0000", "\U0001f600 arxiv \u202e\u0301 \ufeff",
    "\uff41\uff52\uff58\uff49\uff56:2104.08223", "ARX\u0130V:2104.08223", "arxiv" * 2000, "https://hf.co/papers/" + "1" * 4400,
])
_HOSTILE_RAW = st.sampled_from([
    b'{"did":"did:plc:x","time_us":' + _HUGE.encode() + b',"kind":"commit"}',
    b'{"did":"did:plc:x","time_us":-1,"kind":"commit"}', b'{"time_us":1e400,"kind":"identity"}',
    b"[" * 5000 + b"]" * 5000, b'{"a":' * 3000 + b"1" + b"}" * 3000, b'"\\ud800 arxiv"', b"\xff\xfe arxiv \xc0\x80",
    b'{"did":"did:plc:x","time_us":1,"kind":"commit","commit":{"collection":"app.bsky.feed.post",'
    b'"operation":"delete","rkey":"' + b"k" * 5000 + b'"}}',
])


def _hostile_post(n: int, text: str, created: str, nested: int) -> bytes:
    record: dict[str, object] = {"$type": POST, "createdAt": created, "text": text,
                                 "facets": [{"features": [{"$type": "app.bsky.richtext.facet#link", "uri": text}]}]}
    if nested:
        deep: object = "arxiv"
        for _ in range(nested):
            deep = {"record": deep}
        record["embed"] = {"$type": "app.bsky.embed.record", "record": deep}
    return _commit(n, POST, "create", record)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # the huge examples' repr
@pytest.mark.parametrize("name", MATCHERS)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.one_of(
    st.builds(_hostile_post, st.integers(1, 10**6), _HOSTILE_TEXT, st.sampled_from(
        ["2026-07-04T14:38:06.240Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999+14:00", "-1", "2026"]),
        st.sampled_from([0, 1, 200])),
    _HOSTILE_RAW, st.binary(max_size=200).map(lambda b: b.replace(b"\n", b"")),
    st.text(max_size=200).map(lambda t: t.replace("\n", "").encode("utf-8", "surrogatepass")),
), max_size=12), block=st.integers(1, 5000), cap=st.sampled_from([600, 20_000, 1 << 20]))
def test_hostile_lines_never_stop_the_scan(name: str, items: list[bytes], block: int, cap: int) -> None:
    """Huge numbers, huge lines, odd Unicode and deep nesting: the scan never raises, and finds what decoding
    every line finds (a pre-filter leaves an object-shaped line without a word unchecked: fewer malformed)."""
    data = b"\n".join([*items, _post(1, "text", "arXiv:2104.08223", None)]) + b"\n"
    records, (kept, gone, malformed) = reference(data, cap=cap)
    got = scan(data, block=block, max_line=cap, matcher=MATCHERS[name])
    assert got.records == records and (got.result.kept, got.result.gone) == (kept, gone) and kept >= 1
    assert got.result.malformed == malformed if name == "every-line" else got.result.malformed <= malformed
