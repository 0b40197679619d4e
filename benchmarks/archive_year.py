"""Data generator of ``archive_scale.py``: a year of hotpapers data as one native JSON Lines file, streamed.

At ``scale=1.0``: 250 listing days from 2024-01-02 with 600 announcements each (150,000 papers), 3,000,000
posts linking them and about 10,000,000 engagement snapshots. ``scale`` multiplies the papers per day and
so every count (the 250 days stay), so ``scale=0.01`` gives 6 papers a day, 30,000 posts, ~100,000 snapshots.

Nothing invents a shape. Every record is a template taken from the bundled sample
(``src/hotpapers/data/sample.jsonl``: its 37 papers, 200 X posts and their engagement), with only ids, URLs,
times, handles and counts changed; the Bluesky and Hacker News posts use the sample's texts with the ids and
URLs their sources build (``sources/bluesky/records.py``: ``at://did/app.bsky.feed.post/rkey`` and
``https://bsky.app/profile/did/post/rkey``; ``hackernews.py``: ``https://news.ycombinator.com/item?id=N``).

Shapes: posts per paper follow a Zipf law over a shuffled listing (most papers get a few posts, a handful get
hundreds); accounts are drawn by a Zipf law from a pool (so some accounts post about many papers a day, as
aggregators do); 6% of posts link two papers of the day, 4% are reposts of an earlier post of the day, 1% are
deleted; each post gets 1 to 6 snapshots (mean ~3.3) at growing ages with heavy-tailed (Pareto) counts that
never decrease. Everything comes from one seeded ``random.Random``: the same seed and scale give the same bytes.

Memory does not grow with the output: one day's records are built at a time; the engagement lines (which the
native order puts after every post) go to a temporary file next to the output, appended at the end.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from hotpapers.arxiv.calendar import announcement_time, is_listing_day, next_listing_day

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "hotpapers" / "data" / "sample.jsonl"
FIRST_DAY = dt.date(2024, 1, 2)
DAYS = 250
PAPERS_PER_DAY = 600
POSTS_PER_PAPER = 20.0  # 3,000,000 posts at scale 1
ACCOUNTS_PER_PAPER = 2.0  # the pool of accounts: 300,000 at scale 1
SNAPSHOT_AGES_H = (1, 6, 24, 72, 168, 720)  # snapshot k of a post is taken this many hours after it
SNAPSHOT_WEIGHTS = (8, 14, 30, 28, 14, 6)  # how many snapshots a post has (1..6): mean ~3.3
PLATFORMS = (("x", 0.70), ("bluesky", 0.22), ("hackernews", 0.08))
TWITTER_EPOCH_MS = 1288834974657
B32 = "abcdefghijklmnopqrstuvwxyz234567"
Json = dict[str, Any]


def _line(obj: Json) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS) + b"\n"


def _iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def listing_days(n: int = DAYS, first: dt.date = FIRST_DAY) -> list[dt.date]:
    """The first ``n`` listing days from ``first``."""
    day = first if is_listing_day(first) else next_listing_day(first)
    days = []
    for _ in range(n):
        days.append(day)
        day = next_listing_day(day)
    return days


def load_templates(sample: Path = SAMPLE) -> tuple[list[Json], list[Json], list[Json]]:
    """The sample's papers, posts and engagement records."""
    papers: list[Json] = []
    posts: list[Json] = []
    snaps: list[Json] = []
    for raw in sample.read_bytes().splitlines():
        obj = orjson.loads(raw)
        {"paper": papers, "post": posts, "engagement": snaps}.get(obj["type"], []).append(obj)
    return papers, posts, snaps


class _Zipf:
    """Draws 0..n-1 with weight 1/(k+1)^s."""

    def __init__(self, n: int, s: float) -> None:
        self.cum = list(itertools.accumulate(1.0 / (k + 1) ** s for k in range(n)))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cum, rng.random() * self.cum[-1])


def _pareto(rng: random.Random, scale: float) -> int:
    return int(scale * (rng.paretovariate(1.3) - 1.0))


