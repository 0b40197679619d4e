"""The options of the ranking presets (``docs/ranking.md``, "Every option"), and how they are read.

``ClassicOptions`` and ``DefaultOptions`` hold every knob of each preset with its default; the ranking's modules
all read them from here, below every one of them. ``preset_options`` builds a preset's options from the config
file's table (``[ranking.default]``, ``[ranking.classic]``) and the values given for a run, which win;
``option_values`` reads ``NAME=VALUE`` texts; ``preset_overrides`` refuses a value given for the other preset.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from hotpapers.errors import ConfigError, UsageError

__all__ = [
    "CLASSIC_ONLY",
    "DEFAULT_BOT_NAME_PATTERNS",
    "DEFAULT_ONLY",
    "DEFAULT_PLATFORM_WEIGHTS",
    "OPTION_CLASSES",
    "ClassicOptions",
    "Damping",
    "DefaultOptions",
    "option_flags",
    "preset_options",
    "preset_overrides",
]

Damping = Literal["log1p", "sqrt", "none"]
DEFAULT_PLATFORM_WEIGHTS = (("x", 1.0), ("bluesky", 1.0), ("hackernews", 1.5), ("huggingface", 1.0))
DEFAULT_BOT_NAME_PATTERNS = (r"(?<!ro)bot(?![a-z])", "arxiv", "papers", "daily", "feed")

_NON_NEGATIVE = (
    "other_platform_weight", "like_weight", "repost_weight", "reply_weight", "quote_weight", "post_base",
    "follower_floor", "follower_cap", "history_min_days", "established_days", "low_credibility_below",
    "burst_minutes", "created_within_days", "young_account_days", "feed_min_papers", "feed_window_minutes",
    "min_score", "max_posts", "breakdown_posts", "per_category_top", "identical_text_min_chars",
    "max_papers_per_account", "enrichment_weight", "enrichment_cap", "low_credibility_ratio",
)  # fmt: skip
_FRACTIONS = ("automated_weight", "self_promotion_weight", "says_nothing_weight", "age_floor",
              "near_duplicate_similarity")  # fmt: skip
_POSITIVE = ("age_full_days", "low_credibility_cap", "low_credibility_floor")
_TUPLES = (
    "screened_platforms", "bot_name_patterns", "include_categories", "exclude_categories", "keywords",
    "exclude_keywords", "authors",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClassicOptions:
    """Thresholds and caps of preset ``classic`` (defaults: the original tool's)."""

    min_score: int = 50
    min_post_score: int = 25
    max_posts: int = 10
    require_pdf: bool = True
    split_credit: bool = False
    """A post that links n papers gives each 1/n of its score (the original gave each paper the full score)."""

    def __post_init__(self) -> None:
        for name in ("min_score", "min_post_score", "max_posts"):
            if getattr(self, name) < 0:
                raise UsageError(f"classic option {name} must be >= 0, got {getattr(self, name)}")


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
    # account credibility (ranking/credibility.py)
    follower_floor: float = 0.1  # least follower (or karma) factor: log10(n + 1) / 2 for n followers
    follower_cap: float = 1.5  # largest follower factor (reached at about 1,000 followers)
    age_floor: float = 0.2  # least account-age factor (a new account)
    age_full_days: float = 365.0  # an account this old (days) has age factor 1
    history_min_days: float = 14.0  # the store must look back this far for "new to the store" to mean anything
    established_days: float = 14.0  # established: first seen this long before, and seen on two days or more
    low_credibility_below: float = 0.5  # without history, a profile factor below this is low-credibility
    low_credibility_cap: float = 10.0  # the bound: low-credibility accounts add at most this much to a paper ...
    low_credibility_ratio: float = 0.5  # ... and at most this times the paper's points from its other accounts ...
    low_credibility_floor: float = 10.0  # ... unless that is below this floor (= the cap: the bound is the cap;
    # 0.5 is the stricter, relative bound for a store with weeks of history: docs/ranking.md)
    # what a text says
    says_nothing_weight: float = 0.5  # a text that is only the title or a stock phrase
    # coordination (ranking/coordination.py)
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
    # enrichment (hotpapers enrich): one capped, explained item of kind "enrichment"; 0 = off (ranking/enrichment.py)
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


OPTION_CLASSES: dict[str, type[ClassicOptions] | type[DefaultOptions]] = {
    "classic": ClassicOptions,
    "default": DefaultOptions,
}


def _convert(value: Any) -> Any:
    """TOML to option values: lists become tuples, tables of numbers become sorted (key, value) pairs."""
    if isinstance(value, list):
        return tuple(_convert(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _convert(v)) for k, v in value.items()))
    return value


