"""Jetstream: Bluesky's JSON firehose, followed live by a reconnecting consumer with a cursor.

The two wires (``/subscribe``, v1, and ``/xrpc/network.bsky.jetstream.subscribeEvents``, v2) and the parsing of
one message are in ``hotpapers.sources.bluesky.events`` (``parse_event``, re-exported here); the fast scan of
a saved dump is in ``hotpapers.sources.bluesky.scan``.

Messages over the cap. A message longer than ``max_message_bytes`` (``DEFAULT_MAX_LINE_BYTES``, 16 MiB) is
refused by the websocket library before it is read, which closes the connection (code 1009: the protocol has no
way to skip one message). The consumer says so in one warning, counts it as malformed, and reconnects just
after the last event it received (v1: its ``time_us`` + 1, without the rewind; v2: the seq after the refused
one); if the same message closes the next connection before any newer event arrives, the cursor moves on in
doubling steps (1 ms, 2 ms, … on v1; 1, 2, … seqs on v2) until it is past it, saying which stretch is skipped.
So memory stays bounded and a hostile or corrupt message never stops the listener.

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
from websockets.frames import CloseCode
from websockets.sync.client import ClientConnection, connect

from hotpapers.errors import APIError, NetworkError, UsageError
from hotpapers.http import redact_url, user_agent
from hotpapers.models import Post, Record
from hotpapers.sources.bluesky.events import (
    DEFAULT_JETSTREAM_URL,
    DEFAULT_MAX_LINE_BYTES,
    JetstreamEvent,
    KnownPosts,
    parse_event,
)
from hotpapers.sources.bluesky.source import POST_COLLECTION

__all__ = [
    "DEFAULT_JETSTREAM_URL",
    "DEFAULT_MAX_LINE_BYTES",
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

V2_PATH = "/xrpc/network.bsky.jetstream.subscribeEvents"
DEFAULT_REWIND_US = 5_000_000
_TIME_CURSOR = 10**15  # a cursor at least this large is unix µs (v2 takes smaller ones as a seq)
_GAP_US = 600_000_000  # a resumed stream whose first event is 10 min past the cursor has skipped some
_SKIP_US = 1000  # the first step past a refused message that comes back (v1, µs; v2: 1 seq)
_QUICK_SKIPS = 16  # refusals in a row with no event between them retried at once (steps up to 33 s); then backoff


def subscribe_url(url: str, *, cursor: int | None, collections: Iterable[str]) -> str:
    """The URL to connect to: ``url`` with the filter and cursor of its endpoint (v1 or v2) added.

    Raises:
        UsageError: ``url`` is not a ``ws://`` or ``wss://`` URL.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise UsageError(f"Jetstream URL {redact_url(url)}: not a ws:// or wss:// URL", subject="Jetstream URL")
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
    malformed: int = 0  # refused messages included
    refused: int = 0  # messages over the cap
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
    refused_at: int | None = None  # the position (time_us or seq) after which the last message was refused
    step: int = 0  # how far past that position the next connection starts

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


def _too_big(problem: Exception) -> bool:
    """Whether the connection was closed because a message was over the cap (close code 1009, sent by us)."""
    return isinstance(problem, ConnectionClosed) and problem.sent is not None and (
        problem.sent.code == CloseCode.MESSAGE_TOO_BIG)


def _skip_refused(url: str, stream: _Stream, at: int | None, cap: int) -> int | None:
    """Count a message refused for its size and return the cursor that resumes after it (None: the live tip)."""
    stream.result.events += 1
    stream.result.malformed += 1
    stream.result.refused += 1
    v2 = urlsplit(url).path.rstrip("/").endswith(V2_PATH)
    position = stream.seq if v2 else stream.high
    if position is None and at is not None:
        position = at - 1  # nothing received yet: the refused message was the first at the cursor asked for
    if position is None:
        log.warning("jetstream: a message longer than %d bytes (the message cap: max_message_bytes) was refused; "
                    "reconnecting at the live tip", cap)
        return None
    seqs = v2 and (stream.seq is not None or position + 1 < _TIME_CURSOR)  # the cursor counts seqs, not µs
    stream.step = max(1 if seqs else _SKIP_US, stream.step * 2) if stream.refused_at == position else 0
    stream.refused_at = position
    resume = position + (2 if seqs else 1) + stream.step  # v2: past the seq after the last one received
    skipped = f"; what is between {position} and {resume} is skipped" if stream.step else ""
    log.warning("jetstream: a message longer than %d bytes (the message cap: max_message_bytes) was refused after "
                "%s %d: resuming at cursor %d%s", cap, "seq" if seqs else "time_us", position, resume, skipped)
    return resume


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


def _connect(target: str, max_size: int) -> ClientConnection:
    """Open a connection. The receive queue is deep (4,096 messages) so that the server's closing frame is not
    stuck behind unread events when we stop reading to close; and a close that still hangs gives up after 2 s.
    A message over ``max_size`` bytes closes the connection (see the module docstring).
    """
    return connect(target, user_agent_header=user_agent(), max_size=max_size, max_queue=4096, open_timeout=30,
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
    max_message_bytes: int = DEFAULT_MAX_LINE_BYTES,
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
        max_message_bytes: the longest message accepted; a longer one is refused, counted as malformed, and
            the consumer resumes after it (see the module docstring).

    Returns:
        Counts and the last committed cursor.

    Raises:
        UsageError: the URL is not a websocket URL.
        APIError: the server refused the subscription (a 4xx answer other than 429).
        NetworkError: ``backoff.attempts`` consecutive connections failed.
    """
    stream = _Stream(on_batch, known, now, batch_size, batch_seconds, ConsumeResult())
    failures, start, skip_to, refusals = 0, cursor, False, 0
    at: int | None = None
    while True:
        at = at if skip_to else _resume_at(url, stream, start, rewind_us)
        stream.asked = at if at is not None and at >= _TIME_CURSOR else None
        target = subscribe_url(url, cursor=at, collections=collections)
        seen = stream.result.events
        try:
            with _connect(target, max(1, max_message_bytes)) as ws:
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
            raise UsageError(f"Jetstream URL {redact_url(url)}: {e}", subject="Jetstream URL") from None
        except (ConnectionClosed, InvalidHandshake, OSError, _StreamError) as e:
            problem = e
        stream.flush()
        received = stream.result.events > seen  # a working connection resets the failure counts
        skip_to = _too_big(problem)
        if skip_to:
            refusals = 0 if received else refusals + 1
            at = _skip_refused(url, stream, at, max_message_bytes)
            if max_events is not None and stream.result.events >= max_events:
                stream.result.reason = "max-events"
                break
            if refusals <= _QUICK_SKIPS:
                continue  # not a network failure: step past it at once
            problem = NetworkError(f"{refusals} connections in a row closed by a message over the cap")
        failures = 1 if received else failures + 1
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
