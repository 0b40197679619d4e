"""Enrichment in the store, on SQLite and PostgreSQL: idempotent writes, latest reads, series, export round trip."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

from hotpapers.enrich.view import load_enrichment
from hotpapers.jobs import render as render_job
from hotpapers.jobs import transfer
from hotpapers.models import (
    ArtifactSnapshot,
    ArxivId,
    CitationSnapshot,
    CodeHost,
    CodeLink,
    FoundIn,
    RepoSnapshot,
)
from hotpapers.store import open_store
from hotpapers.store.schema import SCHEMA_VERSION

from helpers.enrichworld import DAY, DISCUSSED, GOODVIEWS, NOW, listing_store

URL = "https://github.com/mandiehyewon/goodviews_ecg"
ID = ArxivId(GOODVIEWS)
RECORDS = (
    CodeLink(ID, URL, CodeHost.GITHUB, FoundIn.ABSTRACT, NOW - dt.timedelta(days=2)),
    CodeLink(ID, URL, CodeHost.GITHUB, FoundIn.HUGGINGFACE, NOW - dt.timedelta(days=1)),
    RepoSnapshot(URL, NOW - dt.timedelta(days=2), 10, NOW - dt.timedelta(days=3), 'W/"a"'),
    RepoSnapshot(URL, NOW, 30, NOW - dt.timedelta(days=3), 'W/"b"'),
    ArtifactSnapshot(ID, NOW - dt.timedelta(days=1), 1, 0, 0),
    ArtifactSnapshot(ID, NOW, 2, 1, 1),
    CitationSnapshot(ID, NOW, True, 12, 3, "NeurIPS", "abc"),
    CitationSnapshot(ArxivId("2411.17703"), NOW, False),
)


def test_migration_brings_a_new_store_to_the_latest_version(store_url: str) -> None:
    """A new store has the enrichment tables at the current schema version, on both backends."""
    with open_store(store_url) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.latest_citations([ID]) == {}


def test_writes_are_idempotent(store_url: str) -> None:
    """Writing the same records twice stores them once; the counts say what was added."""
    with listing_store(store_url) as store:
        first = store.add_enrichment(RECORDS)
        second = store.add_enrichment(RECORDS)
    assert first == {"code_links": 2, "repo_snapshots": 2, "artifact_snapshots": 2, "citation_snapshots": 2}
    assert sum(second.values()) == 0


def test_latest_reads_and_the_series(store_url: str) -> None:
    """The latest artifact and citation snapshots, each paper's links, and a repository's series by its key."""
    with listing_store(store_url) as store:
        store.add_enrichment(RECORDS)
        assert store.latest_artifacts([ID])[ID].models == 2
        assert store.latest_citations([ID, ArxivId("2411.17703")])[ArxivId("2411.17703")].found is False
        assert [link.found_in for link in store.code_links_of([ID])[ID]] == [FoundIn.ABSTRACT, FoundIn.HUGGINGFACE]
        series = store.repo_series([URL.upper().replace("HTTPS://", "https://")], NOW - dt.timedelta(days=1))
    assert [s.stars for s in series[URL.casefold()]] == [10, 30]  # the one before the cut, then the rest


def test_shown_enrichment_combines_the_stored_records(store_url: str) -> None:
    """``load_enrichment``: the confirmed link with 30 stars at 10 a day, 2 models · 1 dataset · 1 Space, 12 citations."""
    with listing_store(store_url) as store:
        store.add_enrichment(RECORDS)
        shown = load_enrichment(store, [ID], NOW)[ID]
    assert shown.code is not None and (shown.code.stars, shown.code.stars_per_day) == (30, 10.0)
    assert shown.artifacts is not None and shown.artifacts.total == 4
    assert shown.citations is not None and (shown.citations.count, shown.citations.venue) == (12, "NeurIPS")


def test_export_import_export_is_lossless(store_url: str, tmp_path: Path) -> None:
    """Export, import into an empty store, export again: the same bytes, enrichment and digests included."""
    with listing_store(store_url, DISCUSSED) as store:
        store.add_enrichment(RECORDS)
        render_job.build_digest(store, DAY, preset="default", now=NOW)
        first = io.BytesIO()
        counts = transfer.export(store, first)
    assert counts["code_link"] == 2 and counts["citation_snapshot"] == 2
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(first.getvalue())
    with open_store(str(tmp_path / "copy.db")) as copy:
        transfer.import_files(copy, [dump])
        second = io.BytesIO()
        transfer.export(copy, second)
    assert second.getvalue() == first.getvalue()
    assert b'"type":"repo_snapshot"' in first.getvalue() and b'"enrichment":' in first.getvalue()


def test_published_digest_keeps_its_enrichment(store_url: str) -> None:
    """A digest ranked with enrichment reloads with the same enrichment (what re-rendering a day shows)."""
    with listing_store(store_url, DISCUSSED) as store:
        store.add_enrichment(RECORDS)
        digest = render_job.build_digest(store, DAY, preset="default", now=NOW)
        loaded = store.load_digest(DAY, "default")
    ranked = {p.paper.arxiv_id: p for p in digest.papers}
    assert ranked[ID].enrichment is not None and ranked[ID].enrichment.code is not None
    assert loaded == digest


def test_copy_store_copies_enrichment(tmp_path: Path) -> None:
    """``copy-store`` carries the code links and the three series."""
    with listing_store(str(tmp_path / "a.db")) as source, open_store(str(tmp_path / "b.db")) as dest:
        source.add_enrichment(RECORDS)
        counts = transfer.copy_store(source, dest)
        assert dest.latest_artifacts([ID])[ID] == RECORDS[5]
    assert counts["repo_snapshots"] == 2


def test_a_refreshed_digest_that_only_gained_enrichment_is_saved_again(tmp_path: Path) -> None:
    """Ranking again after enrichment arrived gives a different digest (with it): the new one is published."""
    with listing_store(str(tmp_path / "s.db"), DISCUSSED) as store:
        before = render_job.build_digest(store, DAY, preset="default", now=NOW)
        store.add_enrichment(RECORDS)
        after = render_job.build_digest(store, DAY, preset="default", now=NOW + dt.timedelta(hours=1), refresh=True)
    assert dataclasses.replace(after, generated_at=before.generated_at) != before
    assert any(p.enrichment is not None for p in after.papers)
