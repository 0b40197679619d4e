"""Import of the original tool's intermediate JSON (``daily_arxiv`` of daily-arxiv-gatsby).

One file per day: ``{"meta": {"since": "2021/04/19", "until": "2021/04/20"}, "papers": [...]}``. ``since``
is the listing day (the post date), ``until`` the day after. Each paper has ``id``, ``date``, ``title``,
``authors``, ``subjects`` (``"Computer Vision and Pattern Recognition (cs.CV)"``), ``links`` (``Abstract``,
``Download PDF``, ...), ``comments``, ``summary`` and ``tweets``, in listing order: an announcement's
``position`` is the paper's index. A tweet is either

* a twint record (the generator of 2020-07-30): ``vars()`` of twint's tweet (``id``, ``username``, ``name``,
  ``tweet``, ``datestamp``/``timestamp``/``timezone``, ``lang``, ``urls``, ``retweet``, ``retweets_count``,
  ``likes_count``, ``replies_count``) or twint's JSON output (``date``, ``time``, ``language``, ``created_at``
  in epoch ms); counts may be numeric strings. Without epoch ms, date and time are the scraper's wall clock,
  shifted by ``timezone`` (``+0900``), or read as UTC when it is absent;
* or a Twitter v1.1 status (the later generator's ``GetSearch``): ``id_str``, ``full_text``/``text``,
  ``created_at``, ``user.screen_name``/``name``/``followers_count``, ``retweet_count``, ``favorite_count``,
  ``lang``, ``entities.urls[].expanded_url`` (or python-twitter's top-level ``urls``), ``retweeted_status``.

Counts were observed once: the original summed what it saw when it generated the post, the morning after
the listing day in Japan (about 00:00-01:00 UTC on ``until``), so ``observed_at`` defaults to ``until`` at
00:00 UTC. Retweets (v1.1 ``retweeted_status``, twint ``retweet: true``) are ``PostKind.REPOST`` posts
referencing the original; a v1.1 retweet reports its original's retweet count and 0 likes, kept as given
because the original summed them. A twint retweet record describes the original tweet; the retweet's own
id, author and time are ``retweet_id``, ``user_rt`` and ``retweet_date``.

A tweet found for several papers is one ``Post`` linking them all (the searched paper with
``LinkMethod.SOURCE``, ids in its URLs with ``LinkMethod.URL``) with one snapshot (its first occurrence's
counts). Bad input raises :class:`~hotpapers.errors.InputError` naming the file, the record and the field;
nothing partial is returned.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import orjson

from hotpapers.arxiv.ids import parse_id
from hotpapers.bounds import DATE_RANGE, FIRST_DAY, INSTANT_RANGE, LAST_DAY, supported
from hotpapers.errors import InputError
from hotpapers.links import ids_from_urls
from hotpapers.models import (
    Announcement,
    AnnounceType,
    ArxivId,
    EngagementSnapshot,
    LinkMethod,
    Paper,
    PaperEvidence,
    PaperLink,
    Post,
    PostEvidence,
)
from hotpapers.sources.legacy.reader import Reader
from hotpapers.sources.legacy.tweets import Tweet, parse_tweet

__all__ = ["LegacyBatch", "is_legacy", "parse_legacy"]

_CATEGORY_RE = re.compile(r"[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?")
_SUBJECT_RE = re.compile(r"\((?P<cat>[^()]+)\)\s*$")


@dataclass(frozen=True, slots=True)
class LegacyBatch:
    """Everything one legacy file holds, as hotpapers records."""

    papers: tuple[Paper, ...]
    announcements: tuple[Announcement, ...]
    posts: tuple[Post, ...]
    snapshots: tuple[EngagementSnapshot, ...]
    date: dt.date

    def evidence(self) -> tuple[PaperEvidence, ...]:
        """The ranking input of this batch alone: one entry per paper, with the posts that link it.

        Returns:
            ``PaperEvidence`` in listing order; each post carries its (only) snapshot.
        """
        snapshot = {s.post_id: s for s in self.snapshots}
        by_paper: dict[ArxivId, list[PostEvidence]] = {p.arxiv_id: [] for p in self.papers}
        for post in self.posts:
            for arxiv_id in post.arxiv_ids:
                if arxiv_id in by_paper:
                    by_paper[arxiv_id].append(PostEvidence(post, snapshot.get(post.post_id)))
        announced = {a.arxiv_id: a for a in self.announcements}
        return tuple(PaperEvidence(p, announced[p.arxiv_id], tuple(by_paper[p.arxiv_id])) for p in self.papers)


def is_legacy(obj: object) -> bool:
    """Say whether a decoded JSON value is the original tool's file (an object with meta and papers).

    Args:
        obj: any decoded JSON value.

    Returns:
        True for a dict with the keys ``"meta"`` and ``"papers"``.
    """
    return isinstance(obj, dict) and "meta" in obj and "papers" in obj


def parse_legacy(data: bytes, name: str, *, observed_at: dt.datetime | None = None) -> LegacyBatch:
    """Parse one file of the original tool into papers, announcements, posts and snapshots.

    Args:
        data: the file's bytes (UTF-8 JSON).
        name: the file's name, used in error messages.
        observed_at: when the counts were collected (timezone-aware); default ``until`` at 00:00 UTC.

    Returns:
        A ``LegacyBatch`` whose ``date`` is ``meta.since``.

    Raises:
        InputError: the data is not JSON, or a record or field is missing or malformed; the one-line
            message names ``name``, the record (``papers[3].tweets[1]``) and the field.
    """
    r = Reader(name)
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise InputError(f"{name}: not JSON: {e}") from e
    if not is_legacy(obj):
        r.fail("top level", "expected an object with 'meta' and 'papers' (the original tool's JSON)")
    meta = r.obj(obj["meta"], "meta")
    since, until = (_slash_date(r, meta, key) for key in ("since", "until"))
    if until <= since:
        r.fail("meta.until", f"must be after meta.since ({since}), got {until}")
    if observed_at is None:
        observed_at = dt.datetime.combine(until, dt.time(0), dt.UTC)
    elif observed_at.utcoffset() is None:
        raise InputError(f"{name}: observed_at must be timezone-aware")
    elif not supported(observed_at):
        raise InputError(
            f"{name}: observed_at {observed_at.isoformat()} is outside the supported range ({INSTANT_RANGE})"
        )
    papers = obj["papers"]
    if not isinstance(papers, list):
        r.fail("papers", f"expected a list, got {type(papers).__name__}")
    return _Builder(r, since, observed_at).build(papers)


def _slash_date(r: Reader, meta: Mapping[str, Any], key: str) -> dt.date:
    text = r.string(meta, key, "meta")
    try:
        day = dt.datetime.strptime(str(text), "%Y/%m/%d").date()
    except ValueError:
        r.fail(f"meta.{key}", f"not a date YYYY/MM/DD: {str(text)[:80]!r}")
    if not FIRST_DAY <= day <= LAST_DAY:
        r.fail(f"meta.{key}", f"{day.isoformat()} is outside the supported range ({DATE_RANGE})")
    return day


class _Builder:
    """Accumulates the records of one file; posts are merged by id across papers."""

    def __init__(self, r: Reader, since: dt.date, observed_at: dt.datetime) -> None:
        self.r, self.since, self.observed_at = r, since, observed_at
        self.papers: dict[ArxivId, Paper] = {}
        self.announcements: list[Announcement] = []
        self.posts: dict[str, tuple[Post, list[PaperLink]]] = {}
        self.snapshots: dict[str, EngagementSnapshot] = {}

    def build(self, raw_papers: list[Any]) -> LegacyBatch:
        for i, raw in enumerate(raw_papers):
            path = f"papers[{i}]"
            obj = self.r.obj(raw, path)
            paper = _paper(self.r, obj, path)
            if paper.arxiv_id not in self.papers:  # a paper listed twice keeps its first position
                self.papers[paper.arxiv_id] = paper
                self.announcements.append(Announcement(paper.arxiv_id, self.since, AnnounceType.NEW, i))
            tweets: list[Any] = self.r.get(obj, "tweets", path, list, required=False) or []
            for j, raw_tweet in enumerate(tweets):
                tpath = f"{path}.tweets[{j}]"
                self._add(parse_tweet(self.r, self.r.obj(raw_tweet, tpath), tpath), paper.arxiv_id)
        return LegacyBatch(
            papers=tuple(self.papers.values()),
            announcements=tuple(self.announcements),
            posts=tuple(replace(post, links=tuple(links)) for post, links in self.posts.values()),
            snapshots=tuple(self.snapshots.values()),
            date=self.since,
        )

    def _add(self, tweet: Tweet, paper_id: ArxivId) -> None:
        post_id = tweet.post.post_id
        if post_id not in self.posts:
            self.posts[post_id] = (tweet.post, [])
            self.snapshots[post_id] = EngagementSnapshot(
                "x", post_id, self.observed_at, tweet.reposts, tweet.likes, tweet.replies, tweet.quotes
            )
        links = self.posts[post_id][1]
        found = [(paper_id, LinkMethod.SOURCE)] + [(i, LinkMethod.URL) for i in ids_from_urls(tweet.urls)]
        for arxiv_id, method in found:
            if all(link.arxiv_id != arxiv_id for link in links):
                links.append(PaperLink(arxiv_id, method))


def _paper(r: Reader, obj: Mapping[str, Any], path: str) -> Paper:
    links = r.get(obj, "links", path, dict, required=True)
    for key, value in links.items():
        if not isinstance(value, str):
            r.fail(f"{path}.links.{key}", f"expected str, got {type(value).__name__}")
    arxiv_id, version = _paper_id(r, obj, links, path)
    categories = _categories(r, obj, path)
    return Paper(
        arxiv_id=arxiv_id,
        version=version or 1,
        title=" ".join(str(r.string(obj, "title", path)).split()),
        authors=tuple(" ".join(a.split()) for a in r.strings(obj, "authors", path)),
        abstract=(r.string(obj, "summary", path, required=False) or "").strip(),
        primary_category=categories[0],
        categories=categories,
        comment=r.string(obj, "comments", path, required=False),
        abs_url=links.get("Abstract") or f"https://arxiv.org/abs/{arxiv_id}",
        pdf_url=links.get("Download PDF") or None,
    )


def _paper_id(r: Reader, obj: Mapping[str, Any], links: Mapping[str, str], path: str) -> tuple[ArxivId, int | None]:
    """The paper's id; an old-style id that the original cut at its ``/`` is recovered from the abs link."""
    raw = str(r.string(obj, "id", path))
    parsed = parse_id(raw)
    abstract = links.get("Abstract", "")
    if parsed is None and "/abs/" in abstract:
        parsed = parse_id(abstract.split("/abs/", 1)[1])
    if parsed is None:
        r.fail(f"{path}.id", f"not an arXiv identifier: {raw!r}")
    return parsed


def _categories(r: Reader, obj: Mapping[str, Any], path: str) -> tuple[str, ...]:
    subjects = r.strings(obj, "subjects", path)
    if not subjects:
        r.fail(f"{path}.subjects", "missing or empty: a paper needs at least its primary category")
    categories: list[str] = []
    for k, subject in enumerate(subjects):
        match = _SUBJECT_RE.search(subject)
        if match is None or not _CATEGORY_RE.fullmatch(match["cat"].strip()):
            r.fail(f"{path}.subjects[{k}]", f"expected 'Name (category)', got {subject!r}")
        categories.append(match["cat"].strip())
    return tuple(dict.fromkeys(categories))


