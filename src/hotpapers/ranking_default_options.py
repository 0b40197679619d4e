"""The options of preset ``default`` (``docs/ranking.md``, "Every option"), in a module of their own so that the
ranking's modules can all read them without importing each other in a circle."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from hotpapers.errors import UsageError

__all__ = ["DEFAULT_BOT_NAME_PATTERNS", "DEFAULT_PLATFORM_WEIGHTS", "Damping", "DefaultOptions"]

Damping = Literal["log1p", "sqrt", "none"]
DEFAULT_PLATFORM_WEIGHTS = (("x", 1.0), ("bluesky", 1.0), ("hackernews", 1.5), ("huggingface", 1.0))
DEFAULT_BOT_NAME_PATTERNS = (r"(?<!ro)bot(?![a-z])", "arxiv", "papers", "daily", "feed")

_NON_NEGATIVE = (
    "other_platform_weight", "like_weight", "repost_weight", "reply_weight", "quote_weight", "post_base",
    "follower_floor", "follower_cap", "history_min_days", "established_days", "low_credibility_below",
    "burst_minutes", "created_within_days", "young_account_days", "feed_min_papers", "feed_window_minutes",
    "min_score", "max_posts", "breakdown_posts", "per_category_top", "identical_text_min_chars",
    "max_papers_per_account", "enrichment_weight", "enrichment_cap",
)  # fmt: skip
_FRACTIONS = ("automated_weight", "self_promotion_weight", "says_nothing_weight", "age_floor",
              "near_duplicate_similarity")  # fmt: skip
_POSITIVE = ("age_full_days", "low_credibility_cap")
_TUPLES = (
    "screened_platforms", "bot_name_patterns", "include_categories", "exclude_categories", "keywords",
    "exclude_keywords", "authors",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DefaultOptions:
    """Every knob of preset ``default``, with its default (see ``docs/ranking.md``)."""

    # how much one post is worth
    platform_weights: tuple[tuple[str, float], ...] = DEFAULT_PLATFORM_WEIGHTS
    other_platform_weight: float = 1.0  # platforms not in platform_weights
    like_weight: float = 1.0  # also Hacker News points and Hugging Face upvotes
    repost_weight: float = 2.0
    reply_weight: float = 1.0  # also Hacker News and Hugging Face comments
    quote_weight: float = 2.0
    damping: Damping = "log1p"
    post_base: float = 1.0  # points of a counted post before its engagement
    split_credit: bool = True
    count_deleted: bool = False
    # account credibility (ranking_credibility.py)
    follower_floor: float = 0.1  # least follower (or karma) factor: log10(n + 1) / 2 for n followers
    follower_cap: float = 1.5  # largest follower factor (reached at about 1,000 followers)
    age_floor: float = 0.2  # least account-age factor (a new account)
    age_full_days: float = 365.0  # an account this old (days) has age factor 1
    history_min_days: float = 14.0  # the store must look back this far for "new to the store" to mean anything
    established_days: float = 14.0  # established: first seen this long before, and seen on two days or more
    low_credibility_below: float = 0.5  # without history, a profile factor below this is low-credibility
    low_credibility_cap: float = 10.0  # the bound: low-credibility accounts add at most this much to a paper
    # what a text says
    says_nothing_weight: float = 0.5  # a text that is only the title or a stock phrase
    # coordination (ranking_coordination.py)
    near_duplicate_similarity: float = 0.9  # rapidfuzz ratio / 100 at which two texts are near-identical
    burst_minutes: float = 10.0  # low-credibility accounts posting this close together act as one
    created_within_days: float = 3.0  # young low-credibility accounts created this close together act as one
    young_account_days: float = 180.0  # ... where young means created less than this long before the post
    cluster_min_accounts: int = 3  # a cluster needs this many accounts
    # automated, aggregator and feed accounts
    screened_platforms: tuple[str, ...] = ("x", "bluesky")
    max_papers_per_account: int = 5
    feed_min_papers: int = 3  # this many papers posted at the release hour make a feed (0: off)
    feed_window_minutes: float = 90.0  # the release hour: this long after arXiv's 20:00 ET announcement
    bot_name_patterns: tuple[str, ...] = DEFAULT_BOT_NAME_PATTERNS
    identical_text_accounts: int = 3
    identical_text_min_chars: int = 12
    automated_weight: float = 0.2
    # self-promotion
    self_promotion_weight: float = 0.5
    # enrichment (hotpapers enrich): one capped, explained item of kind "enrichment"; 0 = off (ranking_enrichment.py)
    enrichment_weight: float = 0.0
    enrichment_cap: float = 2.0
    # listing
    min_score: float = 5.0
    max_posts: int = 5
    breakdown_posts: int = 5
    per_category: bool = False
    per_category_top: int = 0  # at most this many papers per primary category; 0: no cut
    # filters
    include_categories: tuple[str, ...] = ()  # archives (cs) or categories (stat.ML); empty: all
    exclude_categories: tuple[str, ...] = ()
    primary_category_only: bool = False
    keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_numbers(self)
        for name in _TUPLES:
            if isinstance(getattr(self, name), str):
                raise UsageError(f"default option {name} must be a tuple of strings, got a string")
        if self.damping not in ("log1p", "sqrt", "none"):
            raise UsageError(f"default option damping must be log1p, sqrt or none, got {self.damping!r}")
        for name in ("identical_text_accounts", "cluster_min_accounts"):
            if getattr(self, name) < 2:
                raise UsageError(f"default option {name} must be >= 2, got {getattr(self, name)}")
        for pattern in self.bot_name_patterns:
            try:
                re.compile(pattern)
            except re.error as e:
                raise UsageError(f"default option bot_name_patterns: bad pattern {pattern!r}: {e}") from e

    def platform_weight(self, platform: str) -> float:
        """The weight of ``platform`` (``other_platform_weight`` if it is not listed)."""
        return dict(self.platform_weights).get(platform, self.other_platform_weight)


def _check_numbers(options: DefaultOptions) -> None:
    """Every number of ``options`` within its range.

    Raises:
        UsageError: naming the first option out of range.
    """
    weights = [(f"platform_weights[{p!r}]", w) for p, w in options.platform_weights]
    for name, value in [(n, getattr(options, n)) for n in _NON_NEGATIVE] + weights:
        if not math.isfinite(value) or value < 0:
            raise UsageError(f"default option {name} must be a finite number >= 0, got {value}")
    for name in _FRACTIONS:
        if not 0.0 <= getattr(options, name) <= 1.0:
            raise UsageError(f"default option {name} must be within 0..1, got {getattr(options, name)}")
    for name in _POSITIVE:
        if not (math.isfinite(getattr(options, name)) and getattr(options, name) > 0):
            raise UsageError(f"default option {name} must be a finite number > 0, got {getattr(options, name)}")


