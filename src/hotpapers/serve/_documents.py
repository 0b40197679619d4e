"""The JSON documents the API and the MCP server share: a paper with everything known of it, a search result."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hotpapers.serve import _data as data
from hotpapers.serve._reader import PaperView, SearchHit

__all__ = ["API", "hit_document", "paper_document"]

API = "/api/v1"
"""Where the API's routes start."""


def paper_document(view: PaperView) -> dict[str, Any]:
    """The paper resource (docs/api.md): metadata, enrichment, summaries, appearances, posts with history."""
    arxiv_id = view.paper.arxiv_id
    newest = view.appearances[0][1] if view.appearances else None
    appearances = []
    for digest, ranked in view.appearances:
        entry = data.ranked_json(ranked)
        appearances.append({
            "date": digest.date.isoformat(), "preset": digest.preset,
            **{k: entry[k] for k in ("rank", "score", "reposts", "likes", "counted_at", "breakdown")},
            "links": {"digest": f"{API}/digests/{digest.date.isoformat()}?preset={digest.preset}"},
        })  # fmt: skip
    posts = []
    for evidence in view.posts:
        post = data.post_json(evidence)
        history = view.series.get((evidence.post.platform, evidence.post.post_id), ())
        post["history"] = [data.snapshot_json(s) for s in history]
        posts.append(post)
    series = data.engagement_series(view.posts, view.series)
    return {
        "paper": data.paper_json(view.paper),
        **data.enrichment_json(view.enrichment),
        **data.summary_json(newest),
        "appearances": appearances,
        "posts": posts,
        "engagement": [{"observed_at": data.time_json(t), "total": n} for t, n in series],
        "links": {
            "self": f"{API}/papers/{quote(arxiv_id)}",
            "site": f"/{data.paper_path(arxiv_id)}" if view.appearances else None,
        },
    }


def hit_document(hit: SearchHit) -> dict[str, Any]:
    entry = hit.entry
    day = hit.day.isoformat()
    return {
        "arxiv_id": entry.arxiv_id,
        "title": data.scrub(entry.title),
        "authors": [data.scrub(a) for a in entry.authors],
        "categories": list(entry.categories),
        "has_code": entry.code,
        "relevance": hit.relevance,
        "appearance": {"date": day, "preset": hit.preset, "rank": entry.rank, "score": entry.score},
        "links": {
            "paper": f"{API}/papers/{quote(entry.arxiv_id)}",
            "digest": f"{API}/digests/{day}?preset={hit.preset}",
            "site": f"/{data.paper_path(entry.arxiv_id)}",
        },
    }
