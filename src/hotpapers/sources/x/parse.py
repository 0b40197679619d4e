"""Parsers for X API v2 responses: recent search pages and tweet lookups (pure functions of the bytes).

A search page (``GET /2/tweets/search/recent``) is ``{"data": [tweet...], "includes": {"users": [...]},
"meta": {"result_count", "next_token"?}, "errors"?: [...]}``; ``data`` is absent when nothing matched. A
lookup (``GET /2/tweets?ids=``) is ``{"data"?: [tweet...], "errors"?: [...]}``: a 200 carries an ``errors``
entry for each requested id it cannot return (``"parameter": "ids"``, ``"title": "Not Found Error"`` for a
deleted post, ``"Authorization Error"`` for a protected or suspended author), and also for ids it could not
expand (``"parameter": "referenced_tweets.id"``), which say nothing about the requested post.

Both carry, with ``expansions=author_id`` and ``user.fields=created_at,public_metrics``, the authors in
``includes.users``: each becomes an ``AccountProfile`` (username, id, name, followers, following, tweets, account
creation time); a user object without a valid username is left out.

A tweet becomes a ``Post`` when it links at least one arXiv id: from the ``unwound_url`` and
``expanded_url`` of its ``entities.urls`` (never the ``t.co`` ``url``), then from its text
(``LinkMethod.TEXT``). A long post's full text and links are in ``note_tweet`` (``text``,
``entities.urls``) when that field was requested; the top-level ``text`` is then cut at 280 characters, so
``note_tweet`` wins. A repost (``referenced_tweets`` of type ``retweeted``) is never a ``Post``: it is
engagement on its original, already counted in the original's ``retweet_count``. A quote is a ``QUOTE``
mention, a reply a ``REPLY`` (a reply that quotes counts as a quote).

Malformed JSON or a wrong top-level shape raises ``ParseError``; one malformed tweet is left out and
described in ``skipped``, and the rest is kept. Tweets that link no arXiv id are simply not returned.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from hotpapers.bounds import INSTANT_RANGE, is_count, supported
from hotpapers.errors import ParseError
from hotpapers.links import find_arxiv_ids, ids_from_urls
from hotpapers.models import AccountProfile, EngagementSnapshot, LinkMethod, PaperLink, Post, PostGone, PostKind

__all__ = ["PLATFORM", "XLookup", "XPage", "parse_lookup", "parse_search_page", "parse_users", "tweet_links"]

PLATFORM = "x"
_ID_RE = re.compile(r"[0-9]{1,20}")
_HANDLE_RE = re.compile(r"[A-Za-z0-9_]{1,50}")  # X allows 15; older and reserved accounts may differ
_User = tuple[str, str, int | None]  # username, display name, followers (None if not reported)
_COUNTS = (("reposts", "retweet_count"), ("likes", "like_count"), ("replies", "reply_count"),
           ("quotes", "quote_count"))
_EXTRAS = (("bookmarks", "bookmark_count"), ("impressions", "impression_count"))
_GONE_TITLES = frozenset({"Not Found Error", "Authorization Error"})
_KINDS = (("quoted", PostKind.QUOTE), ("replied_to", PostKind.REPLY))


@dataclass(frozen=True, slots=True)
class XPage:
    """One page of recent search: the posts linking arXiv, a snapshot of each, and the next page's token."""

    posts: tuple[Post, ...]
    snapshots: tuple[EngagementSnapshot, ...]
    next_token: str | None
    skipped: tuple[str, ...]  # one line per malformed tweet: "data[3] (id 1392238204925906946): ..."
    profiles: tuple[AccountProfile, ...] = ()  # the authors in includes.users


@dataclass(frozen=True, slots=True)
class XLookup:
    """One tweet lookup: a snapshot per returned tweet, and the requested posts X says are gone."""

    snapshots: tuple[EngagementSnapshot, ...]
    gone: tuple[PostGone, ...]
    skipped: tuple[str, ...]
    profiles: tuple[AccountProfile, ...] = ()  # the authors in includes.users (with expansions=author_id)


class _Skip(Exception):
    """One tweet (or error entry) is malformed; the message says why."""


