"""What a digest shows of a paper's enrichment, from the stored records (pure functions, and one store read).

**The code link shown** is chosen among those found, in this order: a repository found in more than one place
(say the abstract and the Hugging Face record) before one found in a single place; a code host (GitHub,
GitLab, Codeberg) before a Hugging Face repository; then by place (abstract, comments, Hugging Face record, an
author's post); then by order of appearance.

**Stars per day** (``CodeInfo.stars_per_day``) is the slope of the repository's stars over the last
``RATE_WINDOW`` (7 days) of its snapshots: from the earliest snapshot within 7 days before the latest one to the
latest one. A repository created within that window counts as a snapshot of 0 stars at its creation (GitHub
gives ``created_at``), so a new repository has a rate from its first snapshot. When nothing else is within the
window, the latest snapshot before it is the start. No rate (None) when the span is under ``MIN_SPAN`` (1 hour).
``CodeInfo.rate_since`` says where the span starts. Rates are rounded to 0.01 and may be negative (unstarring).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from hotpapers.models import (
    ArtifactCounts,
    ArtifactSnapshot,
    ArxivId,
    CitationInfo,
    CitationSnapshot,
    CodeHost,
    CodeInfo,
    CodeLink,
    Digest,
    FoundIn,
    PaperEnrichment,
    RankedPaper,
    RepoSnapshot,
    repo_key,
)
from hotpapers.store.base import Store

__all__ = [
    "MIN_SPAN",
    "RATE_WINDOW",
    "choose_link",
    "code_info",
    "has_code",
    "load_enrichment",
    "only_with_code",
    "paper_enrichment",
    "stars_rate",
    "with_enrichment",
]

RATE_WINDOW = dt.timedelta(days=7)
MIN_SPAN = dt.timedelta(hours=1)
_DAY = 86400.0
_PLACES = {FoundIn.ABSTRACT: 0, FoundIn.COMMENT: 1, FoundIn.HUGGINGFACE: 2, FoundIn.AUTHOR_POST: 3}


def choose_link(links: Sequence[CodeLink]) -> CodeLink | None:
    """The code link to show of a paper's links (see the module docstring), or None when it has none."""
    if not links:
        return None
    places: dict[str, set[FoundIn]] = defaultdict(set)
    for link in links:
        places[repo_key(link.url)].add(link.found_in)

    def order(link: CodeLink) -> tuple[int, bool, int, int, str]:
        key = repo_key(link.url)
        return (-len(places[key]), link.host is CodeHost.HUGGINGFACE, _PLACES[link.found_in], link.position, key)

    return min(links, key=order)


def stars_rate(series: Sequence[RepoSnapshot]) -> tuple[float | None, dt.datetime | None]:
    """(stars per day, start of the span) of a repository's snapshots in time order (see the module docstring).

    Returns:
        ``(None, None)`` when no snapshot has a star count or the span is shorter than ``MIN_SPAN``.
    """
    known = sorted((s for s in series if s.stars is not None), key=lambda s: s.observed_at)
    if not known:
        return None, None
    latest = known[-1]
    start = latest.observed_at - RATE_WINDOW
    points: list[tuple[dt.datetime, int]] = [(s.observed_at, s.stars or 0) for s in known]
    created = next((s.created_at for s in reversed(known) if s.created_at is not None), None)
    if created is not None and start <= created < latest.observed_at:
        points.append((created, 0))
    points.sort()
    inside = [p for p in points if start <= p[0] < latest.observed_at]
    before = [p for p in points if p[0] < start]
    base = inside[0] if inside else (before[-1] if before else None)
    if base is None or latest.observed_at - base[0] < MIN_SPAN:
        return None, None
    days = (latest.observed_at - base[0]).total_seconds() / _DAY
    return round(((latest.stars or 0) - base[1]) / days, 2), base[0]


