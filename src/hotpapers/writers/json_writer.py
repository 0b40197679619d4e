"""The JSON dataset writer (``json``): one stable, documented file per digest, for other programs.

``OUT/json/YYYY-MM-DD.json`` holds ``schema_version`` (:data:`SCHEMA_VERSION`), the digest (title, date, window,
generated_at, preset) and every ranked paper with its rank, score, counts, breakdown, the paper's metadata, the
posts shown with their engagement, its enrichment (``code``, ``artifacts``, ``citations``) and its summaries
(``tldr``, ``discussion``). The schema is
``docs/json-dataset.md``. Values are the stored ones, verbatim (titles are not whitespace-normalised; texts are not
escaped: they are JSON strings). The bytes are deterministic: keys sorted, two-space indent, a final newline,
datetimes as RFC 3339 UTC with ``Z``. The encoders of one record (``dataset_paper``, ``dataset_post``, …) are
public, so that what serves the same records elsewhere (the read API) gives them exactly these fields.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import orjson

from hotpapers._fs import atomic_write_bytes
from hotpapers.models import (
    Digest,
    EngagementSnapshot,
    Paper,
    PaperEnrichment,
    Post,
    RankedPaper,
    RankedPost,
    Summary,
    SummaryKind,
)
from hotpapers.writers._text import scrub

__all__ = [
    "SCHEMA_VERSION", "JsonWriter", "dataset_engagement", "dataset_enrichment", "dataset_paper", "dataset_post",
    "dataset_ranked", "dataset_summary", "dataset_time", "digest_dataset", "render_json",
]  # fmt: skip

SCHEMA_VERSION = 1
"""Bumped only for a change that can break a reader (a field removed, renamed or retyped); fields may be added
within a version, so readers ignore keys they do not know."""


class JsonWriter:
    """Writes ``out_dir/json/YYYY-MM-DD.json``."""

    name = "json"

    def write(self, digest: Digest, out_dir: Path) -> list[Path]:
        """Render ``digest`` and write it atomically under ``out_dir/json/``.

        Returns:
            The one path written.

        Raises:
            WriterError: the file could not be written.
        """
        path = out_dir / "json" / f"{digest.date.isoformat()}.json"
        atomic_write_bytes(path, render_json(digest))
        return [path]


def render_json(digest: Digest) -> bytes:
    """The dataset file of ``digest`` (pure: no I/O, no clock)."""
    return orjson.dumps(
        digest_dataset(digest), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    )


def digest_dataset(digest: Digest) -> dict[str, Any]:
    """The dataset of ``digest`` as plain JSON values (the document :func:`render_json` serialises)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "digest": {
            "title": scrub(digest.title),
            "date": digest.date.isoformat(),
            "window_start": dataset_time(digest.window_start),
            "window_end": dataset_time(digest.window_end),
            "generated_at": dataset_time(digest.generated_at),
            "preset": scrub(digest.preset),
        },
        "papers": [dataset_ranked(item) for item in digest.papers],
    }


