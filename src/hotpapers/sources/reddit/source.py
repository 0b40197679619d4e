"""The ``reddit`` source: submissions and comments linking arXiv, from chosen subreddits and a site-wide search.

Configuration (environment, or the config file's ``[reddit]`` table for what is not secret; see
docs/sources/reddit.md):

* ``HOTPAPERS_REDDIT_CLIENT_ID``, ``HOTPAPERS_REDDIT_CLIENT_SECRET``: the OAuth credentials of a Reddit app
  ("script" or "web" type). Reddit's API terms require OAuth; without them the source is disabled.
* ``HOTPAPERS_REDDIT_API_URL`` (default ``https://oauth.reddit.com``) and ``HOTPAPERS_REDDIT_TOKEN_URL``
  (default ``https://www.reddit.com/api/v1/access_token``).
* ``HOTPAPERS_REDDIT_SUBREDDITS``: comma-separated subreddit names (default ``DEFAULT_SUBREDDITS``).
* ``HOTPAPERS_REDDIT_USERNAME``: your Reddit user name, put in the User-Agent as Reddit asks
  (``python:hotpapers:<version> (by /u/<name>; ...)``).
* ``HOTPAPERS_REDDIT_MAX_PAGES``: pages of 100 per listing (default 10, the 1,000 items Reddit serves).

Authentication is app-only OAuth (``grant_type=client_credentials``, HTTP Basic with the app's id and secret):
the bearer token goes only to the API origin, in a header; a 401 renews it once. Every request goes through
``hotpapers.http.request`` (retries, timeouts); ``X-Ratelimit-Remaining`` / ``X-Ratelimit-Reset`` (seconds) are
read from every response and a spent window is waited out before the next request.

What ``collect`` reads, newest first, until an item older than the window's start (or the last page):

1. for each subreddit, ``/r/{sub}/new`` (submissions: a link post to arXiv, or a self post whose text links it)
   and ``/r/{sub}/comments`` (comments whose text links arXiv);
2. ``/search?q=site:arxiv.org&sort=new&t=week&type=link``, site-wide.

Items created in the window that link a paper become posts with their snapshots (each once, whichever listing
found it). A subreddit Reddit refuses (403: private, quarantined, banned; 404: no such subreddit) is skipped
with a warning; the others are read. Then the request's known posts that no listing returned are refreshed
with ``/api/info``, 100 fullnames per request: a snapshot each, or ``PostGone`` if Reddit no longer returns it
or it was deleted or removed.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Generator, Iterator, Mapping, Sequence

import httpx

from hotpapers.errors import APIError
from hotpapers.http import PROJECT_URL, check_status, error_message, naming_request, redact_url, request, user_agent
from hotpapers.models import PostGone
from hotpapers.plugins import CollectRequest, SourceContext, SourceOutput, SourceStatus
from hotpapers.sources._base import HeaderRateLimit, env_count, env_list, env_url, origin
from hotpapers.sources.reddit.parse import PLATFORM, RedditPage, parse_listing, parse_token

__all__ = ["API_URL", "DEFAULT_SUBREDDITS", "INFO_BATCH", "SEARCH_QUERY", "TOKEN_URL", "RedditSource"]

log = logging.getLogger(__name__)

API_URL = "https://oauth.reddit.com"
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"  # noqa: S105 - an endpoint, not a secret
DEFAULT_SUBREDDITS = (
    "MachineLearning", "LocalLLaMA", "mlscaling", "reinforcementlearning", "computervision",
    "LanguageTechnology", "deeplearning", "statistics",
)
SEARCH_QUERY = "site:arxiv.org"
INFO_BATCH = 100  # fullnames per /api/info request (Reddit's limit)
PAGE_SIZE = 100  # a listing's largest limit
DEFAULT_MAX_PAGES = 10  # Reddit serves the first 1,000 items of a listing
_DOCS = "see docs/sources/reddit.md"


def _reset_in_seconds(value: str, now: dt.datetime) -> dt.datetime | None:
    """Reddit's ``X-Ratelimit-Reset``: seconds until the window resets."""
    try:
        seconds = float(value)
    except ValueError:
        return None
    return now + dt.timedelta(seconds=seconds) if 0 <= seconds < 86_400 else None


