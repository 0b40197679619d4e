"""Provider ``artifacts`` (Hugging Face paper records): the documented schema (hand-made records) and the provider."""

from __future__ import annotations

import datetime as dt

import pytest

from hotpapers.enrich.hub import MIN_INTERVAL, HubProvider, parse_paper
from hotpapers.errors import APIError, ParseError
from hotpapers.http import RetryPolicy, make_client
from hotpapers.models import ArtifactSnapshot, ArxivId, CodeHost, CodeLink, FoundIn, Paper
from hotpapers.plugins import EnrichRequest, EnrichTarget, SourceContext

from helpers.enrich_recordings import HF_PAPER, HF_TRUNCATED, hub
from helpers.enrichworld import ECOMMERCE, GOODVIEWS, NOW, World, author_post
from helpers.localserver import Reply


def _provider(world: World) -> HubProvider:
    context = SourceContext(make_client(), world.env(), lambda: NOW, lambda s: None, RetryPolicy(enabled=False))
    return HubProvider(context)


def _target(arxiv_id: str, discussed: bool = True) -> EnrichTarget:
    paper = Paper(ArxivId(arxiv_id), 1, "t", (), "", "cs.LG", ("cs.LG",))
    return EnrichTarget(paper, (author_post(arxiv_id, "hi"),) if discussed else ())


def _request(*targets: EnrichTarget, all_papers: bool = False) -> EnrichRequest:
    return EnrichRequest((dt.date(2024, 11, 28),), targets, NOW - dt.timedelta(hours=72), all_papers=all_papers)


def test_record_counts_and_github_repo() -> None:
    """The hand-made record of 2411.17702: 2 models, 1 dataset, 1 Space and its GitHub repository."""
    record = parse_paper(hub(HF_PAPER))
    assert (record.models, record.datasets, record.spaces) == (2, 1, 1)
    assert record.repo is not None and record.repo.url == "https://github.com/mandiehyewon/goodviews_ecg"


def test_totals_win_over_shortened_lists() -> None:
    """``numTotalModels`` (14) counts, not the 3 models listed; no ``githubRepo`` is no repository."""
    record = parse_paper(hub(HF_TRUNCATED))
    assert (record.models, record.datasets, record.spaces, record.repo) == (14, 0, 0, None)


def test_a_record_that_is_not_an_object_is_a_parse_error() -> None:
    """A JSON array or garbage is not a paper record."""
    for body in (b"[]", b"<html>"):
        with pytest.raises(ParseError, match="Hugging Face paper record"):
            parse_paper(body)


def test_provider_yields_counts_and_the_records_code_link(world: World) -> None:
    """One GET per paper: an artifact snapshot, and the ``githubRepo`` as a code link found on Hugging Face."""
    found = list(_provider(world).enrich(_request(_target(GOODVIEWS))))
    assert found == [
        ArtifactSnapshot(ArxivId(GOODVIEWS), NOW, 2, 1, 1),
        CodeLink(ArxivId(GOODVIEWS), "https://github.com/mandiehyewon/goodviews_ecg", CodeHost.GITHUB,
                 FoundIn.HUGGINGFACE, NOW),
    ]
    assert world.asked("/hf/") == [f"/hf/papers/{GOODVIEWS}"]


def test_a_paper_without_a_page_has_no_artifacts(world: World) -> None:
    """404 (no paper page on the Hub, which makes one for every paper a repository cites) is 0, 0, 0."""
    assert list(_provider(world).enrich(_request(_target("2411.17749")))) == [
        ArtifactSnapshot(ArxivId("2411.17749"), NOW, 0, 0, 0)
    ]


def test_only_discussed_papers_are_asked_unless_all_papers(world: World) -> None:
    """A paper without a post is not asked (it cannot be ranked), unless ``all_papers``."""
    quiet = _target(ECOMMERCE, discussed=False)
    list(_provider(world).enrich(_request(_target(GOODVIEWS), quiet)))
    assert world.asked("/hf/") == [f"/hf/papers/{GOODVIEWS}"]
    list(_provider(world).enrich(_request(quiet, all_papers=True)))
    assert world.asked("/hf/")[-1] == f"/hf/papers/{ECOMMERCE}"


def test_requests_are_spaced_by_the_documented_limit(world: World) -> None:
    """Requests are ``MIN_INTERVAL`` apart (500 per 5 minutes): on a clock that only sleeping moves, each waits it."""
    clock = [NOW]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += dt.timedelta(seconds=seconds)

    context = SourceContext(make_client(), world.env(), lambda: clock[0], sleep, RetryPolicy(enabled=False))
    list(HubProvider(context).enrich(_request(_target(GOODVIEWS), _target(ECOMMERCE), _target("2411.17749"))))
    assert sleeps == [pytest.approx(MIN_INTERVAL, abs=1e-3)] * 2


def test_an_unreadable_record_is_skipped_with_a_warning(world: World, caplog: pytest.LogCaptureFixture) -> None:
    """A record that is not JSON skips that paper (logged) and the others go on."""
    world.override(f"/hf/papers/{ECOMMERCE}", Reply(b"<html>oops</html>", 200, "text/html"))
    found = list(_provider(world).enrich(_request(_target(ECOMMERCE), _target(GOODVIEWS))))
    assert [type(r).__name__ for r in found] == ["ArtifactSnapshot", "CodeLink"]
    assert f"artifacts: skipped {ECOMMERCE}" in caplog.text


def test_a_server_error_fails_the_provider(world: World) -> None:
    """A 503 that persists (no retries here) fails the provider with the status and the URL."""
    world.override("/hf/", Reply(b'{"error":"down"}', 503, "application/json"))
    with pytest.raises(APIError, match="HTTP 503"):
        list(_provider(world).enrich(_request(_target(GOODVIEWS))))
