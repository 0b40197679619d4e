"""A local Jetstream for tests: replays recorded events over a websocket, honouring ``cursor``.

``serve_jetstream(lines)`` runs ``websockets.sync.server`` on 127.0.0.1 (a free port) in a thread. Each
connection gets the lines, in file order (as the live service sends them: ``time_us`` is not monotonic), that
are after the requested cursor:

* on ``/subscribe`` (v1) the lines with ``time_us > cursor``;
* on ``/xrpc/network.bsky.jetstream.subscribeEvents`` (v2) each commit line becomes a v2 message frame (the
  envelope documented in bluesky-social/jetstream ``docs/README.md`` §5.2: ``$type``, ``payload`` with
  ``$type``, ``seq``, ``did``, ``time``, ``witnessedAt`` and the commit's fields), ``seq`` being the line's
  1-based position; a cursor below 1e15 is a seq (inclusive), above a ``time_us``.

``drops`` makes the n-th connection close (code 1011) after sending that many events, to test reconnection.
``reject`` answers every handshake with that HTTP status and an XRPC error envelope (as v2 does for a cursor
below its lookback floor, ``CursorTooOld``). After the last line a connection stays open, idle, until the
client leaves.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import orjson
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import ServerConnection, serve

V2_PATH = "/xrpc/network.bsky.jetstream.subscribeEvents"


@dataclass
class Jetstream:
    """The running server: its base URL, the request paths it received, and what it sent per connection."""

    url: str
    requests: list[str] = field(default_factory=list)
    sent: list[list[int]] = field(default_factory=list)  # per connection, the 0-based line numbers sent
    user_agents: list[str] = field(default_factory=list)


def time_us(line: bytes) -> int:
    """The ``time_us`` of a v1 line."""
    value: int = orjson.loads(line)["time_us"]
    return value


def v2_frame(line: bytes, seq: int) -> bytes | None:
    """The v2 message frame of a v1 commit line (None for other kinds)."""
    event = orjson.loads(line)
    if event.get("kind") != "commit":
        return None
    when = dt.datetime.fromtimestamp(0, dt.UTC) + dt.timedelta(microseconds=event["time_us"])
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = {"$type": "network.bsky.jetstream.subscribeEvents#commit", "seq": seq, "did": event["did"],
               "time": stamp, "witnessedAt": stamp, **event["commit"]}
    return orjson.dumps({"$type": "message", "payload": payload})


def _selected(lines: Sequence[bytes], path: str) -> list[tuple[int, bytes]]:
    """The (line number, message) pairs a request for ``path`` gets."""
    parts = urlsplit(path)
    query = parse_qs(parts.query)
    cursor = int(query["cursor"][0]) if "cursor" in query else None
    chosen: list[tuple[int, bytes]] = []
    for number, line in enumerate(lines):
        if parts.path == V2_PATH:
            frame = v2_frame(line, number + 1)
            after = cursor is None or (number + 1 >= cursor if cursor < 10**15 else time_us(line) >= cursor)
            if frame is not None and after:
                chosen.append((number, frame))
        elif cursor is None or time_us(line) > cursor:
            chosen.append((number, line.rstrip(b"\n")))
    return chosen


@contextmanager
def serve_jetstream(
    lines: Sequence[bytes], *, drops: Sequence[int] = (), reject: int | None = None
) -> Iterator[Jetstream]:
    """Serve ``lines`` (v1 JSON lines) as a Jetstream on 127.0.0.1 until the context ends."""
    served = Jetstream(url="")
    lock = threading.Lock()

    def handler(ws: ServerConnection) -> None:
        path = ws.request.path if ws.request is not None else "/"
        with lock:
            served.requests.append(path)
            served.user_agents.append(ws.request.headers.get("User-Agent", "") if ws.request else "")
            sent: list[int] = []
            served.sent.append(sent)
            drop = drops[len(served.sent) - 1] if len(served.sent) <= len(drops) else None
        try:
            for number, message in _selected(lines, path):
                if drop is not None and len(sent) >= drop:
                    ws.close(1011, "test drop")
                    return
                ws.send(message.decode())
                sent.append(number)
            for _ in ws:  # idle until the client leaves
                pass
        except ConnectionClosed:
            return

    def refuse(ws: ServerConnection, request: Request) -> Response | None:
        if reject is None:
            return None
        served.requests.append(request.path)
        return ws.respond(HTTPStatus(reject), '{"error":"CursorTooOld","message":"cursor is below the lookback floor"}')

    with serve(handler, "127.0.0.1", 0, compression=None, process_request=refuse) as server:
        served.url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield served
        finally:
            server.shutdown()
            thread.join(timeout=5)
