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

from hotpapers.arxiv.calendar import listing_window
from hotpapers.errors import HotpapersError, UsageError
from hotpapers.http import RetryPolicy, make_client, timeout_from_seconds
from hotpapers.models import AccountProfile, ArxivId, EngagementSnapshot, PaperEvidence, Post, PostGone, Record
from hotpapers.plugins import Checkpoint, CollectRequest, Registry, Source, SourceContext, SourceOutput, SourceUsage
from hotpapers.redact import redact, register_env
from hotpapers.store.base import Store
from hotpapers.store.records import store_records

__all__ = ["SourceReport", "collect", "known_posts", "source_statuses"]

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
    usage: SourceUsage | None = None  # what the source spent (posts read, quota units), if it says
    warnings_left_out: int = 0  # warnings past the first _MAX_WARNINGS (shown with -v)

    @property
    def failed(self) -> bool:
        """True if the source was enabled and did not finish."""
        return self.error is not None


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


def _context(environment: Environment, report: _Counted, store: Store | None = None) -> SourceContext:
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


PROFILE_MAX_AGE = dt.timedelta(days=7)
"""An account whose profile was observed this recently is not looked up again."""


def _engagement(snapshot: EngagementSnapshot | None) -> int:
    if snapshot is None:
        return 0
    return snapshot.reposts + snapshot.likes + snapshot.replies + snapshot.quotes


def known_posts(evidence: Sequence[PaperEvidence], platform: str) -> tuple[Post, ...]:
    """The live posts of ``platform`` among ``evidence``, most important first.

    Importance: the engagement of the post's most engaged paper (all platforms, latest snapshots: the papers
    that rank, whose posts a reader sees), then the post's own engagement, then its id (a stable order).
    """
    best: dict[str, tuple[int, int, Post]] = {}
    for item in evidence:
        paper_total = sum(_engagement(p.engagement) for p in item.posts)
        for post in item.posts:
            if post.post.platform != platform or post.post.deleted:
                continue
            key = post.post.post_id
            previous = best.get(key)
            if previous is None or paper_total > previous[0]:
                best[key] = (paper_total, _engagement(post.engagement), post.post)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return tuple(post for _, (_, _, post) in ranked)


def _request(store: Store, day: dt.date, platform: str, now: dt.datetime) -> CollectRequest:
    evidence = store.evidence_for_day(day)
    papers = tuple(ArxivId(e.paper.arxiv_id) for e in evidence)
    start, end = listing_window(day)
    profiled = frozenset((p, h) for p, h in store.profiled_since(now - PROFILE_MAX_AGE) if p == platform)
    return CollectRequest(day, start, end, papers, known_posts(evidence, platform), profiled)


def _flush(store: Store, name: str, batch: list[Record], checkpoints: list[Checkpoint]) -> None:
    """Store a batch and the source's checkpoints that cover it, in one transaction."""
    with store.transaction():
        if batch:
            store_records(store, batch)
        for checkpoint in checkpoints:
            store.set_state(name, checkpoint.key, checkpoint.value)
    batch.clear()
    checkpoints.clear()


def _drain(store: Store, records: Iterable[SourceOutput], report: SourceReport) -> None:
    """Store records in batches; on a failure mid-way, what was yielded so far is still stored.

    A ``Checkpoint`` is saved with the batch it ends; a ``SourceUsage`` goes to the report, not the store.
    """
    batch: list[Record] = []
    checkpoints: list[Checkpoint] = []
    try:
        for record in records:
            if isinstance(record, Post):
                report.posts += 1
            elif isinstance(record, EngagementSnapshot):
                report.snapshots += 1
            elif isinstance(record, PostGone):
                report.gone += 1
            elif isinstance(record, AccountProfile):
                report.counted["profiles"] = report.counted.get("profiles", 0) + 1
            elif isinstance(record, SourceUsage):
                report.usage = record
                continue
            elif isinstance(record, Checkpoint):
                checkpoints.append(record)
                continue
            batch.append(record)
            if len(batch) >= _BATCH:
                _flush(store, report.name, batch, checkpoints)
    finally:
        if batch or checkpoints:
            _flush(store, report.name, batch, checkpoints)


class _Warned(Protocol):
    """A report that keeps the warnings logged while it runs (a source's, or an enrichment provider's)."""

    warnings: list[str]
    warnings_left_out: int


class _Warnings(logging.Handler):
    """Collects the warnings logged while one source (or provider: ``prefix``) runs, for the run summary."""

    def __init__(self, report: _Warned, prefix: str = "hotpapers.sources") -> None:
        super().__init__(logging.WARNING)
        self._report = report
        self._prefix = prefix

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(self._prefix):
            return
        if len(self._report.warnings) < _MAX_WARNINGS:
            self._report.warnings.append(record.getMessage())
        else:
            self._report.warnings_left_out += 1


_MAX_WARNINGS = 20


def _run_source(store: Store, factory: Callable[[SourceContext], Source], day: dt.date, report: SourceReport,
                environment: Environment) -> None:
    register_env(environment.env)  # its secrets are masked wherever they may be echoed (hotpapers.redact)
    context = _context(environment, report, store)
    started = time.monotonic()
    handler = _Warnings(report)
    package_log = logging.getLogger("hotpapers")
    package_log.addHandler(handler)
    try:
        source = factory(context)
        status = source.status()
        report.enabled, report.reason = status.enabled, status.reason
        if status.enabled:
            _drain(store, source.collect(_request(store, day, source.name, environment.now())), report)
    except HotpapersError as e:
        report.error = str(e)
        log.warning("source %s failed: %s", report.name, e)
    except Exception as e:  # a bug in one source must not sink the run; the summary shows it
        report.error = redact(f"{type(e).__name__}: {e}")
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
