"""``export --out`` to every kind of path: regular files atomically, symlinks through to their target, FIFOs and
character devices written through, everything else refused; a full disk replaces nothing."""

from __future__ import annotations

import errno
import os
import socket
import stat
import threading
from pathlib import Path
from typing import IO

import pytest

from hotpapers.cli import main
from hotpapers.jobs import transfer
from hotpapers.store import SQLiteStore

from helpers.paths import FIXTURES

LEGACY = FIXTURES / "legacy" / "2020-08-18.json"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes]:
    """A store with the legacy fixture, and its export's bytes."""
    folder = tmp_path_factory.mktemp("store")
    with SQLiteStore(folder / "s.db") as store:
        transfer.import_files(store, [LEGACY])
        transfer.export_to_file(store, folder / "expected.jsonl")
    return str(folder / "s.db"), (folder / "expected.jsonl").read_bytes()


def export(capsys: pytest.CaptureFixture[str], db: str, out: Path | str) -> tuple[int, str]:
    """Run ``hotpapers export --out OUT``; return (exit code, stderr)."""
    code = main(["--db", db, "export", "--out", str(out)])
    return code, capsys.readouterr().err


def test_regular_file_is_replaced_whole(capsys: pytest.CaptureFixture[str], db: tuple[str, bytes], tmp_path: Path) -> None:
    """An existing file is replaced by the whole export; no temporary file is left beside it."""
    out = tmp_path / "backup.jsonl"
    out.write_bytes(b"old")
    assert export(capsys, db[0], out)[0] == 0
    assert out.read_bytes() == db[1] and [p.name for p in tmp_path.iterdir()] == ["backup.jsonl"]


def test_symlink_target_is_written_and_the_link_kept(capsys: pytest.CaptureFixture[str], db: tuple[str, bytes],
                                                      tmp_path: Path) -> None:
    """A symlink is followed: its target gets the export, the link still points to it."""
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "backup.jsonl"
    target.write_bytes(b"old")
    link = tmp_path / "latest.jsonl"
    link.symlink_to(target)
    assert export(capsys, db[0], link)[0] == 0
    assert link.is_symlink() and link.resolve() == target.resolve() and target.read_bytes() == db[1]


def test_dangling_symlink_creates_its_target(capsys: pytest.CaptureFixture[str], db: tuple[str, bytes],
                                             tmp_path: Path) -> None:
    """A symlink to a file not there yet: the file is created, the link kept."""
    link = tmp_path / "latest.jsonl"
    link.symlink_to(tmp_path / "new.jsonl")
    assert export(capsys, db[0], link)[0] == 0
    assert link.is_symlink() and (tmp_path / "new.jsonl").read_bytes() == db[1]


def test_fifo_reader_gets_the_whole_export(capsys: pytest.CaptureFixture[str], db: tuple[str, bytes],
                                          tmp_path: Path) -> None:
    """A FIFO is written through (its reader got 0 bytes when it was renamed over), and stays a FIFO."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert export(capsys, db[0], fifo)[0] == 0
    reader.join(timeout=30)
    assert received == [db[1]] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_dev_null_is_written_through(capsys: pytest.CaptureFixture[str], db: tuple[str, bytes]) -> None:
    """A character device is written, never replaced: /dev/null stays /dev/null."""
    assert export(capsys, db[0], "/dev/null")[0] == 0
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


@pytest.mark.parametrize("through_symlink", [False, True])
def test_full_device_is_one_line_exit_7_nothing_replaced(capsys: pytest.CaptureFixture[str], db: tuple[str, bytes],
                                                          tmp_path: Path, through_symlink: bool) -> None:
    """``--out /dev/full`` (or a link to it): "No space left on device" in one line, exit 7, the device intact."""
    out = Path("/dev/full")
    if through_symlink:
        (tmp_path / "link").symlink_to(out)
        out = tmp_path / "link"
    code, err = export(capsys, db[0], out)
    assert code == 7 and err == f"hotpapers: error: {out}: cannot write: No space left on device\n"
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode) and out.exists()


def test_full_disk_leaves_the_old_file(capsys: pytest.CaptureFixture[str], db: tuple[str, bytes], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that fills up mid-export: exit 7, one line, the previous backup untouched, no temporary file."""
    out = tmp_path / "backup.jsonl"
    out.write_bytes(b"previous backup")

    def full_disk(store: object, handle: IO[bytes]) -> dict[str, int]:
        handle.write(b"half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(transfer, "export", full_disk)
    code, err = export(capsys, db[0], out)
    assert code == 7 and err == f"hotpapers: error: {out}: cannot write: No space left on device\n"
    assert out.read_bytes() == b"previous backup" and [p.name for p in tmp_path.iterdir()] == ["backup.jsonl"]


def test_socket_is_refused(capsys: pytest.CaptureFixture[str], db: tuple[str, bytes], tmp_path: Path) -> None:
    """A Unix socket is neither a file nor a stream to write a backup to: refused in one line, exit 7."""
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        code, err = export(capsys, db[0], path)
    assert code == 7 and err == f"hotpapers: error: {path}: is a socket; write to a regular file, a FIFO or a " \
                                "character device\n"


def test_block_device_is_refused(capsys: pytest.CaptureFixture[str], db: tuple[str, bytes], tmp_path: Path) -> None:
    """A block device (a disk) is refused, never overwritten."""
    node = tmp_path / "disk"
    try:
        os.mknod(node, stat.S_IFBLK | 0o600, os.makedev(7, 0))
    except PermissionError:
        pytest.skip("making a block device node needs root")
    code, err = export(capsys, db[0], node)
    assert code == 7 and "is a block device" in err and stat.S_ISBLK(node.stat().st_mode)


def test_directory_is_a_usage_error(capsys: pytest.CaptureFixture[str], db: tuple[str, bytes], tmp_path: Path) -> None:
    """``--out`` naming a directory is refused before anything is read (exit 2, one line)."""
    code, err = export(capsys, db[0], tmp_path)
    assert code == 2 and err.count("\n") == 1 and "is a directory" in err
