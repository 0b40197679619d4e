"""The jobs that move whole stores: ``import`` (native or legacy files into a store), ``export`` (a store to the
native format) and ``copy-store`` (a store into another, e.g. SQLite to PostgreSQL).

An import is all or nothing: one transaction for all its files. Files are read once, front to back, so pipes and
devices work, and no record may exceed a size cap, which bounds the memory an input can take. An export reads one
consistent state of the store (a read snapshot), streamed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import orjson

from hotpapers._fs import write_output
from hotpapers.bounds import check_record
from hotpapers.config import DEFAULT_MAX_RECORD_BYTES
from hotpapers.errors import InputError, StoreError
from hotpapers.models import Record
from hotpapers.native.format import looks_native, read_native, too_long, write_native
from hotpapers.sources.legacy.parse import is_legacy, parse_legacy
from hotpapers.store.base import Store, WriteCounts
from hotpapers.store.records import every_record, store_records

__all__ = ["STDIN", "ImportResult", "copy_store", "export", "export_to_file", "import_files"]


def copy_store(source: Store, dest: Store) -> WriteCounts:
    """Copy every record and every source checkpoint of ``source`` into ``dest``: all of it or, on error, none.


    ``source`` is read in one snapshot and streamed (its writers may go on); ``dest`` is written in one
    transaction, merged like an import (records already there are kept or updated, never doubled). The run
    history is not copied: it describes runs against ``source``.
    """
    with source.snapshot(), dest.transaction():
        with closing(every_record(source)) as records:  # closed while the store is open, also on error
            counts = store_records(dest, records)
        for name, key, value in source.iter_states():
            dest.set_state(name, key, value)
            counts.add({"checkpoints": 1})
    dest.optimize()
    return counts


@dataclass
class ImportResult:
    """What ``import_files`` read and wrote."""


    formats: dict[str, str] = field(default_factory=dict)  # file -> "native" | "legacy"
    counts: WriteCounts = field(default_factory=WriteCounts)
    duplicates: dict[str, int] = field(default_factory=dict)  # kind -> records that replaced an earlier one


def _legacy_records(path: Path, data: bytes, observed_at: dt.datetime | None) -> Iterator[Record]:
    batch = parse_legacy(data, str(path), observed_at=observed_at)
    records: list[Record] = [*batch.papers, *batch.announcements, *batch.posts, *batch.snapshots]
    for record in records:  # the parser checks as it reads; this is the import's last gate, as for native files
        try:
            check_record(record)
        except ValueError as e:
            raise InputError(f"{path}: {type(record).__name__.lower()}: {e}") from None
    yield from records


class _Replay:
    """A binary stream whose first line was already read (to detect the format): it is given back first, then the
    rest of the stream, so that a pipe, which cannot seek back, is read once."""


    def __init__(self, first: bytes, handle: IO[bytes]) -> None:
        self._first, self._handle = first, handle


    def readline(self, size: int = -1) -> bytes:
        if not self._first:
            return self._handle.readline(size)
        cut = len(self._first) if size < 0 else size
        line, self._first = self._first[:cut], self._first[cut:]
        return line


def _legacy_body(path: Path, first: bytes, handle: IO[bytes], limit: int) -> bytes:
    """The whole file (a legacy file is one record), read up to ``limit`` bytes."""
    data = first + handle.read(limit + 1 - len(first))
    if len(data) > limit:
        raise InputError(f"{path}: {too_long(limit)}")
    return data


def _records(
    path: Path, handle: IO[bytes], observed_at: dt.datetime | None, limit: int, result: ImportResult
) -> Iterator[Record]:
    """The records of one input, of whichever format its start says (recorded in ``result.formats``)."""
    first = handle.readline(limit + 1)
    if not first.strip():
        raise InputError(f"{path}: the file is empty")
    if looks_native(first):
        result.formats[str(path)] = "native"
        return read_native(path, cast(IO[bytes], _Replay(first, handle)), max_line_bytes=limit)
    data = _legacy_body(path, first, handle, limit)
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise InputError(f"{path}: not JSON or JSON Lines ({e})") from None
    if not is_legacy(obj):
        raise InputError(
            f"{path}: unknown format: neither hotpapers native JSON Lines nor the original tool's JSON "
            "(an object with 'meta' and 'papers')"
        )
    del obj
    result.formats[str(path)] = "legacy"
    return _legacy_records(path, data, observed_at)


STDIN = Path("-")
"""The name ``import`` reads standard input by."""


def import_files(
    store: Store,
    paths: Sequence[Path],
    *,
    observed_at: dt.datetime | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    stdin: IO[bytes] | None = None,
) -> ImportResult:
    """Import native or legacy files into ``store``: all of them, or (on any error) none of them.


    Files are read once, front to back, so pipes and devices work (``-`` is ``stdin``); no record (a native
    line, a whole legacy file) may exceed ``max_record_bytes``, which bounds the memory an input can take.


    Raises:
        InputError: a file is unreadable, of unknown format, has a bad record (named with file and line), or a
            record over ``max_record_bytes``.
    """
    result = ImportResult()
    try:
        with store.transaction():
            store.begin_import()
            for path in paths:
                result.counts.add(_import_one(store, path, observed_at, result, max_record_bytes, stdin))
        store.optimize()
    except StoreError as e:
        if "foreign key" in str(e).lower():  # SQLite: "FOREIGN KEY constraint failed"; PostgreSQL: "… foreign key …"
            raise InputError(
                f"{', '.join(map(str, paths))}: some records refer to a paper or post that is neither "
                "in the files nor in the store (nothing was imported)"
            ) from e
        raise
    return result


def _import_one(
    store: Store, path: Path, observed_at: dt.datetime | None, result: ImportResult, limit: int,
    stdin: IO[bytes] | None,
) -> WriteCounts:
    try:
        if path == STDIN:
            if stdin is None:
                raise InputError("-: standard input is not available here")
            records = _records(Path("<stdin>"), stdin, observed_at, limit, result)
            return store_records(store, records, duplicates=result.duplicates)
        with path.open("rb") as handle:
            return store_records(store, _records(path, handle, observed_at, limit, result),
                                 duplicates=result.duplicates)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e


def export(store: Store, out: IO[bytes]) -> dict[str, int]:
    """Write the whole store to ``out`` in the native format."""
    with store.snapshot(), closing(every_record(store)) as records:  # closed while the store is open, also on error
        return write_native(records, out)


def export_to_file(store: Store, path: Path) -> dict[str, int]:
    """Export to ``path``: a regular file (or a symlink's target) atomically, a FIFO or device written through.


    Raises:
        WriterError: ``path`` cannot be written (a full disk leaves a regular file as it was), or is a directory,
            block device or socket (see ``hotpapers._fs.write_output``).
    """
    return write_output(path, lambda handle: export(store, handle))
