"""HTTP details of the read API: encoded answers with their validators, conditional requests, errors, the cache.

An answer is encoded once (``Encoded``: bytes, media type, a strong ETag that is a hash of the bytes) and kept in a
bounded cache while the store is unchanged; a request whose ``If-None-Match`` names the ETag (or, without it, whose
``If-Modified-Since`` is not older than ``Last-Modified``) gets ``304 Not Modified`` and no body. Errors are RFC 9457
problem documents (``application/problem+json``).
"""

from __future__ import annotations

import email.utils
import hashlib
import http
import time
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

__all__ = [
    "ALLOWED", "ApiError", "Encoded", "FrontCache", "ResponseCache", "encode_json", "make", "not_modified", "problem",
    "respond",
]  # fmt: skip

ALLOWED = "GET, HEAD"
"""The only methods the server accepts (it only reads)."""

JSON = "application/json"
PROBLEM = "application/problem+json"


class ApiError(Exception):
    """A request the API answers with an error status and a problem document."""

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})


@dataclass(frozen=True, slots=True)
class Encoded:
    """An answer's body with what describes it; ``etag`` is a hash of ``body`` (strong: equal bytes, equal tag)."""

    body: bytes
    media_type: str
    etag: str
    headers: tuple[tuple[str, str], ...] = ()  # e.g. a Link header of a page of a list


def make(body: bytes, media_type: str, headers: tuple[tuple[str, str], ...] = ()) -> Encoded:
    """``body`` with its strong ETag."""
    return Encoded(body, media_type, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"', headers)


def encode_json(value: Any, headers: tuple[tuple[str, str], ...] = ()) -> Encoded:
    """``value`` as a JSON answer (keys sorted, two-space indent, a final newline: the dataset's own style)."""
    body = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    return make(body, JSON, headers)


class ResponseCache:
    """Encoded answers by request, for one generation of the store, bounded in bytes (least recently used goes).

    It also remembers, per request, when each ETag was first served (``last_modified``): that is when this server
    first saw that content, never before the content existed, so ``If-Modified-Since`` cannot wrongly answer 304.
    """

    def __init__(self, max_bytes: int = 64 << 20, remember: int = 4096) -> None:
        self.max_bytes = max_bytes
        self.remember = remember
        self._items: OrderedDict[Hashable, Encoded] = OrderedDict()
        self._bytes = 0
        self._generation = -1
        self._seen: OrderedDict[Hashable, tuple[str, float]] = OrderedDict()

    def get(self, generation: int, key: Hashable) -> Encoded | None:
        """The answer kept for ``key`` in ``generation`` (a new generation empties the cache)."""
        if generation != self._generation:
            self._items.clear()
            self._bytes = 0
            self._generation = generation
            return None
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, generation: int, key: Hashable, answer: Encoded) -> None:
        """Keep ``answer`` for ``key`` (unless it alone is larger than the cache)."""
        self.seen(key, answer.etag)
        if generation != self._generation or len(answer.body) > self.max_bytes // 4:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._items[key] = answer
        self._bytes += len(answer.body)
        while self._bytes > self.max_bytes:
            _key, dropped = self._items.popitem(last=False)
            self._bytes -= len(dropped.body)

    def seen(self, key: Hashable, etag: str) -> float:
        """When ``etag`` was first served for ``key`` (now, if it is new)."""
        found = self._seen.get(key)
        if found is None or found[0] != etag:
            found = (etag, time.time())
            self._seen[key] = found
            while len(self._seen) > self.remember:
                self._seen.popitem(last=False)
        else:
            self._seen.move_to_end(key)
        return found[1]


def _etags(header: str) -> list[str]:
    """The entity tags of an ``If-None-Match`` header, weak or strong, as opaque quoted strings."""
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def not_modified(request: Request, etag: str, last_modified: float) -> bool:
    """Whether the client's copy is current (RFC 9110 §13.1.2 and §13.1.3: If-None-Match wins over
    If-Modified-Since)."""
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = _etags(match)
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        parsed = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    return int(last_modified) <= parsed.timestamp()


def headers_of(answer: Encoded, *, last_modified: float, cache_control: str, vary: str | None) -> dict[str, str]:
    """The headers of ``answer``: validators, caching, its own (a page's Link), and its length and type."""
    headers = {
        "ETag": answer.etag,
        "Last-Modified": email.utils.formatdate(last_modified, usegmt=True),
        "Cache-Control": cache_control,
        **dict(answer.headers),
    }
    if vary:
        headers["Vary"] = vary
    headers["Content-Length"] = str(len(answer.body))
    headers["Content-Type"] = answer.media_type
    return headers


def respond(
    request: Request, answer: Encoded, *, last_modified: float, cache_control: str, vary: str | None = None,
    status: int = 200,
) -> Response:
    """The response to ``request`` (GET or HEAD): ``answer`` with its validators, or 304 when the client is current."""
    headers = headers_of(answer, last_modified=last_modified, cache_control=cache_control, vary=vary)
    if status == 200 and not_modified(request, answer.etag, last_modified):
        del headers["Content-Length"], headers["Content-Type"]
        return Response(status_code=304, headers=headers)
    body = b"" if request.method == "HEAD" else answer.body
    return Response(body, status_code=status, headers=headers, media_type=answer.media_type)


def problem(status: int, detail: str, headers: Mapping[str, str] | None = None, *, head: bool = False) -> Response:
    """An RFC 9457 problem document: ``type``, ``title`` (the status's phrase), ``status`` and ``detail``."""
    body = orjson.dumps(
        {"type": "about:blank", "title": http.HTTPStatus(status).phrase, "status": status, "detail": detail},
        option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE,
    )
    sent = {"Content-Length": str(len(body)), "Cache-Control": "no-store", **dict(headers or {})}
    return Response(b"" if head else body, status_code=status, headers=sent, media_type=PROBLEM)


@dataclass(frozen=True, slots=True)
class Ready:
    """A public answer ready to send as it is: its raw headers for 200 and for 304, and its body."""

    generation: int
    etag: bytes
    full: list[tuple[bytes, bytes]]
    unchanged: list[tuple[bytes, bytes]]
    body: bytes


class FrontCache:
    """Public answers by raw path and query string, sent without routing, parsing or building a response.

    This is the fast path of a repeated request (a day's digest asked by many clients): ``Api`` files each public 200
    here; the ASGI front (``app.Front``) sends it while the store's generation is the one it was made in, answering
    ``If-None-Match`` itself. Requests it cannot answer exactly (``If-Modified-Since`` alone, another generation,
    anything private) go the normal way.
    """

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._items: dict[tuple[str, bytes], Ready] = {}

    def put(self, key: tuple[str, bytes], generation: int, headers: Mapping[str, str], body: bytes) -> None:
        """File the 200 answer of ``key`` (raw path, raw query string) with its headers."""
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        unchanged = [(k, v) for k, v in raw if k not in (b"content-length", b"content-type")]
        if len(self._items) >= self.size:
            self._items.clear()  # a bound, not an LRU: refilling from the second cache costs one request each
        self._items[key] = Ready(generation, headers["ETag"].encode("latin-1"), raw, unchanged, body)

    def get(self, key: tuple[str, bytes], generation: int) -> Ready | None:
        """The answer filed for ``key`` in ``generation``."""
        found = self._items.get(key)
        return found if found is not None and found.generation == generation else None
