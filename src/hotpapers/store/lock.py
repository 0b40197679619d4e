"""The run lock: one writing command at a time per store.

An OS advisory lock (``fcntl.flock``, exclusive, non-blocking) on a sibling file ``<db>.lock``, held for the
whole command. The holder writes its pid, command and start time into the file, so that a refused command can
say who holds the store. The lock belongs to an open file description, so the OS releases it when the holder
exits, however it exits (SIGKILL included): there are no stale locks to clean up. The file itself is left in
place (removing it would let two processes lock two different files of the same name).

A store named ``:memory:`` (or a non-file URL) has no lock.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hotpapers.errors import LockedError, StoreError

__all__ = ["lock_path", "run_lock"]

_POLL_SECONDS = 0.1
_held: dict[str, int] = {}  # lock file -> how many times this process holds it (re-entrant within a process)


def lock_path(db: str) -> Path | None:
    """The lock file of the store ``db`` (a path or ``sqlite:///path``), or None when it has none."""
    if db.startswith("sqlite:///"):
        db = db.removeprefix("sqlite:///")
    if db == ":memory:" or "://" in db or db.startswith("file:"):
        return None
    return Path(db).with_name(Path(db).name + ".lock")


def _holder(fd: int) -> str:
    """What the holder wrote into the lock file: "pid N, `command`, since TIME" (or a fallback)."""
    try:
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace")
    except OSError:
        text = ""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            fields[name] = value
    if "pid" not in fields:
        return "holder unknown"
    return f"pid {fields['pid']}, `{fields.get('command', 'hotpapers')}`, since {fields.get('since', '?')}"


def _describe(command: str) -> str:
    return command or "hotpapers " + " ".join(sys.argv[1:])


@contextmanager
def run_lock(db: str, command: str, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the run lock of store ``db`` while the context runs.

    ``command`` (e.g. ``hotpapers run``) is recorded for a refused command's message. Waits up to ``wait``
    seconds for another holder to finish, then refuses.

    Raises:
        LockedError: another process holds the lock (after ``wait`` seconds).
        StoreError: the lock file cannot be created or locked.
    """
    path = lock_path(db)
    if path is None:
        yield
        return
    key = str(path.resolve())
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise StoreError(f"{path}: cannot create the lock file: {e.strerror or e}") from e
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"{db} is in use by another hotpapers command ({_holder(fd)}); try again when it ends"
                    ) from None
                time.sleep(_POLL_SECONDS)
            except OSError as e:
                raise StoreError(f"{path}: cannot lock: {e.strerror or e}") from e
        since = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        info = f"pid={os.getpid()}\ncommand={_describe(command)}\nsince={since}\n".encode()
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, info, 0)
        except OSError:
            pass  # the description is a courtesy; the lock is what matters
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)  # releases the flock
