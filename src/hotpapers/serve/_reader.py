"""What the read API and the MCP server read: the store's published digests, papers, views and site pages, cached.

One ``Reader`` per process holds two connections to the store, both read-only: one that reads, and one that only asks
the store for its change token (``Store.change_token``). Everything read is kept until that token changes (checked at
most every ``check_interval`` seconds), and what depends only on a digest's content (its parsed form, what search and
the paper index need of it) is kept by the digest's fingerprint, so a change elsewhere in the store reads nothing of
it again. The store's connection is used by one thread at a time (``lock``).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hotpapers.serve import _data as data

__all__ = ["Entry", "PaperView", "Published", "Reader", "SearchHit", "ViewSpec"]

T = TypeVar("T")

_PARSED_DIGESTS = 64  # parsed digests kept by fingerprint (a day's is a few hundred kB at most)


@dataclass(frozen=True, slots=True)
class Published:
    """A published digest: its day, preset and the fingerprint of its stored content."""

    day: dt.date
    preset: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Entry:
    """What search and the paper index keep of a ranked paper (no posts, no breakdown)."""

    arxiv_id: data.ArxivId
    rank: int
    score: float
    title: str
    authors: tuple[str, ...]
    abstract: str
    categories: tuple[str, ...]  # primary first
    code: bool
    folded: tuple[str, str, str]  # title, authors, rest (abstract, categories, id), folded for search


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A paper found by search, with its newest appearance in a published digest."""

    entry: Entry
    day: dt.date
    preset: str
    relevance: int


@dataclass(frozen=True, slots=True)
class PaperView:
    """A paper with everything the store knows of it."""

    paper: data.Paper
    posts: tuple[data.PostEvidence, ...]
    series: dict[tuple[str, str], tuple[data.EngagementSnapshot, ...]]
    enrichment: data.PaperEnrichment | None
    appearances: tuple[tuple[data.Digest, data.RankedPaper], ...]  # newest first


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """A view over several days (a roll-up) or of growth (``rising``), as ``render`` offers them."""

    kind: str  # "week", "month", "range" or "rising"
    span: data.DateRange | None
    hours: float = 24.0


@dataclass
class _Generation:
    """What is kept while the store's change token stays the same."""

    token: str
    index: list[Published] | None = None
    days: list[dt.date] | None = None
    by_paper: dict[str, list[tuple[Published, Entry]]] | None = None
    site: data.SitePages | None = None
    views: dict[Hashable, data.Digest] = field(default_factory=dict)


