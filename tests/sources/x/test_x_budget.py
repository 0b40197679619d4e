"""The X read budget: posts read per run and per UTC day, its checkpoint, its cost, and what it cuts."""

from __future__ import annotations

import datetime as dt
import logging

import httpx
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_x_source import (  # the recordings and helpers of the X source's own tests
    END,
    NOW,
    PAGE_1,
    START,
    TOKEN,
    known_post,
    load,
    lookups,
    query,
    search_pages,
    searches,
)

from hotpapers.http import NO_RETRIES
from hotpapers.models import EngagementSnapshot
from hotpapers.plugins import Checkpoint, CollectRequest, SourceContext, SourceOutput, SourceUsage
from hotpapers.sources.x.budget import BudgetSettings, ReadBudget, budget_from_env, returned_posts
from hotpapers.sources.x.source import XSource

from helpers.localserver import Reply, Served
from helpers.sources import Clock, Switchboard

DAY_KEY = f"budget:{NOW.date()}"
pytestmark = pytest.mark.usefixtures("no_waits")  # stamina sleeps nothing (tests/sources/conftest.py)
OLD = NOW - dt.timedelta(days=30)  # a window recent search no longer covers: only known posts are refreshed


def outputs(server: Served, client: httpx.Client, state: dict[str, str] | None = None,
            known: int = 0, window: tuple[dt.datetime, dt.datetime] = (START, END), **env: str) -> list[SourceOutput]:
    values = {"HOTPAPERS_X_BEARER_TOKEN": TOKEN, "HOTPAPERS_X_API_URL": server.url, **env}
    stored = state or {}
    clock = Clock(NOW)
    ctx = SourceContext(client, values, clock.now, clock.sleep, retry=NO_RETRIES, state=stored.get)
    posts = tuple(known_post(str(1_000 + n)) for n in range(known))
    return list(XSource(ctx).collect(CollectRequest(NOW.date(), *window, (), posts)))


def lookup_all_found(path: str) -> Reply | None:
    """A lookup answering every asked id with the recorded one-tweet body, its id replaced (the ids' count)."""
    if not path.startswith("/2/tweets?"):
        return None
    template = orjson.loads(load("tweets_lookup_ids_one_tweet_many_fields_twarc2.jsonl").splitlines()[0])["data"][0]
    data = [dict(template, id=i) for i in query(path)["ids"].split(",")]
    return Reply(orjson.dumps({"data": data}), content_type="application/json")


def last(items: list[SourceOutput], kind: type) -> object:
    return [o for o in items if isinstance(o, kind)][-1]