def reddit_user_agent(username: str, current: str) -> str:
    """The User-Agent Reddit asks for, ``<platform>:<app ID>:<version> (by /u/<name>)``, plus hotpapers' contact."""
    version = current.split("/", 1)[1].split(" ", 1)[0] if current.startswith("hotpapers/") else "0"
    contact = current[current.find("(") + 1 : current.rfind(")")] if "(" in current else f"+{PROJECT_URL}"
    by = f"by /u/{username}; " if username else ""
    return f"python:hotpapers:{version} ({by}{contact})"


class _Bearer(httpx.Auth):
    """Adds the OAuth token to requests for the API origin only (never to the token endpoint or elsewhere)."""

    def __init__(self, api_origin: str) -> None:
        self._origin = api_origin
        self.token = ""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.token and origin(str(request.url)) == self._origin:
            request.headers["Authorization"] = f"bearer {self.token}"
        yield request

    def __repr__(self) -> str:
        return "_Bearer('***')"


class RedditSource:
    """Reddit submissions and comments linking arXiv (``HOTPAPERS_REDDIT_CLIENT_ID`` / ``_SECRET``)."""

    name = PLATFORM

    def __init__(self, context: SourceContext) -> None:
        env = context.env
        self._context = context
        self._id = env.get("HOTPAPERS_REDDIT_CLIENT_ID", "").strip()
        self._secret = env.get("HOTPAPERS_REDDIT_CLIENT_SECRET", "").strip()
        self._api, api_problem = env_url(env, "HOTPAPERS_REDDIT_API_URL", API_URL)
        self._token_url, token_problem = env_url(env, "HOTPAPERS_REDDIT_TOKEN_URL", TOKEN_URL)
        self._max_pages, pages_problem = env_count(env, "HOTPAPERS_REDDIT_MAX_PAGES", DEFAULT_MAX_PAGES)
        self._subreddits = tuple(s.removeprefix("r/").removeprefix("/r/") for s in
                                 env_list(env, "HOTPAPERS_REDDIT_SUBREDDITS", DEFAULT_SUBREDDITS))
        bad = [s for s in self._subreddits if not s.replace("_", "").isalnum() or not s.isascii()]
        self._problem = api_problem or token_problem or pages_problem or (
            f"HOTPAPERS_REDDIT_SUBREDDITS: {bad[0]!r} is not a subreddit name" if bad else "")
        self._auth = _Bearer(origin(self._api))
        self._token_expires: dt.datetime | None = None
        self._limit = HeaderRateLimit("Reddit", _reset_in_seconds, context.now, context.sleep)
        if self.status().enabled:
            username = env.get("HOTPAPERS_REDDIT_USERNAME", "").strip().removeprefix("/u/").removeprefix("u/")
            context.http.headers["User-Agent"] = reddit_user_agent(username, user_agent())
            context.http.auth = self._auth
            context.http.event_hooks["response"].append(self._limit.observe)

    def status(self) -> SourceStatus:
        """Enabled with an app's client id and secret; says which subreddits it reads."""
        if not (self._id and self._secret):
            return SourceStatus(False, "set HOTPAPERS_REDDIT_CLIENT_ID and HOTPAPERS_REDDIT_CLIENT_SECRET to a "
                                       f"Reddit app's OAuth credentials ({_DOCS})")
        if self._problem:
            return SourceStatus(False, self._problem)
        return SourceStatus(True, f"{len(self._subreddits)} subreddits ({', '.join(self._subreddits)}) and a "
                                  f"site-wide search of {SEARCH_QUERY}")

    def collect(self, request: CollectRequest) -> Iterator[SourceOutput]:
        """Yield the window's posts linking arXiv with snapshots, then refresh the known posts not seen.

        Raises:
            APIError: Reddit refused the credentials or a request, or a rate limit resets too late.
            NetworkError: Reddit could not be reached after retries.
            ParseError: Reddit answered with an undocumented shape.
        """
        if not self.status().enabled:
            return
        seen: set[str] = set()
        for sub in self._subreddits:
            try:
                for kind in ("new", "comments"):
                    yield from self._listing(f"/r/{sub}/{kind}", {}, request, seen)
            except APIError as e:
                if e.status not in (403, 404):
                    raise
                log.warning("reddit: r/%s skipped: %s", sub, e)  # private, quarantined, banned or no such name
        search = {"q": SEARCH_QUERY, "sort": "new", "t": "week", "type": "link"}
        yield from self._listing("/search", search, request, seen)
        known = [p.post_id for p in request.known_posts if p.platform == PLATFORM and p.post_id not in seen]
        for start in range(0, len(known), INFO_BATCH):
            yield from self._refresh(known[start : start + INFO_BATCH])

    def _listing(self, path: str, params: Mapping[str, str], request: CollectRequest,
                 seen: set[str]) -> Iterator[SourceOutput]:
        """The window's posts of one listing, newest first, page by page until it reaches the window's start."""
        query: dict[str, str | int] = {**params, "limit": PAGE_SIZE, "raw_json": 1}
        for _ in range(self._max_pages):
            page = self._page(path, query)
            for thing in page.things:
                fresh = thing.fullname not in seen and request.start <= thing.created_at < request.end
                if fresh and thing.post is not None and thing.snapshot is not None:
                    seen.add(thing.fullname)
                    yield thing.post
                    yield thing.snapshot
            oldest = min((t.created_at for t in page.things), default=None)
            if page.after is None or oldest is None or oldest < request.start:
                return
            query["after"] = page.after
        log.warning("reddit: %s: stopped after %d pages of %d; older items of the window were not read "
                    "(HOTPAPERS_REDDIT_MAX_PAGES)", path, self._max_pages, PAGE_SIZE)

    def _page(self, path: str, params: Mapping[str, str | int]) -> RedditPage:
        response = self._get(path, params)
        with naming_request(response):
            page = parse_listing(response.content, self._context.now())
        for reason in page.skipped:
            log.warning("reddit: skipped %s of %s", reason, path)
        return page

    def _refresh(self, fullnames: Sequence[str]) -> Iterator[SourceOutput]:
        """A snapshot for each known post /api/info returns, ``PostGone`` for the others."""
        page = self._page("/api/info", {"id": ",".join(fullnames), "raw_json": 1})
        now = self._context.now()
        returned = {thing.fullname: thing for thing in page.things}
        for fullname in fullnames:
            thing = returned.get(fullname)
            if thing is None:
                yield PostGone(PLATFORM, fullname, now, "not returned by /api/info")
            elif thing.gone is not None:
                yield PostGone(PLATFORM, fullname, now, thing.gone)
            elif thing.snapshot is not None:
                yield thing.snapshot

    def _get(self, path: str, params: Mapping[str, str | int]) -> httpx.Response:
        """GET from the API with a valid token; a 401 renews the token once."""
        for attempt in (1, 2):
            self._ensure_token()
            response = request(self._context.http, "GET", f"{self._api}{path}", params=params,
                               policy=self._context.retry, before_attempt=self._limit.wait, what="Reddit API")
            if response.status_code == 401 and attempt == 1:
                self._token_expires = None  # expired early or revoked: ask for a new one
                continue
            self._check(response, "Reddit API")
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _ensure_token(self) -> None:
        now = self._context.now()
        if self._token_expires is not None and now < self._token_expires:
            return
        response = request(self._context.http, "POST", self._token_url, policy=self._context.retry,
                           data={"grant_type": "client_credentials"}, auth=httpx.BasicAuth(self._id, self._secret),
                           what="Reddit token endpoint")
        if response.status_code in (400, 401, 403):
            raise APIError(f"Reddit refused the app credentials (HTTP {response.status_code}); check "
                           f"HOTPAPERS_REDDIT_CLIENT_ID and HOTPAPERS_REDDIT_CLIENT_SECRET ({_DOCS})",
                           status=response.status_code, url=redact_url(self._token_url))
        self._check(response, "Reddit token endpoint")
        with naming_request(response):
            token, lifetime = parse_token(response.content)
        self._auth.token = token
        self._token_expires = now + dt.timedelta(seconds=lifetime - 60)

    def _check(self, response: httpx.Response, what: str) -> None:
        if response.status_code < 400:
            return
        said = error_message(response, ("message", "error", "reason"))
        basic = base64.b64encode(f"{self._id}:{self._secret}".encode()).decode()  # an echoed Basic header
        for secret in (self._secret, self._auth.token, basic):
            if said and secret:
                said = said.replace(secret, "***")
        if response.status_code == 403:
            said = f"{said or 'forbidden'}; a private, quarantined or banned subreddit, or an app without access"
        check_status(response, f"{what}: {said}" if said else what)
