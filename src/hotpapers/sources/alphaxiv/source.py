"""The ``alphaxiv`` source: the public votes of arXiv papers on alphaXiv's trending list, one post per paper.

alphaXiv's API is unofficial and undocumented (see ``hotpapers.sources.alphaxiv.parse``), so the source is
opt-in: it is enabled by setting ``HOTPAPERS_ALPHAXIV_API_URL`` (``https://api.alphaxiv.org``). Also:

* ``HOTPAPERS_ALPHAXIV_INTERVAL``: the trending window asked (default ``30 Days``, the value the public client
  sends);
* ``HOTPAPERS_ALPHAXIV_MAX_PAGES``: pages of ``PAGE_SIZE`` papers read per run (default 10: the 100 papers with
  the most votes in the interval).

``collect`` reads ``{root}/v2/papers/trending-papers?page_num=N&sort_by=Likes&page_size=10&interval=...``
from page 0 until a page holds fewer than ``PAGE_SIZE`` papers (or nothing new, or the page limit), and yields
each paper's post and snapshot once. alphaXiv has no documented per-paper lookup, so a known paper that is no
longer on the list gets no new snapshot (and never ``PostGone``: leaving the list is not deletion). No
credentials; requests are spaced ``MIN_INTERVAL`` seconds apart out of courtesy, as no limit is published.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from hotpapers.http import Throttle, check_status, error_message, naming_request, request
from hotpapers.plugins import CollectRequest, SourceContext, SourceOutput, SourceStatus
from hotpapers.sources._base import env_count, env_url
from hotpapers.sources.alphaxiv.parse import PLATFORM, TrendingPage, parse_trending

__all__ = ["API_URL", "PAGE_SIZE", "AlphaXivSource"]

log = logging.getLogger(__name__)

API_URL = "https://api.alphaxiv.org"
ENV_API_URL = "HOTPAPERS_ALPHAXIV_API_URL"
PAGE_SIZE = 10  # the page size the public client asks; larger sizes are not known to be served
DEFAULT_MAX_PAGES = 10
DEFAULT_INTERVAL = "30 Days"
MIN_INTERVAL = 1.0  # seconds between requests (no published limit: be gentle)
_DOCS = "see docs/sources/alphaxiv.md"


class AlphaXivSource:
    """Votes of arXiv papers on alphaXiv's trending list (opt-in: ``HOTPAPERS_ALPHAXIV_API_URL``)."""

    name = PLATFORM

    def __init__(self, context: SourceContext) -> None:
        env = context.env
        self._context = context
        self._configured = bool(env.get(ENV_API_URL, "").strip())
        self._root, url_problem = env_url(env, ENV_API_URL, API_URL)
        self._max_pages, pages_problem = env_count(env, "HOTPAPERS_ALPHAXIV_MAX_PAGES", DEFAULT_MAX_PAGES)
        self._interval = env.get("HOTPAPERS_ALPHAXIV_INTERVAL", "").strip() or DEFAULT_INTERVAL
        self._problem = url_problem or pages_problem
        self._throttle = Throttle(MIN_INTERVAL, lambda: context.now().timestamp(), context.sleep)

    def status(self) -> SourceStatus:
        """Enabled once ``HOTPAPERS_ALPHAXIV_API_URL`` is set (its API is unofficial: opt in knowingly)."""
        if not self._configured:
            return SourceStatus(False, f"set {ENV_API_URL}={API_URL} to read alphaXiv's trending votes "
                                       f"(an unofficial, undocumented API: opt in knowingly; {_DOCS})")
        if self._problem:
            return SourceStatus(False, self._problem)
        return SourceStatus(True, f"trending papers by votes over {self._interval} on {self._root}, "
                                  f"up to {self._max_pages * PAGE_SIZE} papers")

    def collect(self, request: CollectRequest) -> Iterator[SourceOutput]:
        """Yield each trending paper's post and snapshot once; known papers not on the list are left as they are.

        Raises:
            APIError: alphaXiv refused a request.
            NetworkError: alphaXiv could not be reached after retries.
            ParseError: alphaXiv answered with another shape than the one observed.
        """
        if not self.status().enabled:
            return
        seen: set[str] = set()
        for number in range(self._max_pages):
            page = self._page(number)
            fresh = [(p, s) for p, s in zip(page.posts, page.snapshots, strict=True) if p.post_id not in seen]
            for post, snapshot in fresh:
                seen.add(post.post_id)
                yield post
                yield snapshot
            if page.entries < PAGE_SIZE or not fresh:
                break
        missing = [p.post_id for p in request.known_posts if p.platform == PLATFORM and p.post_id not in seen]
        if missing:
            log.info("alphaxiv: %d known papers are no longer trending; no new snapshot", len(missing))

    def _page(self, number: int) -> TrendingPage:
        params: dict[str, str | int] = {"page_num": number, "sort_by": "Likes", "page_size": PAGE_SIZE,
                                        "interval": self._interval}
        response = request(self._context.http, "GET", f"{self._root}/v2/papers/trending-papers", params=params,
                           policy=self._context.retry, before_attempt=self._throttle.wait, what="alphaXiv")
        check_status(response, error_message(response, ("message", "error")))
        with naming_request(response):
            page = parse_trending(response.content, self._context.now())
        for reason in page.skipped:
            log.warning("alphaxiv: skipped %s of page %d", reason, number)
        return page
