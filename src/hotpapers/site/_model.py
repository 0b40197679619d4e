"""The site's view of an ``Archive``: days, papers and categories, with the file each is written to.

Everything here is a pure function of the archive, ordered deterministically, so that the same archive always
gives the same pages. Names of files come from outside data (arXiv ids, category names) and are made safe by
``slug``: a path component of letters, digits, ``.``, ``-`` and ``_`` only, never ``.`` or ``..``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from hotpapers.models import ArxivId, Digest, Paper, RankedPaper

__all__ = [
    "Appearance",
    "CategoryEntry",
    "Month",
    "PaperEntry",
    "SiteModel",
    "build_model",
    "category_month_path",
    "category_path",
    "day_path",
    "paper_path",
    "slug",
]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


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


@dataclass(frozen=True, slots=True)
class CategoryEntry:
    """A category with its papers across days: (digest, ranked paper), newest day first, then by rank."""

    name: str
    items: tuple[Appearance, ...]

    @property
    def months(self) -> tuple[tuple[str, tuple[Appearance, ...]], ...]:
        """The items by month (``YYYY-MM``), newest month first."""
        found: dict[str, list[Appearance]] = {}
        for item in self.items:
            found.setdefault(f"{item.digest.date:%Y-%m}", []).append(item)
        return tuple((month, tuple(found[month])) for month in found)

    def recent(self, days: int) -> tuple[Appearance, ...]:
        """The items of the newest ``days`` days that have any."""
        dates = sorted({item.digest.date for item in self.items}, reverse=True)[:days]
        return tuple(item for item in self.items if item.digest.date in dates)


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
    """What the pages are made of."""

    days: tuple[Digest, ...]  # newest first, one per date
    fingerprints: dict[dt.date, str]  # of each day's digest
    papers: dict[ArxivId, PaperEntry]  # by id, sorted
    categories: tuple[CategoryEntry, ...]  # sorted by name
    months: tuple[Month, ...]  # newest first

    def neighbours(self, day: dt.date) -> tuple[Digest | None, Digest | None]:
        """The (previous = older, next = newer) digests around ``day``."""
        dates = [d.date for d in self.days]
        i = dates.index(day)
        older = self.days[i + 1] if i + 1 < len(self.days) else None
        newer = self.days[i - 1] if i > 0 else None
        return older, newer


def build_model(digests: Iterable[tuple[Digest, str]]) -> SiteModel:
    """Gather days, papers, categories and calendar months from (digest, fingerprint) pairs, one per date."""
    pairs = sorted(digests, key=lambda pair: pair[0].date, reverse=True)
    days = tuple(d for d, _ in pairs)
    papers = _papers(days)
    return SiteModel(days, {d.date: fp for d, fp in pairs}, papers, _categories(days), _months(d.date for d in days))


def _papers(days: tuple[Digest, ...]) -> dict[ArxivId, PaperEntry]:
    found: dict[ArxivId, list[Appearance]] = {}
    for digest in days:
        for ranked in digest.papers:
            found.setdefault(ranked.paper.arxiv_id, []).append(Appearance(digest, ranked))
    return {key: PaperEntry(found[key][0].ranked.paper, tuple(found[key])) for key in sorted(found)}


def _categories(days: tuple[Digest, ...]) -> tuple[CategoryEntry, ...]:
    found: dict[str, list[Appearance]] = {}
    for digest in days:
        for ranked in sorted(digest.papers, key=lambda r: r.rank):
            for name in dict.fromkeys((ranked.paper.primary_category, *ranked.paper.categories)):
                if name:
                    found.setdefault(name, []).append(Appearance(digest, ranked))
    return tuple(CategoryEntry(name, tuple(found[name])) for name in sorted(found))


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
