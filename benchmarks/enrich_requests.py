"""Benchmark: HTTP requests and time of the enrichment stage for a day of 500 papers, all providers answering.

Runs the real job (``hotpapers.jobs.enrich.enrich``, the three built-in providers by name) on a temporary SQLite
store against one local HTTP server on 127.0.0.1 (``tests/helpers/localserver.py``) standing in for GitHub, Semantic
Scholar and the Hugging Face Hub. Every answer is a recorded (or, for the Hub, hand-made to its documented schema)
body of ``tests/fixtures``, with only ids changed:

* the day: 500 papers, the items of the recorded RSS listing that ``cs``/``stat.ML`` keeps, cycled with ids
  ``2411.9NNNN`` (``synthetic_day.rss_feed``); a seeded 30% of them get ``Code: https://github.com/bench/repo-N``
  appended to their abstract (a share chosen for the benchmark, not a measured one);
* posts: 5,000 X posts over the papers by the Zipf law ``synthetic_day`` uses (popularity 1/rank over a shuffled
  listing), so that some papers are discussed and many are not;
* GitHub: the recorded ``GET /repos/PyGithub/PyGithub`` body for every repository, each with an ETag of its own,
  and ``304`` to a request carrying it; Semantic Scholar: the recorded batch's entries (``null`` then three
  papers), repeated in order, one per id asked; the Hub: the hand-made record of 2411.17702 for every paper, with
  its ``githubRepo`` replaced by the paper's own repository (or removed when it has none).

Scenarios: A, the first run of the day; B, the same again at once (within every refresh interval); C, the next day
(stars older than 20 hours, artifacts and citations younger than 72); D, A with ``--all-papers``. Each scenario runs
``ROUNDS`` times, on a fresh store each round, and the best time is reported. The run time is measured with the
politeness spacing switched off (the providers' ``sleep`` records instead of sleeping); the
spacing the real services need is computed from the requests and printed beside it.

Run from the repository root: ``python benchmarks/enrich_requests.py``. See docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import tempfile
import time
import zlib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import orjson
import synthetic_day as syn

from hotpapers.arxiv.rss import parse_rss
from hotpapers.config import EnrichSettings
from hotpapers.enrich.hub import MIN_INTERVAL as HUB_INTERVAL
from hotpapers.enrich.scholar import BATCH
from hotpapers.enrich.scholar import MIN_INTERVAL as S2_INTERVAL
from hotpapers.http import NO_RETRIES
from hotpapers.jobs.enrich import ProviderReport, enrich
from hotpapers.jobs.environment import Environment
from hotpapers.jobs.registry import load_registry
from hotpapers.models import EngagementSnapshot, LinkMethod, PaperLink, Post
from hotpapers.store import SQLiteStore
from hotpapers.store.records import store_records

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))
from enrich_recordings import HF_PAPER, REPO, S2_BATCH, cassette, hub, replay_data  # noqa: E402
from localserver import Reply, Served, serve  # noqa: E402

PAPERS = 500
POSTS = 5000
CODE_SHARE = 0.3
SEED = 20241128
NOW = syn.NOW
PROVIDERS = ("scholarly", "artifacts", "code")
ROUNDS = 3


@dataclass
class Api:
    """The local services' answers; what they were asked is in ``served``."""

    served: Served
    repo_body: bytes
    s2_entries: list[object]
    hub_template: dict[str, object]
    repos: dict[str, str]  # arXiv id -> its repository, for the Hub's githubRepo

    def route(self, path: str) -> Reply | None:
        if path.startswith("/gh/repos/"):
            etag = f'W/"{zlib.crc32(path.encode()):08x}"'
            if self.served.headers[-1].get("If-None-Match") == etag:
                return Reply(b"", 304, headers={"ETag": etag})
            return Reply(self.repo_body, 200, "application/json; charset=utf-8", {"ETag": etag})
        if path.startswith("/s2/paper/batch"):
            ids = orjson.loads(self.served.bodies[-1])["ids"]
            body = [self.s2_entries[i % len(self.s2_entries)] for i in range(len(ids))]
            return Reply(orjson.dumps(body), content_type="application/json")
        if path.startswith("/hf/papers/"):
            arxiv_id = path.removeprefix("/hf/papers/")
            record = {**self.hub_template, "id": arxiv_id, "githubRepo": self.repos.get(arxiv_id)}
            return Reply(orjson.dumps(record), content_type="application/json")
        return None


