"""Small record factories for tests (hand-made values, not API responses)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

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
from hotpapers.native.serialize import paper_to_dict, post_to_dict, snapshot_to_dict

T0 = dt.datetime(2021, 4, 20, 0, 43, 48, tzinfo=dt.UTC)
DAY = dt.date(2021, 4, 19)


def paper(arxiv_id: str = "2104.08223", version: int = 1, **kw: object) -> Paper:
    """A paper with plausible defaults."""
    values: dict[str, object] = {
        "title": f"Paper {arxiv_id}",
        "authors": ("Ada Lovelace", "Alan Turing"),
        "abstract": "We study things.",
        "primary_category": "cs.CV",
        "categories": ("cs.CV", "cs.LG"),
        "submitted": T0 - dt.timedelta(days=1),
        "abs_url": f"https://arxiv.org/abs/{arxiv_id}",
        "pdf_url": f"https://arxiv.org/pdf/{arxiv_id}",
    }
    values.update(kw)
    return Paper(arxiv_id=ArxivId(arxiv_id), version=version, **values)  # type: ignore[arg-type]


def announcement(arxiv_id: str = "2104.08223", position: int = 0, day: dt.date = DAY) -> Announcement:
    """A 'new' announcement of a paper on DAY."""
    return Announcement(ArxivId(arxiv_id), day, AnnounceType.NEW, position)


def post(post_id: str = "1383990658680037381", *ids: str, kind: PostKind = PostKind.ORIGINAL, **kw: object) -> Post:
    """An X post linking the given arXiv ids."""
    values: dict[str, object] = {
        "url": f"https://twitter.com/ak92501/status/{post_id}",
        "author_handle": "ak92501",
        "author_name": "AK",
        "text": "A paper",
        "created_at": T0 - dt.timedelta(hours=5),
        "language": "en",
    }
    values.update(kw)
    links = tuple(PaperLink(ArxivId(i), LinkMethod.URL) for i in (ids or ("2104.08223",)))
    return Post(platform="x", post_id=post_id, links=links, kind=kind, **values)  # type: ignore[arg-type]


def snapshot(post_id: str = "1383990658680037381", reposts: int = 10, likes: int = 20, at: dt.datetime = T0) -> EngagementSnapshot:
    """An X engagement snapshot."""
    return EngagementSnapshot("x", post_id, at, reposts=reposts, likes=likes)


def digest_record(day: dt.date, when: dt.datetime) -> dict[str, object]:
    """The native record of a published digest of ``day`` with one ranked paper and post, every instant ``when``."""
    shown_post = post_to_dict(post(created_at=when))
    return {
        "type": "digest", "title": f"Hot Papers {day}", "date": day.isoformat(), "preset": "default",
        "window_start": when.isoformat(), "window_end": when.isoformat(), "generated_at": when.isoformat(),
        "papers": [{"rank": 1, "score": 3.0, "reposts": 1, "likes": 2, "counted_at": when.isoformat(),
                    "paper": paper_to_dict(paper(submitted=when)), "breakdown": [{"label": "x", "value": 3.0}],
                    "posts": [{"score": 3.0, "post": shown_post, "engagement": snapshot_to_dict(snapshot(at=when))}]}],
    }


NATIVE_HEADER = {"type": "header", "format": "hotpapers-native", "version": 1}


def native_file(folder: Path, name: str, records: list[dict[str, Any]]) -> Path:
    """A native file ``folder/name``: the header line, then one JSON line per record."""
    path = folder / name
    path.write_text("".join(json.dumps(r) + "\n" for r in [NATIVE_HEADER, *records]))
    return path
