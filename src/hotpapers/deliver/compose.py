"""What a message says: a profile digest's top papers with their why-line, TL;DR and links, in each channel's
markup (plain text, HTML, Slack mrkdwn, Markdown, Telegram HTML, a JSON document, social posts).

Pure: a ``Digest`` in, text out. Every text from outside (titles, TL;DRs, authors) is escaped for the markup it goes
into; every link is the paper's own arXiv page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from hotpapers.models import Digest, RankedPaper
from hotpapers.plugins import DeliveryItem, DeliveryMessage
from hotpapers.ranking.signals import platform_label

__all__ = [
    "compose",
    "html_body",
    "json_document",
    "markdown_body",
    "slack_body",
    "telegram_body",
    "text_body",
    "thread_posts",
    "why_line",
]

_RELEVANCE = "relevance"
TLDR_CHARS = 400


def _buzz(ranked: RankedPaper) -> float:
    return sum((b.value for b in ranked.breakdown if b.kind != _RELEVANCE), 0.0)


def why_line(ranked: RankedPaper) -> str:
    """One line saying why the paper is there: its relevance (and to which library papers), its followed authors and
    keywords, and its buzz (``default`` points, platforms)."""
    parts = [b.label for b in ranked.breakdown if b.kind == _RELEVANCE and b.label.startswith("relevance ")
             and (ranked.relevance or 0) > 0]  # fmt: skip
    parts += [b.label for b in ranked.breakdown if b.kind == _RELEVANCE and b.value > 0
              and b.label.startswith(("followed author", "keyword"))]  # fmt: skip
    platforms = sorted({platform_label(p.post.platform) for p in ranked.posts})
    buzz = _buzz(ranked)
    if buzz > 0:
        where = f" on {', '.join(platforms)}" if platforms else ""
        parts.append(f"buzz {buzz:.1f} points{where}")
    return "; ".join(parts) or "listed for this profile"


def _tldr(ranked: RankedPaper) -> str | None:
    if ranked.tldr is None or not ranked.tldr.text.strip():
        return None
    text = " ".join(ranked.tldr.text.split())
    return text if len(text) <= TLDR_CHARS else text[: TLDR_CHARS - 1].rstrip() + "…"


def _item(ranked: RankedPaper) -> DeliveryItem:
    paper = ranked.paper
    return DeliveryItem(
        rank=ranked.rank,
        arxiv_id=paper.arxiv_id,
        title=" ".join(paper.title.split()),
        authors=paper.authors,
        url=paper.abs_url or f"https://arxiv.org/abs/{paper.arxiv_id}",
        pdf_url=paper.pdf_url,
        why=why_line(ranked),
        tldr=_tldr(ranked),
        score=ranked.score,
        relevance=ranked.relevance,
    )


def compose(digest: Digest, profile: str, period: str, top: int, link: str | None = None) -> DeliveryMessage:
    """The message of ``profile`` for ``period``: the ``top`` first papers of its digest."""
    items = tuple(_item(r) for r in sorted(digest.papers, key=lambda r: r.rank)[:top])
    return DeliveryMessage(profile=profile, period=period, title=" ".join(digest.title.split()), items=items,
                           link=link)  # fmt: skip


def _authors(item: DeliveryItem, shown: int = 3) -> str:
    names = ", ".join(item.authors[:shown])
    return names + (" et al." if len(item.authors) > shown else "")


def text_body(message: DeliveryMessage) -> str:
    """The plain-text part of an email."""
    lines = [message.title, "=" * min(len(message.title), 72), ""]
    if not message.items:
        lines.append("Nothing for this profile in this period.")
    for item in message.items:
        lines.append(f"{item.rank}. {item.title}")
        if item.authors:
            lines.append(f"   {_authors(item)}")
        lines.append(f"   Why: {item.why}")
        if item.tldr:
            lines.append(f"   TL;DR: {item.tldr}")
        lines.append(f"   {item.url}" + (f"  (PDF: {item.pdf_url})" if item.pdf_url else ""))
        lines.append("")
    if message.link:
        lines.append(f"All of it: {message.link}")
    lines.append(f"-- hotpapers, profile {message.profile}, {message.period}")
    return "\n".join(lines) + "\n"


def html_body(message: DeliveryMessage) -> str:
    """The HTML part of an email: a plain, inline-styled page (mail clients drop style sheets)."""
    e = html.escape
    rows = []
    for item in message.items:
        tldr = f'<p style="margin:4px 0"><b>TL;DR</b> {e(item.tldr)}</p>' if item.tldr else ""
        pdf = f' · <a href="{e(item.pdf_url)}">pdf</a>' if item.pdf_url else ""
        rows.append(
            f'<li style="margin-bottom:14px"><a href="{e(item.url)}" style="font-weight:bold">{e(item.title)}</a>'
            f'<br><span style="color:#555">{e(_authors(item))}</span>'
            f'<p style="margin:4px 0;color:#333"><i>Why:</i> {e(item.why)}</p>{tldr}'
            f'<a href="{e(item.url)}">abs</a>{pdf}</li>'
        )
    body = f"<ol>{''.join(rows)}</ol>" if rows else "<p>Nothing for this profile in this period.</p>"
    more = f'<p><a href="{e(message.link)}">All of it on the site</a></p>' if message.link else ""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(message.title)}</title></head>'
        f'<body style="font-family:sans-serif;max-width:720px"><h1 style="font-size:20px">{e(message.title)}</h1>'
        f'{body}{more}<p style="color:#777;font-size:12px">hotpapers · profile {e(message.profile)} · '
        f"{e(message.period)}</p></body></html>\n"
    )


def _slack_escape(text: str) -> str:
    """Slack's three control characters (its mrkdwn docs: &, <, >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(message: DeliveryMessage) -> str:
    """Slack mrkdwn: ``<url|title>`` links, ``*bold*``."""
    s = _slack_escape
    lines = [f"*{s(message.title)}*"]
    for item in message.items:
        lines.append(f"{item.rank}. <{item.url}|{s(item.title)}>\n      _{s(item.why)}_")
        if item.tldr:
            lines.append(f"      TL;DR: {s(item.tldr)}")
    if message.link:
        lines.append(f"<{message.link}|All of it>")
    return "\n".join(lines)


_MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~"


def _md(text: str) -> str:
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in text)


def markdown_body(message: DeliveryMessage) -> str:
    """Markdown (Mattermost): ``[title](url)`` links, ``**bold**``, text escaped."""
    lines = [f"**{_md(message.title)}**", ""]
    for item in message.items:
        lines.append(f"{item.rank}. [{_md(item.title)}]({item.url})  ")
        lines.append(f"   *{_md(item.why)}*  ")
        if item.tldr:
            lines.append(f"   TL;DR: {_md(item.tldr)}")
    if message.link:
        lines += ["", f"[All of it]({message.link})"]
    return "\n".join(lines)


def telegram_body(message: DeliveryMessage, limit: int = 4096) -> str:
    """Telegram's HTML parse mode (``<b>``, ``<i>``, ``<a href>``; everything else escaped), cut to whole papers
    within ``limit`` characters (the Bot API's longest message)."""
    e = html.escape
    head = f"<b>{e(message.title)}</b>"
    tail = f'\n\n<a href="{e(message.link)}">All of it</a>' if message.link else ""
    parts = [head]
    for item in message.items:
        tldr = f"\nTL;DR: {e(item.tldr)}" if item.tldr else ""
        part = f'\n\n{item.rank}. <a href="{e(item.url)}">{e(item.title)}</a>\n<i>{e(item.why)}</i>{tldr}'
        if len("".join(parts)) + len(part) + len(tail) > limit:
            break
        parts.append(part)
    return "".join(parts) + tail


def json_document(message: DeliveryMessage) -> dict[str, Any]:
    """The generic webhook's JSON document (docs/delivery.md, "Generic JSON webhook")."""
    return {
        "profile": message.profile,
        "period": message.period,
        "title": message.title,
        "link": message.link,
        "papers": [
            {"rank": i.rank, "arxiv_id": i.arxiv_id, "title": i.title, "authors": list(i.authors), "url": i.url,
             "pdf_url": i.pdf_url, "why": i.why, "tldr": i.tldr, "score": i.score, "relevance": i.relevance}
            for i in message.items
        ],
    }


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def thread_posts(message: DeliveryMessage, limit: int) -> list[tuple[str, str | None]]:
    """A thread: a first post with the title, then one post per paper (``"N. title" + its URL``), each at most
    ``limit`` characters (code points: never more graphemes than that). Returns (text, the URL it ends with)."""
    first = _cut(f"{message.title}: {len(message.items)} papers, a thread 🧵", limit)
    posts: list[tuple[str, str | None]] = [(first, None)]
    for item in message.items:
        room = limit - len(item.url) - 2
        posts.append((f"{_cut(f'{item.rank}. {item.title}', room)}\n{item.url}", item.url))
    return posts


def plain_list(items: Sequence[DeliveryItem]) -> str:
    """``1. title`` lines (a short fallback text)."""
    return "\n".join(f"{i.rank}. {i.title} {i.url}" for i in items)
