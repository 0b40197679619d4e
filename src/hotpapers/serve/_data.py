"""The one place ``hotpapers.serve`` reaches the rest of hotpapers: store reads, digests, views, writers, the site.

Every import of another hotpapers module by the serve package is here (the other serve modules import only this one,
the standard library and their web stack), so that moving those modules changes this file alone. The few functions
below adapt what they import to what the read API needs; none of them writes to the store or to a file.

Serve is a stage beside the jobs layer, not under it: it never imports ``hotpapers.jobs``. What it needs of the jobs
(the site job's source over a store, the render job's roll-ups and ``rising``) it is handed as a ``Views`` by the job
that starts it, ``hotpapers.jobs.serve``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from hotpapers.arxiv.categories import category_matches
from hotpapers.arxiv.ids import parse_id
from hotpapers.authors import fold
from hotpapers.bounds import DATE_RANGE, FIRST_DAY, LAST_DAY
from hotpapers.config import ServeSettings, Settings, load_settings
from hotpapers.enrich.view import has_code, load_enrichment, only_with_code
from hotpapers.errors import ConfigError, HotpapersError, StoreError, UsageError
from hotpapers.models import (
    ArxivId,
    Digest,
    EngagementSnapshot,
    Paper,
    PaperEnrichment,
    PostEvidence,
    RankedPaper,
    RankedPost,
)
from hotpapers.ranking import PRESETS
from hotpapers.ranking.filters import keyword_pattern
from hotpapers.ranking.views import DateRange, date_range, month_range, week_range
from hotpapers.redact import register as register_secret
from hotpapers.site import SitePages, SiteSource, engagement_series, paper_path, site_pages
from hotpapers.store import display_url, is_postgres_url, open_store, require_store
from hotpapers.store.base import Store
from hotpapers.store.schema import SCHEMA_VERSION
from hotpapers.writers import json_writer, scrub
from hotpapers.writers.json_writer import SCHEMA_VERSION as DATASET_VERSION
from hotpapers.writers.json_writer import digest_dataset, render_json

__all__ = [
    "DATASET_VERSION",
    "DATE_RANGE",
    "FIRST_DAY",
    "LAST_DAY",
    "PRESETS",
    "ArxivId",
    "ConfigError",
    "DateRange",
    "Digest",
    "EngagementSnapshot",
    "HotpapersError",
    "Paper",
    "PaperEnrichment",
    "PostEvidence",
    "RankedPaper",
    "ServeSettings",
    "Settings",
    "SitePages",
    "SiteSource",
    "Store",
    "StoreError",
    "UsageError",
    "Views",
    "canonical_paper_id",
    "category_matches",
    "date_range",
    "digest_dataset",
    "display_url",
    "engagement_series",
    "enrichment_json",
    "filter_papers",
    "fold",
    "has_code",
    "keyword_pattern",
    "load_enrichment",
    "load_settings",
    "month_range",
    "only_with_code",
    "open_read_only",
    "paper_json",
    "paper_path",
    "post_json",
    "ranked_json",
    "register_secret",
    "render_json",
    "scrub",
    "site_pages",
    "snapshot_json",
    "summary_json",
    "time_json",
    "week_range",
]


# -- what the jobs hand in -----------------------------------------------------------------------------------------


class Views(Protocol):
    """What serve asks of the jobs layer (``hotpapers.jobs.serve`` gives it): the very functions that build the
    static site and render a roll-up or ``rising``, so that the API serves what those commands write."""

    def site_source(self, store: Store, *, prefer: str) -> SiteSource:
        """The site's source over ``store``: every published digest, a day's of ``prefer`` where it has several."""
        ...

    def rollup(self, store: Store, span: DateRange, *, preset: str, now: dt.datetime) -> Digest:
        """The roll-up of ``span`` ranked fresh with ``preset`` at ``now``.

        Raises:
            UsageError: nothing announced in ``span`` is in the store, or the preset is unknown.
        """
        ...

    def rising(
        self, store: Store, span: DateRange | None, *, hours: float, preset: str, now: dt.datetime
    ) -> Digest:
        """The growth of the last ``hours`` before ``now`` of the papers of ``span`` (default the last days).

        Raises:
            UsageError: no papers in scope, or the preset is unknown.
        """
        ...


# -- the store, opened for reading only ---------------------------------------------------------------------------


def open_read_only(url: str) -> Store:
    """Open the existing store at ``url`` for reading only: it is never created, migrated or written.

    A store written by an older hotpapers would be migrated by opening it; that is a write, so it is refused instead
    (any writing command migrates it). On SQLite the connection is then made ``query_only``, on PostgreSQL every
    transaction ``READ ONLY``, so that no code path can write through it.

    Raises:
        StoreError: there is no hotpapers store at ``url``, or its schema is not this hotpapers' version.
        UsageError: a PostgreSQL URL without psycopg installed.
    """
    require_store(url)
    found = _schema_version(url)
    if found < SCHEMA_VERSION:
        raise StoreError(
            f"{display_url(url)}: the store's schema is version {found}, older than this hotpapers' "
            f"({SCHEMA_VERSION}); serving only reads, so run a writing command once (e.g. hotpapers run, or hotpapers "
            "import of any file) to migrate it"
        )
    store = open_store(url, create=False)
    try:
        _forbid_writes(store, url)
    except BaseException:
        store.close()
        raise
    return store


def _schema_version(url: str) -> int:
    """The schema version recorded in the store at ``url`` (0 when none), read on a connection that cannot write."""
    query = "SELECT value FROM hotpapers_meta WHERE key = 'schema_version'"
    if is_postgres_url(url):
        try:
            import psycopg  # noqa: PLC0415 - optional: only for a PostgreSQL store
        except ImportError:
            return SCHEMA_VERSION  # open_store says which extra to install
        try:
            with psycopg.connect(url, connect_timeout=10) as db:  # one SELECT: its transaction writes nothing
                row = db.execute(query).fetchone()
        except psycopg.errors.UndefinedTable:
            return 0
        except psycopg.Error as e:
            raise StoreError(f"{display_url(url)}: cannot read the store: {str(e).strip().splitlines()[0]}") from e
        return int(row[0]) if row else 0
    path = url.removeprefix("sqlite:///")
    try:
        lite = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = lite.execute(query).fetchone()
        finally:
            lite.close()
    except sqlite3.Error as e:
        raise StoreError(f"{path}: not a hotpapers store ({e})") from e
    return int(row[0]) if row else 0


def _forbid_writes(store: Store, url: str) -> None:
    """Make the connection refuse every write (a bug that tried one would fail instead of writing)."""
    connection = getattr(store, "_db", None)
    if connection is None:  # pragma: no cover - both backends have one
        return
    if is_postgres_url(url):
        connection.execute("SET default_transaction_read_only = on")
    else:
        connection.execute("PRAGMA query_only = ON")


# -- ids -----------------------------------------------------------------------------------------------------------


def canonical_paper_id(text: str) -> ArxivId | None:
    """The canonical versionless id of ``text`` (``2104.08223v2``, ``arXiv:hep-th/9901001``), or None."""
    parsed = parse_id(text)
    return None if parsed is None else parsed[0]


# -- filters over a published digest -------------------------------------------------------------------------------


def filter_papers(
    digest: Digest, *, categories: Sequence[str] = (), keywords: Sequence[str] = (), code: bool = False
) -> Digest:
    """The papers of ``digest`` that pass every filter, ranked 1..n in the same order, the title saying so.

    ``categories``: a paper with one of them (an archive such as ``cs`` covers its categories), as ``--category``;
    ``keywords``: a paper whose title or abstract has one of them as a whole word or phrase, as ``--keyword``;
    ``code``: only the papers with a known code repository, exactly as ``render --has-code`` writes them.
    """
    if code:
        digest = only_with_code(digest)
    if not categories and not keywords:
        return digest
    patterns = [keyword_pattern(k) for k in keywords]

    def wanted(item: RankedPaper) -> bool:
        paper = item.paper
        if categories and not any(
            category_matches(c, entry) for c in (paper.primary_category, *paper.categories) for entry in categories
        ):
            return False
        text = f"{paper.title}\n{paper.abstract}"
        return not patterns or any(p.search(text) for p in patterns)

    kept = [p for p in digest.papers if wanted(p)]
    papers = tuple(dataclasses.replace(p, rank=n) for n, p in enumerate(kept, start=1))
    said = [*(f"category {c}" for c in categories), *(f"keyword {k!r}" for k in keywords)]
    return dataclasses.replace(digest, title=f"{digest.title} ({'; '.join(said)})", papers=papers)


# -- JSON in the dataset's own shapes (docs/json-dataset.md) --------------------------------------------------------
# The dataset writer's encoders, so that a paper, a post or a summary has here exactly the fields it has in a digest.


def time_json(value: dt.datetime | None) -> str | None:
    """A date-time as the dataset writes it (RFC 3339, UTC, ``Z``)."""
    return json_writer.dataset_time(value)


def paper_json(paper: Paper) -> dict[str, Any]:
    """A paper's metadata as in ``papers[].paper``."""
    return json_writer.dataset_paper(paper)


