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
from typing import Any, NoReturn

import orjson

from hotpapers.arxiv.ids import parse_id
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
    PostKind,
)

__all__ = ["LegacyBatch", "is_legacy", "parse_legacy"]

_CATEGORY_RE = re.compile(r"[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?")
_SUBJECT_RE = re.compile(r"\((?P<cat>[^()]+)\)\s*$")
_HANDLE_RE = re.compile(r"[A-Za-z0-9_]{1,50}")
_STATUS_ID_RE = re.compile(r"[0-9]{1,20}")
_COUNT_RE = re.compile(r"[0-9]{1,18}")
_OFFSET_RE = re.compile(r"(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})")
_STATUS_URL_RE = re.compile(r"/status(?:es)?/(?P<id>\d{1,20})")
_V1_TIME = "%a %b %d %H:%M:%S %z %Y"


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
    r = _Reader(name)
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
    papers = obj["papers"]
    if not isinstance(papers, list):
        r.fail("papers", f"expected a list, got {type(papers).__name__}")
    return _Builder(r, since, observed_at).build(papers)


class _Reader:
    """Typed field access that fails with one line naming the file, the record path and the field."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, path: str, message: str) -> NoReturn:
        raise InputError(f"{self.name}: {path}: {message}".replace("\n", " "))

    def obj(self, value: object, path: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {type(value).__name__}")
        return value

    def get(self, obj: Mapping[str, Any], key: str, path: str, kind: type, *, required: bool) -> Any:
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "missing")
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.fail(f"{path}.{key}", f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    def string(self, obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str | None:
        value: str | None = self.get(obj, key, path, str, required=required)
        return value

    def strings(self, obj: Mapping[str, Any], key: str, path: str) -> list[str]:
        values: list[Any] = self.get(obj, key, path, list, required=False) or []
        for k, value in enumerate(values):
            if not isinstance(value, str):
                self.fail(f"{path}.{key}[{k}]", f"expected str, got {type(value).__name__}")
        return values

    def count(self, obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> int:
        value = obj.get(key)
        if value is None and not required:
            return 0
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, str) and _COUNT_RE.fullmatch(value.strip()):
            return int(value)
        self.fail(f"{path}.{key}", "missing" if value is None else f"not a count (>= 0): {value!r}")

    def status_id(self, obj: Mapping[str, Any], keys: tuple[str, ...], path: str) -> str:
        for key in keys:
            value = obj.get(key)
            if value is None or value == "":
                continue
            text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
            if not isinstance(text, str) or not _STATUS_ID_RE.fullmatch(text):
                self.fail(f"{path}.{key}", f"not a status id: {value!r}")
            return text
        self.fail(f"{path}.{keys[0]}", "missing")


def _slash_date(r: _Reader, meta: Mapping[str, Any], key: str) -> dt.date:
    text = r.string(meta, key, "meta")
    try:
        return dt.datetime.strptime(str(text), "%Y/%m/%d").date()
    except ValueError:
        r.fail(f"meta.{key}", f"not a date YYYY/MM/DD: {text!r}")


@dataclass(frozen=True, slots=True)
class _Tweet:
    """One parsed tweet before merging: the post (without links), its counts and its expanded URLs."""

    post: Post
    urls: tuple[str, ...]
    reposts: int
    likes: int
    replies: int
    quotes: int


class _Builder:
    """Accumulates the records of one file; posts are merged by id across papers."""

    def __init__(self, r: _Reader, since: dt.date, observed_at: dt.datetime) -> None:
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
                self._add(_tweet(self.r, self.r.obj(raw_tweet, tpath), tpath), paper.arxiv_id)
        return LegacyBatch(
            papers=tuple(self.papers.values()),
            announcements=tuple(self.announcements),
            posts=tuple(replace(post, links=tuple(links)) for post, links in self.posts.values()),
            snapshots=tuple(self.snapshots.values()),
            date=self.since,
        )

    def _add(self, tweet: _Tweet, paper_id: ArxivId) -> None:
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


def _paper(r: _Reader, obj: Mapping[str, Any], path: str) -> Paper:
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


def _paper_id(r: _Reader, obj: Mapping[str, Any], links: Mapping[str, str], path: str) -> tuple[ArxivId, int | None]:
    """The paper's id; an old-style id that the original cut at its ``/`` is recovered from the abs link."""
    raw = str(r.string(obj, "id", path))
    parsed = parse_id(raw)
    abstract = links.get("Abstract", "")
    if parsed is None and "/abs/" in abstract:
        parsed = parse_id(abstract.split("/abs/", 1)[1])
    if parsed is None:
        r.fail(f"{path}.id", f"not an arXiv identifier: {raw!r}")
    return parsed


