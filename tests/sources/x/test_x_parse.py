"""The X API v2 parsers on recorded responses (tests/fixtures/social/x/PROVENANCE.md says where each is from)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.errors import ParseError
from hotpapers.models import LinkMethod, PaperLink, PostKind
from hotpapers.sources.x.parse import parse_lookup, parse_search_page, tweet_links

from helpers.paths import SOCIAL
from helpers.sources import load_script

X = SOCIAL / "x"
AT = dt.datetime(2021, 5, 12, 9, 0, tzinfo=dt.UTC)
PAGE = "search_recent_page_100_tweets_twarc2.jsonl"
KPOP = "search_recent_kpop_with_partial_errors_TRUNCATED_40_of_100.json"
LAST = "search_all_last_page_result_count_1_twarc2.jsonl"
DERIVED_PAGE = f"derived_arxiv_{PAGE}"
DERIVED_KPOP = f"derived_arxiv_{KPOP}"
LOOKUP_ONE = "tweets_lookup_ids_one_tweet_many_fields_twarc2.jsonl"
LOOKUP_REF_ERROR = "tweets_lookup_with_partial_errors_twarc2.json"
LOOKUP_NOT_FOUND = "tweets_lookup_ids_1_to_15_all_not_found_academictwitteR.json"
LOOKUP_IMPRESSIONS = "tweets_lookup_ids_impression_count_twarc2.jsonl"
LOOKUP_DEFAULT = "tweepy_tweets_lookup_ids_default_fields.body.json"
SEARCH_DEFAULT = "tweepy_search_recent_default_fields.body.json"
ERRORS_429 = (
    "error_429_too_many_requests_search_all_2021_title_type_status_detail_order.body.json",
    "error_429_too_many_requests_title_detail_type_status_order.body.json",
)
RECORDED = (
    PAGE,
    KPOP,
    LAST,
    LOOKUP_ONE,
    LOOKUP_REF_ERROR,
    LOOKUP_NOT_FOUND,
    LOOKUP_IMPRESSIONS,
    LOOKUP_DEFAULT,
    SEARCH_DEFAULT,
    *ERRORS_429,
)


def load(name: str) -> bytes:
    return (X / name).read_bytes()


def obj(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(load(name))
    return result


def by_id(name: str) -> dict[str, Any]:
    return {p.post_id: p for p in parse_search_page(load(name), AT).posts}


def retweet_ids(name: str) -> set[str]:
    return {t["id"] for t in obj(name)["data"] if any(r["type"] == "retweeted" for r in t.get("referenced_tweets", []))}


# --- the derived fixtures are what PROVENANCE.md says they are ---


def changed_paths(a: object, b: object, path: str = "") -> list[str]:
    """The JSON paths where two decoded documents differ."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [p for k in a for p in changed_paths(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b, strict=True)) for p in changed_paths(x, y, f"{path}[{i}]")]
    return [] if a == b else [path]


@pytest.mark.parametrize("recorded", [PAGE, KPOP])
def test_derived_pages_change_only_one_expanded_or_unwound_url_per_post(recorded: str) -> None:
    """A derived page differs from its recording only in data[i].entities.urls[0].{unwound,expanded}_url."""
    changed = changed_paths(obj(recorded), obj(f"derived_arxiv_{recorded}"))
    assert changed
    assert all(
        p.startswith(".data[") and p.endswith((".entities.urls[0].expanded_url", ".entities.urls[0].unwound_url"))
        for p in changed
    )


@pytest.mark.parametrize("recorded", [PAGE, KPOP])
def test_derived_pages_keep_the_recorded_serialisation(recorded: str) -> None:
    """A derived page is written like its recording (json.dumps defaults, one line, trailing newline)."""
    data = load(f"derived_arxiv_{recorded}")
    assert data == json.dumps(json.loads(data)).encode() + b"\n"


def test_derived_pages_are_what_the_script_writes() -> None:
    """The committed derived pages are exactly what derive_arxiv.py makes from their recordings."""
    module = load_script(X / "derive_arxiv.py")
    for name in module.SOURCES:
        assert load(f"derived_arxiv_{name}") == module.derive(load(name))


# --- search pages ---


def test_recorded_page_without_arxiv_links_yields_no_posts() -> None:
    """A real page whose posts link no arXiv paper gives no posts and skips nothing."""
    page = parse_search_page(load(PAGE), AT)
    assert (page.posts, page.snapshots, page.skipped) == ((), (), ())


