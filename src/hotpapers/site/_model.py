"""The site's view of the archive: days, papers and categories, with the file each is written to.

The site is planned from a ``DayInfo`` per digest (its date, fingerprint, first title, and its papers' ids and
categories), which a rebuild takes from the manifest instead of reading the digest again; the pages to render
then read the full digests they show. Everything here is a pure function of its input, ordered
deterministically, so that the same archive always gives the same pages.

Names of files come from outside data (arXiv ids, category names) and are made safe by ``slug``: a path
component of letters, digits, ``.``, ``-`` and ``_`` only, never ``.`` or ``..``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from hotpapers.models import ArxivId, Digest, Paper, RankedPaper

__all__ = [
    "Appearance",
    "CategoryInfo",
    "DayInfo",
    "Month",
    "PaperEntry",
    "SiteModel",
    "build_model",
    "category_items",
    "category_month_path",
    "category_path",
    "day_info",
    "day_path",
    "paper_path",
    "slug",
]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@lru_cache(maxsize=1 << 16)
def slug(name: str) -> str:
    """A file-name-safe form of ``name``; names that had to change get a short hash, so two never collide."""
    cleaned = _UNSAFE.sub("_", name).lstrip(".")[:80]
    if cleaned == name and cleaned:
        return cleaned
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned or 'x'}-{digest}"


def paper_path(arxiv_id: str) -> str:
    """The page of a paper, relative to the site root (``hep-th/9901001`` -> ``papers/hep-th_9901001-….html``)."""
    return f"papers/{slug(arxiv_id)}.html"


def day_path(day: dt.date) -> str:
    """The page of a listing day, relative to the site root."""
    return f"days/{day.isoformat()}.html"


def category_path(category: str) -> str:
    """The page of a category, relative to the site root."""
    return f"categories/{slug(category)}.html"


def category_month_path(category: str, month: str) -> str:
    """The page of a category's papers in one month (``YYYY-MM``), relative to the site root."""
    return f"categories/{slug(category)}/{month}.html"


@dataclass(frozen=True, slots=True)
class Appearance:
    """A paper ranked in one digest."""

    digest: Digest
    ranked: RankedPaper


@dataclass(frozen=True, slots=True)
class PaperEntry:
    """A paper with every digest it was ranked in (newest first); ``paper`` is its record in the newest."""

    paper: Paper
    appearances: tuple[Appearance, ...]

    @property
    def latest(self) -> Appearance:
        """The newest appearance."""
        return self.appearances[0]


def _categories_of(paper: Paper) -> tuple[str, ...]:
    """The paper's categories as the site lists them: primary first, each once, none empty."""
    return tuple(name for name in dict.fromkeys((paper.primary_category, *paper.categories)) if name)


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What planning the site needs of one digest: no abstracts, no posts."""

    date: dt.date
    fingerprint: str
    count: int  # papers
    top_title: str | None  # the title of its first paper
    papers: tuple[tuple[ArxivId, tuple[str, ...]], ...]  # (id, categories) by rank

    def to_json(self) -> list[object]:
        """A JSON-able form, for the manifest."""
        return [self.date.isoformat(), self.count, self.top_title, [[a, list(c)] for a, c in self.papers]]

    @classmethod
    def from_json(cls, fingerprint: str, data: object) -> DayInfo:
        """The inverse of ``to_json``; raises ValueError or TypeError on anything else."""
        if not isinstance(data, list) or len(data) != 4:
            raise ValueError("a day is [date, count, top title, papers]")
        day, count, top, papers = data
        if not isinstance(count, int) or not (top is None or isinstance(top, str)) or not isinstance(papers, list):
            raise ValueError("bad day")
        parsed = []
        for arxiv_id, cats in papers:
            if not isinstance(arxiv_id, str) or not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
                raise ValueError("bad paper of a day")
            parsed.append((ArxivId(arxiv_id), tuple(cats)))
        return cls(dt.date.fromisoformat(str(day)), fingerprint, count, top, tuple(parsed))


def day_info(digest: Digest, fingerprint: str) -> DayInfo:
    """The ``DayInfo`` of a digest."""
    ranked = sorted(digest.papers, key=lambda r: r.rank)
    top = digest.papers[0].paper.title if digest.papers else None
    papers = tuple((r.paper.arxiv_id, _categories_of(r.paper)) for r in ranked)
    return DayInfo(digest.date, fingerprint, len(digest.papers), top, papers)


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """A category with the days it has papers on (newest first) and its papers' count."""

    name: str
    dates: tuple[dt.date, ...]
    total: int
    by_month: dict[str, tuple[dt.date, ...]]  # YYYY-MM -> its dates, newest first

    def month_dates(self, month: str) -> tuple[dt.date, ...]:
        """The days of ``month`` (``YYYY-MM``) with papers of the category, newest first."""
        return self.by_month[month]


