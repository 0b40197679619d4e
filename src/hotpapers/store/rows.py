"""Conversions between records and database rows (timestamps, JSON columns)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson

from hotpapers.models import (
    Announcement,
    AnnounceType,
    ArxivId,
    EngagementSnapshot,
    LinkMethod,
    Paper,
    PaperLink,
    Post,
    PostKind,
)

__all__ = [
    "announcement_from_row",
    "from_ts",
    "from_ts_opt",
    "paper_from_row",
    "paper_row",
    "post_from_row",
    "post_row",
    "snapshot_from_row",
    "snapshot_row",
    "ts",
    "ts_opt",
]

Row = Sequence[Any]

# Enum members by value: a dict look-up is several times cheaper than ``Enum(value)``, which a day's evidence
# calls tens of thousands of times.
_ANNOUNCE_TYPES = {member.value: member for member in AnnounceType}
_POST_KINDS = {member.value: member for member in PostKind}
_LINK_METHODS = {member.value: member for member in LinkMethod}


def ts(value: dt.datetime) -> str:
    """Fixed-width UTC text ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, so that text order is time order.

    Every year from 1 to 9999 has four digits (``0999-06-01T…``): ``strftime("%Y")`` wrote ``999-06-01T…``, which
    neither sorts nor parses back (migration ``_V4`` repairs such values).
    """
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.isoformat(timespec="microseconds")[:-6] + "Z"  # "+00:00" off: the fastest spelling measured


def ts_opt(value: dt.datetime | None) -> str | None:
    """``ts`` for an optional value."""
    return None if value is None else ts(value)


def from_ts(text: str) -> dt.datetime:
    """Parse a stored timestamp (stored ones end in ``Z``, which parses as UTC already: no conversion)."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is dt.UTC else value.astimezone(dt.UTC)


def from_ts_opt(text: str | None) -> dt.datetime | None:
    """``from_ts`` for an optional value."""
    return None if text is None else from_ts(text)


PAPER_COLUMNS = (
    "arxiv_id, version, title, authors, abstract, primary_category, submitted, updated, "
    "comment, journal_ref, doi, abs_url, pdf_url, html_url"
)


def paper_row(paper: Paper) -> tuple[Any, ...]:
    """The ``papers`` row of a paper (columns as in ``PAPER_COLUMNS``)."""
    return (
        paper.arxiv_id,
        paper.version,
        paper.title,
        orjson.dumps(list(paper.authors)).decode(),
        paper.abstract,
        paper.primary_category,
        ts_opt(paper.submitted),
        ts_opt(paper.updated),
        paper.comment,
        paper.journal_ref,
        paper.doi,
        paper.abs_url,
        paper.pdf_url,
        paper.html_url,
    )


def paper_from_row(row: Row, categories: Sequence[str]) -> Paper:
    """Rebuild a paper from its row and its categories in order."""
    return Paper(
        arxiv_id=ArxivId(row[0]),
        version=row[1],
        title=row[2],
        authors=tuple(orjson.loads(row[3])),
        abstract=row[4],
        primary_category=row[5],
        categories=tuple(categories),
        submitted=from_ts_opt(row[6]),
        updated=from_ts_opt(row[7]),
        comment=row[8],
        journal_ref=row[9],
        doi=row[10],
        abs_url=row[11],
        pdf_url=row[12],
        html_url=row[13],
    )


def announcement_from_row(row: Row) -> Announcement:
    """Rebuild an announcement from (day, arxiv_id, announce_type, position)."""
    return Announcement(
        arxiv_id=ArxivId(row[1]),
        date=dt.date.fromisoformat(row[0]),
        announce_type=_ANNOUNCE_TYPES[row[2]],
        position=row[3],
    )


POST_COLUMNS = (
    "platform, post_id, url, kind, author_handle, author_name, author_followers, text, language, "
    "created_at, reference_id, deleted"
)


def post_row(post: Post) -> tuple[Any, ...]:
    """The ``posts`` row of a post (columns as in ``POST_COLUMNS``)."""
    return (
        post.platform,
        post.post_id,
        post.url,
        post.kind.value,
        post.author_handle,
        post.author_name,
        post.author_followers,
        post.text,
        post.language,
        ts(post.created_at),
        post.references,
        int(post.deleted),
    )


def post_from_row(row: Row, links: Sequence[tuple[str, str]]) -> Post:
    """Rebuild a post from its row and its (arxiv_id, method) links in order."""
    return Post(
        platform=row[0],
        post_id=row[1],
        url=row[2],
        kind=_POST_KINDS[row[3]],
        author_handle=row[4],
        author_name=row[5],
        author_followers=row[6],
        text=row[7],
        language=row[8],
        created_at=from_ts(row[9]),
        references=row[10],
        deleted=bool(row[11]),
        links=tuple(PaperLink(ArxivId(i), _LINK_METHODS[m]) for i, m in links),
    )


SNAPSHOT_COLUMNS = "platform, post_id, observed_at, reposts, likes, replies, quotes, extras"


def snapshot_row(snap: EngagementSnapshot) -> tuple[Any, ...]:
    """The ``engagement`` row of a snapshot."""
    return (
        snap.platform,
        snap.post_id,
        ts(snap.observed_at),
        snap.reposts,
        snap.likes,
        snap.replies,
        snap.quotes,
        orjson.dumps(dict(snap.extras), option=orjson.OPT_SORT_KEYS).decode(),
    )


def snapshot_from_row(row: Row) -> EngagementSnapshot:
    """Rebuild a snapshot from its row."""
    return EngagementSnapshot(
        platform=row[0],
        post_id=row[1],
        observed_at=from_ts(row[2]),
        reposts=row[3],
        likes=row[4],
        replies=row[5],
        quotes=row[6],
        extras=tuple(sorted(orjson.loads(row[7]).items())),
    )
