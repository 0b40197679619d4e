"""Benchmark: HTTP requests per daily run, against the original one-search-per-paper approach.

Runs the real ``jobs.ingest.ingest`` and ``jobs.collect.collect`` on a temporary SQLite store against an
``httpx.MockTransport`` that serves the synthetic day of ``synthetic_day.py`` (and, for Reddit, Mastodon,
alphaXiv and YouTube, of ``synthetic_sources.py``) and paginates like the real APIs, counts every request per
source, checks the batch limits, and prints Markdown tables.

Run from the repository root: ``python benchmarks/requests_per_run.py``. See docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import synthetic_day as syn
import synthetic_sources as more

from hotpapers.arxiv.client import ArxivClient
from hotpapers.config import ArxivSettings, Settings
from hotpapers.http import NO_RETRIES, make_client
from hotpapers.jobs.collect import SourceReport, collect
from hotpapers.jobs.environment import Environment
from hotpapers.jobs.ingest import ingest
from hotpapers.jobs.registry import load_registry
from hotpapers.models import ArxivId, Post
from hotpapers.ranking.classic import rank_classic
from hotpapers.sources.bluesky.jetstream import parse_event
from hotpapers.sources.x.parse import parse_search_page
from hotpapers.store import SQLiteStore
from hotpapers.store.records import store_records

SOURCES = ("bluesky", "hackernews", "huggingface", "x", "reddit", "mastodon", "alphaxiv", "youtube")
ARCHIVE_MEAN_EMBEDS = 3368 / 264  # the Hot Papers archive: 3,368 embedded tweets in 264 posts (12.8 a day)
Json = dict[str, Any]


def _ok(body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, content=json.dumps(body).encode(), headers={"content-type": "application/json",
                                                                          **headers})


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


class Api:
    """Every platform the run talks to, routed by host and path; logs each request."""

    def __init__(self, day: syn.SyntheticDay, sources: more.NewSources | None = None) -> None:
        self.day = day
        self.log: list[httpx.Request] = []
        self.more = more.handler(sources) if sources is not None else None
        self.x_by_id = {t["id"]: t for t in day.x_tweets + day.x_yesterday}
        self.hn_template = syn.load_json("hackernews/algolia_search_DERIVED_two_hits_url_replaced_by_arxiv.json")
        self.bsky_error = syn.load_json("bluesky/createRecord_400_InvalidRequest.body.json")
        cassette = (syn.FIXTURES / "accounts" / "bskyr_a_profile_getProfiles.yml").read_text("utf-8")
        body = cassette.split("string: '", 1)[1].split("'\n  recorded_at", 1)[0].replace("''", "'")
        self.profile_t = json.loads(" ".join(line.strip() for line in body.splitlines()))["profiles"][0]
        self.hn_user_t = json.loads((syn.FIXTURES / "accounts" / "HackerNews_API_README_user_jl.json").read_text())
        api = (syn.FIXTURES / "arxiv" / "api_search_multi_2026_all-testing_start0_max10.xml").read_text("utf-8")
        self.api_head, _, rest = api.partition("  <entry>")
        self.api_entry = "  <entry>" + rest.split("  </entry>", 1)[0] + "  </entry>\n"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.log.append(request)
        route: dict[tuple[str, str], Callable[[httpx.QueryParams], httpx.Response]] = {
            ("rss.arxiv.org", "/rss/cs+stat.ML"): lambda _: httpx.Response(200, content=self.day.rss),
            ("export.arxiv.org", "/api/query"): self.arxiv_ids,
            ("api.x.com", "/2/tweets/search/recent"): self.x_search,
            ("api.x.com", "/2/tweets"): self.x_lookup,
            ("public.api.bsky.app", "/xrpc/app.bsky.feed.getPosts"): self.get_posts,
            ("public.api.bsky.app", "/xrpc/app.bsky.actor.getProfiles"): self.get_profiles,
            ("hn.algolia.com", "/api/v1/search_by_date"): self.hn_search,
            ("huggingface.co", "/api/daily_papers"): self.hf_papers,
        }
        handler = route.get((request.url.host, request.url.path))
        if request.url.host == "hacker-news.firebaseio.com" and request.url.path.startswith("/v0/user/"):
            name = request.url.path.removeprefix("/v0/user/").removesuffix(".json")
            return _ok(dict(self.hn_user_t, id=name, karma=len(name) * 100))
        if handler is None and self.more is not None:
            answer = self.more(request)
            if answer is not None:
                return answer
        return handler(request.url.params) if handler else httpx.Response(404, json={"error": "NotFound"})

    def of(self, host: str, path: str) -> list[httpx.QueryParams]:
        return [r.url.params for r in self.log if r.url.host == host and r.url.path == path]

    def arxiv_ids(self, q: httpx.QueryParams) -> httpx.Response:
        ids = q["id_list"].split(",")
        entries = "".join(self.api_entry.replace("2202.12139", i) for i in ids)
        return httpx.Response(200, content=(self.api_head + entries + "</feed>\n").encode())

    def x_search(self, q: httpx.QueryParams) -> httpx.Response:
        """Recent search: newest first, ``max_results`` per page, ``next_token`` while more remain."""
        start, end = _time(q["start_time"]), _time(q["end_time"])
        found = [t for t in self.day.x_tweets if start <= _time(t["created_at"]) < end]
        size, offset = int(q["max_results"]), int(q.get("next_token", "page0").removeprefix("page"))
        data = found[offset : offset + size]
        meta: Json = {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"], "result_count": len(data)}
        if offset + size < len(found):
            meta["next_token"] = f"page{offset + size}"
        users = [self.day.x_users[a] for a in dict.fromkeys(t["author_id"] for t in data)]
        remaining = str(450 - len(self.of("api.x.com", "/2/tweets/search/recent")))
        return _ok({"data": data, "includes": {"users": users}, "meta": meta},
                   **{"x-rate-limit-remaining": remaining, "x-rate-limit-reset": str(int(syn.NOW.timestamp()) + 900)})

    def x_lookup(self, q: httpx.QueryParams) -> httpx.Response:
        """Tweet lookup: a ``data`` item with fresh ``public_metrics`` per id, a Not Found error per gone id."""
        error_t = syn.load_json("x/tweets_lookup_ids_1_to_15_all_not_found_academictwitteR.json")["errors"][0]
        data, errors = [], []
        for tweet_id in q["ids"].split(","):
            if tweet_id in self.day.x_gone:
                errors.append(json.loads(json.dumps(error_t).replace('"1"', f'"{tweet_id}"')
                                         .replace("[1]", f"[{tweet_id}]")))
                continue
            tweet = self.x_by_id[tweet_id]
            metrics = dict(tweet["public_metrics"], like_count=tweet["public_metrics"]["like_count"] + 1)
            data.append({"edit_history_tweet_ids": [tweet_id], "id": tweet_id, "text": tweet["text"],
                         "public_metrics": metrics})
        return _ok({"data": data, **({"errors": errors} if errors else {})})

    def get_posts(self, q: httpx.QueryParams) -> httpx.Response:
        """getPosts: at most 25 ``uris`` (the lexicon's maxLength), views in the order asked."""
        uris = q.get_list("uris")
        if len(uris) > 25:
            return httpx.Response(400, json=dict(self.bsky_error, message="uris must not have more than 25 elements"))
        return _ok({"posts": [self.day.bluesky_views[u] for u in uris if u in self.day.bluesky_views]})

    def get_profiles(self, q: httpx.QueryParams) -> httpx.Response:
        """getProfiles: at most 25 ``actors``; the recorded profile view with each asked DID and a handle."""
        actors = q.get_list("actors")
        if len(actors) > 25:
            return httpx.Response(400, json=dict(self.bsky_error, message="actors must not have more than 25 elements"))
        return _ok({"profiles": [dict(self.profile_t, did=a, handle=f"{a.rsplit(':', 1)[-1]}.bsky.social")
                                 for a in actors]})

    def hn_search(self, q: httpx.QueryParams) -> httpx.Response:
        """Algolia search_by_date: the numericFilters window, ``hitsPerPage`` hits of page ``page``."""
        low, high = (int(f.split("=" if "=" in f else "<")[-1]) for f in q["numericFilters"].split(","))
        hits = [h for h in self.day.hn_hits if low <= h["created_at_i"] < high]
        per_page, page = int(q["hitsPerPage"]), int(q["page"])
        body = {k: v for k, v in self.hn_template.items() if k != "hits"}
        body.update(hits=hits[page * per_page : (page + 1) * per_page], nbHits=len(hits), page=page,
                    nbPages=math.ceil(len(hits) / per_page), hitsPerPage=per_page, query=q["query"])
        return _ok(body)

    def hf_papers(self, q: httpx.QueryParams) -> httpx.Response:
        """daily_papers: the entries of ``date``, ``limit`` per page ``p``."""
        entries = self.day.hf_entries.get(dt.date.fromisoformat(q["date"]), [])
        limit, page = int(q["limit"]), int(q["p"])
        return _ok(entries[page * limit : (page + 1) * limit])


@dataclass
class Outcome:
    """What one scenario did."""

    name: str
    per_source: dict[str, int]
    reports: list[SourceReport]
    api: Api
    seconds: float
    embeds: int
    kept: int
    x_per_paper: Counter[ArxivId]


def seed_bluesky(store: SQLiteStore, day: syn.SyntheticDay) -> None:
    """What the Jetstream listener stored: each event parsed by the listener's own ``parse_event``."""
    events = [parse_event(line, syn.WINDOW[0]) for line in day.bluesky_events]
    store_records(store, [e.record for e in events if e is not None and isinstance(e.record, Post)])


def seed_x_yesterday(store: SQLiteStore, day: syn.SyntheticDay) -> None:
    """What yesterday's run stored: its recent-search pages parsed by the X source's own parser."""
    observed = syn.WINDOW[0] - dt.timedelta(minutes=20)
    for k in range(0, len(day.x_yesterday), 100):
        data = day.x_yesterday[k : k + 100]
        users = [day.x_users[a] for a in dict.fromkeys(t["author_id"] for t in data)]
        page = parse_search_page(json.dumps({"data": data, "includes": {"users": users}, "meta": {}}).encode(),
                                 observed)
        store_records(store, [r for pair in zip(page.posts, page.snapshots, strict=True) for r in pair])


def original_embeds(store: SQLiteStore) -> tuple[int, int]:
    """(embedded posts, kept papers) of classic over the X posts alone, as the original ranked tweets."""
    evidence = [replace(e, posts=tuple(p for p in e.posts if p.post.platform == "x"))
                for e in store.evidence_for_day(syn.DAY)]
    digest = rank_classic(evidence, date=syn.DAY, window_start=syn.WINDOW[0], window_end=syn.WINDOW[1],
                          generated_at=syn.NOW)
    return sum(len(p.posts) for p in digest.papers), len(digest.papers)


def run(name: str, day: syn.SyntheticDay, sources: more.NewSources, *, yesterday: bool,
        x_max_reads: str = "0") -> Outcome:
    """One daily run (ingest + collect) on a fresh temporary store; ``x_max_reads`` "" is the default budget."""
    api = Api(day, sources)
    transport = httpx.MockTransport(api)
    env = {"HOTPAPERS_X_BEARER_TOKEN": "benchmark-token", "HOTPAPERS_X_MAX_READS_PER_RUN": x_max_reads,
           "HOTPAPERS_X_MAX_READS_PER_DAY": x_max_reads, **more.ENV}
    environment = Environment(env=env, now=lambda: syn.NOW, sleep=lambda _: None, retry=NO_RETRIES,
                              transport=transport)
    with tempfile.TemporaryDirectory(prefix="hotpapers-bench-") as tmp:
        store = SQLiteStore(Path(tmp) / "bench.db")
        try:
            started = time.perf_counter()
            summaries = ingest(store, Settings(arxiv=ArxivSettings(delay_seconds=0.0)), days=None, now=syn.NOW,
                               transport=transport)
            seed_bluesky(store, day)
            if yesterday:
                seed_x_yesterday(store, day)
                store_records(store, [*sources.reddit_known, *sources.mastodon_known, *sources.youtube_known])
            reports = collect(store, load_registry(), day=syn.DAY, names=SOURCES, environment=environment)
            seconds = time.perf_counter() - started
            failed = [f"{r.name}: {r.error}" for r in reports if r.failed]
            assert not failed, failed
            embeds, kept = original_embeds(store)
            x_per_paper = Counter(link.arxiv_id for p in store.iter_posts() if p.platform == "x" for link in p.links)
        finally:
            store.close()
    per_source = {"arxiv": sum(s.requests for s in summaries)} | {r.name: r.requests for r in reports}
    assert sum(per_source.values()) == len(api.log), "the counted requests differ from the requests served"
    assert not api.of("export.arxiv.org", "/api/query"), "a daily run should not need the arXiv API"
    return Outcome(name, per_source, reports, api, seconds, embeds, kept, x_per_paper)


def _full_but_last(sizes: list[int], limit: int) -> bool:
    return bool(sizes) and all(s == limit for s in sizes[:-1]) and 0 < sizes[-1] <= limit


def _sizes(sizes: list[int]) -> str:
    """``100 x 10, last 50``: how many ids each request carried."""
    full = sum(1 for s in sizes if s == sizes[0])
    rest = sizes[full:]
    return f"{len(sizes)} requests: {sizes[0]} x {full}" + (f", then {', '.join(map(str, rest))}" if rest else "")


def check_batches(outcome: Outcome, day: syn.SyntheticDay) -> list[list[str]]:
    """Assert the batch limits are reached; return (check, what was seen) rows."""
    api = outcome.api
    lookups = [len(q["ids"].split(",")) for q in api.of("api.x.com", "/2/tweets")]
    uris = [len(q.get_list("uris")) for q in api.of("public.api.bsky.app", "/xrpc/app.bsky.feed.getPosts")]
    actors = [len(q.get_list("actors")) for q in api.of("public.api.bsky.app", "/xrpc/app.bsky.actor.getProfiles")]
    users = [r for r in api.log if r.url.host == "hacker-news.firebaseio.com"]
    searches = api.of("api.x.com", "/2/tweets/search/recent")
    hn = api.of("hn.algolia.com", "/api/v1/search_by_date")
    hf = api.of("huggingface.co", "/api/daily_papers")
    assert not lookups or _full_but_last(lookups, 100), lookups
    assert _full_but_last(uris, 25), uris
    assert _full_but_last(actors, 25), actors
    assert len(users) == len({h["author"] for h in day.hn_hits}), len(users)
    assert all(q["max_results"] == "100" for q in searches) and len(searches) == math.ceil(len(day.x_tweets) / 100)
    assert all(q["hitsPerPage"] == "1000" for q in hn) and all(q["limit"] == "100" for q in hf)
    return [["X search pages (100 posts each, next_token)", f"{len(searches)} pages, max_results=100 each"],
            ["X lookups: 100 ids except the last", _sizes(lookups)],
            ["Bluesky getPosts: 25 uris except the last", _sizes(uris)],
            ["Bluesky getProfiles: 25 actors except the last (one per author)", _sizes(actors)],
            ["Hacker News user profiles: one request per author", f"{len(users)} requests"],
            ["HN search_by_date: hitsPerPage=1000", f"{len(hn)} request(s)"],
            ["HF daily_papers: limit=100", f"{len(hf)} request(s): " + ", ".join(f"{q['date']} p={q['p']}"
                                                                                for q in hf)],
            *check_new_batches(outcome)]


def check_new_batches(outcome: Outcome) -> list[list[str]]:
    """The batch limits of the sources of issue 16, asserted; (check, what was seen) rows."""
    api = outcome.api
    info = [len(q["id"].split(",")) for q in api.of("oauth.reddit.com", "/api/info")]
    listings = [q for r in api.log if r.url.host == "oauth.reddit.com" and r.url.path != "/api/info"
                for q in [r.url.params]]
    statuses = [len(q.get_list("id[]")) for host in ("mastodon.social", "sigmoid.social")
                for q in api.of(host, "/api/v1/statuses")]
    videos = [len(q["id"].split(",")) for q in api.of("www.googleapis.com", "/youtube/v3/videos")]
    searches = api.of("www.googleapis.com", "/youtube/v3/search")
    assert _full_but_last(info, 100), info
    assert all(q["limit"] == "100" for q in listings)
    assert all(n <= 20 for n in statuses) and statuses, statuses
    assert all(n <= 50 for n in videos) and all(q["maxResults"] == "50" for q in searches)
    pages = Counter(r.url.path for r in api.log if r.url.host == "oauth.reddit.com" and "/r/" in r.url.path)
    return [["Reddit listings: limit=100, newest first, to the window's start (1,000 at most)",
             ", ".join(f"{path} {n}" for path, n in sorted(pages.items()))],
            ["Reddit /api/info: 100 fullnames except the last", _sizes(info)],
            ["Mastodon batch lookup: at most 20 id[] per request", _sizes(statuses)],
            ["YouTube: search 50 a page; videos.list at most 50 ids",
             f"{len(searches)} search pages; videos.list ids per request: {videos}"]]


def check_id_list(day: syn.SyntheticDay) -> str:
    """``ArxivClient.fetch_ids`` (not used by a daily run) on the day's 500 ids: batches of 100."""
    api = Api(day)
    with make_client(transport=httpx.MockTransport(api)) as http:
        papers = list(ArxivClient(http, delay_seconds=0.0).fetch_ids(day.paper_ids))
    sizes = [len(q["id_list"].split(",")) for q in api.of("export.arxiv.org", "/api/query")]
    assert _full_but_last(sizes, 100) and len(papers) == len(day.paper_ids), sizes
    return f"{_sizes(sizes)} ids; {len(papers)} papers parsed"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def main() -> None:
    logging.getLogger("hotpapers").setLevel(logging.ERROR)  # the X budget's warning is in the tables
    started = time.perf_counter()
    split = syn.Split()
    day = syn.make_day(split)
    sources = more.make(day)
    outcomes = [run("A: today only", day, sources, yesterday=False),
                run("B: + yesterday's posts", day, sources, yesterday=True),
                run("A, the default X read budget (2,000 a run)", day, sources, yesterday=False, x_max_reads="")]
    cols = ["arxiv", *SOURCES]
    print(f"Synthetic day {syn.DAY}: {split.papers} papers; posts: X {split.x}, Bluesky {split.bluesky} "
          f"(stored by Jetstream), Hacker News {split.hackernews}, Hugging Face {split.huggingface}; "
          f"scenario B adds {split.x_yesterday} X posts stored yesterday "
          f"({len(day.x_gone)} of them deleted since), and {len(sources.reddit_known)} Reddit, "
          f"{len(sources.mastodon_known)} Mastodon and {len(sources.youtube_known)} YouTube posts.\n")
    print(f"Volumes assumed for the new sources: {more.VOLUMES}.\n")
    print(table(["scenario", *cols, "total", "run time (s)"],
                [[o.name, *(str(o.per_source[c]) for c in cols), f"**{sum(o.per_source.values())}**",
                  f"{o.seconds:.1f}"] for o in outcomes]))
    print("\nRecords the sources yielded (posts / snapshots / gone / account profiles):\n")
    print(table(["scenario", *SOURCES], [[o.name, *(f"{r.posts} / {r.snapshots} / {r.gone} / "
                                                    f"{r.counted.get('profiles', 0)}" for r in o.reports)]
                                         for o in outcomes]))
    a = outcomes[0]
    paged = sum(max(1, math.ceil(a.x_per_paper.get(ArxivId(p), 0) / 100)) for p in day.paper_ids)
    ours = sum(a.per_source.values())
    print("\nOn the same day (scenario A):\n")
    rows = [["hotpapers (scenario A)", str(ours), "1.0"],
            [f"original: {split.papers} searches + {a.embeds} oEmbed (classic over X: {a.kept} papers kept)",
             str(split.papers + a.embeds), f"{(split.papers + a.embeds) / ours:.1f}"],
            [f"original with the archive's mean of {ARCHIVE_MEAN_EMBEDS:.1f} embeds/day",
             f"{split.papers + ARCHIVE_MEAN_EMBEDS:.0f}", f"{(split.papers + ARCHIVE_MEAN_EMBEDS) / ours:.1f}"],
            [f"original, paginating searches at 100 tweets ({paged} pages) + {a.embeds} oEmbed",
             str(paged + a.embeds), f"{(paged + a.embeds) / ours:.1f}"],
            [f"naive: one search per paper per platform ({split.papers} x {len(SOURCES)})",
             str(split.papers * len(SOURCES)), f"{split.papers * len(SOURCES) / ours:.1f}"]]
    print(table(["approach", "requests", "vs hotpapers"], rows))
    print("\nBatch limits (scenario B; asserted):\n")
    checks = check_batches(outcomes[1], day)
    feeds = [len(o.api.of("rss.arxiv.org", "/rss/cs+stat.ML")) for o in outcomes]
    checks.append(["arXiv in a run: RSS only, no API", f"RSS requests per run: {feeds}, API requests: 0"])
    checks.append(["arXiv id_list: 100 ids except the last (fetch_ids, outside the run)", check_id_list(day)])
    print(table(["check", "seen"], checks))
    print(f"\nTotal benchmark time: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
