"""Import of the original tool's intermediate JSON: mapping to records and one-line errors."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import orjson
import pytest

from hotpapers.errors import InputError
from hotpapers.models import AnnounceType, LinkMethod, PaperLink, PostKind
from hotpapers.sources.legacy.parse import LegacyBatch, is_legacy, parse_legacy

from helpers import paths

FIXTURES = paths.FIXTURES / "legacy"
UTC = dt.UTC


def _twint(**kw: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": 1295794106657058817,
        "username": "ak92501",
        "name": "AK",
        "tweet": "Paper https://arxiv.org/abs/2008.06959",
        "date": "2020-08-19",
        "time": "09:30:00",
        "timezone": "+0900",
        "language": "en",
        "urls": ["https://arxiv.org/abs/2008.06959"],
        "link": "https://twitter.com/ak92501/status/1295794106657058817",
        "retweet": False,
        "retweets_count": 10,
        "likes_count": 30,
        "replies_count": 2,
    }
    record.update(kw)
    return record


def _status(**kw: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": 1383990658680037381,
        "id_str": "1383990658680037381",
        "created_at": "Mon Apr 19 03:49:02 +0000 2021",
        "full_text": "MeshTalk\npdf: https://t.co/x",
        "lang": "en",
        "user": {"screen_name": "ak92501", "name": "AK", "followers_count": 120000},
        "retweet_count": 100,
        "favorite_count": 40,
        "entities": {"urls": [{"expanded_url": "https://arxiv.org/pdf/2104.08223"}]},
    }
    record.update(kw)
    return record


def _paper(arxiv_id: str = "2104.08223", tweets: list[Any] | None = None, **kw: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": arxiv_id,
        "date": "Mon, 19 Apr 2021",
        "title": "MeshTalk: 3D Face Animation from Speech using Cross-Modality\n  Disentanglement",
        "authors": ["Alexander Richard", "Yaser  Sheikh"],
        "subjects": ["Computer Vision and Pattern Recognition (cs.CV)", "Machine Learning (cs.LG)"],
        "links": {
            "Abstract": f"https://arxiv.org/abs/{arxiv_id}",
            "Download PDF": f"https://arxiv.org/pdf/{arxiv_id}",
            "Other formats": f"https://arxiv.org/format/{arxiv_id}",
        },
        "comments": "10 pages",
        "summary": "This paper presents\na generic method.",
        "tweets": tweets if tweets is not None else [_status()],
    }
    record.update(kw)
    return record


def _file(*papers: dict[str, Any], since: str = "2021/04/19", until: str = "2021/04/20") -> bytes:
    return orjson.dumps({"meta": {"since": since, "until": until}, "papers": list(papers)})


def _parse(*papers: dict[str, Any], **kw: Any) -> LegacyBatch:
    return parse_legacy(_file(*papers), "day.json", **kw)


def _error(data: bytes) -> str:
    with pytest.raises(InputError) as info:
        parse_legacy(data, "day.json")
    return str(info.value)


def test_paper_fields_map_to_paper_record() -> None:
    """Id, version, title, authors, categories, comment, abstract and links map to the Paper."""
    paper = _parse(_paper("2104.08223v2")).papers[0]
    assert (paper.arxiv_id, paper.version) == ("2104.08223", 2)
    assert paper.title == "MeshTalk: 3D Face Animation from Speech using Cross-Modality Disentanglement"
    assert paper.authors == ("Alexander Richard", "Yaser Sheikh")
    assert (paper.primary_category, paper.categories) == ("cs.CV", ("cs.CV", "cs.LG"))
    assert (paper.comment, paper.abstract) == ("10 pages", "This paper presents\na generic method.")
    assert paper.abs_url == "https://arxiv.org/abs/2104.08223v2"
    assert paper.pdf_url == "https://arxiv.org/pdf/2104.08223v2"


def test_version_defaults_to_one() -> None:
    """An id without a version gives version 1."""
    assert _parse(_paper()).papers[0].version == 1


def test_missing_pdf_link_gives_none() -> None:
    """A listing without "Download PDF" has pdf_url None."""
    raw = _paper(links={"Abstract": "https://arxiv.org/abs/2104.08223"})
    assert _parse(raw).papers[0].pdf_url is None


def test_old_style_id_cut_by_the_original_is_recovered_from_abs_link() -> None:
    """The original split the abs URL on '/', so 'hep-th/9901001' arrived as '9901001'."""
    raw = _paper("9901001", links={"Abstract": "https://arxiv.org/abs/hep-th/9901001"}, tweets=[])
    assert _parse(raw).papers[0].arxiv_id == "hep-th/9901001"


def test_announcements_follow_listing_order() -> None:
    """Each paper is announced NEW on `since`, at its index in the papers list."""
    batch = _parse(_paper("2104.00001", tweets=[]), _paper("2104.00002", tweets=[]))
    assert [(a.arxiv_id, a.position) for a in batch.announcements] == [("2104.00001", 0), ("2104.00002", 1)]
    assert {(a.date, a.announce_type) for a in batch.announcements} == {(dt.date(2021, 4, 19), AnnounceType.NEW)}
    assert batch.date == dt.date(2021, 4, 19)


def test_status_maps_to_post() -> None:
    """A v1.1 status gives an X post with its url, author, text, time, language and followers."""
    post = _parse(_paper()).posts[0]
    assert (post.platform, post.post_id, post.kind) == ("x", "1383990658680037381", PostKind.ORIGINAL)
    assert post.url == "https://twitter.com/ak92501/status/1383990658680037381"
    assert (post.author_handle, post.author_name, post.author_followers) == ("ak92501", "AK", 120000)
    assert (post.text, post.language) == ("MeshTalk\npdf: https://t.co/x", "en")
    assert post.created_at == dt.datetime(2021, 4, 19, 3, 49, 2, tzinfo=UTC)


def test_status_counts_become_one_snapshot() -> None:
    """retweet_count / favorite_count / reply_count are reposts / likes / replies."""
    raw = _paper(tweets=[_status(reply_count=3)])
    (snap,) = _parse(raw).snapshots
    assert (snap.platform, snap.post_id, snap.reposts, snap.likes, snap.replies) == (
        "x",
        "1383990658680037381",
        100,
        40,
        3,
    )


def test_post_links_paper_as_source_and_url_ids() -> None:
    """The searched paper is linked with SOURCE, other ids in the expanded URLs with URL."""
    urls = {
        "urls": [
            {"expanded_url": "https://arxiv.org/abs/2104.08223"},
            {"expanded_url": "arxiv.org/abs/2104.07896"},
        ]
    }
    post = _parse(_paper(tweets=[_status(entities=urls)])).posts[0]
    assert post.links == (
        PaperLink("2104.08223", LinkMethod.SOURCE),  # type: ignore[arg-type]
        PaperLink("2104.07896", LinkMethod.URL),  # type: ignore[arg-type]
    )


def test_python_twitter_top_level_urls_are_read() -> None:
    """python-twitter's AsDict() writes `urls` at the top level instead of entities.urls."""
    raw = _status(entities=None, urls=[{"url": "https://t.co/a", "expanded_url": "https://arxiv.org/abs/2104.07896"}])
    assert _parse(_paper(tweets=[raw])).posts[0].arxiv_ids == ("2104.08223", "2104.07896")


