"""Canonical arXiv id resolution from any URL or text: the one resolver every source uses.

An arXiv id is only taken where the text itself says it is one. Recognised forms (case-insensitive),
where ``ID`` is a new-style ``YYMM.NNNN`` / ``YYMM.NNNNN`` or an old-style ``archive[.SC]/YYMMNNN`` id
(``hep-th/9901001``, ``math.GT/0309136``), optionally followed by a version ``vN``:

* arXiv URLs, with or without ``http(s)://``, on ``arxiv.org`` or any sub-domain of it (``www.``,
  ``export.``, ``ar5iv.labs.``): ``arxiv.org/{abs,pdf,html,format,ps,src,e-print}/ID``. Whatever follows
  the id is ignored: ``.pdf``, a trailing ``/``, ``?query``, ``#fragment``, closing punctuation.
  ``ar5iv.org/{abs,html}/ID`` has the same shape.
* Sites that name a paper by its arXiv id in the path: ``alphaxiv.org/{abs,overview,pdf}/ID``,
  ``huggingface.co/papers/ID`` (also ``hf.co``) and ``scirate.com/arxiv/ID``.
* arXiv's DataCite DOIs, ``10.48550/arXiv.ID``, behind any resolver (``doi.org``, ``dx.doi.org``,
  ``doi:``); DataCite writes the suffix ``ARXIV.ID``.
* The ``arXiv:ID`` prefix (also ``arXiv.org:ID``, a full-width colon, one space or tab allowed after
  the colon), as in ``arXiv:2104.08223v2 [cs.LG]``.
* Inside URLs that carry another URL in their query (link wrappers, trackers), ``/`` may be written
  ``%2F`` or ``%252F`` and ``:`` may be written ``%3A``; Hacker News writes ``/`` as ``&#x2F;`` in comment
  HTML. These spellings count as the plain characters, also between an old-style archive and its number.

No form may be glued to a longer ASCII word: ``SocArXiv:ID`` and ``eartharxiv.org/abs/ID`` belong to
other servers. A dot (``export.arxiv.org``), punctuation, whitespace or a non-ASCII letter (Japanese
``論文arXiv:ID``) may come before it.

Every candidate is checked with :func:`hotpapers.arxiv.ids.parse_id` (month 01-12, new style from 0704,
four digits up to 1412 and five from 1501, old style from 9108 to 0703 with a known archive), and the result
is the canonical versionless id (``math.GT/0309136`` -> ``math/0309136``). A digit right after the id
voids the match instead of being cut off (``arxiv.org/abs/2104.082231`` is nothing), so a shortened link
such as ``arxiv.org/abs/2104.0822…`` has too few digits for its period and yields nothing; a version
directly followed by an ellipsis may itself be cut short and is dropped.

Why bare numbers are not recognised: ``2104.08223`` alone is indistinguishable from a version number
(``v2.1023``), a date (``2021.0415``), a price, a phone number (``555.1234``) or a measurement, and the
valid-id rules accept a large share of such numbers. Without an ``arXiv:`` prefix, an arXiv DOI or a
known host and path, a number is never an id: a missed mention costs one post, while an invented id
credits discussion to the wrong paper. For the same reason these are not recognised either:
``arXiv 2104.08223`` without the colon, an abs page's title pasted as ``[2104.08223] Title``,
``arXiv.2104.08223`` outside a DOI, API query URLs (``export.arxiv.org/api/query?id_list=ID``) and the
pre-1999 host ``xxx.lanl.gov``.

Speed: the resolver runs over a firehose. Every recognised form contains ``xiv`` (arxiv, alphaxiv),
``ar5iv`` or ``papers`` in some case, so text without one of those returns ``[]`` after one ``str.lower``
and three substring tests (about 1 µs for a 230-character tweet on CPython 3.11). Otherwise each form's
pattern, which starts with a literal word, runs on the lower-cased text only if that word is present
(about 4 µs for such a tweet). Nothing here touches the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hotpapers.arxiv.ids import ARCHIVES, parse_id, version_number
from hotpapers.models import ArxivId

__all__ = [
    "find_arxiv_ids",
    "find_arxiv_refs",
    "ids_from_urls",
    "resolve_url",
]

# All patterns run on the lower-cased text: case-sensitive patterns that begin with a literal let the
# regex engine jump between occurrences of that literal, several times faster than one big IGNORECASE
# alternation with look-behinds. Only digits, a lower-cased archive and the version are read from a match.
_SLASH = r"(?:/|%(?:25)?2f|&#x0*2f;|&#0*47;)"  # "/", URL-encoded (once or twice) or HTML-escaped
_COLON = r"(?::|\uff1a|%(?:25)?3a)"  # ":", the full-width colon U+FF1A (CJK text) or URL-encoded
_ARCHIVE_ALT = "|".join(sorted((re.escape(a) for a in ARCHIVES), key=len, reverse=True))
_ID = (
    r"(?:(?P<yymm>\d{4})\.(?P<num>\d{4,5})"
    rf"|(?P<archive>{_ARCHIVE_ALT})(?:\.[a-z]{{2,}}(?:-[a-z]{{2,}})?)?{_SLASH}(?P<old>\d{{7}}))"
    r"(?!\d)(?:v(?P<version>[1-9]\d*))?(?P<cut>…|\.\.\.)?"
)
_ARXIV_PATHS = r"(?:abs|pdf|html|format|ps|src|e-print)"
# (a word every match contains, the pattern): the word is tested with ``in`` before the pattern runs.
_FORMS = tuple(
    (word, re.compile(pattern + _ID, re.ASCII))
    for word, pattern in (
        ("arxiv", rf"arxiv(?:\.org{_SLASH}{_ARXIV_PATHS}{_SLASH}|(?:\.org)?{_COLON}[ \t]?)"),
        ("ar5iv", rf"ar5iv\.org{_SLASH}(?:abs|html){_SLASH}"),
        ("alphaxiv", rf"alphaxiv\.org{_SLASH}(?:abs|overview|pdf){_SLASH}"),
        ("papers", rf"(?:huggingface|hf)\.co{_SLASH}papers{_SLASH}"),
        ("scirate", rf"scirate\.com{_SLASH}arxiv{_SLASH}"),
        ("10.48550", rf"10\.48550{_SLASH}arxiv\."),
    )
)
_GLUE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


def _may_contain_id(lowered: str) -> bool:
    """The cheap pre-check on lower-cased text: every recognised form contains one of these words."""
    return "xiv" in lowered or "ar5iv" in lowered or "papers" in lowered  # faster than any() over a tuple


def _standalone(lowered: str, start: int) -> bool:
    """Whether a match at ``start`` begins a name instead of ending a longer one (``eartharxiv.org``).

    A dot may precede it (``export.arxiv.org``), and so may an encoded slash (``%2F``, ``%252F``).
    """
    return start == 0 or lowered[start - 1] not in _GLUE or lowered.endswith(("%2f", "%252f"), 0, start)


def _from_match(match: re.Match[str]) -> tuple[ArxivId, int | None] | None:
    """The validated (canonical id, version) of one regex match, or None if the id is not valid."""
    if match["yymm"] is not None:
        parsed = parse_id(f"{match['yymm']}.{match['num']}")
    else:
        parsed = parse_id(f"{match['archive']}/{match['old']}")
    if parsed is None:
        return None
    # A version of more than 18 digits is no version (and int() of thousands of digits raises): the id stands.
    return parsed[0], (version_number(match["version"]) if match["cut"] is None else None)


def _refs(text: str) -> list[tuple[ArxivId, int | None]]:
    """Every valid (id, version) written in ``text``, in order of position, duplicates included."""
    lowered = text.lower()
    if not _may_contain_id(lowered):
        return []
    found: list[tuple[int, tuple[ArxivId, int | None]]] = []
    for word, pattern in _FORMS:
        if word in lowered:
            for match in pattern.finditer(lowered):
                ref = _from_match(match) if _standalone(lowered, match.start()) else None
                if ref is not None:
                    found.append((match.start(), ref))
    found.sort(key=lambda item: item[0])
    return [ref for _, ref in found]


def find_arxiv_refs(text: str) -> list[tuple[ArxivId, int | None]]:
    """Find the arXiv ids written in ``text``, each with the version written beside it.

    Args:
        text: free text, HTML or one or more URLs (a post's text, an expanded link, a card's URL).

    Returns:
        ``(canonical versionless id, version or None)`` pairs in order of first appearance, one per id:
        when an id occurs several times, the first occurrence (and its version, if any) is kept.
    """
    refs: dict[ArxivId, int | None] = {}
    for arxiv_id, version in _refs(text):
        refs.setdefault(arxiv_id, version)
    return list(refs.items())


def find_arxiv_ids(text: str) -> list[ArxivId]:
    """Find the arXiv ids written in ``text`` (see the module docstring for the forms).

    Args:
        text: free text, HTML or one or more URLs.

    Returns:
        Canonical versionless ids in order of first appearance, without duplicates; ``[]`` if none.
    """
    refs = _refs(text)
    return list(dict.fromkeys(arxiv_id for arxiv_id, _ in refs)) if refs else []


def resolve_url(url: str) -> ArxivId | None:
    """Return the arXiv id one (expanded) URL points to, or None if it names no arXiv paper.

    Args:
        url: one URL, such as a post's ``expanded_url``, a facet's ``uri`` or a card's ``url``. A link
            wrapper that carries an arXiv URL in its query resolves to that paper.

    Returns:
        The canonical versionless id of the first id in the URL, or None.
    """
    refs = _refs(url)
    return refs[0][0] if refs else None


def ids_from_urls(urls: Iterable[str]) -> list[ArxivId]:
    """Resolve each URL with :func:`resolve_url`; return the distinct ids in order of first appearance.

    Args:
        urls: expanded URLs of one post (entities, facets, embeds, cards).

    Returns:
        Canonical versionless ids, without duplicates; URLs that name no arXiv paper are skipped.
    """
    ids = (resolve_url(url) for url in urls)
    return list(dict.fromkeys(arxiv_id for arxiv_id in ids if arxiv_id is not None))