def snapshot_json(snapshot: EngagementSnapshot) -> dict[str, Any]:
    """Engagement counts as in ``papers[].posts[].engagement``."""
    return json_writer.dataset_engagement(snapshot)


def post_json(evidence: PostEvidence) -> dict[str, Any]:
    """A post as in ``papers[].posts[]`` without the ranking's ``score``; ``engagement`` is its latest snapshot,
    or null when it was never observed."""
    if evidence.engagement is None:
        stand_in = EngagementSnapshot(evidence.post.platform, evidence.post.post_id, evidence.post.created_at)
        found = json_writer.dataset_post(RankedPost(evidence.post, stand_in, 0.0))
        found["engagement"] = None
    else:
        found = json_writer.dataset_post(RankedPost(evidence.post, evidence.engagement, 0.0))
    del found["score"]
    return found


def enrichment_json(enrichment: PaperEnrichment | None) -> dict[str, Any]:
    """``code``, ``artifacts`` and ``citations`` as in a dataset paper (every value null when unknown)."""
    return json_writer.dataset_enrichment(enrichment)


def ranked_json(ranked: RankedPaper) -> dict[str, Any]:
    """A ranked paper as in ``papers[]`` (rank, score, counts, breakdown, paper, posts, enrichment, summaries)."""
    return json_writer.dataset_ranked(ranked)


def summary_json(ranked: RankedPaper | None) -> dict[str, Any]:
    """``tldr`` and ``discussion`` of a ranked paper as in the dataset (null when it has none)."""
    if ranked is None:
        return {"tldr": None, "discussion": None}
    summary = json_writer.dataset_summary
    return {"tldr": summary(ranked.tldr), "discussion": summary(ranked.discussion)}