def test_v1_retweet_is_a_repost_of_its_original() -> None:
    """A status with retweeted_status is a REPOST referencing the original; its counts are kept."""
    original = _status()
    retweet = _status(
        id_str="1384000000000000000",
        user={"screen_name": "fan", "name": "Fan"},
        full_text="RT @ak92501: MeshTalk",
        favorite_count=0,
        retweeted_status=original,
    )
    batch = _parse(_paper(tweets=[retweet]))
    assert (batch.posts[0].kind, batch.posts[0].references) == (PostKind.REPOST, "1383990658680037381")
    assert (batch.snapshots[0].reposts, batch.snapshots[0].likes) == (100, 0)


def test_quote_and_reply_statuses_are_marked() -> None:
    """quoted_status_id_str gives QUOTE, in_reply_to_status_id_str gives REPLY."""
    quote = _status(id_str="2", quoted_status_id_str="7")
    reply = _status(id_str="3", in_reply_to_status_id_str="8")
    kinds = [(p.kind, p.references) for p in _parse(_paper(tweets=[quote, reply])).posts]
    assert kinds == [(PostKind.QUOTE, "7"), (PostKind.REPLY, "8")]


def test_twint_record_maps_to_post_in_utc() -> None:
    """A twint record's local date + time are shifted by its timezone field to UTC."""
    post = _parse(_paper(tweets=[_twint()])).posts[0]
    assert (post.post_id, post.author_handle, post.author_name, post.language) == (
        "1295794106657058817",
        "ak92501",
        "AK",
        "en",
    )
    assert post.created_at == dt.datetime(2020, 8, 19, 0, 30, tzinfo=UTC)
    assert post.author_followers is None


