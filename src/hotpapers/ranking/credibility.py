"""Account credibility for preset ``default``: who speaks, not only how many.

A post's points are multiplied by its account's **credibility factor**, the product of what is known:

* followers (or, on Hacker News, karma): arxiv-sanity's ``log10(n + 1) / 2`` (1 at 99 followers), clamped to
  ``follower_floor`` .. ``follower_cap``: a low count is a penalty, not merely no bonus;
* account age at the time of the post: ``log1p(days) / log1p(age_full_days)``, clamped to ``age_floor`` .. 1
  (a day-old account x0.2, a month x0.58, a year or more x1).

Each account is also classed **established** or **low-credibility** for the bounded sum over a paper's accounts
(``default``):

* when the store's history of the platform reaches back ``history_min_days`` before the post, the history
  decides: an account seen linking papers on at least two days, the first at least ``established_days`` before
  the post, is established; one first seen today, or seen only recently, is not;
* without such history, a profile decides: an account whose factor is below ``low_credibility_below`` is
  low-credibility;
* when nothing is known (no profile, no history, no follower count) the account is **unknown**: factor 1, not
  low-credibility, and labelled so. Unknown stays neutral.

Pure functions of records and options; the rules are also in ``docs/ranking.md``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from hotpapers.models import AccountEvidence, Post
from hotpapers.ranking.options import DefaultOptions

__all__ = ["Credibility", "age_factor", "credibility", "follower_factor"]

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Credibility:
    """What an account's credibility does to one of its posts.

    Attributes:
        factor: the multiplier of the post's points (1 when nothing is known).
        low: whether the account is low-credibility (its points join the paper's bounded low-credibility sum).
        parts: what the factor and the class are made of, for the breakdown (``12 followers x0.56``, ``new to the
            store``); ``unknown`` when nothing is known.
        history: ``established``, ``new``, ``recent`` or ``unknown`` (for grouped labels).
    """

    factor: float
    low: bool
    parts: tuple[str, ...]
    history: str

    @property
    def text(self) -> str:
        """The parts joined: ``12 followers x0.56; account 9 days old x0.39; new to the store``."""
        return "; ".join(self.parts)


def follower_factor(count: int, options: DefaultOptions) -> float:
    """arxiv-sanity's ``log10(count + 1) / 2`` clamped to ``follower_floor`` .. ``follower_cap``."""
    return min(options.follower_cap, max(options.follower_floor, math.log10(count + 1) / 2))


def age_factor(age: dt.timedelta, options: DefaultOptions) -> float:
    """``log1p(days) / log1p(age_full_days)`` clamped to ``age_floor`` .. 1 (0 days for a negative age)."""
    days = max(0.0, age / _DAY)
    return min(1.0, max(options.age_floor, math.log1p(days) / math.log1p(options.age_full_days)))


def _age_text(age: dt.timedelta) -> str:
    days = max(0, age.days)
    if days >= 730:
        return f"{days // 365} years"
    if days >= 60:
        return f"{days // 30} months"
    return "1 day" if days == 1 else f"{days} days"


def _profile_parts(post: Post, account: AccountEvidence | None, options: DefaultOptions) -> tuple[float, list[str]]:
    """The profile's factor and its label parts (followers or karma, account age); (1, []) when unknown."""
    profile = account.profile if account is not None else None
    factor, parts = 1.0, []
    followers = profile.followers if profile is not None and profile.followers is not None else post.author_followers
    karma = profile.karma if profile is not None else None
    if followers is not None:
        f = follower_factor(followers, options)
        factor *= f
        parts.append(f"{followers:,} followers x{f:.2f}")
    elif karma is not None:
        f = follower_factor(karma, options)
        factor *= f
        parts.append(f"karma {karma:,} x{f:.2f}")
    if profile is not None and profile.created_at is not None:
        age = post.created_at - profile.created_at
        a = age_factor(age, options)
        factor *= a
        parts.append(f"account {_age_text(age)} old x{a:.2f}")
    return factor, parts


def _history(post: Post, account: AccountEvidence | None, options: DefaultOptions) -> tuple[str, str]:
    """(``established`` | ``recent`` | ``new`` | ``unknown``, its label part) from the store's history."""
    if account is None or account.history_from is None:
        return "unknown", ""
    if account.history_from > post.created_at - dt.timedelta(days=options.history_min_days):
        return "unknown", ""
    first, last = account.first_seen, account.last_seen
    if first is None or first >= post.created_at:
        return "new", "new to the store"
    since = first.date().isoformat()
    old_enough = first <= post.created_at - dt.timedelta(days=options.established_days)
    if old_enough and last is not None and last - first >= _DAY:
        return "established", f"established (posting papers since {since})"
    return "recent", f"seen before (since {since}), not yet established"


def credibility(post: Post, account: AccountEvidence | None, options: DefaultOptions) -> Credibility:
    """The credibility of ``post``'s account at the time of the post (see the module docstring).

    Args:
        post: the post (its time, and its follower count when no profile gives one).
        account: what the store knows of the account (None: nothing).
        options: the preset's options.

    Returns:
        A ``Credibility``.
    """
    factor, parts = _profile_parts(post, account, options)
    history, said = _history(post, account, options)
    if said:
        parts.append(said)
    if history in ("new", "recent"):
        low = True
    elif history == "established":
        low = False
    else:
        low = bool(parts) and factor < options.low_credibility_below
        if parts:
            parts.append("history unknown")
    if not parts:
        return Credibility(1.0, False, ("unknown",), "unknown")
    if low:
        parts.append("low credibility")
    return Credibility(factor, low, tuple(parts), history)
