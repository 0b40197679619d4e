"""The enrichment queries both backends share: code links, and the stars / artifacts / citations series.

Mixed into ``SQLStore``; every write is idempotent (a repeat of the same key is ignored: a code link keeps where
and when it was first found; a snapshot is appended once per key and instant). Reads of many keys are one indexed
query per key (``_select_each``), pipelined on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from abc import abstractmethod
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from hotpapers.models import (
    ArtifactSnapshot,
    ArxivId,
    CitationSnapshot,
    CodeHost,
    CodeLink,
    EnrichmentRecord,
    FoundIn,
    RepoSnapshot,
    repo_key,
)
from hotpapers.store._primitives import SQLPrimitives
from hotpapers.store.base import WriteCounts
from hotpapers.store.rows import from_ts, from_ts_opt, ts, ts_opt

__all__ = ["ENRICHMENT_TABLES", "SQLEnrichment"]

ENRICHMENT_TABLES = ("code_links", "repo_snapshots", "artifact_snapshots", "citation_snapshots")

_LINK_COLUMNS = "arxiv_id, url, host, found_in, position, found_at"
_REPO_COLUMNS = "url, observed_at, stars, created_at, etag"
_ARTIFACT_COLUMNS = "arxiv_id, observed_at, models, datasets, spaces"
_CITATION_COLUMNS = "arxiv_id, observed_at, found, citations, influential, venue, s2_id"
_KEYS = {
    "code_links": ("arxiv_id", "found_in", "url"),
    "repo_snapshots": ("url", "observed_at"),
    "artifact_snapshots": ("arxiv_id", "observed_at"),
    "citation_snapshots": ("arxiv_id", "observed_at"),
}  # each table's primary key (store/schema.py)
_BATCH = 500  # ids per set-based query: well under both backends' limits on bound parameters
_HOSTS = {member.value: member for member in CodeHost}
_PLACES = {member.value: member for member in FoundIn}


def _chunks(keys: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), _BATCH):
        yield list(keys[start : start + _BATCH])


def _link_row(link: CodeLink) -> tuple[Any, ...]:
    return (link.arxiv_id, link.url, link.host.value, link.found_in.value, link.position, ts(link.found_at))


def _link(row: Sequence[Any]) -> CodeLink:
    return CodeLink(ArxivId(row[0]), row[1], _HOSTS[row[2]], _PLACES[row[3]], from_ts(row[5]), int(row[4]))


def _repo_row(snap: RepoSnapshot) -> tuple[Any, ...]:
    return (snap.url, ts(snap.observed_at), snap.stars, ts_opt(snap.created_at), snap.etag)


def _repo(row: Sequence[Any]) -> RepoSnapshot:
    stars = None if row[2] is None else int(row[2])
    return RepoSnapshot(row[0], from_ts(row[1]), stars, from_ts_opt(row[3]), row[4])


def _artifact_row(snap: ArtifactSnapshot) -> tuple[Any, ...]:
    return (snap.arxiv_id, ts(snap.observed_at), snap.models, snap.datasets, snap.spaces)


def _artifact(row: Sequence[Any]) -> ArtifactSnapshot:
    return ArtifactSnapshot(ArxivId(row[0]), from_ts(row[1]), int(row[2]), int(row[3]), int(row[4]))


def _citation_row(snap: CitationSnapshot) -> tuple[Any, ...]:
    return (
        snap.arxiv_id, ts(snap.observed_at), int(snap.found), snap.citations, snap.influential, snap.venue, snap.s2_id,
    )


def _citation(row: Sequence[Any]) -> CitationSnapshot:
    return CitationSnapshot(
        ArxivId(row[0]), from_ts(row[1]), bool(row[2]),
        None if row[3] is None else int(row[3]), None if row[4] is None else int(row[4]), row[5], row[6],
    )  # fmt: skip


_INSERTS: tuple[tuple[type, str, str, Any], ...] = (
    (CodeLink, "code_links", _LINK_COLUMNS, _link_row),
    (RepoSnapshot, "repo_snapshots", _REPO_COLUMNS, _repo_row),
    (ArtifactSnapshot, "artifact_snapshots", _ARTIFACT_COLUMNS, _artifact_row),
    (CitationSnapshot, "citation_snapshots", _CITATION_COLUMNS, _citation_row),
)


class SQLEnrichment(SQLPrimitives):
    """Enrichment writes and reads on the store's connection."""

    @abstractmethod
    def _select_each(self, sql: str, params: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
        """The rows of one query per parameter row, all together."""

    # -- writes -----------------------------------------------------------------------------

    def add_enrichment(self, records: Iterable[EnrichmentRecord]) -> WriteCounts:
        """Store enrichment records (a repeat of a key is ignored); returns the rows added per table."""
        by_type: dict[type, list[EnrichmentRecord]] = defaultdict(list)
        for record in records:
            by_type[type(record)].append(record)
        counts = WriteCounts()
        with self.transaction():
            for kind, table, columns, to_row in _INSERTS:
                items = by_type.get(kind, [])
                if items:
                    marks = ", ".join("?" * len(columns.split(",")))
                    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"
                    counts.add({table: self._executemany(sql, (to_row(r) for r in items))})
        return counts

    def replace_enrichment(self, records: Sequence[EnrichmentRecord]) -> int:
        """Write enrichment records wholly over the stored ones of the same key (an import's last record of a key
        wins: the duplicates rule of ``hotpapers.store.records``). Returns the records written."""
        by_type: dict[type, list[EnrichmentRecord]] = defaultdict(list)
        for record in records:
            by_type[type(record)].append(record)
        written = 0
        with self.transaction():
            for kind, table, columns, to_row in _INSERTS:
                items = by_type.get(kind, [])
                if items:
                    names = [c.strip() for c in columns.split(",")]
                    key = _KEYS[table]
                    updates = ", ".join(f"{c} = excluded.{c}" for c in names if c not in key)
                    sql = (
                        f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(names))}) "
                        f"ON CONFLICT({', '.join(key)}) DO UPDATE SET {updates}"
                    )
                    self._executemany(sql, (to_row(r) for r in items))
                    written += len(items)
        return written

    # -- reads ------------------------------------------------------------------------------

    def code_links_of(self, arxiv_ids: Iterable[ArxivId]) -> dict[ArxivId, list[CodeLink]]:
        """The code links stored for each of ``arxiv_ids`` (papers with none are left out), in storage order."""
        found = self._select_each(
            f"SELECT {_LINK_COLUMNS} FROM code_links WHERE arxiv_id = ? ORDER BY found_in, position, url",
            [(i,) for i in sorted(set(arxiv_ids))],
        )
        links: dict[ArxivId, list[CodeLink]] = defaultdict(list)
        for row in found:
            links[ArxivId(row[0])].append(_link(row))
        return dict(links)

    def repo_series(
        self, urls: Iterable[str], since: dt.datetime | dt.timedelta
    ) -> dict[str, list[RepoSnapshot]]:
        """For each repository URL (by ``repo_key``), its snapshots observed at or after ``since`` and the latest
        before it, in time order (repositories with none are left out).

        ``since`` is an instant, or a span: that long before each repository's own latest snapshot (what a page
        shows then depends on the stored snapshots alone, not on the clock).
        """
        keys = sorted({repo_key(u) for u in urls})
        series: dict[str, list[RepoSnapshot]] = defaultdict(list)
        with self.snapshot():
            if isinstance(since, dt.timedelta):
                latest = self._select_each(
                    "SELECT url, observed_at FROM repo_snapshots WHERE url = ? ORDER BY observed_at DESC LIMIT 1",
                    [(k,) for k in keys],
                )
                cuts = [(str(url), ts(from_ts(last) - since)) for url, last in latest]
            else:
                cuts = [(k, ts(since)) for k in keys]
            for row in self._select_each(
                f"SELECT {_REPO_COLUMNS} FROM repo_snapshots WHERE url = ? AND observed_at = "
                "(SELECT max(observed_at) FROM repo_snapshots WHERE url = ? AND observed_at < ?)",
                [(k, k, cut) for k, cut in cuts],
            ):
                series[row[0]].append(_repo(row))
            for row in self._select_each(
                f"SELECT {_REPO_COLUMNS} FROM repo_snapshots WHERE url = ? AND observed_at >= ? ORDER BY observed_at",
                cuts,
            ):
                series[row[0]].append(_repo(row))
        return dict(series)

    def paper_enrichment_fingerprints(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, str]:
        """For each of ``arxiv_ids`` with some enrichment, a fingerprint that changes whenever what its page shows
        of it may change (the static site's incremental build, ``hotpapers.store.site_reads``).

        It covers the paper's code links (every field a page's choice reads), each of their repositories' snapshot
        count, newest instant and sum of stars, and the paper's latest artifact and citation snapshots in full.
        Snapshots are appended, never changed, except by an import repeating a key (the last record wins), which
        the sum of stars and the latest snapshots' values cover. One query per table and 500 papers, one per
        500 repositories.
        """
        ids = sorted(set(arxiv_ids))
        parts: dict[str, list[str]] = defaultdict(list)
        links: dict[str, list[str]] = defaultdict(list)
        with self.snapshot():
            for batch in _chunks(ids):
                marks = ", ".join("?" * len(batch))
                for row in self._execute(
                    f"SELECT arxiv_id, url, host, found_in, position FROM code_links WHERE arxiv_id IN ({marks}) "
                    "ORDER BY arxiv_id, found_in, position, url",
                    batch,
                ):
                    parts[row[0]].append("link" + repr(tuple(str(v) for v in row[1:])))
                    links[row[0]].append(repo_key(str(row[1])))
                for table, columns in (("artifact_snapshots", _ARTIFACT_COLUMNS),
                                       ("citation_snapshots", _CITATION_COLUMNS)):  # fmt: skip
                    for row in self._execute(
                        f"SELECT {columns} FROM {table} t WHERE arxiv_id IN ({marks}) AND observed_at = "
                        f"(SELECT max(observed_at) FROM {table} WHERE arxiv_id = t.arxiv_id)",
                        batch,
                    ):
                        parts[row[0]].append(table + repr(tuple(str(v) for v in row[1:])))
            repos: dict[str, str] = {}
            for batch in _chunks(sorted({key for found in links.values() for key in found})):
                for row in self._execute(
                    "SELECT url, count(*), max(observed_at), sum(coalesce(stars, -1)), count(stars), max(created_at) "
                    f"FROM repo_snapshots WHERE url IN ({', '.join('?' * len(batch))}) GROUP BY url",
                    batch,
                ):
                    repos[str(row[0])] = repr(tuple(str(v) for v in row[1:]))
        for arxiv_id, keys in links.items():
            parts[arxiv_id] += [f"repo {key}{repos.get(key, '-')}" for key in sorted(set(keys))]
        return {
            ArxivId(key): hashlib.blake2b("\n".join(value).encode("utf-8"), digest_size=16).hexdigest()
            for key, value in parts.items()
        }

    def latest_artifacts(self, arxiv_ids: Iterable[ArxivId]) -> dict[ArxivId, ArtifactSnapshot]:
        """The latest artifact snapshot of each paper that has one."""
        return {s.arxiv_id: s for s in map(_artifact, self._latest("artifact_snapshots", _ARTIFACT_COLUMNS, arxiv_ids))}

    def latest_citations(self, arxiv_ids: Iterable[ArxivId]) -> dict[ArxivId, CitationSnapshot]:
        """The latest citation snapshot of each paper that has one."""
        return {s.arxiv_id: s for s in map(_citation, self._latest("citation_snapshots", _CITATION_COLUMNS, arxiv_ids))}

    def _latest(self, table: str, columns: str, arxiv_ids: Iterable[ArxivId]) -> list[Sequence[Any]]:
        return self._select_each(
            f"SELECT {columns} FROM {table} WHERE arxiv_id = ? AND observed_at = "
            f"(SELECT max(observed_at) FROM {table} WHERE arxiv_id = ?)",
            [(i, i) for i in sorted(set(arxiv_ids))],
        )

    # -- whole-store streams (the native export) ---------------------------------------------

    def iter_code_links(self) -> Iterator[CodeLink]:
        """Every code link, by paper, place, position and URL."""
        for row in self._stream(f"SELECT {_LINK_COLUMNS} FROM code_links ORDER BY arxiv_id, found_in, position, url"):
            yield _link(row)

    def iter_repo_snapshots(self) -> Iterator[RepoSnapshot]:
        """Every repository snapshot, by URL then time."""
        for row in self._stream(f"SELECT {_REPO_COLUMNS} FROM repo_snapshots ORDER BY url, observed_at"):
            yield _repo(row)

    def iter_artifact_snapshots(self) -> Iterator[ArtifactSnapshot]:
        """Every artifact snapshot, by paper then time."""
        for row in self._stream(f"SELECT {_ARTIFACT_COLUMNS} FROM artifact_snapshots ORDER BY arxiv_id, observed_at"):
            yield _artifact(row)

    def iter_citation_snapshots(self) -> Iterator[CitationSnapshot]:
        """Every citation snapshot, by paper then time."""
        for row in self._stream(f"SELECT {_CITATION_COLUMNS} FROM citation_snapshots ORDER BY arxiv_id, observed_at"):
            yield _citation(row)
