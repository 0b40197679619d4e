"""The ``enrich`` job: ask every enabled enrichment provider about listing days' papers, storing as it goes.

Providers run one after another, in ``ORDER`` (``artifacts`` before ``code``: the Hugging Face record's
``githubRepo`` is a code link whose stars ``code`` then asks GitHub for); each gets what the store already knows
(the papers' code links, their repositories' latest snapshots with ETags, the time of its own latest record of
each paper) and asks only for what is stale (``EnrichSettings.refresh``). A provider that fails (network down,
bad key, rate limit, an undocumented answer, even a bug) never stops the others: its failure is in its
``ProviderReport``, and what it yielded before failing is stored.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import httpx

from hotpapers.config import EnrichSettings
from hotpapers.errors import HotpapersError, UsageError
from hotpapers.jobs.days import no_papers
from hotpapers.jobs.environment import Environment, Warnings, source_context
from hotpapers.models import (
    ArtifactSnapshot,
    ArxivId,
    CitationSnapshot,
    CodeLink,
    EnrichmentRecord,
    PostKind,
    RepoSnapshot,
)
from hotpapers.plugins import EnrichRequest, EnrichTarget, Provider, Registry, SourceContext
from hotpapers.redact import redact, register_env
from hotpapers.store.base import Store

__all__ = ["ORDER", "ProviderReport", "enrich", "enrich_targets", "provider_statuses"]

log = logging.getLogger(__name__)

ORDER = ("scholarly", "artifacts", "code")
"""The built-in providers in the order they run; any other provider runs after them, by name."""
_BATCH = 200
_KINDS: tuple[tuple[type, str], ...] = (
    (CodeLink, "links"), (RepoSnapshot, "stars"), (ArtifactSnapshot, "artifacts"), (CitationSnapshot, "citations"),
)  # fmt: skip


@dataclass
class ProviderReport:
    """What one provider did in a run."""

    name: str
    enabled: bool = True
    reason: str = ""
    found: dict[str, int] = field(default_factory=dict)  # records yielded, by kind (links, stars, artifacts, ...)
    requests: int = 0
    not_modified: int = 0  # answers 304 (a conditional request: no cost against GitHub's rate limit)
    error: str | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # what the provider logged at WARNING while it ran
    warnings_left_out: int = 0  # warnings past the first ones kept (shown with -v)

    @property
    def failed(self) -> bool:
        """True if the provider was enabled and did not finish."""
        return self.error is not None


def _ordered(names: Iterable[str]) -> list[str]:
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(names, key=lambda n: (rank.get(n, len(ORDER)), n))


def _selected(registry: Registry, names: Sequence[str] | None) -> list[str]:
    if not names:
        return _ordered(registry.providers)
    unknown = [n for n in names if n not in registry.providers]
    if unknown:
        known = ", ".join(_ordered(registry.providers))
        raise UsageError(f"provider {unknown[0]}: unknown enrichment provider (known: {known})", subject="provider")
    return _ordered(dict.fromkeys(names))


def _context(environment: Environment, report: ProviderReport) -> SourceContext:
    """The collect job's context (a client counting requests), which also counts the 304 answers."""
    context = source_context(environment, report)

    def answered(response: httpx.Response) -> None:
        report.not_modified += response.status_code == 304

    context.http.event_hooks["response"].append(answered)
    return context


def provider_statuses(registry: Registry, environment: Environment) -> list[ProviderReport]:
    """Every registered provider with whether it is enabled, and how to enable it (or raise its limits)."""
    reports = []
    for name in _ordered(registry.providers):
        report = ProviderReport(name)
        context = _context(environment, report)
        try:
            status = registry.providers[name](context).status()
        finally:
            context.http.close()
        report.enabled, report.reason = status.enabled, status.reason
        reports.append(report)
    return reports


def enrich_targets(store: Store, days: Sequence[dt.date]) -> list[EnrichTarget]:
    """The papers of ``days`` (newest day first; within a day, most posts first, then listing order), each once,
    with the posts that link it (reposts left out)."""
    targets: dict[ArxivId, EnrichTarget] = {}
    for day in sorted(set(days), reverse=True):
        evidence = store.evidence_for_day(day)
        ranked = sorted(evidence, key=lambda e: (-len(e.posts), e.announcement.position, e.paper.arxiv_id))
        for item in ranked:
            posts = tuple(p.post for p in item.posts if p.post.kind is not PostKind.REPOST)
            targets.setdefault(item.paper.arxiv_id, EnrichTarget(item.paper, posts))
    return list(targets.values())


