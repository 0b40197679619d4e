"""Hypothesis strategies of hostile outside text, shared by the output property tests.

Arbitrary Unicode alone rarely hits the syntax of each target, so the text is built from arbitrary snippets mixed
with fragments of every syntax an output must neutralise: HTML tags and comments, character references, XML's
forbidden characters, YAML and front-matter delimiters, Liquid and Hugo shortcodes, kramdown and GFM block and
table syntax, Markdown links and code, TeX math with ``<``, ``>`` and ``&``.
"""

from __future__ import annotations

from hypothesis import strategies as st

FRAGMENTS = (
    "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "</p>", "<!--", "-->", "<b", ">", "<", "&",
    "&amp;", "&lt;", "&#x3C;", "]]>", "\x00", "\x08", "\x1b", "\x7f", "\x85", "\ufffe", "\uffff", "\u2028", "\r\n",
    "\n", "\t", "  ", '"', "'", "\\", "`", "```", "~~~", "---", "\n---\n", ": ", "- ", "#", "* ", "1. ", "> ",
    "|", " | ", "|---|", "{{< x >}}", "{{% y %}}", "{% raw %}", "{{ site.title }}", "{::nomarkdown}", "{:.c}",
    "[x](javascript:alert(1))", "![i](x)", "[a]: http://e", "<https://e.org>", "$", "$$", "$a<b$",
    "$\\varepsilon>0$", "$x<y$ and $y>z$", "$a\\$b$", "$\\{x\\}$", "$[0,1]$", "$\\text{<b>}$", "\\$", "^",
    "*[HTML]: x", "[^1]", "cs.LG", "hep-th", "../..", "%00", "\u202e", "ﬁ", "😀",
)
"""Pieces of the syntax of every target (plus odd Unicode), mixed with arbitrary text by :data:`texts`."""

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=10).map("".join)
"""Hostile text: arbitrary snippets and syntax fragments in any order (never a lone surrogate)."""

categories = st.one_of(st.sampled_from(("cs.LG", "stat.ML", "hep-th", "cond-mat.stat-mech", "cmp-lg")), texts)
"""A stored category: a real arXiv code or anything an import could hold."""
