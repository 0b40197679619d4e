"""The helpers the newer sources share: counts, dates, HTML text, settings and the rate-limit waiter."""

from __future__ import annotations

import contextlib
import datetime as dt

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hotpapers.errors import APIError
from hotpapers.sources._base import (
    HeaderRateLimit,
    SkipError,
    count,
    env_count,
    env_list,
    env_url,
    html_text,
    utc_from_iso,
    utc_from_timestamp,
)

NOW = dt.datetime(2026, 8, 1, 12, 0, tzinfo=dt.UTC)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@given(JSON_VALUES)
@settings(max_examples=300, derandomize=True, deadline=None)
def test_count_is_none_or_a_bounded_non_negative_int(value: object) -> None:
    """Any JSON value is either not a count or a whole number in [0, 2^63)."""
    result = count(value)
    assert result is None or (type(result) is int and 0 <= result < 2**63)


def test_count_reads_what_apis_write() -> None:
    """Integers, integral floats and digit strings (YouTube) are counts; negatives, bools, fractions are not."""
    assert [count(v) for v in (3, 3.0, "42", -1, True, 2.5, "4x", float("inf"))] == [3, 3, 42, None, None, None,
                                                                                      None, None]


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.text(max_size=20) | st.none())
@settings(max_examples=300, derandomize=True, deadline=None)
@example("0001-01-01T00:30:00+01:00")  # ISO 8601, but before year 1 in UTC: converting it overflows
@example("9999-12-31T23:30:00-01:00")
def test_dates_are_utc_or_a_skip(value: object) -> None:
    """A timestamp or ISO date gives a UTC datetime, anything else a SkipError, never another error."""
    for parse in (utc_from_timestamp, utc_from_iso):
        with contextlib.suppress(SkipError):
            assert parse(value, "field").tzinfo is dt.UTC


@given(st.text(max_size=300))
@settings(max_examples=300, derandomize=True, deadline=None)
def test_html_text_never_raises(html: str) -> None:
    """Any string, markup or not, gives text without raising."""
    assert isinstance(html_text(html), str)


def test_html_text_keeps_paragraphs_and_links_text() -> None:
    """Paragraphs and breaks become newlines; a link shows its text, invisible spans included."""
    html = ('<p>Read <a href="https://arxiv.org/abs/1706.03762"><span class="invisible">https://</span>'
            '<span>arxiv.org/abs/1706.03762</span></a></p><p>line<br>two</p>')
    assert html_text(html) == "Read https://arxiv.org/abs/1706.03762\n\nline\ntwo"


def test_env_settings() -> None:
    """URLs, lists and counts from the environment, with a problem message naming a bad value."""
    assert env_url({"U": "https://a.example/api/"}, "U", "https://d") == ("https://a.example/api", "")
    assert env_url({"U": "a.example"}, "U", "https://d")[1] == "U must be an http(s) URL, got 'a.example'"
    assert env_list({"L": " a, b ,,a "}, "L", ("x",)) == ("a", "b") and env_list({}, "L", ("x",)) == ("x",)
    assert env_count({"C": "0"}, "C", 5) == (5, "C must be a whole number >= 1, got '0'")


def _response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=httpx.Request("GET", "https://x.example/"))


def test_rate_limit_waits_until_reset_then_not_again() -> None:
    """Nothing remaining: the next request waits until the reset (plus a second), once."""
    sleeps: list[float] = []
    limit = HeaderRateLimit("Test", lambda v, now: now + dt.timedelta(seconds=float(v)), lambda: NOW, sleeps.append)
    limit.observe(_response(200, **{"x-ratelimit-remaining": "0", "x-ratelimit-reset": "30"}))
    limit.wait()
    limit.wait()
    assert sleeps == [31.0]


def test_rate_limit_429_without_reset_waits_retry_after() -> None:
    """A 429 with only Retry-After waits that long."""
    sleeps: list[float] = []
    limit = HeaderRateLimit("Test", lambda v, now: None, lambda: NOW, sleeps.append)
    limit.observe(_response(429, **{"retry-after": "5"}))
    limit.wait()
    assert sleeps == [6.0]


def test_rate_limit_resetting_too_late_is_an_api_error() -> None:
    """A window resetting in an hour is an APIError saying when to try again, not an hour's sleep."""
    limit = HeaderRateLimit("Test", lambda v, now: now + dt.timedelta(hours=1), lambda: NOW, lambda s: None)
    limit.observe(_response(200, **{"x-ratelimit-remaining": "0", "x-ratelimit-reset": "3600"}))
    with pytest.raises(APIError, match=r"Test rate limit reached; it resets at 2026-08-01T13:00:00Z \(in 60 min\)"):
        limit.wait()
