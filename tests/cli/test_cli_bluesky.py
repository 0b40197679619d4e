"""`hotpapers listen bluesky` against a local Jetstream, and `hotpapers replay bluesky FILE`, through the store."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from pathlib import Path
from typing import Any

import orjson
import pytest

from hotpapers.cli import main
from hotpapers.models import LinkMethod, PaperLink, Post, PostKind
from hotpapers.sources.bluesky import scan as jetstream_scan
from hotpapers.sources.bluesky.jetstream import parse_event
from hotpapers.store import SQLiteStore

from helpers.paths import SOCIAL
from helpers.wsserver import serve_jetstream, time_us

FIXTURES = SOCIAL / "bluesky"
CAPTURE = FIXTURES / "jetstream_v1_production_capture_2026-07-04_152_events.jsonl"
DERIVED = FIXTURES / "derived" / "jetstream_capture_with_arxiv_links.jsonl"
LINES = DERIVED.read_bytes().splitlines(keepends=True)
TIMES = [time_us(line) for line in LINES]
DELETED_URI = "at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p"  # deleted on line 144


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str]:
    """Run the CLI in-process on ``db``; return (exit code, stdout). Standard error stays in ``capsys``."""
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    print(err, end="", file=__import__("sys").stderr)
    return code, out


def stored(db: Path) -> list[tuple[Any, ...]]:
    """Every post of the store: (id, kind, ids, references, deleted), sorted."""
    with SQLiteStore(db) as store:
        return sorted((p.post_id, p.kind, p.arxiv_ids, p.references, p.deleted) for p in store.iter_posts())


def state(db: Path, key: str) -> str | None:
    """A bluesky checkpoint."""
    with SQLiteStore(db) as store:
        return store.get_state("bluesky", key)


def sent_after(cursor: int) -> int:
    """How many lines the local Jetstream sends for ``cursor`` (time_us > cursor)."""
    return sum(1 for t in TIMES if t > cursor)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, ...]]:
    """The store after one uninterrupted run over the whole derived capture."""
    db = tmp_path_factory.mktemp("full") / "s.db"
    with serve_jetstream(LINES) as js:
        assert main(["--db", str(db), "listen", "bluesky", "--url", js.url + "/subscribe", "--max-events", "152"]) == 0
    return stored(db)


# --- listen -----------------------------------------------------------------------------------------------------


def test_listen_stores_arxiv_posts(uninterrupted: list[tuple[Any, ...]]) -> None:
    """One run over the derived capture stores the 8 posts that link arXiv, quotes included."""
    assert len(uninterrupted) == 8
    assert [row[1] for row in uninterrupted].count(PostKind.QUOTE) == 2


def test_listen_stores_cursor_and_prints_summary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The highest time_us is stored as bluesky/jetstream_cursor and printed in a one-line summary."""
    with serve_jetstream(LINES) as js:
        code, out = run(capsys, tmp_path / "s.db", "listen", "bluesky", "--url", js.url + "/subscribe",
                        "--max-events", "152")
    assert code == 0 and state(tmp_path / "s.db", "jetstream_cursor") == str(max(TIMES))
    assert out == f"listen bluesky: events 152, posts kept 8, deleted 0, malformed 0, cursor {max(TIMES)}\n"


def test_listen_url_from_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --url, $HOTPAPERS_JETSTREAM_URL is the endpoint."""
    with serve_jetstream(LINES) as js:
        monkeypatch.setenv("HOTPAPERS_JETSTREAM_URL", js.url + "/subscribe")
        code, _ = run(capsys, tmp_path / "s.db", "listen", "bluesky", "--max-events", "3")
    assert code == 0 and js.requests == ["/subscribe?wantedCollections=app.bsky.feed.post"]


def test_second_run_resumes_from_stored_cursor(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A second run connects with the stored cursor minus the 5 s rewind."""
    db = tmp_path / "s.db"
    with serve_jetstream(LINES) as js:
        run(capsys, db, "listen", "bluesky", "--url", js.url + "/subscribe", "--max-events", "60")
        run(capsys, db, "listen", "bluesky", "--url", js.url + "/subscribe", "--max-events", "1")
    assert js.requests[1].endswith(f"&cursor={max(TIMES[:60]) - 5_000_000}")
    assert state(db, "jetstream_cursor") == str(max(TIMES[:60]))  # the rewound event did not move it back


def test_interrupted_runs_store_what_one_run_stores(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, uninterrupted: list[tuple[Any, ...]]
) -> None:
    """Stopping after 60 events and running again gives the same store as one run: no gap, no duplicate."""
    db = tmp_path / "s.db"
    with serve_jetstream(LINES) as js:
        run(capsys, db, "listen", "bluesky", "--url", js.url + "/subscribe", "--max-events", "60")
        resend = sent_after(int(state(db, "jetstream_cursor") or 0) - 5_000_000)
        code, out = run(capsys, db, "listen", "bluesky", "--url", js.url + "/subscribe", "--max-events", str(resend))
    assert code == 0 and stored(db) == uninterrupted
    assert f"cursor {max(TIMES)}" in out


