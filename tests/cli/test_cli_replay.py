"""`hotpapers replay bluesky FILE` at its edges: a dump still being written, lines over the cap, endless input."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.cli import main
from hotpapers.sources.bluesky.events import DEFAULT_MAX_LINE_BYTES
from hotpapers.store import SQLiteStore

from helpers.paths import SOCIAL

DERIVED = SOCIAL / "bluesky" / "derived" / "jetstream_capture_with_arxiv_links.jsonl"
DATA = DERIVED.read_bytes()
LINES = DATA.splitlines(keepends=True)
FIRST_POST = 1  # 0-based line of the capture: the first derived post that links arXiv
_EVENT = orjson.loads(LINES[FIRST_POST])
POST_URI = f"at://{_EVENT['did']}/app.bsky.feed.post/{_EVENT['commit']['rkey']}"


def replay(db: Path, dump: Path, *args: str, config: Path | None = None) -> tuple[int, str, str]:
    """Run ``replay bluesky`` in-process; (exit code, stdout, stderr)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            code = main([*(["--config", str(config)] if config else []), "--db", str(db), "replay", "bluesky",
                         str(dump), *args])
        finally:
            sys.stdout, sys.stderr = saved
        out.seek(0)
        err.seek(0)
        return code, out.read(), err.read()


def stored(db: Path) -> list[tuple[Any, ...]]:
    """Every post of the store: (id, kind, ids, references, deleted), sorted."""
    with SQLiteStore(db) as store:
        return sorted((p.post_id, p.kind, p.arxiv_ids, p.references, p.deleted) for p in store.iter_posts())


def checkpoint(db: Path, dump: Path) -> int:
    """The replay checkpoint of ``dump``."""
    with SQLiteStore(db) as store:
        return int(store.get_state("bluesky", f"replay:{dump.name}") or 0)


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, ...]]:
    """The store after replaying the whole derived dump at once."""
    db = tmp_path_factory.mktemp("whole") / "s.db"
    assert replay(db, DERIVED)[0] == 0
    return stored(db)


# --- a dump still being written (issue 11, item 5) ----------------------------------------------------------------


def test_unfinished_last_line_is_stored_once_completed(tmp_path: Path) -> None:
    """A post whose line is cut short is not stored and not passed; completed, the next run stores it."""
    dump, db = tmp_path / "dump.jsonl", tmp_path / "s.db"
    head = b"".join(LINES[:FIRST_POST])
    dump.write_bytes(head + LINES[FIRST_POST][:200])
    code, out, _ = replay(db, dump)
    assert code == 0 and "posts kept 0" in out and "malformed lines skipped 0" in out
    assert f"the last line (200 bytes from byte {len(head)}) has no newline yet" in out
    assert checkpoint(db, dump) == len(head) and stored(db) == []
    dump.write_bytes(head + LINES[FIRST_POST])
    code, out, _ = replay(db, dump)
    assert code == 0 and "posts kept 1" in out and f"(resumed at byte {len(head)}); done" in out
    assert [row[0] for row in stored(db)] == [POST_URI] and checkpoint(db, dump) == len(head) + len(LINES[FIRST_POST])


def test_complete_last_line_without_newline_is_stored_and_read_again(tmp_path: Path) -> None:
    """A last line that parses but has no newline yet is stored; the checkpoint stays before it, so the next run
    reads it again and the store still holds it once."""
    dump, db = tmp_path / "dump.jsonl", tmp_path / "s.db"
    dump.write_bytes(LINES[0] + LINES[FIRST_POST].rstrip(b"\n"))
    _, first, _ = replay(db, dump)
    _, second, _ = replay(db, dump)
    assert "posts kept 1" in first and "posts kept 1" in second and "has no newline yet" in second
    assert [row[0] for row in stored(db)] == [POST_URI] and checkpoint(db, dump) == len(LINES[0])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=st.lists(st.integers(0, len(DATA)), min_size=1, max_size=3), batch=st.sampled_from([1, 700, 1 << 23]),
       crlf=st.booleans())