def _categories(r: _Reader, obj: Mapping[str, Any], path: str) -> tuple[str, ...]:
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


def _tweet(r: _Reader, obj: Mapping[str, Any], path: str) -> _Tweet:
    if isinstance(obj.get("user"), dict):
        return _status(r, obj, path)
    if "username" in obj or "retweets_count" in obj:
        return _twint(r, obj, path)
    r.fail(path, "neither a twint record (username) nor a Twitter v1.1 status (user)")


def _handle(r: _Reader, obj: Mapping[str, Any], key: str, path: str) -> str:
    handle = str(r.string(obj, key, path)).lstrip("@")
    if not _HANDLE_RE.fullmatch(handle):
        r.fail(f"{path}.{key}", f"not a Twitter handle: {handle!r}")
    return handle


def _status(r: _Reader, obj: Mapping[str, Any], path: str) -> _Tweet:
    """A Twitter v1.1 status (python-twitter ``AsDict`` spellings accepted)."""
    user = r.obj(obj["user"], f"{path}.user")
    handle = _handle(r, user, "screen_name", f"{path}.user")
    post_id = r.status_id(obj, ("id_str", "id"), path)
    text = r.string(obj, "full_text", path, required=False) or r.string(obj, "text", path, required=False)
    if text is None:
        r.fail(f"{path}.full_text", "missing (neither full_text nor text)")
    kind, references = _status_kind(r, obj, path)
    followers = None
    if user.get("followers_count") is not None:
        followers = r.count(user, "followers_count", f"{path}.user")
    name = r.string(user, "name", f"{path}.user", required=False) or handle
    url, lang = f"https://twitter.com/{handle}/status/{post_id}", r.string(obj, "lang", path, required=False)
    created_at = _v1_time(r, obj, "created_at", path)
    post = Post("x", post_id, url, handle, name, text, created_at, kind=kind, references=references)
    post = replace(post, author_followers=followers, language=lang)
    counts = [r.count(obj, key, path) for key in ("retweet_count", "favorite_count")]
    counts += [r.count(obj, key, path, required=False) for key in ("reply_count", "quote_count")]
    return _Tweet(post, _status_urls(r, obj, path), *counts)


def _status_urls(r: _Reader, obj: Mapping[str, Any], path: str) -> tuple[str, ...]:
    """Expanded URLs from ``entities.urls`` (API JSON) or top-level ``urls`` (python-twitter ``AsDict``)."""
    entities = r.get(obj, "entities", path, dict, required=False) or {}
    items = r.get(entities, "urls", f"{path}.entities", list, required=False)
    if items is None:
        items = r.get(obj, "urls", path, list, required=False) or []
    urls: list[str] = []
    for item in items:
        value = item.get("expanded_url") or item.get("url") if isinstance(item, dict) else item
        if isinstance(value, str):
            urls.append(value)
    return tuple(urls)


def _status_kind(r: _Reader, obj: Mapping[str, Any], path: str) -> tuple[PostKind, str | None]:
    if obj.get("retweeted_status") is not None:
        original = r.obj(obj["retweeted_status"], f"{path}.retweeted_status")
        return PostKind.REPOST, r.status_id(original, ("id_str", "id"), f"{path}.retweeted_status")
    if obj.get("quoted_status_id_str") or obj.get("quoted_status_id"):
        return PostKind.QUOTE, r.status_id(obj, ("quoted_status_id_str", "quoted_status_id"), path)
    if obj.get("in_reply_to_status_id_str") or obj.get("in_reply_to_status_id"):
        return PostKind.REPLY, r.status_id(obj, ("in_reply_to_status_id_str", "in_reply_to_status_id"), path)
    return PostKind.ORIGINAL, None


