"""The render jobs: rank a listing day (or a view) from the store and write it in the chosen formats.

Two phases, as in DESIGN.md: everything is gathered into the store first, then digests are ranked and written from
the store. The daily digest (``render``) is published once ranked: ``build_digest`` saves it, so the same day
renders the same bytes at any later time. Views (``render_view``: a roll-up of a range, or ``rising``) are ranked
fresh every time and never saved. Writers never see the store: ``write_digest``, the one place writers are called,
hands them a finished ``Digest``. The ranking's option rules and the views' ranges are handed on to the command
line from here (``preset_options``, ``date_range``, ...).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotpapers._gc import gc_paused
from hotpapers.arxiv.calendar import listing_window
from hotpapers.enrich.view import load_enrichment, only_with_code, with_enrichment
from hotpapers.errors import UsageError
from hotpapers.jobs.days import no_papers
from hotpapers.jobs.registry import load_registry
from hotpapers.models import Digest, PaperEvidence
from hotpapers.plugins import Registry
from hotpapers.ranking.options import preset_options, preset_overrides
from hotpapers.ranking.presets import rank
from hotpapers.ranking.views import (
    DateRange,
    date_range,
    month_range,
    rising_evidence,
    rising_title,
    rollup_evidence,
    week_range,
)
from hotpapers.store.base import Store

__all__ = [
    "DateRange",
    "RenderResult",
    "build_digest",
    "build_rising",
    "build_rollup",
    "check_formats",
    "date_range",
    "digest_time",
    "month_range",
    "preset_options",
    "preset_overrides",
    "rank_enriched",
    "render",
    "render_view",
    "week_range",
    "write_digest",
]


def digest_time(window_end: dt.datetime, now: dt.datetime) -> dt.datetime:
    """When a digest is dated (its ``generated_at``): the close of its window, from the data, not the clock.

    A day whose window has closed is dated at that close whenever it is ranked (a backfilled, imported or
    re-rendered day gives the same bytes at any time, and posts sort in listing order); a day still open is
    dated ``now``, never in the future.
    """
    return min(window_end, now)


def rank_enriched(store: Store, preset: str, evidence: Sequence[PaperEvidence], **kwargs: Any) -> Digest:
    """Rank ``evidence`` with each paper's stored enrichment (``hotpapers enrich``): the preset may read it (only
    as an opt-in breakdown item) and the digest shows it. ``kwargs`` are ``ranking.rank``'s."""
    known = load_enrichment(store, (e.paper.arxiv_id for e in evidence))
    enriched = [dataclasses.replace(e, enrichment=known[e.paper.arxiv_id]) if e.paper.arxiv_id in known else e
                for e in evidence]  # fmt: skip
    return with_enrichment(rank(preset, enriched, **kwargs), known)


def build_digest(
    store: Store,
    day: dt.date,
    *,
    preset: str,
    now: dt.datetime,
    refresh: bool = False,
    options: Mapping[str, Any] | None = None,
    finish: Callable[[Digest], Digest] | None = None,
) -> Digest:
    """The digest of ``day``: the published one if there is one (unless ``refresh``), else a new ranking.

    A new ranking is saved as the published digest, so that rendering the date again gives the same post. A
    refreshed ranking that differs from the published one only in its generation time is not saved: the
    published digest (with its time) is returned, so re-running a finished day rewrites identical bytes.
    ``options`` are the preset's own keyword arguments (``options=ClassicOptions(...)`` or ``DefaultOptions``);
    they apply when the day is ranked (pass ``refresh`` to rank a published day again with new options).
    A new ranking is dated :func:`digest_time` (``now`` only while the day's window is still open).
    ``finish`` completes a new ranking before it is compared and saved (the summaries job adds the papers'
    summaries: ``hotpapers.jobs.summarize``), so that what is published holds them.

    Raises:
        UsageError: nothing was announced on ``day`` in the store, or the preset is unknown.
    """
    published = store.load_digest(day, preset)
    if published is not None and not refresh:
        return published
    with gc_paused():  # reading and ranking a day allocate many small objects and no cycle
        evidence = store.evidence_for_day(day)
        if not evidence:
            raise no_papers(day.isoformat())
        start, end = listing_window(day)
        digest = rank_enriched(
            store, preset, evidence, date=day, window_start=start, window_end=end, generated_at=digest_time(end, now),
            **(options or {}),
        )
    if finish is not None:
        digest = finish(digest)
    if published is not None and dataclasses.replace(digest, generated_at=published.generated_at) == published:
        return published  # nothing changed but the clock: keep the published bytes (and publish nothing twice)
    store.save_digest(digest)
    return digest


@dataclass
class RenderResult:
    """What ``render`` wrote."""

    digest: Digest
    paths: list[Path]


