"""The SQLite store: schema, idempotent writes, evidence for a day, digests, bad databases."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from hotpapers.errors import SchemaVersionError, StoreError, UsageError
from hotpapers.models import Digest, PostKind
from hotpapers.store import SQLiteStore, open_store
from hotpapers.store.schema import SCHEMA_VERSION

from factories import DAY, T0, announcement, paper, post, snapshot


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    """A fresh store in a temporary file."""
    s = SQLiteStore(tmp_path / "t.db")
    yield s
    s.close()


def test_new_store_is_at_current_schema_version(store: SQLiteStore) -> None:
    """A new database is migrated to the latest schema."""
    assert store.schema_version() == SCHEMA_VERSION


def test_store_uses_wal_journal(store: SQLiteStore) -> None:
    """The database runs in WAL mode, so readers never block the writer."""
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_data(tmp_path: Path) -> None:
    """Data written before close is there after reopening."""
    with SQLiteStore(tmp_path / "t.db") as s:
        s.upsert_papers([paper()])
    with SQLiteStore(tmp_path / "t.db") as s:
        assert s.get_paper(paper().arxiv_id) == paper()


def test_upsert_paper_twice_is_one_row(store: SQLiteStore) -> None:
    """Writing the same paper twice leaves one row."""
    store.upsert_papers([paper()])
    store.upsert_papers([paper()])
    assert store.counts()["papers"] == 1


def test_newer_version_replaces_older(store: SQLiteStore) -> None:
    """A later version of a paper replaces its metadata."""
    store.upsert_papers([paper(version=1)])
    store.upsert_papers([paper(version=2, title="New title")])
    stored = store.get_paper(paper().arxiv_id)
    assert stored is not None and (stored.version, stored.title) == (2, "New title")


def test_older_version_does_not_replace_newer(store: SQLiteStore) -> None:
    """An older version arriving late does not overwrite a newer one."""
    store.upsert_papers([paper(version=3, title="v3")])
    store.upsert_papers([paper(version=1, title="v1")])
    stored = store.get_paper(paper().arxiv_id)
    assert stored is not None and stored.title == "v3"


def test_categories_round_trip_in_order(store: SQLiteStore) -> None:
    """Categories come back in their original order, primary first."""
    store.upsert_papers([paper(categories=("stat.ML", "cs.LG", "cs.AI"), primary_category="stat.ML")])
    stored = store.get_paper(paper().arxiv_id)
    assert stored is not None and stored.categories == ("stat.ML", "cs.LG", "cs.AI")


def test_post_seen_twice_is_one_post(store: SQLiteStore) -> None:
    """One post per (platform, post id), however often it is seen."""
    assert store.upsert_posts([post()]) == 1
    assert store.upsert_posts([post()]) == 0
    assert store.counts()["posts"] == 1


def test_post_links_are_merged(store: SQLiteStore) -> None:
    """A post seen once per paper ends up linked to both papers."""
    store.upsert_posts([post("1", "2104.08223")])
    store.upsert_posts([post("1", "2104.07798")])
    (stored,) = list(store.iter_posts())
    assert stored.arxiv_ids == ("2104.08223", "2104.07798")


def test_snapshots_append(store: SQLiteStore) -> None:
    """Two observations at different instants are two snapshots."""
    store.upsert_posts([post()])
    store.add_snapshots([snapshot(at=T0), snapshot(at=T0 + dt.timedelta(hours=1), likes=30)])
    assert store.counts()["engagement"] == 2


def test_same_snapshot_twice_is_stored_once(store: SQLiteStore) -> None:
    """Re-importing the same observation adds nothing."""
    store.upsert_posts([post()])
    store.add_snapshots([snapshot()])
    assert store.add_snapshots([snapshot()]) == 0


def test_transaction_rolls_back_on_error(store: SQLiteStore) -> None:
    """Nothing written inside a failed transaction remains."""
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_papers([paper()])
        raise RuntimeError("boom")
    assert store.counts()["papers"] == 0


def test_snapshot_of_unknown_post_fails_at_commit(store: SQLiteStore) -> None:
    """A snapshot whose post does not exist is refused, and nothing is kept."""
    with pytest.raises(StoreError, match="FOREIGN KEY"):
        store.add_snapshots([snapshot()])
    assert store.counts()["engagement"] == 0


def test_evidence_lists_day_papers_in_position_order(store: SQLiteStore) -> None:
    """Evidence for a day holds its papers in announcement order."""
    store.upsert_papers([paper("2104.00002"), paper("2104.00001")])
    store.add_announcements([announcement("2104.00002", 0), announcement("2104.00001", 1)])
    ids = [e.paper.arxiv_id for e in store.evidence_for_day(DAY)]
    assert ids == ["2104.00002", "2104.00001"]


def test_evidence_uses_latest_snapshot(store: SQLiteStore) -> None:
    """Each post's engagement is its most recent snapshot."""
    store.upsert_papers([paper()])
    store.add_announcements([announcement()])
    store.upsert_posts([post()])
    store.add_snapshots([snapshot(likes=5, at=T0), snapshot(likes=50, at=T0 + dt.timedelta(hours=2))])
    (evidence,) = store.evidence_for_day(DAY)
    assert evidence.posts[0].engagement is not None and evidence.posts[0].engagement.likes == 50