def parse_search_page(data: bytes, observed_at: dt.datetime) -> XPage:
    """Parse one recent-search page.

    Args:
        data: the response body.
        observed_at: when the response was received (timezone-aware); the snapshots' ``observed_at``.

    Returns:
        An ``XPage``; each post's snapshot follows the order of ``posts``.

    Raises:
        ParseError: the body is not JSON, or not an object with ``data`` and/or ``meta`` of the documented types.
    """
    obj = _load(data, "search page")
    if "data" not in obj and "meta" not in obj:
        raise ParseError("X search page: neither 'data' nor 'meta' in the response")
    tweets = _list(obj, "data", "search page")
    meta = _dict(obj, "meta", "search page")
    users = _users(_list(_dict(obj, "includes", "search page"), "users", "search page includes"))
    posts: list[Post] = []
    snapshots: list[EngagementSnapshot] = []
    skipped: list[str] = []
    for index, tweet in enumerate(tweets):
        try:
            found = _mention(tweet, users, observed_at)
        except _Skip as e:
            skipped.append(f"data[{index}]{_id_hint(tweet)}: {e}")
            continue
        if found is not None:
            posts.append(found[0])
            snapshots.append(found[1])
    token = meta.get("next_token")
    next_token = token if isinstance(token, str) and token else None
    profiles = parse_users(_list(_dict(obj, "includes", "search page"), "users", "search page includes"), observed_at)
    return XPage(tuple(posts), tuple(snapshots), next_token, tuple(skipped), profiles)


def parse_lookup(data: bytes, observed_at: dt.datetime) -> XLookup:
    """Parse one tweet-lookup response.

    Args:
        data: the response body.
        observed_at: when the response was received (timezone-aware).

    Returns:
        An ``XLookup``: a snapshot for each tweet in ``data`` and a ``PostGone`` for each requested id X
        reports as not found or not authorized.

    Raises:
        ParseError: the body is not JSON, or not an object with ``data`` and/or ``errors`` lists.
    """
    obj = _load(data, "lookup")
    if "data" not in obj and "errors" not in obj:
        raise ParseError("X lookup: neither 'data' nor 'errors' in the response")
    snapshots: list[EngagementSnapshot] = []
    skipped: list[str] = []
    for index, tweet in enumerate(_list(obj, "data", "lookup")):
        try:
            snapshots.append(_snapshot(*_tweet(tweet), observed_at))
        except _Skip as e:
            skipped.append(f"data[{index}]{_id_hint(tweet)}: {e}")
    gone: list[PostGone] = []
    for index, error in enumerate(_list(obj, "errors", "lookup")):
        try:
            found = _gone(error, observed_at)
        except _Skip as e:
            skipped.append(f"errors[{index}]: {e}")
            continue
        if found is not None:
            gone.append(found)
    profiles = parse_users(_list(_dict(obj, "includes", "lookup"), "users", "lookup includes"), observed_at)
    return XLookup(tuple(snapshots), tuple(gone), tuple(skipped), profiles)


def parse_users(entries: Iterable[object], observed_at: dt.datetime) -> tuple[AccountProfile, ...]:
    """The user objects of a response (``includes.users``, or ``data`` of a users lookup) as profiles.

    Args:
        entries: the user objects.
        observed_at: when the response was received (timezone-aware).

    Returns:
        One ``AccountProfile`` per user with a valid username; counts that are missing or not counts are None, and
        so is a missing or unreadable ``created_at``.
    """
    profiles = []
    for user in entries:
        if not isinstance(user, dict) or not isinstance(user.get("username"), str):
            continue
        if not _HANDLE_RE.fullmatch(user["username"]):
            continue
        metrics = user.get("public_metrics")
        counts = metrics if isinstance(metrics, dict) else {}
        user_id, name = user.get("id"), user.get("name")
        profiles.append(AccountProfile(
            PLATFORM, user["username"], observed_at,
            account_id=user_id if isinstance(user_id, str) and _ID_RE.fullmatch(user_id) else None,
            name=name if isinstance(name, str) else None,
            followers=_count_or_none(counts.get("followers_count")),
            following=_count_or_none(counts.get("following_count")),
            posts=_count_or_none(counts.get("tweet_count")),
            created_at=_time_or_none(user.get("created_at")),
        ))  # fmt: skip
    return tuple(profiles)


