"""Data generator of ``requests_per_run.py`` for the sources of issue 16: Reddit, Mastodon, alphaXiv and YouTube
on the synthetic listing day of ``synthetic_day.py``, served by a mock that pages as the real APIs do.

Nothing here invents a shape: every item is a fixture item of ``tests/fixtures/social`` used as a template, with
only ids, URLs, times and counts changed (see each folder's PROVENANCE.md for what the templates are):

* Reddit: ``children[0]`` of ``reddit/derived_arxiv_api_info_url_youtube_com.body.json`` (submissions) and of
  ``reddit/HANDMADE_r_MachineLearning_comments_documented_t1.json`` (comments), in the recorded ``Listing``
  envelope, and the recorded token answer;
* Mastodon: ``mastodon/derived_arxiv_statuses_get_with_card.body.json`` (statuses) and the trending link of
  ``mastodon/derived_arxiv_docs_trends_links_example.json``;
* alphaXiv: entry 0 of the hand-made ``alphaxiv/HANDMADE_v2_papers_trending-papers_page_num_0.json``;
* YouTube: item 0 of the hand-made ``youtube/HANDMADE_search_list_q_arxiv_type_video.json`` and of
  ``youtube/HANDMADE_videos_list_part_snippet_statistics.json``.

The volumes (``VOLUMES``) are assumptions, not measurements: they are meant to be of the order of a busy day
in late 2026 and are printed with the results. What the request counts depend on is how many items each
listing holds per 100 (Reddit), 40 (Mastodon), 50 (YouTube) or 10 (alphaXiv).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import synthetic_day as syn

from hotpapers.models import LinkMethod, PaperLink, Post, PostKind

Json = dict[str, Any]

# subreddit: (submissions a day, comments a day, share of submissions linking arXiv, share of comments)
REDDIT: dict[str, tuple[int, int, float, float]] = {
    "MachineLearning": (60, 1200, 0.35, 0.03),
    "LocalLLaMA": (250, 6000, 0.06, 0.004),
    "mlscaling": (12, 40, 0.8, 0.1),
    "reinforcementlearning": (10, 80, 0.3, 0.03),
    "computervision": (30, 200, 0.15, 0.02),
    "LanguageTechnology": (6, 30, 0.3, 0.03),
    "deeplearning": (25, 100, 0.15, 0.02),
    "statistics": (30, 400, 0.05, 0.01),
}
REDDIT_SITEWIDE = 150  # submissions linking arxiv.org anywhere on Reddit in a day
MASTODON = {"https://mastodon.social": 150, "https://sigmoid.social": 80}  # #arxiv statuses a day per instance
MASTODON_TRENDING_ARXIV_LINKS = 2  # trending links that are arXiv papers (of 20), per instance
YOUTUBE_VIDEOS = 120  # videos a day that the search "arxiv" finds
YOUTUBE_LINKING = 0.6  # of which the description links a paper
VOLUMES = (f"Reddit: {', '.join(f'r/{s} {n}+{c}' for s, (n, c, _, _) in REDDIT.items())} submissions+comments a "
           f"day, {REDDIT_SITEWIDE} arxiv.org submissions site-wide; Mastodon: "
           f"{', '.join(f'{u} {n}' for u, n in MASTODON.items())} #arxiv statuses, "
           f"{MASTODON_TRENDING_ARXIV_LINKS} trending arXiv links each; YouTube: {YOUTUBE_VIDEOS} videos; "
           "alphaXiv: its trending list (read to the default 10 pages)")
BEFORE = dt.timedelta(hours=6)  # listings also hold items older than the window: the walk must stop there


@dataclass
class NewSources:
    """The four sources' data for the day, and the request log of the mock that serves it."""

    reddit_new: dict[str, list[Json]]  # per subreddit, newest first, t3 children
    reddit_comments: dict[str, list[Json]]
    reddit_search: list[Json]
    reddit_known: list[Post]  # scenario B: posts yesterday's run stored
    mastodon_tags: dict[str, list[Json]]  # per instance, newest first
    mastodon_known: list[Post]
    alphaxiv_entries: list[Json]
    youtube_videos: list[Json]  # videos.list items, newest first
    youtube_known: list[Post]
    log: list[httpx.Request] = field(default_factory=list)


