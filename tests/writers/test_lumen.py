"""The Lumen writer: the original's layout line for line, with its defects fixed and every input inert."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from hypothesis import given, settings

from hotpapers.models import Digest, Paper, Post, RankedPaper, RankedPost
from hotpapers.writers._tex import math_spans
from hotpapers.writers.lumen import LumenWriter, render_lumen

from helpers.factories import DAY, T0, paper, post, snapshot
from helpers.hostile import texts

SCRIPT = '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
GENERATED = dt.datetime(2021, 4, 20, 9, 43, 48, 123456, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def _ranked(p: Paper | None = None, posts: tuple[Post, ...] = (), rank: int = 1, **kw: Any) -> RankedPaper:
    shown = tuple(RankedPost(x, snapshot(x.post_id, reposts=30, likes=5), 35.0) for x in posts)
    values: dict[str, Any] = {"reposts": 1150, "likes": 241}
    values.update(kw)
    return RankedPaper(rank, 1391.0, p or paper(), shown, (), **values)


def _digest(*papers: RankedPaper, title: str = "Hot Papers 2021-04-19") -> Digest:
    return Digest(title, DAY, T0, T0, GENERATED, "classic", papers)


def _front_matter(text: str) -> dict[str, Any]:
    """A strict reader of the only YAML the writer may emit: double-quoted scalars, `false`, a list."""
    lines = text.split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    assert lines[end - 1] == ""
    values: dict[str, Any] = {}
    for line in lines[1 : end - 1]:
        if line.startswith("  - "):
            values.setdefault("tags", []).append(_quoted(line[4:]))
            continue
        key, value = re.fullmatch(r"([A-Za-z]+):(?: (.*))?", line).groups()  # type: ignore[union-attr]
        values[key] = False if value == "false" else [] if value is None else _quoted(value)
    return values


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar using only escapes that JSON shares (\\\\, \\", \\uXXXX)."""
    assert re.fullmatch(r'"(?:[^"\\\x00-\x1f\x7f-\x9f\u2028\u2029]|\\[\\"]|\\u[0-9a-f]{4})*"', value), value
    return str(json.loads(value))


def _body(text: str) -> str:
    return text.split("\n---\n", 1)[1]


def test_layout_matches_the_original_line_for_line() -> None:
    """Front matter, section lines and blank lines are those of the original posts."""
    tweet = post(text="MeshTalk\npdf: https://t.co/x", created_at=dt.datetime(2021, 4, 19, 3, 49, tzinfo=dt.UTC))
    second = _ranked(
        paper("2104.07896", title="Bug-Fixes", categories=("cs.CL",), abstract=""),
        rank=2,
        reposts=3,
        likes=47,
    )
    text = render_lumen(_digest(_ranked(posts=(tweet,)), second))
    assert text == (
        '---\ntitle: "Hot Papers 2021-04-19"\ndate: "2021-04-20T00:43:48+00:00"\ntemplate: "post"\ndraft: false\n'
        'slug: "hot-papers-2021-04-19"\ncategory: "arXiv"\ntags:\n  - "arXiv"\n  - "Twitter"\n'
        '  - "Machine Learning"\n  - "Computer Science"\ndescription: "Hot papers 2021-04-19"\n'
        'socialImage: "/media/flying-marine.jpg"\n\n---\n'
        "\n# 1. Paper 2104.08223\n\nAda Lovelace, Alan Turing\n\n"
        "- retweets: 1150, favorites: 241 (04/20/2021 00:43:48)\n\n"
        "- links: [abs](https://arxiv.org/abs/2104.08223) | [pdf](https://arxiv.org/pdf/2104.08223)\n"
        "- [cs.CV](https://arxiv.org/list/cs.CV/recent) | [cs.LG](https://arxiv.org/list/cs.LG/recent)\n\n"
        "We study things.\n\n"
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">MeshTalk<br>pdf: '
        '<a href="https://t.co/x">https://t.co/x</a></p>&mdash; AK (@ak92501) '
        '<a href="https://twitter.com/ak92501/status/1383990658680037381?ref_src=twsrc%5Etfw">April 19, 2021</a>'
        f"</blockquote>\n{SCRIPT}\n\n\n\n"
        "\n# 2. Bug-Fixes\n\nAda Lovelace, Alan Turing\n\n"
        "- retweets: 3, favorites: 47 (04/20/2021 00:43:48)\n\n"
        "- links: [abs](https://arxiv.org/abs/2104.07896) | [pdf](https://arxiv.org/pdf/2104.07896)\n"
        "- [cs.CL](https://arxiv.org/list/cs.CL/recent)\n\n\n\n\n\n"
    )


