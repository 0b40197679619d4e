"""The native JSON Lines format: lossless round trip and one clear error per bad record."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.errors import InputError
from hotpapers.jobs import transfer
from hotpapers.models import AccountProfile, BreakdownItem, Digest, PostKind, RankedPaper, RankedPost
from hotpapers.store import SQLiteStore, Store, open_store

from helpers.factories import DAY, T0, announcement, paper, post, snapshot


def _filled(path: Path | str) -> Store:
    store = open_store(str(path))
    p = paper(title='A "quoted" <title> & more', comment="10 pages")
    pst = post("1", "2104.08223", "hep-th/9901001", text="héllo\nwörld 🎉")
    store.upsert_papers([p, paper("hep-th/9901001", primary_category="hep-th", categories=("hep-th",))])
    store.add_announcements([announcement(), announcement("hep-th/9901001", 1)])
    store.upsert_posts([pst, post("2", kind=PostKind.REPOST, references="1")])
    store.add_snapshots([snapshot("1"), snapshot("2", likes=0)])
    ranked = RankedPaper(
        1, 30.0, p, (RankedPost(pst, snapshot("1"), 30.0),),
        (BreakdownItem("@ak92501", 30.0), BreakdownItem("a note", 0.0, "note")), 10, 20,
    )
    store.save_digest(Digest("Hot Papers 2021-04-19", DAY, T0, T0, T0, "classic", (ranked,)))
    store.add_profiles([
        AccountProfile("x", "ak92501", T0, account_id="2465283662", name="AK", followers=170_000, following=9,
                       posts=40_000, created_at=T0.replace(year=2014)),
        AccountProfile("x", "ak92501", T0.replace(hour=3), followers=170_100),
        AccountProfile("hackernews", "jl", T0, karma=2937, created_at=T0.replace(year=2007)),
    ])  # fmt: skip
    return store


def _export(store: Store) -> bytes:
    buffer = io.BytesIO()
    transfer.export(store, buffer)
    return buffer.getvalue()


def test_export_import_export_is_byte_identical(tmp_path: Path, store_url: str) -> None:
    """export -> import into an empty store (SQLite, then PostgreSQL) -> export gives the same bytes."""
    first = _export(_filled(tmp_path / "a.db"))
    (tmp_path / "dump.jsonl").write_bytes(first)
    fresh = open_store(store_url)
    transfer.import_files(fresh, [tmp_path / "dump.jsonl"])
    assert _export(fresh) == first


def test_export_starts_with_a_header(tmp_path: Path) -> None:
    """The first line names the format and its version."""
    first_line = _export(_filled(tmp_path / "a.db")).splitlines()[0]
    assert orjson.loads(first_line) == {"type": "header", "format": "hotpapers-native", "version": 1}


def test_reposts_are_not_post_records(tmp_path: Path) -> None:
    """A repost is exported as a 'repost' record, never as a 'post'."""
    lines = [orjson.loads(line) for line in _export(_filled(tmp_path / "a.db")).splitlines()]
    posts = [r for r in lines if r["type"] == "post"]
    assert [p["post_id"] for p in posts] == ["1"]


def test_post_records_carry_platform_id_url_and_ids(tmp_path: Path) -> None:
    """Each post record names its platform, own id and URL, and the canonical arXiv ids it links."""
    lines = [orjson.loads(line) for line in _export(_filled(tmp_path / "a.db")).splitlines()]
    (rec,) = [r for r in lines if r["type"] == "post"]
    assert (rec["platform"], rec["post_id"], rec["url"], rec["arxiv_ids"]) == (
        "x",
        "1",
        "https://twitter.com/ak92501/status/1",
        ["2104.08223", "hep-th/9901001"],
    )


def test_import_twice_adds_nothing(tmp_path: Path, store_url: str) -> None:
    """Importing the same native file twice leaves the store (on either backend) unchanged."""
    (tmp_path / "dump.jsonl").write_bytes(_export(_filled(tmp_path / "a.db")))
    fresh = open_store(store_url)
    transfer.import_files(fresh, [tmp_path / "dump.jsonl"])
    before = fresh.counts()
    transfer.import_files(fresh, [tmp_path / "dump.jsonl"])
    assert fresh.counts() == before


BAD_LINES = {
    "not json": (b"{not json", "line 2|:2: not valid JSON"),
    "array": (b"[1, 2]", ":2: expected a JSON object"),
    "unknown type": (b'{"type": "tweet"}', ":2: type: unknown record type 'tweet'"),
    "missing id": (b'{"type": "paper", "title": "x"}', ":2: paper: missing field 'arxiv_id'"),
    "bad id": (
        b'{"type": "paper", "arxiv_id": "nope", "title": "t", "authors": [], "abstract": "", '
        b'"primary_category": "cs.LG", "categories": []}',
        ":2: paper: not an arXiv identifier",
    ),
    "negative count": (
        b'{"type": "engagement", "platform": "x", "post_id": "1", "observed_at": "2021-04-20T00:00:00Z", '
        b'"reposts": -1}',
        ":2: engagement: EngagementSnapshot.reposts must be >= 0",
    ),
    "naive time": (
        b'{"type": "engagement", "platform": "x", "post_id": "1", "observed_at": "2021-04-20T00:00:00"}',
        ":2: engagement: observed_at: date-time has no UTC offset",
    ),
    "string count": (
        b'{"type": "engagement", "platform": "x", "post_id": "1", "observed_at": "2021-04-20T00:00:00Z", '
        b'"likes": "many"}',
        ":2: engagement: likes: expected an integer",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_bad_record_is_refused_with_file_and_line(tmp_path: Path, case: str) -> None:
    """Each kind of bad record gives one error naming the file, the line and the field."""
    line, message = BAD_LINES[case]
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"type": "header", "format": "hotpapers-native", "version": 1}\n' + line + b"\n")
    with pytest.raises(InputError) as info:
        transfer.import_files(SQLiteStore(tmp_path / "b.db"), [bad])
    assert str(bad) in str(info.value)
    assert any(part in str(info.value) for part in message.split("|"))
    assert "\n" not in str(info.value)


def test_bad_record_late_in_file_imports_nothing(tmp_path: Path, store_url: str) -> None:
    """A bad last line leaves the store (on either backend) exactly as it was (no half-import)."""
    good = _export(_filled(tmp_path / "a.db"))
    (tmp_path / "dump.jsonl").write_bytes(good + b'{"type": "nope"}\n')
    fresh = open_store(store_url)
    with pytest.raises(InputError):
        transfer.import_files(fresh, [tmp_path / "dump.jsonl"])
    assert all(v == 0 for k, v in fresh.counts().items() if k != "runs")


def test_snapshot_without_its_post_is_refused(tmp_path: Path, store_url: str) -> None:
    """Engagement for a post that exists nowhere is refused as a whole-file error (on either backend)."""
    bad = tmp_path / "orphan.jsonl"
    bad.write_bytes(
        b'{"type": "engagement", "platform": "x", "post_id": "404", "observed_at": "2021-04-20T00:00:00Z"}\n'
    )
    with pytest.raises(InputError, match="neither in the files nor in the store"):
        transfer.import_files(open_store(store_url), [bad])


def test_unsupported_header_version_is_refused(tmp_path: Path) -> None:
    """A native file of a future format version is refused, not misread."""
    bad = tmp_path / "future.jsonl"
    bad.write_bytes(b'{"type": "header", "format": "hotpapers-native", "version": 99}\n')
    with pytest.raises(InputError, match="unsupported format"):
        transfer.import_files(SQLiteStore(tmp_path / "b.db"), [bad])


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    """A JSON file of neither known format is refused by name."""
    bad = tmp_path / "other.json"
    bad.write_bytes(b'{"hello": "world"}')
    with pytest.raises(InputError, match="unknown format"):
        transfer.import_files(SQLiteStore(tmp_path / "b.db"), [bad])


def test_missing_file_is_refused(tmp_path: Path) -> None:
    """A file that does not exist is named in the error."""
    with pytest.raises(InputError, match=r"nope\.jsonl"):
        transfer.import_files(SQLiteStore(tmp_path / "b.db"), [tmp_path / "nope.jsonl"])


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_the_importer(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    """Any bytes either import or raise InputError; nothing else escapes."""
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "x.jsonl"
    path.write_bytes(data)
    store = SQLiteStore(folder / "s.db")
    try:
        transfer.import_files(store, [path])
    except InputError as e:
        assert "\n" not in str(e)
    finally:
        store.close()
