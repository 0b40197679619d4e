"""Hugging Face Daily Papers: each paper page's upvotes and comments as a signal for its arXiv paper.

Endpoint, under ``$HOTPAPERS_HF_API_URL`` (default ``https://huggingface.co/api``): ``GET /daily_papers?date=
YYYY-MM-DD&limit=100&p=N``, "the equivalent of https://huggingface.co/papers" (huggingface/hub-docs
``docs/hub/api.md``); ``date`` is the day a paper was included in Daily Papers, ``p`` the page (from 0) and
``limit`` its size. Pages are read until one holds fewer than ``limit`` entries (or nothing new).

Which dates: Hugging Face lists a paper under the date (UTC) it was put on Daily Papers, not under its arXiv
listing day. A listing day's window runs from its announcement to the next one, both at 00:00 or 01:00 UTC
(20:00 US Eastern), so the dates read run from the day before the window's start to the day before its end:
for a Tuesday, Monday and Tuesday; for a Friday, Thursday to Sunday. The day before catches a paper put on
the list before midnight UTC; a date after today (UTC) is never read, as the API refuses future dates. Known
posts that these dates did not list are refreshed from the date of their ``created_at``; one that is not
listed there either gets no snapshot (Daily Papers has no "removed" signal, so no ``PostGone``).

The response is a list of entries (schema: huggingface_hub ``PaperInfo`` and the Hub's OpenAPI spec): an
entry's ``paper.id`` is the arXiv id, ``paper.upvotes`` its upvotes, ``numComments`` its comments,
``publishedAt`` when it was put on Daily Papers, ``title`` and ``submittedBy`` (``user``, ``name``,
``fullname``, ``followerCount``). Each entry is a ``Post`` (platform ``huggingface``, id = the canonical
arXiv id, one paper page per paper) that links the paper (``LinkMethod.SOURCE``), with an
``EngagementSnapshot`` (likes = upvotes, replies = comments). No credentials; the documented anonymous
limit is 500 API requests per 5 minutes per IP, so requests are spaced ``MIN_INTERVAL`` seconds apart.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from hotpapers.arxiv.ids import parse_id
from hotpapers.bounds import INSTANT_RANGE, MAX_COUNT, supported
from hotpapers.errors import ParseError
from hotpapers.models import ArxivId, EngagementSnapshot, LinkMethod, PaperLink, Post, Record
from hotpapers.plugins import CollectRequest
from hotpapers.sources._base import PublicJsonSource, SkipError, load_json, show, utc_from_iso

__all__ = [
    "API_URL",
    "MIN_INTERVAL",
    "PAGE_SIZE",
    "DailyPapersPage",
    "HuggingFaceSource",
    "listing_dates",
    "parse_daily_papers",
]

log = logging.getLogger(__name__)

API_URL = "https://huggingface.co/api"
ENV_API_URL = "HOTPAPERS_HF_API_URL"
PLATFORM = "huggingface"
PAGE_SIZE = 100  # entries asked per page (``limit``)
MAX_PAGES = 50  # a guard: a day has far fewer than 5000 daily papers
MIN_INTERVAL = 0.6  # seconds between requests: 500 per 5 minutes is one every 0.6 s
_FALLBACK_HANDLE = "huggingface"
_FALLBACK_NAME = "Hugging Face"


@dataclass(frozen=True, slots=True)
class DailyPapersPage:
    """One page of ``daily_papers``: a post and a snapshot per readable entry, and why others were skipped."""

    posts: tuple[Post, ...]
    snapshots: tuple[EngagementSnapshot, ...]
    skipped: tuple[str, ...]
    entries: int  # entries in the body, skipped ones included (a short page is the last one)

    @property
    def records(self) -> tuple[Post | EngagementSnapshot, ...]:
        """Each post followed by its snapshot."""
        return tuple(record for pair in zip(self.posts, self.snapshots, strict=True) for record in pair)


def _count(value: object) -> int | None:
    """A JSON count: a non-negative integer, also written as an integral float (the spec says number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value) if 0 <= value <= MAX_COUNT else None


def _timestamp(value: object) -> dt.datetime:
    parsed = utc_from_iso(value, "publishedAt")
    if not supported(parsed):
        raise SkipError(f"publishedAt {show(value)} is outside the supported range ({INSTANT_RANGE})")
    return parsed


def _submitter(user: object) -> tuple[str, str, int | None]:
    """(handle, display name, followers) of ``submittedBy``; Hugging Face itself when it is absent."""
    if not isinstance(user, dict):
        return _FALLBACK_HANDLE, _FALLBACK_NAME, None
    handle = next((v for v in (user.get("user"), user.get("name")) if isinstance(v, str) and v.strip()), None)
    if handle is None:
        return _FALLBACK_HANDLE, _FALLBACK_NAME, None
    fullname = user.get("fullname")
    name = fullname.strip() if isinstance(fullname, str) and fullname.strip() else handle
    return handle, name, _count(user.get("followerCount"))


def _arxiv_id(paper: Mapping[str, object]) -> ArxivId:
    raw = paper.get("id")
    parsed = parse_id(raw) if isinstance(raw, str) else None
    if parsed is None:
        raise SkipError(f"paper.id {show(raw)} is not an arXiv id")
    return parsed[0]


def _counts(entry: Mapping[str, object], paper: Mapping[str, object]) -> tuple[int, int]:
    """(upvotes, comments); ``numComments`` absent means 0, as huggingface_hub reads it."""
    upvotes, comments = _count(paper.get("upvotes")), _count(entry.get("numComments", 0))
    if upvotes is None or comments is None:
        raise SkipError(f"upvotes {show(paper.get('upvotes'))} / numComments {show(entry.get('numComments'))}")
    return upvotes, comments


