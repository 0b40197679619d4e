"""What the three arXiv parsers (``api``, ``rss``, ``oai``) share: the safe XML parser, whitespace normalisation,
reading a document's items one by one (an unusable item is skipped with a reason), category validation and the
canonical link shapes. Pure functions of their input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from lxml import etree

from hotpapers.errors import ParseError

__all__ = [
    "CATEGORY_RE",
    "ItemError",
    "all_text",
    "categories_in_order",
    "clean_text",
    "element_text",
    "first_doi",
    "paper_urls",
    "parse_xml",
    "read_items",
    "required_text",
]

T = TypeVar("T")

# An arXiv category or archive (``cs.LG``, ``cond-mat.mes-hall``, ``hep-th``); ACM (``I.2.6``) and MSC
# (``68T05``) codes, which the API mixes into <category>, do not match.
CATEGORY_RE = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?")


class ItemError(ValueError):
    """One item of an otherwise good document is unusable (recorded in ``skipped``, not raised)."""


def parse_xml(data: bytes, what: str) -> etree._Element:
    """Parse ``data`` with a safe parser (no entities, no network, no huge trees, no DTD).

    Args:
        data: the response body.
        what: what the body should be, for the error message.

    Returns:
        The root element.

    Raises:
        ParseError: the body is not well-formed XML or carries a DOCTYPE.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError) as e:
        first_line = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ParseError(f"{what}: not well-formed XML ({first_line})") from e
    if root is None:  # pragma: no cover  (lxml returns None only with recover=True)
        raise ParseError(f"{what}: empty document")
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]  # lxml-stubs lack DocInfo.doctype
        raise ParseError(f"{what}: unexpected DOCTYPE declaration")
    return root


def clean_text(text: str | None) -> str:
    """Collapse runs of whitespace to one space and strip; ``None`` becomes ``""``."""
    return " ".join(text.split()) if text else ""


def all_text(element: etree._Element) -> str:
    """Return the text of ``element`` and its descendants, as is."""
    return "".join(t for t in element.itertext() if isinstance(t, str))


def element_text(parent: etree._Element, path: str) -> str | None:
    """Return the normalised text of the first ``path`` under ``parent``; None if absent or empty."""
    found = parent.find(path)
    if found is None:
        return None
    return clean_text(all_text(found)) or None


def required_text(parent: etree._Element, path: str, name: str) -> str:
    """Like ``element_text`` but raise ``ItemError`` naming ``name`` when it is missing or empty."""
    value = element_text(parent, path)
    if value is None:
        raise ItemError(f"missing <{name}>")
    return value


def read_items(
    elements: list[etree._Element],
    read: Callable[[int, etree._Element], T],
    describe: Callable[[int, etree._Element], str],
) -> tuple[list[T], list[str]]:
    """Read each element; an element whose reading fails is described in the second list, not raised.

    Args:
        elements: the entries/items/records of a document.
        read: builds a result from (index, element); raises ``ValueError`` for an unusable element.
        describe: names an element for the skip message (index and identifier).

    Returns:
        The results, and one ``"<description>: <reason>"`` line per skipped element.
    """
    results: list[T] = []
    skipped: list[str] = []
    for index, element in enumerate(elements):
        try:
            results.append(read(index, element))
        except (ValueError, OverflowError) as e:  # OverflowError: dates near datetime's limits
            skipped.append(f"{describe(index, element)}: {e}")
    return results, skipped


def categories_in_order(terms: list[str], primary: str | None) -> tuple[str, ...]:
    """Return the arXiv categories of ``terms`` with ``primary`` first and no duplicates."""
    valid = [t for t in terms if CATEGORY_RE.fullmatch(t)]
    head = [primary] if primary and CATEGORY_RE.fullmatch(primary) else []
    return tuple(dict.fromkeys(head + valid))


def paper_urls(arxiv_id: str, version: int | None) -> tuple[str, str, str]:
    """Return the canonical (abs, pdf, html) URLs; versioned when ``version`` is known.

    The PDF URL has no ``.pdf`` suffix (arXiv redirects that form), and the HTML rendering
    exists only when arXiv could convert the source with LaTeXML.
    """
    suffix = f"v{version}" if version else ""
    return (
        f"https://arxiv.org/abs/{arxiv_id}{suffix}",
        f"https://arxiv.org/pdf/{arxiv_id}{suffix}",
        f"https://arxiv.org/html/{arxiv_id}{suffix}",
    )


def first_doi(text: str | None) -> str | None:
    """Return the first DOI of a space-separated DOI field (arXiv allows several)."""
    return text.split()[0] if text and text.split() else None
