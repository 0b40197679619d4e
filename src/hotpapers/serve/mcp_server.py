"""The MCP server (``hotpapers mcp``): the read API's reads as tools an assistant can call.

Built with the official ``mcp`` package's high-level server (``MCPServer``, the API that mcp 1 called ``FastMCP``),
over the same ``Reader`` as ``hotpapers serve``, so an assistant asking "what is hot in cs.CL this week?" gets the
same rankings as the API and the site:

* ``hot_papers``: a ranked list: a day's published digest, or a week's or month's roll-up, or ``rising``; narrowed by
  category, keyword or code; the top ``limit`` papers, each with why it ranks there and its most engaged post;
* ``paper``: one paper with its posts, their engagement history and every ranking that lists it;
* ``search``: the papers of published digests whose text holds every word of a query.

``hotpapers mcp`` runs it on standard input and output; docs/mcp.md says how to register it in an assistant.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from hotpapers.serve import _data as data
from hotpapers.serve._documents import hit_document, paper_document
from hotpapers.serve._params import parse_day
from hotpapers.serve._reader import Reader, ViewSpec

__all__ = ["create_server"]

Window = Literal["day", "week", "month", "rising"]
MAX_LIMIT = 100

INSTRUCTIONS = (
    "hotpapers ranks the new arXiv papers (cs and stat.ML) by how much people discuss them on X, Bluesky, Hacker "
    "News, Reddit and more. Use hot_papers for what is hot (a day, a week, a month, or rising now; by category such as "
    "cs.CL or an archive such as cs), paper for one paper's posts and why it ranks, search to find papers by words."
)


def create_server(reader: Reader) -> MCPServer:
    """The MCP server over ``reader`` (its store stays open as long as the server runs)."""
    server: MCPServer = MCPServer("hotpapers", instructions=INSTRUCTIONS, version=_version())

    @server.tool()
    def hot_papers(
        window: Window = "day",
        date: str | None = None,
        category: str | None = None,
        keyword: str | None = None,
        has_code: bool = False,
        limit: int = 10,
        preset: str | None = None,
        hours: float = 24.0,
    ) -> dict[str, Any]:
        """The hottest papers, ranked: of a listing day ("day", the published digest), a week or month ("week",
        "month": every listing day of the week or month of `date`, ranked together) or "rising" (engagement growth
        over the last `hours`). `date` is YYYY-MM-DD (for "month" also YYYY-MM); without it, the newest day.
        `category`: arXiv categories or archives, comma-separated (cs.CL, cs.LG or cs); `keyword`: words or phrases,
        comma-separated, one of which must be in the title or abstract; `has_code`: only papers with a known code
        repository. Returns the top `limit` papers (at most 100), each with its rank, score, why it ranks there, its
        most engaged post and its code repository."""
        reader.refresh()
        chosen = _preset(reader, preset)
        digest = _ranked(reader, window, date, chosen, hours)
        narrowed = data.filter_papers(digest, categories=_split(category), keywords=_split(keyword), code=has_code)
        return _listing(narrowed, window, max(1, min(limit, MAX_LIMIT)))

    @server.tool()
    def paper(id: str) -> dict[str, Any]:
        """One paper by arXiv id (2104.08223, hep-th/9901001, or an arxiv.org URL): its metadata, code and citations,
        its TL;DR, every digest that ranked it (with the breakdown of its score), every post about it with its
        engagement history, and its total engagement over time."""
        reader.refresh()
        arxiv_id = data.canonical_paper_id(id.strip().removeprefix("https://arxiv.org/abs/"))
        view = None if arxiv_id is None else reader.paper(arxiv_id)
        if view is None:
            raise ToolError(f"no paper {id[:60]!r} is in the store")
        return paper_document(view)

    @server.tool()
    def search(query: str, limit: int = 10, category: str | None = None, has_code: bool = False) -> dict[str, Any]:
        """Papers listed in the published digests whose title, authors, abstract or categories hold every word of
        `query` (whole words, case ignored), best match first, then newest. `category` as for hot_papers."""
        reader.refresh()
        if not query.strip():
            raise ToolError("query: give the words to search for")
        hits = reader.search(query[:500], categories=_split(category), code=has_code)
        shown = max(1, min(limit, MAX_LIMIT))
        return {"query": query, "total": len(hits), "results": [hit_document(h) for h in hits[:shown]]}

    return server


def _version() -> str:
    from importlib import metadata  # noqa: PLC0415

    try:
        return metadata.version("hotpapers")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _preset(reader: Reader, preset: str | None) -> str:
    chosen = preset or reader.preset
    if chosen not in data.PRESETS:
        raise ToolError(f"preset {chosen[:40]!r}: not a preset (known: {', '.join(sorted(data.PRESETS))})")
    return chosen


def _day(text: str | None, what: str) -> dt.date | None:
    if text is None or not text.strip():
        return None
    day = parse_day(text.strip())
    if day is None:
        raise ToolError(f"date {text[:40]!r}: give {what}")
    return day


def _ranked(reader: Reader, window: str, date: str | None, preset: str, hours: float) -> data.Digest:
    """The digest or view a ``hot_papers`` call names."""
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    if window == "day":
        day = _day(date, "a date YYYY-MM-DD")
        published = reader.latest(preset) if day is None else reader.published(day, preset)
        if published is None:
            when = "any day" if day is None else day.isoformat()
            raise ToolError(f"no digest of {when} is published with preset {preset!r}; try window 'week' or 'rising'")
        return reader.digest(published)
    if window == "rising":
        if not 0 < hours <= 24 * 366:
            raise ToolError("hours: give a number of hours above 0 and at most 8784")
        day = _day(date, "a date YYYY-MM-DD")
        spec = ViewSpec("rising", None if day is None else data.date_range(day, day), hours)
    else:
        spec = ViewSpec(window, _span(reader, window, date))
        assert spec.span is not None
        now = min(now, spec.span.window()[1])
    try:
        return reader.view(spec, preset=preset, now=now)
    except data.UsageError as e:
        raise ToolError(str(e)) from None


def _span(reader: Reader, window: str, date: str | None) -> data.DateRange:
    text = (date or "").strip()
    if window == "month" and len(text) == 7:
        text += "-01"
    day = _day(text or None, "a date YYYY-MM-DD" + (" or a month YYYY-MM" if window == "month" else ""))
    if day is None:
        days = reader.announced_days()
        if not days:
            raise ToolError("the store has no announced papers yet")
        day = days[-1]
    if window == "week":
        return data.week_range(day)
    if window == "month":
        return data.month_range(day.strftime("%Y-%m"))
    raise ToolError(f"window {window!r}: give day, week, month or rising")


def _listing(digest: data.Digest, window: str, limit: int) -> dict[str, Any]:
    """A compact ranked list: what an assistant needs to answer, with links to ask for more."""
    papers = []
    for ranked in digest.papers[:limit]:
        paper = ranked.paper
        top = max(ranked.posts, key=lambda p: p.score, default=None)
        code = ranked.enrichment.code if ranked.enrichment else None
        papers.append({
            "rank": ranked.rank,
            "arxiv_id": paper.arxiv_id,
            "title": " ".join(data.scrub(paper.title).split()),
            "authors": [data.scrub(a) for a in paper.authors[:6]] + (["et al."] if len(paper.authors) > 6 else []),
            "categories": list(dict.fromkeys((paper.primary_category, *paper.categories))),
            "url": paper.abs_url or f"https://arxiv.org/abs/{paper.arxiv_id}",
            "score": ranked.score,
            "why": [f"{data.scrub(b.label)}: {b.value:+.2f}" for b in
                    sorted(ranked.breakdown, key=lambda b: -abs(b.value))[:4]],
            "posts_shown": len(ranked.posts),
            "top_post": None if top is None else {
                "platform": top.post.platform, "url": data.scrub(top.post.url),
                "author": data.scrub(top.post.author_handle), "text": data.scrub(top.post.text)[:400],
            },
            "code": None if code is None else {"url": data.scrub(code.url), "stars": code.stars,
                                               "stars_per_day": code.stars_per_day},
            "tldr": None if ranked.tldr is None else data.scrub(ranked.tldr.text),
        })  # fmt: skip
    return {
        "title": data.scrub(digest.title),
        "window": window,
        "date": digest.date.isoformat(),
        "window_start": data.time_json(digest.window_start),
        "window_end": data.time_json(digest.window_end),
        "preset": digest.preset,
        "total": len(digest.papers),
        "papers": papers,
    }
