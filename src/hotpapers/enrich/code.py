"""Provider ``code``: each paper's code repository, and its GitHub stars (their velocity is ``enrich.view``'s).

Where links come from (``enrich.repos.find_repos`` reads each text):

1. the paper's abstract and its arXiv comments, as stored (the words of the authors, no request);
2. the paper's Hugging Face record (``githubRepo``), read by the ``artifacts`` provider, which runs first;
3. posts that link the paper written by one of its authors (``authors.AuthorNames``): their stored text
   (X stores the text with its ``t.co`` links, so a repository is found there only when written out).

Every link found is stored (``CodeLink``), whether or not GitHub can be reached: a link is data of its own. Then
the stars of every GitHub repository of the wanted papers (those discussed, unless ``--all-papers``) whose latest
snapshot is not fresh are asked from GitHub (``enrich.github``), most discussed papers first, conditionally when an
ETag is stored. GitLab, Codeberg and Hugging Face links are stored and shown without stars.

When GitHub cannot be reached, or its rate limit stops the provider, the links stay stored, the stars not asked
stay unknown, and the provider fails with a line that says how many repositories it did not reach and why.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping, Sequence

import httpx

from hotpapers.authors import AuthorNames
from hotpapers.enrich import github
from hotpapers.enrich.repos import find_repos, has_placeholder
from hotpapers.errors import APIError, HotpapersError, NetworkError, ParseError
from hotpapers.http import check_status, error_message, naming_request, request
from hotpapers.models import CodeHost, CodeLink, EnrichmentRecord, FoundIn, Paper, Post, RepoSnapshot, repo_key
from hotpapers.plugins import EnrichRequest, SourceContext, SourceStatus

__all__ = ["CodeProvider", "links_in"]

log = logging.getLogger(__name__)

_GONE = frozenset({404, 410, 451})


def links_in(paper: Paper, posts: Sequence[Post], found_at: dt.datetime) -> list[CodeLink]:
    """The code links of a paper's abstract, comments and its authors' posts, in that order (no request)."""
    texts: list[tuple[FoundIn, str]] = [(FoundIn.ABSTRACT, paper.abstract), (FoundIn.COMMENT, paper.comment or "")]
    authors = AuthorNames.of(paper)
    texts += [(FoundIn.AUTHOR_POST, p.text) for p in posts if authors.wrote(p)]
    links: dict[tuple[FoundIn, str], CodeLink] = {}
    for place, text in texts:
        for ref in find_repos(text):
            key = (place, repo_key(ref.url))
            if key not in links:
                position = sum(1 for p, _ in links if p is place)
                links[key] = CodeLink(paper.arxiv_id, ref.url, ref.host, place, found_at, position)
    return list(links.values())


class CodeProvider:
    """Code links from the paper's own text, its Hugging Face record and its authors' posts; GitHub stars."""

    name = "code"

    def __init__(self, context: SourceContext) -> None:
        self._context = context
        self._base = context.env.get(github.ENV_API_URL, "").strip().rstrip("/") or github.API_URL
        token = context.env.get(github.ENV_TOKEN, "").strip()
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}

    def status(self) -> SourceStatus:
        """Always enabled; says whether a GitHub token raises the rate limit."""
        if self._auth:
            return SourceStatus(True, "GitHub with a token (HOTPAPERS_GITHUB_TOKEN): 5,000 requests an hour "
                                      "(1,000 for an Actions token)")  # fmt: skip
        return SourceStatus(
            True, "GitHub without a token: 60 requests an hour; set HOTPAPERS_GITHUB_TOKEN for 5,000"
        )

    def enrich(self, request: EnrichRequest) -> Iterator[EnrichmentRecord]:
        """Yield the new code links of every target, then a stars snapshot of each stale GitHub repository."""
        now = self._context.now()
        links: dict[str, list[CodeLink]] = {}
        placeholders = 0
        for target in request.targets:
            known = {(link.found_in, repo_key(link.url)) for link in request.code_links.get(target.paper.arxiv_id, ())}
            found = links_in(target.paper, target.posts, now)
            yield from (link for link in found if (link.found_in, repo_key(link.url)) not in known)
            links[target.paper.arxiv_id] = [*request.code_links.get(target.paper.arxiv_id, ()), *found]
            placeholders += not found and _placeholder(target.paper)
        if placeholders:
            log.warning(
                "code: %d papers hold arXiv's \"this https URL\" words without the URL in their stored text; "
                "their links cannot be read from it", placeholders,
            )  # fmt: skip
        yield from self._stars(self._due(request, links), request.repos)

    def _due(self, request: EnrichRequest, links: Mapping[str, list[CodeLink]]) -> list[str]:
        """The GitHub repositories of the wanted papers without a fresh snapshot, most discussed papers first."""
        due: dict[str, str] = {}
        for target in request.wanted():
            for link in links.get(target.paper.arxiv_id, []):
                key = repo_key(link.url)
                latest = request.repos.get(key)
                if link.host is CodeHost.GITHUB and (latest is None or latest.observed_at < request.fresh_since):
                    due.setdefault(key, link.url)
        return list(due.values())

    def _stars(self, urls: list[str], latest: Mapping[str, RepoSnapshot]) -> Iterator[RepoSnapshot]:
        for done, url in enumerate(urls):
            try:
                snapshot = self._repo(url, latest.get(repo_key(url)))
            except HotpapersError as e:
                raise _unrefreshed(e, len(urls) - done, len(urls)) from e
            if snapshot is not None:
                yield snapshot

    def _get(self, url: str, etag: str | None) -> httpx.Response:
        headers = {**github.HEADERS, **self._auth}
        if etag:
            headers["If-None-Match"] = etag
        return request(
            self._context.http, "GET", self._base + github.repo_path(url), headers=headers,
            policy=self._context.retry, give_up=github.exhausted,
        )  # fmt: skip

    def _repo(self, url: str, latest: RepoSnapshot | None) -> RepoSnapshot | None:
        """One repository's snapshot; None when GitHub refused this one repository (logged)."""
        etag = latest.etag if latest is not None and latest.stars is not None else None
        response = self._get(url, etag)
        limited = github.rate_limit_of(response)
        if limited is not None and limited.wait is not None and limited.wait <= github.MAX_WAIT:
            self._context.sleep(limited.wait)
            response = self._get(url, etag)
            limited = github.rate_limit_of(response)
        if limited is not None:
            raise limited
        now = self._context.now()
        if response.status_code == 304 and latest is not None:
            return RepoSnapshot(url, now, latest.stars, latest.created_at, latest.etag)
        if response.status_code in _GONE:
            return RepoSnapshot(url, now, None)
        if response.status_code == 401:
            raise APIError(
                f"GitHub refused HOTPAPERS_GITHUB_TOKEN (HTTP 401: {error_message(response) or 'bad credentials'})",
                status=401, url=str(response.request.url),
            )  # fmt: skip
        if response.status_code >= 400:
            log.warning("code: GitHub refused %s (HTTP %s: %s)", url, response.status_code, error_message(response))
            return None
        check_status(response)
        try:
            with naming_request(response):
                answer = github.parse_repo(response.content)
        except ParseError as e:
            log.warning("code: skipped %s: %s", url, e)
            return None
        return RepoSnapshot(url, now, answer.stars, answer.created_at, response.headers.get("etag"))


def _placeholder(paper: Paper) -> bool:
    return has_placeholder(paper.abstract) or has_placeholder(paper.comment or "")


def _unrefreshed(error: HotpapersError, left: int, total: int) -> HotpapersError:
    """``error``, of the same kind, saying how many repositories' stars it left unknown."""
    message = f"{error}; the stars of {left} of {total} GitHub repositories were not refreshed (their links are stored)"
    if isinstance(error, APIError):
        return APIError(message, status=error.status, url=error.url)
    if isinstance(error, NetworkError):
        return NetworkError(message)
    if isinstance(error, ParseError):
        return ParseError(message)
    return HotpapersError(message)