def _observed(store: Store, name: str, ids: list[ArxivId]) -> Mapping[ArxivId, dt.datetime]:
    """When the provider ``name`` last recorded each paper (built-in per-paper providers only)."""
    if name == "scholarly":
        return {i: s.observed_at for i, s in store.latest_citations(ids).items()}
    if name == "artifacts":
        return {i: s.observed_at for i, s in store.latest_artifacts(ids).items()}
    return {}


def _request(
    store: Store, name: str, days: Sequence[dt.date], targets: Sequence[EnrichTarget], settings: EnrichSettings,
    now: dt.datetime,
) -> EnrichRequest:
    """What ``name`` is asked, with what the store knows now (after the providers that ran before it)."""
    ids = [t.paper.arxiv_id for t in targets]
    links = store.code_links_of(ids)
    urls = {link.url for found in links.values() for link in found}
    series = store.repo_series(urls, now) if urls else {}
    return EnrichRequest(
        days=tuple(sorted(set(days), reverse=True)),
        targets=tuple(targets),
        fresh_since=now - settings.refresh(name),
        all_papers=settings.all_papers,
        code_links={i: tuple(found) for i, found in links.items()},
        repos={key: snaps[-1] for key, snaps in series.items() if snaps},
        observed=_observed(store, name, ids),
    )


def _drain(store: Store, records: Iterable[EnrichmentRecord], report: ProviderReport) -> None:
    """Store records in batches; on a failure mid-way, what was yielded so far is still stored."""
    batch: list[EnrichmentRecord] = []
    try:
        for record in records:
            kind = next(label for cls, label in _KINDS if isinstance(record, cls))
            report.found[kind] = report.found.get(kind, 0) + 1
            batch.append(record)
            if len(batch) >= _BATCH:
                store.add_enrichment(batch)
                batch.clear()
    finally:
        if batch:
            store.add_enrichment(batch)


def _run_provider(
    store: Store, factory: Callable[[SourceContext], Provider], request: Callable[[], EnrichRequest],
    report: ProviderReport, environment: Environment,
) -> None:
    register_env(environment.env)  # its keys are masked wherever they may be echoed (hotpapers.redact)
    context = _context(environment, report)
    started = time.monotonic()
    handler = Warnings(report, prefix="hotpapers.enrich")
    package_log = logging.getLogger("hotpapers")
    package_log.addHandler(handler)
    try:
        provider = factory(context)
        status = provider.status()
        report.enabled, report.reason = status.enabled, status.reason
        if status.enabled:
            _drain(store, provider.enrich(request()), report)
    except HotpapersError as e:
        report.error = str(e)
        log.warning("enrichment provider %s failed: %s", report.name, e)
    except Exception as e:  # a bug in one provider must not sink the run; the summary shows it
        report.error = redact(f"{type(e).__name__}: {e}")
        log.exception("enrichment provider %s crashed", report.name)
    finally:
        package_log.removeHandler(handler)
        context.http.close()
        report.seconds = time.monotonic() - started


def enrich(
    store: Store,
    registry: Registry,
    *,
    days: Sequence[dt.date],
    names: Sequence[str] | None,
    environment: Environment,
    settings: EnrichSettings,
    progress: Callable[[ProviderReport], None] = lambda _: None,
) -> list[ProviderReport]:
    """Enrich the papers of listing days ``days`` with the named providers (default: every registered one).

    A named provider that is disabled counts as failed (you asked for it); an unnamed disabled one is skipped.

    Raises:
        UsageError: an unknown provider name, or no papers on those days in the store.
    """
    chosen = _selected(registry, names)
    targets = enrich_targets(store, days)
    if not targets:
        shown = ", ".join(d.isoformat() for d in sorted(days))
        raise no_papers(shown)
    reports = []
    for name in chosen:
        report = ProviderReport(name)
        ask = functools.partial(_request, store, name, days, targets, settings, environment.now())
        _run_provider(store, registry.providers[name], ask, report, environment)
        if names and not report.enabled:
            report.error = f"disabled: {report.reason}"
        progress(report)
        reports.append(report)
    return reports
