"""The main job, ``hotpapers run``: ingest the day's arXiv announcement, collect from every source, enrich, rank,
summarise, render."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotpapers.config import Settings
from hotpapers.errors import HotpapersError
from hotpapers.jobs.collect import SourceReport, collect
from hotpapers.jobs.days import closed_day, day_or_latest, recent_days
from hotpapers.jobs.enrich import ProviderReport, enrich
from hotpapers.jobs.environment import Environment
from hotpapers.jobs.ingest import DaySummary, ingest
from hotpapers.jobs.render import render
from hotpapers.jobs.summarize import open_model, summary_step
from hotpapers.plugins import Registry
from hotpapers.store.base import Store
from hotpapers.summarize.engine import SummaryReport
from hotpapers.summarize.generative import LlmModel, ModelUnavailable

__all__ = ["RunOptions", "RunSummary", "run"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    """What ``hotpapers run`` was asked to do."""

    day: dt.date | None
    sources: Sequence[str] | None
    formats: Sequence[str]
    out_dir: Path
    preset: str
    ingest: bool = True
    rank_options: Mapping[str, Any] = field(default_factory=dict)
    enrich: bool = True  # enrich after collecting (also needs the config's enrich.run)
    providers: Sequence[str] | None = None  # the enrichment providers to ask (None: every enabled one)


@dataclass
class RunSummary:
    """What a run did, for the summary table and the exit code."""

    day: dt.date | None = None
    ingested: list[DaySummary] = field(default_factory=list)
    ingest_error: str | None = None
    papers: int = 0
    ranked: int = 0
    sources: list[SourceReport] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    providers: list[ProviderReport] = field(default_factory=list)
    enriched_days: list[dt.date] = field(default_factory=list)
    summaries: SummaryReport | None = None  # what summarising the listed papers did (and spent)
    model_error: str | None = None  # why the configured summary model could not be used
    profile_outputs: list[Path] = field(default_factory=list)  # the profiles' digests (OUT/for/NAME/)
    deliveries: list[Any] = field(default_factory=list)  # jobs.deliver.DeliveryReport, one per profile and channel

    @property
    def failed(self) -> bool:
        """True if arXiv, any source, any enrichment provider or the summary model failed (the run still finished)."""
        return (
            self.ingest_error is not None
            or any(s.failed for s in self.sources)
            or any(p.failed for p in self.providers)
            or self.model_error is not None
            or (self.summaries is not None and self.summaries.failed)
            or any(d.failed for d in self.deliveries)
        )


def _ingest(store: Store, settings: Settings, day: dt.date, environment: Environment, summary: RunSummary) -> None:
    """Ingest the latest listing (RSS) for tomorrow's run, then ``day`` itself if the store still lacks it."""
    try:
        summary.ingested.extend(
            ingest(store, settings, days=None, now=environment.now(), transport=environment.transport,
                   timeout=environment.timeout)
        )
    except HotpapersError as e:
        if not store.evidence_for_day(day):
            raise
        summary.ingest_error = str(e)  # the day itself is stored: go on with it
        log.warning("arXiv ingest of the latest listing failed: %s", e)
    if day not in store.announced_dates():
        summary.ingested.extend(
            ingest(store, settings, days=[day], now=environment.now(), transport=environment.transport,
                   timeout=environment.timeout)
        )


def run(
    store: Store,
    settings: Settings,
    registry: Registry,
    options: RunOptions,
    environment: Environment,
    step: Callable[[str], None] = lambda _: None,
) -> RunSummary:
    """Run the whole daily job and return its summary. A failing source never aborts the run.

    Raises:
        NoDayError: not ingesting, no day given, and the store has no announced day.
        UsageError: no papers for the day.
        NetworkError, APIError, ParseError: arXiv failed and the store has nothing for the day.
    """
    summary = RunSummary()
    if options.ingest:
        day = options.day or closed_day(environment.now())
        step("ingesting arXiv")
        _ingest(store, settings, day, environment, summary)
    else:
        day = day_or_latest(store, options.day)
    summary.day = day
    summary.papers = len(store.evidence_for_day(day))
    step("collecting posts")
    summary.sources = collect(
        store, registry, day=day, names=options.sources, environment=environment,
        progress=lambda report: step(f"collected from {report.name}"),
    )
    if options.enrich and settings.enrich.run and summary.papers:
        _enrich(store, settings, registry, options, environment, summary, step)
    step("ranking, summarising and rendering")
    finish, summary.summaries = summary_step(
        store, settings.summaries, environment.now(), _summary_model(settings, environment, summary)
    )
    result = render(
        store, day, formats=options.formats, out_dir=options.out_dir, preset=options.preset,
        now=environment.now(), refresh=True, options=options.rank_options, finish=finish,
    )
    summary.ranked = len(result.digest.papers)
    summary.outputs = result.paths
    if settings.profiles:  # hot for me: each profile's digest, then its deliveries (jobs/deliver.py)
        from hotpapers.jobs.deliver import after_run  # noqa: PLC0415

        step("rendering and delivering the profiles")
        summary.profile_outputs, summary.deliveries = after_run(
            store, settings, registry, day, environment=environment, formats=options.formats,
            out_dir=options.out_dir, finish=finish,
        )
    return summary


def _enrich(
    store: Store, settings: Settings, registry: Registry, options: RunOptions, environment: Environment,
    summary: RunSummary, step: Callable[[str], None],
) -> None:
    """Enrich the run's day and the stored days among the ``enrich.days - 1`` listing days before it."""
    assert summary.day is not None
    step("enriching")
    summary.enriched_days = recent_days(store.announced_dates(), summary.day, settings.enrich.days)
    summary.providers = enrich(
        store, registry, days=summary.enriched_days, names=options.providers, environment=environment,
        settings=settings.enrich, progress=lambda report: step(f"enriched with {report.name}"),
    )


def _summary_model(settings: Settings, environment: Environment, summary: RunSummary) -> LlmModel | None:
    """The configured summary model, or None (no model, or one that cannot be used: the run says why and goes on
    with extractive summaries)."""
    try:
        return open_model(settings.summaries, None, environment.env)
    except ModelUnavailable as e:
        summary.model_error = str(e)
        log.warning("summaries: %s; using extractive summaries", e)
        return None
