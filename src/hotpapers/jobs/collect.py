"""The ``collect`` job: ask every enabled source for the posts of a listing day, storing as it goes.

One source failing (network down, bad credentials, an undocumented answer, even a bug) never stops the others:
its failure is recorded in its ``SourceReport`` and the run goes on. Records are committed in batches, so what
a source yielded before failing is kept.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from hotpapers.arxiv.calendar import listing_window
from hotpapers.errors import HotpapersError, UsageError
from hotpapers.jobs.environment import Environment, Warnings, source_context
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


def _selected(registry: Registry, names: Sequence[str] | None) -> list[str]:
    if not names:
        return sorted(registry.sources)
    unknown = [n for n in names if n not in registry.sources]
    if unknown:
        raise UsageError(f"source {unknown[0]}: unknown source (known: {', '.join(sorted(registry.sources))})",
                         subject="source")
    return list(dict.fromkeys(names))


def source_statuses(registry: Registry, environment: Environment) -> list[SourceReport]:
    """Every registered source with whether it is enabled and, if not, how to enable it."""
    reports = []
    for name in sorted(registry.sources):
        report = SourceReport(name)
        context = source_context(environment, report)
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


def _run_source(store: Store, factory: Callable[[SourceContext], Source], day: dt.date, report: SourceReport,
                environment: Environment) -> None:
    register_env(environment.env)  # its secrets are masked wherever they may be echoed (hotpapers.redact)
    context = source_context(environment, report, store)
    started = time.monotonic()
    handler = Warnings(report)
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