def dataset_time(value: dt.datetime | None) -> str | None:
    """A date-time as the dataset writes it: RFC 3339, UTC, ``Z`` (None stays None)."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _text(value: str | None) -> str | None:
    return None if value is None else scrub(value)


def dataset_ranked(item: RankedPaper) -> dict[str, Any]:
    """A ranked paper as in ``papers[]``: rank, score, counts, breakdown, paper, posts, summaries, enrichment."""
    return {
        "rank": item.rank,
        "score": item.score,
        "reposts": item.reposts,
        "likes": item.likes,
        "counted_at": dataset_time(item.counted_at),
        "breakdown": [
            {"label": scrub(b.label), "value": b.value, **({"kind": b.kind} if b.kind else {})} for b in item.breakdown
        ],
        "paper": dataset_paper(item.paper),
        "posts": [dataset_post(p) for p in item.posts],
        "tldr": dataset_summary(item.tldr),
        "discussion": dataset_summary(item.discussion),
        **dataset_enrichment(item.enrichment),
        **({} if item.relevance is None else {"relevance": item.relevance}),  # a profile's digest (hot for me)
    }


def dataset_enrichment(value: PaperEnrichment | None) -> dict[str, Any]:
    """``code``, ``artifacts`` and ``citations`` (hotpapers enrich): always present, null where unknown."""
    code = value.code if value else None
    art = value.artifacts if value else None
    cit = value.citations if value else None
    return {
        "code": {
            "url": _text(code.url) if code else None,
            "host": code.host.value if code else None,
            "found_in": code.found_in.value if code else None,
            "stars": code.stars if code else None,
            "stars_per_day": code.stars_per_day if code else None,
            "stars_per_day_since": dataset_time(code.rate_since) if code else None,
            "observed_at": dataset_time(code.observed_at) if code else None,
        },
        "artifacts": {
            "models": art.models if art else None,
            "datasets": art.datasets if art else None,
            "spaces": art.spaces if art else None,
            "observed_at": dataset_time(art.observed_at) if art else None,
        },
        "citations": {
            "count": cit.count if cit else None,
            "influential": cit.influential if cit else None,
            "venue": _text(cit.venue) if cit else None,
            "observed_at": dataset_time(cit.observed_at) if cit else None,
        },
    }


def dataset_summary(summary: Summary | None) -> dict[str, Any] | None:
    """A TL;DR or discussion summary with its provenance; a discussion's claims cite post ids."""
    if summary is None:
        return None
    ids = [scrub(s.item_id) for s in summary.sources]
    found: dict[str, Any] = {
        "text": scrub(summary.text),
        "generator": scrub(summary.generator),
        "model": scrub(summary.model),
        "prompt_version": scrub(summary.prompt_version),
        "language": _text(summary.language),
        "created_at": dataset_time(summary.created_at),
        "sources": ids,
    }
    if summary.kind is SummaryKind.DISCUSSION:
        found["source_posts"] = [
            {"platform": scrub(s.platform), "post_id": scrub(s.item_id), "url": scrub(s.url),
             "author_handle": scrub(s.author)}
            for s in summary.sources
        ]
        found["claims"] = [{"text": scrub(c.text), "sources": [ids[i] for i in c.sources]} for c in summary.claims]
    return found


def dataset_paper(paper: Paper) -> dict[str, Any]:
    """A paper's metadata as in ``papers[].paper``."""
    return {
        "arxiv_id": paper.arxiv_id,
        "version": paper.version,
        "title": scrub(paper.title),
        "authors": [scrub(a) for a in paper.authors],
        "abstract": scrub(paper.abstract),
        "primary_category": scrub(paper.primary_category),
        "categories": [scrub(c) for c in paper.categories],
        "submitted": dataset_time(paper.submitted),
        "updated": dataset_time(paper.updated),
        "comment": _text(paper.comment),
        "journal_ref": _text(paper.journal_ref),
        "doi": _text(paper.doi),
        "abs_url": _text(paper.abs_url),
        "pdf_url": _text(paper.pdf_url),
        "html_url": _text(paper.html_url),
    }


def dataset_post(item: RankedPost) -> dict[str, Any]:
    """A post as in ``papers[].posts[]``, with its score and engagement."""
    post: Post = item.post
    return {
        "platform": scrub(post.platform),
        "post_id": scrub(post.post_id),
        "url": scrub(post.url),
        "author_handle": scrub(post.author_handle),
        "author_name": scrub(post.author_name),
        "author_followers": post.author_followers,
        "text": scrub(post.text),
        "language": _text(post.language),
        "created_at": dataset_time(post.created_at),
        "kind": post.kind.value,
        "references": _text(post.references),
        "deleted": post.deleted,
        "links": [{"arxiv_id": link.arxiv_id, "method": link.method.value} for link in post.links],
        "score": item.score,
        "engagement": dataset_engagement(item.engagement),
    }


def dataset_engagement(snapshot: EngagementSnapshot) -> dict[str, Any]:
    """Engagement counts as in ``papers[].posts[].engagement``."""
    return {
        "observed_at": dataset_time(snapshot.observed_at),
        "reposts": snapshot.reposts,
        "likes": snapshot.likes,
        "replies": snapshot.replies,
        "quotes": snapshot.quotes,
        "extras": {scrub(key): value for key, value in snapshot.extras},
    }