def test_twint_vars_spelling_is_read() -> None:
    """vars(tweet) spells the fields datestamp / timestamp / lang."""
    raw = _twint(date=None, time=None, language=None, datestamp="2020-08-19", timestamp="01:00:00", lang="ja")
    post = _parse(_paper(tweets=[raw])).posts[0]
    assert (post.created_at, post.language) == (dt.datetime(2020, 8, 18, 16, 0, tzinfo=UTC), "ja")


def test_twint_epoch_milliseconds_win() -> None:
    """A numeric datetime / created_at (epoch ms) is exact and preferred to the wall clock."""
    raw = _twint(created_at=1597797000000, timezone="")
    assert _parse(_paper(tweets=[raw])).posts[0].created_at == dt.datetime(2020, 8, 19, 0, 30, tzinfo=UTC)


def test_twint_without_timezone_is_read_as_utc() -> None:
    """Without a timezone field, twint's date and time are taken as UTC."""
    raw = _twint(timezone=None)
    assert _parse(_paper(tweets=[raw])).posts[0].created_at == dt.datetime(2020, 8, 19, 9, 30, tzinfo=UTC)


def test_twint_string_counts_are_accepted() -> None:
    """Older twint kept counts as numeric strings."""
    raw = _twint(retweets_count="12", likes_count=" 7", replies_count="0")
    snap = _parse(_paper(tweets=[raw])).snapshots[0]
    assert (snap.reposts, snap.likes, snap.replies) == (12, 7, 0)


def test_twint_retweet_is_a_repost_by_the_retweeter() -> None:
    """A twint retweet describes the original: the repost is retweet_id by user_rt."""
    raw = _twint(retweet=True, retweet_id="1295800000000000000", user_rt="fan", retweet_date="2020-08-19 10:00:00")
    post = _parse(_paper(tweets=[raw])).posts[0]
    assert (post.kind, post.post_id, post.author_handle) == (PostKind.REPOST, "1295800000000000000", "fan")
    assert (post.references, post.url) == (
        "1295794106657058817",
        "https://twitter.com/fan/status/1295800000000000000",
    )
    assert post.created_at == dt.datetime(2020, 8, 19, 1, 0, tzinfo=UTC)


def test_same_tweet_under_two_papers_is_one_post() -> None:
    """A status found for two papers is one post linking both, with one snapshot."""
    batch = _parse(_paper("2104.00001"), _paper("2104.00002"))
    assert len(batch.posts) == len(batch.snapshots) == 1
    assert batch.posts[0].arxiv_ids == ("2104.00001", "2104.08223", "2104.00002")


def test_default_observed_at_is_until_midnight_utc() -> None:
    """Counts are observed at `until` 00:00 UTC unless told otherwise."""
    assert _parse(_paper()).snapshots[0].observed_at == dt.datetime(2021, 4, 20, tzinfo=UTC)


