"""Jetstream: Bluesky's JSON firehose, followed live by a reconnecting consumer with a cursor.

The two wires (``/subscribe``, v1, and ``/xrpc/network.bsky.jetstream.subscribeEvents``, v2) and the parsing of
one message are in ``hotpapers.sources.jetstream_events`` (``parse_event``, re-exported here); the fast scan of
a saved dump is in ``hotpapers.sources.jetstream_scan``.

Cursor and duplicates. ``time_us`` is not monotonic in the order events arrive (the recorded production
capture shows it), so a consumer that resumed exactly at the highest ``time_us`` it committed could miss an
event stamped a little earlier that had not arrived yet. Resuming therefore rewinds ``rewind_us`` (5 s by
default, as the Jetstream README advises), and the events seen twice are harmless: the store keeps one post
per at-uri and merges links, and a ``PostGone`` is idempotent. On the v2 wire, a reconnect within a process
resumes exactly at the next ``seq`` instead. The persisted cursor is always ``time_us`` (which v2 also
accepts), so it is portable between instances and endpoints.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.sync.client import ClientConnection, connect

from hotpapers.errors import APIError, NetworkError, UsageError
from hotpapers.http import redact_url, user_agent
from hotpapers.models import Post
from hotpapers.plugins import Record
from hotpapers.sources.bluesky import POST_COLLECTION
from hotpapers.sources.jetstream_events import JetstreamEvent, KnownPosts, parse_event

__all__ = [
    "DEFAULT_JETSTREAM_URL",
    "DEFAULT_REWIND_US",
    "V2_PATH",
    "Backoff",
    "ConsumeResult",
    "JetstreamEvent",
    "KnownPosts",
    "consume",
    "parse_event",
    "subscribe_url",
]

log = logging.getLogger(__name__)

DEFAULT_JETSTREAM_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
V2_PATH = "/xrpc/network.bsky.jetstream.subscribeEvents"
DEFAULT_REWIND_US = 5_000_000
_TIME_CURSOR = 10**15  # a cursor at least this large is unix µs (v2 takes smaller ones as a seq)
_GAP_US = 600_000_000  # a resumed stream whose first event is 10 min past the cursor has skipped some


def subscribe_url(url: str, *, cursor: int | None, collections: Iterable[str]) -> str:
    """The URL to connect to: ``url`` with the filter and cursor of its endpoint (v1 or v2) added.

    Raises:
        UsageError: ``url`` is not a ``ws://`` or ``wss://`` URL.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise UsageError(f"--url {redact_url(url)}: not a ws:// or wss:// URL")
    v2 = parts.path.rstrip("/").endswith(V2_PATH)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [("collections" if v2 else "wantedCollections", c) for c in collections]
    if v2 and not any(k == "kinds" for k, _ in query):
        query.append(("kinds", "commit"))
    if cursor is not None:
        query.append(("cursor", str(cursor)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


@dataclass(frozen=True, slots=True)
class Backoff:
    """Reconnection: the first attempt after a working connection drops is immediate, then the waits double."""

    initial: float = 1.0
    maximum: float = 60.0
    attempts: int | None = None  # consecutive failed connections before giving up (None: never)

    def delay(self, failures: int) -> float:
        """Seconds to wait before attempt number ``failures`` (1 = the first retry)."""
        return 0.0 if failures <= 1 else min(self.maximum, self.initial * 2 ** (failures - 2))


@dataclass
class ConsumeResult:
    """What a ``consume`` call saw."""

    events: int = 0
    kept: int = 0
    gone: int = 0
    malformed: int = 0
    cursor: int | None = None  # the highest time_us committed
    connections: int = 0
    reason: str = ""  # why it stopped: "max-events" or "stop"


@dataclass
class _Stream:
    """The state of one ``consume`` call across its connections."""

    on_batch: Callable[[list[Record], int], None]
    known: KnownPosts | None
    now: Callable[[], dt.datetime]
    batch_size: int
    batch_seconds: float
    result: ConsumeResult
    high: int | None = None  # the highest time_us seen
    seq: int | None = None  # the last v2 seq seen
    pending: list[Record] = field(default_factory=list)
    unflushed: int = 0
    deadline: float = 0.0
    asked: int | None = None  # the time_us cursor of the current connection, until its first event

    def handle(self, message: bytes) -> None:
        self.result.events += 1
        self.unflushed += 1
        event = parse_event(message, self.now(), self.known)
        if event is None:
            self.result.malformed += 1
            return
        if event.kind in ("error", "info"):
            if event.kind == "error":
                raise _StreamError(event.message)
            log.warning("jetstream says %s", event.message)  # e.g. OutdatedCursor: a gap before the resume point
        if event.time_us is not None:
            self._check_gap(event.time_us)
            self.high = event.time_us if self.high is None else max(self.high, event.time_us)
        self.seq = event.seq if event.seq is not None else self.seq
        if isinstance(event.record, Post):
            self.result.kept += 1
            if self.known is not None:
                self.known.add(event.record)
        elif event.record is not None:
            self.result.gone += 1
            if self.known is not None:
                self.known.forget(event.record.post_id)
        if event.record is not None:
            self.pending.append(event.record)
        if self.unflushed >= self.batch_size:
            self.flush()

    def _check_gap(self, time_us: int) -> None:
        """Warn when a resumed stream starts far after its cursor: v1 clamps a cursor older than its window."""
        if self.asked is not None and time_us - self.asked > _GAP_US:
            log.warning("jetstream resumed %.0f s after the cursor asked for: events in between are missing "
                        "(Jetstream keeps about 36 h)", (time_us - self.asked) / 1e6)
        self.asked = None

    def flush(self) -> None:
        self.deadline = time.monotonic() + self.batch_seconds
        if self.high is None or not (self.pending or self.unflushed):
            return
        records, self.pending, self.unflushed = self.pending, [], 0
        self.on_batch(records, self.high)
        self.result.cursor = self.high


class _StreamError(Exception):
    """The server sent an error frame (v2), which ends the connection."""


def _pump(ws: ClientConnection, stream: _Stream, stop: threading.Event | None, max_events: int | None) -> str:
    """Receive until told to stop (returns why); a dropped connection raises ``ConnectionClosed``."""
    stream.deadline = time.monotonic() + stream.batch_seconds
    while True:
        if stop is not None and stop.is_set():
            return "stop"
        if max_events is not None and stream.result.events >= max_events:
            return "max-events"
        try:
            message = ws.recv(timeout=min(0.5, max(0.0, stream.deadline - time.monotonic())), decode=False)
        except TimeoutError:
            message = None
        if message is not None:
            stream.handle(message)
        if time.monotonic() >= stream.deadline:
            stream.flush()


def _connect(target: str) -> ClientConnection:
    """Open a connection. The receive queue is deep (4,096 messages) so that the server's closing frame is not
    stuck behind unread events when we stop reading to close; and a close that still hangs gives up after 2 s.
    """
    return connect(target, user_agent_header=user_agent(), max_size=2**24, max_queue=4096, open_timeout=30,
                   close_timeout=2)


def _resume_at(url: str, stream: _Stream, cursor: int | None, rewind_us: int) -> int | None:
    if stream.seq is not None and urlsplit(url).path.rstrip("/").endswith(V2_PATH):
        return stream.seq + 1
    return cursor if stream.high is None else max(0, stream.high - rewind_us)


def consume(
    url: str,
    *,
    cursor: int | None,
    on_batch: Callable[[list[Record], int], None],
    collections: Iterable[str] = (POST_COLLECTION,),
    stop: threading.Event | None = None,
    max_events: int | None = None,
    batch_size: int = 1000,
    batch_seconds: float = 2.0,
    rewind_us: int = DEFAULT_REWIND_US,
    backoff: Backoff = Backoff(),
    known: KnownPosts | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> ConsumeResult:
    """Follow a Jetstream endpoint, handing records and the cursor to ``on_batch`` every batch.

    Args:
        url: the endpoint (``wss://…/subscribe`` or ``wss://…/xrpc/network.bsky.jetstream.subscribeEvents``).
        cursor: where to start (unix µs, taken as given), or None for the live tip.
        on_batch: called with the records of a batch and the highest ``time_us`` seen so far, every
            ``batch_size`` events or ``batch_seconds`` seconds, on a drop, and at the end. It should commit
            both together; the consumer resumes (after a drop) from that cursor minus ``rewind_us``.
        collections: the collections to ask for.
        stop: set it (from a signal handler or another thread) to stop after committing.
        max_events: stop after this many messages (malformed ones included).
        batch_size: events per batch.
        batch_seconds: the longest time between batches.
        rewind_us: how far a reconnection rewinds the cursor (see the module docstring).
        backoff: reconnection delays.
        known: the posts kept so far (see ``parse_event``); the posts kept here are added to it.
        now: the clock.

    Returns:
        Counts and the last committed cursor.

    Raises:
        UsageError: the URL is not a websocket URL.
        APIError: the server refused the subscription (a 4xx answer other than 429).
        NetworkError: ``backoff.attempts`` consecutive connections failed.
    """
    stream = _Stream(on_batch, known, now, batch_size, batch_seconds, ConsumeResult())
    failures, start = 0, cursor
    while True:
        at = _resume_at(url, stream, start, rewind_us)
        stream.asked = at if at is not None and at >= _TIME_CURSOR else None
        target = subscribe_url(url, cursor=at, collections=collections)
        seen = stream.result.events
        try:
            with _connect(target) as ws:
                stream.result.connections += 1
                stream.result.reason = _pump(ws, stream, stop, max_events)
                break
        except InvalidStatus as e:
            status = e.response.status_code
            if 400 <= status < 500 and status != 429:
                body = e.response.body.decode("utf-8", "replace")[:300] if e.response.body else ""
                raise APIError(f"HTTP {status} from {redact_url(target)}: {body}", status=status,
                               url=redact_url(target)) from None
            problem: Exception = e
        except InvalidURI as e:
            raise UsageError(f"--url {redact_url(url)}: {e}") from None
        except (ConnectionClosed, InvalidHandshake, OSError, _StreamError) as e:
            problem = e
        stream.flush()
        failures = 1 if stream.result.events > seen else failures + 1  # a working connection resets it
        if backoff.attempts is not None and failures > backoff.attempts:
            raise NetworkError(f"Jetstream {redact_url(url)}: {failures} connections failed: {problem}")
        delay = backoff.delay(failures)
        log.warning("jetstream: connection lost (%s); reconnecting in %.1f s", problem, delay)
        if stop is not None and stop.wait(delay):
            stream.result.reason = "stop"
            break
        if stop is None:
            time.sleep(delay)
    stream.flush()
    return stream.result