def test_without_rewind_a_resume_misses_late_events(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """time_us is not monotonic in the real capture: resuming exactly at the cursor never delivers lines 60-64."""
    db = tmp_path / "s.db"
    with serve_jetstream(LINES) as js:
        run(capsys, db, "listen", "bluesky", "--url", js.url + "/subscribe", "--max-events", "60")
        rest = sent_after(max(TIMES[:60]))
        run(capsys, db, "listen", "bluesky", "--url", js.url + "/subscribe", "--rewind", "0", "--max-events", str(rest))
    read = set(js.sent[0][:60]) | set(js.sent[1][:rest])  # what the client consumed of each connection
    assert set(range(152)) - read == {60, 61, 62, 63, 64}


def test_explicit_cursor_is_used_as_given(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--cursor T connects with cursor=T, whatever is stored."""
    with serve_jetstream(LINES) as js:
        run(capsys, tmp_path / "s.db", "listen", "bluesky", "--url", js.url + "/subscribe", "--cursor",
            str(TIMES[10]), "--max-events", "1")
    assert js.requests == [f"/subscribe?wantedCollections=app.bsky.feed.post&cursor={TIMES[10]}"]


def test_dropped_connection_reconnects_and_resumes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, uninterrupted: list[tuple[Any, ...]]
) -> None:
    """A connection dropped after 50 events is reopened from the cursor, and the store ends complete."""
    db = tmp_path / "s.db"
    with serve_jetstream(LINES, drops=[50]) as js:
        resend = sent_after(max(TIMES[:50]) - 5_000_000)
        code, _ = run(capsys, db, "listen", "bluesky", "--url", js.url + "/subscribe",
                      "--max-events", str(50 + resend))
    assert code == 0 and len(js.requests) == 2 and stored(db) == uninterrupted


def test_listen_v2_endpoint(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, uninterrupted: list[tuple[Any, ...]]
) -> None:
    """The 2026 subscribeEvents endpoint gives the same store (150 commit frames)."""
    db = tmp_path / "s.db"
    with serve_jetstream(LINES) as js:
        code, _ = run(capsys, db, "listen", "bluesky", "--url", js.url + "/xrpc/network.bsky.jetstream.subscribeEvents",
                      "--max-events", "150")
    assert code == 0 and stored(db) == uninterrupted
    assert js.requests == ["/xrpc/network.bsky.jetstream.subscribeEvents?collections=app.bsky.feed.post&kinds=commit"]


def test_listen_refuses_a_message_over_the_cap(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, uninterrupted: list[tuple[Any, ...]]
) -> None:
    """--max-line-bytes: a 6 kB message is refused (counted malformed) and the listener goes on past it."""
    high = max(TIMES[:101])
    big = orjson.dumps({"did": "did:plc:big", "time_us": high + 500, "kind": "identity", "pad": "x" * 6000})
    db = tmp_path / "s.db"
    with serve_jetstream([*LINES[:101], big + b"\n", *LINES[101:]]) as js:  # refused twice: then 1 ms past it
        code, out = run(capsys, db, "listen", "bluesky", "--url", js.url + "/subscribe", "--max-line-bytes", "2000",
                        "--max-events", str(152 + 2))
    assert code == 0 and "malformed 2," in out and stored(db) == uninterrupted


def test_sigint_stops_after_committing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Ctrl-C (SIGINT) stops the listener cleanly: exit 0, summary printed, records and cursor committed."""
    db = tmp_path / "s.db"
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    with serve_jetstream(LINES) as js:
        timer.start()
        code, out = run(capsys, db, "listen", "bluesky", "--url", js.url + "/subscribe")
    assert code == 0 and out.startswith("listen bluesky: events 152, posts kept 8")
    assert state(db, "jetstream_cursor") == str(max(TIMES)) and len(stored(db)) == 8


def test_bad_url_is_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An http:// URL is refused with exit code 2."""
    code, _ = run(capsys, tmp_path / "s.db", "listen", "bluesky", "--url", "https://example.com/subscribe")
    assert code == 2 and "not a ws:// or wss:// URL" in capsys.readouterr().err


# --- replay -----------------------------------------------------------------------------------------------------


def test_replay_real_capture_counts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Replaying the real capture reads all of it and keeps nothing (nothing there links arXiv)."""
    code, out = run(capsys, tmp_path / "s.db", "replay", "bluesky", str(CAPTURE))
    assert code == 0 and out.startswith(f"replay bluesky {CAPTURE.name}: bytes read {CAPTURE.stat().st_size}, ")
    assert out.endswith("posts kept 0, deleted 0, malformed lines skipped 0; done\n")


def test_replay_derived_matches_listen(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, uninterrupted: list[tuple[Any, ...]]
) -> None:
    """Replaying the derived dump stores what listening to it stores."""
    code, out = run(capsys, tmp_path / "s.db", "replay", "bluesky", str(DERIVED), "--batch-bytes", "4096")
    assert code == 0 and "posts kept 8, deleted 0" in out and stored(tmp_path / "s.db") == uninterrupted


def test_replay_twice_adds_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A second replay of a finished file reads nothing and changes nothing."""
    db = tmp_path / "s.db"
    run(capsys, db, "replay", "bluesky", str(DERIVED))
    before = stored(db)
    code, out = run(capsys, db, "replay", "bluesky", str(DERIVED))
    assert code == 0 and "bytes read 0, lines decoded 0, posts kept 0" in out and stored(db) == before


def test_replay_from_start_adds_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--from-start reads the file again; the store keeps one row per post."""
    db = tmp_path / "s.db"
    run(capsys, db, "replay", "bluesky", str(DERIVED))
    before = stored(db)
    _, out = run(capsys, db, "replay", "bluesky", str(DERIVED), "--from-start")
    assert f"bytes read {DERIVED.stat().st_size}, " in out and "posts kept 8" in out and stored(db) == before


def test_replay_stopped_then_resumed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, uninterrupted: list[tuple[Any, ...]]
) -> None:
    """A replay stopped after 100 lines goes on from its checkpoint, and ends with the same store."""
    db = tmp_path / "s.db"
    _, first = run(capsys, db, "replay", "bluesky", str(DERIVED), "--max-lines", "100", "--batch-bytes", "3000")
    _, second = run(capsys, db, "replay", "bluesky", str(DERIVED))
    offset = sum(len(line) for line in LINES[:100])
    assert f"bytes read {offset}, " in first and "posts kept 3" in first and f"stopped at byte {offset} of" in first
    assert f"bytes read {DERIVED.stat().st_size - offset}, " in second
    assert f"posts kept 5, deleted 0, malformed lines skipped 0 (resumed at byte {offset}); done" in second
    assert stored(db) == uninterrupted


def test_quote_after_resume_uses_the_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The quote on line 109 is kept after a resume at line 100: the post it quotes comes from the store."""
    db = tmp_path / "s.db"
    run(capsys, db, "replay", "bluesky", str(DERIVED), "--max-lines", "100")
    run(capsys, db, "replay", "bluesky", str(DERIVED))
    (quote,) = [row for row in stored(db) if row[0].endswith("/3mptbypjm6224")]
    assert quote[1:3] == (PostKind.QUOTE, ("2104.08223",))


def test_replay_killed_by_an_error_then_completed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    uninterrupted: list[tuple[Any, ...]],
) -> None:
    """An exception at the quote on line 109 keeps the blocks committed before it; the next run completes the store."""
    db = tmp_path / "s.db"

    def failing(line: bytes, observed_at: dt.datetime, known: Any = None) -> Any:
        if b"3mptbypjm6224" in line:
            raise RuntimeError("killed")
        return parse_event(line, observed_at, known)

    monkeypatch.setattr(jetstream_scan, "parse_event", failing)
    assert main(["--db", str(db), "replay", "bluesky", str(DERIVED), "--batch-bytes", "8192"]) == 1  # a bug's exit
    assert "unexpected RuntimeError: killed" in capsys.readouterr().err
    checkpoint = int(state(db, f"replay:{DERIVED.name}") or 0)
    line_109 = sum(len(line) for line in LINES[:109])
    assert checkpoint in {sum(len(line) for line in LINES[:n]) for n in range(110)} and line_109 - 8192 < checkpoint
    monkeypatch.setattr(jetstream_scan, "parse_event", parse_event)
    run(capsys, db, "replay", "bluesky", str(DERIVED))
    assert stored(db) == uninterrupted


def test_replay_counts_malformed_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Malformed lines are skipped and counted; blank lines are not events."""
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(LINES[1] + b"\n" + b"{not json\n" + LINES[87][:120] + b"\n" + b"[1, 2]\n" + LINES[93])
    _, out = run(capsys, tmp_path / "s.db", "replay", "bluesky", str(dump))
    assert "lines decoded 5, posts kept 2, deleted 0, malformed lines skipped 3" in out


def test_replay_marks_a_tracked_post_deleted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The recorded deletion on line 144 marks the post deleted when the store holds it."""
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store, store.transaction():
        store.upsert_posts([Post("bluesky", DELETED_URI, "https://bsky.app/x", "did:plc:4smmjsqf6l5jkzczvw6vsrqc", "",
                                 "arXiv:2104.08223", dt.datetime(2026, 7, 4, tzinfo=dt.UTC),
                                 (PaperLink("2104.08223", LinkMethod.TEXT),))])
    _, out = run(capsys, db, "replay", "bluesky", str(CAPTURE))
    assert "deleted 1" in out and stored(db)[0][4] is True


def test_replay_missing_file_is_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A FILE that does not exist is refused with exit code 2."""
    code, _ = run(capsys, tmp_path / "s.db", "replay", "bluesky", str(tmp_path / "nope.jsonl"))
    assert code == 2


def test_replay_records_a_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The replay is recorded as a run with its counts."""
    db = tmp_path / "s.db"
    run(capsys, db, "replay", "bluesky", str(DERIVED))
    with SQLiteStore(db) as store:
        row = store._db.execute("SELECT command, status, summary FROM runs").fetchone()
    assert row[0] == "replay bluesky" and row[1] == "ok" and orjson.loads(row[2])["kept"] == 8
