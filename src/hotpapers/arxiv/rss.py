"""Parser for arXiv's RSS 2.0 feeds (``rss.arxiv.org/rss/{cats}``, 2024+): bytes in, ``RssFeed`` out.

Format facts relied on (see ``tests/fixtures/arxiv/PROVENANCE.md``):

* The channel ``<pubDate>`` is midnight Eastern of the listing day (``Thu, 28 Nov 2024 00:00:00 -0500``):
  the announcement made at 20:00 ET the evening before. That listing day is hotpapers's "day D".
* Each ``<item>`` has ``<guid>oai:arXiv.org:{id}v{N}</guid>`` and a ``<description>`` of the form
  ``arXiv:{id}v{N} Announce Type: {type} \\nAbstract: {abstract}``; its ``<link>`` carries no version.
* ``<category>`` elements come in the paper's ``abs_categories`` order, primary first (arxiv-feed
  ``create_document`` splits ``abs_categories``), so the primary is the first one.
* ``<dc:creator>`` is one string, authors joined by ``", "``, each optionally followed by affiliations in
  parentheses which contain commas of their own.
* Extensions are ``arxiv:announce_type``, ``arxiv:DOI`` and ``arxiv:journal_reference`` (not the API's names).
* An error is a normal channel titled ``Feed error for query: …`` whose description says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from lxml import etree

from hotpapers.arxiv._xml import (
    ItemError,
    all_text,
    categories_in_order,
    clean_text,
    element_text,
    first_doi,
    paper_urls,
    parse_xml,
    read_items,
    required_text,
)
from hotpapers.arxiv.ids import parse_id
from hotpapers.bounds import check_date, check_instant
from hotpapers.errors import APIError, ParseError
from hotpapers.models import Announcement, AnnounceType, ArxivId, Paper

__all__ = ["RssFeed", "parse_rss", "split_authors"]

ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
EASTERN = ZoneInfo("America/New_York")
ERROR_TITLE = "Feed error for query"
_DESCRIPTION_RE = re.compile(r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>\S+)", re.IGNORECASE)
_AND_RE = re.compile(r"(?:^|\s+)and\s+")


@dataclass(frozen=True, slots=True)
class RssFeed:
    """One day's RSS listing: the listing date and, item by item, a ``Paper`` and its ``Announcement``."""

    date: dt.date
    title: str
    papers: tuple[Paper, ...]
    announcements: tuple[Announcement, ...]
    skipped: list[str] = field(default_factory=list)

    @property
    def items(self) -> tuple[tuple[Paper, Announcement], ...]:
        """The (paper, announcement) pairs in feed order."""
        return tuple(zip(self.papers, self.announcements, strict=True))


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses, dropping the parenthesised parts."""
    names: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            names.append("".join(current))
            current = []
        elif depth == 0:
            current.append(char)
    names.append("".join(current))
    return names


def split_authors(text: str | None, *, and_separates: bool = False) -> tuple[str, ...]:
    """Split an author string into names, dropping parenthesised affiliations.

    Args:
        text: e.g. ``"A. Smith (MIT, Cambridge), B. Jones"``.
        and_separates: also split on the word ``and`` (arXivRaw's ``A, B and C`` / ``A, B, and C``).

    Returns:
        The names, whitespace-normalised, empty ones removed.
    """
    if not text:
        return ()
    chunks = _split_top_level(text)
    if and_separates:
        chunks = [part for chunk in chunks for part in _AND_RE.split(chunk)]
    return tuple(name for name in (clean_text(chunk) for chunk in chunks) if name)


def _channel_date(channel: etree._Element) -> dt.date:
    text = element_text(channel, "pubDate")
    if text is None:
        raise ParseError("arXiv RSS feed: the channel has no <pubDate>")
    try:
        when = email.utils.parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return check_date(check_instant(when, "pubDate").astimezone(EASTERN).date(), "pubDate")
    except (TypeError, ValueError, OverflowError) as e:
        raise ParseError(
            f"arXiv RSS feed: the channel <pubDate> is not a supported RFC 2822 date: {text[:80]!r}"
        ) from e


def _item_id(item: etree._Element, description: str) -> tuple[ArxivId, int]:
    guid = element_text(item, "guid") or ""
    candidates = [guid.removeprefix("oai:arXiv.org:")]
    match = _DESCRIPTION_RE.match(description)
    if match:
        candidates.append(match["id"])
    for candidate in candidates:
        parsed = parse_id(candidate)
        if parsed is not None and parsed[1] is not None:
            return parsed[0], parsed[1]
    raise ItemError(f"no versioned arXiv id in <guid> {guid!r} or <description>")


def _announce_type(item: etree._Element, description: str) -> AnnounceType:
    value = element_text(item, f"{ARXIV}announce_type")
    if value is None:
        match = _DESCRIPTION_RE.match(description)
        value = match["type"] if match else None
    if value is None:
        raise ItemError("no announce type")
    try:
        return AnnounceType(value.lower())
    except ValueError as e:
        raise ItemError(f"unknown announce type {value!r}") from e


def _abstract(description: str) -> str:
    _, marker, abstract = description.partition("Abstract:")
    if not marker:
        raise ItemError("<description> has no 'Abstract:'")
    return clean_text(abstract)


def _item_paper(item: etree._Element, description: str) -> Paper:
    arxiv_id, version = _item_id(item, description)
    categories = categories_in_order([clean_text(c.text) for c in item.findall("category")], None)
    if not categories:
        raise ItemError("no arXiv <category>")
    abs_url, pdf_url, html_url = paper_urls(arxiv_id, version)
    return Paper(
        arxiv_id=arxiv_id,
        version=version,
        title=required_text(item, "title", "title"),
        authors=split_authors(element_text(item, f"{DC}creator")),
        abstract=_abstract(description),
        primary_category=categories[0],
        categories=categories,
        journal_ref=element_text(item, f"{ARXIV}journal_reference"),
        doi=first_doi(element_text(item, f"{ARXIV}DOI")),
        abs_url=abs_url,
        pdf_url=pdf_url,
        html_url=html_url,
    )


def _item(item: etree._Element, day: dt.date, position: int) -> tuple[Paper, Announcement]:
    found = item.find("description")
    description = all_text(found) if found is not None else ""
    if not description.strip():
        raise ItemError("missing <description>")
    paper = _item_paper(item, description)
    kind = _announce_type(item, description)
    return paper, Announcement(arxiv_id=paper.arxiv_id, date=day, announce_type=kind, position=position)


def _channel(data: bytes) -> etree._Element:
    root = parse_xml(data, "arXiv RSS feed")
    if root.tag != "rss":
        raise ParseError(f"arXiv RSS feed: expected <rss>, got <{etree.QName(root).localname}>")
    channel = root.find("channel")
    if channel is None:
        raise ParseError("arXiv RSS feed: no <channel>")
    return channel


def parse_rss(data: bytes) -> RssFeed:
    """Parse one ``rss.arxiv.org/rss/{categories}`` response.

    Args:
        data: the RSS 2.0 body.

    Returns:
        The listing date (channel ``pubDate``, Eastern) and one ``Paper`` + ``Announcement`` per item;
        ``Announcement.position`` is the item's index in the feed. Items that cannot be read are
        listed in ``skipped``. A channel without items (weekends, holidays) gives an empty feed.

    Raises:
        APIError: the feed is arXiv's ``Feed error for query`` channel (the message is its description).
        ParseError: the body is not XML, not an RSS channel, or has no usable ``pubDate``.
    """
    channel = _channel(data)
    title = element_text(channel, "title") or ""
    if title.startswith(ERROR_TITLE):
        raise APIError(f"arXiv RSS error: {element_text(channel, 'description') or title}")
    day = _channel_date(channel)
    pairs, skipped = read_items(
        channel.findall("item"),
        lambda position, item: _item(item, day, position),
        lambda position, item: f"item {position} ({element_text(item, 'guid') or 'no guid'})",
    )
    return RssFeed(day, title, tuple(p for p, _ in pairs), tuple(a for _, a in pairs), skipped)
