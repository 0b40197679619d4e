"""Parser for arXiv's OAI-PMH interface (``ListRecords`` / ``GetRecord``): bytes in, ``OaiPage`` out.

Three metadata formats are read:

* ``arXivRaw`` (the default of ``ArxivClient.list_records``): the full version history, so the
  ``Paper`` has its latest version number, ``submitted`` = the v1 date and ``updated`` = the latest
  version's date. Authors are one string (``A, B and C``); categories are space-separated, primary first.
* ``arXiv``: authors split into ``keyname``/``forenames``, but only ``created``/``updated`` *dates* and
  no version number. ``Paper.version`` is then a placeholder 1 and ``OaiRecord.version_known`` is False;
  ``submitted``/``updated`` stay None (the dates are in ``OaiRecord.created`` and ``updated``).
* ``oai_dc`` (best effort): ``Last, First`` creators, the abstract and ``Comment:`` in ``dc:description``,
  the DOI and journal ref among ``dc:identifier``. Subjects are human-readable names, so the categories
  are the archives of the record's ``setSpec``s (``physics:hep-th`` -> ``hep-th``, ``cs:cs:AI`` -> ``cs.AI``).

``datestamp`` is the record's last-modified date, **not** its submission date. An ``<error>`` with code
``noRecordsMatch`` is an empty page; any other code raises ``APIError``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable
from dataclasses import dataclass, field

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
from hotpapers.arxiv.rss import split_authors
from hotpapers.bounds import check_date, check_instant, read_count
from hotpapers.errors import APIError, ParseError
from hotpapers.models import ArxivId, Paper

__all__ = ["OaiPage", "OaiRecord", "parse_oai"]

OAI = "{http://www.openarchives.org/OAI/2.0/}"
RAW = "{http://arxiv.org/OAI/arXivRaw/}"
ARXIV = "{http://arxiv.org/OAI/arXiv/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"


@dataclass(frozen=True, slots=True)
class OaiRecord:
    """One harvested record: the paper and what the OAI header and format say about it."""

    paper: Paper
    datestamp: dt.date
    set_specs: tuple[str, ...]
    created: dt.date | None  # date of v1
    updated: dt.date | None  # date of the latest version, when there is more than one
    version_known: bool
    version_dates: tuple[dt.datetime, ...] = ()  # arXivRaw: the submission time of v1, v2, …


@dataclass(frozen=True, slots=True)
class OaiPage:
    """One page of an OAI-PMH list; ``resumption_token`` is None on the last page."""

    records: tuple[OaiRecord, ...]
    resumption_token: str | None
    complete_list_size: int | None = None
    skipped: list[str] = field(default_factory=list)

    @property
    def papers(self) -> tuple[Paper, ...]:
        """The papers of the page's records, in order."""
        return tuple(record.paper for record in self.records)


@dataclass(frozen=True, slots=True)
class _Header:
    arxiv_id: ArxivId
    datestamp: dt.date
    set_specs: tuple[str, ...]


def _rfc2822(text: str) -> dt.datetime:
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, OverflowError) as e:
        raise ItemError(f"version date is not an RFC 2822 date: {text[:80]!r}") from e
    return check_instant(value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value, "version date")


