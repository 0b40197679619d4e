"""Provider ``code``: links from the paper's own text and its authors' posts; GitHub stars on recorded answers."""

from __future__ import annotations

import dataclasses
import datetime as dt

import httpx
import pytest
import stamina

from hotpapers.enrich.code import CodeProvider, links_in
from hotpapers.enrich.github import parse_repo, rate_limit_of
from hotpapers.errors import APIError, NetworkError
from hotpapers.http import RetryPolicy, make_client
from hotpapers.models import ArxivId, CodeHost, CodeLink, FoundIn, Paper, RepoSnapshot
from hotpapers.plugins import EnrichRequest, EnrichTarget, SourceContext

from helpers.enrich_recordings import RATE_LIMIT, REPO, SECONDARY_LIMIT, UNKNOWN, replay_data
from helpers.enrichworld import EEG, GOODVIEWS, NOW, REPO_ETAG, World, author_post
from helpers.localserver import Reply

GOODVIEWS_REPO = "https://github.com/mandiehyewon/goodviews_ecg"
EEG_REPO = "https://github.com/Kanyooo/EEG-DCNet"


def _paper(arxiv_id: str, abstract: str = "", comment: str | None = None) -> Paper:
    return Paper(ArxivId(arxiv_id), 1, "A paper", ("Hyewon Jeong", "Suyeol Yun"), abstract, "cs.LG", ("cs.LG",),
                 comment=comment)  # fmt: skip


GOODVIEWS_PAPER = _paper(GOODVIEWS, f"We made our code available in: {GOODVIEWS_REPO}.git")
EEG_PAPER = _paper(EEG, "The experiment code is open-sourced at \\href{https://github.com/Kanyooo/EEG-DCNet}{here}.")


def _provider(world: World, sleeps: list[float] | None = None, retry: RetryPolicy | None = None,
              **env: str) -> CodeProvider:
    waits = sleeps if sleeps is not None else []
    context = SourceContext(make_client(), world.env(**env), lambda: NOW, waits.append,
                            retry or RetryPolicy(enabled=False))  # fmt: skip
    return CodeProvider(context)


def _request(*papers: Paper, repos: dict[str, RepoSnapshot] | None = None,
             links: dict[ArxivId, tuple[CodeLink, ...]] | None = None) -> EnrichRequest:
    targets = tuple(EnrichTarget(p, (author_post(p.arxiv_id, "new paper"),)) for p in papers)
    return EnrichRequest((dt.date(2024, 11, 28),), targets, NOW - dt.timedelta(hours=20),
                         code_links=links or {}, repos=repos or {})  # fmt: skip


def test_links_come_from_abstract_comment_and_the_authors_posts_only() -> None:
    """Abstract, then comments, then posts whose author is an author of the paper; other posters' links are not."""
    paper = _paper(GOODVIEWS, "code: github.com/a/one", comment="Project: gitlab.com/g/two")
    posts = (
        author_post(GOODVIEWS, "our code github.com/a/three"),  # by Hyewon Jeong, an author
        author_post(GOODVIEWS, "a fork github.com/x/elsewhere", handle="stranger", name="Some Stranger"),
    )
    found = links_in(paper, posts, NOW)
    assert [(link.url, link.found_in) for link in found] == [
        ("https://github.com/a/one", FoundIn.ABSTRACT),
        ("https://gitlab.com/g/two", FoundIn.COMMENT),
        ("https://github.com/a/three", FoundIn.AUTHOR_POST),
    ]


def test_recorded_repository_gives_stars_and_creation_time() -> None:
    """The recorded ``GET /repos/PyGithub/PyGithub``: 7122 stars, created 2012-02-25."""
    answer = parse_repo(replay_data(REPO)[0].body)
    assert answer.stars == 7122 and answer.created_at == dt.datetime(2012, 2, 25, 12, 53, 47, tzinfo=dt.UTC)


