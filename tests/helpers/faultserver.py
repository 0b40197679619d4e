"""A local HTTP server that replays recorded responses and injects faults on a seeded schedule.

It wraps a route of the same shape as ``localserver.Route``. Before answering each routed request, a
``random.Random(seed)`` decides whether to answer normally or to inject one fault of the allowed kinds:

* ``429``: HTTP 429 with ``Retry-After: 0``;
* ``500``, ``502``, ``503``: that status with a small JSON error body;
* ``stall``: nothing is sent for ``stall_seconds`` (longer than the client's read timeout), then the reply;
* ``reset``: the connection is closed without a response (``SO_LINGER`` 0, so the peer sees a reset);
* ``truncated``: a 200 whose ``Content-Length`` promises more than is sent before the connection closes;
* ``malformed``: a 200 with a garbage body (neither JSON nor XML).

POST requests (OAuth token requests, the Bluesky login) are routed and faulted by their path like GETs.
A fault is injected at most ``max_in_a_row`` times in a row for one path (with its query), so a client that
retries enough always gets the real answer. Every injected fault is recorded in ``FaultServed.faults``. The
hotpapers run sends its requests one after another, so the schedule — and the record — is the same on every
run with the same seed.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from helpers.localserver import _CURRENT, Reply, Route, Served

__all__ = ["ALL_FAULTS", "TRANSIENT_FAULTS", "Fault", "FaultServed", "serve_faults"]

TRANSIENT_FAULTS = ("429", "500", "502", "503", "stall", "reset", "truncated")
ALL_FAULTS = (*TRANSIENT_FAULTS, "malformed")
GARBAGE = b'\x00<<not json {"nor": xml]] \xff\xfe'


@dataclass(frozen=True)
class Fault:
    """One injected fault: the request path it hit and its kind (one of ``ALL_FAULTS``)."""

    path: str
    kind: str


@dataclass
class FaultServed(Served):
    """The running server: its URL, the requests it received and the faults it injected."""

    faults: list[Fault] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        """Injected faults by kind."""
        return Counter(f.kind for f in self.faults)


class _Schedule:
    """Decides, request by request, whether to inject a fault and which."""

    def __init__(self, seed: int, kinds: Collection[str], rate: float, max_in_a_row: int) -> None:
        unknown = set(kinds) - set(ALL_FAULTS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        self._rng = random.Random(seed)
        self._kinds = sorted(kinds)
        self._rate = rate
        self._max = max_in_a_row
        self._streak: Counter[str] = Counter()
        self._lock = threading.Lock()

    def next(self, path: str) -> str | None:
        with self._lock:
            if self._kinds and self._streak[path] < self._max and self._rng.random() < self._rate:
                self._streak[path] += 1
                return self._rng.choice(self._kinds)
            self._streak[path] = 0
            return None


@contextmanager
def serve_faults(
    route: Route,
    *,
    seed: int,
    kinds: Collection[str] = TRANSIENT_FAULTS,
    rate: float = 0.5,
    max_in_a_row: int = 2,
    stall_seconds: float = 1.0,
    prefixes: Collection[str] = (),
) -> Iterator[FaultServed]:
    """Serve ``route`` on 127.0.0.1 on a free port, injecting faults of ``kinds``, until the context ends.

    Args:
        route: the fault-free answers (a path that routes to None is a plain 404, never faulted).
        seed: seeds the schedule.
        kinds: which faults may be injected (empty: none, the server behaves like ``localserver.serve``).
        rate: the probability that a request gets a fault (while its path's streak allows one).
        max_in_a_row: at most this many consecutive faults for one path.
        stall_seconds: how long a stalled response sends nothing; make it longer than the client's read timeout.
        prefixes: only paths starting with one of these get faults (empty: every routed path).
    """
    served = FaultServed(url="")
    schedule = _Schedule(seed, kinds, rate, max_in_a_row)
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            """A POST (an OAuth token request, a Bluesky login, a batch of ids) is routed and faulted by its path
            like a GET; the route can read its body with ``localserver.request_body()``."""
            served.read_body(self)
            try:
                self.do_GET()
            finally:
                _CURRENT.body = b""

        def do_GET(self) -> None:
            served.keep(self)
            reply = route(self.path)
            if reply is None:
                self._send(Reply(b"not found", 404, "text/plain"))
                return
            faultable = not prefixes or any(self.path.startswith(p) for p in prefixes)
            kind = schedule.next(self.path) if faultable else None
            if kind is None:
                self._send(reply)
                return
            served.faults.append(Fault(self.path, kind))
            self.close_connection = True
            if kind == "429":
                self._send(Reply(b'{"error": "slow down"}', 429, "application/json", {"Retry-After": "0"}))
            elif kind in {"500", "502", "503"}:
                self._send(Reply(b'{"error": "injected"}', int(kind), "application/json"))
            elif kind == "stall":
                stop.wait(stall_seconds)  # not time.sleep: tests patch that out
                self._send(reply)
            elif kind == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()  # an RST now, before socketserver's orderly shutdown could send a FIN
            elif kind == "truncated":
                self._send(reply, cut=True)
            else:  # malformed
                self._send(Reply(GARBAGE, 200, reply.content_type, reply.headers))

        def _send(self, reply: Reply, *, cut: bool = False) -> None:
            body = reply.body[: len(reply.body) // 2] if cut else reply.body
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body) + (1 if cut else 0)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (a stall outlived its read timeout)
                self.close_connection = True

        def finish(self) -> None:
            with suppress(OSError):  # the client reset or gave up
                super().finish()

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            """A client hanging up on a faulted response is expected; keep test output quiet."""

    server = Server(("127.0.0.1", 0), Handler)
    served.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
