"""A profile's library: the papers a person works with, read from the file they export (docs/profiles.md).

Four formats, told apart by the file's extension:

* ``.bib``: BibTeX (bibtexparser; LaTeX accents decoded). ``title``, ``abstract``, ``author``; the arXiv id from
  ``eprint`` (with ``archivePrefix = arXiv`` or an id-shaped value), ``url``, ``doi`` (``10.48550/arXiv.ID``),
  ``journal`` or ``note``;
* ``.json``: CSL-JSON, as Zotero, Mendeley and pandoc export it (an array of items, or one item). ``title``,
  ``abstract``, ``author`` (``family``/``given`` or ``literal``); the arXiv id from ``URL``, ``DOI``, ``number``
  (``arXiv:ID``, as Zotero writes preprints), ``archive_location`` or ``note``;
* ``.rdf``: Zotero RDF (RDF/XML as Zotero's "Zotero RDF" export writes it): every top-level resource with a
  ``dc:title``; ``dcterms:abstract``, the ``foaf:Person`` names of ``bib:authors``, and the arXiv id from its
  ``rdf:about``, ``dc:identifier`` URIs or ``dc:description``;
* ``.txt``: one arXiv id or URL a line (``#`` starts a comment); the titles and abstracts come from the store
  (``hotpapers profiles fetch`` asks arXiv for those it lacks).

An entry without a title or abstract of its own takes them from the store when its arXiv id is there. Entries
that end with no text at all are counted (``Library.missing``) but cannot make a paper relevant.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson
from lxml import etree

from hotpapers.arxiv.ids import parse_id
from hotpapers.errors import InputError
from hotpapers.links import find_arxiv_ids
from hotpapers.models import ArxivId, Paper

__all__ = ["FORMATS", "Library", "LibraryEntry", "complete", "read_library"]

MAX_LIBRARY_BYTES = 64 << 20
"""The largest library file read (64 MiB: tens of thousands of entries with abstracts)."""


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One paper of a library: its title, abstract and authors as the file gives them, and its arXiv id if known."""

    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    arxiv_id: ArxivId | None = None

    @property
    def text(self) -> str:
        """What relevance compares: the title and the abstract."""
        return f"{self.title}\n{self.abstract}".strip()


@dataclass(frozen=True, slots=True)
class Library:
    """A profile's library as read: its entries, a hash of the file's bytes, and the ids the store lacks."""

    path: Path
    entries: tuple[LibraryEntry, ...]
    digest: str
    missing: tuple[ArxivId, ...] = field(default=())  # arXiv ids with no text of their own nor in the store

    @property
    def texts(self) -> list[str]:
        """The entries with some text, as compared."""
        return [e.text for e in self.entries if e.text]

    @property
    def with_text(self) -> tuple[LibraryEntry, ...]:
        """The entries that can make a paper relevant (they have a title or an abstract)."""
        return tuple(e for e in self.entries if e.text)


def _squash(text: object) -> str:
    return " ".join(str(text).split()) if text is not None else ""


def _arxiv_in(*values: object) -> ArxivId | None:
    """The first arXiv id in ``values``: a bare id, or any form ``hotpapers.links`` resolves (URL, DOI, arXiv:ID)."""
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        text = value.strip()
        bare = parse_id(text.removeprefix("arXiv:").removeprefix("arxiv:").strip())
        if bare is not None:
            return bare[0]
        found = find_arxiv_ids(text)
        if found:
            return found[0]
    return None


# -- BibTeX -------------------------------------------------------------------------------------------------


def _bib_name(name: object) -> str:
    first = " ".join(getattr(name, "first", []))
    last = " ".join([*getattr(name, "von", []), *getattr(name, "last", [])])
    return _squash(f"{first} {last}") or _squash(name)


