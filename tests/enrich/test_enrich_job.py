"""The ``enrich`` job: every provider against the local services, isolation, freshness, order and reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from hotpapers.errors import UsageError
from hotpapers.jobs.days import recent_days
from hotpapers.jobs.enrich import ORDER, ProviderReport, enrich, enrich_targets, provider_statuses
from hotpapers.jobs.registry import load_registry
from hotpapers.models import ArxivId, CodeHost, CodeLink, EnrichmentRecord, FoundIn
from hotpapers.plugins import EnrichRequest, Registry, SourceContext, SourceStatus
from hotpapers.store import SQLiteStore

from helpers.enrichworld import DAY, EEG, GOODVIEWS, NOW, World, environment, settings
from helpers.localserver import Reply


def _run(store: SQLiteStore, world: World, names: list[str] | None = None, **changes: object) -> dict[str, ProviderReport]:
    reports = enrich(store, load_registry(), days=[DAY], names=names, environment=environment(world.env()),
                     settings=settings(**changes))  # fmt: skip
    return {r.name: r for r in reports}


def test_all_providers_enrich_the_discussed_papers(store: SQLiteStore, world: World) -> None:
    """One run: links of the whole listing, stars of the discussed papers' repositories, artifacts, citations."""
    reports = _run(store, world)
    assert list(reports) == list(ORDER)
    assert not any(r.failed for r in reports.values())
    links = store.code_links_of([ArxivId(GOODVIEWS), ArxivId(EEG)])
    assert {link.found_in for link in links[ArxivId(GOODVIEWS)]} == {FoundIn.ABSTRACT, FoundIn.HUGGINGFACE}
    assert len(store.code_links_of([ArxivId("2211.15656")])) == 1  # undiscussed: its link is stored all the same
    assert sorted(world.asked("/gh/")) == ["/gh/repos/Kanyooo/EEG-DCNet", "/gh/repos/mandiehyewon/goodviews_ecg"]
    assert len(world.asked("/hf/")) == 3 and len(world.asked("/s2/")) == 1
    assert store.latest_artifacts([ArxivId(GOODVIEWS)])[ArxivId(GOODVIEWS)].models == 2


def test_a_rerun_within_the_refresh_interval_asks_nothing(store: SQLiteStore, world: World) -> None:
    """Run twice at the same time: the second run sends no request and finds nothing new."""
    _run(store, world)
    asked = len(world.served.requests)
    reports = _run(store, world)
    assert len(world.served.requests) == asked
    assert all(r.requests == 0 and not r.found for r in reports.values())


def test_a_later_run_asks_github_conditionally_and_counts_the_304(store: SQLiteStore, world: World) -> None:
    """A day later, stars are asked again with the ETag; the 304s are counted and cost a snapshot each."""
    _run(store, world)
    later = enrich(store, load_registry(), days=[DAY], names=["code"],
                   environment=environment(world.env(), now=lambda: NOW + dt.timedelta(days=1)), settings=settings())
    assert later[0].not_modified == 2 and later[0].found == {"stars": 2}
    assert [s.stars for s in store.repo_series(["https://github.com/Kanyooo/EEG-DCNet"], NOW)[
        "https://github.com/kanyooo/eeg-dcnet"]] == [7122, 7122]


def test_a_provider_that_is_down_does_not_sink_the_others(store: SQLiteStore, world: World) -> None:
    """Semantic Scholar answers 503: it fails; artifacts and code finish and store what they found."""
    world.override("/s2/", Reply(b'{"message":"down"}', 503, "application/json"))
    reports = _run(store, world)
    assert reports["scholarly"].failed and "HTTP 503" in reports["scholarly"].error
    assert not reports["code"].failed and not reports["artifacts"].failed
    assert store.code_links_of([ArxivId(GOODVIEWS)])


def test_github_down_still_stores_the_abstracts_links_and_says_why(store: SQLiteStore, world: World) -> None:
    """GitHub unreachable: the code provider fails with the reason, and the links of the abstracts are stored."""
    env = {**world.env(), "HOTPAPERS_GITHUB_API_URL": "http://127.0.0.1:9"}
    reports = enrich(store, load_registry(), days=[DAY], names=["code"], environment=environment(env),
                     settings=settings())  # fmt: skip
    assert "stars of 2 of 2 GitHub repositories were not refreshed" in (reports[0].error or "")
    assert ArxivId(GOODVIEWS) in store.code_links_of([ArxivId(GOODVIEWS)])