class Reader:
    """Read-only, cached access to one store (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        preset: str,
        views: data.Views,
        check_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Open the store at ``url`` twice, read-only; ``preset`` is the one a request that names none gets, ``views``
        what the jobs layer builds the site and the views with (``hotpapers.jobs.serve`` hands it in).

        Raises:
            StoreError: no current hotpapers store at ``url``.
        """
        self.preset = preset
        self.views = views
        self.check_interval = check_interval
        self._clock = clock
        self.store = data.open_read_only(url)
        try:
            self._watch = data.open_read_only(url)
        except BaseException:
            self.store.close()
            raise
        self.lock = threading.RLock()
        self._watch_lock = threading.Lock()  # the MCP server's tools run in several threads
        self._checked = -float("inf")
        self._gen = _Generation(self._watch.change_token())
        self.generation = 0
        self._parsed: OrderedDict[str, data.Digest] = OrderedDict()
        self._entries: dict[str, tuple[Entry, ...]] = {}
        self._day_cache: dict[str, object] = {}

    def close(self) -> None:
        """Close both connections."""
        with self.lock:
            self.store.close()
            self._watch.close()

    # -- freshness -------------------------------------------------------------------------------------------------

    def refresh(self) -> int:
        """Ask the store whether it changed (at most every ``check_interval`` seconds); a change drops what was read.
        Returns the generation: a number that grows with each change seen."""
        now = self._clock()
        if now - self._checked < self.check_interval:
            return self.generation
        with self._watch_lock:
            self._checked = now
            token = self._watch.change_token()
        if token != self._gen.token:
            with self.lock:
                self._gen = _Generation(token)
                self.generation += 1
        return self.generation

    @contextmanager
    def _reading(self) -> Iterator[_Generation]:
        with self.lock, self.store.snapshot():
            yield self._gen

    # -- published digests -----------------------------------------------------------------------------------------

    def index(self) -> list[Published]:
        """Every published digest, by day then preset."""
        with self._reading() as gen:
            if gen.index is None:
                gen.index = [Published(day, preset, fp) for day, preset, fp in self.store.digest_index()]
            return gen.index

    def announced_days(self) -> list[dt.date]:
        """Every day with an announcement in the store, ascending."""
        with self._reading() as gen:
            if gen.days is None:
                gen.days = self.store.announced_dates()
            return gen.days

    def presets(self) -> list[str]:
        """The ranking presets hotpapers knows."""
        return sorted(data.PRESETS)

    def published(self, day: dt.date, preset: str) -> Published | None:
        """The published digest of ``day`` with ``preset``, if any."""
        return next((p for p in self.index() if p.day == day and p.preset == preset), None)

    def latest(self, preset: str) -> Published | None:
        """The newest published digest of ``preset``."""
        found = [p for p in self.index() if p.preset == preset]
        return found[-1] if found else None

    def digest(self, published: Published) -> data.Digest:
        """The stored digest of an index entry, parsed (kept by its fingerprint).

        Raises:
            StoreError: it was removed since the index was read.
        """
        with self._reading():
            found = self._parsed.get(published.fingerprint)
            if found is None:
                loaded = self.store.load_digest(published.day, published.preset)
                if loaded is None:
                    raise data.StoreError(f"{published.day} ({published.preset}): the digest disappeared")
                found = loaded
                self._parsed[published.fingerprint] = found
                while len(self._parsed) > _PARSED_DIGESTS:
                    self._parsed.popitem(last=False)
            else:
                self._parsed.move_to_end(published.fingerprint)
            return found

    def profile_digest(self, profile: str, day: dt.date | None) -> data.Digest | None:
        """The digest ``profile`` published for ``day`` (None: its newest day), or None when it published none."""
        with self._reading():
            if day is None:
                days = self.store.profile_digest_days(profile)
                if not days:
                    return None
                day = days[0]
            found = self.store.load_profile_digest(profile, day)
        return None if found is None else found[1]

    def entries(self, published: Published) -> tuple[Entry, ...]:
        """What search and the paper index keep of a digest's papers (kept by its fingerprint)."""
        with self.lock:
            found = self._entries.get(published.fingerprint)
            if found is None:
                found = tuple(_entry(item) for item in self.digest(published).papers)
                self._entries[published.fingerprint] = found
            return found

    def _by_paper(self) -> dict[str, list[tuple[Published, Entry]]]:
        """Each listed paper's appearances, newest first."""
        with self._reading() as gen:
            if gen.by_paper is None:
                index = self.index()
                live = {p.fingerprint for p in index}
                for stale in self._entries.keys() - live:
                    del self._entries[stale]
                by_paper: dict[str, list[tuple[Published, Entry]]] = {}
                for published in reversed(index):
                    for entry in self.entries(published):
                        by_paper.setdefault(entry.arxiv_id, []).append((published, entry))
                gen.by_paper = by_paper
            return gen.by_paper

    # -- papers ----------------------------------------------------------------------------------------------------

    def paper(self, arxiv_id: data.ArxivId) -> PaperView | None:
        """The paper ``arxiv_id`` with its posts (reposts left out), their snapshot series, its latest enrichment and
        its appearances in published digests; None when the store does not have it."""
        with self._reading():
            paper = self.store.get_paper(arxiv_id)
            if paper is None:
                return None
            posts = self.store.paper_posts([arxiv_id]).get(arxiv_id, ())  # reposts left out
            series = self.store.paper_snapshot_series([arxiv_id])
            keys = {(p.post.platform, p.post.post_id) for p in posts}
            enrichment = data.load_enrichment(self.store, [arxiv_id]).get(arxiv_id)
            appearances = []
            for published, _entry in self._by_paper().get(arxiv_id, []):
                digest = self.digest(published)
                ranked = next(p for p in digest.papers if p.paper.arxiv_id == arxiv_id)
                appearances.append((digest, ranked))
        ordered = tuple(sorted(posts, key=lambda p: (p.post.created_at, p.post.platform, p.post.post_id)))
        return PaperView(
            paper, ordered, {k: v for k, v in series.items() if k in keys}, enrichment, tuple(appearances)
        )

    # -- search ----------------------------------------------------------------------------------------------------

    def search(
        self, query: str, *, categories: Sequence[str] = (), code: bool = False, preset: str | None = None
    ) -> list[SearchHit]:
        """The papers listed in published digests (of ``preset``, or any) whose title, authors, abstract, categories
        or id hold every word of ``query`` (whole words, case and accents ignored), best match first: a word in the
        title counts 3, in the authors 2, elsewhere 1; then the newest appearance, then the better rank. An arXiv id
        (or URL) in ``query`` finds that paper."""
        wanted_id = data.canonical_paper_id(query.strip().removeprefix("https://arxiv.org/abs/"))
        patterns = [data.keyword_pattern(word) for word in data.fold(query).split() if any(c.isalnum() for c in word)]
        if not patterns and wanted_id is None:
            return []
        hits: list[SearchHit] = []
        for arxiv_id, appearances in self._by_paper().items():
            chosen = [(p, e) for p, e in appearances if preset is None or p.preset == preset]
            if not chosen:
                continue
            published, entry = chosen[0]
            relevance = 100 if arxiv_id == wanted_id else _relevance(entry, patterns)
            if not relevance or (code and not entry.code):
                continue
            if categories and not any(data.category_matches(c, e) for c in entry.categories for e in categories):
                continue
            hits.append(SearchHit(entry, published.day, published.preset, relevance))
        hits.sort(key=lambda h: (-h.relevance, -h.day.toordinal(), h.entry.rank, h.entry.arxiv_id))
        return hits

    # -- views -----------------------------------------------------------------------------------------------------

    def view(self, spec: ViewSpec, *, preset: str, now: dt.datetime) -> data.Digest:
        """The roll-up or ``rising`` view of ``spec``, ranked fresh with ``preset`` at ``now`` (kept while the
        store is unchanged).

        Raises:
            UsageError: nothing announced in the view's days, or a bad preset.
        """
        key = (spec, preset, now)
        with self._reading() as gen:
            found = gen.views.get(key)
            if found is None:
                if spec.kind == "rising":
                    found = self.views.rising(self.store, spec.span, hours=spec.hours, preset=preset, now=now)
                else:
                    assert spec.span is not None
                    found = self.views.rollup(self.store, spec.span, preset=preset, now=now)
                gen.views[key] = found
            return found

    # -- the site --------------------------------------------------------------------------------------------------

    def site(self) -> data.SitePages:
        """Every page of the static site of the published digests (as ``hotpapers site build`` makes it)."""
        with self._reading() as gen:
            if gen.site is None:
                source = self.views.site_source(self.store, prefer=self.preset)
                gen.site = data.site_pages(source, day_cache=self._day_cache)
                live = {fp for _day, fp in source.days()}
                for stale in self._day_cache.keys() - live:
                    del self._day_cache[stale]
            return gen.site

    def render_page(self, pages: data.SitePages, path: str) -> bytes:
        """The bytes of one page of ``pages``."""
        with self._reading():
            return pages.render(path)


def _entry(item: data.RankedPaper) -> Entry:
    paper = item.paper
    categories = tuple(dict.fromkeys((paper.primary_category, *paper.categories)))
    rest = f"{paper.abstract}\n{' '.join(categories)}\n{paper.arxiv_id}"
    folded = (data.fold(paper.title), data.fold(" ".join(paper.authors)), data.fold(rest))
    return Entry(
        paper.arxiv_id, item.rank, item.score, paper.title, paper.authors, paper.abstract, categories,
        data.has_code(item), folded,
    )  # fmt: skip


def _relevance(entry: Entry, patterns: Sequence[Any]) -> int:
    """3 per word in the title, 2 in the authors, 1 elsewhere; 0 when some word is nowhere."""
    total = 0
    title, authors, rest = entry.folded
    for pattern in patterns:
        points = 3 if pattern.search(title) else 2 if pattern.search(authors) else 1 if pattern.search(rest) else 0
        if not points:
            return 0
        total += points
    return total
