"""Account profiles from recorded responses (X users, Bluesky getProfiles, Hacker News users), their fetching, and
the credibility and coordination the ranking computes from them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.errors import ParseError
from hotpapers.http import NO_RETRIES, make_client
from hotpapers.models import (
    AccountEvidence,
    AccountProfile,
    Announcement,
    AnnounceType,
    ArxivId,
    EngagementSnapshot,
    LinkMethod,
    PaperEvidence,
    PaperLink,
    Post,
    PostEvidence,
)
from hotpapers.plugins import CollectRequest, SourceContext
from hotpapers.ranking.credibility import credibility
from hotpapers.ranking.default import rank_default
from hotpapers.ranking.options import DefaultOptions
from hotpapers.sources.bluesky.profiles import GET_PROFILES_MAX, parse_get_profiles
from hotpapers.sources.bluesky.source import BlueskySource
from hotpapers.sources.hackernews.source import HackerNewsSource
from hotpapers.sources.hackernews.users import parse_user
from hotpapers.sources.x.parse import parse_users

from helpers import paths
from helpers.factories import paper
from helpers.localserver import Reply, Served, serve

FIXTURES = paths.FIXTURES / "accounts"
NOW = dt.datetime(2025, 5, 20, 12, 0, tzinfo=dt.UTC)
START, END = NOW - dt.timedelta(days=1), NOW


def _bluesky_body() -> bytes:
    """The getProfiles answer recorded in the bskyr cassette."""
    cassette = yaml.safe_load((FIXTURES / "bskyr_a_profile_getProfiles.yml").read_text())
    return str(cassette["http_interactions"][0]["response"]["body"]["string"]).encode()


def _x_users() -> list[object]:
    return list(orjson.loads((FIXTURES / "twarc-csv_users.jsonl").read_bytes())["data"])


HN_USER = (FIXTURES / "HackerNews_API_README_user_jl.json").read_bytes()

# ---------------------------------------------------------------- parsers


def test_bluesky_profile_view_becomes_a_profile() -> None:
    """The recorded profileViewDetailed: handle, DID, name, counts and account creation."""
    (profile,), skipped = parse_get_profiles(_bluesky_body(), NOW)
    assert skipped == ()
    assert profile == AccountProfile(
        "bluesky", "chriskenny.bsky.social", NOW, account_id="did:plc:wpe35pganb6d4pg4ekmfy6u5", name="Chris Kenny",
        followers=554, following=296, posts=65, created_at=dt.datetime(2023, 9, 19, 15, 47, 1, 417000, tzinfo=dt.UTC),
    )  # fmt: skip


def test_batch_size_is_the_lexicons() -> None:
    """25 actors per request: the lexicon's maxLength."""
    lexicon = orjson.loads((FIXTURES / "lexicon_app.bsky.actor.getProfiles.json").read_bytes())
    assert lexicon["defs"]["main"]["parameters"]["properties"]["actors"]["maxLength"] == GET_PROFILES_MAX


def test_bluesky_view_without_did_is_skipped() -> None:
    """A profile view without a DID is left out with a reason; the others are kept."""
    body = orjson.loads(_bluesky_body())
    body["profiles"].insert(0, {"handle": "nodid.bsky.social"})
    profiles, skipped = parse_get_profiles(orjson.dumps(body), NOW)
    assert len(profiles) == 1 and skipped == ("profiles[0]: no did or handle",)


@pytest.mark.parametrize("data", [b"", b"[]", b'{"profiles": {}}', b"<html>"])
def test_bluesky_body_of_another_shape_is_a_parse_error(data: bytes) -> None:
    """Not JSON, or no profiles array: one ParseError naming the method."""
    with pytest.raises(ParseError, match=r"app\.bsky\.actor\.getProfiles"):
        parse_get_profiles(data, NOW)


def test_x_users_become_profiles() -> None:
    """Every recorded user object: username, id, name, public_metrics counts and created_at."""
    profiles = parse_users(_x_users(), NOW)
    assert len(profiles) == 96
    first = next(p for p in profiles if p.handle == "DoDirty78")
    assert (first.account_id, first.followers, first.following, first.posts, first.created_at) == (
        "119369819", 580, 518, 55186, dt.datetime(2010, 3, 3, 12, 49, 24, tzinfo=dt.UTC))


def test_x_user_without_metrics_keeps_what_it_has() -> None:
    """A user object without public_metrics or created_at gives a profile with those unknown."""
    (profile,) = parse_users([{"id": "1", "username": "someone", "name": "S"}], NOW)
    assert (profile.followers, profile.created_at) == (None, None)


