"""The site job: read the published digests from a store and bring the static site up to date.

``build_site_from_store`` is what ``hotpapers site build`` runs. It hands ``hotpapers.site.build_site`` a
``StoreSource``: the digests to publish with the store's fingerprints of their content, and each paper's posts
read only when its page is rendered, so a rebuild reads in full only what changed (see docs/site.md).

Which digests: with a preset, the digests published with it; without one, every published digest, and on a
day published with several presets the digest of ``prefer`` (the configured preset), else of the first preset
by name. So a store filled by ``hotpapers demo`` (preset ``classic``) or by ``hotpapers run`` (the configured
preset) gives its site without naming the preset.

With ``has_code`` every day lists only its papers with a known code repository (``hotpapers enrich``); a paper
page shows the paper's latest enrichment, and its fingerprint covers it, so a new snapshot rebuilds that page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from pathlib import Path

from hotpapers.enrich.view import load_enrichment, only_with_code
from hotpapers.errors import StoreError
from hotpapers.models import Archive, ArxivId, Digest, EngagementSnapshot, PaperEnrichment, PostEvidence
from hotpapers.site import SiteReport, build_site, fingerprint
from hotpapers.store.base import Store
from hotpapers.writers.embeds import EMBED_MODES, EmbedMode, parse_embed_mode

__all__ = [
    "EMBED_MODES",
    "StoreSource",
    "build_archive",
    "build_site_from_store",
    "choose_digests",
    "parse_embed_mode",
]


def choose_digests(
    index: Iterable[tuple[dt.date, str, str]], *, preset: str | None, prefer: str | None = None
) -> list[tuple[dt.date, str, str]]:
    """The (day, preset, fingerprint) entries to publish, newest day first, one per day (see the module)."""
    by_day: dict[dt.date, list[tuple[dt.date, str, str]]] = {}
    for entry in index:
        if preset is None or entry[1] == preset:
            by_day.setdefault(entry[0], []).append(entry)
    chosen = []
    for day in sorted(by_day, reverse=True):
        entries = sorted(by_day[day], key=lambda e: (e[1] != prefer, e[1]))
        chosen.append(entries[0])
    return chosen


class StoreSource:
    """A ``SiteSource`` over a store: the chosen digests, and posts read on demand."""

    def __init__(
        self, store: Store, *, preset: str | None, prefer: str | None = None, has_code: bool = False
    ) -> None:
        self.store = store
        self.preset = preset
        self.prefer = prefer
        self.has_code = has_code
        self._presets: dict[dt.date, str] = {}

    def days(self) -> list[tuple[dt.date, str]]:
        """The days to publish with the store's fingerprints of their digests' content, newest first."""
        chosen = choose_digests(self.store.digest_index(), preset=self.preset, prefer=self.prefer)
        self._presets = {day: preset for day, preset, _ in chosen}
        if self.has_code:  # another digest than the stored one: another fingerprint
            return [(day, fingerprint("has-code", fp)) for day, _, fp in chosen]
        return [(day, fp) for day, _, fp in chosen]

    def digest(self, date: dt.date) -> Digest:
        """The chosen digest of ``date``, read from the store (only its papers with code, with ``has_code``)."""
        preset = self._presets[date]
        digest = self.store.load_digest(date, preset)
        if digest is None:  # removed between the two reads
            raise StoreError(f"{date} ({preset}): the digest disappeared while the site was being built")
        return only_with_code(digest) if self.has_code else digest

    def paper_fingerprints(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, str]:
        """The store's fingerprints of each paper's posts and snapshots, and of its enrichment."""
        posts = self.store.paper_post_fingerprints(arxiv_ids)
        enriched = self.store.paper_enrichment_fingerprints(arxiv_ids)
        if not enriched:
            return posts
        return {
            arxiv_id: fingerprint(posts.get(arxiv_id, "-"), enriched.get(arxiv_id, "-"))
            for arxiv_id in posts.keys() | enriched.keys()
        }

    def paper_posts(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, tuple[PostEvidence, ...]]:
        """Every post linking each paper (reposts left out), with its latest snapshot."""
        return self.store.paper_posts(arxiv_ids)

    def snapshot_series(self, arxiv_ids: Collection[ArxivId]) -> dict[tuple[str, str], tuple[EngagementSnapshot, ...]]:
        """Every snapshot of each post linking one of the papers, oldest first."""
        return self.store.paper_snapshot_series(arxiv_ids)

    def paper_enrichment(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, PaperEnrichment]:
        """The latest enrichment of each paper that has some (as of each repository's latest snapshot)."""
        return load_enrichment(self.store, arxiv_ids)


def build_site_from_store(
    store: Store,
    out_dir: Path,
    *,
    preset: str | None = None,
    prefer: str | None = None,
    embeds: EmbedMode = "static",
    base_url: str = "/",
    full: bool = False,
    has_code: bool = False,
) -> SiteReport:
    """Bring the site of ``store``'s published digests under ``out_dir`` up to date (see the module docstring).

    Raises:
        UsageError: bad ``embeds`` or ``base_url``.
        StoreError: the store could not be read.
        WriterError: a file could not be written or removed.
    """
    source = StoreSource(store, preset=preset, prefer=prefer, has_code=has_code)
    return build_site(source, out_dir, embeds=embeds, base_url=base_url, full=full)


def build_archive(store: Store, *, preset: str, now: dt.datetime) -> Archive:
    """Everything the static site shows, in memory: the published digests of ``preset`` (newest first), every
    post of each listed paper with its latest snapshot (reposts left out), the snapshot series of those posts,
    and each listed paper's latest enrichment. ``now`` becomes ``Archive.generated_at`` (the site itself stamps
    pages from the digests)."""
    digests = sorted((d for d in store.iter_digests() if d.preset == preset), key=lambda d: d.date, reverse=True)
    listed = {p.paper.arxiv_id for d in digests for p in d.papers}
    paper_posts = store.paper_posts(listed)
    keys = sorted({(e.post.platform, e.post.post_id) for posts in paper_posts.values() for e in posts})
    return Archive(tuple(digests), paper_posts, store.snapshot_series(keys), now, load_enrichment(store, listed))
