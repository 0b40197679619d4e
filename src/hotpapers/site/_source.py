"""What a site build reads: a ``SiteSource`` hands out digests and posts, each with a fingerprint.

A fingerprint is a short string that changes whenever the data behind it changes. The build keeps, for every
page, a key made of the fingerprints the page was rendered from (see ``_manifest.py``), and renders a page again
only when its key changes. So a source must change a fingerprint whenever anything a page shows changes:

* ``days``: the date and a fingerprint of the whole content of every digest to publish, and ``digest`` each
  digest in full, asked for only when a page that shows it is rendered (or when the manifest has no plan of it);
* ``paper_fingerprints``: for each paper, everything its page shows that its digests do not hold (the posts that
  link it and their snapshots, its latest enrichment; a stream that adds per-paper data to the page adds it here
  too);
* ``paper_posts``, ``snapshot_series`` and ``paper_enrichment``: that data, asked for only for the pages being
  rendered.

``ArchiveSource`` serves an in-memory ``Archive`` (fingerprints from the records' ``repr``, which names every
field); ``hotpapers.jobs.site.StoreSource`` serves a store, with fingerprints computed by the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Protocol

from hotpapers.models import Archive, ArxivId, Digest, EngagementSnapshot, PaperEnrichment, PostEvidence

__all__ = ["ArchiveSource", "SiteSource", "fingerprint", "unique_days"]

SeriesKey = tuple[str, str]


def fingerprint(*parts: str) -> str:
    """A short hash (blake2b, 128 bits, hex) of ``parts``; the parts are kept apart (hashed as the ``repr`` of
    the tuple, which quotes each), so order and cuts count."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class SiteSource(Protocol):
    """Where a site build gets its data (see the module docstring)."""

    def days(self) -> Sequence[tuple[dt.date, str]]:
        """(date, fingerprint of the digest) of every digest to publish, newest first, one per date."""
        ...

    def digest(self, date: dt.date) -> Digest:
        """The digest to publish for ``date`` (one of ``days()``)."""
        ...

    def paper_fingerprints(self, arxiv_ids: Collection[ArxivId]) -> Mapping[ArxivId, str]:
        """A fingerprint of what each paper's page shows besides its digests (absent: nothing is stored)."""
        ...

    def paper_posts(self, arxiv_ids: Collection[ArxivId]) -> Mapping[ArxivId, tuple[PostEvidence, ...]]:
        """Every post that links each paper, with its latest snapshot; a paper absent from the result shows the
        posts its digests picked."""
        ...

    def snapshot_series(self, arxiv_ids: Collection[ArxivId]) -> Mapping[SeriesKey, tuple[EngagementSnapshot, ...]]:
        """Every snapshot of each post that links one of the papers, by (platform, post_id), oldest first."""
        ...

    def paper_enrichment(self, arxiv_ids: Collection[ArxivId]) -> Mapping[ArxivId, PaperEnrichment]:
        """The latest enrichment of each paper (``hotpapers enrich``); a paper absent from the result shows what
        its latest digest showed."""
        ...


def unique_days(digests: Iterable[Digest]) -> list[Digest]:
    """One digest per date, newest date first; of several for one date, the first given wins."""
    by_date: dict[dt.date, Digest] = {}
    for digest in digests:
        by_date.setdefault(digest.date, digest)
    return [by_date[d] for d in sorted(by_date, reverse=True)]


class ArchiveSource:
    """A ``SiteSource`` over an in-memory ``Archive``."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._digests = {d.date: d for d in unique_days(archive.digests)}

    def days(self) -> list[tuple[dt.date, str]]:
        """The archive's digests (one per date, newest first), fingerprinted by their ``repr``."""
        return [(d.date, fingerprint("digest", repr(d))) for d in self._digests.values()]

    def digest(self, date: dt.date) -> Digest:
        """The archive's digest of ``date``."""
        return self._digests[date]

    def paper_fingerprints(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, str]:
        """A fingerprint of each paper's posts, of their snapshot series and of its enrichment."""
        found = {}
        for arxiv_id in arxiv_ids:
            posts = self.archive.paper_posts.get(arxiv_id)
            enrichment = self.archive.enrichment.get(arxiv_id)
            if posts is None and enrichment is None:
                continue
            parts = ["enrichment", repr(enrichment)] if enrichment is not None else []
            if posts is not None:
                keys = sorted({(e.post.platform, e.post.post_id) for e in posts})
                parts += ["posts", repr(posts), *(repr(self.archive.series.get(key, ())) for key in keys)]
            found[arxiv_id] = fingerprint(*parts)
        return found

    def paper_posts(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, tuple[PostEvidence, ...]]:
        """The archive's posts of each paper that has an entry."""
        posts = self.archive.paper_posts
        return {arxiv_id: posts[arxiv_id] for arxiv_id in arxiv_ids if arxiv_id in posts}

    def snapshot_series(self, arxiv_ids: Collection[ArxivId]) -> Mapping[SeriesKey, tuple[EngagementSnapshot, ...]]:
        """The archive's series (all of them: a page looks up only its own posts)."""
        return self.archive.series

    def paper_enrichment(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, PaperEnrichment]:
        """The archive's enrichment of each paper that has some."""
        known = self.archive.enrichment
        return {arxiv_id: known[arxiv_id] for arxiv_id in arxiv_ids if arxiv_id in known}