KEYS = st.sampled_from(["id", "username", "name", "public_metrics", "created_at", "followers_count"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                             lambda c: st.lists(c, max_size=3) | st.dictionaries(KEYS, c, max_size=4), max_leaves=8),
                max_size=4))  # fmt: skip
def test_x_user_objects_of_any_shape_never_raise(entries: list[object]) -> None:
    """Whatever the user objects hold, parse_users returns profiles (of valid usernames) and never raises."""
    assert all(p.handle for p in parse_users(entries, NOW))


def test_hacker_news_user_becomes_a_profile() -> None:
    """The documented user item: karma and creation time."""
    profile = parse_user(HN_USER, NOW)
    assert profile == AccountProfile("hackernews", "jl", NOW, account_id="jl", name="jl", karma=2937,
                                     created_at=dt.datetime.fromtimestamp(1173923446, dt.UTC))  # fmt: skip


def test_unknown_hacker_news_user_is_none() -> None:
    """The API's literal null: no profile."""
    assert parse_user(b"null", NOW) is None


@pytest.mark.parametrize("data", [b"[1]", b'{"karma": 3}', b"{", b'{"id": "../x"}'])
def test_hacker_news_user_of_another_shape_is_a_parse_error(data: bytes) -> None:
    """Not null and not an object with a user name id: ParseError."""
    with pytest.raises(ParseError, match="Hacker News user"):
        parse_user(data, NOW)


# ---------------------------------------------------------------- fetching


@pytest.fixture
def appview() -> Iterator[Served]:
    """A local AppView answering getPosts with nothing and getProfiles with the recorded profile."""

    def route(path: str) -> Reply | None:
        if path.startswith("/xrpc/app.bsky.actor.getProfiles?"):
            return Reply(_bluesky_body(), content_type="application/json")
        if path.startswith("/xrpc/app.bsky.feed.getPosts?"):
            return Reply(b'{"posts": []}', content_type="application/json")
        return None

    with serve(route) as served:
        yield served


def _bluesky_post(n: int) -> Post:
    did = f"did:plc:author{n:04d}"
    return Post("bluesky", f"at://{did}/app.bsky.feed.post/3k{n}", f"https://bsky.app/profile/{did}/post/3k{n}",
                did, "", "text", START)  # fmt: skip


def test_bluesky_source_asks_25_authors_per_request(appview: Served) -> None:
    """60 known posts by 30 authors: profiles asked by DID, 25 then 5, after the engagement refresh."""
    known = tuple(_bluesky_post(n % 30) for n in range(60))
    with make_client() as client:
        context = SourceContext(client, {"HOTPAPERS_BSKY_APPVIEW_URL": appview.url}, lambda: NOW, lambda s: None,
                                NO_RETRIES)  # fmt: skip
        records = list(BlueskySource(context).collect(CollectRequest(NOW.date(), START, END, (), known)))
    asked = [parse_qs(urlsplit(p).query)["actors"] for p in appview.requests if "getProfiles" in p]
    assert asked == [[f"did:plc:author{n:04d}" for n in range(25)], [f"did:plc:author{n:04d}" for n in range(25, 30)]]
    assert [r.handle for r in records if isinstance(r, AccountProfile)] == ["chriskenny.bsky.social"] * 2


def test_bluesky_profiles_failing_do_not_fail_the_source(caplog: pytest.LogCaptureFixture) -> None:
    """getProfiles answering 500: a warning, the source's other records are kept."""
    with serve(lambda p: Reply(b'{"posts": []}', content_type="application/json") if "getPosts" in p
               else Reply(b'{"error":"InternalServerError"}', 500, "application/json")) as served, make_client() as client:  # fmt: skip
        context = SourceContext(client, {"HOTPAPERS_BSKY_APPVIEW_URL": served.url}, lambda: NOW, lambda s: None,
                                NO_RETRIES)  # fmt: skip
        list(BlueskySource(context).collect(CollectRequest(NOW.date(), START, END, (), (_bluesky_post(1),))))
    assert "bluesky getProfiles:" in caplog.text