def render(
    store: Store,
    day: dt.date,
    *,
    formats: Sequence[str],
    out_dir: Path,
    preset: str,
    now: dt.datetime,
    refresh: bool = False,
    options: Mapping[str, Any] | None = None,
    finish: Callable[[Digest], Digest] | None = None,
    has_code: bool = False,
) -> RenderResult:
    """Rank (or reload) the digest of ``day`` and write it in each of ``formats`` under ``out_dir``
    (``refresh``, ``options`` and ``finish`` as for ``build_digest``).

    With ``has_code`` only the papers with a known code repository are written (ranked 1..n in the same order);
    the stored digest keeps every paper.

    Raises:
        UsageError: unknown format or preset, or no papers for the day.
        WriterError: an output could not be written.
    """
    registry = check_formats(formats)
    digest = build_digest(store, day, preset=preset, now=now, refresh=refresh, options=options, finish=finish)
    if has_code:
        digest = only_with_code(digest)
    return RenderResult(digest, write_digest(digest, formats=formats, out_dir=out_dir, registry=registry))


def render_view(
    store: Store,
    scope: DateRange | None,
    *,
    rising_hours: float | None,
    formats: Sequence[str],
    out_dir: Path,
    preset: str,
    now: dt.datetime,
    options: Mapping[str, Any] | None = None,
    has_code: bool = False,
) -> RenderResult:
    """Rank a view and write it in each of ``formats`` under ``out_dir``: with ``rising_hours``, the growth of the
    last that many hours of the papers of ``scope`` (default: the last announced days), else the roll-up of
    ``scope``. A view is ranked fresh and never saved as published. ``has_code`` as for ``render``.

    Raises:
        UsageError: unknown format or preset, no scope for a roll-up, or no papers in scope.
        WriterError: an output could not be written.
    """
    registry = check_formats(formats)
    if rising_hours is not None:
        digest = build_rising(store, scope, hours=rising_hours, preset=preset, now=now, options=options)
    elif scope is not None:
        digest = build_rollup(store, scope, preset=preset, now=now, options=options)
    else:
        raise UsageError("a view is a roll-up of a range or rising: name a range, or the hours of rising")
    written = only_with_code(digest) if has_code else digest
    return RenderResult(digest, write_digest(written, formats=formats, out_dir=out_dir, registry=registry))


def build_rollup(
    store: Store, span: DateRange, *, preset: str, now: dt.datetime, options: Mapping[str, Any] | None = None
) -> Digest:
    """Rank the roll-up of ``span`` into a digest dated its last day (never saved as published).

    Raises:
        UsageError: no papers announced in the range are in the store, or the preset is unknown.
    """
    evidence = rollup_evidence(store, span.start, span.end, resurfaced=span.window())
    if not evidence:
        raise UsageError(
            f"{span.start.isoformat()} .. {span.end.isoformat()}: no papers announced in that range are in the store"
        )
    start, end = span.window()
    return rank_enriched(store, preset, evidence, date=span.end, window_start=start, window_end=end,
                         generated_at=digest_time(end, now), title=span.title, **(options or {}))  # fmt: skip


def build_rising(
    store: Store,
    scope: DateRange | None,
    *,
    hours: float,
    preset: str,
    now: dt.datetime,
    options: Mapping[str, Any] | None = None,
) -> Digest:
    """Rank the growth of the last ``hours`` (papers of ``scope``, default the last announced days) into a digest
    dated the scope's last day, its window the ``hours`` before ``now`` (never saved as published).

    Raises:
        UsageError: no papers are in scope, or the preset is unknown.
    """
    bounds = None if scope is None else (scope.start, scope.end)
    evidence = rising_evidence(store, bounds, hours=hours, now=now)
    if not evidence:
        where = "the store" if scope is None else f"{scope.start.isoformat()} .. {scope.end.isoformat()}"
        raise UsageError(f"rising: no announced papers in {where}", subject="rising")
    day = store.announced_dates()[-1] if scope is None else scope.end
    return rank_enriched(store, preset, evidence, date=day, window_start=now - dt.timedelta(hours=hours),
                         window_end=now, generated_at=now, title=rising_title(hours), **(options or {}))  # fmt: skip


def check_formats(formats: Sequence[str]) -> Registry:
    """The registry of writers, once every one of ``formats`` is known to be in it: call it before anything is
    ranked or written.

    Raises:
        UsageError: a format is not a registered writer.
    """
    registry = load_registry()
    unknown = [f for f in formats if f not in registry.writers]
    if unknown:
        known = ", ".join(sorted(registry.writers))
        raise UsageError(f"format {unknown[0]}: unknown format (known: {known})", subject="format")
    return registry


def write_digest(
    digest: Digest, *, formats: Sequence[str], out_dir: Path, registry: Registry | None = None
) -> list[Path]:
    """Write ``digest`` in each of ``formats`` under ``out_dir`` (writers name files by its date); the paths
    written. ``registry`` is ``check_formats``'s, when it was called already.

    Raises:
        UsageError: an unknown format.
        WriterError: an output could not be written.
    """
    writers = registry or check_formats(formats)
    paths: list[Path] = []
    for name in formats:
        paths.extend(writers.writers[name]().write(digest, out_dir))
    return paths
