"""TeX as MathML (hotpapers.site._math): what converts, what stays text, and that no input opens an HTML hole."""

from __future__ import annotations

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.site._math import MATHML_ATTRIBUTES, MATHML_TAGS, tex_html


def fragment(html: str) -> lxml.html.HtmlElement:
    """``html`` parsed as the body of a page would be."""
    return lxml.html.fromstring(f"<div>{html}</div>")


def test_inline_tex_becomes_mathml() -> None:
    """`$\\varepsilon>0$` is a <math> element with ε, > and 0, and the text around it stays."""
    doc = fragment(tex_html(r"For all $\varepsilon>0$ there is"))
    (math,) = doc.iter("math")
    assert math.text_content() == "ε>0" and math.get("display") == "inline"
    assert doc.text_content() == "For all ε>0 there is"


def test_display_tex_becomes_block_mathml() -> None:
    """`$$E=mc^2$$` is a block <math> with a superscript."""
    (math,) = fragment(tex_html("$$E=mc^2$$")).iter("math")
    assert math.get("display") == "block" and len(list(math.iter("msup"))) == 1


@pytest.mark.parametrize(
    "text",
    [
        "costs $5 and $10 in total",  # a closing $ followed by a digit is no delimiter
        r"an escaped \$x\$ stays",
        "$ spaced $",  # an opening $ followed by a space is no delimiter
        r"unbalanced $\frac{a$ braces",
        r"$\text{<script>alert(1)</script>}$",  # the converter would pass the tag through
        r"$\text{a<b}$",
    ],
)
def test_what_is_not_safe_math_stays_its_source_text(text: str) -> None:
    """Currency, escaped or spaced dollars, unbalanced braces and markup in \\text stay as the source text."""
    doc = fragment(tex_html(text))
    assert list(doc.iter("math")) == [] and doc.text_content() == text


def test_text_without_dollars_is_only_escaped() -> None:
    """Text without `$` is HTML-escaped and nothing more."""
    assert str(tex_html("a < b & <i>c</i>")) == "a &lt; b &amp; &lt;i&gt;c&lt;/i&gt;"


_PIECES = st.sampled_from(
    ["$", "$$", "\\", "{", "}", "<", ">", "&", '"', "'", "x", "^", "_", " ", "\\frac", "\\text", "\\href",
     "\\color", "\\style", "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "<math>",
     "<mtext>", "&lt;", "<!--", "\\mathrm", "\\begin{array}", "\\end{array}", "\u03b1", "\u2028", "0", "1"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=30).map("".join))
def test_no_input_yields_an_element_or_attribute_outside_the_allow_list(text: str) -> None:
    """Whatever the text, the HTML holds only allow-listed MathML elements and attributes: no script, link,
    image, style or event handler."""
    doc = fragment(tex_html(text))
    for element in doc.iter():
        if element is doc or not isinstance(element.tag, str):
            assert element is doc or "--" not in str(element)  # no comment survives
            continue
        assert element.tag in MATHML_TAGS, element.tag
        assert set(element.attrib) <= MATHML_ATTRIBUTES.get(element.tag, set()), element.attrib