def test_hacker_news_source_looks_up_each_author_once() -> None:
    """Each author of the known stories once, at HOTPAPERS_HN_USER_API_URL; unknown users give nothing."""

    def route(path: str) -> Reply | None:
        if path.startswith("/v0/user/jl.json"):
            return Reply(HN_USER, content_type="application/json")
        if path.startswith("/v0/user/"):
            return Reply(b"null", content_type="application/json")
        return Reply(b'{"hits": [], "page": 0, "nbPages": 0, "nbHits": 0}', content_type="application/json")

    known = tuple(Post("hackernews", str(n), f"https://news.ycombinator.com/item?id={n}", name, name, "t", START)
                  for n, name in enumerate(["jl", "pg", "jl"]))  # fmt: skip
    with serve(route) as served, make_client() as client:
        env = {"HOTPAPERS_HN_API_URL": f"{served.url}/api", "HOTPAPERS_HN_USER_API_URL": f"{served.url}/v0"}
        context = SourceContext(client, env, lambda: NOW, lambda s: None, NO_RETRIES)
        records = list(HackerNewsSource(context).collect(CollectRequest(NOW.date(), START, END, (), known)))
    assert [p for p in served.requests if p.startswith("/v0/")] == ["/v0/user/jl.json", "/v0/user/pg.json"]
    assert [r.handle for r in records if isinstance(r, AccountProfile)] == ["jl"]


def test_recently_profiled_accounts_are_not_looked_up_again(appview: Served) -> None:
    """Accounts the request says were profiled recently are left out of getProfiles."""
    known = tuple(_bluesky_post(n) for n in range(3))
    profiled = frozenset({("bluesky", known[0].author_handle)})
    with make_client() as client:
        context = SourceContext(client, {"HOTPAPERS_BSKY_APPVIEW_URL": appview.url}, lambda: NOW, lambda s: None,
                                NO_RETRIES)  # fmt: skip
        list(BlueskySource(context).collect(CollectRequest(NOW.date(), START, END, (), known, profiled)))
    asked = [parse_qs(urlsplit(p).query)["actors"] for p in appview.requests if "getProfiles" in p]
    assert asked == [["did:plc:author0001", "did:plc:author0002"]]


# ---------------------------------------------------------------- credibility and coordination from recordings


def test_credibility_of_the_recorded_bluesky_account() -> None:
    """554 followers (x1.37) and an account 20 months old (x1) at the time of a post a year after its creation."""
    (profile,), _ = parse_get_profiles(_bluesky_body(), NOW)
    post = _bluesky_post(1)
    cred = credibility(dataclasses.replace(post, created_at=NOW), AccountEvidence(profile), DefaultOptions())
    assert cred.factor == pytest.approx(math.log10(555) / 2)
    assert cred.parts == ("554 followers x1.37", "account 20 months old x1.00", "history unknown")
    assert not cred.low


def test_recorded_x_accounts_with_few_followers_are_low_credibility() -> None:
    """Of the recorded X users, those with under 10 followers and a young account count little, and are low."""
    profiles = {p.handle: p for p in parse_users(_x_users(), NOW)}
    weak = profiles["GamestopLaguna"]  # 2 followers, created 2019-04-07
    post = Post("x", "1", "https://x.com/GamestopLaguna/status/1", weak.handle, "", "t",
                dt.datetime(2019, 4, 17, tzinfo=dt.UTC))  # fmt: skip
    cred = credibility(post, AccountEvidence(weak), DefaultOptions())
    assert cred.factor == pytest.approx(math.log10(3) / 2 * max(0.2, math.log1p(9.16) / math.log1p(365)), rel=1e-2)
    assert cred.low


def test_recorded_x_accounts_posting_in_a_burst_count_as_one() -> None:
    """Twenty recorded X accounts, new to the store, posting one minute apart about a paper: one account."""
    users = list({p.handle: p for p in parse_users(_x_users(), NOW)}.values())[:20]
    when = dt.datetime(2021, 10, 23, 15, 0, tzinfo=dt.UTC)
    posts = tuple(
        PostEvidence(
            Post("x", str(n), f"https://x.com/{u.handle}/status/{n}", u.handle, u.name or "", f"{u.handle} thinks so",
                 when + dt.timedelta(minutes=n), (PaperLink(ArxivId("2110.00001"), LinkMethod.URL),)),
            EngagementSnapshot("x", str(n), when, likes=20), AccountEvidence(u, None, None, when - dt.timedelta(days=90)),
        )
        for n, u in enumerate(users)
    )  # fmt: skip
    item = PaperEvidence(paper("2110.00001"), Announcement(ArxivId("2110.00001"), when.date(), AnnounceType.NEW), posts)
    (ranked,) = rank_default([item], date=when.date(), window_start=when, window_end=when, generated_at=when,
                             options=DefaultOptions(min_score=0)).papers  # fmt: skip
    (cluster,) = [b for b in ranked.breakdown if b.kind == "coordination"]
    assert "and 17 more (X) act as one account (low-credibility accounts posting within 10 minutes" in cluster.label
    assert ranked.score < 10.0