def test_evidence_includes_post_without_snapshot(store: SQLiteStore) -> None:
    """A post never observed is still evidence, with no engagement."""
    store.upsert_papers([paper()])
    store.add_announcements([announcement()])
    store.upsert_posts([post()])
    (evidence,) = store.evidence_for_day(DAY)
    assert evidence.posts[0].engagement is None


def test_deleted_posts_keep_snapshots(store: SQLiteStore) -> None:
    """Marking a post deleted keeps it and its last snapshot."""
    store.upsert_posts([post()])
    store.add_snapshots([snapshot()])
    store.mark_deleted("x", ["1383990658680037381"])
    (stored,) = list(store.iter_posts())
    assert stored.deleted and store.counts()["engagement"] == 1


def test_repost_kind_round_trips(store: SQLiteStore) -> None:
    """A repost keeps its kind and what it reposts."""
    store.upsert_posts([post("9", kind=PostKind.REPOST, references="1")])
    (stored,) = list(store.iter_posts())
    assert (stored.kind, stored.references) == (PostKind.REPOST, "1")


def test_digest_round_trips(store: SQLiteStore) -> None:
    """A saved digest loads back equal."""
    digest = Digest("Hot Papers 2021-04-19", DAY, T0, T0, T0, "classic", ())
    store.save_digest(digest)
    assert store.load_digest(DAY, "classic") == digest


def test_runs_are_recorded(store: SQLiteStore) -> None:
    """A run's start and end are stored."""
    run = store.start_run("import", T0)
    store.finish_run(run, T0, "ok", {"papers": 1})
    assert store._db.execute("SELECT status FROM runs WHERE id = ?", (run,)).fetchone()[0] == "ok"


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


def test_postgresql_url_is_not_yet_supported() -> None:
    """A PostgreSQL URL says plainly that the backend is not available, without the password."""
    with pytest.raises(UsageError) as info:
        open_store("postgresql://user:secret@db.example/hot")
    assert "secret" not in str(info.value)


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


def test_source_state_round_trips(store: SQLiteStore) -> None:
    """A checkpoint saved for a source is read back; a later save replaces it."""
    assert store.get_state("bluesky", "jetstream_cursor") is None
    store.set_state("bluesky", "jetstream_cursor", "100")
    store.set_state("bluesky", "jetstream_cursor", "200")
    assert store.get_state("bluesky", "jetstream_cursor") == "200"


def test_snapshot_series_is_in_time_order(store: SQLiteStore) -> None:
    """A post's snapshot series comes back oldest first."""
    store.upsert_posts([post()])
    store.add_snapshots([snapshot(likes=9, at=T0 + dt.timedelta(hours=3)), snapshot(likes=1, at=T0)])
    series = store.snapshot_series([("x", "1383990658680037381")])
    assert [s.likes for s in series["x", "1383990658680037381"]] == [1, 9]


def test_later_sighting_fills_in_the_author(store: SQLiteStore) -> None:
    """A post first seen with a DID and no name takes the handle and name of a later, better sighting."""
    store.upsert_posts([post("1", author_handle="did:plc:abc", author_name="")])
    store.upsert_posts([post("1", author_handle="alice.bsky.social", author_name="Alice")])
    store.upsert_posts([post("1", author_handle="did:plc:abc", author_name="")])
    (stored,) = list(store.iter_posts())
    assert (stored.author_handle, stored.author_name) == ("alice.bsky.social", "Alice")
