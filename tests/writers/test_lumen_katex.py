"""Lumen posts through a Lumen blog's own pipeline: remark and remark-math find the math, KaTeX renders it.

``tests/js/lumen_check.cjs`` runs today's gatsby-starter-lumen stack (remark-parse 9, remark-gfm, remark-math 4,
KaTeX with the starter's options) and reports the original blog's remark-math 1 spans too. It needs Node and
``npm ci --prefix tests/js``; without them these tests are skipped with the reason (a failure under
``HOTPAPERS_REQUIRE_ENGINES=1``, as in CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import lxml.html
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hotpapers.models import Digest, RankedPaper, RankedPost
from hotpapers.writers._tex import math_spans
from hotpapers.writers._text import scrub, xml_safe
from hotpapers.writers.lumen import render_lumen

from helpers import paths
from helpers.factories import DAY, T0, paper, post, snapshot
from helpers.hostile import texts
from helpers.lumen_pipeline import LumenPipeline
from helpers.writer_samples import sample_digests

GOLDEN = paths.GOLDEN / "lumen"
TEX = st.sampled_from((
    "$\\varepsilon>0$", "$a<b$", "$n/3<f<n/2$", "$x \\ge 7$", "$\\mathcal{O}(n)$", "$[0,1]$", "$f'(x)$",
    "$A \\& B$", "$a\\$b$", "$$x^2$$", "$\\times$$-$", "$\\{x\\}$", "$\\text{a<b>c}$", "$<img src=x>$",
    "$\\left\\langle x \\right\\rangle$", "$\\mathrm{QAC}^0$", "$ 1 $", "$2 $", "\\$5", "$",
))
MIXED = st.lists(st.one_of(TEX, texts), max_size=6).map(" ".join)
OWN_ELEMENTS = {"html", "body", "div", "h1", "p", "ul", "li", "a", "blockquote", "br", "script", "em", "strong", "del"}
WIDGETS = "https://platform.twitter.com/widgets.js"


@pytest.fixture(scope="module")
def pipeline() -> Iterator[LumenPipeline]:
    """One Node process running the Lumen pipeline for the module."""
    running = LumenPipeline()
    yield running
    running.close()


def _contents(text: str) -> list[str]:
    """The TeX of each math span of outside text, as the writer reads it (cleaned, on one line)."""
    line = " ".join(xml_safe(scrub(text)).split())
    return [p[2:-2] if p.startswith("$$") else p[1:-1] for is_math, p in math_spans(line) if is_math]


def _no_foreign_markup(html: str) -> None:
    """The page holds only the writer's own elements (KaTeX's output aside): no tag, handler or link of the input."""
    tree = lxml.html.document_fromstring(f"<div>{html}</div>")
    for katex in tree.xpath('//span[contains(concat(" ", @class, " "), " katex ")]'):
        katex.drop_tree()
    assert {e.tag for e in tree.iter() if isinstance(e.tag, str)} <= OWN_ELEMENTS
    assert not [a for e in tree.iter() for a in e.attrib if a.lower().startswith("on")]
    assert all(h.startswith(("http://", "https://")) for h in tree.xpath("//a/@href"))
    assert all(s == WIDGETS for s in tree.xpath("//script/@src")) and not tree.xpath("//script[not(@src)]")


def _errors(answer: dict[str, Any]) -> list[str]:
    return [f"{m['value']!r}: {m['error']}" for m in answer["math"] if m["error"]]


def test_golden_posts_build_with_katex(pipeline: LumenPipeline) -> None:
    """Every math span of the golden Lumen posts renders with KaTeX, as the blog's build does (no error)."""
    found = []
    for path in sorted(GOLDEN.glob("*.md")):
        answer = pipeline.post(path.read_text(encoding="utf-8"))
        assert _errors(answer) == [], path.name
        _no_foreign_markup(answer["html"])
        found.extend(m["value"] for m in answer["math"])
    assert "\\varepsilon>0" in found and len(found) >= 10


