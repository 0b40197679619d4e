"""The ASGI application of ``hotpapers serve``: the read API under ``/api/v1``, its OpenAPI description, and the static
site's pages, all read-only over one store.

``create_app(url, views=…)`` builds it, given the jobs layer's ``Views``: ``hotpapers.jobs.serve.create_app`` hands
them in, and its ``app_from_environment`` is what each uvicorn worker process calls. Only GET and HEAD are accepted;
anything else is ``405`` with ``Allow``.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from hotpapers.serve import _data as data
from hotpapers.serve._api import Api, Auth
from hotpapers.serve._documents import API
from hotpapers.serve._http import ALLOWED, ApiError, Ready, problem
from hotpapers.serve._openapi import openapi
from hotpapers.serve._reader import Reader

__all__ = ["TOKEN_ENV", "create_app", "token_from_environment"]

TOKEN_ENV = "HOTPAPERS_SERVE_TOKEN"  # noqa: S105 - the variable's name, not a secret
"""The environment variable holding the optional bearer token (never in the config file, never logged)."""

log = logging.getLogger("hotpapers.serve")


class Front:
    """The outermost ASGI layer: a request with any method but GET or HEAD is answered ``405`` with ``Allow: GET,
    HEAD``; a public answer already made in this generation of the store is sent from ``FrontCache`` as it is
    (``304`` when ``If-None-Match`` names it), without routing; everything else goes to the application."""

    def __init__(self, app: ASGIApp, api: Api) -> None:
        self.app = app
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            response = problem(405, f"{scope['method'][:20]} is not allowed: this server only reads",
                               {"Allow": ALLOWED})  # fmt: skip
            await response(scope, receive, send)
            return
        if not self.api.auth.private:
            ready = self.api.front.get((scope["path"], scope["query_string"]), self.api.reader.refresh())
            if ready is not None and await _send_ready(ready, scope, send):
                return
        await self.app(scope, receive, send)


async def _send_ready(ready: Ready, scope: Scope, send: Send) -> bool:
    """Send ``ready`` (or its 304); False when the request has a condition only the application checks."""
    match = None
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            match = value
        elif name == b"if-modified-since" and match is None:
            match = b""
    if match == b"":  # If-Modified-Since alone: the application's own evaluation
        return False
    if match is not None:
        tags = [tag.strip().removeprefix(b"W/") for tag in match.split(b",")]
        if ready.etag in tags or b"*" in tags:
            await send({"type": "http.response.start", "status": 304, "headers": ready.unchanged})
            await send({"type": "http.response.body", "body": b""})
            return True
    await send({"type": "http.response.start", "status": 200, "headers": ready.full})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else ready.body})
    return True


def token_from_environment(env: dict[str, str] | None = None) -> str | None:
    """The bearer token from ``HOTPAPERS_SERVE_TOKEN`` (None when unset or empty), registered to be masked wherever
    it might be echoed."""
    token = (os.environ if env is None else env).get(TOKEN_ENV, "").strip() or None
    data.register_secret(token)
    return token


def create_app(
    url: str,
    *,
    views: data.Views,
    settings: data.Settings | None = None,
    token: str | None = None,
    check_interval: float = 1.0,
) -> Starlette:
    """The application over the store at ``url`` (opened read-only here, closed when the application shuts down).

    ``views`` is what the jobs layer builds the site and the views with; ``settings`` gives the default preset and
    the ``[serve]`` table (``max_age``, ``private``); ``token`` the bearer token; ``check_interval`` how often, at
    most, the store is asked whether it changed (seconds).

    Raises:
        ConfigError: ``private`` without a token.
        StoreError: no current hotpapers store at ``url`` (when the application starts).
    """
    settings = settings or data.Settings()
    serve = settings.serve
    if serve.private and token is None:
        raise data.ConfigError(f"serve.private is true but {TOKEN_ENV} is not set: set the token, or private = false")
    reader = Reader(url, preset=settings.preset, views=views, check_interval=check_interval)
    api = Api(reader, auth=Auth(token, serve.private), max_age=serve.max_age, openapi=openapi())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            reader.close()

    routes = [
        Route("/openapi.json", api.openapi_document, methods=["GET"]),
        Route(API, api.index, methods=["GET"]),
        Route(f"{API}/", api.index, methods=["GET"]),
        Route(f"{API}/days", api.days, methods=["GET"]),
        Route(f"{API}/digests/{{date}}", api.digest, methods=["GET"]),
        Route(f"{API}/views/week/{{value}}", api.view, methods=["GET"]),
        Route(f"{API}/views/month/{{value}}", api.view, methods=["GET"]),
        Route(f"{API}/views/range", api.view, methods=["GET"]),
        Route(f"{API}/views/rising", api.view, methods=["GET"]),
        Route(f"{API}/papers/{{arxiv_id:path}}", api.paper, methods=["GET"]),
        Route(f"{API}/search", api.search, methods=["GET"]),
        Route("/api", api.api_missing, methods=["GET"]),
        Route("/api/{rest:path}", api.api_missing, methods=["GET"]),
        Route("/{path:path}", api.site, methods=["GET"]),
    ]

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return problem(exc.status, exc.detail, exc.headers, head=request.method == "HEAD")

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected %s on %s: %s", type(exc).__name__, request.url.path, exc)
        return problem(500, "an unexpected error (the server's log says more)", head=request.method == "HEAD")

    handlers: dict[Any, Any] = {ApiError: api_error, Exception: unexpected}
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
    app.add_middleware(Front, api=api)
    return app