def _count_or_none(value: object) -> int | None:
    return value if _is_count(value) else None  # type: ignore[return-value]


def _time_or_none(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.utcoffset() is not None else None


def tweet_links(urls: Iterable[str], text: str) -> tuple[PaperLink, ...]:
    """The arXiv ids a tweet links: first from its expanded URLs, then from its text.

    Args:
        urls: the tweet's ``unwound_url`` / ``expanded_url`` values (never the ``t.co`` links).
        text: the tweet's full text.

    Returns:
        One ``PaperLink`` per distinct id: ``LinkMethod.URL`` for ids in ``urls``, ``LinkMethod.TEXT`` for
        ids only written in the text (``arXiv:2104.08223``).
    """
    from_urls = ids_from_urls(urls)
    links = [PaperLink(arxiv_id, LinkMethod.URL) for arxiv_id in from_urls]
    links += [PaperLink(i, LinkMethod.TEXT) for i in find_arxiv_ids(text) if i not in from_urls]
    return tuple(links)


def _load(data: bytes, what: str) -> dict[str, Any]:
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise ParseError(f"X {what}: not JSON: {e}") from e
    if not isinstance(obj, dict):
        raise ParseError(f"X {what}: expected a JSON object, got {type(obj).__name__}")
    return obj


def _list(obj: Mapping[str, Any], key: str, what: str) -> list[Any]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise ParseError(f"X {what}: '{key}' is {type(value).__name__}, expected a list")
    return value


def _dict(obj: Mapping[str, Any], key: str, what: str) -> Mapping[str, Any]:
    value = obj.get(key, {})
    if not isinstance(value, dict):
        raise ParseError(f"X {what}: '{key}' is {type(value).__name__}, expected an object")
    return value


def _id_hint(tweet: object) -> str:
    tweet_id = tweet.get("id") if isinstance(tweet, dict) else None
    return f" (id {tweet_id})" if isinstance(tweet_id, str) and _ID_RE.fullmatch(tweet_id) else ""


def _users(entries: list[Any]) -> dict[str, _User]:
    """``includes.users`` by id: (username, name, followers); malformed entries are left out."""
    users: dict[str, _User] = {}
    for user in entries:
        if not isinstance(user, dict):
            continue
        user_id, username, name = user.get("id"), user.get("username"), user.get("name")
        if not (isinstance(user_id, str) and isinstance(name, str)):
            continue
        if isinstance(username, str) and _HANDLE_RE.fullmatch(username):
            metrics = user.get("public_metrics")
            followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
            users[user_id] = (username, name, followers if _is_count(followers) else None)
    return users


def _mention(
    value: object, users: Mapping[str, _User], observed_at: dt.datetime
) -> tuple[Post, EngagementSnapshot] | None:
    """The post and snapshot of a tweet linking arXiv; None for a repost or a tweet linking no arXiv id."""
    post_id, tweet = _tweet(value)
    references = _references(tweet.get("referenced_tweets"))
    if "retweeted" in references:
        return None
    text, urls = _text_and_urls(tweet)
    links = tweet_links(urls, text)
    if not links:
        return None
    kind, referenced = next(((k, references[t]) for t, k in _KINDS if t in references), (PostKind.ORIGINAL, None))
    username, name, followers = _author(tweet, users)
    lang = tweet.get("lang")
    try:
        post = Post(
            platform=PLATFORM, post_id=post_id, url=f"https://x.com/{username}/status/{post_id}",
            author_handle=username, author_name=name, text=text, created_at=_created_at(tweet),
            links=links, kind=kind, author_followers=followers,
            language=lang if isinstance(lang, str) and lang else None, references=referenced,
        )
    except (ValueError, OverflowError) as e:  # a time outside datetime's range
        raise _Skip(str(e)) from e
    return post, _snapshot(post_id, tweet, observed_at)


def _tweet(value: object) -> tuple[str, Mapping[str, Any]]:
    """(id, tweet) of a ``data`` entry."""
    if not isinstance(value, dict):
        raise _Skip(f"expected an object, got {type(value).__name__}")
    tweet_id = value.get("id")
    if not isinstance(tweet_id, str) or not _ID_RE.fullmatch(tweet_id):
        raise _Skip(f"bad id {tweet_id!r}")
    return tweet_id, value


def _author(tweet: Mapping[str, Any], users: Mapping[str, _User]) -> _User:
    author_id = tweet.get("author_id")
    if not isinstance(author_id, str) or author_id not in users:
        raise _Skip(f"author {author_id!r} is not in includes.users")
    return users[author_id]


def _references(value: object) -> dict[str, str]:
    """``referenced_tweets`` as {type: id} (the first of each type)."""
    if value is None:
        return {}
    if not isinstance(value, list):
        raise _Skip("referenced_tweets is not a list")
    references: dict[str, str] = {}
    for ref in value:
        if not isinstance(ref, dict) or not isinstance(ref.get("type"), str):
            raise _Skip("a referenced_tweets entry has no type")
        ref_id = ref.get("id")
        if not isinstance(ref_id, str) or not _ID_RE.fullmatch(ref_id):
            raise _Skip(f"referenced_tweets has a bad id {ref_id!r}")
        references.setdefault(ref["type"], ref_id)
    return references


def _text_and_urls(tweet: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The full text (``note_tweet.text`` if present) and the expanded URLs of the tweet and its note."""
    text = tweet.get("text")
    if not isinstance(text, str):
        raise _Skip("no text")
    entities = [tweet.get("entities")]
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        text = note["text"]
        entities.append(note.get("entities"))
    return text, [url for e in entities for url in _expanded_urls(e)]


def _expanded_urls(entities: object) -> Iterable[str]:
    urls = entities.get("urls") if isinstance(entities, dict) else None
    for entity in urls if isinstance(urls, list) else ():
        if isinstance(entity, dict):
            yield from (entity[k] for k in ("unwound_url", "expanded_url") if isinstance(entity.get(k), str))


def _created_at(tweet: Mapping[str, Any]) -> dt.datetime:
    value = tweet.get("created_at")
    if not isinstance(value, str):
        raise _Skip("no created_at")
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError as e:
        raise _Skip(f"bad created_at {value[:80]!r}") from e
    if when.utcoffset() is None:
        raise _Skip(f"created_at {value[:80]!r} has no time zone")
    if not supported(when):
        raise _Skip(f"created_at {value[:80]!r} is outside the supported range ({INSTANT_RANGE})")
    return when


def _is_count(value: object) -> bool:
    return is_count(value)


def _snapshot(post_id: str, tweet: Mapping[str, Any], observed_at: dt.datetime) -> EngagementSnapshot:
    metrics = tweet.get("public_metrics")
    if not isinstance(metrics, dict):
        raise _Skip("no public_metrics")
    counts = {}
    for name, key in _COUNTS:
        if not _is_count(metrics.get(key)):
            raise _Skip(f"public_metrics.{key} is {metrics.get(key)!r}")
        counts[name] = metrics[key]
    extras = tuple((name, metrics[key]) for name, key in _EXTRAS if _is_count(metrics.get(key)))
    return EngagementSnapshot(PLATFORM, post_id, observed_at, extras=extras, **counts)


def _gone(error: object, observed_at: dt.datetime) -> PostGone | None:
    """A ``PostGone`` for an error about a requested id that is deleted or not visible; None otherwise."""
    if not isinstance(error, dict):
        raise _Skip(f"expected an object, got {type(error).__name__}")
    title = error.get("title")
    if not isinstance(title, str) or title not in _GONE_TITLES or error.get("parameter", "ids") not in ("ids", "id"):
        return None
    if error.get("resource_type", "tweet") != "tweet":
        return None
    post_id = error.get("resource_id", error.get("value"))
    if not isinstance(post_id, str) or not _ID_RE.fullmatch(post_id):
        raise _Skip(f"{title} without a tweet id")
    detail = error.get("detail")
    reason = detail if isinstance(detail, str) and detail else title
    return PostGone(PLATFORM, post_id, observed_at, reason)
