"""Profiles: what one person cares about, from the ``[profiles.NAME]`` tables of the config file (docs/profiles.md).

A profile is a table of the config file, or a TOML file of its own named by a string::

    [profiles.alice]
    library = "~/papers/library.bib"      # .bib, .json (CSL-JSON), .rdf (Zotero RDF) or .txt (arXiv ids)
    authors = ["Yoshua Bengio"]
    keywords = ["diffusion"]
    exclude_keywords = ["blockchain"]
    categories = ["cs.LG", "stat.ML"]
    relevance_weight = 0.5
    email = ["alice@example.org"]
    webhooks = ["$ALICE_SLACK_WEBHOOK", "telegram:-1001234567"]

    [profiles]
    bob = "profiles/bob.toml"             # the same keys, in a file of its own

Relative paths are read from the folder of the file that names them.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal

from hotpapers.errors import ConfigError, UsageError

__all__ = ["PERIODS", "Profile", "load_profiles", "parse_profile", "profile_named"]

PERIODS = ("daily", "weekly")
Period = Literal["daily", "weekly"]
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True, slots=True)
class Profile:
    """One person's profile: their library, followed authors and keywords, and where their digest goes."""

    name: str
    library: Path | None = None
    authors: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    relevance_weight: float = 0.5  # 0: buzz alone; 1: relevance alone (docs/profiles.md, "Hot for me")
    email: tuple[str, ...] = ()
    webhooks: tuple[str, ...] = ()
    bluesky: bool = False  # post the day's top papers as a thread (opt-in)
    mastodon: bool = False
    period: Period = "daily"
    top: int = 10  # papers in an email, a chat message or a thread
    max_papers: int = 30  # papers the profile's digest lists
    min_relevance: float = 0.5  # a paper the day's buzz does not list is listed from this relevance on
    relevance_method: str = "tfidf"
    author_boost: float = 0.25  # points per followed author, as a share of the day's top score
    keyword_boost: float = 0.15  # points per keyword, as a share of the day's top score
    title: str = ""  # the digest's title; default "Hot for NAME YYYY-MM-DD"

    @property
    def slug(self) -> str:
        """The profile's folder name (its name: letters, digits, ``-`` and ``_``)."""
        return self.name


_LISTS = ("authors", "keywords", "exclude_keywords", "categories", "email", "webhooks")
_FRACTIONS = ("relevance_weight", "min_relevance", "author_boost", "keyword_boost")
_COUNTS = ("top", "max_papers")
_FLAGS = ("bluesky", "mastodon")
_STRINGS = ("relevance_method", "title")


def _strings(value: object, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {key} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _fraction(value: object, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{where}: {key} must be a number from 0 to 1")
    if not 0 <= value <= 1:
        raise ConfigError(f"{where}: {key} must be a number from 0 to 1, got {value}")
    return float(value)


def _count(value: object, where: str, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise ConfigError(f"{where}: {key} must be a whole number from 1 to 1000")
    return value


def _path(value: object, where: str, base: Path) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: library must be a path")
    path = Path(value.strip()).expanduser()
    return path if path.is_absolute() else base / path


def _value(key: str, value: object, where: str, base: Path) -> object:  # noqa: PLR0911 - one return per kind of key
    """One checked profile value."""
    if key == "library":
        return _path(value, where, base)
    if key in _LISTS:
        return _strings(value, where, key)
    if key in _FRACTIONS:
        return _fraction(value, where, key)
    if key in _COUNTS:
        return _count(value, where, key)
    if key in _FLAGS:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be true or false")
        return value
    if key == "period":
        if value not in PERIODS:
            raise ConfigError(f"{where}: period must be {' or '.join(PERIODS)}")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a string")
    return value


_KEYS = frozenset(f.name for f in fields(Profile)) - {"name"}


def parse_profile(name: str, table: Mapping[str, Any], where: str, base: Path) -> Profile:
    """A profile from its TOML table (``where`` names it in errors; relative paths are from ``base``).

    Raises:
        ConfigError: a bad name, an unknown key or a value of the wrong type or range.
    """
    if not _NAME.fullmatch(name):
        raise ConfigError(f"{where}: profile name {name!r}: use letters, digits, - and _ (at most 64)")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            hint = " (secrets come from the environment only)" if _secret_like(key) else ""
            raise ConfigError(f"{where}: unknown profile setting {key!r}{hint}")
        values[key] = _value(key, value, where, base)
    profile = Profile(name=name, **values)
    from hotpapers.profiles.relevance import get_method  # noqa: PLC0415  (names only: nothing heavy loads)

    try:
        get_method(profile.relevance_method)
    except ConfigError as e:
        raise ConfigError(f"{where}: {e}") from None
    return profile


def _secret_like(key: str) -> bool:
    return any(word in key.lower() for word in ("token", "secret", "password", "key"))


def _from_file(name: str, path: Path) -> Profile:
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"{path}: cannot read profile {name!r}: {e.strerror or e}") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from e
    return parse_profile(name, table, f"{path} (profile {name})", path.parent)


def load_profiles(raw: Mapping[str, Any], config_path: Path | None) -> dict[str, Profile]:
    """Every profile of the config's ``[profiles]`` table (tables, or paths of TOML files), by name.

    Raises:
        ConfigError: a profile is not a table or a path, or is invalid.
    """
    where = str(config_path or "config")
    base = config_path.parent if config_path is not None else Path()
    found: dict[str, Profile] = {}
    for name, value in raw.items():
        if isinstance(value, dict):
            found[name] = parse_profile(name, value, f"{where}: [profiles.{name}]", base)
        elif isinstance(value, str) and value.strip():
            path = Path(value.strip()).expanduser()
            found[name] = _from_file(name, path if path.is_absolute() else base / path)
        else:
            raise ConfigError(f"{where}: profiles.{name} must be a table or the path of a TOML file")
    return found


def profile_named(profiles: Mapping[str, Profile], name: str) -> Profile:
    """The profile ``name``.

    Raises:
        UsageError: no such profile (the known ones are named).
    """
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none: add a [profiles.NAME] table to the config file"
        raise UsageError(f"profile {name}: no such profile (known: {known})", subject="profile")
    return profiles[name]
