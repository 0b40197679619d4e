"""Escaping shared by the writers: HTML text and attributes, Markdown text, YAML scalars and URLs.

Markdown (CommonMark / GFM, as rendered by remark in a Gatsby blog) passes raw HTML through, so outside
text that lands in a Markdown body must be neutralised twice:

* as HTML: ``& < > " '`` become character references, so no tag, attribute or comment can start;
* as Markdown: ``[``, ``]`` and the backtick become character references (``&#91;``, ``&#93;``, ``&#96;``),
  which CommonMark never reads as syntax, so no link, image, reference definition or code span can start
  (``<`` is already escaped, so no autolink either). A backslash right before a character that was turned
  into a reference is written ``&#92;``, so that it cannot escape the reference's ``&`` and show its
  source. At the start of a line (authors, abstract), a character that could open a block (heading, list,
  thematic break, fenced code, table, block quote) is written as a reference too.

Left alone on purpose: ``*``, ``_``, ``~`` and ``$``. They can only change emphasis or start TeX math (the
Lumen starter renders ``$...$`` with KaTeX, and arXiv titles use TeX: ``$SU(N)$``), never create a link or
HTML. Inside ``$...$`` the references above are not decoded, so TeX that itself uses ``<``, ``&``, ``[`` or
``]`` shows the escaped text: safety wins over such rare formulas.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import quote, urlsplit

__all__ = [
    "block_start",
    "closing_hashes",
    "html_attr",
    "html_text",
    "http_url",
    "markdown_block",
    "markdown_inline",
    "markdown_text",
    "markdown_url",
    "one_line_html",
    "yaml_string",
]

_INLINE_REFS = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "[": "&#91;",
    "]": "&#93;",
    "`": "&#96;",
    "\\": "&#92;",
}
_INLINE_RE = re.compile(r"\\(?=[&<>\"'\[\]`])|[&<>\"'\[\]`]")
_BLOCK_START = {
    "#": "&#35;",
    "+": "&#43;",
    "-": "&#45;",
    "*": "&#42;",
    "_": "&#95;",
    "=": "&#61;",
    "~": "&#126;",
    "|": "&#124;",
}
_ORDERED_RE = re.compile(r"(\d{1,9})([.)])")
_YAML_UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_URL_BAD_RE = re.compile(r"[\x00-\x20\x7f-\x9f]")
_LINE_BREAK_RE = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def html_text(text: str) -> str:
    """Escape ``text`` for HTML content or a double-quoted attribute (``'`` becomes ``&#39;``, as oEmbed)."""
    return html.escape(text, quote=True).replace("&#x27;", "&#39;")


def html_attr(text: str) -> str:
    """Escape ``text`` for a double-quoted HTML attribute value."""
    return html_text(text)


def markdown_text(text: str) -> str:
    """Escape outside text for inline Markdown: inert as HTML and unable to form links or code spans."""
    return closing_hashes(markdown_inline(text))


def markdown_inline(text: str) -> str:
    """:func:`markdown_text` without the rule for trailing ``#`` (for a piece of a longer line)."""
    return _INLINE_RE.sub(lambda m: _INLINE_REFS[m[0]], text)


def closing_hashes(escaped: str) -> str:
    """Write trailing ``#`` as references: a closing ``#`` sequence would be cut from a heading."""
    stripped = escaped.rstrip("#")
    return stripped + "&#35;" * (len(escaped) - len(stripped))


def markdown_block(text: str) -> str:
    """Escape outside text that starts a Markdown line: :func:`markdown_text` plus block-start markers."""
    return block_start(markdown_text(text))


def block_start(escaped: str) -> str:
    """Escaped text made unable to open a block at the start of a line (``1.``, ``#``, ``-``, ``|``, …)."""
    match = _ORDERED_RE.match(escaped)
    if match:
        return f"{match[1]}&#{ord(match[2])};{escaped[match.end() :]}"
    if escaped[:1] in _BLOCK_START:
        return _BLOCK_START[escaped[0]] + escaped[1:]
    return escaped


def one_line_html(fragment: str) -> str:
    """An HTML fragment (outside text in it escaped) on one line, so that Markdown keeps it one HTML block:
    a line break in a stored handle or name must not end the block and hand the rest to Markdown."""
    return _LINE_BREAK_RE.sub(" ", fragment)


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (also a JSON string): ``\\`` and ``"`` escaped, control characters,
    line and paragraph separators and non-characters as ``\\uXXXX``."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    body = _YAML_UNSAFE_RE.sub(lambda m: f"\\u{ord(m[0]):04x}", body)
    return f'"{body}"'


def http_url(url: str | None) -> str | None:
    """Return ``url`` if it is an absolute http(s) URL with a host and no spaces or controls, else None."""
    if not url or _URL_BAD_RE.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def markdown_url(url: str) -> str:
    """Write a (checked) URL as a Markdown link destination: characters Markdown reads are %-encoded."""
    return quote(url, safe="/:?#@!$&'*+,;=%-._~").replace("&", "&amp;")


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
"""English month names, as X's oEmbed writes a tweet's date (``April 19, 2021``)."""

RTL_LANGUAGES = frozenset(("ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd", "ug", "ur", "yi"))
"""Language tags written right to left (for ``dir="rtl"``)."""

LANG_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
"""A plausible BCP 47 language tag (anything else is not put into an attribute)."""


def tweet_date(when: dt.datetime) -> str:
    """``April 19, 2021``: the date as X's embed shows it (UTC)."""
    when = when.astimezone(dt.UTC)
    return f"{MONTHS[when.month - 1]} {when.day}, {when.year}"


def text_direction(lang: str) -> str:
    """``rtl`` for a right-to-left language tag, else ``ltr``."""
    return "rtl" if lang.split("-", maxsplit=1)[0].lower() in RTL_LANGUAGES else "ltr"
