"""The run lock: one writing command per store at a time; read-only commands and crashed holders do not block."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotpapers.cli import main
from hotpapers.errors import LockedError
from hotpapers.jobs.transfer import export_to_file
from hotpapers.store import SQLiteStore
from hotpapers.store.lock import lock_path, run_lock
from hotpapers.store.records import store_records

from helpers import factories

HOLD = """
import sys, time
from hotpapers.store.lock import run_lock
with run_lock(sys.argv[1], "hotpapers run"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold(db: Path, seconds: float = 60.0) -> subprocess.Popen[str]:
    """A child process holding the run lock of ``db`` (as `hotpapers run` would) for ``seconds``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock of tmp_path/s.db."""
    proc = _hold(tmp_path / "s.db")
    yield proc
    proc.kill()
    proc.wait()
    assert proc.stdout is not None
    proc.stdout.close()


@pytest.fixture
def native_file(tmp_path: Path) -> Path:
    """A small native file: one paper, its announcement, a post and a snapshot."""
    path = tmp_path / "in.jsonl"
    with SQLiteStore(":memory:") as store:
        store_records(store, [factories.paper(), factories.announcement(), factories.post(), factories.snapshot()])
        export_to_file(store, path)
    return path


def test_writing_command_refused_while_locked(
    holder: subprocess.Popen[str], tmp_path: Path, native_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second writing command exits 9 without touching the store."""
    db = tmp_path / "s.db"
    assert main(["--db", str(db), "import", str(native_file)]) == 9
    assert not db.exists()


def test_refusal_names_the_holder(
    holder: subprocess.Popen[str], tmp_path: Path, native_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The refusal is one line naming the store, the holder's pid and command, and when it started."""
    db = tmp_path / "s.db"
    main(["--db", str(db), "import", str(native_file)])
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"hotpapers: error: {db} is in use by another hotpapers command (pid {holder.pid}, ")
    assert "`hotpapers run`, since 20" in err and err.endswith("; try again when it ends")
    assert len(err.splitlines()) == 1


def test_read_only_command_runs_while_locked(
    holder: subprocess.Popen[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export` takes no lock, so it reads the store while a writer holds it."""
    SQLiteStore(tmp_path / "s.db").close()
    assert main(["--db", str(tmp_path / "s.db"), "export", "--out", str(tmp_path / "out.jsonl")]) == 0


def test_lock_released_when_command_ends(tmp_path: Path, native_file: Path) -> None:
    """Two commands one after the other both run: the lock is held only for a command's duration."""
    db = str(tmp_path / "s.db")
    assert main(["--db", db, "import", str(native_file)]) == 0
    assert main(["--db", db, "import", str(native_file)]) == 0


def test_killed_holder_leaves_no_stale_lock(tmp_path: Path, native_file: Path) -> None:
    """A holder killed with SIGKILL has its lock released by the OS: the next command runs."""
    proc = _hold(tmp_path / "s.db")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.stdout is not None
    proc.stdout.close()
    assert (tmp_path / "s.db.lock").exists()
    assert main(["--db", str(tmp_path / "s.db"), "import", str(native_file)]) == 0


def test_lock_file_records_the_holder(tmp_path: Path) -> None:
    """While held, the lock file says which process holds it, running which command, since when."""
    with run_lock(str(tmp_path / "s.db"), "hotpapers ingest"):
        text = (tmp_path / "s.db.lock").read_text()
    assert text.startswith("pid=") and "command=hotpapers ingest\n" in text and "since=" in text


def test_wait_gives_up_after_the_timeout(holder: subprocess.Popen[str], tmp_path: Path) -> None:
    """With a wait, a refused lock is retried until the wait is over, then refused."""
    start = time.monotonic()
    with pytest.raises(LockedError), run_lock(str(tmp_path / "s.db"), "hotpapers run", wait=0.3):
        pass
    assert time.monotonic() - start >= 0.3


def test_wait_gets_the_lock_when_the_holder_ends(tmp_path: Path) -> None:
    """With a wait, the lock is taken as soon as the holder exits."""
    proc = _hold(tmp_path / "s.db", seconds=0.3)
    with run_lock(str(tmp_path / "s.db"), "hotpapers run", wait=30):
        assert proc.wait(timeout=5) == 0
    assert proc.stdout is not None
    proc.stdout.close()


def test_in_memory_store_has_no_lock() -> None:
    """`:memory:` has no lock file; a file store's lock is its sibling `<db>.lock`."""
    assert lock_path(":memory:") is None
    assert lock_path("sqlite:///var/x/h.db") == Path("var/x/h.db.lock")  # as open_store reads the URL


def test_lock_is_reentrant_within_a_process(tmp_path: Path) -> None:
    """A process that holds the lock can take it again (nested store openings) without refusing itself."""
    db = str(tmp_path / "s.db")
    with run_lock(db, "hotpapers run"), run_lock(db, "hotpapers run"):
        pass
    with run_lock(db, "hotpapers run"):
        pass


def test_concurrent_imports_keep_the_store_consistent(tmp_path: Path, native_file: Path) -> None:
    """Two imports started together: one runs, the other waits or exits 9; the store passes integrity_check."""
    db = tmp_path / "s.db"
    cmd = [sys.executable, "-m", "hotpapers", "--db", str(db), "import", str(native_file)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=60), p.communicate()[1]) for p in procs]
    assert sorted(code for code, _ in results) in ([0, 0], [0, 9])
    assert all("is in use by another hotpapers command" in err for code, err in results if code == 9)
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM posts").fetchone()[0] == 1
    finally:
        con.close()
