"""The store on both backends (SQLite and PostgreSQL): schema, idempotent writes, evidence, digests; bad databases."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from hotpapers.errors import SchemaVersionError, StoreError
from hotpapers.models import Digest, PostKind
from hotpapers.store import SQLiteStore, Store, open_store
from hotpapers.store.schema import SCHEMA_VERSION
from hotpapers.store.sql import SQLStore

from helpers.factories import DAY, T0, announcement, paper, post, snapshot


def test_new_store_is_at_current_schema_version(store: Store) -> None:
    """A new database is migrated to the latest schema."""
    assert store.schema_version() == SCHEMA_VERSION


def test_store_uses_wal_journal(tmp_path: Path) -> None:
    """A SQLite store runs in WAL mode, so readers never block the writer."""
    with SQLiteStore(tmp_path / "t.db") as store:
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_data(store_url: str) -> None:
    """Data written before close is there after reopening."""
    s = open_store(store_url)
    s.upsert_papers([paper()])
    s.close()
    s = open_store(store_url)
    assert s.get_paper(paper().arxiv_id) == paper()
    s.close()


def test_upsert_paper_twice_is_one_row(store: Store) -> None:
    """Writing the same paper twice leaves one row."""
    store.upsert_papers([paper()])
    store.upsert_papers([paper()])
    assert store.counts()["papers"] == 1


def test_newer_version_replaces_older(store: Store) -> None:
    """A later version of a paper replaces its metadata."""
    store.upsert_papers([paper(version=1)])
    store.upsert_papers([paper(version=2, title="New title")])
    stored = store.get_paper(paper().arxiv_id)
    assert stored is not None and (stored.version, stored.title) == (2, "New title")


def test_older_version_does_not_replace_newer(store: Store) -> None:
    """An older version arriving late does not overwrite a newer one."""
    store.upsert_papers([paper(version=3, title="v3")])
    store.upsert_papers([paper(version=1, title="v1")])
    stored = store.get_paper(paper().arxiv_id)
    assert stored is not None and stored.title == "v3"


def test_categories_round_trip_in_order(store: Store) -> None:
    """Categories come back in their original order, primary first."""
    store.upsert_papers([paper(categories=("stat.ML", "cs.LG", "cs.AI"), primary_category="stat.ML")])
    stored = store.get_paper(paper().arxiv_id)
    assert stored is not None and stored.categories == ("stat.ML", "cs.LG", "cs.AI")


def test_post_seen_twice_is_one_post(store: Store) -> None:
    """One post per (platform, post id), however often it is seen."""
    assert store.upsert_posts([post()]) == 1
    assert store.upsert_posts([post()]) == 0
    assert store.counts()["posts"] == 1


def test_post_links_are_merged(store: Store) -> None:
    """A post seen once per paper ends up linked to both papers."""
    store.upsert_posts([post("1", "2104.08223")])
    store.upsert_posts([post("1", "2104.07798")])
    (stored,) = list(store.iter_posts())
    assert stored.arxiv_ids == ("2104.08223", "2104.07798")


def test_snapshots_append(store: Store) -> None:
    """Two observations at different instants are two snapshots."""
    store.upsert_posts([post()])
    store.add_snapshots([snapshot(at=T0), snapshot(at=T0 + dt.timedelta(hours=1), likes=30)])
    assert store.counts()["engagement"] == 2


def test_same_snapshot_twice_is_stored_once(store: Store) -> None:
    """Re-importing the same observation adds nothing."""
    store.upsert_posts([post()])
    store.add_snapshots([snapshot()])
    assert store.add_snapshots([snapshot()]) == 0


def test_transaction_rolls_back_on_error(store: Store) -> None:
    """Nothing written inside a failed transaction remains."""
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_papers([paper()])
        raise RuntimeError("boom")
    assert store.counts()["papers"] == 0


def test_snapshot_of_unknown_post_fails_at_commit(store: Store) -> None:
    """A snapshot whose post does not exist is refused, and nothing is kept."""
    with pytest.raises(StoreError, match=r"(?i)foreign key"):
        store.add_snapshots([snapshot()])
    assert store.counts()["engagement"] == 0


def test_evidence_lists_day_papers_in_position_order(store: Store) -> None:
    """Evidence for a day holds its papers in announcement order."""
    store.upsert_papers([paper("2104.00002"), paper("2104.00001")])
    store.add_announcements([announcement("2104.00002", 0), announcement("2104.00001", 1)])
    ids = [e.paper.arxiv_id for e in store.evidence_for_day(DAY)]
    assert ids == ["2104.00002", "2104.00001"]


def test_evidence_uses_latest_snapshot(store: Store) -> None:
    """Each post's engagement is its most recent snapshot."""
    store.upsert_papers([paper()])
    store.add_announcements([announcement()])
    store.upsert_posts([post()])
    store.add_snapshots([snapshot(likes=5, at=T0), snapshot(likes=50, at=T0 + dt.timedelta(hours=2))])
    (evidence,) = store.evidence_for_day(DAY)
    assert evidence.posts[0].engagement is not None and evidence.posts[0].engagement.likes == 50


