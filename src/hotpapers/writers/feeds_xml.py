"""Atom 1.0 (RFC 4287) and RSS 2.0 documents of one feed, built as lxml trees (pure: no I/O, no clock).

Every string is passed through :func:`~hotpapers.writers._text.xml_safe` before it enters the tree, so control
characters that XML 1.0 forbids are dropped; markup characters are escaped by the serializer. HTML content is
carried as escaped text (Atom ``type="html"``, RSS ``<description>``).

Escaped for each target: Atom says what its text constructs hold, and its titles, subtitle and summary are
``type="text"`` (plain text, shown as typed). RSS 2.0 does not, and readers (feedparser among them) read its
titles and descriptions as HTML, so in RSS the channel title and description and each item's title are
HTML-escaped before the XML serializer escapes them again: ``<img …>`` in a title is shown, never run.
"""

from __future__ import annotations

import html
from email.utils import format_datetime

from lxml import etree

from hotpapers.models import Digest, RankedPaper
from hotpapers.writers._markup import http_url
from hotpapers.writers._text import one_line, rfc3339, xml_safe
from hotpapers.writers.feeds_common import (
    Feed,
    FeedSettings,
    abs_url,
    entry_categories,
    entry_html,
    entry_id,
    entry_title,
    feed_description,
)

__all__ = ["ATOM_NS", "render_atom", "render_rss"]

ATOM_NS = "http://www.w3.org/2005/Atom"
_A = f"{{{ATOM_NS}}}"
GENERATOR_URI = "https://pypi.org/project/hotpapers/"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _html(text: str) -> str:
    """Plain text for an RSS element that readers take as HTML: ``&``, ``<`` and ``>`` as references."""
    return html.escape(text, quote=False)


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


def render_atom(digest: Digest, feed: Feed, settings: FeedSettings) -> bytes:
    """The Atom document of ``feed``: feed id = its own URL, updated = the digest's ``generated_at``.

    Returns:
        The UTF-8 document with its XML declaration.
    """
    self_url = settings.site_url + feed.path("atom.xml")
    # lxml-stubs types nsmap keys as str, but None is how lxml spells the default namespace (documented).
    root = etree.Element(f"{_A}feed", nsmap={None: ATOM_NS})  # type: ignore[dict-item]
    _sub(root, f"{_A}id", self_url)
    _sub(root, f"{_A}title", feed.title, type="text")
    _sub(root, f"{_A}subtitle", feed_description(digest, feed), type="text")
    _sub(root, f"{_A}updated", rfc3339(digest.generated_at))
    _sub(root, f"{_A}link", rel="self", type="application/atom+xml", href=self_url)
    _sub(root, f"{_A}link", rel="alternate", type="text/html", href=settings.site_url)
    author = _sub(root, f"{_A}author")
    _sub(author, f"{_A}name", settings.title)
    _sub(author, f"{_A}uri", settings.site_url)
    _sub(root, f"{_A}generator", "hotpapers", uri=GENERATOR_URI)
    for item in feed.papers:
        _atom_entry(root, digest, item, settings)
    return _serialize(root)


def _atom_entry(root: etree._Element, digest: Digest, item: RankedPaper, settings: FeedSettings) -> None:
    entry = _sub(root, f"{_A}entry")
    _sub(entry, f"{_A}id", entry_id(digest, item, settings))
    _sub(entry, f"{_A}title", entry_title(item), type="text")
    _sub(entry, f"{_A}updated", rfc3339(digest.generated_at))
    _sub(entry, f"{_A}published", rfc3339(digest.generated_at))
    for name in item.paper.authors:
        _sub(_sub(entry, f"{_A}author"), f"{_A}name", one_line(name) or "?")
    _sub(entry, f"{_A}link", rel="alternate", type="text/html", href=abs_url(item))
    pdf = http_url(item.paper.pdf_url)
    if pdf:
        _sub(entry, f"{_A}link", rel="related", type="application/pdf", href=pdf, title="PDF")
    for category in entry_categories(item):
        _sub(entry, f"{_A}category", term=category, scheme="https://arxiv.org/category_taxonomy")
    _sub(entry, f"{_A}summary", one_line(item.paper.abstract), type="text")
    _sub(entry, f"{_A}content", entry_html(item, digest.generated_at), type="html")


def render_rss(digest: Digest, feed: Feed, settings: FeedSettings) -> bytes:
    """The RSS 2.0 document of ``feed`` (with an ``atom:link rel="self"``, as the RSS Advisory Board advises).

    Returns:
        The UTF-8 document with its XML declaration.
    """
    self_url = settings.site_url + feed.path("rss.xml")
    rss = etree.Element("rss", {"version": "2.0"}, nsmap={"atom": ATOM_NS})
    channel = _sub(rss, "channel")
    _sub(channel, "title", _html(feed.title))
    _sub(channel, "link", settings.site_url)
    _sub(channel, "description", _html(feed_description(digest, feed)))
    _sub(channel, f"{_A}link", href=self_url, rel="self", type="application/rss+xml")
    when = format_datetime(digest.generated_at.replace(microsecond=0), usegmt=True)
    _sub(channel, "pubDate", when)
    _sub(channel, "lastBuildDate", when)
    _sub(channel, "generator", "hotpapers")
    _sub(channel, "docs", "https://www.rssboard.org/rss-specification")
    for item in feed.papers:
        element = _sub(channel, "item")
        _sub(element, "title", _html(entry_title(item)))
        _sub(element, "link", abs_url(item))
        _sub(element, "description", entry_html(item, digest.generated_at))
        for category in entry_categories(item):
            _sub(element, "category", category)
        _sub(element, "guid", entry_id(digest, item, settings), isPermaLink="false")
        _sub(element, "pubDate", when)
    return _serialize(rss)
