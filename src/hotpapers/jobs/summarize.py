"""The summaries job: a TL;DR and a discussion summary for every paper a digest lists (``hotpapers summarize``,
and ``hotpapers run`` before it renders).

Summaries become part of the digest before it is stored as published, so a published digest re-renders byte for
byte with the summaries it had. New summaries are stored as each paper is done (one transaction per paper): what a
model was paid for is kept even if the run stops half-way. See ``hotpapers.summarize.engine`` for which summary a
paper gets and ``docs/summaries.md`` for the user's view.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hotpapers.config import Settings, SummarySettings
from hotpapers.errors import UsageError
from hotpapers.jobs.days import latest_digest_day
from hotpapers.jobs.render import build_digest
from hotpapers.models import Digest, RankedPaper, Summary, SummaryKind
from hotpapers.store.base import Store
from hotpapers.summarize.engine import Engine, SummaryReport
from hotpapers.summarize.generative import LlmModel, ModelUnavailable, load_model

__all__ = [
    "NO_MODEL",
    "SummarizeOptions",
    "SummarizeResult",
    "SummaryReport",
    "open_model",
    "stored_summaries",
    "summarize_day",
    "summarize_digest",
    "summary_step",
]

NO_MODEL = "extractive"
"""``--model extractive``: make extractive summaries even when the config names a model."""


def open_model(settings: SummarySettings, name: str | None, env: Mapping[str, str] | None = None) -> LlmModel | None:
    """The model to ask: ``name`` (``--model``) if given, else the configured one; None for no model.

    Raises:
        ModelUnavailable: the model cannot be used (``llm`` missing, unknown model, no key).
    """
    chosen = settings.model if name is None else name
    if not chosen or chosen == NO_MODEL:
        return None
    return load_model(chosen, env)


def summarize_digest(store: Store, digest: Digest, engine: Engine) -> Digest:
    """``digest`` with a TL;DR and discussion summary on each listed paper, top ranks first (they get the model's
    budget first); new summaries are stored paper by paper."""
    evidence = {e.paper.arxiv_id: e.posts for e in store.evidence_for_day(digest.date)}
    stored: dict[str, dict[tuple[SummaryKind, str], Summary]] = {}
    for summary in store.summaries_for(p.paper.arxiv_id for p in digest.papers):
        stored.setdefault(summary.arxiv_id, {})[summary.kind, summary.generator] = summary
    done: dict[int, RankedPaper] = {}
    for ranked in sorted(digest.papers, key=lambda r: r.rank):
        key = ranked.paper.arxiv_id
        tldr, discussion, new = engine.summarize(ranked.paper, evidence.get(key, ()), stored.get(key, {}))
        if new:
            store.save_summaries(new)
        done[id(ranked)] = dataclasses.replace(ranked, tldr=tldr, discussion=discussion)
    return dataclasses.replace(digest, papers=tuple(done[id(p)] for p in digest.papers))


def summary_step(
    store: Store, settings: SummarySettings, now: dt.datetime, model: LlmModel | None = None
) -> tuple[Callable[[Digest], Digest], SummaryReport]:
    """A step that summarises a newly ranked digest before it is stored (``build_digest``'s ``finish``), and the
    report it fills. Without ``model`` no model is called: a stored model summary that is current for the configured
    model is kept, else the extractive one is used (made if needed)."""
    engine = Engine(settings, now=now, model=model)
    return (lambda digest: summarize_digest(store, digest, engine)), engine.report


def stored_summaries(store: Store, settings: Settings, now: dt.datetime) -> Callable[[Digest], Digest]:
    """The step for commands that rank but do not summarise (``render``, ``publish``, ``demo``): no model call."""
    return summary_step(store, settings.summaries, now)[0]


@dataclass(frozen=True)
class SummarizeOptions:
    """What ``hotpapers summarize`` was asked to do."""

    day: dt.date | None
    preset: str
    model: str | None = None  # an llm model id or alias; None: the configured one
    force: bool = False
    rank_options: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class SummarizeResult:
    """What ``summarize_day`` did."""

    day: dt.date
    digest: Digest
    report: SummaryReport


def summarize_day(
    store: Store, settings: Settings, options: SummarizeOptions, now: dt.datetime, env: Mapping[str, str] | None = None
) -> SummarizeResult:
    """Summarise the papers listed in a day's digest and store the digest with them.

    The digest is the published one of ``options.preset`` (it keeps its ranking and generation time and gains the
    summaries), or, if the day has none, the day ranked now and published, as ``render`` would.

    Raises:
        UsageError: the model named by ``--model`` cannot be used, or nothing was announced that day.
        ModelUnavailable: the configured model cannot be used.
    """
    day = options.day or latest_digest_day(store, options.preset)
    try:
        model = open_model(settings.summaries, options.model, os.environ if env is None else env)
    except ModelUnavailable as e:
        if options.model is not None:
            why = str(e).removeprefix(f"model {options.model!r}: ")
            raise UsageError(f"model {options.model}: {why}", subject="model") from e
        raise
    engine = Engine(settings.summaries, now=now, model=model, force=options.force)
    published = store.load_digest(day, options.preset)
    if published is None:
        digest = build_digest(
            store, day, preset=options.preset, now=now, options=options.rank_options,
            finish=lambda d: summarize_digest(store, d, engine),
        )
    else:
        digest = summarize_digest(store, published, engine)
        if digest != published:
            store.save_digest(digest)
    return SummarizeResult(day, digest, engine.report)
