"""arXiv identifiers: validation and canonical form.

New style (since April 2007): ``YYMM.NNNN`` for 0704..1412 and ``YYMM.NNNNN`` from 1501 on, optional ``vN``.
Old style (August 1991 to March 2007): ``archive[.SUBJ]/YYMMNNN``, optional ``vN``, where ``archive`` is one
of :data:`ARCHIVES`; the canonical form drops the subject class (``math.GT/0309136`` -> ``math/0309136``),
as arXiv's own external form does.

Digits are ASCII only (``re.ASCII``): full-width or Arabic-Indic digits are never an identifier. A version,
when written, is ``v1`` or more (``v0`` and ``v01`` are not versions) and has at most 18 digits
(``hotpapers.bounds.MAX_DIGITS``): a longer one makes the text no identifier at all, since no paper has such a
version and reading thousands of digits is slow (and ``int()`` refuses more than 4,300).
"""

from __future__ import annotations

import re

from hotpapers.bounds import MAX_DIGITS
from hotpapers.models import ArxivId

__all__ = [
    "ARCHIVES",
    "NEW_STYLE_RE",
    "OLD_STYLE_RE",
    "canonical_id",
    "parse_id",
    "version_number",
]

# Archives that had old-style identifiers (arXiv's list of archives before 2007).
# fmt: off
ARCHIVES = frozenset((
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn", "chem-ph",
    "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex", "hep-lat", "hep-ph",
    "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph",
    "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con",
))
# fmt: on

_ARCHIVE_ALT = "|".join(sorted((re.escape(a) for a in ARCHIVES), key=len, reverse=True))
# A subject class: two letters (``math.GT``, ``cs.LG``) or a hyphenated word (``cond-mat.mes-hall``).
_SUBJECT = r"[A-Za-z]{2,}(?:-[A-Za-z]{2,})?"
NEW_STYLE_RE = re.compile(r"(?P<yymm>\d{4})\.(?P<num>\d{4,5})(?:v(?P<version>[1-9]\d*))?", re.ASCII)
OLD_STYLE_RE = re.compile(
    rf"(?P<archive>{_ARCHIVE_ALT})(?:\.(?P<subj>{_SUBJECT}))?/(?P<yymm>\d{{4}})(?P<num>\d{{3}})"
    r"(?:v(?P<version>[1-9]\d*))?",
    re.ASCII,
)

_MAX_ID_TEXT = 200  # longer than any identifier with its prefix, subject class, version and surrounding blanks
_FIRST_NEW = (7, 4)  # 0704: the first new-style month
_FIRST_FIVE_DIGIT = (15, 1)  # 1501: five-digit sequence numbers from here on
_FIRST_OLD = (91, 8)  # 9108: arXiv's first month (hep-th)
_LAST_OLD = (7, 3)  # 0703: the last old-style month


def _valid_new(yymm: str, num: str) -> bool:
    year, month = int(yymm[:2]), int(yymm[2:])
    if not 1 <= month <= 12 or (year, month) < _FIRST_NEW:
        return False
    return len(num) == (4 if (year, month) < _FIRST_FIVE_DIGIT else 5)


def _valid_old(yymm: str) -> bool:
    year, month = int(yymm[:2]), int(yymm[2:])
    if not 1 <= month <= 12:
        return False
    return (year, month) >= _FIRST_OLD or (year, month) <= _LAST_OLD


def version_number(digits: str | None) -> int | None:
    """The version written as ``digits`` (from a ``v`` suffix), or None when absent or over 18 digits."""
    if digits is None or len(digits) > MAX_DIGITS:
        return None
    return int(digits)


def parse_id(text: str) -> tuple[ArxivId, int | None] | None:
    """Parse a whole string as an arXiv id; return (canonical versionless id, version or None).

    Returns None if ``text`` is not exactly one valid identifier (prefix ``arXiv:`` allowed, any case; a version
    of more than 18 digits is not valid).
    """
    if len(text) > _MAX_ID_TEXT:
        return None  # no identifier is this long: do not even scan it
    candidate = text.strip()
    if candidate[:6].lower() == "arxiv:":
        candidate = candidate[6:]
    match = NEW_STYLE_RE.fullmatch(candidate)
    if match and _valid_new(match["yymm"], match["num"]) and _version_ok(match["version"]):
        return ArxivId(f"{match['yymm']}.{match['num']}"), version_number(match["version"])
    match = OLD_STYLE_RE.fullmatch(candidate)
    if match and _valid_old(match["yymm"]) and _version_ok(match["version"]):
        return ArxivId(f"{match['archive']}/{match['yymm']}{match['num']}"), version_number(match["version"])
    return None


def _version_ok(digits: str | None) -> bool:
    return digits is None or len(digits) <= MAX_DIGITS


def canonical_id(text: str) -> ArxivId:
    """Return the canonical versionless id of ``text``; raise ``ValueError`` if it is not an arXiv id."""
    parsed = parse_id(text)
    if parsed is None:
        raise ValueError(f"not an arXiv identifier: {text!r}")
    return parsed[0]
