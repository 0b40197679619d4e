"""Provider ``scholarly`` (Semantic Scholar): the recorded batch answers, and the provider against a local server."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
import stamina

from hotpapers.enrich.scholar import BATCH, ScholarProvider, parse_batch, venue_of
from hotpapers.errors import APIError, NetworkError, ParseError
from hotpapers.http import RetryPolicy, make_client
from hotpapers.models import ArxivId, Paper
from hotpapers.plugins import EnrichRequest, EnrichTarget, SourceContext

from helpers.enrich_recordings import S2_AUTHORS_ONLY, S2_BAD_FIELDS, S2_BATCH, S2_NOT_FOUND, cassette, s2_batch_reply
from helpers.enrichworld import NOW, World
from helpers.localserver import Reply

IDS = [ArxivId(i) for i in ("2411.17700", "2411.17701", "2411.17702", "2411.17703")]


def _provider(world: World, **env: str) -> ScholarProvider:
    context = SourceContext(make_client(), world.env(**env), lambda: NOW, lambda s: None, RetryPolicy(enabled=False))
    return ScholarProvider(context)


def _request(ids: list[str], observed: dict[ArxivId, dt.datetime] | None = None) -> EnrichRequest:
    targets = tuple(EnrichTarget(Paper(ArxivId(i), 1, "t", (), "", "cs.LG", ("cs.LG",))) for i in ids)
    return EnrichRequest((dt.date(2024, 11, 28),), targets, NOW - dt.timedelta(hours=72), observed=observed or {})


def test_recorded_batch_reads_null_as_not_found_and_counts_in_order() -> None:
    """The recorded batch: ``null`` is not found; the others' counts and ids come in the order asked."""
    snapshots, skipped = parse_batch(cassette(S2_BATCH)[0].body, IDS, NOW)
    assert skipped == []
    assert [s.found for s in snapshots] == [False, True, True, True]
    assert (snapshots[1].citations, snapshots[1].influential) == (10670, 578)
    assert snapshots[1].s2_id == "c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce"
    assert all(s.observed_at == NOW for s in snapshots)


def test_venue_falls_back_to_the_journal_when_venue_is_empty() -> None:
    """The recorded papers have ``venue: ""`` and no ``publicationVenue``: the journal's name is the venue."""
    snapshots, _ = parse_batch(cassette(S2_BATCH)[0].body, IDS, NOW)
    assert snapshots[1].venue == "Experimental & Empirical Studies eJournal"
    assert snapshots[3].venue is None  # journal null, venue "": unknown


def test_arxiv_itself_is_not_a_venue() -> None:
    """An arXiv-only paper's venue ("arXiv.org", journal "ArXiv") is no venue that accepted it."""
    assert venue_of({"venue": "arXiv.org", "journal": {"name": "ArXiv"}, "publicationVenue": None}) is None
    assert venue_of({"venue": "arXiv.org", "publicationVenue": {"name": "NeurIPS"}}) == "NeurIPS"


def test_entries_without_the_counts_are_skipped_with_a_reason() -> None:
    """The recorded ``fields=authors`` batch has no counts: each entry is skipped, with a line saying why."""
    snapshots, skipped = parse_batch(cassette(S2_AUTHORS_ONLY)[0].body, IDS[:3], NOW)
    assert snapshots == [] and len(skipped) == 3 and "citationCount None" in skipped[0]


def test_an_answer_of_the_wrong_length_is_a_parse_error() -> None:
    """An array that does not give one entry per id asked cannot be matched to the ids: a ParseError."""
    with pytest.raises(ParseError, match="expected an array of 3"):
        parse_batch(cassette(S2_BATCH)[0].body, IDS[:3], NOW)


def test_a_non_json_answer_is_a_parse_error() -> None:
    """A body that is not JSON is a ParseError naming Semantic Scholar."""
    with pytest.raises(ParseError, match="Semantic Scholar paper/batch response: not JSON"):
        parse_batch(b"<html>", IDS, NOW)


