"""GitHub's REST API for the ``code`` provider: a repository's stars, asked conditionally, within the rate limit.

``GET {base}/repos/{owner}/{repo}`` under ``$HOTPAPERS_GITHUB_API_URL`` (default ``https://api.github.com``), with
``Accept: application/vnd.github+json`` and ``X-GitHub-Api-Version: 2022-11-28``; ``$HOTPAPERS_GITHUB_TOKEN``, if
set, is sent as ``Authorization: Bearer …`` (never logged). The answer (recorded: ``tests/fixtures/github/``) gives
``stargazers_count`` and ``created_at``, and an ``ETag``: the next request for the repository sends it as
``If-None-Match``, and a ``304 Not Modified`` (which GitHub does not count against the rate limit) means the count
is unchanged, so a snapshot is stored at no cost. A renamed repository answers with a redirect, which is followed.
404 (and 410, 451) mean the repository is gone: a snapshot without stars records it.

Rate limits (docs.github.com, "Rate limits for the REST API"): 60 requests an hour without a token, 5,000 with one.
Going over answers 403 or 429 with ``x-ratelimit-remaining: 0`` and ``x-ratelimit-reset`` (epoch seconds): the
provider stops asking (waiting would take up to an hour) and says when the limit resets. A secondary limit
answers 403 or 429 with ``retry-after``: the provider waits that long once if it is at most ``MAX_WAIT`` seconds,
else stops. Requests are sent one at a time, as GitHub asks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import orjson

from hotpapers.bounds import read_instant
from hotpapers.errors import APIError, ParseError
from hotpapers.http import error_message, redact_url

__all__ = [
    "API_URL",
    "HEADERS",
    "MAX_WAIT",
    "RateLimited",
    "RepoAnswer",
    "exhausted",
    "parse_repo",
    "rate_limit_of",
    "repo_path",
]

API_URL = "https://api.github.com"
ENV_API_URL = "HOTPAPERS_GITHUB_API_URL"
ENV_TOKEN = "HOTPAPERS_GITHUB_TOKEN"  # noqa: S105 - the name of the variable, not a secret
MAX_WAIT = 60.0
HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


class RateLimited(APIError):
    """GitHub's rate limit stops the provider; ``wait`` is the seconds a secondary limit asks for (None: primary)."""

    def __init__(self, message: str, *, status: int, url: str, wait: float | None) -> None:
        super().__init__(message, status=status, url=url)
        self.wait = wait


@dataclass(frozen=True, slots=True)
class RepoAnswer:
    """What a 200 answer says of a repository."""

    stars: int
    created_at: dt.datetime | None


def repo_path(url: str) -> str:
    """``/repos/OWNER/REPO`` of a canonical ``https://github.com/OWNER/REPO`` URL."""
    return "/repos" + urlsplit(url).path.rstrip("/")


def parse_repo(data: bytes) -> RepoAnswer:
    """Parse a ``GET /repos/{owner}/{repo}`` answer.

    Raises:
        ParseError: the body is not a JSON object with a non-negative integer ``stargazers_count``.
    """
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise ParseError(f"GitHub repository: not JSON: {e}") from e
    if not isinstance(body, dict):
        raise ParseError(f"GitHub repository: expected an object, got {type(body).__name__}")
    stars = body.get("stargazers_count")
    if isinstance(stars, bool) or not isinstance(stars, int) or stars < 0:
        raise ParseError(f"GitHub repository: stargazers_count {stars!r} is not a count")
    return RepoAnswer(stars, _created(body.get("created_at")))


def _created(value: object) -> dt.datetime | None:
    return read_instant(value, naive=None)


def rate_limit_of(response: httpx.Response) -> RateLimited | None:
    """The rate limit a 403 or 429 answer reports, or None if it is another refusal (e.g. a blocked repository)."""
    if response.status_code not in (403, 429):
        return None
    headers = response.headers
    shown = redact_url(response.request.url)
    said = error_message(response) or ""
    wait = _seconds(headers.get("retry-after"))
    if wait is not None:
        return RateLimited(
            f"GitHub's secondary rate limit: HTTP {response.status_code} from {shown} asks to wait {wait:g} s"
            + (f" ({said})" if said else ""),
            status=response.status_code, url=shown, wait=wait,
        )  # fmt: skip
    if headers.get("x-ratelimit-remaining") == "0":
        reset = _seconds(headers.get("x-ratelimit-reset"))
        when = (
            f"; it resets at {dt.datetime.fromtimestamp(reset, dt.UTC):%Y-%m-%d %H:%M} UTC" if reset is not None else ""
        )
        limit = headers.get("x-ratelimit-limit", "?")
        return RateLimited(
            f"GitHub's rate limit of {limit} requests an hour is used up (HTTP {response.status_code}){when}",
            status=response.status_code, url=shown, wait=None,
        )  # fmt: skip
    return None


def _seconds(value: str | None) -> float | None:
    text = (value or "").strip()
    return float(text) if text.isascii() and text.isdigit() else None


def exhausted(response: httpx.Response) -> bool:
    """True for a 429 not worth retrying (``request``'s ``give_up``): the primary limit used up, or a secondary
    limit asking to wait longer than ``MAX_WAIT``."""
    if response.status_code != 429:
        return False
    wait = _seconds(response.headers.get("retry-after"))
    if wait is not None:
        return wait > MAX_WAIT
    return str(response.headers.get("x-ratelimit-remaining")) == "0"