class _Broken:
    name = "broken"

    def __init__(self, context: SourceContext) -> None:
        self.context = context

    def status(self) -> SourceStatus:
        return SourceStatus(True)

    def enrich(self, request: EnrichRequest) -> Iterator[EnrichmentRecord]:
        target = request.targets[0].paper
        yield CodeLink(target.arxiv_id, "https://github.com/a/b", CodeHost.GITHUB, FoundIn.ABSTRACT, NOW)
        raise RuntimeError("a bug in a plugin")


def test_a_crashing_plugin_is_reported_and_what_it_yielded_is_kept(store: SQLiteStore, world: World) -> None:
    """A third-party provider that raises a bug: its report names the error, its first record is stored."""
    registry = load_registry()
    registry.add_provider("broken", _Broken)  # type: ignore[arg-type]
    reports = enrich(store, registry, days=[DAY], names=["broken"], environment=environment(world.env()),
                     settings=settings())  # fmt: skip
    assert reports[0].error == "RuntimeError: a bug in a plugin" and reports[0].found == {"links": 1}


class _Disabled(_Broken):
    name = "disabled"

    def status(self) -> SourceStatus:
        return SourceStatus(False, "set HOTPAPERS_DISABLED_KEY")


def test_a_named_disabled_provider_fails_and_an_unnamed_one_is_skipped(store: SQLiteStore, world: World) -> None:
    """Asked by name, a disabled provider is a failure saying how to enable it; otherwise it is only listed."""
    registry = Registry()
    registry.add_provider("disabled", _Disabled)  # type: ignore[arg-type]
    named = enrich(store, registry, days=[DAY], names=["disabled"], environment=environment({}), settings=settings())
    unnamed = enrich(store, registry, days=[DAY], names=None, environment=environment({}), settings=settings())
    assert named[0].error == "disabled: set HOTPAPERS_DISABLED_KEY"
    assert not unnamed[0].failed and not unnamed[0].enabled


def test_unknown_provider_is_a_usage_error(store: SQLiteStore) -> None:
    """``--provider nope`` names the known providers."""
    with pytest.raises(UsageError, match="unknown enrichment provider \\(known: scholarly, artifacts, code\\)"):
        enrich(store, load_registry(), days=[DAY], names=["nope"], environment=environment({}), settings=settings())


def test_a_day_without_papers_is_a_usage_error(store: SQLiteStore) -> None:
    """Enriching a day the store has no papers for says so."""
    with pytest.raises(UsageError, match="no papers announced on that day"):
        enrich(store, load_registry(), days=[dt.date(2020, 1, 1)], names=None, environment=environment({}),
               settings=settings())  # fmt: skip


def test_targets_are_most_discussed_first(store: SQLiteStore) -> None:
    """The paper with two posts comes first, then the discussed ones in listing order, then the rest."""
    targets = enrich_targets(store, [DAY])
    assert [t.paper.arxiv_id for t in targets[:3]] == [GOODVIEWS, "2411.17700", EEG]
    assert not targets[3].discussed


def test_statuses_list_each_provider_with_how_to_do_better(world: World) -> None:
    """``provider_statuses``: every built-in provider is enabled and says what a key or token would change."""
    statuses = {r.name: r for r in provider_statuses(load_registry(), environment(world.env()))}
    assert all(r.enabled for r in statuses.values())
    assert "HOTPAPERS_GITHUB_TOKEN" in statuses["code"].reason
    assert "HOTPAPERS_S2_API_KEY" in statuses["scholarly"].reason


def test_warnings_of_a_provider_reach_its_report(store: SQLiteStore, world: World) -> None:
    """A Hub record that cannot be read is a warning in the artifacts report, not only in the log."""
    world.override(f"/hf/papers/{GOODVIEWS}", Reply(b"<html>", 200, "text/html"))
    reports = _run(store, world, names=["artifacts"])
    assert any(f"skipped {GOODVIEWS}" in w for w in reports["artifacts"].warnings)


def test_recent_days_are_listing_days_not_whatever_is_stored() -> None:
    """``days`` 3 ending on Thursday 2024-11-28 covers Tue-Thu; a day stored a month before (a gap) is left out."""
    announced = [dt.date(2024, 10, 31), dt.date(2024, 11, 25), dt.date(2024, 11, 27), DAY]
    assert recent_days(announced, DAY, 3) == [dt.date(2024, 11, 27), DAY]
    assert recent_days(announced, DAY, 1) == [DAY]