def read_bibtex(data: bytes, where: str) -> list[LibraryEntry]:
    """The entries of a BibTeX file.

    Raises:
        InputError: the file is not UTF-8, or a block of it is not BibTeX (its line is named).
    """
    import bibtexparser  # noqa: PLC0415  (loaded only to read a .bib library)
    from bibtexparser import middlewares  # noqa: PLC0415

    text = _decode(data, where)
    stack = [middlewares.LatexDecodingMiddleware(), middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    library = bibtexparser.parse_string(text, append_middleware=stack)  # type: ignore[attr-defined]  # re-exported
    if library.failed_blocks:
        block = library.failed_blocks[0]
        line = f"line {block.start_line + 1}: " if block.start_line is not None else ""
        raise InputError(f"{where}: {line}not a BibTeX entry (unbalanced braces or quotes?)")
    entries = []
    for entry in library.entries:
        fields = {k.lower(): v.value for k, v in entry.fields_dict.items()}
        authors = fields.get("author", [])
        names = tuple(_bib_name(a) for a in authors) if isinstance(authors, list) else (_squash(authors),)
        eprint = fields.get("eprint")
        archive = _squash(fields.get("archiveprefix", fields.get("eprinttype", ""))).lower()
        arxiv = _arxiv_in(eprint) if archive in ("", "arxiv") else None
        arxiv = arxiv or _arxiv_in(fields.get("url"), fields.get("doi"), fields.get("journal"), fields.get("note"))
        title, abstract = _squash(fields.get("title", "")), _squash(fields.get("abstract", ""))
        entries.append(LibraryEntry(title, abstract, names, arxiv))
    return entries


# -- CSL-JSON -----------------------------------------------------------------------------------------------


def _csl_name(name: object) -> str:
    if not isinstance(name, dict):
        return _squash(name)
    if name.get("literal"):
        return _squash(name["literal"])
    return _squash(f"{name.get('given', '')} {name.get('non-dropping-particle', '')} {name.get('family', '')}")


def read_csl_json(data: bytes, where: str) -> list[LibraryEntry]:
    """The items of a CSL-JSON file (an array of items, or one item).

    Raises:
        InputError: not JSON, or not CSL-JSON items (objects).
    """
    try:
        items = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise InputError(f"{where}: not JSON ({e})") from None
    if isinstance(items, dict):
        items = items.get("items", [items]) if "items" in items else [items]
    if not isinstance(items, list):
        raise InputError(f"{where}: not CSL-JSON: expected an array of items")
    entries = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InputError(f"{where}: item {number}: not a CSL-JSON item (an object)")
        authors = item.get("author") or []
        names = tuple(_csl_name(a) for a in authors) if isinstance(authors, list) else ()
        arxiv = _arxiv_in(item.get("URL"), item.get("DOI"), item.get("number"), item.get("archive_location"),
                          item.get("note"), item.get("id") if isinstance(item.get("id"), str) else None)  # fmt: skip
        entries.append(LibraryEntry(_squash(item.get("title", "")), _squash(item.get("abstract", "")), names, arxiv))
    return entries


# -- Zotero RDF ---------------------------------------------------------------------------------------------

_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "bib": "http://purl.org/net/biblio#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}
_ABOUT = f"{{{_NS['rdf']}}}about"


def _rdf_person(person: etree._Element) -> str:
    given = person.findtext("foaf:givenName", default="", namespaces=_NS) or person.findtext(
        "foaf:givenname", default="", namespaces=_NS
    )
    surname = person.findtext("foaf:surname", default="", namespaces=_NS)
    return _squash(f"{given} {surname}") or _squash(person.findtext("foaf:name", default="", namespaces=_NS))


def _texts(element: etree._Element, path: str) -> list[str]:
    found = element.xpath(path, namespaces=_NS)
    return [str(t) for t in found] if isinstance(found, list) else []


def read_zotero_rdf(data: bytes, where: str) -> list[LibraryEntry]:
    """The items of a Zotero RDF export (top-level resources with a ``dc:title``; attachments and notes have none
    of their own there, or are ``z:Attachment``/``bib:Memo`` resources, and are left out).

    The RDF/XML is read with lxml, which hotpapers already uses, rather than a general RDF library: Zotero writes one
    fixed layout, and only a few of its properties are read.

    Raises:
        InputError: not XML, or not RDF.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise InputError(f"{where}: not XML ({e})") from None
    if root.tag != f"{{{_NS['rdf']}}}RDF":
        raise InputError(f"{where}: not RDF/XML (the root element is not rdf:RDF)")
    entries = []
    for item in root:
        if not isinstance(item.tag, str) or item.tag.endswith(("}Attachment", "}Memo")):
            continue
        title = _squash(item.findtext("dc:title", default="", namespaces=_NS))
        if not title:
            continue
        abstract = _squash(item.findtext("dcterms:abstract", default="", namespaces=_NS))
        people = item.findall("bib:authors//foaf:Person", namespaces=_NS)
        identifiers = [_squash(t) for t in _texts(item, ".//dc:identifier//text()")]
        descriptions = [_squash(t) for t in _texts(item, "dc:description/text()")]
        arxiv = _arxiv_in(item.get(_ABOUT), *identifiers, *descriptions)
        entries.append(LibraryEntry(title, abstract, tuple(_rdf_person(p) for p in people), arxiv))
    return entries


# -- a list of ids ------------------------------------------------------------------------------------------


def read_id_list(data: bytes, where: str) -> list[LibraryEntry]:
    """One arXiv id or URL a line; blank lines and ``#`` comments are skipped.

    Raises:
        InputError: a line holds no arXiv id (its number is named).
    """
    entries = []
    for number, line in enumerate(_decode(data, where).splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        text = stripped.split()[0]  # anything after the id or URL is a comment
        arxiv = _arxiv_in(text)
        if arxiv is None:
            raise InputError(f"{where}: line {number}: {text[:60]!r} is not an arXiv id or URL")
        entries.append(LibraryEntry("", "", (), arxiv))
    return entries


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{where}: not UTF-8 text (byte {e.start})") from None


FORMATS: Mapping[str, Callable[[bytes, str], list[LibraryEntry]]] = {
    ".bib": read_bibtex,
    ".json": read_csl_json,
    ".rdf": read_zotero_rdf,
    ".txt": read_id_list,
}
"""The library readers by file extension."""


def read_library(path: Path, lookup: Callable[[Iterable[ArxivId]], Mapping[ArxivId, Paper]] | None = None) -> Library:
    """Read the library at ``path`` and complete its entries from ``lookup`` (the store's papers by id).

    Raises:
        InputError: the file cannot be read, is too large, has an unknown extension, or is malformed.
    """
    reader = FORMATS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"{path}: unknown library format (give a {', '.join(FORMATS)} file)")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LIBRARY_BYTES + 1)
    except OSError as e:
        raise InputError(f"{path}: cannot read the library: {e.strerror or e}") from e
    if len(data) > MAX_LIBRARY_BYTES:
        raise InputError(f"{path}: the library is larger than {MAX_LIBRARY_BYTES >> 20} MiB")
    entries = _unique(reader(data, str(path)))
    known = lookup(e.arxiv_id for e in entries if e.arxiv_id) if lookup is not None else {}
    completed = [complete(e, known.get(e.arxiv_id) if e.arxiv_id else None) for e in entries]
    missing = tuple(e.arxiv_id for e in completed if e.arxiv_id and not e.text)
    return Library(path, tuple(completed), hashlib.blake2b(data, digest_size=16).hexdigest(), missing)


def complete(entry: LibraryEntry, paper: Paper | None) -> LibraryEntry:
    """``entry`` with the title, abstract and authors of ``paper`` where it has none of its own."""
    if paper is None:
        return entry
    return replace(
        entry,
        title=entry.title or _squash(paper.title),
        abstract=entry.abstract or _squash(paper.abstract),
        authors=entry.authors or paper.authors,
    )


def _unique(entries: Iterable[LibraryEntry]) -> list[LibraryEntry]:
    """Each paper once: by arXiv id, else by its title (case and spacing ignored)."""
    seen: dict[str, LibraryEntry] = {}
    for entry in entries:
        key = entry.arxiv_id or re.sub(r"\W+", " ", entry.title.casefold()).strip()
        if key and key not in seen:
            seen[key] = entry
    return list(seen.values())


def iter_ids(library: Library) -> Iterator[ArxivId]:
    """The arXiv ids of the library's entries."""
    return (e.arxiv_id for e in library.entries if e.arxiv_id)


def as_json(entry: LibraryEntry) -> dict[str, Any]:
    """An entry as plain JSON values (for ``hotpapers profiles show``)."""
    return {"title": entry.title, "arxiv_id": entry.arxiv_id, "authors": list(entry.authors)}