def test_links_are_yielded_then_stars_with_the_etag(world: World) -> None:
    """New links first, then one GET per GitHub repository, stored with the answer's stars and ETag."""
    found = list(_provider(world).enrich(_request(GOODVIEWS_PAPER, EEG_PAPER)))
    links = [r for r in found if isinstance(r, CodeLink)]
    snaps = [r for r in found if isinstance(r, RepoSnapshot)]
    assert [link.url for link in links] == [GOODVIEWS_REPO, EEG_REPO]
    assert [(s.url, s.stars, s.etag) for s in snaps] == [
        (GOODVIEWS_REPO.casefold(), 7122, REPO_ETAG), (EEG_REPO.casefold(), 7122, REPO_ETAG)
    ]
    assert world.asked("/gh/") == ["/gh/repos/mandiehyewon/goodviews_ecg", "/gh/repos/Kanyooo/EEG-DCNet"]
    assert world.served.headers[0]["X-GitHub-Api-Version"] == "2022-11-28"


def test_known_links_are_not_yielded_again(world: World) -> None:
    """A link already stored for the paper and place is not yielded again (the store would ignore it anyway)."""
    known = {ArxivId(GOODVIEWS): (CodeLink(ArxivId(GOODVIEWS), GOODVIEWS_REPO, CodeHost.GITHUB, FoundIn.ABSTRACT, NOW),)}
    found = list(_provider(world).enrich(_request(GOODVIEWS_PAPER, links=known)))
    assert not [r for r in found if isinstance(r, CodeLink)]


def test_unchanged_repository_answers_304_and_keeps_its_count(world: World) -> None:
    """With the stored ETag sent as If-None-Match, the 304 gives a new snapshot with the stored stars."""
    before = RepoSnapshot(GOODVIEWS_REPO, NOW - dt.timedelta(days=1), 7000, None, REPO_ETAG)
    found = list(_provider(world).enrich(_request(GOODVIEWS_PAPER, repos={before.url: before})))
    assert world.served.headers[0]["If-None-Match"] == REPO_ETAG
    assert [r for r in found if isinstance(r, RepoSnapshot)] == [
        RepoSnapshot(GOODVIEWS_REPO, NOW, 7000, None, REPO_ETAG)
    ]


def test_fresh_repository_is_not_asked(world: World) -> None:
    """A repository with a snapshot younger than the refresh interval costs no request."""
    fresh = RepoSnapshot(GOODVIEWS_REPO, NOW - dt.timedelta(hours=2), 7000, None, REPO_ETAG)
    list(_provider(world).enrich(_request(GOODVIEWS_PAPER, repos={fresh.url: fresh})))
    assert world.asked("/gh/") == []


def test_token_is_sent_as_a_bearer_token_and_status_says_so(world: World) -> None:
    """HOTPAPERS_GITHUB_TOKEN goes in Authorization; the status names the higher limit."""
    provider = _provider(world, HOTPAPERS_GITHUB_TOKEN="gh-token-not-secret")
    list(provider.enrich(_request(GOODVIEWS_PAPER)))
    assert world.served.headers[0]["Authorization"] == "Bearer gh-token-not-secret"
    assert "5,000" in provider.status().reason
    assert "set HOTPAPERS_GITHUB_TOKEN" in _provider(world).status().reason


def test_gone_repository_is_a_snapshot_without_stars(world: World) -> None:
    """The recorded 404 (``{"message":"Not Found"}``) is stored as a snapshot with no stars."""
    world.override("/gh/", replay_data(UNKNOWN)[1].reply())
    found = list(_provider(world).enrich(_request(GOODVIEWS_PAPER)))
    assert [r for r in found if isinstance(r, RepoSnapshot)] == [RepoSnapshot(GOODVIEWS_REPO, NOW, None)]


def test_primary_rate_limit_stops_the_provider_and_keeps_the_links(world: World) -> None:
    """The recorded 403 with ``x-ratelimit-remaining: 0``: no further request, links kept, a failure that says so."""
    world.override("/gh/", replay_data(RATE_LIMIT)[1].reply())
    found: list[object] = []
    with pytest.raises(APIError, match=r"rate limit of 60 requests an hour is used up.*2 of 2 GitHub repositories"):
        found.extend(_provider(world).enrich(_request(GOODVIEWS_PAPER, EEG_PAPER)))
    assert len(world.asked("/gh/")) == 1
    assert {r.url for r in found if isinstance(r, CodeLink)} == {GOODVIEWS_REPO, EEG_REPO}