def test_empty_digest_is_front_matter_only() -> None:
    """A day without papers is the front matter alone (as the original's 2020-12-07)."""
    assert render_lumen(_digest()).endswith('socialImage: "/media/flying-marine.jpg"\n\n---\n')


def test_front_matter_is_strict_yaml_with_iso_date() -> None:
    """Every value is double-quoted (draft is the boolean false) and the date has an offset."""
    values = _front_matter(render_lumen(_digest()))
    assert values["draft"] is False and values["tags"] == [
        "arXiv",
        "Twitter",
        "Machine Learning",
        "Computer Science",
    ]
    date = dt.datetime.fromisoformat(values["date"])
    assert date.utcoffset() == dt.timedelta(0) and date == GENERATED.replace(microsecond=0)


def test_front_matter_value_with_quote_and_colon_stays_one_scalar() -> None:
    """A title with `"`, `:`, a backslash and a newline is escaped inside one double-quoted scalar."""
    title = 'Hot: "Papers" \\ part\nnext: 1\u2028'
    values = _front_matter(render_lumen(_digest(title=title)))
    assert values["title"] == title


def test_counts_timestamp_is_when_counts_were_observed_in_utc() -> None:
    """The counts line shows the paper's counted_at (latest observation of any of its posts), in UTC."""
    ranked = dataclasses.replace(_ranked(), counted_at=T0 + dt.timedelta(hours=2))
    assert "(04/20/2021 02:43:48)" in render_lumen(_digest(ranked))


def test_counts_timestamp_falls_back_to_generation_time() -> None:
    """A paper with no observed post shows the digest's generation time."""
    ranked = dataclasses.replace(_ranked(), counted_at=None)
    assert "(04/20/2021 00:43:48)" in render_lumen(_digest(ranked))


def test_title_whitespace_is_normalised() -> None:
    """A title with a newline and doubled spaces is one line with single spaces."""
    text = render_lumen(_digest(_ranked(paper(title="Machine learning --\n  A practical  guide"))))
    assert "\n# 1. Machine learning -- A practical guide\n" in text


def test_hostile_title_is_inert() -> None:
    """An HTML tag in a title is escaped text."""
    text = _body(render_lumen(_digest(_ranked(paper(title="<img src=x onerror=alert(1)>")))))
    assert "# 1. &lt;img src=x onerror=alert(1)&gt;\n" in text and "<img" not in text


def test_markdown_link_in_title_is_inert() -> None:
    """Brackets and backticks are character references, so no link or code span can form."""
    text = render_lumen(_digest(_ranked(paper(title="[click](javascript:alert(1)) `x` C#"))))
    assert "# 1. &#91;click&#93;(javascript:alert(1)) &#96;x&#96; C&#35;\n" in text


def test_abstract_with_lt_and_amp_is_text() -> None:
    """`a < b & c` in an abstract is escaped on its one line."""
    text = render_lumen(_digest(_ranked(paper(abstract="We show a < b & c\nfor all b."))))
    assert "\nWe show a &lt; b &amp; c for all b.\n" in text


def test_line_start_cannot_open_a_block() -> None:
    """An abstract or authors line starting with `#`, `-` or `1.` cannot become a heading or list."""
    text = render_lumen(_digest(_ranked(paper(abstract="# Big", authors=("1. Author", "- B")))))
    assert "\n1&#46; Author, - B\n" in text and "\n&#35; Big\n" in text


def test_tweet_text_and_author_are_escaped() -> None:
    """Script tags in a tweet and a quote in a name are escaped inside the embed."""
    tweet = post(text='"</script><script>alert(1)</script>', author_name="Jamie O'Hare")
    line = next(x for x in render_lumen(_digest(_ranked(posts=(tweet,)))).split("\n") if x.startswith("<blockquote"))
    assert '<p lang="en" dir="ltr">&quot;&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>' in line
    assert "&mdash; Jamie O&#39;Hare (@ak92501) " in line and line.count("<script") == 0


