"""Benchmark: what summarising adds to a daily run without a model (extractive TL;DRs and discussion summaries).

Builds a day of 500 papers and 2,000 posts from the bundled sample's real abstracts and post texts (cycled, each
paper and post with a new id; a paper's posts are drawn from the sample posts of one sample paper, so a paper keeps
the conversation it had), ranks it with ``default`` into a digest that lists every paper (the worst case: a digest
lists far fewer), and times ``summarize_digest`` on a temporary SQLite store three times: the first run (every
summary made and stored), a re-run (every summary current: nothing made), and a run after one new post per paper
(every discussion made again, the TL;DRs kept). Prints a Markdown table.

Run from the repository root: ``python benchmarks/summaries.py``. See docs/benchmarks.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path

from hotpapers.config import SummarySettings
from hotpapers.jobs.render import build_digest
from hotpapers.jobs.summarize import summarize_digest
from hotpapers.models import Announcement, AnnounceType, ArxivId, Digest, EngagementSnapshot, Paper, PaperLink, Post
from hotpapers.native.serialize import paper_from_dict, post_from_dict
from hotpapers.ranking.options import DefaultOptions
from hotpapers.store import open_store
from hotpapers.summarize.engine import Engine

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "hotpapers" / "data" / "sample.jsonl"
DAY = dt.date(2024, 11, 28)
NOW = dt.datetime(2024, 11, 29, 1, 40, tzinfo=dt.UTC)
PAPERS, POSTS = 500, 2000


def _sample() -> tuple[list[Paper], dict[str, list[Post]]]:
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    papers = [paper_from_dict(r) for r in records if r["type"] == "paper"]
    posts: dict[str, list[Post]] = {}
    for record in records:
        if record["type"] == "post":
            found = post_from_dict(record)
            posts.setdefault(found.arxiv_ids[0], []).append(found)
    return papers, posts


def make_day(seed: int = 20241128) -> tuple[list[Paper], list[Post], list[EngagementSnapshot]]:
    """500 papers (sample abstracts, cycled) and 2,000 posts about them (sample texts of the same sample paper)."""
    rng = random.Random(seed)
    templates, by_paper = _sample()
    papers = [
        dataclasses.replace(templates[i % len(templates)], arxiv_id=ArxivId(f"2411.{90000 + i}")) for i in range(PAPERS)
    ]
    posts, snaps = [], []
    for k in range(POSTS):
        i = k % PAPERS if k < PAPERS else rng.randrange(PAPERS)
        template = rng.choice(by_paper.get(templates[i % len(templates)].arxiv_id) or [])
        post_id = str(1_860_000_000_000_000_000 + k)
        posts.append(dataclasses.replace(template, post_id=post_id, links=(PaperLink(papers[i].arxiv_id,
                                                                                    template.links[0].method),),
                                         created_at=NOW - dt.timedelta(hours=rng.uniform(1, 23))))
        snaps.append(EngagementSnapshot("x", post_id, NOW, reposts=rng.randrange(50), likes=rng.randrange(500)))
    return papers, posts, snaps


def _timed(store: object, digest: Digest) -> tuple[float, Engine]:
    engine = Engine(SummarySettings(), now=NOW)
    start = time.perf_counter()
    summarize_digest(store, digest, engine)  # type: ignore[arg-type]
    return time.perf_counter() - start, engine


def main() -> None:
    """Build the day, time the three runs, print the table."""
    papers, posts, snaps = make_day()
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "bench.db")) as store:
        with store.transaction():
            store.upsert_papers(papers)
            store.add_announcements(Announcement(p.arxiv_id, DAY, AnnounceType.NEW, n) for n, p in enumerate(papers))
            store.upsert_posts(posts)
            store.add_snapshots(snaps)
        digest = build_digest(store, DAY, preset="default", now=NOW, options={"options": DefaultOptions(min_score=0.0)})
        rows = [("first run (every summary made)", *_timed(store, digest))]
        rows.append(("re-run (every summary current)", *_timed(store, digest)))
        extra = [dataclasses.replace(posts[i], post_id=f"new-{i}", text=f"A new remark number {i} on how the "
                 "method compares with the strongest baseline reported so far.") for i in range(PAPERS)]
        store.upsert_posts(extra)
        rows.append(("after one new post per paper", *_timed(store, digest)))
    print(f"Day: {len(papers)} papers, {len(posts)} posts; digest lists {len(digest.papers)} papers\n")
    print("| run | seconds | ms per listed paper | made | unchanged |")
    print("|---|---|---|---|---|")
    for name, seconds, engine in rows:
        made, kept = sum(engine.report.made.values()), sum(engine.report.reused.values())
        print(f"| {name} | {seconds:.2f} | {1000 * seconds / len(digest.papers):.1f} | {made} | {kept} |")


if __name__ == "__main__":
    main()
