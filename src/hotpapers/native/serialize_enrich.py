"""Enrichment records <-> plain JSON-able dicts (the native format's field names for them; see serialize.py).

The native export writes code links and the three snapshot series as records of their own (types ``code_link``,
``repo_snapshot``, ``artifact_snapshot``, ``citation_snapshot``). (A published digest carries each ranked paper's
enrichment as shown: ``serialize.enrichment_to_dict``.) Every parser raises ``ValueError``/``KeyError``/``TypeError``
on a bad record; callers wrap those into ``InputError`` with the file and line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hotpapers.arxiv.ids import canonical_id
from hotpapers.models import (
    ArtifactSnapshot,
    CitationSnapshot,
    CodeHost,
    CodeLink,
    FoundIn,
    RepoSnapshot,
)
from hotpapers.native.serialize import _int, _opt_dt, _opt_int, _opt_str, _str, format_datetime, parse_datetime

__all__ = ["ENRICHMENT_PARSERS", "enrichment_record_to_dict"]

JSON = dict[str, Any]


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else format_datetime(value)


def _opt_time(obj: JSON, key: str) -> dt.datetime | None:
    return _opt_dt(obj.get(key), key)


def _bool(obj: JSON, key: str) -> bool:
    value = obj[key]
    if not isinstance(value, bool):
        raise TypeError(f"{key}: expected true or false")
    return value


# -- the stored records (native record types) ------------------------------------------------


def _code_link_to(link: CodeLink) -> JSON:
    return {
        "arxiv_id": link.arxiv_id, "url": link.url, "host": link.host.value, "found_in": link.found_in.value,
        "position": link.position, "found_at": format_datetime(link.found_at),
    }  # fmt: skip


def _code_link_from(obj: JSON) -> CodeLink:
    return CodeLink(
        canonical_id(_str(obj, "arxiv_id")), _str(obj, "url"), CodeHost(_str(obj, "host")),
        FoundIn(_str(obj, "found_in")), parse_datetime(obj.get("found_at"), "found_at"), _int(obj, "position"),
    )  # fmt: skip


def _repo_to(snap: RepoSnapshot) -> JSON:
    return {
        "url": snap.url, "observed_at": format_datetime(snap.observed_at), "stars": snap.stars,
        "created_at": _time(snap.created_at), "etag": snap.etag,
    }  # fmt: skip


def _repo_from(obj: JSON) -> RepoSnapshot:
    return RepoSnapshot(
        _str(obj, "url"), parse_datetime(obj.get("observed_at"), "observed_at"), _opt_int(obj, "stars"),
        _opt_time(obj, "created_at"), _opt_str(obj, "etag"),
    )  # fmt: skip


def _artifact_to(snap: ArtifactSnapshot) -> JSON:
    return {
        "arxiv_id": snap.arxiv_id, "observed_at": format_datetime(snap.observed_at), "models": snap.models,
        "datasets": snap.datasets, "spaces": snap.spaces,
    }  # fmt: skip


def _artifact_from(obj: JSON) -> ArtifactSnapshot:
    return ArtifactSnapshot(
        canonical_id(_str(obj, "arxiv_id")), parse_datetime(obj.get("observed_at"), "observed_at"),
        _int(obj, "models"), _int(obj, "datasets"), _int(obj, "spaces"),
    )  # fmt: skip


def _citation_to(snap: CitationSnapshot) -> JSON:
    return {
        "arxiv_id": snap.arxiv_id, "observed_at": format_datetime(snap.observed_at), "found": snap.found,
        "citations": snap.citations, "influential": snap.influential, "venue": snap.venue, "s2_id": snap.s2_id,
    }  # fmt: skip


def _citation_from(obj: JSON) -> CitationSnapshot:
    return CitationSnapshot(
        canonical_id(_str(obj, "arxiv_id")), parse_datetime(obj.get("observed_at"), "observed_at"),
        _bool(obj, "found"), _opt_int(obj, "citations"), _opt_int(obj, "influential"), _opt_str(obj, "venue"),
        _opt_str(obj, "s2_id"),
    )  # fmt: skip


_WRITERS: tuple[tuple[type, str, Any], ...] = (
    (CodeLink, "code_link", _code_link_to),
    (RepoSnapshot, "repo_snapshot", _repo_to),
    (ArtifactSnapshot, "artifact_snapshot", _artifact_to),
    (CitationSnapshot, "citation_snapshot", _citation_to),
)

ENRICHMENT_PARSERS: dict[str, Any] = {
    "code_link": _code_link_from,
    "repo_snapshot": _repo_from,
    "artifact_snapshot": _artifact_from,
    "citation_snapshot": _citation_from,
}
"""Native record type -> parser of its dict."""


def enrichment_record_to_dict(record: CodeLink | RepoSnapshot | ArtifactSnapshot | CitationSnapshot) -> JSON:
    """The native record of a code link or snapshot, with its ``type``."""
    for cls, kind, write in _WRITERS:
        if isinstance(record, cls):
            return {"type": kind, **write(record)}
    raise TypeError(f"not an enrichment record: {type(record).__name__}")  # pragma: no cover - typed callers