def test_explicit_observed_at_is_used() -> None:
    """observed_at overrides the default and is stored in UTC."""
    when = dt.datetime(2021, 4, 20, 9, 43, 48, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert _parse(_paper(), observed_at=when).snapshots[0].observed_at == dt.datetime(
        2021, 4, 20, 0, 43, 48, tzinfo=UTC
    )


def test_evidence_groups_posts_by_paper() -> None:
    """evidence() gives one entry per paper, in listing order, with its posts and snapshots."""
    batch = _parse(_paper("2104.00001"), _paper("2104.00002", tweets=[_twint()]))
    evidence = batch.evidence()
    assert [e.paper.arxiv_id for e in evidence] == ["2104.00001", "2104.00002"]
    assert [[p.post.post_id for p in e.posts] for e in evidence] == [
        ["1383990658680037381"],
        ["1295794106657058817"],
    ]
    assert evidence[0].posts[0].engagement == batch.snapshots[0]


def test_is_legacy_detects_meta_and_papers() -> None:
    """is_legacy is true only for a dict with meta and papers."""
    assert is_legacy({"meta": {}, "papers": []})
    assert not is_legacy([{"meta": {}, "papers": []}])
    assert not is_legacy({"papers": []})


def test_derived_twint_fixture_parses() -> None:
    """The derived twint-era file (2020-08-18) parses, and its counts sum to the published totals."""
    batch = parse_legacy((FIXTURES / "2020-08-18.json").read_bytes(), "2020-08-18.json")
    evidence = {str(e.paper.arxiv_id): e for e in batch.evidence()}
    snapshots = [p.engagement for p in evidence["2008.06959"].posts if p.engagement is not None]
    assert batch.date == dt.date(2020, 8, 18) and len(batch.papers) == 7
    assert (sum(s.reposts for s in snapshots), sum(s.likes for s in snapshots)) == (9, 50)


def test_derived_v1_fixture_has_a_repost() -> None:
    """The derived 2020-09-17 file models its duplicate embed as a retweet (a REPOST)."""
    batch = parse_legacy((FIXTURES / "2020-09-17.json").read_bytes(), "2020-09-17.json")
    reposts = [p for p in batch.posts if p.kind is PostKind.REPOST]
    assert [(p.author_handle, p.references) for p in reposts] == [("hotpapers_retweeter", "1306394732310921216")]


DELETE = object()
TWEET = ("papers", 0, "tweets", 0)
NEW_TWEET = ("papers", 0, "tweets", 1)
BAD_FIELDS: list[tuple[tuple[Any, ...], Any, str]] = [
    (("meta", "since"), "2021-04-19", "day.json: meta.since: not a date YYYY/MM/DD: '2021-04-19'"),
    (("meta", "until"), DELETE, "day.json: meta.until: missing"),
    (("meta", "until"), "2021/04/18", "day.json: meta.until: must be after meta.since"),
    (("papers",), {}, "day.json: papers: expected a list, got dict"),
    (("papers", 1), 3, "day.json: papers[1]: expected an object, got int"),
    (("papers", 0, "id"), DELETE, "day.json: papers[0].id: missing"),
    (("papers", 0, "title"), 3, "day.json: papers[0].title: expected str, got int"),
    (
        ("papers", 0, "subjects"),
        ["Machine Learning"],
        "day.json: papers[0].subjects[0]: expected 'Name (category)'",
    ),
    (("papers", 0, "subjects"), [], "day.json: papers[0].subjects: missing or empty"),
    ((*TWEET, "id_str"), "12a", "day.json: papers[0].tweets[0].id_str: not a status id: '12a'"),
    (
        (*TWEET, "retweet_count"),
        "many",
        "day.json: papers[0].tweets[0].retweet_count: not a count (>= 0): 'many'",
    ),
    ((*TWEET, "favorite_count"), -1, "day.json: papers[0].tweets[0].favorite_count: not a count (>= 0): -1"),
    (
        (*TWEET, "favorite_count"),
        True,
        "day.json: papers[0].tweets[0].favorite_count: not a count (>= 0): True",
    ),
    ((*TWEET, "retweet_count"), DELETE, "day.json: papers[0].tweets[0].retweet_count: missing"),
    ((*TWEET, "created_at"), "yesterday", "day.json: papers[0].tweets[0].created_at: not a date-time"),
    (
        (*TWEET, "user"),
        {"screen_name": "a b"},
        "day.json: papers[0].tweets[0].user.screen_name: not a Twitter",
    ),
    (NEW_TWEET, {"foo": 1}, "day.json: papers[0].tweets[1]: neither a twint record"),
    (NEW_TWEET, _twint(date="2020-13-01"), "day.json: papers[0].tweets[1].date: not a date and time"),
    (NEW_TWEET, _twint(timezone="JST"), "day.json: papers[0].tweets[1].timezone: not a UTC offset"),
    (NEW_TWEET, _twint(retweet="maybe"), "day.json: papers[0].tweets[1].retweet: expected true or false"),
    (NEW_TWEET, _twint(id=None), "day.json: papers[0].tweets[1].id_str: missing"),
]


def _mutated(path: tuple[Any, ...], value: Any) -> bytes:
    data = orjson.loads(_file(_paper()))
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    elif isinstance(target, list) and path[-1] == len(target):
        target.append(value)
    else:
        target[path[-1]] = value
    return orjson.dumps(data)


@pytest.mark.parametrize(("path", "value", "expected"), BAD_FIELDS)
def test_bad_field_raises_one_line_naming_file_record_and_field(
    path: tuple[Any, ...], value: Any, expected: str
) -> None:
    """Each malformed field raises InputError with one line naming the file, record and field."""
    message = _error(_mutated(path, value))
    assert message.startswith(expected) and "\n" not in message


def test_id_that_is_not_an_arxiv_id_is_rejected() -> None:
    """An id that neither parses nor can be recovered from the abs link raises InputError."""
    raw = _paper("2104.08223x", links={"Abstract": "https://example.org/abs/nothing"})
    assert _error(_file(raw)) == "day.json: papers[0].id: not an arXiv identifier: '2104.08223x'"


def test_not_json_raises_input_error() -> None:
    """Bytes that are not JSON raise InputError naming the file."""
    assert _error(b"{not json").startswith("day.json: not JSON")


def test_wrong_top_level_shape_raises_input_error() -> None:
    """A JSON value without meta and papers is rejected."""
    assert _error(b"[1, 2]") == (
        "day.json: top level: expected an object with 'meta' and 'papers' (the original tool's JSON)"
    )


def test_error_returns_nothing_partial() -> None:
    """A bad tweet in the last paper fails the whole file (no batch is returned)."""
    bad = copy.deepcopy(_paper("2104.00002"))
    bad["tweets"][0]["retweet_count"] = "x"
    with pytest.raises(InputError, match=r"papers\[1\]\.tweets\[0\]\.retweet_count"):
        _parse(_paper("2104.00001"), bad)


def test_naive_observed_at_is_rejected() -> None:
    """A naive observed_at raises InputError."""
    with pytest.raises(InputError, match="timezone-aware"):
        _parse(_paper(), observed_at=dt.datetime(2021, 4, 20))


def test_recorded_v1_search_statuses_parse() -> None:
    """Real v1.1 search statuses (tweepy's recorded response) parse; retweets keep the original's count."""
    recorded = FIXTURES.parent / "social" / "twitter_v1" / "search_tweets_q_tweepy.body.json"
    statuses = orjson.loads(recorded.read_bytes())["statuses"]
    batch = _parse(_paper(tweets=statuses))
    reposts = {p.post_id: p for p in batch.posts if p.kind is PostKind.REPOST}
    snapshot = {s.post_id: s for s in batch.snapshots}["1149824190259834881"]
    assert (len(batch.posts), len(reposts)) == (15, 6)
    assert (snapshot.reposts, snapshot.likes) == (3845, 0)
    assert reposts["1149824190259834881"].created_at == dt.datetime(2019, 7, 12, 23, 33, 44, tzinfo=UTC)
    assert [p.kind for p in batch.posts if p.post_id == "1149678185375600641"] == [PostKind.REPLY]
