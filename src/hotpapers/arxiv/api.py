"""Parser for the arXiv API (``export.arxiv.org/api/query``): Atom bytes in, ``ApiFeed`` out.

Both serialisations seen in the wild are handled: the legacy one (namespaces declared inline on every
element, hard-wrapped titles, ``http://`` links, ``dx.doi.org``) and the 2026 one (namespaces on ``<feed>``,
one-line text, ``https://`` links). Elements are looked up by qualified name, never by position, because
the two backends order them differently.

The helpers it shares with the sibling parsers (``rss``, ``oai``) are in ``hotpapers.arxiv._xml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lxml import etree

from hotpapers.arxiv._xml import (
    ItemError,
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
from hotpapers.bounds import check_instant, read_count
from hotpapers.errors import APIError, ParseError
from hotpapers.models import ArxivId, Paper

__all__ = ["ApiFeed", "parse_api"]

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ARXIV = "{http://arxiv.org/schemas/atom}"


@dataclass(frozen=True, slots=True)
class ApiFeed:
    """One page of API results.

    ``entries`` counts the ``<entry>`` elements of the page, parsed or skipped; ``skipped`` says why
    each skipped entry could not be read.
    """

    total_results: int
    start_index: int
    items_per_page: int | None
    papers: tuple[Paper, ...]
    entries: int
    skipped: list[str] = field(default_factory=list)


def _iso_datetime(text: str | None, name: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
        if value.tzinfo is None:
            raise ItemError(f"<{name}> has no UTC offset: {text!r}")
    except ValueError as e:
        raise ItemError(f"<{name}> is not an ISO 8601 date with offset: {text[:80]!r}") from e
    return check_instant(value, f"<{name}>")


def _versioned_id(entry: etree._Element) -> tuple[ArxivId, int]:
    raw = required_text(entry, f"{ATOM}id", "id")
    parsed = parse_id(raw.split("/abs/", 1)[1]) if "/abs/" in raw else None
    if parsed is None:
        raise ItemError(f"<id> {raw!r} is not an arXiv abstract URL")
    if parsed[1] is None:
        raise ItemError(f"<id> {raw!r} has no version")
    return parsed[0], parsed[1]


def _entry_categories(entry: etree._Element) -> tuple[str, ...]:
    primary_el = entry.find(f"{ARXIV}primary_category")
    primary = primary_el.get("term") if primary_el is not None else None
    terms = [c.get("term") or "" for c in entry.findall(f"{ATOM}category")]
    categories = categories_in_order(terms, primary)
    if not categories:
        raise ItemError("no arXiv category")
    return categories


def _entry_paper(entry: etree._Element) -> Paper:
    arxiv_id, version = _versioned_id(entry)
    categories = _entry_categories(entry)
    abs_url, pdf_url, html_url = paper_urls(arxiv_id, version)
    return Paper(
        arxiv_id=arxiv_id,
        version=version,
        title=required_text(entry, f"{ATOM}title", "title"),
        authors=tuple(clean_text(n.text) for n in entry.findall(f"{ATOM}author/{ATOM}name") if n.text),
        abstract=required_text(entry, f"{ATOM}summary", "summary"),
        primary_category=categories[0],
        categories=categories,
        submitted=_iso_datetime(element_text(entry, f"{ATOM}published"), "published"),
        updated=_iso_datetime(element_text(entry, f"{ATOM}updated"), "updated"),
        comment=element_text(entry, f"{ARXIV}comment"),
        journal_ref=element_text(entry, f"{ARXIV}journal_ref"),
        doi=first_doi(element_text(entry, f"{ARXIV}doi")),
        abs_url=abs_url,
        pdf_url=pdf_url,
        html_url=html_url,
    )


def _raise_if_error(entries: list[etree._Element]) -> None:
    for entry in entries:
        entry_id = element_text(entry, f"{ATOM}id") or ""
        if "/api/errors" in entry_id:
            message = element_text(entry, f"{ATOM}summary") or element_text(entry, f"{ATOM}title") or "error"
            raise APIError(f"arXiv API error: {message}")


def _feed_int(root: etree._Element, name: str, *, required: bool) -> int | None:
    text = element_text(root, f"{OPENSEARCH}{name}")
    if text is None:
        if required:
            raise ParseError(f"arXiv API response: missing <opensearch:{name}>")
        return None
    number = read_count(text.strip())
    if number is None:
        raise ParseError(f"arXiv API response: <opensearch:{name}> is not a count: {text[:80]!r}")
    return number


def _describe(index: int, entry: etree._Element) -> str:
    return f"entry {index} ({element_text(entry, f'{ATOM}id') or 'no id'})"


def parse_api(data: bytes) -> ApiFeed:
    """Parse one page of ``export.arxiv.org/api/query`` results.

    Args:
        data: the Atom response body (any HTTP status: error feeds come with HTTP 400).

    Returns:
        The page: totals, papers, and the entries that had to be skipped (with why).

    Raises:
        APIError: the body is arXiv's error feed (entry id ``…/api/errors#…``); the message is arXiv's.
        ParseError: the body is not XML, not an Atom feed, or lacks ``opensearch:totalResults``.
    """
    root = parse_xml(data, "arXiv API response")
    if root.tag != f"{ATOM}feed":
        raise ParseError(f"arXiv API response: expected an Atom <feed>, got <{etree.QName(root).localname}>")
    entries = root.findall(f"{ATOM}entry")
    _raise_if_error(entries)
    total = _feed_int(root, "totalResults", required=True)
    papers, skipped = read_items(entries, lambda _, entry: _entry_paper(entry), _describe)
    return ApiFeed(
        total_results=total or 0,
        start_index=_feed_int(root, "startIndex", required=False) or 0,
        items_per_page=_feed_int(root, "itemsPerPage", required=False),
        papers=tuple(papers),
        entries=len(entries),
        skipped=skipped,
    )
