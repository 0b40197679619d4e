"""The native format: JSON Lines, one record per line, each with a ``type`` (see docs/native-format.md).

``write_native`` writes records after a header line, each with sorted keys, so that records written in the
store's order (``hotpapers.store.records.every_record``: what ``hotpapers export`` writes) and imported into an
empty store are written again as the same bytes. ``read_native`` parses a file line by line into records, raising
``InputError`` that names the file, line and field of the first bad record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from hotpapers.bounds import check_record
from hotpapers.config import DEFAULT_MAX_RECORD_BYTES
from hotpapers.errors import InputError
from hotpapers.models import (
    AccountProfile,
    Announcement,
    ArtifactSnapshot,
    CitationSnapshot,
    CodeLink,
    Digest,
    EngagementSnapshot,
    Paper,
    Post,
    PostKind,
    Record,
    RepoSnapshot,
    Summary,
)
from hotpapers.native.serialize import (
    announcement_from_dict,
    announcement_to_dict,
    digest_from_dict,
    digest_to_dict,
    paper_from_dict,
    paper_to_dict,
    post_from_dict,
    post_to_dict,
    snapshot_from_dict,
    snapshot_to_dict,
    summary_from_dict,
    summary_to_dict,
)
from hotpapers.native.serialize_accounts import profile_from_dict, profile_to_dict
from hotpapers.native.serialize_enrich import ENRICHMENT_PARSERS, enrichment_record_to_dict
from hotpapers.redact import redactor_for_bytes

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "bounded_lines",
    "looks_native",
    "read_native",
    "too_long",
    "write_native",
]

FORMAT_NAME = "hotpapers-native"
FORMAT_VERSION = 1


def _line(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n"


_TYPES: tuple[tuple[type, str, Callable[[Any], dict[str, Any]]], ...] = (
    (Paper, "paper", paper_to_dict),
    (Announcement, "announcement", announcement_to_dict),
    (EngagementSnapshot, "engagement", snapshot_to_dict),
    (Digest, "digest", digest_to_dict),
    (AccountProfile, "profile", profile_to_dict),
    (Summary, "summary", summary_to_dict),
)
_ENRICHMENT = (CodeLink, RepoSnapshot, ArtifactSnapshot, CitationSnapshot)


def native_object(record: Record) -> dict[str, Any]:
    """``record`` as the JSON object of its line, ``type`` included.

    Raises:
        TypeError: a ``PostGone``, which the native format has no line for (a deleted post is a post marked
            deleted).
    """
    if isinstance(record, Post):
        return {"type": "repost" if record.kind is PostKind.REPOST else "post", **post_to_dict(record)}
    if isinstance(record, _ENRICHMENT):
        return enrichment_record_to_dict(record)
    for cls, kind, to_dict in _TYPES:
        if isinstance(record, cls):
            return {"type": kind, **to_dict(record)}
    raise TypeError(f"{type(record).__name__} has no native record type")


def write_native(records: Iterable[Record], out: IO[bytes]) -> dict[str, int]:
    """Write the header line and then one line per record to ``out``; return how many of each type were written.

    Every known secret is masked on the way (``hotpapers.redact``): none is in a store, but a provider's answer
    could have put one in a post's text. Memory holds one record at a time.

    Raises:
        TypeError: a ``PostGone`` among ``records`` (see ``native_object``).
    """
    counts = {"paper": 0, "announcement": 0, "post": 0, "repost": 0, "engagement": 0, "digest": 0, "profile": 0,
              "summary": 0}  # every type counted, in this order; enrichment types only when there are some
    sink = _Redacted(out, redactor_for_bytes())
    sink.write(_line({"type": "header", "format": FORMAT_NAME, "version": FORMAT_VERSION}))
    for record in records:
        line = native_object(record)
        sink.write(_line(line))
        counts[line["type"]] = counts.get(line["type"], 0) + 1
    return counts


class _Redacted:
    """Writes lines with every known secret masked (``hotpapers.redact``); none is in a store, but a provider's
    answer could have put one in a post's text."""

    def __init__(self, out: IO[bytes], redactor: Callable[[bytes], bytes]) -> None:
        self._out, self._redactor = out, redactor

    def write(self, line: bytes) -> None:
        self._out.write(self._redactor(line))


