"""The query parameters of the read API, checked: an unknown name, a bad date or a number out of range is a 400 that
names the parameter."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from starlette.datastructures import QueryParams

from hotpapers.serve import _data as data
from hotpapers.serve._http import ApiError

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "Filters", "Page", "Query", "parse_day"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def parse_day(text: str) -> dt.date | None:
    """A date written ``YYYY-MM-DD`` within the supported dates, or None."""
    if not _DATE.fullmatch(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if data.FIRST_DAY <= day <= data.LAST_DAY else None


@dataclass(frozen=True, slots=True)
class Filters:
    """What a list of ranked papers is narrowed to (``category``, ``keyword``, ``has_code``, ``profile``)."""

    categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    has_code: bool = False
    profile: str | None = None

    def __bool__(self) -> bool:
        return bool(self.categories or self.keywords or self.has_code or self.profile)


@dataclass(frozen=True, slots=True)
class Page:
    """A window of a list: ``limit`` items from ``offset``."""

    limit: int
    offset: int


class Query:
    """The query parameters of one request, each read once and checked."""

    def __init__(self, params: QueryParams, allowed: frozenset[str]) -> None:
        unknown = sorted(set(params.keys()) - allowed)
        if unknown:
            known = ", ".join(sorted(allowed)) or "none"
            raise ApiError(400, f"unknown query parameter {unknown[0]!r} (this route takes: {known})")
        self.params = params

    def text(self, name: str) -> str | None:
        """The one value of ``name``, or None."""
        values = self.params.getlist(name)
        if len(values) > 1:
            raise ApiError(400, f"{name}: give it once")
        return values[0] if values else None

    def texts(self, name: str) -> tuple[str, ...]:
        """Every value of ``name`` (a repeatable parameter), none empty."""
        values = tuple(v.strip() for v in self.params.getlist(name))
        if any(not v for v in values):
            raise ApiError(400, f"{name}: an empty value")
        return values

    def flag(self, name: str) -> bool:
        """A boolean: true, false, 1, 0, yes or no (absent: false)."""
        value = self.text(name)
        if value is None or value.lower() in _FALSE:
            return False
        if value.lower() in _TRUE:
            return True
        raise ApiError(400, f"{name}: {value[:40]!r} is not true or false")

    def day(self, name: str) -> dt.date | None:
        """A date parameter (``YYYY-MM-DD``), or None when absent."""
        value = self.text(name)
        if value is None:
            return None
        day = parse_day(value)
        if day is None:
            raise ApiError(400, f"{name}: {value[:40]!r} is not a date of the form YYYY-MM-DD ({data.DATE_RANGE})")
        return day

    def number(self, name: str, default: float, *, least: float, most: float) -> float:
        """A finite number in (``least``, ``most``]."""
        value = self.text(name)
        if value is None:
            return default
        try:
            found = float(value)
        except ValueError:
            found = math.nan
        if not (math.isfinite(found) and least < found <= most):
            raise ApiError(400, f"{name}: {value[:40]!r} is not a number above {least:g} and at most {most:g}")
        return found

    def whole(self, name: str, default: int, *, least: int, most: int) -> int:
        """A whole number in [``least``, ``most``]."""
        value = self.text(name)
        if value is None:
            return default
        if not (value.isascii() and value.isdigit() and len(value) <= 12 and least <= int(value) <= most):
            raise ApiError(400, f"{name}: {value[:40]!r} is not a whole number from {least} to {most}")
        return int(value)

    def preset(self, default: str) -> str:
        """The ranking preset (``default``, ``classic``, …)."""
        value = self.text("preset") or default
        if value not in data.PRESETS:
            raise ApiError(400, f"preset: {value[:40]!r} is not a preset (known: {', '.join(sorted(data.PRESETS))})")
        return value

    def filters(self) -> Filters:
        """``category``, ``keyword`` (both repeatable), ``has_code`` and ``profile``."""
        return Filters(self.texts("category"), self.texts("keyword"), self.flag("has_code"), self.text("profile"))

    def page(self, *, required: bool) -> Page | None:
        """``limit`` and ``offset``; None when neither is given and a page is not ``required``."""
        if not required and self.text("limit") is None and self.text("offset") is None:
            return None
        return Page(self.whole("limit", DEFAULT_LIMIT, least=1, most=MAX_LIMIT),
                    self.whole("offset", 0, least=0, most=10**9))  # fmt: skip


PAGE = frozenset({"limit", "offset"})
FILTERS = frozenset({"category", "keyword", "has_code", "profile"})
