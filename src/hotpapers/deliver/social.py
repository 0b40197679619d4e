"""What the two social channels share: the spacing of posts, and the state of a thread kept as it grows."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["DEFAULT_DELAY", "delay_from", "posted_so_far"]

DEFAULT_DELAY = 2.0
"""Seconds between two posts of a thread (``HOTPAPERS_SOCIAL_POST_DELAY``): polite, and well within both services'
rate limits."""


def delay_from(env: Mapping[str, str]) -> float:
    """``HOTPAPERS_SOCIAL_POST_DELAY`` (seconds between posts), or the default for a missing or bad value."""
    try:
        seconds = float(env.get("HOTPAPERS_SOCIAL_POST_DELAY", DEFAULT_DELAY))
    except ValueError:
        return DEFAULT_DELAY
    return seconds if math.isfinite(seconds) and 0 <= seconds <= 600 else DEFAULT_DELAY


def posted_so_far(state: Mapping[str, Any]) -> list[dict[str, str]]:
    """The posts of the thread already published (as stored), in order."""
    posts = state.get("posts")
    if not isinstance(posts, list):
        return []
    return [p for p in posts if isinstance(p, dict) and all(isinstance(v, str) for v in p.values())]