def preset_options(
    preset: str, configured: Mapping[str, Any], overrides: Mapping[str, Any] | None = None, where: str = "config"
) -> dict[str, Any]:
    """The keyword arguments for ``rank(preset, ...)``: ``{"options": XOptions(...)}``, or ``{}`` if none is set.

    ``configured`` is the preset's table from the config file; ``overrides`` (command-line flags) win over it.

    Raises:
        ConfigError: an unknown key or an invalid value in the config table.
        UsageError: an invalid command-line value, or options for a preset that has none.
    """
    if not configured and not overrides:
        return {}
    cls = OPTION_CLASSES.get(preset)
    if cls is None:
        raise UsageError(f"preset {preset!r} takes no options")
    known = {f.name for f in dataclasses.fields(cls)}
    for key in configured:
        if key not in known:
            raise ConfigError(f"{where}: [ranking.{preset}] unknown option {key!r}")
    values = {k: _convert(v) for k, v in configured.items()}
    values.update(overrides or {})
    try:
        return {"options": cls(**values)}
    except UsageError as e:
        raise (ConfigError(f"{where}: [ranking.{preset}] {e}") if not overrides else e) from e
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}: [ranking.{preset}] {e}") from e


def _flag_value(text: str) -> Any:
    """A ``--option`` value: a TOML value (``0.3``, ``true``, ``["a", "b"]``, ``{x = 2.0}``, ``"log1p"``), or the
    text itself when it is not one (so ``damping=sqrt`` needs no quotes)."""
    try:
        return _convert(tomllib.loads(f"value = {text}")["value"])
    except tomllib.TOMLDecodeError:
        return text


def option_flags(preset: str, given: Iterable[str]) -> dict[str, Any]:
    """The values of ``--option NAME=VALUE`` flags for ``preset`` (checked by name; values by the options class).

    Raises:
        UsageError: a flag without ``=``, a name the preset does not have, or a preset without options.
    """
    values: dict[str, Any] = {}
    for item in given:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"option {item!r}: expected NAME=VALUE, e.g. low_credibility_cap=8", subject="option")
        cls = OPTION_CLASSES.get(preset)
        if cls is None:
            raise UsageError(f"option {name}: preset {preset!r} takes no options", subject="option")
        defaults = {f.name: f.default for f in dataclasses.fields(cls)}
        if name not in defaults:
            raise UsageError(f"option {name}: not an option of the {preset!r} preset (see docs/ranking.md)",
                             subject="option")
        values[name] = _typed(name, _flag_value(text.strip()), defaults[name])
    return values


def _typed(name: str, value: Any, default: Any) -> Any:
    """``value`` as the type of the option's default (an integer for a float option is fine).

    Raises:
        UsageError: naming the option and the type it needs.
    """
    if isinstance(default, bool):
        ok = isinstance(value, bool)
        wanted = "true or false"
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        wanted = "a number"
        if ok and isinstance(default, int) and not isinstance(value, int):
            ok, wanted = False, "a whole number"
        value = float(value) if ok and isinstance(default, float) else value
    elif isinstance(default, tuple):
        ok, wanted = isinstance(value, tuple), 'a list such as ["a", "b"] (or a table {x = 1.5} for weights)'
    else:
        ok, wanted = isinstance(value, str), "a string"
    if not ok:
        raise UsageError(f"option {name}: expected {wanted}, got {value!r}", subject="option")
    return value


CLASSIC_ONLY = ("min_post_score", "require_pdf")
"""Options only preset ``classic`` has."""
DEFAULT_ONLY = ("keywords", "exclude_keywords", "authors", "include_categories", "exclude_categories")
"""Options only preset ``default`` has."""


def preset_overrides(preset: str, given: Mapping[str, Any], options: Iterable[str] = ()) -> dict[str, Any]:
    """The options given for a run of ``preset`` (a value of None was not given), with the ``NAME=VALUE`` texts of
    ``options`` (see ``option_flags``); the given values win over them.

    Raises:
        UsageError: a value given for an option only the other preset has (``subject``: that option), or a bad
            ``NAME=VALUE`` text.
    """
    chosen = {k: v for k, v in given.items() if v is not None}
    if preset == "classic" and "min_score" in chosen:
        chosen["min_score"] = int(chosen["min_score"])
    foreign = DEFAULT_ONLY if preset == "classic" else CLASSIC_ONLY
    for key in foreign:
        if key in chosen:
            raise UsageError(f"{key} does not apply to the {preset!r} preset", subject=key)
    return {**option_flags(preset, options), **chosen}