def make_store(path: Path) -> tuple[SQLiteStore, dict[str, str], int]:
    """The day's 500 papers (30% with a repository in their abstract) and 5,000 posts; the distinct discussed."""
    rng = random.Random(SEED)
    rss, ids = syn.rss_feed(PAPERS)
    feed = parse_rss(rss)
    with_code = set(rng.sample(ids, int(CODE_SHARE * PAPERS)))
    repos = {i: f"https://github.com/bench/repo-{i.replace('.', '-')}" for i in sorted(with_code)}
    papers = [replace(p, abstract=f"{p.abstract} Code: {repos[p.arxiv_id]}") if p.arxiv_id in repos else p
              for p in feed.papers]  # fmt: skip
    ranked = rng.sample(ids, len(ids))
    weights = [1 / (rank + 1) for rank in range(len(ranked))]
    chosen = rng.choices(ranked, weights, k=POSTS)
    posts = [Post("x", str(10**15 + k), f"https://x.com/u/status/{k}", f"user{k % 997}", f"User {k % 997}",
                  "a paper", NOW - dt.timedelta(hours=2), (PaperLink(p, LinkMethod.URL),))  # type: ignore[arg-type]
             for k, p in enumerate(chosen)]  # fmt: skip
    snaps = [EngagementSnapshot("x", p.post_id, NOW - dt.timedelta(hours=1), likes=3) for p in posts]
    store = SQLiteStore(path)
    store_records(store, [*papers, *feed.announcements, *posts, *snaps])
    return store, repos, len(set(chosen))


def run(store: SQLiteStore, api: Api, now: dt.datetime, settings: EnrichSettings) -> tuple[list[ProviderReport],
                                                                                            float, Counter[str]]:
    """One enrichment of the day; its reports, wall seconds and requests per service."""
    env = {"HOTPAPERS_GITHUB_API_URL": f"{api.served.url}/gh", "HOTPAPERS_S2_API_URL": f"{api.served.url}/s2",
           "HOTPAPERS_HF_API_URL": f"{api.served.url}/hf"}  # fmt: skip
    before = len(api.served.requests)
    environment = Environment(env=env, now=lambda: now, sleep=lambda s: None, retry=NO_RETRIES)
    started = time.perf_counter()
    reports = enrich(store, load_registry(), days=[syn.DAY], names=list(PROVIDERS), environment=environment,
                     settings=settings)  # fmt: skip
    seconds = time.perf_counter() - started
    asked = Counter(p.split("/")[1] for p in api.served.requests[before:])
    return reports, seconds, asked


def _floor(asked: Counter[str]) -> float:
    """Seconds the real services' spacing needs: the Hub 0.6 s and Semantic Scholar 1 s between requests."""
    return max(asked["hf"] - 1, 0) * HUB_INTERVAL + max(asked["s2"] - 1, 0) * S2_INTERVAL


Row = tuple[str, list[ProviderReport], list[float], Counter[str]]


def _rounds(api: Api, tmp: Path, scenarios: list[tuple[str, dt.datetime, EnrichSettings]]) -> list[Row]:
    """Each of ``ROUNDS`` rounds runs the scenarios in order on a fresh store; counts must agree between rounds."""
    rows: list[Row] = []
    for number in range(ROUNDS):
        store, _, _ = make_store(tmp / f"{scenarios[0][0][0]}{number}.db")
        for k, (name, now, settings) in enumerate(scenarios):
            reports, seconds, asked = run(store, api, now, settings)
            if number == 0:
                rows.append((name, reports, [seconds], asked))
            else:
                assert [r.requests for r in reports] == [r.requests for r in rows[k][1]], name
                rows[k][2].append(seconds)
        store.close()
    return rows


