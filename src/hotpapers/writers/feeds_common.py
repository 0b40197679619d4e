"""What the three feed formats share: which feeds a digest makes, entry ids, and each entry's HTML.

A digest makes one feed of all its papers, one of its papers with code (``feeds/with-code/``, when some has a code
repository: ``hotpapers enrich``) and one per arXiv category that any of its papers is listed in (primary or
cross-list), each in ``feeds/`` (``feeds/categories/<category>/`` for a category). An entry is one
paper at its rank in the digest (a category feed keeps the digest's rank). Its id is a ``tag:`` URI
(RFC 4151) minted from the site's host, the digest's date, its preset and the arXiv id
(``tag:example.org,2021-04-19:classic/2104.08223``): the same in every feed that lists it and in every
rebuild, and a new entry when the paper is ranked again on another day.

Outside text (titles, names, a stored preset or category) is escaped for each target by the format modules; here,
only arXiv category codes (:func:`~hotpapers.writers._text.arxiv_categories`) are ever a feed, a category or a
tag, and a preset name is percent-encoded in entry ids, so every id is a valid ``tag:`` URI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from hotpapers.models import Digest, RankedPaper
from hotpapers.writers._enrichment import artifacts_text, citations_text, code_label, stars_text, velocity_text
from hotpapers.writers._markup import html_attr, html_text, http_url
from hotpapers.writers._text import CATEGORY_RE, arxiv_categories, one_line, score_text, site_url
from hotpapers.writers.embeds import render_embed

__all__ = [
    "DEFAULT_TITLE",
    "Feed",
    "FeedSettings",
    "abs_url",
    "entry_categories",
    "entry_html",
    "entry_id",
    "entry_title",
    "feed_description",
    "feeds",
]

DEFAULT_TITLE = "Hot Papers"


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """Where the output is published and what the feeds are called.

    ``site_url`` is the public URL of the output directory (ends with ``/``); ``title`` names the feeds.
    """

    site_url: str
    title: str = DEFAULT_TITLE

    @classmethod
    def create(cls, url: str | None = None, title: str | None = None) -> FeedSettings:
        """Settings from explicit values, else ``$HOTPAPERS_SITE_URL`` (default ``https://example.invalid/``).

        Raises:
            ConfigError: the URL is not an absolute http(s) URL.
        """
        return cls(site_url(url), title or DEFAULT_TITLE)

    @property
    def host(self) -> str:
        """The site's host name, the authority of every entry's ``tag:`` id."""
        return urlsplit(self.site_url).hostname or "example.invalid"


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed file of a digest: its directory (relative to the output directory), title and papers."""

    directory: str
    title: str
    category: str | None
    papers: tuple[RankedPaper, ...]
    scope: str = ""  # what the feed holds, when not a category: "with code"

    def path(self, filename: str) -> str:
        """The feed's path relative to the output directory, e.g. ``feeds/categories/cs.LG/atom.xml``."""
        return f"{self.directory}/{filename}"


def feeds(digest: Digest, settings: FeedSettings) -> list[Feed]:
    """The whole digest's feed, then one per category (sorted), with the digest's papers in rank order."""
    result = [Feed("feeds", settings.title, None, digest.papers)]
    coded = tuple(p for p in digest.papers if p.enrichment is not None and p.enrichment.code is not None)
    if coded:
        result.append(Feed("feeds/with-code", f"{settings.title}: papers with code", None, coded, "with code"))
    categories = sorted(arxiv_categories(c for p in digest.papers for c in p.paper.categories))
    for category in categories:
        papers = tuple(p for p in digest.papers if category in p.paper.categories)
        result.append(Feed(f"feeds/categories/{category}", f"{settings.title}: {category}", category, papers))
    return result


def feed_description(digest: Digest, feed: Feed) -> str:
    """One sentence saying what the feed holds (the same in every format)."""
    scope = f" in {feed.category}" if feed.category else (f" {feed.scope}" if feed.scope else "")
    return f"The new arXiv papers{scope} most discussed on social media: {digest.title} (preset {digest.preset})"


def entry_id(digest: Digest, item: RankedPaper, settings: FeedSettings) -> str:
    """The entry's stable ``tag:`` URI (see the module docstring)."""
    preset = quote(digest.preset, safe="")
    return f"tag:{settings.host},{digest.date.isoformat()}:{preset}/{quote(item.paper.arxiv_id, safe='/')}"


def entry_title(item: RankedPaper) -> str:
    """``"1. Title"``: the rank and the whitespace-normalised title (plain text, TeX as it is)."""
    return f"{item.rank}. {one_line(item.paper.title)}"


def entry_categories(item: RankedPaper) -> list[str]:
    """The paper's categories that are arXiv codes (primary first, as stored): the entry's categories or tags."""
    return arxiv_categories(item.paper.categories)


def abs_url(item: RankedPaper) -> str:
    """The paper's abstract page (an http(s) URL; ``https://arxiv.org/abs/ID`` when none is stored)."""
    return http_url(item.paper.abs_url) or f"https://arxiv.org/abs/{item.paper.arxiv_id}"


def entry_html(item: RankedPaper, generated_at: dt.datetime) -> str:
    """The entry's content as HTML: rank, score and counts, authors, links, categories, abstract, why, posts.

    Every piece of outside text is escaped; posts are static cards (feed readers run no scripts).
    """
    paper = item.paper
    counted = (item.counted_at or generated_at).astimezone(dt.UTC)
    parts = [
        f"<p><strong>#{item.rank}</strong> · score {score_text(item.score)} · {item.reposts} reposts · "
        f"{item.likes} likes (as of {counted:%Y-%m-%d %H:%M} UTC)</p>",
        f"<p>{html_text(', '.join(one_line(a) for a in paper.authors))}</p>",
        f"<p>{_links(item)}</p>",
        f"<p>{' · '.join(_category(c) for c in paper.categories)}</p>",
    ]
    enrichment = _enrichment_html(item)
    if enrichment:
        parts.append(enrichment)
    if paper.abstract.strip():
        parts.append(f"<p>{html_text(one_line(paper.abstract))}</p>")
    if item.breakdown:
        rows = "".join(f"<li>{html_text(b.label)}: {score_text(b.value)}</li>" for b in item.breakdown)
        parts.append(f"<p>Why it ranks here:</p><ul>{rows}</ul>")
    parts.extend(render_embed(p.post, p.engagement, "static") for p in item.posts)
    return "\n".join(parts)


def _enrichment_html(item: RankedPaper) -> str:
    """Code (linked, with stars and stars per day), artifacts, citations and venue, as one paragraph, or ""."""
    value = item.enrichment
    if value is None:
        return ""
    parts: list[str] = []
    code = value.code
    if code is not None:
        url = http_url(code.url)
        label = html_text(code_label(code))
        stars = " ".join(t for t in (stars_text(code), velocity_text(code)) if t)
        linked = f'<a href="{html_attr(url)}">{label}</a>' if url else label
        parts.append(f"Code: {linked}" + (f" ({html_text(stars)})" if stars else ""))
    if value.artifacts is not None and artifacts_text(value.artifacts):
        parts.append(html_text(artifacts_text(value.artifacts)))
    if value.citations is not None:
        parts += [html_text(t) for t in (citations_text(value.citations), value.citations.venue or "") if t]
    return f"<p>{' · '.join(parts)}</p>" if parts else ""


def _links(item: RankedPaper) -> str:
    links = [("abs", abs_url(item)), ("pdf", http_url(item.paper.pdf_url)), ("html", http_url(item.paper.html_url))]
    return " · ".join(f'<a href="{html_attr(url)}">{name}</a>' for name, url in links if url)


def _category(category: str) -> str:
    if CATEGORY_RE.fullmatch(category):
        return f'<a href="https://arxiv.org/list/{category}/recent">{category}</a>'
    return html_text(category)
