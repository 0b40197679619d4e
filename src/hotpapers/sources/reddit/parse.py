"""Reddit API responses to records: a ``Listing`` of submissions (``t3``) and comments (``t1``), and the OAuth token.

A ``Listing`` (``{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {...}}, ...], "after": ...}}``)
is what ``/r/{sub}/new``, ``/r/{sub}/comments``, ``/search`` and ``/api/info`` answer (recorded: praw's cassettes
of ``/r/all/search`` and ``/api/info?url=``; the comment fields follow Reddit's documented ``t1`` "thing").

* A submission is a ``Post`` (platform ``reddit``, id = its fullname ``t3_<id>``, url = ``https://www.reddit.com``
  + ``permalink``, text = title and self text) that links the papers of its ``url`` (``LinkMethod.URL``) and of
  its self text (``LinkMethod.TEXT``); its snapshot: likes = ``score`` (0 if negative), replies =
  ``num_comments``, reposts = ``num_crossposts``.
* A crosspost (``crosspost_parent`` set) is a repost: never a post, it is counted in its original's
  ``num_crossposts``.
* A comment is a ``REPLY`` post (id ``t1_<id>``, ``references`` = its ``parent_id``) linking the papers of its
  ``body`` (``LinkMethod.TEXT``); its snapshot: likes = ``score`` (0 if negative).
* A thing that was deleted or removed (author ``[deleted]``, text ``[deleted]``/``[removed]``, or
  ``removed_by_category`` set) is ``gone``: never a new post, and ``PostGone`` when it is refreshed.

Things that link no paper are not posts. A child that cannot be read is skipped with a reason; a body that is
not a Listing raises ``ParseError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from hotpapers.errors import APIError, ParseError
from hotpapers.links import find_arxiv_ids, resolve_url
from hotpapers.models import ArxivId, EngagementSnapshot, LinkMethod, PaperLink, Post, PostKind
from hotpapers.sources._base import SkipError, count, load_json, read_each, show, string, utc_from_timestamp

__all__ = ["PLATFORM", "RedditPage", "Thing", "parse_listing", "parse_token"]

PLATFORM = "reddit"
WEB = "https://www.reddit.com"
MAX_TEXT = 4000  # characters of a self text or comment kept as the post's text
_GONE_TEXT = frozenset({"[deleted]", "[removed]"})


@dataclass(frozen=True, slots=True)
class Thing:
    """One child of a Listing: its fullname, when it was made, and what hotpapers makes of it."""

    fullname: str
    created_at: dt.datetime
    post: Post | None  # None: it links no paper, is a crosspost, or is gone
    snapshot: EngagementSnapshot | None  # None for a crosspost or a gone thing
    gone: str | None = None  # why it is gone (deleted, removed), if it is


@dataclass(frozen=True, slots=True)
class RedditPage:
    """A parsed Listing: its things in order, the ``after`` cursor, and the children that could not be read."""

    things: tuple[Thing, ...]
    after: str | None
    skipped: tuple[str, ...]


def _gone(data: Mapping[str, object], text_key: str) -> str | None:
    removed = data.get("removed_by_category")
    if isinstance(removed, str) and removed:
        return f"removed ({removed})"
    if string(data, text_key).strip() in _GONE_TEXT:
        return string(data, text_key).strip().strip("[]")
    if string(data, "author") == "[deleted]":
        return "deleted"
    return None


def _links(url: str, text: str) -> tuple[PaperLink, ...]:
    found: dict[ArxivId, PaperLink] = {}
    linked = resolve_url(url) if url else None
    if linked is not None:
        found[linked] = PaperLink(linked, LinkMethod.URL)
    for arxiv_id in find_arxiv_ids(text):
        found.setdefault(arxiv_id, PaperLink(arxiv_id, LinkMethod.TEXT))
    return tuple(found.values())


def _url(data: Mapping[str, object], fullname: str) -> str:
    """The thing's page: its ``permalink``, else (a comment without one) built from its submission's id."""
    permalink = string(data, "permalink")
    if permalink.startswith("/"):
        return WEB + permalink.split("?", 1)[0]
    link = string(data, "link_id")
    if fullname.startswith("t1_") and link.startswith("t3_"):
        return f"{WEB}/comments/{link[3:]}/_/{fullname[3:]}/"
    return f"{WEB}/comments/{fullname[3:]}/"


def _score(data: Mapping[str, object]) -> int:
    value = data.get("score")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SkipError(f"score {show(value)} is not a number")
    return count(value) or 0  # a negative score counts as no likes


def _submission(data: Mapping[str, object], fullname: str, observed_at: dt.datetime) -> Thing:
    created = utc_from_timestamp(data.get("created_utc"), "created_utc")
    if string(data, "crosspost_parent"):
        return Thing(fullname, created, None, None)
    gone = _gone(data, "selftext")
    if gone is not None:
        return Thing(fullname, created, None, None, gone)
    score, comments = _score(data), count(data.get("num_comments"))
    if comments is None:
        raise SkipError(f"num_comments {show(data.get('num_comments'))} is not a count")
    reposts = count(data.get("num_crossposts")) or 0
    snapshot = EngagementSnapshot(PLATFORM, fullname, observed_at, reposts=reposts, likes=score, replies=comments,
                                  extras=(("score", score), ("comments", comments)))
    title, body = " ".join(string(data, "title").split()), string(data, "selftext").strip()
    links = _links(string(data, "url"), f"{title}\n{body}")
    if not links:
        return Thing(fullname, created, None, snapshot)
    text = f"{title}\n\n{body[:MAX_TEXT]}" if body else title
    return Thing(fullname, created, _post(data, fullname, created, text, links), snapshot)


def _comment(data: Mapping[str, object], fullname: str, observed_at: dt.datetime) -> Thing:
    created = utc_from_timestamp(data.get("created_utc"), "created_utc")
    gone = _gone(data, "body")
    if gone is not None:
        return Thing(fullname, created, None, None, gone)
    score = _score(data)
    snapshot = EngagementSnapshot(PLATFORM, fullname, observed_at, likes=score, extras=(("score", score),))
    body = string(data, "body").strip()
    links = _links("", body)
    if not links:
        return Thing(fullname, created, None, snapshot)
    parent = string(data, "parent_id") or string(data, "link_id") or None
    post = _post(data, fullname, created, body[:MAX_TEXT], links, PostKind.REPLY, parent)
    return Thing(fullname, created, post, snapshot)


def _post(data: Mapping[str, object], fullname: str, created: dt.datetime, text: str,
          links: tuple[PaperLink, ...], kind: PostKind = PostKind.ORIGINAL, references: str | None = None) -> Post:
    author = string(data, "author")
    if not author:
        raise SkipError(f"author {show(data.get('author'))} missing")
    return Post(PLATFORM, fullname, _url(data, fullname), author, author, text, created, links, kind,
                references=references)


def _thing(child: object, observed_at: dt.datetime) -> Thing | None:
    """One Listing child; None for kinds that are not submissions or comments (``more``, subreddits, ...)."""
    if not isinstance(child, dict) or not isinstance(child.get("data"), dict):
        raise SkipError("not an object with a 'data' object")
    kind, data = child.get("kind"), child["data"]
    if kind not in ("t3", "t1"):
        return None
    name = data.get("name")
    if not isinstance(name, str) or not name.startswith(f"{kind}_") or not _base36(name[3:]):
        raise SkipError(f"name {show(name)} is not a {kind} fullname")
    return (_submission if kind == "t3" else _comment)(data, name, observed_at)


def _base36(text: str) -> bool:
    return 0 < len(text) <= 16 and text.isascii() and text.isalnum()


def parse_listing(data: bytes, observed_at: dt.datetime) -> RedditPage:
    """Parse a Reddit ``Listing`` response.

    Args:
        data: the response body.
        observed_at: when the counts were read (timezone-aware).

    Returns:
        A ``RedditPage``; ``skipped`` says, one line each, which children could not be read and why.

    Raises:
        ParseError: the body is not JSON or not a Listing with a ``children`` list.
    """
    body = load_json(data, "Reddit listing")
    inner = body.get("data") if isinstance(body, dict) and body.get("kind") == "Listing" else None
    if not isinstance(inner, dict) or not isinstance(inner.get("children"), list):
        raise ParseError("Reddit listing: expected {'kind': 'Listing', 'data': {'children': [...]}}")
    things, skipped = read_each(inner["children"], lambda child: _thing(child, observed_at), "children")
    after = inner.get("after")
    return RedditPage(tuple(t for t in things if t is not None), after if isinstance(after, str) and after else None,
                      tuple(skipped))


def parse_token(data: bytes) -> tuple[str, float]:
    """Parse the OAuth token response: (the access token, seconds it lives).

    Raises:
        APIError: the body names an ``error`` (e.g. ``unsupported_grant_type``) instead of a token.
        ParseError: the body is not a token response.
    """
    body = load_json(data, "Reddit token response")
    if isinstance(body, dict) and isinstance(body.get("error"), str) and "access_token" not in body:
        raise APIError(f"Reddit refused the token request: {show(body['error'])}")
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token.strip():
        raise ParseError("Reddit token response: no access_token")
    expires = body.get("expires_in") if isinstance(body, dict) else None
    seconds = float(expires) if isinstance(expires, int | float) and not isinstance(expires, bool) else 3600.0
    return token, max(60.0, min(seconds, 86_400.0))