def code_info(link: CodeLink, series: Sequence[RepoSnapshot]) -> CodeInfo:
    """The shown code of a paper: its chosen link with the repository's latest stars and their rate."""
    ordered = sorted(series, key=lambda s: s.observed_at)
    latest = ordered[-1] if ordered else None
    rate, since = stars_rate(ordered)
    if latest is None or latest.stars is None:  # never observed, or gone: no count to show
        rate, since = None, None
    return CodeInfo(
        url=link.url,
        host=link.host,
        found_in=link.found_in,
        stars=None if latest is None else latest.stars,
        stars_per_day=rate,
        observed_at=None if latest is None else latest.observed_at,
        rate_since=since,
    )


def paper_enrichment(
    links: Sequence[CodeLink],
    series: Mapping[str, Sequence[RepoSnapshot]],
    artifacts: ArtifactSnapshot | None,
    citations: CitationSnapshot | None,
) -> PaperEnrichment | None:
    """What is shown of one paper's enrichment; None when nothing is known."""
    link = choose_link(links)
    code = None if link is None else code_info(link, series.get(repo_key(link.url), ()))
    counts = (
        None if artifacts is None
        else ArtifactCounts(artifacts.models, artifacts.datasets, artifacts.spaces, artifacts.observed_at)
    )  # fmt: skip
    cited = None
    if citations is not None and citations.found:
        c = citations
        cited = CitationInfo(c.citations, c.influential, c.venue, c.observed_at, c.s2_id)
    if code is None and counts is None and cited is None:
        return None
    return PaperEnrichment(code, counts, cited)


def load_enrichment(
    store: Store, arxiv_ids: Iterable[ArxivId], as_of: dt.datetime | None = None
) -> dict[ArxivId, PaperEnrichment]:
    """The enrichment of each of ``arxiv_ids`` that has some, from the store.

    Reads the code links, the repository snapshots of the last two ``RATE_WINDOW`` (and the latest before that),
    and the latest artifact and citation snapshots: a handful of indexed reads per paper. The two windows end at
    ``as_of``, or by default at each repository's own latest snapshot, so that the result depends on the stored
    records alone, not on the clock (a day ranked again later, or a site page built later, shows the same).
    """
    ids = sorted(set(arxiv_ids))
    with store.snapshot():
        links = store.code_links_of(ids)
        urls = {link.url for found in links.values() for link in found}
        since = 2 * RATE_WINDOW if as_of is None else as_of - 2 * RATE_WINDOW
        series = store.repo_series(urls, since) if urls else {}
        artifacts = store.latest_artifacts(ids)
        citations = store.latest_citations(ids)
    result: dict[ArxivId, PaperEnrichment] = {}
    for arxiv_id in ids:
        shown = paper_enrichment(links.get(arxiv_id, []), series, artifacts.get(arxiv_id), citations.get(arxiv_id))
        if shown is not None:
            result[arxiv_id] = shown
    return result


def with_enrichment(digest: Digest, known: Mapping[ArxivId, PaperEnrichment]) -> Digest:
    """``digest`` with each ranked paper's enrichment from ``known`` (None for a paper it lacks)."""
    papers = tuple(dataclasses.replace(p, enrichment=known.get(p.paper.arxiv_id)) for p in digest.papers)
    return dataclasses.replace(digest, papers=papers)


def has_code(ranked: RankedPaper) -> bool:
    """True when a code repository is known for the ranked paper."""
    return ranked.enrichment is not None and ranked.enrichment.code is not None


def only_with_code(digest: Digest) -> Digest:
    """The papers of ``digest`` that have code, ranked 1..n in the same order (the ``has_code`` filter).

    The title says so, so that a feed or page of the filtered digest is not mistaken for the whole one.
    """
    kept = [p for p in digest.papers if has_code(p)]
    papers = tuple(dataclasses.replace(p, rank=n) for n, p in enumerate(kept, start=1))
    return dataclasses.replace(digest, title=f"{digest.title} (papers with code)", papers=papers)