def test_search_page_next_token() -> None:
    """meta.next_token is the next page's token."""
    assert parse_search_page(load(PAGE), AT).next_token == "b26v89c19zqg8o3foswqkggm39wgo8ndmhejepwm9qzy5"


def test_last_page_has_no_next_token() -> None:
    """A last page (meta without next_token) ends the pagination."""
    assert parse_search_page(load(LAST), AT).next_token is None


def test_derived_page_yields_every_non_repost_linking_arxiv() -> None:
    """Each original, quote and reply whose first link now points at arXiv becomes a post, reposts do not."""
    linking = {t["id"] for t in obj(DERIVED_PAGE)["data"] if t.get("entities", {}).get("urls")}
    assert set(by_id(DERIVED_PAGE)) == linking - retweet_ids(DERIVED_PAGE)
    assert len(by_id(DERIVED_PAGE)) == 30


@pytest.mark.parametrize("name", [DERIVED_PAGE, DERIVED_KPOP])
def test_reposts_linking_arxiv_are_never_posts(name: str) -> None:
    """A retweet that comes back although it links arXiv is engagement on its original, not a mention."""
    reposts = retweet_ids(name)
    assert reposts
    assert not reposts & set(by_id(name))


def test_post_fields_come_from_the_tweet_and_its_author() -> None:
    """Post id, x.com URL, author handle/name/followers from includes.users, text, language and time."""
    post = by_id(DERIVED_PAGE)["1392093222600589315"]
    tweet = next(t for t in obj(PAGE)["data"] if t["id"] == "1392093222600589315")
    assert post.url == "https://x.com/MariamBarghouti/status/1392093222600589315"
    assert (post.platform, post.author_handle, post.author_name) == ("x", "MariamBarghouti", "مريم البرغوثي")
    assert post.author_followers == 45208
    assert (post.text, post.language) == (tweet["text"], "en")
    assert post.created_at == dt.datetime.fromisoformat(tweet["created_at"])
    assert (post.kind, post.references) == (PostKind.ORIGINAL, None)


def test_expanded_url_gives_a_url_link() -> None:
    """The arXiv id of an entity's expanded_url is linked with LinkMethod.URL."""
    assert by_id(DERIVED_PAGE)["1392070991682101249"].links == (PaperLink("1706.03762", LinkMethod.URL),)


def test_unwound_url_is_read_when_expanded_url_is_elsewhere() -> None:
    """An entity whose unwound_url (not its expanded_url) names an arXiv paper links that paper."""
    post = by_id(DERIVED_KPOP)["1440717124545114123"]
    assert post.arxiv_ids == ("2005.14165",)


def test_quote_is_a_quote_mention_referencing_the_quoted_post() -> None:
    """A quote post is a QUOTE whose references is the quoted tweet's id."""
    post = by_id(DERIVED_PAGE)["1392059378782642183"]
    assert (post.kind, post.references) == (PostKind.QUOTE, "1392039762404511744")


def test_reply_is_a_reply_referencing_its_parent() -> None:
    """A reply is a REPLY whose references is the tweet it answers."""
    post = by_id(DERIVED_PAGE)["1390729031243419649"]
    assert (post.kind, post.references) == (PostKind.REPLY, "1390728971780829189")


def test_snapshot_counts_come_from_public_metrics() -> None:
    """retweet/like/reply/quote counts map to reposts/likes/replies/quotes, observed when parsed."""
    page = parse_search_page(load(DERIVED_PAGE), AT)
    snapshot = next(s for s in page.snapshots if s.post_id == "1392093222600589315")
    assert (snapshot.reposts, snapshot.likes, snapshot.replies, snapshot.quotes) == (89, 252, 4, 7)
    assert (snapshot.platform, snapshot.observed_at, snapshot.extras) == ("x", AT, ())


def test_snapshots_follow_the_posts() -> None:
    """The page has one snapshot per post, in the same order."""
    page = parse_search_page(load(DERIVED_KPOP), AT)
    assert [s.post_id for s in page.snapshots] == [p.post_id for p in page.posts]


