"""Helpers the source tests share (their fixtures are in ``conftest.py``): a clock that moves only when slept on,
a switchable route for a module's local server, small request/response helpers, and the loader of derivation scripts."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

from helpers.localserver import Reply, Served

Route = Callable[[str], Reply | None]


class Clock:
    """``SourceContext.now`` and ``sleep``: time moves only when slept on; sleeps are recorded."""

    def __init__(self, start: dt.datetime) -> None:
        self.time = start
        self.sleeps: list[float] = []

    def now(self) -> dt.datetime:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += dt.timedelta(seconds=seconds)


class Switchboard:
    """The shared server of a module: ``answer(route)`` points it at a route and clears its logs."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.route: Route = lambda path: None

    def __call__(self, path: str) -> Reply | None:
        return self.route(path)

    def answer(self, route: Route) -> Served:
        self.route = route
        for log in (self.served.requests, self.served.user_agents, self.served.headers, self.served.bodies):
            log.clear()
        return self.served


def kinds(records: Iterable[object]) -> list[tuple[str, str]]:
    """(record type, post id) of each record (an empty id for a record without one)."""
    return [(type(r).__name__, str(getattr(r, "post_id", ""))) for r in records]


def load_script(path: Path) -> ModuleType:
    """A fixture folder's derivation script (``derive_arxiv.py``), loaded as a module, so a test can check that the
    derived fixtures are what it writes."""
    spec = importlib.util.spec_from_file_location(f"derive_{path.parent.name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def params(path: str) -> dict[str, str]:
    """The query parameters of a request path (the first value of each)."""
    return {key: values[0] for key, values in parse_qs(urlsplit(path).query).items()}


def json_reply(body: bytes, status: int = 200, **headers: str) -> Reply:
    """A JSON answer with extra headers (``x_ratelimit_remaining`` -> ``x-ratelimit-remaining``)."""
    return Reply(body, status, "application/json; charset=utf-8", {k.replace("_", "-"): v for k, v in headers.items()})
