"""The native format: JSON Lines, one record per line, each with a ``type`` (see docs/native-format.md).

``export_store`` writes the whole store in a fixed order with sorted keys, so that export -> import into an
empty store -> export gives the same bytes. ``read_native`` parses a file line by line into records, raising
``InputError`` that names the file, line and field of the first bad record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from hotpapers.errors import InputError
from hotpapers.models import Announcement, Digest, EngagementSnapshot, Paper, Post, PostKind, Summary
from hotpapers.serialize import (
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
from hotpapers.store.base import Store

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "NativeRecord", "export_store", "looks_native", "read_native"]

FORMAT_NAME = "hotpapers-native"
FORMAT_VERSION = 1

NativeRecord = Paper | Announcement | Post | EngagementSnapshot | Digest | Summary


def _line(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n"


def export_store(store: Store, out: IO[bytes]) -> dict[str, int]:
    """Write every record of ``store`` to ``out``; return how many of each type were written.

    The export reads one consistent state of the store (a read snapshot), streamed: writers on other
    processes or hosts may go on meanwhile, and memory does not grow with the store.
    """
    with store.snapshot():
        return _export(store, out)


def _export(store: Store, out: IO[bytes]) -> dict[str, int]:
    counts = {"paper": 0, "announcement": 0, "post": 0, "repost": 0, "engagement": 0, "digest": 0, "summary": 0}
    out.write(_line({"type": "header", "format": FORMAT_NAME, "version": FORMAT_VERSION}))
    for paper in store.iter_papers():
        out.write(_line({"type": "paper", **paper_to_dict(paper)}))
        counts["paper"] += 1
    for ann in store.iter_announcements():
        out.write(_line({"type": "announcement", **announcement_to_dict(ann)}))
        counts["announcement"] += 1
    for post in store.iter_posts():
        kind = "repost" if post.kind is PostKind.REPOST else "post"
        out.write(_line({"type": kind, **post_to_dict(post)}))
        counts[kind] += 1
    for snap in store.iter_snapshots():
        out.write(_line({"type": "engagement", **snapshot_to_dict(snap)}))
        counts["engagement"] += 1
    for digest in store.iter_digests():
        out.write(_line({"type": "digest", **digest_to_dict(digest)}))
        counts["digest"] += 1
    for summary in store.iter_summaries():
        out.write(_line({"type": "summary", **summary_to_dict(summary)}))
        counts["summary"] += 1
    return counts


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


_PARSERS: dict[str, Callable[[dict[str, Any]], NativeRecord]] = {
    "paper": paper_from_dict,
    "announcement": announcement_from_dict,
    "post": _post,
    "repost": _repost,
    "engagement": snapshot_from_dict,
    "digest": digest_from_dict,
    "summary": summary_from_dict,
}


def looks_native(first_line: bytes) -> bool:
    """True if a file's first line is a native record (a JSON object with a known ``type``)."""
    try:
        obj = orjson.loads(first_line)
    except orjson.JSONDecodeError:
        return False
    return isinstance(obj, dict) and (obj.get("type") == "header" or obj.get("type") in _PARSERS)


def _parse_line(path: Path, number: int, line: bytes) -> NativeRecord | None:
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
        return parser(obj)
    except KeyError as e:
        raise InputError(f"{where}: {kind}: missing field {e.args[0]!r}") from None
    except (ValueError, TypeError) as e:
        raise InputError(f"{where}: {kind}: {e}") from None


def read_native(path: Path, handle: IO[bytes]) -> Iterator[NativeRecord]:
    """Yield the records of a native file, one line at a time (memory does not grow with the file).

    Raises:
        InputError: a line is not JSON, has an unknown type, or a field is missing or invalid.
    """
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        record = _parse_line(path, number, line)
        if record is not None:
            yield record