def test_provider_posts_arxiv_ids_in_batches_of_500(world: World) -> None:
    """1,201 papers are asked in 3 POSTs of at most 500 ``ARXIV:`` ids, with the fields asked in the query."""
    ids = [f"2411.{n:05d}" for n in range(1201)]
    found = list(_provider(world).enrich(_request(ids)))
    bodies = [orjson.loads(b)["ids"] for b in world.served.bodies]
    assert [len(b) for b in bodies] == [BATCH, BATCH, 201]
    assert bodies[0][0] == "ARXIV:2411.00000" and world.served.methods == ["POST"] * 3
    assert "fields=paperId%2CcitationCount%2CinfluentialCitationCount" in world.served.requests[0]
    assert len(found) == 1201


def test_fresh_papers_are_not_asked_again(world: World) -> None:
    """A paper with a snapshot younger than the refresh interval is left out of the batch; none stale, no request."""
    fresh = {ArxivId("2411.17700"): NOW - dt.timedelta(hours=1), ArxivId("2411.17701"): NOW - dt.timedelta(days=9)}
    list(_provider(world).enrich(_request(["2411.17700", "2411.17701"], fresh)))
    assert orjson.loads(world.served.bodies[0])["ids"] == ["ARXIV:2411.17701"]
    list(_provider(world).enrich(_request(["2411.17700"], fresh)))
    assert len(world.served.requests) == 1


def test_api_key_is_sent_as_x_api_key_only_when_set(world: World) -> None:
    """``HOTPAPERS_S2_API_KEY`` goes in ``x-api-key``; without it no such header is sent."""
    list(_provider(world, HOTPAPERS_S2_API_KEY="s2-key-not-secret").enrich(_request(["2411.17700"])))
    list(_provider(world).enrich(_request(["2411.17700"])))
    assert world.served.headers[0].get("x-api-key") == "s2-key-not-secret"
    assert "x-api-key" not in {k.lower() for k in world.served.headers[1]}


def test_status_says_how_to_get_a_dedicated_rate(world: World) -> None:
    """Without a key the provider is enabled and says to set HOTPAPERS_S2_API_KEY."""
    assert "set HOTPAPERS_S2_API_KEY" in _provider(world).status().reason


def test_refused_batch_fails_with_semantic_scholars_message(world: World) -> None:
    """The recorded 400 (unsupported fields) fails the provider with Semantic Scholar's own words."""
    world.override("/s2/", cassette(S2_BAD_FIELDS)[0].reply())
    with pytest.raises(APIError, match=r"HTTP 400 .*Unrecognized or unsupported fields: \[unknown\]"):
        list(_provider(world).enrich(_request(["2411.17700"])))


def test_not_found_error_document_is_read(world: World) -> None:
    """The recorded 404 body (``{"error": ...}``) is quoted in the failure."""
    world.override("/s2/", cassette(S2_NOT_FOUND)[0].reply())
    with pytest.raises(APIError, match="Paper with id 0 not found"):
        list(_provider(world).enrich(_request(["2411.17700"])))


def test_429_is_retried_after_retry_after(world: World) -> None:
    """A 429 with ``Retry-After`` is retried (stamina, in test mode) and the second answer is used."""
    answers = [Reply(b'{"message":"Too Many Requests"}', 429, "application/json", {"Retry-After": "1"})]

    def first_429(path: str) -> Reply:
        return answers.pop() if answers else s2_batch_reply(world.served.bodies[-1])

    world.override("/s2/", first_429)
    context = SourceContext(make_client(), world.env(), lambda: NOW, lambda s: None, RetryPolicy())
    with stamina.set_testing(True, attempts=3):
        found = list(ScholarProvider(context).enrich(_request(["2411.17700"])))
    assert len(world.served.requests) == 2 and len(found) == 1


def test_unreachable_service_is_a_network_error() -> None:
    """A closed port fails the provider with a NetworkError (the job reports it; nothing else is lost)."""
    env = {"HOTPAPERS_S2_API_URL": "http://127.0.0.1:9/s2"}
    context = SourceContext(make_client(), env, lambda: NOW, lambda s: None, RetryPolicy(enabled=False))
    with pytest.raises(NetworkError):
        list(ScholarProvider(context).enrich(_request(["2411.17700"])))
