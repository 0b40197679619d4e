"""Hacker News account profiles: karma and account creation from the official HN API's user items.

``GET {HOTPAPERS_HN_USER_API_URL}/user/{id}.json`` (default ``https://hacker-news.firebaseio.com/v0``; the API is
public, documented at https://github.com/HackerNews/API) answers ``{"id", "created", "karma", "about"?,
"submitted"?}``, ``created`` in Unix seconds, or the literal ``null`` for an unknown user. The Algolia search the
stories come from has no karma. One request per author, spaced by the source's throttle.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import quote

import httpx
import orjson

from hotpapers.errors import HotpapersError, ParseError
from hotpapers.models import AccountProfile

__all__ = ["USER_API_URL", "fetch_users", "parse_user"]

log = logging.getLogger(__name__)

USER_API_URL = "https://hacker-news.firebaseio.com/v0"
PLATFORM = "hackernews"
_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")  # HN user names: letters, digits, '-' and '_' (2-15 when created)


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def parse_user(data: bytes, observed_at: dt.datetime) -> AccountProfile | None:
    """Parse a user item: its profile, or None for ``null`` (no such user, or one without public activity).

    Raises:
        ParseError: the body is not JSON, or neither ``null`` nor an object with a string ``id``.
    """
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise ParseError(f"Hacker News user: not JSON ({e})") from e
    if body is None:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not _NAME_RE.fullmatch(body["id"]):
        raise ParseError("Hacker News user: expected null or an object with a user name 'id'")
    created = _count(body.get("created"))
    try:
        when = None if created is None else dt.datetime.fromtimestamp(created, dt.UTC)
    except (OverflowError, OSError, ValueError):
        when = None
    return AccountProfile(PLATFORM, body["id"], observed_at, account_id=body["id"], name=body["id"],
                          karma=_count(body.get("karma")), created_at=when)  # fmt: skip


def fetch_users(
    get: Callable[[str], httpx.Response], base: str, names: Iterable[str], now: Callable[[], dt.datetime]
) -> Iterator[AccountProfile]:
    """The profiles of ``names``, one request each through ``get``; unknown users are left out.

    A failed request ends the profiles of this run with a warning, not the source (its stories are collected).
    """
    for name in dict.fromkeys(names):
        if not _NAME_RE.fullmatch(name):
            continue
        try:
            response = get(f"{base}/user/{quote(name)}.json")
            if response.status_code >= 400:
                raise ParseError(f"HTTP {response.status_code} for user {name}")
            profile = parse_user(response.content, now())
        except HotpapersError as e:
            log.warning("hackernews: user profiles: %s; the others are looked up on the next run", e)
            return
        if profile is not None:
            yield profile
