"""Data generator of ``requests_per_run.py``: one synthetic listing day and every social response about it.

Nothing here invents a shape. Every body is a recorded (or, where no recording links arXiv, derived /
hand-made) item of ``tests/fixtures`` used as a template, with only ids, URLs, times, titles and counts
changed:

* arXiv: the items of ``arxiv/rss_2024-11-28_multi_archive_excerpt.xml`` that the default filter
  (``cs``, ``stat.ML``) keeps, cycled, each with its id replaced by ``2411.9NNNN``; the channel header and
  footer are the recording's, byte for byte;
* X: tweet ``data[8]`` of ``x/derived_arxiv_search_recent_page_100_tweets_twarc2.jsonl`` and user
  ``includes.users[0]`` (only the fields the source asks for), a lookup item in the shape of
  ``x/tweepy_tweets_lookup_ids_default_fields.body.json`` plus ``public_metrics``, and the not-found error of
  ``x/tweets_lookup_ids_1_to_15_all_not_found_academictwitteR.json``;
* Bluesky: the post view of ``bluesky/derived/getPosts_with_arxiv_link.body.json`` (its record also goes into
  the Jetstream v1 commit envelope of ``bluesky/derived/jetstream_capture_with_arxiv_links.jsonl``);
* Hacker News: ``hits[0]`` of ``hackernews/algolia_search_DERIVED_two_hits_url_replaced_by_arxiv.json``;
* Hugging Face: entry 0 of ``huggingface/daily_papers_HANDMADE_date_2025-03-31.json`` (hand-made, the only one).

Everything is drawn from one seeded ``random.Random``: the same seed gives the same day.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotpapers.arxiv.calendar import listing_window
from hotpapers.arxiv.categories import CategoryFilter
from hotpapers.arxiv.rss import parse_rss

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
SOCIAL = FIXTURES / "social"
DAY = dt.date(2024, 11, 28)  # the listing day of the recorded RSS feed
NOW = dt.datetime(2024, 11, 29, 1, 40, tzinfo=dt.UTC)  # 40 minutes after that day's window closed
WINDOW = listing_window(DAY)
_TWITTER_EPOCH_MS = 1288834974657
_B32 = "abcdefghijklmnopqrstuvwxyz234567"
Json = dict[str, Any]


@dataclass(frozen=True)
class Split:
    """How many of each thing the day has."""

    papers: int = 500
    x: int = 3000  # found by X recent search in the day's window
    bluesky: int = 1500  # already stored by the Jetstream listener
    hackernews: int = 300
    huggingface: int = 200  # Daily Papers entries (one per paper)
    hf_on_day: int = 120  # of which listed on the listing day itself; the rest on the day before
    x_yesterday: int = 1050  # scenario B: X posts stored by yesterday's run (made before the window)
    x_gone_every: int = 50  # scenario B: every 50th of those X reports deleted


@dataclass
class SyntheticDay:
    """The day's bodies and records, ready to be served."""

    rss: bytes
    paper_ids: list[str]
    x_tweets: list[Json]  # newest first, as recent search returns them
    x_yesterday: list[Json]
    x_users: dict[str, Json]
    x_gone: set[str]
    bluesky_events: list[bytes]  # Jetstream v1 commit events
    bluesky_views: dict[str, Json]  # at-uri -> getPosts post view
    hn_hits: list[Json]
    hf_entries: dict[dt.date, list[Json]] = field(default_factory=dict)


def load_json(path: str) -> Any:
    """A fixture under tests/fixtures/social (the first line of a .jsonl)."""
    return json.loads((SOCIAL / path).read_text(encoding="utf-8").splitlines()[0] if path.endswith(".jsonl")
                      else (SOCIAL / path).read_text(encoding="utf-8"))


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _b32(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_B32) for _ in range(n))


