"""Hypothesis strategies of hostile outside text, shared by the output property tests.

Arbitrary Unicode alone rarely hits the syntax of each target, so the text is built from arbitrary snippets mixed
with fragments of every syntax an output must neutralise: HTML tags and comments, character references, XML's
forbidden characters, YAML and front-matter delimiters, Liquid and Hugo shortcodes, kramdown and GFM block and
table syntax, Markdown links and code, TeX math with ``<``, ``>`` and ``&``.
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

from hotpapers.models import Digest, RankedPaper, RankedPost

from helpers.factories import DAY, T0, paper, post, snapshot

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


@st.composite
def digests(draw: st.DrawFn) -> Digest:
    """A digest of one or two papers whose every text field (and the preset and categories) is hostile."""
    items = []
    for rank in range(1, draw(st.integers(1, 2)) + 1):
        cats = tuple(draw(st.lists(categories, min_size=1, max_size=3)))
        shown = post(
            f"17{rank}", text=draw(texts), author_name=draw(texts), author_handle=draw(texts), language=draw(texts)
        )
        p = paper(
            f"2104.0822{rank}", title=draw(texts), abstract=draw(texts), authors=tuple(draw(st.lists(texts, max_size=2))),
            primary_category=cats[0], categories=cats,
        )
        items.append(RankedPaper(rank, 10.0, p, (RankedPost(shown, snapshot(shown.post_id), 1.0),), ()))
    return Digest(draw(texts), DAY, T0, T0, T0, draw(texts), tuple(items))


def corpus_text(rng: random.Random) -> str:
    """One hostile text from a seeded generator (for corpora built once, such as a whole blog site)."""
    pieces = [rng.choice(FRAGMENTS) if rng.random() < 0.7 else chr(rng.randrange(32, 0x2FFF)) for _ in range(8)]
    return "".join(pieces)
