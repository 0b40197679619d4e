"""Which papers were announced on a day: pure orchestration over ``ArxivClient``, returning records.

Nothing here touches the store; the caller persists ``IngestResult.papers`` and ``announcements``.
Days are listing dates ("day D", see ``hotpapers.arxiv.calendar``).

``ingest_latest`` reads the RSS feed of the filter's ``include`` entries: arXiv's own classification
(new, cross, replace, replace-cross) of the latest listing. On weekends and holidays the feed is empty,
and the most recent listing day is ingested with ``ingest_day`` instead.

``ingest_day`` (``hotpapers ingest --date D`` for a past day) cannot replay a past listing: arXiv keeps no
RSS archive. It reconstructs the day from the query API instead:

* **new**: papers whose first version was submitted in D's submission window (``calendar.submission_window``)
  and whose primary category the filter counts;
* **cross**: papers submitted in that window, primary elsewhere, cross-listed into the filter.

Not found that way: papers held in moderation and announced later than their window (they appear on
no day), and older papers newly cross-listed on D (RSS lists them as ``cross``). Replacements are only
available from OAI-PMH, whose datestamps are last-modification dates: with ``include_replacements`` the
records modified on D's evening or on D are harvested (``arXivRaw``, one set per included archive), and a
paper counts as **replace** (primary counted) or **replace-cross** when one of its versions after v1 was
submitted in D's window. A paper modified again since D has a later datestamp and is missed.
Positions follow the RSS order: new, then cross, replace, replace-cross, ids ascending within each group.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from hotpapers.arxiv.calendar import evening_of, is_listing_day, previous_listing_day, submission_window
from hotpapers.arxiv.categories import CategoryFilter
from hotpapers.arxiv.client import ArxivClient
from hotpapers.arxiv.oai import OaiRecord
from hotpapers.errors import UsageError
from hotpapers.models import Announcement, AnnounceType, Paper

__all__ = ["IngestResult", "ingest_day", "ingest_latest", "oai_sets"]

_ORDER = (AnnounceType.NEW, AnnounceType.CROSS, AnnounceType.REPLACE, AnnounceType.REPLACE_CROSS)
_PHYSICS_ARCHIVES = frozenset(
    [
        "astro-ph",
        "cond-mat",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math-ph",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "physics",
        "quant-ph",
    ]
)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """The papers announced on ``day`` that the filter keeps, with their announcements.

    ``source`` is ``rss``, ``api`` or ``api+oai``; ``skipped`` lists what could not be read.
    """

    day: dt.date
    source: str
    papers: tuple[Paper, ...]
    announcements: tuple[Announcement, ...]
    skipped: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[AnnounceType, int]:
        """How many announcements of each type (every type present, zero included)."""
        found = Counter(a.announce_type for a in self.announcements)
        return {kind: found.get(kind, 0) for kind in AnnounceType}


def _for_filter(kind: AnnounceType, paper: Paper, category_filter: CategoryFilter) -> AnnounceType:
    """Re-derive new/replace vs cross for this filter (its ``exclude`` may drop the primary)."""
    if category_filter.primary_matches(paper):
        return kind
    if kind is AnnounceType.NEW:
        return AnnounceType.CROSS
    if kind is AnnounceType.REPLACE:
        return AnnounceType.REPLACE_CROSS
    return kind


def ingest_latest(
    client: ArxivClient, category_filter: CategoryFilter, *, holidays: Collection[dt.date] = ()
) -> IngestResult:
    """Ingest the latest listing from RSS (or, on a day without listing, the previous listing from the API).

    Args:
        client: the arXiv client.
        category_filter: which papers to keep; its ``include`` entries name the RSS feed.
        holidays: skipped announcement evenings (ET dates), see ``hotpapers.arxiv.calendar``.

    Returns:
        The listing's papers and announcements (positions as in the feed).

    Raises:
        APIError: arXiv answered with an error (e.g. an unknown category in ``include``).
        ParseError: arXiv answered with something that is not a feed.
        NetworkError: arXiv could not be reached after retries.
    """
    feed = client.fetch_rss(category_filter.include)
    if not feed.papers and not feed.skipped and not is_listing_day(feed.date, holidays):
        return ingest_day(
            client, previous_listing_day(feed.date, holidays), category_filter, holidays=holidays
        )
    kept = [(p, a) for p, a in feed.items if category_filter.matches(p)]
    announcements = tuple(
        Announcement(a.arxiv_id, a.date, _for_filter(a.announce_type, p, category_filter), a.position)
        for p, a in kept
    )
    return IngestResult(feed.date, "rss", tuple(p for p, _ in kept), announcements, list(feed.skipped))


def oai_sets(category_filter: CategoryFilter) -> tuple[str, ...]:
    """Return the OAI-PMH archive sets covering the filter's ``include`` entries.

    Args:
        category_filter: the filter.

    Returns:
        e.g. ``("cs", "stat")`` for ``("cs", "stat.ML")``, ``physics:hep-th`` for ``hep-th``.
    """
    archives = dict.fromkeys(entry.split(".", 1)[0] for entry in category_filter.include)
    return tuple(f"physics:{a}" if a in _PHYSICS_ARCHIVES else a for a in archives)


def _replaced_in(record: OaiRecord, start: dt.datetime, end: dt.datetime) -> bool:
    return record.version_known and any(start <= when < end for when in record.version_dates[1:])


def _replacements(
    client: ArxivClient,
    day: dt.date,
    window: tuple[dt.datetime, dt.datetime],
    category_filter: CategoryFilter,
    skipped: list[str],
) -> dict[str, tuple[Paper, AnnounceType]]:
    found: dict[str, tuple[Paper, AnnounceType]] = {}
    for set_spec in oai_sets(category_filter):
        for record in client.list_oai_records(evening_of(day), day, set_spec, skipped=skipped):
            paper = record.paper
            if _replaced_in(record, *window) and category_filter.matches(paper):
                found[paper.arxiv_id] = (paper, _for_filter(AnnounceType.REPLACE, paper, category_filter))
    return found


def _new_and_cross(
    papers: Iterable[Paper], category_filter: CategoryFilter
) -> dict[str, tuple[Paper, AnnounceType]]:
    found: dict[str, tuple[Paper, AnnounceType]] = {}
    for paper in papers:
        if category_filter.matches(paper):
            found[paper.arxiv_id] = (paper, _for_filter(AnnounceType.NEW, paper, category_filter))
    return found


def _result(
    day: dt.date, source: str, found: dict[str, tuple[Paper, AnnounceType]], skipped: list[str]
) -> IngestResult:
    ordered = sorted(found.values(), key=lambda item: (_ORDER.index(item[1]), item[0].arxiv_id))
    announcements = tuple(
        Announcement(paper.arxiv_id, day, kind, position) for position, (paper, kind) in enumerate(ordered)
    )
    return IngestResult(day, source, tuple(paper for paper, _ in ordered), announcements, skipped)


def ingest_day(
    client: ArxivClient,
    day: dt.date,
    category_filter: CategoryFilter,
    *,
    holidays: Collection[dt.date] = (),
    include_replacements: bool = False,
) -> IngestResult:
    """Reconstruct listing day ``day`` from the API (and, optionally, its replacements from OAI-PMH).

    Args:
        client: the arXiv client.
        day: a listing date (Mon-Fri, not after a skipped evening).
        category_filter: which papers to keep.
        holidays: skipped announcement evenings (ET dates).
        include_replacements: also harvest OAI-PMH for replace / replace-cross (slower: many records).

    Returns:
        New and cross-listed papers submitted in the day's window (plus replacements if asked),
        positioned in RSS order. See the module docstring for what this cannot find.

    Raises:
        UsageError: ``day`` has no listing (a weekend, or the day after a skipped evening).
        APIError: arXiv answered with an error.
        ParseError: arXiv answered with something that is not a feed.
        NetworkError: arXiv could not be reached after retries.
    """
    try:
        window = submission_window(day, holidays)
    except ValueError as e:
        raise UsageError(str(e)) from e
    skipped: list[str] = []
    found: dict[str, tuple[Paper, AnnounceType]] = {}
    if include_replacements:
        found.update(_replacements(client, day, window, category_filter, skipped))
    papers = client.search_submitted(category_filter.include, *window, skipped=skipped)
    found.update(_new_and_cross(papers, category_filter))
    return _result(day, "api+oai" if include_replacements else "api", found, skipped)