def test_evidence_includes_post_without_snapshot(store: Store) -> None:
    """A post never observed is still evidence, with no engagement."""
    store.upsert_papers([paper()])
    store.add_announcements([announcement()])
    store.upsert_posts([post()])
    (evidence,) = store.evidence_for_day(DAY)
    assert evidence.posts[0].engagement is None


def test_deleted_posts_keep_snapshots(store: Store) -> None:
    """Marking a post deleted keeps it and its last snapshot."""
    store.upsert_posts([post()])
    store.add_snapshots([snapshot()])
    store.mark_deleted("x", ["1383990658680037381"])
    (stored,) = list(store.iter_posts())
    assert stored.deleted and store.counts()["engagement"] == 1


def test_repost_kind_round_trips(store: Store) -> None:
    """A repost keeps its kind and what it reposts."""
    store.upsert_posts([post("9", kind=PostKind.REPOST, references="1")])
    (stored,) = list(store.iter_posts())
    assert (stored.kind, stored.references) == (PostKind.REPOST, "1")


def test_digest_round_trips(store: Store) -> None:
    """A saved digest loads back equal."""
    digest = Digest("Hot Papers 2021-04-19", DAY, T0, T0, T0, "classic", ())
    store.save_digest(digest)
    assert store.load_digest(DAY, "classic") == digest


def test_runs_are_recorded(store: Store) -> None:
    """A run's start and end are stored."""
    run = store.start_run("import", T0)
    store.finish_run(run, T0, "ok", {"papers": 1})
    assert isinstance(store, SQLStore)
    assert store._execute("SELECT status FROM runs WHERE id = ?", (run,)).fetchone()[0] == "ok"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    """A database written by a newer hotpapers is refused with a clear error."""
    SQLiteStore(tmp_path / "t.db").close()
    db = sqlite3.connect(tmp_path / "t.db")
    db.execute("UPDATE hotpapers_meta SET value = '999' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(SchemaVersionError, match="newer"):
        SQLiteStore(tmp_path / "t.db")


def test_non_database_file_is_refused(tmp_path: Path) -> None:
    """A file that is not SQLite gives a StoreError naming the file."""
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"bad\.db"):
        SQLiteStore(bad)


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    """A SQLite file of another program is not taken over."""
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a hotpapers database"):
        SQLiteStore(other)


def test_sqlite_url_form_is_accepted(tmp_path: Path) -> None:
    """``sqlite:///path`` opens the file at path."""
    s = open_store(f"sqlite:///{tmp_path / 'u.db'}")
    s.close()
    assert (tmp_path / "u.db").exists()


def test_version_1_database_is_migrated(tmp_path: Path) -> None:
    """A store written at schema version 1 is upgraded in place, keeping its data."""
    from hotpapers.store import schema  # noqa: PLC0415

    db = sqlite3.connect(tmp_path / "old.db")
    db.executescript(schema.MIGRATIONS[0])
    db.execute("INSERT INTO hotpapers_meta(key, value) VALUES ('schema_version', '1')")
    db.execute(
        "INSERT INTO papers(arxiv_id, version, title, authors, abstract, primary_category) "
        "VALUES ('2104.08223', 1, 't', '[]', '', 'cs.CV')"
    )
    db.commit()
    db.close()
    with SQLiteStore(tmp_path / "old.db") as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.counts()["papers"] == 1
        store.set_state("bluesky", "cursor", "1")