def _iso_date(text: str | None, name: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return check_date(dt.date.fromisoformat(text[:10]), f"<{name}>")
    except ValueError as e:
        raise ItemError(f"<{name}> is not a supported date: {text[:80]!r}") from e


def _record_id(text: str | None) -> ArxivId:
    parsed = parse_id((text or "").removeprefix("oai:arXiv.org:"))
    if parsed is None:
        raise ItemError(f"{text!r} is not an arXiv identifier")
    return parsed[0]


def _header(record: etree._Element) -> _Header:
    header = record.find(f"{OAI}header")
    if header is None:
        raise ItemError("missing <header>")
    if header.get("status") == "deleted":
        raise ItemError("deleted record")
    datestamp = _iso_date(element_text(header, f"{OAI}datestamp"), "datestamp")
    if datestamp is None:
        raise ItemError("missing <datestamp>")
    sets = tuple(clean_text(s.text) for s in header.findall(f"{OAI}setSpec") if s.text)
    return _Header(_record_id(element_text(header, f"{OAI}identifier")), datestamp, sets)


def _versions(meta: etree._Element) -> list[tuple[int, dt.datetime]]:
    versions = []
    for element in meta.findall(f"{RAW}version"):
        number = read_count((element.get("version") or "").lstrip("v"))
        if not number:
            raise ItemError(f"bad version label {(element.get('version') or '')[:80]!r}")
        versions.append((number, _rfc2822(required_text(element, f"{RAW}date", "version/date"))))
    if not versions:
        raise ItemError("no <version> history")
    return sorted(versions)


@dataclass(frozen=True, slots=True)
class _Fields:
    """The descriptive fields of a record, whatever its metadata format."""

    arxiv_id: ArxivId
    title: str
    authors: tuple[str, ...]
    abstract: str
    categories: tuple[str, ...]
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None

    def paper(self, version: int | None, submitted: dt.datetime | None, updated: dt.datetime | None) -> Paper:
        """Build the ``Paper``; an unknown ``version`` is stored as 1 and gives unversioned links."""
        abs_url, pdf_url, html_url = paper_urls(self.arxiv_id, version)
        return Paper(
            arxiv_id=self.arxiv_id,
            version=version or 1,
            title=self.title,
            authors=self.authors,
            abstract=self.abstract,
            primary_category=self.categories[0],
            categories=self.categories,
            submitted=submitted,
            updated=updated,
            comment=self.comment,
            journal_ref=self.journal_ref,
            doi=self.doi,
            abs_url=abs_url,
            pdf_url=pdf_url,
            html_url=html_url if version else None,
        )


def _fields(meta: etree._Element, ns: str, header: _Header, authors: tuple[str, ...]) -> _Fields:
    """Read the fields named alike in arXivRaw and arXiv (title, categories, comments, …)."""
    categories = categories_in_order((element_text(meta, f"{ns}categories") or "").split(), None)
    if not categories:
        raise ItemError("no arXiv <categories>")
    own_id = element_text(meta, f"{ns}id")
    return _Fields(
        arxiv_id=_record_id(own_id) if own_id else header.arxiv_id,
        title=required_text(meta, f"{ns}title", "title"),
        authors=authors,
        abstract=element_text(meta, f"{ns}abstract") or "",
        categories=categories,
        comment=element_text(meta, f"{ns}comments"),
        journal_ref=element_text(meta, f"{ns}journal-ref"),
        doi=first_doi(element_text(meta, f"{ns}doi")),
    )


def _raw_record(meta: etree._Element, header: _Header) -> OaiRecord:
    authors = split_authors(element_text(meta, f"{RAW}authors"), and_separates=True)
    versions = _versions(meta)
    latest, latest_date = versions[-1]
    first_date = versions[0][1]
    paper = _fields(meta, RAW, header, authors).paper(latest, first_date, latest_date)
    updated = latest_date.date() if latest > 1 else None
    dates = tuple(d for _, d in versions)
    return OaiRecord(paper, header.datestamp, header.set_specs, first_date.date(), updated, True, dates)


def _arxiv_author(author: etree._Element) -> str:
    parts = (element_text(author, f"{ARXIV}{name}") for name in ("forenames", "keyname", "suffix"))
    return " ".join(part for part in parts if part)


def _arxiv_record(meta: etree._Element, header: _Header) -> OaiRecord:
    authors = tuple(a for a in map(_arxiv_author, meta.findall(f"{ARXIV}authors/{ARXIV}author")) if a)
    paper = _fields(meta, ARXIV, header, authors).paper(None, None, None)
    created = _iso_date(element_text(meta, f"{ARXIV}created"), "created")
    updated = _iso_date(element_text(meta, f"{ARXIV}updated"), "updated")
    return OaiRecord(paper, header.datestamp, header.set_specs, created, updated, False)


def _set_category(spec: str) -> str:
    parts = spec.split(":")
    if len(parts) >= 3:
        return f"{parts[1]}.{parts[2]}"
    return parts[-1]


def _dc_creator(name: str) -> str:
    last, comma, first = name.partition(",")
    return clean_text(f"{first} {last}") if comma else clean_text(name)


def _dc_fields(meta: etree._Element, header: _Header) -> _Fields:
    categories = categories_in_order([_set_category(s) for s in header.set_specs], None)
    if not categories:
        raise ItemError("no setSpec to take a category from")
    descriptions = [clean_text(all_text(d)) for d in meta.findall(f"{DC}description")]
    identifiers = [clean_text(i.text) for i in meta.findall(f"{DC}identifier") if i.text]
    comments = [d.removeprefix("Comment:").strip() for d in descriptions if d.startswith("Comment:")]
    abstracts = [d for d in descriptions if not d.startswith("Comment:")]
    dois = [i.removeprefix("doi:") for i in identifiers if i.startswith("doi:")]
    refs = [i for i in identifiers if not i.startswith(("doi:", "http://", "https://"))]
    return _Fields(
        arxiv_id=header.arxiv_id,
        title=required_text(meta, f"{DC}title", "dc:title"),
        authors=tuple(_dc_creator(c.text) for c in meta.findall(f"{DC}creator") if c.text),
        abstract=abstracts[0] if abstracts else "",
        categories=categories,
        comment=comments[0] if comments else None,
        journal_ref=refs[0] if refs else None,
        doi=first_doi(dois[0]) if dois else None,
    )


def _dc_record(meta: etree._Element, header: _Header) -> OaiRecord:
    paper = _dc_fields(meta, header).paper(None, None, None)
    dates = [_iso_date(clean_text(d.text), "dc:date") for d in meta.findall(f"{DC}date") if d.text]
    created = dates[0] if dates else None
    updated = dates[-1] if len(dates) > 1 else None
    return OaiRecord(paper, header.datestamp, header.set_specs, created, updated, False)


_FORMATS: dict[str, Callable[[etree._Element, _Header], OaiRecord]] = {
    f"{RAW}arXivRaw": _raw_record,
    f"{ARXIV}arXiv": _arxiv_record,
    f"{OAI_DC}dc": _dc_record,
}


def _record(record: etree._Element) -> OaiRecord:
    header = _header(record)
    metadata = record.find(f"{OAI}metadata")
    meta = metadata[0] if metadata is not None and len(metadata) else None
    if meta is None:
        raise ItemError("missing <metadata>")
    reader = _FORMATS.get(str(meta.tag))
    if reader is None:
        raise ItemError(f"unsupported metadata format <{meta.tag}>")
    return reader(meta, header)


def _raise_if_error(root: etree._Element) -> bool:
    """Raise for OAI errors; return True when the only error is ``noRecordsMatch`` (an empty list)."""
    errors = root.findall(f"{OAI}error")
    codes = [e.get("code") or "unknown" for e in errors]
    for error, code in zip(errors, codes, strict=True):
        if code != "noRecordsMatch":
            raise APIError(f"OAI-PMH error {code}: {clean_text(error.text) or 'no message'}")
    return bool(errors)


def _token(root: etree._Element) -> tuple[str | None, int | None]:
    element = root.find(f"{OAI}ListRecords/{OAI}resumptionToken")
    if element is None:
        return None, None
    size = element.get("completeListSize")
    return clean_text(element.text) or None, read_count(size) if size else None


def _describe(index: int, record: etree._Element) -> str:
    return f"record {index} ({element_text(record, f'{OAI}header/{OAI}identifier') or 'no identifier'})"


def _root(data: bytes) -> etree._Element:
    root = parse_xml(data, "OAI-PMH response")
    if root.tag != f"{OAI}OAI-PMH":
        raise ParseError(f"OAI-PMH response: expected <OAI-PMH>, got <{etree.QName(root).localname}>")
    return root


def parse_oai(data: bytes) -> OaiPage:
    """Parse one OAI-PMH ``ListRecords`` or ``GetRecord`` response.

    Args:
        data: the response body (``arXivRaw``, ``arXiv`` or ``oai_dc`` metadata).

    Returns:
        The page's records and resumption token (None when absent or empty). Records that cannot be
        read (deleted, unknown format, missing fields) are listed in ``skipped``.

    Raises:
        APIError: an OAI ``<error>`` other than ``noRecordsMatch`` (the message names the code).
        ParseError: the body is not XML, not an OAI-PMH document, or has neither records nor an error.
    """
    root = _root(data)
    if _raise_if_error(root):
        return OaiPage(records=(), resumption_token=None)
    container = root.find(f"{OAI}ListRecords")
    if container is None:
        container = root.find(f"{OAI}GetRecord")
    if container is None:
        raise ParseError("OAI-PMH response: neither <ListRecords>, <GetRecord> nor <error>")
    records, skipped = read_items(container.findall(f"{OAI}record"), lambda _, r: _record(r), _describe)
    token, size = _token(root)
    return OaiPage(tuple(records), token, size, skipped)