def main() -> None:
    """Run the four scenarios and print the tables of docs/benchmarks.md."""
    api = Api(Served(""), replay_data(REPO)[0].body, orjson.loads(cassette(S2_BATCH)[0].body),
              orjson.loads(hub(HF_PAPER)), {})  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, serve(api.route) as local:
        api.served = local
        store, repos, discussed = make_store(Path(tmp) / "day.db")
        with_code = _discussed_with_code(store, repos)
        store.close()
        api.repos = repos
        rows = _rounds(api, Path(tmp), [
            ("A: first run of the day", NOW, EnrichSettings()),
            ("B: again at once", NOW, EnrichSettings()),
            ("C: the next day", NOW + dt.timedelta(days=1), EnrichSettings()),
        ])  # fmt: skip
        rows += _rounds(api, Path(tmp), [("D: first run, --all-papers", NOW, EnrichSettings(all_papers=True))])
        s2_sizes = sorted({len(orjson.loads(b)["ids"]) for b, p in zip(local.bodies, local.requests, strict=True)
                           if p.startswith("/s2/")})  # fmt: skip
        conditional = sum(1 for h, p in zip(local.headers, local.requests, strict=True)
                          if p.startswith("/gh/") and "If-None-Match" in h) // ROUNDS  # fmt: skip
    _print(rows, discussed, with_code, len(repos), s2_sizes, conditional)


def _discussed_with_code(store: SQLiteStore, repos: dict[str, str]) -> int:
    return sum(1 for e in store.evidence_for_day(syn.DAY) if e.posts and e.paper.arxiv_id in repos)


def _print(rows: list[Row], discussed: int, discussed_code: int, repos: int, s2_sizes: list[int],
           conditional: int) -> None:
    print(f"Day: {PAPERS} papers, {repos} with a GitHub repository in the abstract; {POSTS} posts over "
          f"{discussed} discussed papers, {discussed_code} of them with a repository.\n")
    print("| scenario | scholarly (Semantic Scholar) | artifacts (Hub) | code (GitHub) | total | of which 304 "
          f"| run time, best of {ROUNDS} (s) | spread (s) | spacing the real services need (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, reports, times, asked in rows:
        by = {r.name: r for r in reports}
        failed = [r.name for r in reports if r.failed]
        assert not failed, failed
        total = sum(r.requests for r in reports)
        print(f"| {name} | {by['scholarly'].requests} | {by['artifacts'].requests} | {by['code'].requests} | "
              f"**{total}** | {sum(r.not_modified for r in reports)} | {min(times):.2f} | "
              f"{min(times):.2f}-{max(times):.2f} | {_floor(asked):.0f} |")
    print("\n| approach (scenario A's day) | requests | vs hotpapers |")
    print("|---|---|---|")
    first = sum(r.requests for r in rows[0][1])
    naive = PAPERS + 3 * discussed + rows[0][1][2].requests
    print(f"| hotpapers (A) | {first} | 1.0 |")
    print(f"| one Semantic Scholar request per paper, models/datasets/Spaces searched per paper | {naive} | "
          f"{naive / first:.1f} |")
    print("\n| check | seen |\n|---|---|")
    print(f"| Semantic Scholar ids per batch (limit {BATCH}) | {s2_sizes} |")
    print(f"| GitHub requests with If-None-Match (C asks again with each stored ETag) | {conditional} |")
    print(f"| Semantic Scholar batches for {PAPERS} papers | {math.ceil(PAPERS / BATCH)} |")


if __name__ == "__main__":
    main()