def test_primary_rate_limit_as_429_is_not_retried(world: World) -> None:
    """The same refusal as 429 (GitHub sends either) is not retried: waiting would take up to an hour."""
    recorded = replay_data(RATE_LIMIT)[1]
    world.override("/gh/", dataclasses.replace(recorded, headers={**recorded.headers, "x-ratelimit-reset": "1700000000"})
                   .reply(status=429))  # fmt: skip
    with stamina.set_testing(True, attempts=3), pytest.raises(APIError, match="resets at 2023-11-14 22:13 UTC"):
        list(_provider(world, retry=RetryPolicy()).enrich(_request(GOODVIEWS_PAPER)))
    assert len(world.asked("/gh/")) == 1


def test_secondary_limit_waits_retry_after_once(world: World) -> None:
    """The recorded abuse 403 with ``Retry-After: 60``: the provider waits 60 s once, then goes on."""
    answers = [replay_data(SECONDARY_LIMIT)[1].reply()]
    world.override("/gh/", lambda path: answers.pop() if answers else replay_data(REPO)[0].reply())
    sleeps: list[float] = []
    found = list(_provider(world, sleeps).enrich(_request(GOODVIEWS_PAPER)))
    assert sleeps == [60.0] and [r.stars for r in found if isinstance(r, RepoSnapshot)] == [7122]


def test_secondary_limit_asking_too_long_stops(world: World) -> None:
    """A ``Retry-After`` longer than a minute stops the provider instead of stalling the run."""
    recorded = replay_data(SECONDARY_LIMIT)[1]
    world.override("/gh/", dataclasses.replace(recorded, headers={"Retry-After": "3600"}).reply())
    with pytest.raises(APIError, match=r"secondary rate limit.*3600 s"):
        list(_provider(world).enrich(_request(GOODVIEWS_PAPER)))


def test_github_down_keeps_the_links_and_says_why_stars_are_unknown() -> None:
    """GitHub unreachable: the links are yielded before, and the failure says the stars were not refreshed."""
    env = {"HOTPAPERS_GITHUB_API_URL": "http://127.0.0.1:9"}
    context = SourceContext(make_client(), env, lambda: NOW, lambda s: None, RetryPolicy(enabled=False))
    found: list[object] = []
    with pytest.raises(NetworkError, match="stars of 1 of 1 GitHub repositories were not refreshed"):
        found.extend(CodeProvider(context).enrich(_request(GOODVIEWS_PAPER)))
    assert [r.url for r in found if isinstance(r, CodeLink)] == [GOODVIEWS_REPO]


def test_bad_token_fails_the_provider(world: World) -> None:
    """A 401 means the token was refused: the provider fails and names the variable (not its value)."""
    world.override("/gh/", Reply(b'{"message":"Bad credentials"}', 401, "application/json"))
    with pytest.raises(APIError, match="GitHub refused HOTPAPERS_GITHUB_TOKEN") as caught:
        list(_provider(world, HOTPAPERS_GITHUB_TOKEN="gh-token-not-secret").enrich(_request(GOODVIEWS_PAPER)))
    assert "gh-token-not-secret" not in str(caught.value)


def test_a_refusal_that_is_no_rate_limit_skips_that_repository(world: World) -> None:
    """A plain 403 (e.g. a blocked repository) skips it with a warning; the next is asked."""
    answers = [Reply(b'{"message":"Repository access blocked"}', 403, "application/json")]
    world.override("/gh/", lambda path: answers.pop() if answers else replay_data(REPO)[0].reply())
    found = list(_provider(world).enrich(_request(GOODVIEWS_PAPER, EEG_PAPER)))
    assert [r.url for r in found if isinstance(r, RepoSnapshot)] == [EEG_REPO.casefold()]


def test_a_403_without_rate_limit_headers_is_not_a_rate_limit() -> None:
    """A 403 without rate-limit headers is no rate limit (``rate_limit_of`` is None)."""
    response = httpx.Response(403, json={"message": "blocked"}, request=httpx.Request("GET", "https://x/repos/a/b"))
    assert rate_limit_of(response) is None