def _v1_time(r: _Reader, obj: Mapping[str, Any], key: str, path: str) -> dt.datetime:
    text = str(r.string(obj, key, path))
    for parse in (lambda t: dt.datetime.strptime(t, _V1_TIME), dt.datetime.fromisoformat):
        try:
            value = parse(text)
        except ValueError:
            continue
        if value.utcoffset() is not None:
            return value.astimezone(dt.UTC)
    r.fail(f"{path}.{key}", f"not a date-time with an offset: {text!r}")


def _twint(r: _Reader, obj: Mapping[str, Any], path: str) -> _Tweet:
    """A twint record, from ``vars(tweet)`` or from twint's JSON output."""
    original_id = r.status_id(obj, ("id_str", "id"), path)
    handle = _handle(r, obj, "username", path)
    name = r.string(obj, "name", path, required=False) or handle
    created_at = _twint_time(r, obj, path)
    kind, references, post_id = PostKind.ORIGINAL, None, original_id
    if _flag(r, obj, "retweet", path):
        kind, references = PostKind.REPOST, original_id
        post_id = r.status_id(obj, ("retweet_id",), path)
        if obj.get("user_rt"):
            handle = name = _handle(r, obj, "user_rt", path)
        if obj.get("retweet_date"):
            created_at = _wall_time(r, obj, str(r.string(obj, "retweet_date", path)), "retweet_date", path)
    elif isinstance(obj.get("quote_url"), str) and (quoted := _STATUS_URL_RE.search(obj["quote_url"])):
        kind, references = PostKind.QUOTE, quoted["id"]
    lang = r.string(obj, "language", path, required=False) or r.string(obj, "lang", path, required=False)
    url, text = f"https://twitter.com/{handle}/status/{post_id}", str(r.string(obj, "tweet", path))
    post = Post("x", post_id, url, handle, name, text, created_at, kind=kind, references=references, language=lang)
    urls = tuple(r.strings(obj, "urls", path))
    counts = (r.count(obj, "retweets_count", path), r.count(obj, "likes_count", path))
    return _Tweet(post, urls, *counts, r.count(obj, "replies_count", path, required=False), 0)


def _flag(r: _Reader, obj: Mapping[str, Any], key: str, path: str) -> bool:
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", ""):
        return value.strip().lower() == "true"
    r.fail(f"{path}.{key}", f"expected true or false, got {value!r}")


def _twint_time(r: _Reader, obj: Mapping[str, Any], path: str) -> dt.datetime:
    """Epoch ms if given, else date + time in the scraper's ``timezone``, else the ``datetime`` string."""
    for key in ("datetime", "created_at"):
        value = obj.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return dt.datetime.fromtimestamp(value / 1000, dt.UTC)
            except (OverflowError, OSError, ValueError):
                r.fail(f"{path}.{key}", f"not a time in epoch milliseconds: {value!r}")
    day = obj.get("date") or obj.get("datestamp")
    clock = obj.get("time") or obj.get("timestamp")
    if isinstance(day, str) and isinstance(clock, str):
        return _wall_time(r, obj, f"{day} {clock}", "date", path)
    for key in ("datetime", "created_at"):
        if isinstance(obj.get(key), str):
            return _wall_time(r, obj, obj[key][:19], key, path)
    r.fail(f"{path}.date", "missing (no date and time, datetime or created_at)")


def _wall_time(r: _Reader, obj: Mapping[str, Any], text: str, key: str, path: str) -> dt.datetime:
    """A twint ``YYYY-MM-DD HH:MM:SS`` in the offset of the record's ``timezone`` (UTC if absent)."""
    try:
        naive = dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        r.fail(f"{path}.{key}", f"not a date and time YYYY-MM-DD HH:MM:SS: {text!r}")
    zone = obj.get("timezone") or "+0000"
    match = _OFFSET_RE.fullmatch(zone) if isinstance(zone, str) else None
    if match is None:
        r.fail(f"{path}.timezone", f"not a UTC offset such as +0900: {zone!r}")
    offset = dt.timedelta(hours=int(match["h"]), minutes=int(match["m"]))
    offset = -offset if match["sign"] == "-" else offset
    if abs(offset) >= dt.timedelta(hours=24):
        r.fail(f"{path}.timezone", f"not a UTC offset such as +0900: {zone!r}")
    return naive.replace(tzinfo=dt.timezone(offset)).astimezone(dt.UTC)
