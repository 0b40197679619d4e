"""Records <-> plain JSON-able dicts: the one place that knows the native field names.

Used by the native export/import (``hotpapers.native``), by the store for published digests, and by
writers that emit JSON. Datetimes are ISO 8601 in UTC with a ``Z`` suffix, dates are ``YYYY-MM-DD``.
Every ``*_from_dict`` raises ``ValueError``/``KeyError``/``TypeError`` on a bad record; callers wrap those
into ``InputError`` with the file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hotpapers.arxiv.ids import canonical_id
from hotpapers.models import (
    Announcement,
    AnnounceType,
    ArtifactCounts,
    BreakdownItem,
    CitationInfo,
    Claim,
    CodeHost,
    CodeInfo,
    Digest,
    EngagementSnapshot,
    FoundIn,
    LinkMethod,
    Paper,
    PaperEnrichment,
    PaperLink,
    Post,
    PostKind,
    RankedPaper,
    RankedPost,
    SourceRef,
    Summary,
    SummaryKind,
)

__all__ = [
    "announcement_from_dict",
    "announcement_to_dict",
    "digest_from_dict",
    "digest_to_dict",
    "enrichment_from_dict",
    "enrichment_to_dict",
    "format_datetime",
    "paper_from_dict",
    "paper_to_dict",
    "parse_datetime",
    "post_from_dict",
    "post_to_dict",
    "snapshot_from_dict",
    "snapshot_to_dict",
    "summary_from_dict",
    "summary_to_dict",
]

JSON = dict[str, Any]


def format_datetime(value: dt.datetime) -> str:
    """``2021-04-20T00:43:48Z`` (microseconds only when present); the value must be aware."""
    text = value.astimezone(dt.UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def parse_datetime(text: object, field: str = "datetime") -> dt.datetime:
    """Parse an ISO 8601 date-time that carries an offset; raise ``ValueError`` naming ``field``."""
    if not isinstance(text, str):
        raise TypeError(f"{field}: expected an ISO 8601 string, got {type(text).__name__}")
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field}: not an ISO 8601 date-time: {text[:80]!r}") from None
    if value.tzinfo is None:
        raise ValueError(f"{field}: date-time has no UTC offset: {text[:80]!r}")
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:  # an offset that moves the instant past year 1 or 9999
        raise ValueError(f"{field}: {text!r} is outside the range of dates") from None


def _opt_dt(value: object, field: str) -> dt.datetime | None:
    return None if value is None else parse_datetime(value, field)


def _fmt_opt(value: dt.datetime | None) -> str | None:
    return None if value is None else format_datetime(value)


def _str(obj: JSON, key: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise TypeError(f"{key}: expected a string, got {type(value).__name__}")
    return value


def _opt_str(obj: JSON, key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key}: expected a string or null, got {type(value).__name__}")
    return value


def _int(obj: JSON, key: str, default: int | None = None) -> int:
    value = obj.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key}: expected an integer, got {type(value).__name__}")
    return value


def _objects(value: object, field: str) -> list[JSON]:
    """``value`` if it is a list of JSON objects."""
    if not isinstance(value, list):
        raise TypeError(f"{field}: expected a list, got {type(value).__name__}")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise TypeError(f"{field}[{i}]: expected an object, got {type(item).__name__}")
    return value


def _object(obj: JSON, key: str) -> JSON:
    value = obj[key]
    if not isinstance(value, dict):
        raise TypeError(f"{key}: expected an object, got {type(value).__name__}")
    return value


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(obj: JSON, key: str) -> dt.date:
    """A date written ``YYYY-MM-DD`` (``date.fromisoformat`` also takes ``20210219``, which the format is not)."""
    text = _str(obj, key)
    if not _DATE.fullmatch(text):
        raise ValueError(f"{key}: not a date YYYY-MM-DD: {text[:80]!r}")
    return dt.date.fromisoformat(text)


def _str_list(obj: JSON, key: str) -> tuple[str, ...]:
    value = obj[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{key}: expected a list of strings")
    return tuple(value)


def paper_to_dict(paper: Paper) -> JSON:
    """The native record of a paper."""
    return {
        "arxiv_id": paper.arxiv_id,
        "version": paper.version,
        "title": paper.title,
        "authors": list(paper.authors),
        "abstract": paper.abstract,
        "primary_category": paper.primary_category,
        "categories": list(paper.categories),
        "submitted": _fmt_opt(paper.submitted),
        "updated": _fmt_opt(paper.updated),
        "comment": paper.comment,
        "journal_ref": paper.journal_ref,
        "doi": paper.doi,
        "abs_url": paper.abs_url,
        "pdf_url": paper.pdf_url,
        "html_url": paper.html_url,
    }


def paper_from_dict(obj: JSON) -> Paper:
    """Parse a native paper record."""
    return Paper(
        arxiv_id=canonical_id(_str(obj, "arxiv_id")),
        version=_int(obj, "version", 1),
        title=_str(obj, "title"),
        authors=_str_list(obj, "authors"),
        abstract=_str(obj, "abstract"),
        primary_category=_str(obj, "primary_category"),
        categories=_str_list(obj, "categories"),
        submitted=_opt_dt(obj.get("submitted"), "submitted"),
        updated=_opt_dt(obj.get("updated"), "updated"),
        comment=_opt_str(obj, "comment"),
        journal_ref=_opt_str(obj, "journal_ref"),
        doi=_opt_str(obj, "doi"),
        abs_url=_opt_str(obj, "abs_url"),
        pdf_url=_opt_str(obj, "pdf_url"),
        html_url=_opt_str(obj, "html_url"),
    )


def announcement_to_dict(ann: Announcement) -> JSON:
    """The native record of an announcement."""
    return {
        "arxiv_id": ann.arxiv_id,
        "date": ann.date.isoformat(),
        "announce_type": ann.announce_type.value,
        "position": ann.position,
    }


def announcement_from_dict(obj: JSON) -> Announcement:
    """Parse a native announcement record."""
    return Announcement(
        arxiv_id=canonical_id(_str(obj, "arxiv_id")),
        date=_date(obj, "date"),
        announce_type=AnnounceType(_str(obj, "announce_type")),
        position=_int(obj, "position", 0),
    )


def post_to_dict(post: Post) -> JSON:
    """The native record of a post (reposts included; the exporter names their type)."""
    return {
        "platform": post.platform,
        "post_id": post.post_id,
        "url": post.url,
        "kind": post.kind.value,
        "author_handle": post.author_handle,
        "author_name": post.author_name,
        "author_followers": post.author_followers,
        "text": post.text,
        "language": post.language,
        "created_at": format_datetime(post.created_at),
        "references": post.references,
        "deleted": post.deleted,
        "arxiv_ids": list(post.arxiv_ids),
        "links": [{"arxiv_id": link.arxiv_id, "method": link.method.value} for link in post.links],
    }


def _links(obj: JSON) -> tuple[PaperLink, ...]:
    raw = obj.get("links")
    if raw is None:  # a hand-written record may give only arxiv_ids
        return tuple(PaperLink(canonical_id(i), LinkMethod.URL) for i in _str_list(obj, "arxiv_ids"))
    return tuple(
        PaperLink(canonical_id(_str(item, "arxiv_id")), LinkMethod(_str(item, "method")))
        for item in _objects(raw, "links")
    )


def post_from_dict(obj: JSON) -> Post:
    """Parse a native post record."""
    followers = obj.get("author_followers")
    deleted = obj.get("deleted", False)
    if not isinstance(deleted, bool):
        raise TypeError("deleted: expected true or false")
    return Post(
        platform=_str(obj, "platform"),
        post_id=_str(obj, "post_id"),
        url=_str(obj, "url"),
        kind=PostKind(obj.get("kind", "original")),
        author_handle=_str(obj, "author_handle"),
        author_name=_str(obj, "author_name"),
        author_followers=None if followers is None else _int(obj, "author_followers"),
        text=_str(obj, "text"),
        language=_opt_str(obj, "language"),
        created_at=parse_datetime(obj.get("created_at"), "created_at"),
        references=_opt_str(obj, "references"),
        deleted=deleted,
        links=_links(obj),
    )


def snapshot_to_dict(snap: EngagementSnapshot) -> JSON:
    """The native record of an engagement snapshot."""
    return {
        "platform": snap.platform,
        "post_id": snap.post_id,
        "observed_at": format_datetime(snap.observed_at),
        "reposts": snap.reposts,
        "likes": snap.likes,
        "replies": snap.replies,
        "quotes": snap.quotes,
        "extras": dict(snap.extras),
    }


def snapshot_from_dict(obj: JSON) -> EngagementSnapshot:
    """Parse a native engagement record."""
    extras = obj.get("extras") or {}
    if not isinstance(extras, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in extras.values()
    ):
        raise TypeError("extras: expected an object of integers")
    return EngagementSnapshot(
        platform=_str(obj, "platform"),
        post_id=_str(obj, "post_id"),
        observed_at=parse_datetime(obj.get("observed_at"), "observed_at"),
        reposts=_int(obj, "reposts", 0),
        likes=_int(obj, "likes", 0),
        replies=_int(obj, "replies", 0),
        quotes=_int(obj, "quotes", 0),
        extras=tuple(sorted(extras.items())),
    )


def enrichment_to_dict(value: PaperEnrichment) -> JSON:
    """A ranked paper's enrichment as shown (code, artifacts, citations), in a published digest."""
    code, art, cit = value.code, value.artifacts, value.citations
    return {
        "code": None if code is None else {
            "url": code.url, "host": code.host.value, "found_in": code.found_in.value, "stars": code.stars,
            "stars_per_day": code.stars_per_day, "observed_at": _fmt_opt(code.observed_at),
            "rate_since": _fmt_opt(code.rate_since),
        },
        "artifacts": None if art is None else {
            "models": art.models, "datasets": art.datasets, "spaces": art.spaces,
            "observed_at": format_datetime(art.observed_at),
        },
        "citations": None if cit is None else {
            "count": cit.count, "influential": cit.influential, "venue": cit.venue,
            "observed_at": format_datetime(cit.observed_at), "s2_id": cit.s2_id,
        },
    }  # fmt: skip


