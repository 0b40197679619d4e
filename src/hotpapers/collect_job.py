"""The ``collect`` job: ask every enabled source for the posts of a listing day, storing as it goes.

One source failing (network down, bad credentials, an undocumented answer, even a bug) never stops the others:
its failure is recorded in its ``SourceReport`` and the run goes on. Records are committed in batches, so what
a source yielded before failing is kept.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from hotpapers.errors import HotpapersError, UsageError
from hotpapers.http import RetryPolicy, make_client
from hotpapers.models import ArxivId, EngagementSnapshot, Post, PostGone
from hotpapers.pipeline import day_window, store_records
from hotpapers.plugins import CollectRequest, Record, Registry, Source, SourceContext
from hotpapers.store.base import Store

__all__ = ["SourceReport", "collect", "source_statuses"]

log = logging.getLogger(__name__)
_BATCH = 200


@dataclass
class SourceReport:
    """What one source did in a run."""

    name: str
    enabled: bool = True
    reason: str = ""
    posts: int = 0
    snapshots: int = 0
    gone: int = 0
    requests: int = 0
    error: str | None = None
    seconds: float = 0.0
    counted: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what the source logged at WARNING while it ran

    @property
    def failed(self) -> bool:
        """True if the source was enabled and did not finish."""
        return self.error is not None


@dataclass(frozen=True)
class Environment:
    """What sources get from the outside; tests replace every part."""

    env: Mapping[str, str]
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    sleep: Callable[[float], None] = time.sleep
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    transport: httpx.BaseTransport | None = None
    contact: str | None = None


class _Counted(Protocol):
    """A report that counts its requests (a source's, or an enrichment provider's)."""

    requests: int


def _context(environment: Environment, report: _Counted) -> SourceContext:
    """A context for one source or provider, with a client of its own that counts its requests in ``report``."""
    http = make_client(mailto=environment.contact, transport=environment.transport)

    def count(_: httpx.Request) -> None:
        report.requests += 1

    http.event_hooks["request"].append(count)
    return SourceContext(http, environment.env, environment.now, environment.sleep, environment.retry)


def _selected(registry: Registry, names: Sequence[str] | None) -> list[str]:
    if not names:
        return sorted(registry.sources)
    unknown = [n for n in names if n not in registry.sources]
    if unknown:
        raise UsageError(f"--source {unknown[0]}: unknown source (known: {', '.join(sorted(registry.sources))})")
    return list(dict.fromkeys(names))


def source_statuses(registry: Registry, environment: Environment) -> list[SourceReport]:
    """Every registered source with whether it is enabled and, if not, how to enable it."""
    reports = []
    for name in sorted(registry.sources):
        report = SourceReport(name)
        context = _context(environment, report)
        try:
            status = registry.sources[name](context).status()
        finally:
            context.http.close()
        report.enabled, report.reason = status.enabled, status.reason
        reports.append(report)
    return reports


def _request(store: Store, day: dt.date, platform: str) -> CollectRequest:
    evidence = store.evidence_for_day(day)
    papers = tuple(ArxivId(e.paper.arxiv_id) for e in evidence)
    known: dict[str, Post] = {}
    for item in evidence:
        for post in item.posts:
            if post.post.platform == platform and not post.post.deleted:
                known.setdefault(post.post.post_id, post.post)
    start, end = day_window(day)
    return CollectRequest(day, start, end, papers, tuple(known.values()))


def _drain(store: Store, records: Iterable[Record], report: SourceReport) -> None:
    """Store records in batches; on a failure mid-way, what was yielded so far is still stored."""
    batch: list[Record] = []
    try:
        for record in records:
            if isinstance(record, Post):
                report.posts += 1
            elif isinstance(record, EngagementSnapshot):
                report.snapshots += 1
            elif isinstance(record, PostGone):
                report.gone += 1
            batch.append(record)
            if len(batch) >= _BATCH:
                store_records(store, batch)
                batch.clear()
    finally:
        if batch:
            store_records(store, batch)


class _Warnings(logging.Handler):
    """Collects the warnings logged while one source (or provider: ``prefix``) runs, for the run summary."""

    def __init__(self, into: list[str], prefix: str = "hotpapers.sources") -> None:
        super().__init__(logging.WARNING)
        self._into = into
        self._prefix = prefix

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(self._prefix) and len(self._into) < _MAX_WARNINGS:
            self._into.append(record.getMessage())


_MAX_WARNINGS = 20


def _run_source(store: Store, factory: Callable[[SourceContext], Source], day: dt.date, report: SourceReport,
                environment: Environment) -> None:
    context = _context(environment, report)
    started = time.monotonic()
    handler = _Warnings(report.warnings)
    package_log = logging.getLogger("hotpapers")
    package_log.addHandler(handler)
    try:
        source = factory(context)
        status = source.status()
        report.enabled, report.reason = status.enabled, status.reason
        if status.enabled:
            _drain(store, source.collect(_request(store, day, source.name)), report)
    except HotpapersError as e:
        report.error = str(e)
        log.warning("source %s failed: %s", report.name, e)
    except Exception as e:  # a bug in one source must not sink the run; the summary shows it
        report.error = f"{type(e).__name__}: {e}"
        log.exception("source %s crashed", report.name)
    finally:
        package_log.removeHandler(handler)
        context.http.close()
        report.seconds = time.monotonic() - started


def collect(
    store: Store,
    registry: Registry,
    *,
    day: dt.date,
    names: Sequence[str] | None,
    environment: Environment,
    progress: Callable[[SourceReport], None] = lambda _: None,
) -> list[SourceReport]:
    """Collect the posts of listing day ``day`` from the named sources (default: every registered one).

    A named source that is disabled counts as failed (you asked for it); an unnamed disabled one is skipped.

    Raises:
        UsageError: an unknown source name.
    """
    reports = []
    for name in _selected(registry, names):
        report = SourceReport(name)
        _run_source(store, registry.sources[name], day, report, environment)
        if names and not report.enabled:
            report.error = f"disabled: {report.reason}"
        progress(report)
        reports.append(report)
    return reports
