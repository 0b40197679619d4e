"""Bluesky account profiles: ``app.bsky.actor.getProfiles`` on the public AppView, 25 actors per request.

``GET {HOTPAPERS_BSKY_APPVIEW_URL}/xrpc/app.bsky.actor.getProfiles?actors=DID&actors=DID...`` (the lexicon's
``maxLength`` is 25; no credentials) answers ``{"profiles": [profileViewDetailed...]}``; an actor the AppView does
not know is simply absent. Each profile view becomes an ``AccountProfile``: ``handle``, ``did`` (the account id),
``displayName``, ``followersCount``, ``followsCount``, ``postsCount`` and ``createdAt`` (the account's creation;
older accounts may lack it). A view without a DID or handle is skipped with a reason; a body that is not such an
object raises ``ParseError``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlencode

import orjson

from hotpapers.errors import HotpapersError, ParseError
from hotpapers.models import AccountProfile
from hotpapers.sources.bluesky.records import PLATFORM, _str, parse_datetime

__all__ = ["GET_PROFILES_MAX", "fetch_profiles", "parse_get_profiles"]

log = logging.getLogger(__name__)

GET_PROFILES_MAX = 25  # the lexicon's maxLength of ``actors``
_COUNTS = (("followers", "followersCount"), ("following", "followsCount"), ("posts", "postsCount"))


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def parse_get_profiles(data: bytes, observed_at: dt.datetime) -> tuple[tuple[AccountProfile, ...], tuple[str, ...]]:
    """Parse an ``app.bsky.actor.getProfiles`` body.

    Args:
        data: the response body.
        observed_at: when it was received (timezone-aware).

    Returns:
        (the profiles, one line per profile view that was skipped and why).

    Raises:
        ParseError: the body is not JSON or has no ``profiles`` array.
    """
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise ParseError(f"app.bsky.actor.getProfiles: not JSON ({e})") from e
    views = body.get("profiles") if isinstance(body, dict) else None
    if not isinstance(views, list):
        raise ParseError("app.bsky.actor.getProfiles: expected an object with a 'profiles' array")
    profiles: list[AccountProfile] = []
    skipped: list[str] = []
    for index, view in enumerate(views):
        did, handle = (_str(view, "did"), _str(view, "handle")) if isinstance(view, dict) else (None, None)
        if not (did and did.startswith("did:") and handle):
            skipped.append(f"profiles[{index}]: no did or handle")
            continue
        assert isinstance(view, dict)  # narrowed above (_str needs a mapping)
        counts = {name: _count(view.get(key)) for name, key in _COUNTS}
        profiles.append(AccountProfile(PLATFORM, handle, observed_at, account_id=did, name=_str(view, "displayName"),
                                       created_at=parse_datetime(view.get("createdAt")), **counts))  # fmt: skip
    return tuple(profiles), tuple(skipped)


def fetch_profiles(
    get: Callable[[str], bytes], appview: str, actors: Iterable[str], now: Callable[[], dt.datetime]
) -> Iterator[AccountProfile]:
    """The profiles of ``actors`` (DIDs or handles), 25 per request through ``get`` (which raises on HTTP errors).

    A failed request ends the profiles of this run with a warning, not the source: the posts and their engagement
    were collected already, and profiles are looked up again on the next run.
    """
    unique = list(dict.fromkeys(actors))
    for start in range(0, len(unique), GET_PROFILES_MAX):
        query = urlencode([("actors", actor) for actor in unique[start : start + GET_PROFILES_MAX]])
        try:
            profiles, skipped = parse_get_profiles(get(f"{appview}/xrpc/app.bsky.actor.getProfiles?{query}"), now())
        except HotpapersError as e:
            log.warning("bluesky getProfiles: %s; the other profiles are looked up on the next run", e)
            return
        for note in skipped:
            log.warning("bluesky getProfiles: skipped %s", note)
        yield from profiles