def _section(obj: JSON, key: str) -> JSON | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, dict):
        raise TypeError(f"enrichment.{key}: expected an object or null")
    return value


def _opt_int(obj: JSON, key: str) -> int | None:
    return None if obj.get(key) is None else _int(obj, key)


def _opt_number(obj: JSON, key: str) -> float | None:
    return None if obj.get(key) is None else _number(obj, key)


def enrichment_from_dict(obj: object) -> PaperEnrichment:
    """Parse a ranked paper's ``enrichment``."""
    if not isinstance(obj, dict):
        raise TypeError("enrichment: expected an object")
    code, art, cit = _section(obj, "code"), _section(obj, "artifacts"), _section(obj, "citations")
    return PaperEnrichment(
        code=None if code is None else CodeInfo(
            _str(code, "url"), CodeHost(_str(code, "host")), FoundIn(_str(code, "found_in")),
            _opt_int(code, "stars"), _opt_number(code, "stars_per_day"),
            _opt_dt(code.get("observed_at"), "observed_at"), _opt_dt(code.get("rate_since"), "rate_since"),
        ),
        artifacts=None if art is None else ArtifactCounts(
            _int(art, "models"), _int(art, "datasets"), _int(art, "spaces"),
            parse_datetime(art.get("observed_at"), "observed_at"),
        ),
        citations=None if cit is None else CitationInfo(
            _opt_int(cit, "count"), _opt_int(cit, "influential"), _opt_str(cit, "venue"),
            parse_datetime(cit.get("observed_at"), "observed_at"), _opt_str(cit, "s2_id"),
        ),
    )  # fmt: skip


