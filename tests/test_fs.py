"""Atomic writes: whole files only, readable modes, and no leftovers from a killed writer."""

from __future__ import annotations

import os
import time
from pathlib import Path

from hotpapers._fs import atomic_write_bytes


def test_write_replaces_the_file_whole(tmp_path: Path) -> None:
    """A second write replaces the first completely."""
    target = tmp_path / "post.md"
    atomic_write_bytes(target, b"old " * 100)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"


def test_no_temporary_file_remains(tmp_path: Path) -> None:
    """After a write only the final file is in the folder."""
    atomic_write_bytes(tmp_path / "post.md", b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["post.md"]


def test_stale_leftover_of_a_killed_writer_is_removed(tmp_path: Path) -> None:
    """A temporary file older than a minute (a SIGKILLed writer's) is swept on the next write of that file."""
    leftover = tmp_path / ".post.md.abc123.tmp"
    leftover.write_bytes(b"half")
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    atomic_write_bytes(tmp_path / "post.md", b"x")
    assert not leftover.exists()


def test_fresh_temporary_file_of_another_writer_is_kept(tmp_path: Path) -> None:
    """A recent temporary file may belong to a live writer and is left alone."""
    live = tmp_path / ".post.md.def456.tmp"
    live.write_bytes(b"in progress")
    atomic_write_bytes(tmp_path / "post.md", b"x")
    assert live.exists()
