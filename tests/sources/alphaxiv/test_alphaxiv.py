"""alphaXiv: the trending-papers parser on the hand-made page (no recording exists), and the source over HTTP."""

from __future__ import annotations

import datetime as dt

import httpx
import orjson
import pytest

from hotpapers.errors import ParseError
from hotpapers.http import NO_RETRIES
from hotpapers.models import EngagementSnapshot, LinkMethod, PaperLink, Post
from hotpapers.plugins import CollectRequest, Source, SourceContext, SourceOutput
from hotpapers.sources.alphaxiv import AlphaXivSource, parse_trending

from helpers.localserver import Reply, Served
from helpers.paths import SOCIAL
from helpers.sources import Clock, Route, Switchboard, json_reply, params

PAGE = (SOCIAL / "alphaxiv" / "HANDMADE_v2_papers_trending-papers_page_num_0.json").read_bytes()
OBSERVED = dt.datetime(2024, 11, 29, 1, 40, tzinfo=dt.UTC)
START, END = dt.datetime(2024, 11, 28, 1, tzinfo=dt.UTC), dt.datetime(2024, 11, 29, 1, tzinfo=dt.UTC)


def _full_page(offset: int) -> bytes:
    """Ten entries (a full page), built in memory from the hand-made first entry with other ids."""
    entry = orjson.loads(PAGE)["data"]["trending_papers"][0]
    papers = [dict(entry, universal_paper_id=f"2411.{17700 + offset + n:05d}") for n in range(10)]
    return orjson.dumps({"data": {"trending_papers": papers}})


def test_entries_become_posts_one_per_paper() -> None:
    """Each arXiv paper is a post with its canonical id, its alphaXiv page, its title on one line, linking itself."""
    page = parse_trending(PAGE, OBSERVED)
    assert [p.post_id for p in page.posts] == ["2104.08223", "1706.03762", "2005.14165"]
    assert page.posts[1] == Post("alphaxiv", "1706.03762", "https://www.alphaxiv.org/abs/1706.03762", "alphaxiv",
                                 "alphaXiv", "Attention Is All You Need", dt.datetime(2024, 11, 26, tzinfo=dt.UTC),
                                 (PaperLink("1706.03762", LinkMethod.SOURCE),))  # type: ignore[arg-type]


def test_votes_are_the_snapshot() -> None:
    """likes = public_total_votes, also as the votes extra."""
    assert parse_trending(PAGE, OBSERVED).snapshots[0] == EngagementSnapshot(
        "alphaxiv", "2104.08223", OBSERVED, likes=134, extras=(("votes", 134),))


def test_non_arxiv_entry_is_skipped_with_reason() -> None:
    """A paper whose id is not an arXiv id is skipped, naming it; the page still counts its four entries."""
    page = parse_trending(PAGE, OBSERVED)
    assert page.skipped == ("trending_papers[3]: universal_paper_id 'not-an-arxiv-paper' is not an arXiv id",)
    assert page.entries == 4


def test_entry_without_votes_is_skipped() -> None:
    """An entry whose votes are not a count (edited in memory) is skipped."""
    body = orjson.loads(PAGE)
    body["data"]["trending_papers"][0]["metrics"] = {"public_total_votes": "many"}
    assert parse_trending(orjson.dumps(body), OBSERVED).skipped[0].startswith("trending_papers[0]: metrics.")


@pytest.mark.parametrize("body", [b"<html>", b"[]", b'{"data": []}', b'{"data": {"papers": []}}'])
def test_other_shapes_are_parse_errors(body: bytes) -> None:
    """A body not shaped as observed raises one line naming the expected shape."""
    with pytest.raises(ParseError, match=r"^alphaXiv trending papers: "):
        parse_trending(body, OBSERVED)


def _collect(board: Switchboard, client: httpx.Client, route: Route, known: tuple[Post, ...] = (),
             **env: str) -> tuple[list[SourceOutput], Served, Clock]:
    served = board.answer(route)
    clock = Clock(OBSERVED)
    values = {"HOTPAPERS_ALPHAXIV_API_URL": served.url, **env}
    source = AlphaXivSource(SourceContext(client, values, clock.now, clock.sleep, NO_RETRIES))
    return list(source.collect(CollectRequest(START.date(), START, END, (), known))), served, clock


def test_opt_in_only(client: httpx.Client) -> None:
    """Without HOTPAPERS_ALPHAXIV_API_URL the source is off, saying the API is unofficial and how to opt in."""
    source = AlphaXivSource(SourceContext(client, {}, lambda: OBSERVED, lambda s: None, NO_RETRIES))
    assert isinstance(source, Source) and not source.status().enabled
    assert source.status().reason.startswith("set HOTPAPERS_ALPHAXIV_API_URL=https://api.alphaxiv.org to read")


def test_asks_as_the_observed_client(switchboard: Switchboard, client: httpx.Client) -> None:
    """The request is the one the public client sends: page 0, by likes, 10 a page, over 30 days."""
    _, served, _ = _collect(switchboard, client, lambda p: json_reply(PAGE))
    (path,) = served.requests
    assert path.startswith("/v2/papers/trending-papers?")
    assert params(path) == {"page_num": "0", "sort_by": "Likes", "page_size": "10", "interval": "30 Days"}


def test_pages_until_a_short_one(switchboard: Switchboard, client: httpx.Client) -> None:
    """Full pages are followed by the next page number; a short page ends the list; requests are spaced."""
    def route(path: str) -> Reply | None:
        number = int(params(path)["page_num"])
        return json_reply(_full_page(10 * number) if number < 2 else PAGE)

    records, served, clock = _collect(switchboard, client, route)
    assert [params(p)["page_num"] for p in served.requests] == ["0", "1", "2"]
    assert len([r for r in records if isinstance(r, Post)]) == 23
    assert clock.sleeps == [1.0, 1.0]


def test_page_limit(switchboard: Switchboard, client: httpx.Client) -> None:
    """HOTPAPERS_ALPHAXIV_MAX_PAGES bounds the pages read."""
    route: Route = lambda path: json_reply(_full_page(10 * int(params(path)["page_num"])))  # noqa: E731
    _, served, _ = _collect(switchboard, client, route, HOTPAPERS_ALPHAXIV_MAX_PAGES="2")
    assert len(served.requests) == 2


def test_a_repeated_page_ends_the_list(switchboard: Switchboard, client: httpx.Client) -> None:
    """A server that ignores page_num and repeats its full page is read once."""
    _, served, _ = _collect(switchboard, client, lambda path: json_reply(_full_page(0)))
    assert len(served.requests) == 2


def test_known_papers_off_the_list_get_nothing(switchboard: Switchboard, client: httpx.Client) -> None:
    """A known paper no longer trending gets no snapshot and is not gone."""
    known = (Post("alphaxiv", "2401.00001", "https://www.alphaxiv.org/abs/2401.00001", "alphaxiv", "alphaXiv", "t",
                  START),)
    records, _, _ = _collect(switchboard, client, lambda p: json_reply(PAGE), known=known)
    assert all(getattr(r, "post_id", "") != "2401.00001" for r in records)