def _title(entry: Mapping[str, object], paper: Mapping[str, object]) -> str:
    title = entry.get("title") or paper.get("title")
    if not isinstance(title, str) or not title.strip():
        raise SkipError(f"title {show(title)} missing")
    return " ".join(title.split())


def _entry(entry: object, observed_at: dt.datetime) -> tuple[Post, EngagementSnapshot]:
    if not isinstance(entry, dict) or not isinstance(entry.get("paper"), dict):
        raise SkipError("not an object with a 'paper' object")
    paper = entry["paper"]
    arxiv_id = _arxiv_id(paper)
    upvotes, comments = _counts(entry, paper)
    handle, name, followers = _submitter(entry.get("submittedBy") or paper.get("submittedOnDailyBy"))
    post = Post(
        platform=PLATFORM,
        post_id=arxiv_id,
        url=f"https://huggingface.co/papers/{arxiv_id}",
        author_handle=handle,
        author_name=name,
        text=_title(entry, paper),
        created_at=_timestamp(entry.get("publishedAt") or paper.get("submittedOnDailyAt")),
        links=(PaperLink(arxiv_id, LinkMethod.SOURCE),),
        author_followers=followers,
    )
    extras = (("upvotes", upvotes),)
    return post, EngagementSnapshot(PLATFORM, arxiv_id, observed_at, likes=upvotes, replies=comments, extras=extras)


def parse_daily_papers(data: bytes, observed_at: dt.datetime) -> DailyPapersPage:
    """Parse one ``GET /api/daily_papers`` response.

    Args:
        data: the response body.
        observed_at: when the counts were read (timezone-aware).

    Returns:
        A ``DailyPapersPage``; ``skipped`` says, one line each, which entries could not be read and why.

    Raises:
        ParseError: the body is not JSON or not a list.
    """
    body = load_json(data, "Hugging Face daily_papers response")
    if not isinstance(body, list):
        raise ParseError(f"Hugging Face daily_papers response: expected a list, got {type(body).__name__}")
    posts: list[Post] = []
    snapshots: list[EngagementSnapshot] = []
    skipped: list[str] = []
    for index, entry in enumerate(body):
        try:
            post, snapshot = _entry(entry, observed_at)
        except SkipError as e:
            skipped.append(f"[{index}]: {e}")
            continue
        posts.append(post)
        snapshots.append(snapshot)
    return DailyPapersPage(tuple(posts), tuple(snapshots), tuple(skipped), len(body))


def listing_dates(start: dt.datetime, end: dt.datetime, today: dt.date) -> list[dt.date]:
    """The Daily Papers dates read for the window [start, end): from the UTC date before ``start`` to the UTC
    date before ``end``, none after ``today``."""
    first = start.astimezone(dt.UTC).date() - dt.timedelta(days=1)
    last = min(end.astimezone(dt.UTC).date() - dt.timedelta(days=1), today)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


class HuggingFaceSource(PublicJsonSource):
    """Hugging Face Daily Papers upvotes and comments, one post per paper (no credentials needed)."""

    name = PLATFORM
    API_URL = API_URL
    ENV_API_URL = ENV_API_URL
    MIN_INTERVAL = MIN_INTERVAL
    ERROR_KEYS = ("error", "message")

    def collect(self, request: CollectRequest) -> Iterator[Record]:
        """Yield the papers listed on the window's dates with snapshots, then refresh ``request.known_posts``."""
        seen: set[str] = set()
        dates = listing_dates(request.start, request.end, self._context.now().astimezone(dt.UTC).date())
        for day in dates:
            yield from self._day(day, seen, None)
        yield from self._refresh(request.known_posts, seen, set(dates))

    def _page(self, day: dt.date, number: int) -> DailyPapersPage:
        params: dict[str, str | int] = {"date": day.isoformat(), "limit": PAGE_SIZE, "p": number}
        page = self._read(f"{self._base}/daily_papers", params, parse_daily_papers)
        for reason in page.skipped:
            log.warning("huggingface: skipped entry %s of %s", reason, day)
        return page

    def _day(self, day: dt.date, seen: set[str], keep: set[str] | None) -> Iterator[Record]:
        """The entries of one date, page by page, not yielded before (only those in ``keep`` if given)."""
        listed: set[str] = set()
        for number in range(MAX_PAGES):
            page = self._page(day, number)
            ids = {post.post_id for post in page.posts}
            for post, snapshot in zip(page.posts, page.snapshots, strict=True):
                if post.post_id not in seen and (keep is None or post.post_id in keep):
                    seen.add(post.post_id)
                    yield from (post, snapshot) if keep is None else (snapshot,)
            if page.entries < PAGE_SIZE or ids <= listed:
                return
            listed |= ids

    def _refresh(self, known: Sequence[Post], seen: set[str], fetched: set[dt.date]) -> Iterator[Record]:
        """Snapshots for known posts not listed on the window's dates, from the date each was put on the list."""
        by_date: dict[dt.date, set[str]] = defaultdict(set)
        for post in known:
            if post.platform == PLATFORM and post.post_id not in seen:
                by_date[post.created_at.astimezone(dt.UTC).date()].add(post.post_id)
        for day, ids in sorted(by_date.items()):
            if day not in fetched:
                yield from self._day(day, seen, ids)
            for post_id in sorted(ids - seen):
                log.info("huggingface: %s is not on the Daily Papers of %s; no new snapshot", post_id, day)