def _when(rng: random.Random) -> dt.datetime:
    start, end = syn.WINDOW[0] - BEFORE, syn.WINDOW[1]
    return start + dt.timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def _b36(k: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        k, r = divmod(k, 36)
        out = digits[r] + out
        if not k:
            return out.rjust(6, "0")


def _reddit_items(rng: random.Random, template: Json, kind: str, n: int, share: float, papers: list[str],
                  weights: list[float], base: int, sub: str) -> list[Json]:
    """``n`` things of a day plus those of the six hours before the window, newest first."""
    total = int(n * (1 + BEFORE / (syn.WINDOW[1] - syn.WINDOW[0])))
    items = []
    for k in range(total):
        data = copy.deepcopy(template)
        thing = _b36(base + k)
        data.update(id=thing, name=f"{kind}_{thing}", created_utc=_when(rng).timestamp(), subreddit=sub,
                    score=int(2 * rng.paretovariate(1.2)))
        link = f"https://arxiv.org/abs/{rng.choices(papers, weights)[0]}" if rng.random() < share else \
            f"https://example.invalid/{thing}"
        if kind == "t3":
            data.update(url=link, num_comments=int(rng.paretovariate(1.5)), permalink=f"/r/{sub}/comments/{thing}/")
        else:
            data.update(body=f"See {link} for the details.", link_id="t3_zzzzzz", parent_id="t3_zzzzzz")
        items.append({"kind": kind, "data": data})
    return sorted(items, key=lambda c: -c["data"]["created_utc"])


def _mastodon_statuses(rng: random.Random, template: Json, instance: str, n: int, papers: list[str],
                       weights: list[float], base: int) -> list[Json]:
    total = int(n * (1 + BEFORE / (syn.WINDOW[1] - syn.WINDOW[0])))
    statuses = []
    for k in range(total):
        status = copy.deepcopy(template)
        local = str(113_000_000_000_000_000 + base + k)
        paper = rng.choices(papers, weights)[0]
        status.update(id=local, uri=f"{instance}/users/bench{k % 50}/statuses/{local}",
                      created_at=_when(rng).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                      content=f'<p><a href="https://arxiv.org/abs/{paper}">arxiv.org/abs/{paper}</a></p>',
                      favourites_count=int(2 * rng.paretovariate(1.3)), reblogs_count=int(rng.paretovariate(1.5)))
        status["card"] = dict(status["card"], url=f"https://arxiv.org/abs/{paper}")
        status["account"] = dict(status["account"], acct=f"bench{k % 50}")
        statuses.append(status)
    return sorted(statuses, key=lambda s: s["created_at"], reverse=True)


def _youtube(rng: random.Random, template: Json, papers: list[str], weights: list[float]) -> list[Json]:
    videos = []
    for k in range(YOUTUBE_VIDEOS):
        video = copy.deepcopy(template)
        vid = f"bench{k:06d}"[:11].ljust(11, "x")
        linked = rng.random() < YOUTUBE_LINKING
        paper = rng.choices(papers, weights)[0]
        video["id"] = vid
        when = syn.WINDOW[0] + (syn.WINDOW[1] - syn.WINDOW[0]) * rng.random()
        video["snippet"] = dict(video["snippet"], publishedAt=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                description=f"Paper: https://arxiv.org/abs/{paper}" if linked else "No paper.")
        video["statistics"] = {"viewCount": str(int(100 * rng.paretovariate(1.1))), "likeCount": "3",
                               "commentCount": "1", "favoriteCount": "0"}
        videos.append(video)
    return sorted(videos, key=lambda v: v["snippet"]["publishedAt"], reverse=True)


def _known(platform: str, ids: list[str], urls: Callable[[str], str], paper: str) -> list[Post]:
    link = (PaperLink(paper, LinkMethod.URL),)  # type: ignore[arg-type]
    seen = syn.WINDOW[0] - dt.timedelta(hours=12)
    return [Post(platform, i, urls(i), "someone", "Someone", "yesterday", seen, link, PostKind.ORIGINAL) for i in ids]


def make(day: syn.SyntheticDay, seed: int = 20241129) -> NewSources:
    """The four sources' data for the synthetic day."""
    rng = random.Random(seed)
    papers = day.paper_ids
    weights = [1 / (k + 1) for k in range(len(papers))]
    t3 = syn.load_json("reddit/derived_arxiv_api_info_url_youtube_com.body.json")["data"]["children"][0]["data"]
    t1 = syn.load_json("reddit/HANDMADE_r_MachineLearning_comments_documented_t1.json")["data"]["children"][0]["data"]
    new, comments = {}, {}
    for index, (sub, (n, c, share_n, share_c)) in enumerate(REDDIT.items()):
        new[sub] = _reddit_items(rng, t3, "t3", n, share_n, papers, weights, 1_000_000 * index, sub)
        comments[sub] = _reddit_items(rng, t1, "t1", c, share_c, papers, weights, 1_000_000 * index + 500_000, sub)
    search = _reddit_items(rng, t3, "t3", REDDIT_SITEWIDE, 1.0, papers, weights, 50_000_000, "all")
    status_t = syn.load_json("mastodon/derived_arxiv_statuses_get_with_card.body.json")
    tags = {url: _mastodon_statuses(rng, status_t, url, n, papers, weights, 1_000_000 * k)
            for k, (url, n) in enumerate(MASTODON.items())}
    entry_t = syn.load_json("alphaxiv/HANDMADE_v2_papers_trending-papers_page_num_0.json")["data"]["trending_papers"][0]
    entries = [dict(entry_t, universal_paper_id=p) for p in papers[:200]]
    video_t = syn.load_json("youtube/HANDMADE_videos_list_part_snippet_statistics.json")["items"][0]
    first = papers[0]
    return NewSources(
        new, comments, search,
        _known("reddit", [f"t3_old{k:04d}" for k in range(300)], lambda i: f"https://www.reddit.com/comments/{i}/",
               first),
        tags,
        _known("mastodon", [f"https://mastodon.social/users/old/statuses/{k}" for k in range(100)],
               lambda i: f"https://mastodon.social/@old/{i.rsplit('/', 1)[1]}", first),
        entries, _youtube(rng, video_t, papers, weights),
        _known("youtube", [f"old{k:08d}" for k in range(100)], lambda i: f"https://www.youtube.com/watch?v={i}",
               first),
    )


ENV = {
    "HOTPAPERS_REDDIT_CLIENT_ID": "benchmark-id", "HOTPAPERS_REDDIT_CLIENT_SECRET": "benchmark-secret",
    "HOTPAPERS_MASTODON_INSTANCES": ",".join(MASTODON), "HOTPAPERS_ALPHAXIV_API_URL": "https://api.alphaxiv.org",
    "HOTPAPERS_YOUTUBE_API_KEY": "benchmark-key",
}
"""What enables the four sources, with their default endpoints (the mock answers them)."""


def _ok(body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, content=json.dumps(body).encode(), headers={"content-type": "application/json",
                                                                          **headers})


def _listing(children: list[Json], q: httpx.QueryParams) -> httpx.Response:
    """A Reddit listing page: ``limit`` things after the ``after`` fullname; ``after`` while more remain (to 1,000)."""
    names = [c["data"]["name"] for c in children]
    start = names.index(q["after"]) + 1 if "after" in q else 0
    page = children[start : start + int(q["limit"])]
    more = start + len(page) < min(len(children), 1000)
    after = page[-1]["data"]["name"] if page and more else None
    return _ok({"kind": "Listing", "data": {"modhash": "", "children": page, "after": after, "before": None}},
               **{"x-ratelimit-remaining": "500.0", "x-ratelimit-reset": "300"})


def _statuses_page(statuses: list[Json], q: httpx.QueryParams, url: str) -> httpx.Response:
    """A Mastodon timeline page: ``limit`` statuses older than ``max_id``, a Link header while more remain."""
    ids = [s["id"] for s in statuses]
    start = ids.index(q["max_id"]) + 1 if "max_id" in q else 0
    page = statuses[start : start + int(q["limit"])]
    headers = {"link": f'<{url}?max_id={page[-1]["id"]}>; rel="next"'} if page and start + len(page) < len(ids) \
        else {}
    return _ok(page, **headers)


def handler(data: NewSources) -> Callable[[httpx.Request], httpx.Response | None]:
    """The mock for the four sources (None: not theirs)."""

    def handle(request: httpx.Request) -> httpx.Response | None:
        url, q = request.url, request.url.params
        host, path = url.host, url.path
        if host == "www.reddit.com" and path == "/api/v1/access_token":
            return _ok(syn.load_json("reddit/access_token_client_credentials.body.json"))
        if host == "oauth.reddit.com":
            return _reddit(data, path, q)
        instance = f"https://{host}"
        if instance in MASTODON:
            return _mastodon(data, instance, path, q)
        if host == "api.alphaxiv.org":
            page = int(q["page_num"]) * int(q["page_size"])
            return _ok({"data": {"trending_papers": data.alphaxiv_entries[page : page + int(q["page_size"])]}})
        if host == "www.googleapis.com":
            return _youtube_answer(data, path, q)
        return None

    return handle


def _reddit(data: NewSources, path: str, q: httpx.QueryParams) -> httpx.Response:
    parts = path.strip("/").split("/")
    if parts[0] == "r":
        return _listing((data.reddit_new if parts[2] == "new" else data.reddit_comments)[parts[1]], q)
    if parts[0] == "search":
        return _listing(data.reddit_search, q)
    asked = q["id"].split(",")  # /api/info: each known thing, as a submission with new counts
    assert len(asked) <= 100, len(asked)
    t3 = syn.load_json("reddit/derived_arxiv_api_info_url_youtube_com.body.json")["data"]["children"][0]
    things = [{"kind": "t3", "data": dict(t3["data"], name=name, id=name[3:])} for name in asked]
    return _ok({"kind": "Listing", "data": {"modhash": "", "children": things, "after": None, "before": None}})


def _mastodon(data: NewSources, instance: str, path: str, q: httpx.QueryParams) -> httpx.Response:
    if path == "/api/v1/timelines/tag/arxiv":
        return _statuses_page(data.mastodon_tags[instance], q, f"{instance}{path}")
    if path == "/api/v1/trends/statuses":
        return _ok(data.mastodon_tags[instance][:40])
    if path == "/api/v1/trends/links":
        card = syn.load_json("mastodon/derived_arxiv_docs_trends_links_example.json")[0]
        links = [dict(card, url=f"https://arxiv.org/abs/{data.alphaxiv_entries[k]['universal_paper_id']}")
                 for k in range(MASTODON_TRENDING_ARXIV_LINKS)]
        return _ok(links + [dict(card, url=f"https://example.invalid/{k}") for k in range(18)])
    if path == "/api/v1/timelines/link":
        return _ok(data.mastodon_tags[instance][:10])
    ids = q.get_list("id[]")  # the batch lookup
    assert len(ids) <= 20, len(ids)
    template = data.mastodon_tags[instance][0]
    return _ok([dict(template, id=i, uri=f"{instance}/users/old/statuses/{i}") for i in ids])


def _youtube_answer(data: NewSources, path: str, q: httpx.QueryParams) -> httpx.Response:
    if path.endswith("/search"):
        start = int(q.get("pageToken", "0"))
        page = data.youtube_videos[start : start + int(q["maxResults"])]
        items = [{"kind": "youtube#searchResult", "id": {"kind": "youtube#video", "videoId": v["id"]},
                  "snippet": v["snippet"]} for v in page]
        body: Json = {"kind": "youtube#searchListResponse", "pageInfo": {}, "items": items}
        if start + len(page) < len(data.youtube_videos):
            body["nextPageToken"] = str(start + len(page))
        return _ok(body)
    asked = q["id"].split(",")
    assert len(asked) <= 50, len(asked)
    by_id = {v["id"]: v for v in data.youtube_videos}
    template = data.youtube_videos[0]
    return _ok({"kind": "youtube#videoListResponse",
                "items": [by_id.get(i, dict(template, id=i)) for i in asked]})
