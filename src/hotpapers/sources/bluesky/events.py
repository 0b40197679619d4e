"""Jetstream events: the two wires, and ``parse_event``, which turns one message into what hotpapers keeps.

Two endpoints speak two wires:

* ``/subscribe`` (v1, the long-standing one): one JSON object per message, ``{"did", "time_us", "kind",
  "commit": {"rev", "operation", "collection", "rkey", "record"?, "cid"?}}`` (also ``identity`` and
  ``account`` kinds, sent whatever the filter). Filter ``wantedCollections``; ``cursor`` is unix microseconds.
* ``/xrpc/network.bsky.jetstream.subscribeEvents`` (v2, 2026): ``{"$type": "message", "payload": {"$type":
  "network.bsky.jetstream.subscribeEvents#commit", "seq", "did", "time", "witnessedAt", "operation",
  "collection", "rkey", "record"?}}``, ``{"$type": "error", ...}`` frames that end the connection, and
  seq-less ``#info``. Filters ``collections`` and ``kinds``; ``cursor`` is a sequence number (inclusive), and
  a value >= 1e15 is taken as a v1 timestamp. ``time_us`` of a v2 event is its ``witnessedAt``.

``parse_event`` turns one message into a ``JetstreamEvent``: its ``time_us`` (and ``seq``), and for the
creation (or update) of an ``app.bsky.feed.post`` that links arXiv, a ``Post`` (see ``hotpapers.sources.bluesky.source``
for how links are found); for the deletion of a tracked post, a ``PostGone``. Likes and reposts are not read:
engagement comes from ``app.bsky.feed.getPosts``. A malformed message gives None (the caller counts it);
nothing here raises on input.

Speed. Every message is decoded with orjson (about 2 µs for a 550-byte event), and the cheap test comes
after: a commit of another collection returns at once, and a post's short strings (text, link facets, embed
URI) go through the resolver, whose own pre-check (``xiv``/``ar5iv``/``papers``) rejects a post without
arXiv in about a microsecond; a ``Post`` is built only for a post that links arXiv. For one message at a
time (``listen``), a byte-level pre-check before decoding was measured and is slower in CPython: each
substring scan of a 550-byte message costs about 0.75 µs, so the three words, ``"delete"`` and reading
``time_us`` without decoding cost more than decoding (4.4 µs against 2.5 µs per message on the recorded
capture). A saved dump is another matter: ``hotpapers.sources.bluesky.scan`` searches megabytes at a time
with a native matcher and hands only the lines that can matter to ``parse_event``.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, NamedTuple

import orjson

from hotpapers.bounds import is_count, read_instant, supported
from hotpapers.models import ArxivId, Post, PostGone
from hotpapers.sources.bluesky.records import (
    POST_COLLECTION,
    ItemError,
    at_uri,
    post_from_record,
    quoted_uri,
    record_links,
)

__all__ = ["DEFAULT_JETSTREAM_URL", "DEFAULT_MAX_LINE_BYTES", "JetstreamEvent", "KnownPosts", "parse_event"]

DEFAULT_JETSTREAM_URL = "wss://jetstream2.us-east.bsky.network/subscribe"

DEFAULT_MAX_LINE_BYTES = 16 << 20
"""The longest message (``listen``) or dump line (``replay``) accepted, in bytes: the config key
``firehose_max_line_bytes``, the option ``--max-line-bytes``. A Jetstream event carries one record, taken from a
repository commit whose blocks the relay's lexicon (``com.atproto.sync.subscribeRepos#commit``) limits to
2,000,000 bytes of CBOR, so a real event stays far below it; only hostile or corrupt input reaches it. A longer
one is refused, counted as malformed, and the stream goes on after it."""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US = dt.timedelta(microseconds=1)


class JetstreamEvent(NamedTuple):
    """One Jetstream message, as far as hotpapers cares (a named tuple: built once per firehose message)."""

    time_us: int | None  # v1 ``time_us`` or v2 ``witnessedAt`` in unix µs; None for v2 info and error frames
    kind: str  # commit, identity, account, sync (v2), info (v2), error (v2)
    seq: int | None = None  # v2 only
    record: Post | PostGone | None = None
    message: str = ""  # of an info or error frame


class KnownPosts(OrderedDict[str, tuple[ArxivId, ...]]):
    """The Bluesky posts kept so far (at-uri -> arXiv ids), bounded: the least recently added go first."""

    def __init__(self, limit: int = 500_000) -> None:
        super().__init__()
        self.limit = limit

    def add(self, post: Post) -> None:
        """Remember a kept post, so that quotes of it are kept and its deletion is noticed."""
        self[post.post_id] = post.arxiv_ids
        self.move_to_end(post.post_id)
        while len(self) > self.limit:
            self.popitem(last=False)

    def forget(self, post_id: str) -> None:
        """Forget a post (it was deleted)."""
        self.pop(post_id, None)


# -- parsing -------------------------------------------------------------------------------------------------


def _iso_us(value: object) -> int | None:
    """Unix µs of an ISO 8601 date-time with an offset, within the supported range (``hotpapers.bounds``)."""
    parsed = read_instant(value, naive=None)
    return (parsed - _EPOCH) // _US if parsed is not None and supported(parsed) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and is_count(value) else None


def _commit(
    did: object, commit: Mapping[str, Any], base: JetstreamEvent, observed_at: dt.datetime,
    known: Mapping[str, tuple[ArxivId, ...]] | None,
) -> JetstreamEvent | None:
    """The event of a commit: a post or a deleted post for ``app.bsky.feed.post``, else just the cursor."""
    if commit.get("collection") != POST_COLLECTION:
        return base
    rkey, operation = commit.get("rkey"), commit.get("operation")
    if not isinstance(did, str) or not did.startswith("did:") or not isinstance(rkey, str) or not rkey or "/" in rkey:
        return None
    if operation == "delete":
        uri = at_uri(did, rkey)
        return base._replace(record=PostGone("bluesky", uri, observed_at)) if known is None or uri in known else base
    if operation in ("create", "update"):
        return _created(did, rkey, commit.get("record"), base, known)
    return base


def _created(
    did: str, rkey: str, record: object, base: JetstreamEvent, known: Mapping[str, tuple[ArxivId, ...]] | None
) -> JetstreamEvent | None:
    if not isinstance(record, dict) or base.time_us is None:
        return None
    quoted = known.get(quoted_uri(record) or "", ()) if known else ()
    links = record_links(record, quoted)
    if not links:
        return base
    try:
        post = post_from_record(did, rkey, record, fallback_time=_EPOCH + base.time_us * _US, links=links)
    except (ItemError, OverflowError):
        return None
    return base._replace(record=post)


def _v2(obj: Mapping[str, Any], observed_at: dt.datetime, known: Mapping[str, tuple[ArxivId, ...]] | None,
        ) -> JetstreamEvent | None:
    if obj.get("$type") == "error":
        return JetstreamEvent(None, "error", message=f"{obj.get('error')}: {obj.get('message')}")
    payload = obj.get("payload")
    kind = payload.get("$type") if isinstance(payload, dict) else None
    if obj.get("$type") != "message" or not isinstance(payload, dict) or not isinstance(kind, str):
        return None
    kind = kind.rpartition("#")[2]
    if kind == "info":
        return JetstreamEvent(None, kind, message=f"{payload.get('name')}: {payload.get('message')}")
    seq = _int(payload.get("seq"))
    time_us = _iso_us(payload.get("witnessedAt")) or _iso_us(payload.get("time"))
    if seq is None:
        return None
    base = JetstreamEvent(time_us, kind, seq)
    return _commit(payload.get("did"), payload, base, observed_at, known) if kind == "commit" else base


def _v1(obj: Mapping[str, Any], observed_at: dt.datetime, known: Mapping[str, tuple[ArxivId, ...]] | None,
        ) -> JetstreamEvent | None:
    time_us, kind = _int(obj.get("time_us")), obj.get("kind")
    if time_us is None or not isinstance(kind, str):
        return None
    if kind != "commit":
        return JetstreamEvent(time_us, kind)
    commit = obj.get("commit")
    return _commit(obj.get("did"), commit, JetstreamEvent(time_us, kind), observed_at, known) if isinstance(
        commit, dict) else None


def parse_event(
    line: bytes | bytearray | str, observed_at: dt.datetime, known: Mapping[str, tuple[ArxivId, ...]] | None = None
) -> JetstreamEvent | None:
    """Parse one Jetstream message (v1 or v2 wire).

    Args:
        line: the message (a websocket text frame, or one line of a JSON-lines dump).
        observed_at: when it was received (the time of a ``PostGone``).
        known: the posts kept so far (at-uri -> arXiv ids). With it, a quote of a known post is kept with
            that post's ids, and only the deletion of a known post gives ``PostGone``. Without it (None),
            every deleted post gives ``PostGone`` (the store ignores the ones it does not hold).

    Returns:
        The event, or None if the message is malformed. Never raises on input.
    """
    try:
        obj = orjson.loads(line)
        if not isinstance(obj, dict):
            return None
        return _v2(obj, observed_at, known) if "$type" in obj else _v1(obj, observed_at, known)
    except (ValueError, OverflowError, RecursionError):
        # orjson's errors are ValueErrors; a field the link finder or a date cannot take (a version of
        # thousands of digits, a year out of range) makes the event malformed, never stops the stream.
        return None