def test_source_state_round_trips(store: Store) -> None:
    """A checkpoint saved for a source is read back; a later save replaces it."""
    assert store.get_state("bluesky", "jetstream_cursor") is None
    store.set_state("bluesky", "jetstream_cursor", "100")
    store.set_state("bluesky", "jetstream_cursor", "200")
    assert store.get_state("bluesky", "jetstream_cursor") == "200"


def test_snapshot_series_is_in_time_order(store: Store) -> None:
    """A post's snapshot series comes back oldest first."""
    store.upsert_posts([post()])
    store.add_snapshots([snapshot(likes=9, at=T0 + dt.timedelta(hours=3)), snapshot(likes=1, at=T0)])
    series = store.snapshot_series([("x", "1383990658680037381")])
    assert [s.likes for s in series["x", "1383990658680037381"]] == [1, 9]


def test_later_sighting_fills_in_the_author(store: Store) -> None:
    """A post first seen with a DID and no name takes the handle and name of a later, better sighting."""
    store.upsert_posts([post("1", author_handle="did:plc:abc", author_name="")])
    store.upsert_posts([post("1", author_handle="alice.bsky.social", author_name="Alice")])
    store.upsert_posts([post("1", author_handle="did:plc:abc", author_name="")])
    (stored,) = list(store.iter_posts())
    assert (stored.author_handle, stored.author_name) == ("alice.bsky.social", "Alice")


def test_run_ids_increase(store: Store) -> None:
    """Each run gets a new, larger id (SQLite's rowid, PostgreSQL's identity column)."""
    first = store.start_run("import", T0)
    second = store.start_run("run", T0)
    assert second > first


def test_counts_cover_every_record_table(store: Store) -> None:
    """``counts`` reports each record table of a fresh store as zero."""
    assert store.counts() == dict.fromkeys(
        ("papers", "announcements", "posts", "post_papers", "engagement", "digests", "runs", "account_profiles",
         "code_links", "repo_snapshots", "artifact_snapshots", "citation_snapshots",
         "summaries"), 0
    )


def test_iter_states_lists_every_checkpoint(store: Store) -> None:
    """Every source checkpoint is listed, by source then key."""
    store.set_state("x", "since_id", "5")
    store.set_state("bluesky", "jetstream_cursor", "100")
    assert list(store.iter_states()) == [("bluesky", "jetstream_cursor", "100"), ("x", "since_id", "5")]


def test_iter_posts_keeps_link_order(store: Store) -> None:
    """A post's links come back in the order they were found, across sightings."""
    store.upsert_posts([post("1", "2104.00002", "2104.00001")])
    store.upsert_posts([post("1", "2104.00003")])
    (stored,) = list(store.iter_posts())
    assert [link.arxiv_id for link in stored.links] == ["2104.00002", "2104.00001", "2104.00003"]


def test_iter_papers_keeps_category_order(store: Store) -> None:
    """Whole-store reads return each paper with its categories in order, and papers with none."""
    store.upsert_papers([paper("2104.00002", categories=("cs.LG", "cs.AI")), paper("2104.00001", categories=())])
    assert [(p.arxiv_id, p.categories) for p in store.iter_papers()] == [
        ("2104.00001", ()),
        ("2104.00002", ("cs.LG", "cs.AI")),
    ]


def test_text_orders_bytewise(store: Store) -> None:
    """Posts come back in byte order of their ids on both backends (PostgreSQL text uses the C collation)."""
    store.upsert_posts([post(i) for i in ("b", "B", "a", "_", "A")])
    assert [p.post_id for p in store.iter_posts()] == ["A", "B", "_", "a", "b"]


def test_snapshot_sees_one_state(store: Store) -> None:
    """A read snapshot may be nested and returns the same answers as reads outside it."""
    store.upsert_papers([paper()])
    with store.snapshot(), store.snapshot():
        assert store.counts()["papers"] == 1