def summary_to_dict(summary: Summary) -> JSON:
    """The native record of a summary (a TL;DR or discussion summary with its provenance)."""
    return {
        "arxiv_id": summary.arxiv_id,
        "kind": summary.kind.value,
        "text": summary.text,
        "generator": summary.generator,
        "model": summary.model,
        "prompt_version": summary.prompt_version,
        "language": summary.language,
        "created_at": format_datetime(summary.created_at),
        "input_hash": summary.input_hash,
        "sources": [
            {"platform": s.platform, "id": s.item_id, "url": s.url, "author": s.author} for s in summary.sources
        ],
        "claims": [{"text": c.text, "sources": list(c.sources)} for c in summary.claims],
        "input_tokens": summary.input_tokens,
        "output_tokens": summary.output_tokens,
    }


def _claim(obj: JSON) -> Claim:
    sources = obj["sources"]
    if not isinstance(sources, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in sources):
        raise TypeError("claims: sources: expected a list of integers")
    return Claim(_str(obj, "text"), tuple(sources))


def summary_from_dict(obj: JSON) -> Summary:
    """Parse a native summary record."""
    sources, claims = obj.get("sources", []), obj.get("claims", [])
    if not isinstance(sources, list) or not isinstance(claims, list):
        raise TypeError("sources, claims: expected lists")
    return Summary(
        arxiv_id=canonical_id(_str(obj, "arxiv_id")),
        kind=SummaryKind(_str(obj, "kind")),
        text=_str(obj, "text"),
        generator=_str(obj, "generator"),
        model=_str(obj, "model"),
        prompt_version=_str(obj, "prompt_version"),
        language=_opt_str(obj, "language"),
        created_at=parse_datetime(obj.get("created_at"), "created_at"),
        input_hash=_str(obj, "input_hash"),
        sources=tuple(
            SourceRef(_str(s, "platform"), _str(s, "id"), _str(s, "url"), _str(s, "author")) for s in sources
        ),
        claims=tuple(_claim(c) for c in claims),
        input_tokens=_opt_int(obj, "input_tokens"),
        output_tokens=_opt_int(obj, "output_tokens"),
    )