def test_partial_errors_page_keeps_its_posts() -> None:
    """The truncated #kpop page with a 'User has been suspended' error still gives its posts."""
    page = parse_search_page(load(DERIVED_KPOP), AT)
    assert len(page.posts) == 9
    assert page.next_token == "b26v89c19zqg8o3fpds60ssjlg8rrux0bxoa7beulbhbx"
    assert page.skipped == ()


def test_default_fields_page_has_no_posts_and_no_skips() -> None:
    """A page of tweets without entities links nothing; that is not an error."""
    page = parse_search_page(load(SEARCH_DEFAULT), AT)
    assert (page.posts, page.skipped, page.next_token) == ((), (), "b26v89c19zqg8o3fpzbn1e0ffhxjiofzw6po136rvbnul")


def test_malformed_tweet_is_skipped_and_the_rest_kept() -> None:
    """A tweet without created_at is listed in skipped; the other posts of the page are kept."""
    page = obj(DERIVED_PAGE)
    del page["data"][8]["created_at"]
    parsed = parse_search_page(json.dumps(page).encode(), AT)
    assert parsed.skipped == ("data[8] (id 1392093222600589315): no created_at",)
    assert len(parsed.posts) == 29


def test_tweet_whose_author_is_missing_from_includes_is_skipped() -> None:
    """Without its author in includes.users a post has no handle, so it is skipped with the reason."""
    page = obj(DERIVED_KPOP)
    page["includes"]["users"] = [u for u in page["includes"]["users"] if u["username"] != "FrejaArt"]
    parsed = parse_search_page(json.dumps(page).encode(), AT)
    assert len(parsed.posts) == 8
    assert parsed.skipped[0].startswith("data[16] (id 1440717011152113669): author ")


@pytest.mark.parametrize("name", ERRORS_429)
def test_429_body_is_not_a_search_page(name: str) -> None:
    """A recorded 429 error document is a ParseError for the page parser."""
    with pytest.raises(ParseError, match="neither 'data' nor 'meta'"):
        parse_search_page(load(name), AT)


# --- lookups ---


def test_lookup_gives_a_snapshot_per_tweet() -> None:
    """A lookup's tweet becomes a snapshot of its public_metrics."""
    lookup = parse_lookup(load(LOOKUP_ONE), AT)
    [snapshot] = lookup.snapshots
    assert (snapshot.post_id, snapshot.reposts, snapshot.likes, snapshot.replies, snapshot.quotes) == (
        "1610692575752601600",
        2,
        13,
        1,
        0,
    )
    assert (lookup.gone, lookup.skipped) == ((), ())


def test_impression_count_is_an_extra() -> None:
    """impression_count, when X reports it, is kept as the 'impressions' extra."""
    [snapshot] = parse_lookup(load(LOOKUP_IMPRESSIONS), AT).snapshots
    assert snapshot.extras == (("impressions", 139075),)
    assert (snapshot.reposts, snapshot.likes, snapshot.replies, snapshot.quotes) == (104, 745, 37, 24)


def test_not_found_ids_are_gone() -> None:
    """Each 'Not Found Error' for a requested id is a PostGone carrying X's detail."""
    lookup = parse_lookup(load(LOOKUP_NOT_FOUND), AT)
    assert [g.post_id for g in lookup.gone] == [str(i) for i in range(1, 16)]
    assert lookup.gone[0].reason == "Could not find tweet with ids: [1]."
    assert (lookup.snapshots, lookup.skipped) == ((), ())


def test_error_about_a_referenced_tweet_is_not_gone() -> None:
    """A Not Found Error for referenced_tweets.id says nothing about the requested post, which is kept."""
    lookup = parse_lookup(load(LOOKUP_REF_ERROR), AT)
    assert [s.post_id for s in lookup.snapshots] == ["506695756406095872"]
    assert lookup.gone == ()


def test_authorization_error_for_a_requested_id_is_gone() -> None:
    """An 'Authorization Error' (protected or suspended author) for a requested id is a PostGone too."""
    page = obj(LOOKUP_NOT_FOUND)  # the title X gives a protected or suspended author's post (see PROVENANCE.md)
    page["errors"][0]["title"] = "Authorization Error"
    lookup = parse_lookup(json.dumps(page).encode(), AT)
    assert [g.post_id for g in lookup.gone][:2] == ["1", "2"]