def _when(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(milliseconds=rng.randrange(int((end - start).total_seconds() * 1000)))


def _counts(rng: random.Random, scale: float = 3.0) -> tuple[int, int]:
    """(reposts, likes): heavy-tailed, as engagement is (most posts a few likes, a few hundreds)."""
    likes = min(int(scale * (rng.paretovariate(1.3) - 1)), 5000)
    return int(likes * rng.uniform(0.1, 0.4)), likes


def rss_feed(n: int) -> tuple[bytes, list[str]]:
    """An RSS body of ``n`` items cycled from the recording's items that ``cs``/``stat.ML`` keeps."""
    raw = (FIXTURES / "arxiv" / "rss_2024-11-28_multi_archive_excerpt.xml").read_text(encoding="utf-8")
    head, _, rest = raw.partition("    <item>")
    items = ["    <item>" + part for part in ("    <item>" + rest).split("    <item>")[1:]]
    items[-1], tail = items[-1].split("  </channel>", 1)
    feed = parse_rss(raw.encode())
    keep = CategoryFilter(("cs", "stat.ML"), (), False)
    templates = [(item, p.arxiv_id) for item, (p, _) in zip(items, feed.items, strict=True) if keep.matches(p)]
    ids = [f"2411.{90000 + k}" for k in range(n)]
    body = [templates[k % len(templates)][0].replace(templates[k % len(templates)][1], ids[k]) for k in range(n)]
    return (head + "".join(body) + "  </channel>" + tail).encode(), ids


def _snowflake(when: dt.datetime, seq: int) -> str:
    return str(((int(when.timestamp() * 1000) - _TWITTER_EPOCH_MS) << 22) | (seq & 0x3FFFFF))


def x_user(template: Json, k: int, rng: random.Random) -> Json:
    """User ``k`` in the shape of ``includes.users`` with ``user.fields=public_metrics``."""
    user = {key: copy.deepcopy(template[key]) for key in ("id", "name", "username", "public_metrics")}
    user.update(id=str(900_000_000 + k), username=f"bench_user{k}", name=f"Benchmark User {k}")
    user["public_metrics"]["followers_count"] = int(50 * rng.paretovariate(1.1))
    return user


def x_tweet(template: Json, tweet_id: str, author: str, paper: str, when: dt.datetime,
            rng: random.Random) -> Json:
    """A tweet linking ``paper``, with the fields the X source requests (``SEARCH_FIELDS``)."""
    tweet = {key: copy.deepcopy(template[key]) for key in ("author_id", "created_at", "entities", "lang",
                                                          "public_metrics", "id", "text")}
    code = _b32(rng, 10)
    text = f"Worth a read: https://t.co/{code}"
    url = copy.deepcopy(template["entities"]["urls"][0])
    url.update(start=len(text) - 23, end=len(text), url=f"https://t.co/{code}",
               expanded_url=f"https://arxiv.org/abs/{paper}", display_url=f"arxiv.org/abs/{paper}")
    reposts, likes = _counts(rng)
    tweet.update(id=tweet_id, author_id=author, created_at=_iso(when), text=text, entities={"urls": [url]},
                 edit_history_tweet_ids=[tweet_id])
    tweet["public_metrics"].update(retweet_count=reposts, like_count=likes,
                                   reply_count=likes // 20, quote_count=likes // 50)
    return tweet


def _x_posts(rng: random.Random, n: int, papers: list[str], weights: list[float], users: list[str],
             span: tuple[dt.datetime, dt.datetime], seq0: int) -> list[Json]:
    template = load_json("x/derived_arxiv_search_recent_page_100_tweets_twarc2.jsonl")["data"][8]
    times = sorted((_when(rng, *span) for _ in range(n)), reverse=True)
    chosen = rng.choices(papers, weights, k=n)
    return [x_tweet(template, _snowflake(t, seq0 + k), rng.choice(users), p, t, rng)
            for k, (t, p) in enumerate(zip(times, chosen, strict=True))]


def bluesky_post(view_t: Json, event_t: Json, k: int, paper: str, when: dt.datetime,
                 rng: random.Random) -> tuple[bytes, Json]:
    """(Jetstream event, getPosts view) of post ``k`` linking ``paper``: the template's link values replaced."""
    old_did, old_rkey = view_t["author"]["did"], view_t["uri"].rsplit("/", 1)[1]
    did, rkey = f"did:plc:{k:08d}{_b32(rng, 16)}", _b32(rng, 13)
    text = json.dumps(view_t).replace(old_did, did).replace(old_rkey, rkey)
    text = text.replace("https://arxiv.org/abs/2310.06825", f"https://arxiv.org/abs/{paper}")
    view = json.loads(text)
    view["author"]["handle"] = f"bench{k}.bsky.social"
    view["record"]["createdAt"] = view["indexedAt"] = _iso(when)
    view["cid"] = "bafyrei" + _b32(rng, 52)
    reposts, likes = _counts(rng, 2.0)
    view.update(repostCount=reposts, likeCount=likes, replyCount=likes // 20, quoteCount=likes // 50)
    event = copy.deepcopy(event_t)
    event.update(did=did, time_us=int(when.timestamp() * 1_000_000) + 500_000)
    event["commit"].update(rkey=rkey, rev=_b32(rng, 13), cid=view["cid"], record=view["record"])
    return json.dumps(event, separators=(",", ":")).encode(), view


def hn_hit(template: Json, k: int, paper: str, title: str, when: dt.datetime, rng: random.Random) -> Json:
    """A story hit whose url is ``paper``'s abstract page."""
    hit = copy.deepcopy(template)
    story, url, author = str(42_000_000 + k), f"https://arxiv.org/abs/{paper}", f"bench_hn{k % 97}"
    points = int(2 * rng.paretovariate(1.2))
    hit.update(created_at=_iso(when), created_at_i=int(when.timestamp()), title=title, url=url, author=author,
               points=points, num_comments=points // 3, objectID=story, _tags=["story", f"author_{author}",
                                                                                f"story_{story}"])
    highlight = hit["_highlightResult"]
    highlight["title"]["value"], highlight["url"]["value"], highlight["author"]["value"] = title, url, author
    return hit


def hf_entry(template: Json, paper: str, title: str, when: dt.datetime, rng: random.Random) -> Json:
    """A Daily Papers entry for ``paper``, put on the list at ``when``."""
    entry = copy.deepcopy(template)
    upvotes = int(3 * rng.paretovariate(1.3))
    entry.update(publishedAt=_iso(when), title=title, numComments=upvotes // 8,
                 thumbnail=f"https://example.invalid/thumbnails/{paper}.png")
    entry["paper"].update(id=paper, title=title, upvotes=upvotes, submittedOnDailyAt=_iso(when))
    return entry


def make_day(split: Split = Split(), seed: int = 20241128) -> SyntheticDay:
    """The synthetic day (see the module docstring)."""
    rng = random.Random(seed)
    rss, papers = rss_feed(split.papers)
    titles = dict(zip(papers, re.findall(r"<title>(.*?)</title>", rss.decode())[1:], strict=False))
    ranked = rng.sample(papers, len(papers))  # popularity order: a Zipf law over a shuffled listing
    weights = [1 / (rank + 1) for rank in range(len(ranked))]
    start = WINDOW[0]
    user_t = load_json("x/derived_arxiv_search_recent_page_100_tweets_twarc2.jsonl")["includes"]["users"][0]
    users = {u["id"]: u for u in (x_user(user_t, k, rng) for k in range(1000))}
    x_now = _x_posts(rng, split.x, ranked, weights, list(users), WINDOW, 0)
    x_old = _x_posts(rng, split.x_yesterday, ranked, weights, list(users), (start - dt.timedelta(days=1), start),
                     1 << 20)
    gone = {t["id"] for t in x_old[:: split.x_gone_every]}
    view_t = load_json("bluesky/derived/getPosts_with_arxiv_link.body.json")["posts"][0]
    events = [json.loads(line) for line in (SOCIAL / "bluesky/derived/jetstream_capture_with_arxiv_links.jsonl")
              .read_text(encoding="utf-8").splitlines()]
    event_t = next(e for e in events if e.get("commit", {}).get("collection") == "app.bsky.feed.post")
    bluesky = [bluesky_post(view_t, event_t, k, p, _when(rng, *WINDOW), rng)
               for k, p in enumerate(rng.choices(ranked, weights, k=split.bluesky))]
    hn_t = load_json("hackernews/algolia_search_DERIVED_two_hits_url_replaced_by_arxiv.json")["hits"][0]
    hn = sorted((hn_hit(hn_t, k, p, titles[p], _when(rng, *WINDOW), rng)
                 for k, p in enumerate(rng.choices(ranked, weights, k=split.hackernews))),
                key=lambda h: -h["created_at_i"])
    hf_t = load_json("huggingface/daily_papers_HANDMADE_date_2025-03-31.json")[0]
    hf: dict[dt.date, list[Json]] = {DAY: [], DAY - dt.timedelta(days=1): []}
    for k, paper in enumerate(ranked[: split.huggingface]):
        day = DAY if k < split.hf_on_day else DAY - dt.timedelta(days=1)
        when = dt.datetime.combine(day, dt.time(6), dt.UTC) + dt.timedelta(minutes=3 * k)
        hf[day].append(hf_entry(hf_t, paper, titles[paper], when, rng))
    return SyntheticDay(rss, papers, x_now, x_old, users, gone, [e for e, _ in bluesky],
                        {v["uri"]: v for _, v in bluesky}, hn, hf)
