"""Fixtures the source tests share: a local server per module whose route each test sets (starting and stopping a
server costs about half a second), a real client, and stamina without waits. Helpers: ``helpers/sources.py``."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import stamina

from hotpapers.http import make_client

from helpers.localserver import Served, serve
from helpers.sources import Switchboard


@pytest.fixture(scope="module")
def switchboard() -> Iterator[Switchboard]:
    """One local HTTP server (GET and POST) for the whole test module."""
    board = Switchboard(Served(url=""))
    with serve(board) as served:
        board.served = served
        yield board


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    """A real hotpapers HTTP client (closed after the test)."""
    with make_client() as http:
        yield http


@pytest.fixture
def no_waits() -> Iterator[None]:
    """stamina sleeps nothing and tries at most 3 times."""
    with stamina.set_testing(True, attempts=3):
        yield
