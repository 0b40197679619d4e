"""What the jobs that talk to the outside (collect, enrich, run) give their sources and providers.

``Environment`` is everything from outside (the environment's variables, the clock, sleeping, retries, an HTTP
transport): tests replace every part. ``source_context`` makes a source's or provider's ``SourceContext``, with an
HTTP client of its own that counts its requests; ``Warnings`` keeps what one of them logs while it runs, for the
run summary.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from hotpapers.http import RetryPolicy, make_client, timeout_from_seconds
from hotpapers.plugins import SourceContext
from hotpapers.store.base import Store

__all__ = ["MAX_WARNINGS", "Environment", "Warnings", "source_context"]

MAX_WARNINGS = 20
"""Warnings kept per source or provider; the others are counted (``-v`` shows them all)."""


def _sleep(seconds: float) -> None:
    """``time.sleep``, looked up when called (a default of ``time.sleep`` itself would be bound at import, and a
    test that freezes the clock and patches ``time.sleep`` would still sleep every throttle interval for real)."""
    time.sleep(seconds)


@dataclass(frozen=True)
class Environment:
    """What sources get from the outside; tests replace every part."""

    env: Mapping[str, str]
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    sleep: Callable[[float], None] = _sleep
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    transport: httpx.BaseTransport | None = None
    contact: str | None = None
    timeout: float | None = None  # seconds: HOTPAPERS_HTTP_TIMEOUT (None: hotpapers.http.DEFAULT_TIMEOUT)


class _Counted(Protocol):
    """A report that counts its requests (a source's, or an enrichment provider's)."""

    name: str
    requests: int


def source_context(environment: Environment, report: _Counted, store: Store | None = None) -> SourceContext:
    """A context for one source or provider, with a client of its own that counts its requests in ``report``
    (and, with ``store``, reads the checkpoints stored under ``report.name``)."""
    http = make_client(mailto=environment.contact, transport=environment.transport,
                       timeout=timeout_from_seconds(environment.timeout))

    def count(_: httpx.Request) -> None:
        report.requests += 1

    def state(key: str) -> str | None:
        return None if store is None else store.get_state(report.name, key)

    http.event_hooks["request"].append(count)
    return SourceContext(http, environment.env, environment.now, environment.sleep, environment.retry, state)


class _Warned(Protocol):
    """A report that keeps the warnings logged while it runs (a source's, or an enrichment provider's)."""

    warnings: list[str]
    warnings_left_out: int


class Warnings(logging.Handler):
    """Collects the warnings logged while one source (or provider: ``prefix``) runs, for the run summary."""

    def __init__(self, report: _Warned, prefix: str = "hotpapers.sources") -> None:
        super().__init__(logging.WARNING)
        self._report = report
        self._prefix = prefix

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(self._prefix):
            return
        if len(self._report.warnings) < MAX_WARNINGS:
            self._report.warnings.append(record.getMessage())
        else:
            self._report.warnings_left_out += 1
