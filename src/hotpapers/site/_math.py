"""TeX in titles and abstracts (``$\\varepsilon>0$``) as MathML, rendered here on the server: no script.

``tex_html(text)`` returns HTML: the text escaped, each inline ``$…$`` (or ``$$…$$``) segment converted by
latex2mathml. Browsers with MathML Core (Chromium, Firefox, Safari) draw it; others show the symbols in a row.

Safety. latex2mathml is a converter, not a sanitiser: ``\\text{<script>}`` comes out as a raw ``<script>`` in
an ``<mtext>``. So a segment is shown as MathML only when every tag and attribute of the converter's output is
in the allow-list below; otherwise the segment stays its TeX source, as escaped text. The accepted output then
still goes through nh3 with the same allow-list (defence in depth): no script, event handler, link or style can
come out of this module, whatever the input (property-tested in ``tests/site/test_site_math.py``).

Which ``$`` delimit math follows pandoc's rule: an opening ``$`` is followed by a non-space, a closing ``$`` is
preceded by a non-space and not followed by a digit (so ``costs $5 and $10`` stays text); ``\\$`` is a dollar.
A segment the converter refuses, or with unbalanced braces, stays its source text too.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from latex2mathml.converter import convert
from markupsafe import Markup, escape

__all__ = ["MATHML_ATTRIBUTES", "MATHML_TAGS", "tex_html"]

MATHML_TAGS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt",
        "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom",
        "menclose", "mmultiscripts", "mprescripts", "none", "merror",
    }
)  # fmt: skip
_COMMON = {"mathvariant", "displaystyle", "scriptlevel"}
MATHML_ATTRIBUTES: dict[str, set[str]] = {
    "math": {"xmlns", "display"},
    "mo": {"stretchy", "fence", "separator", "lspace", "rspace", "form", "largeop", "movablelimits", "accent",
           "minsize", "maxsize", "symmetric"},
    "mfrac": {"linethickness"},
    "mspace": {"width"},
    "mpadded": {"width", "lspace", "voffset", "height", "depth"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "munderover": {"accent", "accentunder"},
    "mtable": {"columnalign", "rowspacing", "columnspacing", "rowlines", "columnlines", "frame"},
    "mtr": {"columnalign"},
    "mtd": {"columnalign", "columnspan", "rowspan"},
    "menclose": {"notation"},
    **{tag: set(_COMMON) for tag in ("mi", "mn", "mtext", "mstyle", "mrow")},
}  # fmt: skip
_CLEANER = nh3.Cleaner(
    tags=set(MATHML_TAGS),
    attributes={tag: set(names) for tag, names in MATHML_ATTRIBUTES.items()},
    url_schemes=set(),
    link_rel=None,
    strip_comments=True,
)
_SEGMENT = re.compile(
    r"(?<![\\$])\$\$(?=\S)(?P<display>.+?)(?<=\S)\$\$(?!\d)"  # $$…$$
    r"|(?<![\\$])\$(?=[^\s$])(?P<inline>[^$]*?[^\s\\$])\$(?![\d$])"  # $…$
    r"|(?<![\\$])\$(?P<single>[^\s\\$])\$(?![\d$])",  # $x$
    re.DOTALL,
)
_TAG = re.compile(r"<\s*/?\s*([^\s/>]+)([^>]*)>")
_ATTRIBUTE = re.compile(r"([^\s=/]+)\s*=")
MAX_SEGMENT = 2_000  # characters of TeX in one segment; longer ones stay text (the converter is recursive)


def _balanced(tex: str) -> bool:
    depth = 0
    escaped = False
    for char in tex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _allowed(markup: str) -> bool:
    """Every tag and attribute of ``markup`` is in the allow-list (and no comment, CDATA or doctype)."""
    if "<!" in markup or "<?" in markup:
        return False
    for match in _TAG.finditer(markup):
        tag = match[1].lower()
        if tag not in MATHML_TAGS:
            return False
        allowed = MATHML_ATTRIBUTES.get(tag, set())
        if any(name.lower() not in allowed for name in _ATTRIBUTE.findall(match[2])):
            return False
    return True


@lru_cache(maxsize=65_536)
def _mathml(tex: str, display: bool) -> str | None:
    """The sanitised MathML of one segment, or None when it is to stay text."""
    if not tex.strip() or len(tex) > MAX_SEGMENT or not _balanced(tex):
        return None
    try:
        markup = convert(tex, display="block" if display else "inline")
    except Exception:
        return None
    if not _allowed(markup):
        return None
    cleaned = _CLEANER.clean(markup)
    return cleaned if cleaned.startswith("<math") else None


def tex_html(text: str) -> Markup:
    """``text`` as HTML: escaped, with each ``$…$`` segment as MathML when it converts safely."""
    if "$" not in text:
        return escape(text)
    parts: list[str] = []
    last = 0
    for match in _SEGMENT.finditer(text):
        display = match["display"] is not None
        tex = match["display"] if display else (match["inline"] or match["single"])
        mathml = _mathml(tex, display)
        if mathml is None:
            continue
        parts.append(str(escape(text[last : match.start()])))
        parts.append(mathml)
        last = match.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))  # noqa: S704 - escaped text and allow-listed, sanitised MathML only