def test_lookup_without_public_metrics_skips_each_tweet() -> None:
    """Tweets looked up without public_metrics cannot be snapshots; each is listed in skipped."""
    lookup = parse_lookup(load(LOOKUP_DEFAULT), AT)
    assert lookup.snapshots == ()
    assert lookup.skipped == (
        "data[0] (id 1293593516040269825): no public_metrics",
        "data[1] (id 1293595870563381249): no public_metrics",
    )


@pytest.mark.parametrize("name", ERRORS_429)
def test_429_body_is_not_a_lookup(name: str) -> None:
    """A recorded 429 error document is a ParseError for the lookup parser."""
    with pytest.raises(ParseError, match="neither 'data' nor 'errors'"):
        parse_lookup(load(name), AT)


# --- malformed input ---


@pytest.mark.parametrize("data", [b"", b"<html>Bad gateway</html>", load(PAGE)[:1000]])
def test_not_json_is_a_one_line_parse_error(data: bytes) -> None:
    """A body that is not JSON (empty, HTML, cut short) is a ParseError with a one-line message."""
    with pytest.raises(ParseError) as info:
        parse_search_page(data, AT)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("data", [b"[]", b'"data"', b'{"data": {}}', b'{"meta": [], "data": []}'])
def test_wrong_top_level_shape_is_a_parse_error(data: bytes) -> None:
    """A JSON value that is not an object with a data list and a meta object is a ParseError."""
    with pytest.raises(ParseError):
        parse_search_page(data, AT)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "data",
                    "meta",
                    "includes",
                    "users",
                    "errors",
                    "id",
                    "text",
                    "public_metrics",
                    "retweet_count",
                    "like_count",
                    "reply_count",
                    "quote_count",
                    "entities",
                    "urls",
                    "expanded_url",
                    "created_at",
                    "author_id",
                    "title",
                    "parameter",
                    "referenced_tweets",
                    "type",
                    "note_tweet",
                    "username",
                    "name",
                    "next_token",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=5,
        )
    ),
    max_leaves=30,
)


def parse_both(data: bytes) -> None:
    """Run both parsers: each returns or raises ParseError; anything else fails the test."""
    for parse in (parse_search_page, parse_lookup):
        with contextlib.suppress(ParseError):
            parse(data, AT)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_random_json_raises_only_parse_error(value: object) -> None:
    """Whatever JSON arrives, the parsers return or raise ParseError, nothing else."""
    data = json.dumps(value).encode()
    parse_both(data)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(RECORDED), st.data())
def test_mutated_recordings_raise_only_parse_error(name: str, draw: st.DataObject) -> None:
    """Recorded bytes cut short or with bytes overwritten parse or raise ParseError, nothing else."""
    data = bytearray(load(name))
    cut = draw.draw(st.integers(0, len(data)))
    for _ in range(draw.draw(st.integers(0, 5))):
        data[draw.draw(st.integers(0, len(data) - 1))] = draw.draw(st.integers(0, 255))
    parse_both(bytes(data[: cut or len(data)]))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([DERIVED_PAGE, DERIVED_KPOP, LOOKUP_ONE, LOOKUP_NOT_FOUND]), st.data())
def test_values_replaced_in_recordings_raise_only_parse_error(name: str, draw: st.DataObject) -> None:
    """A recorded document with any value replaced by any JSON value parses or raises ParseError."""
    document: Any = obj(name)
    node, key = document, None
    while isinstance(node, (dict, list)) and node and draw.draw(st.booleans()):
        key = draw.draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
        parent, node = node, node[key]
    if key is not None:
        parent[key] = draw.draw(JSON)
    parse_both(json.dumps(document).encode())


# --- links ---


def test_links_from_urls_come_before_links_from_text() -> None:
    """Ids in expanded URLs are URL links; ids only written in the text are TEXT links, without repeats."""
    links = tweet_links(
        ["https://arxiv.org/abs/2104.08223v1", "https://example.org/"], "New: arXiv:1706.03762 and arXiv:2104.08223"
    )
    assert links == (PaperLink("2104.08223", LinkMethod.URL), PaperLink("1706.03762", LinkMethod.TEXT))


def test_shortened_display_text_gives_no_link() -> None:
    """A text holding only t.co links and an ellipsised display URL links nothing."""
    assert tweet_links([], "Read this https://t.co/4rBpAPCxzL arxiv.org/abs/2104.0822…") == ()