def test_only_http_urls_become_links() -> None:
    """A javascript: PDF link, post URL or URL in a tweet is never emitted as a link."""
    tweet = post(url="javascript:alert(1)", text="see javascript:alert(2) and http://ok.example/a?b=1&c=2")
    text = render_lumen(_digest(_ranked(paper(pdf_url="javascript:alert(3)"), posts=(tweet,))))
    assert "javascript:alert(3)" not in text and 'href="javascript' not in text
    assert "- links: [abs](https://arxiv.org/abs/2104.08223)\n" in text
    assert '<a href="http://ok.example/a?b=1&amp;c=2">http://ok.example/a?b=1&amp;c=2</a>' in text
    assert "&mdash; AK (@ak92501) April 19, 2021</blockquote>" in text


def test_bad_category_is_text_not_link() -> None:
    """A category that is not an arXiv code is shown as escaped text."""
    text = render_lumen(_digest(_ranked(paper(categories=("cs.CV", "x](javascript:1)")))))
    assert "- [cs.CV](https://arxiv.org/list/cs.CV/recent) | x&#93;(javascript:1)\n" in text


def test_rtl_language_sets_dir() -> None:
    """An Arabic tweet gets dir="rtl"; an unknown language is "und"."""
    text = render_lumen(_digest(_ranked(posts=(post(language="ar"), post("2", language=None)))))
    assert '<p lang="ar" dir="rtl">' in text and '<p lang="und" dir="ltr">' in text


def test_other_platforms_get_a_plain_blockquote() -> None:
    """A non-X post is a plain blockquote without Twitter's class or script."""
    other = dataclasses.replace(post(), platform="bluesky", url="https://bsky.app/profile/a/post/1")
    text = render_lumen(_digest(_ranked(posts=(other,))))
    assert '<blockquote><p lang="en"' in text and SCRIPT not in text
    assert '<a href="https://bsky.app/profile/a/post/1">April 19, 2021</a></blockquote>\n\n\n\n' in text


def test_writer_writes_dated_file(tmp_path: Path) -> None:
    """LumenWriter writes out_dir/YYYY-MM-DD---Hot-Papers.md and returns its path."""
    digest = _digest(_ranked())
    paths = LumenWriter().write(digest, tmp_path / "posts")
    assert paths == [tmp_path / "posts" / "2021-04-19---Hot-Papers.md"]
    assert paths[0].read_text(encoding="utf-8") == render_lumen(digest)
    assert LumenWriter.name == "lumen"


_OWN_LINK = re.compile(r'<a href="https?://[^"<>\s]*">[^<>]*</a>')


@settings(max_examples=200, deadline=None)
@given(texts, texts, texts, texts)
def test_any_text_stays_text(title: str, author: str, abstract: str, tweet_text: str) -> None:
    """Whatever the title, authors, abstract and tweet say, no tag, link or code span comes from them.

    Outside math nothing of theirs can open markup; inside a math span (kept as written, for KaTeX) no ``<`` that
    a later ``>`` could close into a tag, comment or autolink is followed by a letter, ``/``, ``!`` or ``?``, and
    no ``](`` can end a link.
    """
    shown = post(text=tweet_text, author_name=author)
    digest = _digest(_ranked(paper(title=title, authors=(author,), abstract=abstract), posts=(shown,)), title=title)
    text = render_lumen(digest)
    assert _front_matter(text)["title"] == title
    lines = _body(text).split("\n")
    for line in (lines[1], lines[3], lines[10]):  # heading, authors, abstract
        assert not re.search(r"<[A-Za-z/!?].*>", line)
        for is_math, piece in math_spans(line):
            if is_math:
                assert "](" not in piece
            else:
                assert not re.search(r"[<>\[\]`$]", piece.replace("\\$", ""))
    assert "$" not in lines[3].replace("\\$", "")  # authors: no math, every dollar escaped
    match = re.fullmatch(
        r'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">(.*)</p>&mdash; (.*) \(@ak92501\) .*', lines[12]
    )
    assert match is not None
    assert not re.search(r"[<>]", _OWN_LINK.sub("", match[1].replace("<br>", ""))) and "<" not in match[2]
