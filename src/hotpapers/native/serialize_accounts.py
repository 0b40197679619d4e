"""Account profile records <-> plain JSON-able dicts (the native ``profile`` record, ``docs/native-format.md``).

Kept beside ``hotpapers.native.serialize`` with the same conventions: date-times in UTC with ``Z``, ``null`` for
unknown, and ``ValueError``/``KeyError``/``TypeError`` on a bad record, which callers wrap with the file and line.
"""

from __future__ import annotations

from typing import Any

from hotpapers.models import AccountProfile
from hotpapers.native.serialize import format_datetime, parse_datetime

__all__ = ["profile_from_dict", "profile_to_dict"]

JSON = dict[str, Any]
_COUNTS = ("followers", "following", "posts", "karma")


def profile_to_dict(profile: AccountProfile) -> JSON:
    """The native record of a profile observation."""
    return {
        "platform": profile.platform,
        "handle": profile.handle,
        "observed_at": format_datetime(profile.observed_at),
        "account_id": profile.account_id,
        "name": profile.name,
        "followers": profile.followers,
        "following": profile.following,
        "posts": profile.posts,
        "created_at": None if profile.created_at is None else format_datetime(profile.created_at),
        "karma": profile.karma,
    }


def _text(obj: JSON, key: str, *, required: bool = False) -> str | None:
    value = obj[key] if required else obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{key}: expected a string, got {type(value).__name__}")
    return value


def _count(obj: JSON, key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key}: expected an integer or null, got {type(value).__name__}")
    return value


def profile_from_dict(obj: JSON) -> AccountProfile:
    """Parse a native profile record."""
    created = obj.get("created_at")
    return AccountProfile(
        platform=str(_text(obj, "platform", required=True)),
        handle=str(_text(obj, "handle", required=True)),
        observed_at=parse_datetime(obj["observed_at"], "observed_at"),
        account_id=_text(obj, "account_id"),
        name=_text(obj, "name"),
        created_at=None if created is None else parse_datetime(created, "created_at"),
        **{key: _count(obj, key) for key in _COUNTS},
    )