def test_per_run_budget_shrinks_the_last_page_then_stops(switchboard: Switchboard, client: httpx.Client,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    """With 120 reads a run, the second page asks for 20 posts, and the warning names the per-run budget.

    (The recorded second page holds 40 posts whatever is asked, so the run reads 140.)"""
    server = switchboard.answer(search_pages)
    with caplog.at_level(logging.WARNING):
        result = outputs(server, client, HOTPAPERS_X_MAX_READS_PER_RUN="120")
    assert [q["max_results"] for q in searches(server)] == ["100", "20"]
    assert "search stopped after 2 pages (140 posts read): the per-run budget of 120 posts read " \
           "(HOTPAPERS_X_MAX_READS_PER_RUN) is spent; the window's older posts, back to 2021-05-11T12:00:00Z" \
           in caplog.text
    assert last(result, SourceUsage).quantity == 140  # type: ignore[attr-defined]


def test_daily_budget_counts_earlier_runs_of_the_day(switchboard: Switchboard, client: httpx.Client) -> None:
    """A checkpoint saying 4,950 posts were read today leaves 50 of the default 5,000: one page of 50."""
    server = switchboard.answer(search_pages)
    outputs(server, client, {DAY_KEY: '{"reads": 4950}'})
    assert [q["max_results"] for q in searches(server)] == ["50"]


def test_spent_day_sends_no_request_and_says_what_was_cut(switchboard: Switchboard, client: httpx.Client,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    """With today's budget spent, neither the search nor the refresh runs, and both cuts are warned about."""
    server = switchboard.answer(search_pages)
    with caplog.at_level(logging.WARNING):
        outputs(server, client, {DAY_KEY: '{"reads": 300}'}, known=3, HOTPAPERS_X_MAX_READS_PER_DAY="300")
    assert server.requests == []
    assert "the search was not run: the daily budget of 300 posts read (HOTPAPERS_X_MAX_READS_PER_DAY) is spent " \
           "(300 read today)" in caplog.text
    assert "3 of 3 known posts not refreshed (the least important ones)" in caplog.text


def test_fewer_than_ten_reads_left_stops_the_search(switchboard: Switchboard, client: httpx.Client) -> None:
    """Recent search reads at least 10 posts a page, so 9 reads left are not spent on it."""
    server = switchboard.answer(search_pages)
    outputs(server, client, {DAY_KEY: '{"reads": 4991}'})
    assert searches(server) == []


def test_checkpoint_after_each_request_holds_the_days_reads(switchboard: Switchboard, client: httpx.Client) -> None:
    """Each search page is followed by the checkpoint of the UTC day with the reads so far, earlier runs included."""
    server = switchboard.answer(search_pages)
    result = outputs(server, client, {DAY_KEY: '{"reads": 7}'})
    checkpoints = [o for o in result if isinstance(o, Checkpoint)]
    assert [c.key for c in checkpoints] == [DAY_KEY] * 3
    assert [orjson.loads(c.value)["reads"] for c in checkpoints] == [107, 147, 148]


def test_usage_gives_reads_and_estimated_cost(switchboard: Switchboard, client: httpx.Client) -> None:
    """The last usage counts every post returned (141 over three pages) at the configured price."""
    server = switchboard.answer(search_pages)
    usage = last(outputs(server, client, HOTPAPERS_X_PRICE_PER_READ="0.01"), SourceUsage)
    assert usage == SourceUsage(141, "posts read", 1.41, "at $0.01 per read; UTC 2021-05-12: 141 of the day's 5,000")


def test_refresh_follows_the_request_order_and_stops_at_the_budget(
    switchboard: Switchboard, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    """With 120 reads, the first 100 known posts are looked up, then the next 20; the last 30 are not."""
    server = switchboard.answer(lookup_all_found)
    with caplog.at_level(logging.WARNING):
        result = outputs(server, client, known=150, window=(OLD, OLD + dt.timedelta(days=1)),
                         HOTPAPERS_X_MAX_READS_PER_RUN="120")
    asked = lookups(server)
    assert [len(ids) for ids in asked] == [100, 20]
    assert asked[0][0] == "1000" and asked[1][-1] == "1119"
    assert len([o for o in result if isinstance(o, EngagementSnapshot)]) == 120
    assert "30 of 150 known posts not refreshed (the least important ones): the per-run budget of 120" in caplog.text


def test_no_limit_reads_everything(switchboard: Switchboard, client: httpx.Client) -> None:
    """0 means no limit: every page is read at 100 posts."""
    server = switchboard.answer(search_pages)
    outputs(server, client, HOTPAPERS_X_MAX_READS_PER_RUN="0", HOTPAPERS_X_MAX_READS_PER_DAY="0")
    assert [q["max_results"] for q in searches(server)] == ["100", "100", "100"]


@pytest.mark.parametrize(("env", "message"), [
    ({"HOTPAPERS_X_MAX_READS_PER_DAY": "lots"}, "HOTPAPERS_X_MAX_READS_PER_DAY must be a whole number"),
    ({"HOTPAPERS_X_MAX_READS_PER_RUN": "-1"}, "HOTPAPERS_X_MAX_READS_PER_RUN must be a whole number"),
    ({"HOTPAPERS_X_PRICE_PER_READ": "free"}, "HOTPAPERS_X_PRICE_PER_READ must be a number of US dollars"),
])
def test_bad_budget_settings_are_named(env: dict[str, str], message: str) -> None:
    """A budget value that cannot be read is a problem message naming the variable."""
    assert budget_from_env(env)[1].startswith(message)


def test_new_per_run_setting_wins_over_the_deprecated_page_cap() -> None:
    """HOTPAPERS_X_MAX_READS_PER_RUN set: HOTPAPERS_X_MAX_PAGES is ignored."""
    settings, _ = budget_from_env({"HOTPAPERS_X_MAX_READS_PER_RUN": "300", "HOTPAPERS_X_MAX_PAGES": "1"})
    assert (settings.per_run, settings.deprecated_pages) == (300, False)


def test_status_states_the_budget(client: httpx.Client) -> None:
    """``hotpapers sources`` shows the limits and the most a day can cost."""
    ctx = SourceContext(client, {"HOTPAPERS_X_BEARER_TOKEN": TOKEN}, lambda: NOW, lambda s: None,
                        retry=NO_RETRIES)
    assert XSource(ctx).status().reason == ("read budget: at most 2,000 posts read per run, 5,000 per UTC day "
                                            "(at most $25.00 a day at $0.005 per read)")


def test_returned_posts_counts_data_items_whatever_their_links() -> None:
    """Every post of ``data`` is billed, those that link no paper too; a body without data is 0."""
    assert returned_posts(load(PAGE_1)) == 100
    assert returned_posts(b'{"meta": {"result_count": 0}}') == returned_posts(b"garbage") == 0



@given(per_run=st.none() | st.integers(0, 5_000), per_day=st.none() | st.integers(0, 5_000),
       before=st.integers(0, 6_000), spends=st.lists(st.integers(0, 100), max_size=30))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_allowance_never_exceeds_either_limit(per_run: int | None, per_day: int | None, before: int,
                                              spends: list[int]) -> None:
    """Whatever was read before and since, what may still be read keeps both totals within their limits."""
    budget = ReadBudget(BudgetSettings(per_run, per_day, 0.005), lambda: NOW,
                        lambda key: orjson.dumps({"reads": before}).decode())
    for reads in spends:
        allowed = budget.allowance()
        if allowed is None:
            assert per_run is None and per_day is None
        else:
            assert allowed >= 0
            assert per_run is None or budget.run_reads + allowed <= max(per_run, budget.run_reads)
            assert per_day is None or budget.day_reads + allowed <= max(per_day, budget.day_reads)
        budget.spend(reads if allowed is None else min(reads, allowed))
    assert per_run is None or budget.run_reads <= per_run
