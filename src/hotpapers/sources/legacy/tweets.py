"""Tweets in the original tool's JSON: twint records and Twitter v1.1 statuses (see
``hotpapers.sources.legacy.parse``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from hotpapers.models import Post, PostKind
from hotpapers.sources.legacy.reader import Reader

__all__ = ["Tweet", "parse_tweet"]

_HANDLE_RE = re.compile(r"[A-Za-z0-9_]{1,50}")
_OFFSET_RE = re.compile(r"(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})")
_STATUS_URL_RE = re.compile(r"/status(?:es)?/(?P<id>\d{1,20})")
_V1_TIME = "%a %b %d %H:%M:%S %z %Y"


@dataclass(frozen=True, slots=True)
class Tweet:
    """One parsed tweet before merging: the post (without links), its counts and its expanded URLs."""

    post: Post
    urls: tuple[str, ...]
    reposts: int
    likes: int
    replies: int
    quotes: int


def parse_tweet(r: Reader, obj: Mapping[str, Any], path: str) -> Tweet:
    if isinstance(obj.get("user"), dict):
        return _status(r, obj, path)
    if "username" in obj or "retweets_count" in obj:
        return _twint(r, obj, path)
    r.fail(path, "neither a twint record (username) nor a Twitter v1.1 status (user)")


def _handle(r: Reader, obj: Mapping[str, Any], key: str, path: str) -> str:
    handle = str(r.string(obj, key, path)).lstrip("@")
    if not _HANDLE_RE.fullmatch(handle):
        r.fail(f"{path}.{key}", f"not a Twitter handle: {handle!r}")
    return handle


def _status(r: Reader, obj: Mapping[str, Any], path: str) -> Tweet:
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
    return Tweet(post, _status_urls(r, obj, path), *counts)


def _status_urls(r: Reader, obj: Mapping[str, Any], path: str) -> tuple[str, ...]:
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


def _status_kind(r: Reader, obj: Mapping[str, Any], path: str) -> tuple[PostKind, str | None]:
    if obj.get("retweeted_status") is not None:
        original = r.obj(obj["retweeted_status"], f"{path}.retweeted_status")
        return PostKind.REPOST, r.status_id(original, ("id_str", "id"), f"{path}.retweeted_status")
    if obj.get("quoted_status_id_str") or obj.get("quoted_status_id"):
        return PostKind.QUOTE, r.status_id(obj, ("quoted_status_id_str", "quoted_status_id"), path)
    if obj.get("in_reply_to_status_id_str") or obj.get("in_reply_to_status_id"):
        return PostKind.REPLY, r.status_id(obj, ("in_reply_to_status_id_str", "in_reply_to_status_id"), path)
    return PostKind.ORIGINAL, None


def _v1_time(r: Reader, obj: Mapping[str, Any], key: str, path: str) -> dt.datetime:
    text = str(r.string(obj, key, path))
    for parse in (lambda t: dt.datetime.strptime(t, _V1_TIME), dt.datetime.fromisoformat):
        try:
            value = parse(text)
        except ValueError:
            continue
        if value.utcoffset() is not None:
            return r.instant(value, f"{path}.{key}")
    r.fail(f"{path}.{key}", f"not a date-time with an offset: {text[:80]!r}")


def _twint(r: Reader, obj: Mapping[str, Any], path: str) -> Tweet:
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
    return Tweet(post, urls, *counts, r.count(obj, "replies_count", path, required=False), 0)


def _flag(r: Reader, obj: Mapping[str, Any], key: str, path: str) -> bool:
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", ""):
        return value.strip().lower() == "true"
    r.fail(f"{path}.{key}", f"expected true or false, got {value!r}")


def _twint_time(r: Reader, obj: Mapping[str, Any], path: str) -> dt.datetime:
    """Epoch ms if given, else date + time in the scraper's ``timezone``, else the ``datetime`` string."""
    for key in ("datetime", "created_at"):
        value = obj.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                when = dt.datetime.fromtimestamp(value / 1000, dt.UTC)
            except (OverflowError, OSError, ValueError):
                r.fail(f"{path}.{key}", f"not a time in epoch milliseconds: {repr(value)[:80]}")
            return r.instant(when, f"{path}.{key}")
    day = obj.get("date") or obj.get("datestamp")
    clock = obj.get("time") or obj.get("timestamp")
    if isinstance(day, str) and isinstance(clock, str):
        return _wall_time(r, obj, f"{day} {clock}", "date", path)
    for key in ("datetime", "created_at"):
        if isinstance(obj.get(key), str):
            return _wall_time(r, obj, obj[key][:19], key, path)
    r.fail(f"{path}.date", "missing (no date and time, datetime or created_at)")


def _wall_time(r: Reader, obj: Mapping[str, Any], text: str, key: str, path: str) -> dt.datetime:
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
    return r.instant(naive.replace(tzinfo=dt.timezone(offset)), f"{path}.{key}")