def test_replaying_growing_prefixes_gives_the_store_of_the_whole(
    whole: list[tuple[Any, ...]], cuts: list[int], batch: int, crlf: bool
) -> None:
    """The dump written in pieces cut anywhere (mid-line too), replayed after each: the same store as the whole
    dump replayed at once."""
    data = DATA.replace(b"\n", b"\r\n") if crlf else DATA
    with tempfile.TemporaryDirectory() as tmp:
        dump, db = Path(tmp) / "dump.jsonl", Path(tmp) / "s.db"
        for cut in sorted(cuts):
            dump.write_bytes(data[:cut * len(data) // len(DATA)])
            assert replay(db, dump, "--batch-bytes", str(batch))[0] == 0
        dump.write_bytes(data)
        assert replay(db, dump, "--batch-bytes", str(batch))[0] == 0
        assert stored(db) == whole and checkpoint(db, dump) == len(data)


# --- the line cap (issue 11, item 3) ------------------------------------------------------------------------------


def _with_long_line(tmp_path: Path) -> Path:
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(LINES[0] + b'{"junk":"' + b"x" * 3000 + b'"}\n' + LINES[FIRST_POST])
    return dump


def test_max_line_bytes_option_refuses_a_longer_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """--max-line-bytes 1000: the 3,000-byte line is skipped with one warning naming its byte, counted malformed,
    and the post after it is kept."""
    dump = _with_long_line(tmp_path)
    code, out, err = replay(tmp_path / "s.db", dump, "--max-line-bytes", "1000")
    assert code == 0 and "posts kept 1, deleted 0, malformed lines skipped 1" in out and out.endswith("; done\n")
    assert caplog.messages == [f"{dump}: the line at byte {len(LINES[0])} is longer than 1000 bytes "
                               "(the line cap: max_line_bytes): skipped"]  # the library's words; the CLI's:
    assert err == (f"hotpapers: {dump}: the line at byte {len(LINES[0])} is longer than 1000 bytes "
                   "(the line cap, --max-line-bytes): skipped\n")


def test_max_line_bytes_from_the_config(tmp_path: Path) -> None:
    """The config key firehose_max_line_bytes sets the cap; the option wins over it."""
    dump, config = _with_long_line(tmp_path), tmp_path / "hotpapers.toml"
    config.write_text("firehose_max_line_bytes = 1000\n")
    _, default, _ = replay(tmp_path / "a.db", dump)
    _, capped, _ = replay(tmp_path / "b.db", dump, config=config)
    _, option, _ = replay(tmp_path / "c.db", dump, "--max-line-bytes", "100000", config=config)
    assert "malformed lines skipped 0" in default and "malformed lines skipped 0" in option
    assert "malformed lines skipped 1" in capped


def test_default_cap_is_the_config_default() -> None:
    """The config's default cap is the one the Jetstream module documents (16 MiB)."""
    from hotpapers.config import Settings  # noqa: PLC0415

    assert Settings().firehose_max_line_bytes == DEFAULT_MAX_LINE_BYTES == 16 << 20


@pytest.mark.parametrize("value", ["0", "-5", "1.5", '"16M"', "true"])
def test_bad_cap_in_the_config_is_one_line(tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A cap that is not a positive integer stops the command with the config error (exit 3), naming the key."""
    config = tmp_path / "hotpapers.toml"
    config.write_text(f"firehose_max_line_bytes = {value}\n")
    code = main(["--config", str(config), "--db", str(tmp_path / "s.db"), "replay", "bluesky", str(DERIVED)])
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1 and "firehose_max_line_bytes must be a positive integer" in err


def test_replay_reads_a_pipe(tmp_path: Path) -> None:
    """FILE may be a FIFO (a dump piped in as it is received): it is read to its end like a file."""
    fifo = tmp_path / "live.jsonl"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(DATA,))
    writer.start()
    code, out, _ = replay(tmp_path / "s.db", fifo)
    writer.join()
    assert code == 0 and "posts kept 8, deleted 0, malformed lines skipped 0; done" in out


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists() or not Path("/dev/zero").exists(),
                    reason="needs /proc and /dev/zero (Linux)")
def test_replay_of_dev_zero_keeps_memory_bounded(tmp_path: Path) -> None:
    """``replay bluesky /dev/zero`` (one endless line): one warning, and the peak memory stays flat while
    gigabytes go by, until it is stopped."""
    argv = [sys.executable, "-m", "hotpapers", "--db", str(tmp_path / "s.db"), "replay", "bluesky", "/dev/zero",
            "--max-line-bytes", "1048576"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(3)
        status = Path(f"/proc/{proc.pid}/status").read_text()
        io_read = int(next(x for x in Path(f"/proc/{proc.pid}/io").read_text().splitlines()
                           if x.startswith("rchar:")).split()[1])
    finally:
        proc.kill()
        _, err = proc.communicate()
    peak_kb = int(next(x for x in status.splitlines() if x.startswith("VmHWM:")).split()[1])
    assert peak_kb < 150 * 1024 and io_read > 100 << 20
    assert err.decode().strip() == ("hotpapers: /dev/zero: the line at byte 0 is longer than 1048576 bytes "
                                    "(the line cap, --max-line-bytes): skipped")
