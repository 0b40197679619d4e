"""Outside text with TeX math for a blog that renders ``$…$`` with KaTeX (the Lumen writer).

The Gatsby Lumen starter parses posts with remark and remark-math (gatsby-remark-katex) and hands the source of
every math span to KaTeX. A math span must therefore reach KaTeX as written: an HTML character reference inside
it is not decoded, so ``$\\varepsilon&gt;0$`` fails the blog's build (``KaTeX parse error: Expected 'EOF', got
'&'``). And text outside math must stay inert, as :func:`~hotpapers.writers._markup.markdown_text` makes it.

:func:`markdown_tex` finds the math spans as TeX (and arXiv, and the original blog's remark-math 1) reads them:
``$…$`` or ``$$…$$`` whose content holds no ``$`` but an escaped ``\\$``; a ``\\$`` outside math is a dollar.
It then writes them so that today's remark-math (≥ 4, micromark: a run of n ``$`` closes at the next run of exactly
n, nothing escaped inside) finds exactly the same spans:

* a span whose content holds ``\\$`` is delimited by ``$$`` (its single dollars cannot close it; one ending in
  ``\\$`` gets a space before the closing ``$$``, which would otherwise be a run of three), two spans
  that touch (``$a$$b$``, one glued span to micromark) are separated by ``&#8203;`` (a zero-width space), and
  a span glued to a preceding URL (``https://x.org/$y$``, which GFM's autolinks would run on into) gets a space
  before it;
* outside math: :func:`~hotpapers.writers._markup.markdown_text` (HTML and Markdown syntax as character
  references), and every ``$`` that does not delimit a span is ``&#36;``, so no parser can pair it into a span
  the writer did not see.
* inside math: the TeX as written, so KaTeX gets exactly the author's formula, with two changes that KaTeX
  renders identically and that keep the span inert even for a Markdown parser without math (or with other span
  rules): a ``<`` that could open an HTML tag, comment or autolink (a letter, ``/``, ``!`` or ``?`` after it and
  a ``>`` later on the line) is followed by a space (spaces do not count in TeX math), and ``](``, which could
  end a link, is written ``]{}(`` (an empty group: no output, no spacing). ``>``, ``&``, quotes and brackets need
  nothing: alone they cannot open markup, and a character reference only ever decodes to text.

Hand-rolled rather than a Markdown library: the point is to mirror remark-math's span rules exactly (a CommonMark
library without that extension would not know math spans at all), and it is a short scan.
"""

from __future__ import annotations

import re
import string

from hotpapers.writers._markup import block_start, closing_hashes, markdown_inline

__all__ = ["markdown_tex", "math_spans"]

_ESCAPABLE = frozenset(string.punctuation)  # what a CommonMark backslash escapes
_TAG_OPEN_RE = re.compile(r"<(?=[A-Za-z/!?])")
_LINK_END = "]("
# remark-math 1's spans (the original blog's): content of escaped dollars and anything but a dollar.
_DOUBLE_RE = re.compile(r"\$\$((?:\\\$|[^$])+)\$\$")
_SINGLE_RE = re.compile(r"\$((?:\\\$|[^$])+)\$")
_SEPARATOR = "&#8203;"
_GLUED_URL_RE = re.compile(r"(?i)(?:https?://|www\.)\S*$")


def math_spans(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into ``(is_math, piece)`` pieces, in order; a math piece keeps its ``$`` delimiters."""
    pieces: list[tuple[bool, str]] = []
    start = i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in _ESCAPABLE:
            i += 2
            continue
        if char != "$":
            i += 1
            continue
        match = _DOUBLE_RE.match(text, i) or _SINGLE_RE.match(text, i)
        if match is None:
            i += 1
            continue
        if start < i:
            pieces.append((False, text[start:i]))
        pieces.append((True, match[0]))
        start = i = match.end()
    if start < n:
        pieces.append((False, text[start:]))
    return pieces


def markdown_tex(text: str, *, block: bool = False, math: bool = True) -> str:
    """Escape outside text for a Markdown line, keeping its TeX math spans intact (see the module docstring).

    Args:
        text: one line of outside text (a title, an abstract).
        block: the text starts a line (a character that could open a block is written as a reference).
        math: False for text that has no math (authors): every ``$`` is then ``&#36;``.
    """
    pieces = math_spans(text) if math else [(False, text)]
    later_gt = [False] * len(pieces)
    seen = False
    for index in range(len(pieces) - 1, -1, -1):
        later_gt[index] = seen
        seen = seen or (pieces[index][0] and ">" in pieces[index][1])
    out = []
    previous_math = False
    for (is_math, piece), gt_after in zip(pieces, later_gt, strict=True):
        if is_math and previous_math:
            out.append(_SEPARATOR)
        elif is_math and out and _GLUED_URL_RE.search(out[-1]):
            out.append(" ")  # a URL runs on to the next space: it would swallow the span
        out.append(_math(piece, gt_after) if is_math else _outside(piece))
        previous_math = is_math
    escaped = closing_hashes("".join(out))
    return block_start(escaped) if block else escaped


def _outside(piece: str) -> str:
    """The piece escaped as inline Markdown, with every ``$`` but an escaped ``\\$`` as ``&#36;``."""
    parts = re.split(r"(\\\\|\\\$)", piece)  # escaped backslashes and dollars, kept as they are
    return "".join(p if p in ("\\\\", "\\$") else markdown_inline(p).replace("$", "&#36;") for p in parts)


def _math(span: str, gt_after: bool) -> str:
    """The span's TeX as written, between delimiters today's remark-math pairs the same way; a ``<`` that could
    open markup gets a space after it, and ``](`` is ``]{}(``."""
    double = span.startswith("$$")
    content = span[2:-2] if double else span[1:-1]
    out = []
    for i, char in enumerate(content):
        out.append(char)
        if char == "<" and _TAG_OPEN_RE.match(content, i) and (gt_after or ">" in content[i:]):
            out.append(" ")
    delimiter = "$$" if double or "$" in content else "$"
    if content.endswith("$"):  # an escaped ``\$`` last: a space keeps its ``$`` from joining the closing run
        out.append(" ")
    return delimiter + "".join(out).replace(_LINK_END, "]{}(") + delimiter