def _repost(obj: dict[str, Any]) -> Post:
    post = post_from_dict(obj)
    if post.kind is not PostKind.REPOST:
        raise ValueError("kind: a record of type 'repost' must have kind 'repost'")
    return post


def _post(obj: dict[str, Any]) -> Post:
    post = post_from_dict(obj)
    if post.kind is PostKind.REPOST:
        raise ValueError("kind: a repost must be a record of type 'repost', not 'post'")
    return post


_PARSERS: dict[str, Callable[[dict[str, Any]], Record]] = {
    "paper": paper_from_dict,
    "announcement": announcement_from_dict,
    "post": _post,
    "repost": _repost,
    "engagement": snapshot_from_dict,
    "digest": digest_from_dict,
    "profile": profile_from_dict,
    **ENRICHMENT_PARSERS,
    "summary": summary_from_dict,
}


def looks_native(first_line: bytes) -> bool:
    """True if a file's first line is a native record (a JSON object with a known ``type``)."""
    try:
        obj = orjson.loads(first_line)
    except orjson.JSONDecodeError:
        return False
    return isinstance(obj, dict) and (obj.get("type") == "header" or obj.get("type") in _PARSERS)


def _parse_line(path: Path, number: int, line: bytes) -> Record | None:
    where = f"{path}:{number}"
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as e:
        raise InputError(f"{where}: not valid JSON ({e})") from None
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    kind = obj.get("type")
    if kind == "header":
        if obj.get("format") != FORMAT_NAME or obj.get("version") != FORMAT_VERSION:
            raise InputError(
                f"{where}: header: unsupported format {obj.get('format')!r} version {obj.get('version')!r}"
            )
        return None
    parser = _PARSERS.get(kind) if isinstance(kind, str) else None
    if parser is None:
        raise InputError(f"{where}: type: unknown record type {kind!r}")
    try:
        record = parser(obj)
        check_record(record)  # every instant, date and count within what the store and the calendar take
    except KeyError as e:
        raise InputError(f"{where}: {kind}: missing field {_field(e.args[0])}") from None
    except (ValueError, TypeError, OverflowError, AttributeError) as e:
        # AttributeError: a nested value of the wrong JSON type ("papers": [1]) reached a lookup.
        raise InputError(f"{where}: {kind}: {_one_line(str(e))}") from None
    return record


def _field(name: object) -> str:
    return repr(name)[:80]


def _one_line(text: str) -> str:
    """A message on one line and of a readable length (a hostile record can make it megabytes)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= 300 else f"{flat[:297]}..."


def read_native(
    path: Path, handle: IO[bytes], *, max_line_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[Record]:
    """Yield the records of a native file, one line at a time: memory holds one line, of at most
    ``max_line_bytes`` bytes (its newline not counted), however long the file or its lines.

    Raises:
        InputError: a line is longer than ``max_line_bytes``, not JSON, has an unknown type, or a field is missing
            or invalid.
    """
    for number, line in enumerate(bounded_lines(handle, max_line_bytes), start=1):
        if line is None:
            raise InputError(f"{path}:{number}: {too_long(max_line_bytes)}")
        if not line.strip():
            continue
        record = _parse_line(path, number, line)
        if record is not None:
            yield record


def bounded_lines(handle: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """The lines of ``handle``, each read with at most ``limit + 1`` bytes in memory; None for one that is longer
    than ``limit`` bytes without its newline (the caller refuses it: the rest of it is never read)."""
    while line := handle.readline(limit + 1):
        if len(line) > limit and not (len(line) == limit + 1 and line.endswith(b"\n")):
            yield None
            return
        yield line


def too_long(limit: int) -> str:
    """The one-line reason for a record over the size cap, saying how to raise it."""
    return f"a record longer than {limit:,} bytes (the record size cap: raise max_record_bytes)"
