"""alphaXiv's trending papers to records: each paper's public votes, one post per paper.

alphaXiv publishes no API documentation and no recorded response was found. What is read follows the one public
client that uses it (susumuota/arxiv-reddit-summary ``docker/main.py``, described in the shared fixtures'
``wave2/PROVENANCE.md`` §6): ``GET /v2/papers/trending-papers?page_num=N&sort_by=Likes&page_size=10&interval=30+Days``
answers ``{"data": {"trending_papers": [...]}}``, and each paper has ``universal_paper_id`` (its arXiv id),
``metrics.public_total_votes``, ``publication_date``, ``title`` and ``abstract``. Nothing else is read.

Each paper whose id is an arXiv id is a ``Post`` (platform ``alphaxiv``, id = the canonical arXiv id, url its
alphaXiv page, author alphaXiv itself, text = the title, created at its ``publication_date``) linking the paper
(``LinkMethod.SOURCE``), with an ``EngagementSnapshot`` (likes = votes, extra ``votes``). An entry that cannot be
read is skipped with a reason; a body of another shape raises ``ParseError``, so a change of the unofficial API
fails the source with a clear line instead of storing nonsense.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from hotpapers.arxiv.ids import parse_id
from hotpapers.errors import ParseError
from hotpapers.models import EngagementSnapshot, LinkMethod, PaperLink, Post
from hotpapers.sources._base import SkipError, count, load_json, read_each, show, utc_from_iso

__all__ = ["PLATFORM", "TrendingPage", "parse_trending"]

PLATFORM = "alphaxiv"
WEB = "https://www.alphaxiv.org/abs"
_HANDLE, _NAME = "alphaxiv", "alphaXiv"


@dataclass(frozen=True, slots=True)
class TrendingPage:
    """One page of trending papers: a post and a snapshot per readable entry, and why others were skipped."""

    posts: tuple[Post, ...]
    snapshots: tuple[EngagementSnapshot, ...]
    skipped: tuple[str, ...]
    entries: int  # entries in the body, skipped ones included (a short page is the last one)


def _entry(entry: object, observed_at: dt.datetime) -> tuple[Post, EngagementSnapshot]:
    if not isinstance(entry, dict):
        raise SkipError("not an object")
    raw = entry.get("universal_paper_id")
    parsed = parse_id(raw) if isinstance(raw, str) else None
    if parsed is None:
        raise SkipError(f"universal_paper_id {show(raw)} is not an arXiv id")
    arxiv_id = parsed[0]
    metrics = entry.get("metrics")
    votes = count(metrics.get("public_total_votes")) if isinstance(metrics, Mapping) else None
    if votes is None:
        raise SkipError(f"metrics.public_total_votes of {arxiv_id} is not a count")
    title = entry.get("title")
    if not isinstance(title, str) or not title.strip():
        raise SkipError(f"title of {arxiv_id} missing")
    published = entry.get("publication_date")
    created = utc_from_iso(published, "publication_date") if published is not None else observed_at
    post = Post(PLATFORM, arxiv_id, f"{WEB}/{arxiv_id}", _HANDLE, _NAME, " ".join(title.split()), created,
                (PaperLink(arxiv_id, LinkMethod.SOURCE),))
    return post, EngagementSnapshot(PLATFORM, arxiv_id, observed_at, likes=votes, extras=(("votes", votes),))


def parse_trending(data: bytes, observed_at: dt.datetime) -> TrendingPage:
    """Parse one ``trending-papers`` page.

    Args:
        data: the response body.
        observed_at: when the votes were read (timezone-aware).

    Raises:
        ParseError: the body is not JSON or has no ``data.trending_papers`` list.
    """
    body = load_json(data, "alphaXiv trending papers")
    inner = body.get("data") if isinstance(body, dict) else None
    papers = inner.get("trending_papers") if isinstance(inner, dict) else None
    if not isinstance(papers, list):
        raise ParseError("alphaXiv trending papers: expected {'data': {'trending_papers': [...]}}")
    pairs, skipped = read_each(papers, lambda entry: _entry(entry, observed_at), "trending_papers")
    return TrendingPage(tuple(p for p, _ in pairs), tuple(s for _, s in pairs), tuple(skipped), len(papers))