def _summaries_to_dict(item: RankedPaper) -> JSON:
    """A ranked paper's summaries, present only when it has them (older records stay byte-identical)."""
    found = {"tldr": item.tldr, "discussion": item.discussion}
    return {key: summary_to_dict(value) for key, value in found.items() if value is not None}


def _opt_summary(obj: JSON, key: str) -> Summary | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError(f"{key}: expected an object or null")
    return summary_from_dict(value)


def _ranked_paper_to_dict(item: RankedPaper) -> JSON:
    extra = {} if item.enrichment is None else {"enrichment": enrichment_to_dict(item.enrichment)}
    relevance = {} if item.relevance is None else {"relevance": item.relevance}  # a profile's digest (hot for me)
    return {
        **extra,
        **relevance,
        **_summaries_to_dict(item),
        "rank": item.rank,
        "score": item.score,
        "reposts": item.reposts,
        "likes": item.likes,
        "counted_at": _fmt_opt(item.counted_at),
        "paper": paper_to_dict(item.paper),
        "breakdown": [_breakdown_item(b) for b in item.breakdown],
        "posts": [
            {
                "score": rp.score,
                "post": post_to_dict(rp.post),
                "engagement": snapshot_to_dict(rp.engagement),
            }
            for rp in item.posts
        ],
    }


def _breakdown_item(item: BreakdownItem) -> JSON:
    """``label`` and ``value``, and ``kind`` when the preset gave one (so digests without kinds stay as they were)."""
    return {"label": item.label, "value": item.value, **({"kind": item.kind} if item.kind else {})}


def _number(obj: JSON, key: str) -> float:
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{key}: expected a number")
    return float(value)


def _ranked_paper_from_dict(obj: JSON) -> RankedPaper:
    enrichment = obj.get("enrichment")
    return RankedPaper(
        enrichment=None if enrichment is None else enrichment_from_dict(enrichment),
        rank=_int(obj, "rank"),
        score=_number(obj, "score"),
        reposts=_int(obj, "reposts", 0),
        likes=_int(obj, "likes", 0),
        counted_at=_opt_dt(obj.get("counted_at"), "counted_at"),
        paper=paper_from_dict(_object(obj, "paper")),
        breakdown=tuple(
            BreakdownItem(_str(b, "label"), _number(b, "value"), _opt_str(b, "kind") or "")
            for b in _objects(obj["breakdown"], "breakdown")
        ),
        posts=tuple(
            RankedPost(
                post=post_from_dict(_object(p, "post")),
                engagement=snapshot_from_dict(_object(p, "engagement")),
                score=_number(p, "score"),
            )
            for p in _objects(obj["posts"], "posts")
        ),
        tldr=_opt_summary(obj, "tldr"),
        discussion=_opt_summary(obj, "discussion"),
        relevance=_number(obj, "relevance") if obj.get("relevance") is not None else None,
    )


def digest_to_dict(digest: Digest) -> JSON:
    """The native record of a published digest: self-contained, so it re-renders identically."""
    return {
        "title": digest.title,
        "date": digest.date.isoformat(),
        "preset": digest.preset,
        "window_start": format_datetime(digest.window_start),
        "window_end": format_datetime(digest.window_end),
        "generated_at": format_datetime(digest.generated_at),
        "papers": [_ranked_paper_to_dict(p) for p in digest.papers],
    }


def digest_from_dict(obj: JSON) -> Digest:
    """Parse a native digest record."""
    papers = _objects(obj["papers"], "papers")
    return Digest(
        title=_str(obj, "title"),
        date=_date(obj, "date"),
        preset=_str(obj, "preset"),
        window_start=parse_datetime(obj.get("window_start"), "window_start"),
        window_end=parse_datetime(obj.get("window_end"), "window_end"),
        generated_at=parse_datetime(obj.get("generated_at"), "generated_at"),
        papers=tuple(_ranked_paper_from_dict(p) for p in papers),
    )