def generate(out: Path, *, scale: float = 1.0, seed: int = 2024, days: int = DAYS,
             progress: bool = False) -> dict[str, int]:
    """Write the year to ``out``; return how many records of each type were written."""
    rng = random.Random(seed)
    paper_t, post_t, snap_t = load_templates()
    texts = [p["text"] for p in post_t]
    names = [(p["author_handle"], p["author_name"]) for p in post_t]
    per_day = max(1, round(PAPERS_PER_DAY * scale))
    posts_per_day = round(per_day * POSTS_PER_PAPER)
    n_accounts = max(10, round(per_day * DAYS * ACCOUNTS_PER_PAPER))
    accounts = _Zipf(min(n_accounts, 200_000), 1.05)
    paper_rank = _Zipf(per_day, 1.1)
    platforms = [name for name, _ in PLATFORMS]
    weights = [share for _, share in PLATFORMS]
    followers = {0: 0}
    counts = {"paper": 0, "announcement": 0, "post": 0, "repost": 0, "engagement": 0}
    the_days = listing_days(days)
    eng_path = out.with_name(f".{out.name}.engagement.tmp")
    seq = itertools.count()
    started = time.monotonic()
    with out.open("wb") as fh, eng_path.open("wb") as eng:
        fh.write(_line({"type": "header", "format": "hotpapers-native", "version": 1}))
        # Papers (by id: ids grow with the day), then announcements (by day, position), as the native order asks.
        ids: list[list[str]] = []
        for d, day in enumerate(the_days):
            yymm = day.strftime("%y%m")
            day_ids = [f"{yymm}.{(d % 23) * 1000 + 30000 + k:05d}" for k in range(per_day)]
            ids.append(day_ids)
            for k, arxiv_id in enumerate(day_ids):
                t = paper_t[(d * per_day + k) % len(paper_t)]
                when = announcement_time(day) - dt.timedelta(hours=20 + k % 50)
                fh.write(_line({**t, "type": "paper", "arxiv_id": arxiv_id, "version": 1 + (k % 7 == 0),
                                "submitted": _iso(when), "updated": _iso(when),
                                "abs_url": f"https://arxiv.org/abs/{arxiv_id}",
                                "pdf_url": f"https://arxiv.org/pdf/{arxiv_id}"}))
                counts["paper"] += 1
        types = ("new",) * 6 + ("cross", "replace", "replace-cross")
        for day, day_ids in zip(the_days, ids, strict=True):
            for k, arxiv_id in enumerate(day_ids):
                fh.write(_line({"type": "announcement", "date": day.isoformat(), "arxiv_id": arxiv_id,
                                "announce_type": types[k % len(types)], "position": k}))
                counts["announcement"] += 1
        # Posts, day by day; their snapshots go to the side file.
        for d, (day, day_ids) in enumerate(zip(the_days, ids, strict=True)):
            start = announcement_time(day)
            order = day_ids[:]
            rng.shuffle(order)
            originals: list[tuple[str, str]] = []
            for _ in range(posts_per_day):
                n = next(seq)
                platform = rng.choices(platforms, weights)[0]
                when = start + dt.timedelta(seconds=rng.randrange(24 * 3600))
                account = accounts.draw(rng)
                handle, name = names[account % len(names)]
                handle = f"{handle}{account}"
                if account not in followers:
                    followers[account] = _pareto(rng, 300.0) if len(followers) < 500_000 else 50
                linked = [order[paper_rank.draw(rng)]]
                if rng.random() < 0.06 and per_day > 1:
                    second = order[paper_rank.draw(rng)]
                    if second != linked[0]:
                        linked.append(second)
                kind = "original"
                references = None
                if originals and rng.random() < 0.04:
                    kind = "repost"
                    references, original_paper = originals[rng.randrange(len(originals))]
                    linked = [original_paper]
                if platform == "x":
                    ms = int(when.timestamp() * 1000) - TWITTER_EPOCH_MS
                    post_id = str((ms << 22) | (n & 0x3FFFFF))
                    url = f"https://x.com/{handle}/status/{post_id}"
                    author = handle
                elif platform == "bluesky":
                    did = f"did:plc:{''.join(B32[(account >> (5 * i)) % 32] for i in range(24))}"
                    rkey = "3l" + "".join(B32[(n >> (5 * i)) % 32] for i in range(11))
                    post_id = f"at://{did}/app.bsky.feed.post/{rkey}"
                    url = f"https://bsky.app/profile/{did}/post/{rkey}"
                    author = f"{handle}.bsky.social"
                else:
                    post_id = str(38_000_000 + n)
                    url = f"https://news.ycombinator.com/item?id={post_id}"
                    author = handle
                if kind == "original" and platform == "x":
                    originals.append((post_id, linked[0]))
                post = {
                    "type": "repost" if kind == "repost" else "post", "platform": platform, "post_id": post_id,
                    "url": url, "kind": kind, "author_handle": author, "author_name": name,
                    "author_followers": None if platform == "hackernews" else followers[account],
                    "text": texts[n % len(texts)], "language": "en", "created_at": _iso(when),
                    "references": references, "deleted": rng.random() < 0.01,
                    "links": [{"arxiv_id": a, "method": "url"} for a in linked], "arxiv_ids": linked,
                }
                fh.write(_line(post))
                counts[post["type"]] += 1
                base = _pareto(rng, 4.0)
                likes = reposts = replies = quotes = 0
                n_snaps = 1 + rng.choices(range(6), SNAPSHOT_WEIGHTS)[0]
                for age in SNAPSHOT_AGES_H[:n_snaps]:
                    likes += base + rng.randrange(3)
                    reposts += base // 4 + rng.randrange(2)
                    replies += base // 8
                    quotes += base // 16
                    extras = snap_t[n % len(snap_t)]["extras"]
                    eng.write(_line({"type": "engagement", "platform": platform, "post_id": post_id,
                                     "observed_at": _iso(when + dt.timedelta(hours=age)), "likes": likes,
                                     "reposts": reposts, "replies": replies, "quotes": quotes, "extras": extras}))
                    counts["engagement"] += 1
            if progress and d % 25 == 0:
                print(f"day {d}/{days} {counts} {time.monotonic() - started:.0f}s", file=sys.stderr, flush=True)
    with out.open("ab") as fh, eng_path.open("rb") as eng:
        shutil.copyfileobj(eng, fh, 1 << 20)
    eng_path.unlink()
    return counts


def main(argv: list[str] | None = None) -> int:
    """``python benchmarks/archive_year.py OUT --scale 0.01``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the full year (default 1.0)")
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args(argv)
    started = time.monotonic()
    counts = generate(args.out, scale=args.scale, seed=args.seed, progress=True)
    print(orjson.dumps({**counts, "seconds": round(time.monotonic() - started, 1),
                        "bytes": args.out.stat().st_size}).decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
