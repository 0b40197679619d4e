"""File-system helpers: every output is written to a temporary file and renamed into place."""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from hotpapers.errors import WriterError

__all__ = ["atomic_write_bytes", "atomic_write_text", "write_output"]


def _umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_STALE_SECONDS = 60.0


def _sweep_stale(path: Path) -> None:
    """Remove temporary files a killed writer of ``path`` left behind (older than a minute, so never a live one)."""
    cutoff = time.time() - _STALE_SECONDS
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees either the old file or the whole new one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _sweep_stale(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            # mkstemp makes the file 0600; give it the mode a plain open() would (0666 less the umask), so that
            # a web server or another user can read published files.
            Path(tmp).chmod(0o666 & ~_umask())
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise WriterError(f"{path}: cannot write: {e.strerror or e}") from e


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (temporary file, then rename)."""
    atomic_write_bytes(path, text.encode("utf-8"))


T = TypeVar("T")


def _output_kind(path: Path) -> tuple[Path, str]:
    """(where to write, how): a regular file or nothing is replaced atomically, a FIFO or character device is
    written through, and a symlink is followed to its target (the link stays)."""
    target = path.resolve() if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target, "file"
    if stat.S_ISREG(mode):
        return target, "file"
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return target, "stream"
    kind = "a directory" if stat.S_ISDIR(mode) else "a block device" if stat.S_ISBLK(mode) else "a socket"
    raise WriterError(f"{path}: is {kind}; write to a regular file, a FIFO or a character device")


def write_output(path: Path, produce: Callable[[IO[bytes]], T]) -> T:
    """Stream what ``produce`` writes to ``path``, whatever ``path`` is, and return its result.

    * A regular file (or no file): written to a temporary file beside it and renamed into place, so a reader sees
      the old file or the whole new one, and a failure (a full disk) leaves the old file as it was.
    * A symlink: its target is written that way (the symlink itself stays, pointing to the new file).
    * A FIFO or a character device (``/dev/stdout``, a pipe to ``gzip``): written through, in order; there is
      nothing to replace.
    * Anything else (a directory, a block device, a socket) is refused.

    Raises:
        WriterError: the output cannot be written (one line, with the reason), or is of a refused kind.
    """
    try:
        target, how = _output_kind(path)
        if how == "stream":
            fd = os.open(target, os.O_WRONLY | os.O_NOCTTY)
            with os.fdopen(fd, "wb") as handle:
                return produce(handle)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sweep_stale(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                result = produce(handle)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp).chmod(0o666 & ~_umask())
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return result
    except OSError as e:
        raise WriterError(f"{path}: cannot write: {e.strerror or e}") from e
