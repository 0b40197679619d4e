"""A local HTTP server that serves recorded responses, for end-to-end tests of the real command line."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One canned answer."""

    body: bytes
    status: int = 200
    content_type: str = "application/xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[str], Reply | None]  # gets the full request path (with query), returns a reply or None
_CURRENT = threading.local()  # the body of the POST request being routed on this thread


def request_body() -> bytes:
    """The body of the POST request a route is answering (b"" for a GET): for a route that answers by the body,
    like a batch endpoint that answers the ids it was sent."""
    return getattr(_CURRENT, "body", b"")


@dataclass
class Served:
    """The running server: its base URL and the requests it received (a POST's body in ``bodies``, by index)."""

    url: str
    requests: list[str] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)  # of every request, in order
    bodies: list[bytes] = field(default_factory=list)  # of POST requests, in order

    def read_body(self, handler: BaseHTTPRequestHandler) -> None:
        """Keep a POST's body, for ``bodies`` and for the route (``request_body()``), before it is routed."""
        _CURRENT.body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        self.bodies.append(_CURRENT.body)

    def keep(self, handler: BaseHTTPRequestHandler) -> None:
        """Note a request's method, path, User-Agent and headers (a route may read the headers here)."""
        self.methods.append(handler.command)
        self.requests.append(handler.path)
        self.user_agents.append(handler.headers.get("User-Agent", ""))
        self.headers.append(dict(handler.headers.items()))


@contextmanager
def serve(route: Route) -> Iterator[Served]:
    """Serve ``route`` on 127.0.0.1 on a free port until the context ends."""
    served = Served(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            """A POST (an OAuth token request, a batch of ids) is routed by its path like a GET; its body is kept,
            and the route can read it with ``request_body()``."""
            served.read_body(self)
            try:
                self.do_GET()
            finally:
                _CURRENT.body = b""

        def do_GET(self) -> None:
            served.keep(self)
            reply = route(self.path) or Reply(b"not found", 404, "text/plain")
            self.send_response(reply.status)
            if reply.status != 304:  # a 304 has no body, so no content headers
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            if reply.status != 304:
                self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