@dataclass(frozen=True, slots=True)
class Month:
    """One month of the archive calendar: weeks of (date, has a digest) cells, Monday first; None pads."""

    year: int
    month: int
    weeks: tuple[tuple[dt.date | None, ...], ...]
    linked: frozenset[dt.date]

    @property
    def title(self) -> str:
        """``April 2021``."""
        return f"{calendar.month_name[self.month]} {self.year}"


@dataclass(frozen=True, slots=True)
class SiteModel:
    """The plan of the site: its days, and where each paper and category appears."""

    days: tuple[DayInfo, ...]  # newest first, one per date
    papers: dict[ArxivId, tuple[dt.date, ...]]  # by id, sorted: the days each paper is on, newest first
    categories: tuple[CategoryInfo, ...]  # sorted by name
    category_months: dict[str, tuple[tuple[str, int], ...]]  # by name: (YYYY-MM, papers), newest month first
    months: tuple[Month, ...]  # newest first
    positions: dict[dt.date, int]  # of each date in ``days``

    def neighbours(self, day: dt.date) -> tuple[DayInfo | None, DayInfo | None]:
        """The (previous = older, next = newer) days around ``day``."""
        i = self.positions[day]
        older = self.days[i + 1] if i + 1 < len(self.days) else None
        newer = self.days[i - 1] if i > 0 else None
        return older, newer

    def day(self, date: dt.date) -> DayInfo:
        """The day of ``date``."""
        return self.days[self.positions[date]]


def build_model(days: Iterable[DayInfo]) -> SiteModel:
    """Plan the site of ``days`` (one per date)."""
    ordered = tuple(sorted(days, key=lambda d: d.date, reverse=True))
    papers: dict[ArxivId, list[dt.date]] = {}
    categories: dict[str, list[dt.date]] = {}
    totals: dict[str, int] = {}
    months: dict[str, dict[str, int]] = {}
    for day in ordered:
        date, month = day.date, f"{day.date:%Y-%m}"
        for arxiv_id, cats in day.papers:
            papers.setdefault(arxiv_id, []).append(date)
            for name in cats:
                dates = categories.setdefault(name, [])
                if not dates or dates[-1] != date:
                    dates.append(date)
                totals[name] = totals.get(name, 0) + 1
                per_month = months.setdefault(name, {})
                per_month[month] = per_month.get(month, 0) + 1
    return SiteModel(
        ordered,
        {key: tuple(dict.fromkeys(papers[key])) for key in sorted(papers)},
        tuple(
            CategoryInfo(name, tuple(categories[name]), totals[name], _by_month(categories[name]))
            for name in sorted(categories)
        ),
        {name: tuple(months[name].items()) for name in sorted(months)},
        _months(d.date for d in ordered),
        {d.date: i for i, d in enumerate(ordered)},
    )


def _by_month(dates: Iterable[dt.date]) -> dict[str, tuple[dt.date, ...]]:
    found: dict[str, list[dt.date]] = {}
    for date in dates:
        found.setdefault(f"{date:%Y-%m}", []).append(date)
    return {month: tuple(value) for month, value in found.items()}


def category_items(name: str, digests: Iterable[Digest]) -> tuple[Appearance, ...]:
    """The papers of category ``name`` in ``digests`` (newest first), each day's by rank."""
    items = []
    for digest in sorted(digests, key=lambda d: d.date, reverse=True):
        for ranked in sorted(digest.papers, key=lambda r: r.rank):
            if name in _categories_of(ranked.paper):
                items.append(Appearance(digest, ranked))
    return tuple(items)


def _months(dates: Iterable[dt.date]) -> tuple[Month, ...]:
    linked = frozenset(dates)
    cal = calendar.Calendar(firstweekday=calendar.MONDAY)
    months: list[Month] = []
    for year, month in sorted({(d.year, d.month) for d in linked}, reverse=True):
        weeks = tuple(
            tuple(d if d.month == month else None for d in week) for week in cal.monthdatescalendar(year, month)
        )
        months.append(Month(year, month, weeks, frozenset(d for d in linked if (d.year, d.month) == (year, month))))
    return tuple(months)