def test_epsilon_reaches_katex_as_written(pipeline: LumenPipeline) -> None:
    """The 2020-08-18 demo post writes `$\\varepsilon>0$` as the original did, and KaTeX renders it."""
    text = (GOLDEN / "2020-08-18---Hot-Papers.md").read_text(encoding="utf-8")
    assert "$\\varepsilon>0$" in text and "&gt;0$" not in text
    (rendered,) = pipeline.katex(["\\varepsilon>0"])
    assert rendered is not None and "&gt;" in rendered


def test_every_demo_day_builds_with_katex(pipeline: LumenPipeline) -> None:
    """Each day of the bundled sample, as Lumen, has math that KaTeX renders and no markup of its texts."""
    for day, digest in sample_digests().items():
        answer = pipeline.post(render_lumen(digest))
        assert _errors(answer) == [], day
        _no_foreign_markup(answer["html"])


@pytest.mark.slow
def test_archive_math_is_what_the_original_blog_rendered(pipeline: LumenPipeline) -> None:
    """Over the original's 264 posts, today's Lumen finds in ours exactly the spans its own blog (remark-math 1)
    found in its raw texts, and KaTeX renders each the same way (fails only where the original's TeX fails too)."""
    archive = pytest.importorskip("test_golden_archive")
    if not archive.FULL_ARCHIVE.exists():
        pytest.skip(f"the full archive is not at {archive.FULL_ARCHIVE}")
    ours: list[str] = []
    originals: list[str] = []
    for record in archive._records(archive.FULL_ARCHIVE).values():
        lines = [line for line in archive._render(record).split("\n") if "$" in line and not line.startswith("<")]
        mine, _ = pipeline.spans("\n\n".join(lines))
        raw = [t for p in record["papers"] for t in (f"# {p['rank']}. {p['title']}", p["abstract"]) if "$" in t]
        _, original = pipeline.spans("\n\n".join(raw))
        assert [v.strip() for v in mine] == [v.strip() for v in original], record["post_date"]
        ours.extend(mine)
        originals.extend(original)
    assert len(ours) > 800
    assert pipeline.katex(ours) == pipeline.katex(originals)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=MIXED, abstract=MIXED, text=texts)
@example(title="", abstract="$\\$$", text="")  # an escaped dollar last: \$ then the closing $$
def test_math_reaches_katex_intact_and_nothing_else_is_markup(
    pipeline: LumenPipeline, title: str, abstract: str, text: str
) -> None:
    """Titles and abstracts mixing TeX and hostile markup: today's Lumen finds exactly the writer's math spans,
    each holds the author's TeX (KaTeX renders it the same), and the page holds no element, handler or link of
    theirs.

    The two documented changes inside math are allowed: a space after a ``<`` that a later ``>`` could close into
    a tag, and ``]{}(`` for ``](``; KaTeX renders both the same in math mode.
    """
    shown = RankedPost(post(text=text, author_name=text), snapshot(), 1.0)
    item = RankedPaper(1, 1.0, paper(title=title, abstract=abstract, authors=(text,)), (shown,), ())
    digest = Digest("Hot Papers 2021-04-19", DAY, T0, T0, T0, "classic", (item,))
    answer = pipeline.post(render_lumen(digest))
    _no_foreign_markup(answer["html"])
    expected = _contents(title) + _contents(abstract)
    found = [m["value"] for m in answer["math"]]
    assert [_undo(f) for f in found] == [_undo(e) for e in expected]
    same = [(f, e) for f, e in zip(found, expected, strict=True) if f.strip() == e.strip()]
    assert pipeline.katex([f for f, _ in same]) == pipeline.katex([e for _, e in same])


def _undo(tex: str) -> str:
    """A math span up to whitespace (which TeX math ignores), with ``]{}(`` read back as ``](``."""
    return "".join(tex.replace("]{}(", "](").split())
