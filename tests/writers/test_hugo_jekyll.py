"""Hugo and Jekyll: file naming, front matter read back with a YAML parser, Lumen's escaping, embeds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.errors import ConfigError
from hotpapers.models import Digest, Paper, Post, RankedPaper, RankedPost
from hotpapers.plugins import Writer
from hotpapers.writers.embeds import BLUESKY_SCRIPT, X_SCRIPT
from hotpapers.writers.hugo import SHORTCODE, SHORTCODE_PATH, SHORTCODE_TEMPLATE, HugoWriter, render_hugo
from hotpapers.writers.jekyll import JekyllWriter, render_jekyll

from helpers.factories import DAY, T0, paper, post, snapshot
from helpers.paths import GOLDEN
from helpers.writer_samples import GOLDEN_DAYS, check_golden, sample_digest

WRITERS = {"hugo": HugoWriter, "jekyll": JekyllWriter}
RENDER = {"hugo": render_hugo, "jekyll": render_jekyll}
HOSTILE = '<img src=x onerror=alert(1)> "</script><script>alert(1)</script>'
OPEN, CLOSE = f"{{{{< {SHORTCODE} >}}}}", f"{{{{< /{SHORTCODE} >}}}}"
GENERATED = dt.datetime(2021, 4, 20, 9, 43, 48, 123456, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def _ranked(p: Paper | None = None, posts: tuple[Post, ...] = ()) -> RankedPaper:
    shown = tuple(RankedPost(x, snapshot(x.post_id), 30.0) for x in posts)
    return RankedPaper(1, 42.0, p or paper(), shown, (), reposts=10, likes=20)


def _digest(*papers: RankedPaper, title: str = "Hot Papers 2021-04-19") -> Digest:
    return Digest(title, DAY, T0, T0, GENERATED, "classic", papers)


def _split(text: str) -> tuple[dict[str, Any], str]:
    """The front matter parsed by PyYAML, and the body (a Hugo page's own shortcode delimiters taken out)."""
    assert text.startswith("---\n")
    matter, body = text[4:].split("\n---\n", 1)
    assert body.count(OPEN) == body.count(CLOSE)
    return yaml.safe_load(matter), body.replace(OPEN, "").replace(CLOSE, "")


def _golden_name(kind: str, day: str) -> str:
    return f"hot-papers-{day}.md" if kind == "hugo" else f"{day}-hot-papers.md"


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("day", GOLDEN_DAYS)
def test_golden_static(kind: str, day: str, tmp_path: Path, update_golden: bool) -> None:
    """The default (static embeds) file of a sample day is byte-identical to its golden file."""
    path = WRITERS[kind]("static").write(sample_digest(day), tmp_path)[0]
    check_golden(GOLDEN / kind / _golden_name(kind, day), path.read_bytes(), update_golden)


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_golden_official(kind: str, tmp_path: Path, update_golden: bool) -> None:
    """The official-embeds file of 2021-01-15 is byte-identical to its golden file."""
    path = WRITERS[kind]("official").write(sample_digest("2021-01-15"), tmp_path)[0]
    check_golden(GOLDEN / kind / "official" / _golden_name(kind, "2021-01-15"), path.read_bytes(), update_golden)


def test_hugo_file_name_and_front_matter(tmp_path: Path) -> None:
    """Hugo: content/posts/hot-papers-DATE.md; title, RFC 3339 date, draft false, slug, tags, categories."""
    digest = sample_digest("2021-04-19")
    path, shortcode = HugoWriter().write(digest, tmp_path)
    assert path == tmp_path / "content" / "posts" / "hot-papers-2021-04-19.md"
    assert shortcode == tmp_path / SHORTCODE_PATH and shortcode.read_text(encoding="utf-8") == SHORTCODE_TEMPLATE
    matter, _ = _split(path.read_text(encoding="utf-8"))
    assert matter["title"] == "Hot Papers 2021-04-19" and matter["draft"] is False
    assert matter["date"] == digest.generated_at  # PyYAML reads the unquoted RFC 3339 timestamp
    assert matter["slug"] == "hot-papers-2021-04-19" and matter["categories"] == ["arXiv"]
    assert "cs.CV" in matter["tags"] and matter["description"].startswith("The 16 new arXiv papers of 2021-04-19")


def test_jekyll_file_name_and_front_matter(tmp_path: Path) -> None:
    """Jekyll: _posts/DATE-hot-papers.md; layout post, date 'YYYY-MM-DD HH:MM:SS +0000', no Liquid."""
    (path,) = JekyllWriter().write(sample_digest("2021-04-19"), tmp_path)
    assert path == tmp_path / "_posts" / "2021-04-19-hot-papers.md"
    matter, _ = _split(path.read_text(encoding="utf-8"))
    assert matter["layout"] == "post" and matter["title"] == "Hot Papers 2021-04-19"
    assert str(matter["date"]) == "2021-04-20 00:43:48 +0000"
    assert matter["categories"] == ["arXiv"] and "cs.CV" in matter["tags"]
    assert matter["slug"] == "hot-papers-2021-04-19" and matter["render_with_liquid"] is False


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_writers_follow_the_protocol(kind: str) -> None:
    """Each writer is a Writer named hugo or jekyll."""
    writer = WRITERS[kind]()
    assert isinstance(writer, Writer) and writer.name == kind


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_hostile_title_front_matter_is_valid_yaml(kind: str) -> None:
    """A title with quotes, colons, `#`, `&`, TeX, line breaks and controls stays one YAML string."""
    title = 'Hot: "Papers" #1 & <b> $\\alpha$ \\ part\nnext: 1\u2028\x1b'
    matter, _ = _split(RENDER[kind](_digest(title=title)))
    assert matter["title"] == title


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_section_layout(kind: str) -> None:
    """A paper is a `## N. Title` section: authors, score and counts, links, categories, abstract, posts."""
    _, body = _split(RENDER[kind](_digest(_ranked(posts=(post(text="Nice"),)))))
    assert (
        "\n## 1. Paper 2104.08223\n\nAda Lovelace, Alan Turing\n\n"
        "- score: 42 · reposts: 10 · likes: 20 (as of 2021-04-20 00:43 UTC)\n"
        "- links: [abs](https://arxiv.org/abs/2104.08223) &#124; [pdf](https://arxiv.org/pdf/2104.08223)\n"
        "- categories: [cs.CV](https://arxiv.org/list/cs.CV/recent) &#124; [cs.LG](https://arxiv.org/list/cs.LG/recent)\n"
        '\nWe study things.\n\n<blockquote class="hp-post hp-static hp-x"'
    ) in body


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_hostile_text_is_inert(kind: str) -> None:
    """Markup in a title, authors, abstract and post shows as text: no element comes from it."""
    hostile = paper(title=HOSTILE, authors=(HOSTILE,), abstract=HOSTILE)
    _, body = _split(RENDER[kind](_digest(_ranked(hostile, posts=(post(text=HOSTILE),)))))
    tree = lxml.html.fragment_fromstring(body, create_parent="div")
    assert not tree.xpath(".//img|.//script") and "<img" not in body and "<script" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_template_syntax_is_inert(kind: str) -> None:
    """Liquid tags and Hugo shortcodes in any text cannot form: braces are character references."""
    text = "{% include x %} {{ site.title }} {{< x id=1 >}} {{% y %}} {::nomarkdown} {: .c}"
    hostile = paper(title=text, abstract=text, authors=(text,))
    _, body = _split(RENDER[kind](_digest(_ranked(hostile, posts=(post(text=text),)))))
    assert "{" not in body and "}" not in body and body.count("&#123;% include x %&#125;") == 4


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_line_start_cannot_open_a_block(kind: str) -> None:
    """An abstract or authors line starting with `:`, `#` or `1.` is neither a definition, heading nor list."""
    _, body = _split(RENDER[kind](_digest(_ranked(paper(abstract=": defined", authors=("# A", "B"))))))
    assert "\n&#58; defined\n" in body and "\n&#35; A, B\n" in body


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_javascript_urls_are_never_links(kind: str) -> None:
    """javascript: paper and post URLs never become links; the abs link falls back to arxiv.org."""
    hostile = paper(abs_url="javascript:alert(1)", pdf_url="javascript:alert(2)")
    text = RENDER[kind](_digest(_ranked(hostile, posts=(post(url="javascript:alert(3)"),))), "official")
    assert "javascript:" not in text
    assert "- links: [abs](https://arxiv.org/abs/2104.08223)\n" in text


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_default_mode_is_static(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without argument or environment, posts are static cards."""
    monkeypatch.delenv("HOTPAPERS_EMBED_MODE", raising=False)
    assert WRITERS[kind]().embed_mode == "static"


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_mode_from_environment_and_argument(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """HOTPAPERS_EMBED_MODE sets the mode; the constructor argument wins over it."""
    monkeypatch.setenv("HOTPAPERS_EMBED_MODE", "official")
    assert WRITERS[kind]().embed_mode == "official" and WRITERS[kind]("static").embed_mode == "static"


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_bad_mode_is_a_config_error(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown embed mode is refused when the writer is made."""
    monkeypatch.setenv("HOTPAPERS_EMBED_MODE", "iframe")
    with pytest.raises(ConfigError, match="HOTPAPERS_EMBED_MODE"):
        WRITERS[kind]()


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_official_mode_loads_each_script_once_at_the_end(kind: str) -> None:
    """Official embeds have no script of their own; each platform's script comes once, last."""
    bsky = dataclasses.replace(
        post("b"), platform="bluesky", post_id="at://did:plc:a/app.bsky.feed.post/b", url="https://bsky.app/x"
    )
    digest = _digest(_ranked(posts=(post("1"), post("2"), bsky)))
    _, text = _split(RENDER[kind](digest, "official"))
    assert text.count("<script") == 2 and text.endswith(f"\n\n{X_SCRIPT}\n\n{BLUESKY_SCRIPT}\n")
    assert text.count('<blockquote class="twitter-tweet"') == 2 and 'class="bluesky-embed"' in text


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_static_mode_has_no_script(kind: str) -> None:
    """Static cards load nothing from a platform."""
    assert "<script" not in RENDER[kind](sample_digest("2021-04-19"), "static")


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_embeds_are_single_html_blocks(kind: str) -> None:
    """Each embed is one line between blank lines, so Markdown keeps it one HTML block."""
    _, body = _split(RENDER[kind](sample_digest("2021-04-19"), "official"))
    blocks = [b for b in body.split("\n\n") if b.startswith("<blockquote")]
    assert len(blocks) == sum(len(p.posts) for p in sample_digest("2021-04-19").papers)
    assert all("\n" not in b for b in blocks)


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_empty_digest_says_so(kind: str) -> None:
    """A day without papers is the front matter and one sentence (tags is an empty list)."""
    matter, body = _split(RENDER[kind](_digest()))
    assert matter["tags"] == [] and re.fullmatch(r"\nNo new arXiv paper of 2021-04-19 [^\n]*\n", body)


@settings(max_examples=60, deadline=None)
@given(title=st.text(), abstract=st.text(), text=st.text(), author=st.text())
def test_any_text_stays_text(title: str, abstract: str, text: str, author: str) -> None:
    """Whatever the texts say: the front matter title round-trips, and the body has no brace and no tag of theirs."""
    hostile = paper(title=title, abstract=abstract, authors=(author,))
    digest = _digest(_ranked(hostile, posts=(post(text=text, author_name=author),)), title=title)
    for kind in sorted(RENDER):
        matter, body = _split(RENDER[kind](digest))
        assert matter["title"] == title
        assert "{" not in body and "}" not in body
        tree = lxml.html.fragment_fromstring(body, create_parent="div")
        assert {e.tag for e in tree.iter()} <= {"div", "blockquote", "p", "span", "a", "time", "br"}
        assert all(h.startswith(("http://", "https://")) for h in tree.xpath(".//a/@href"))


def test_hugo_wraps_every_html_block_in_its_shortcode() -> None:
    """Each post and each platform script of a Hugo page is one `hotpapers-embed` shortcode on its own line."""
    digest = sample_digest("2021-01-15")
    text = render_hugo(digest, "official")
    html_blocks = [b for b in text.rstrip("\n").split("\n\n") if b.startswith(("<", OPEN))]
    assert html_blocks and all(re.fullmatch(f"{re.escape(OPEN)}<[^\n]*{re.escape(CLOSE)}", b) for b in html_blocks)
    assert text.count(OPEN) == sum(len(p.posts) for p in digest.papers) + text.count("<script")


def test_hugo_shortcode_template_inserts_its_content_as_it_is() -> None:
    """The shortcode the writer ships prints `.Inner` unescaped (the HTML is hotpapers' own, its text escaped)."""
    assert "{{- .Inner | safeHTML -}}" in SHORTCODE_TEMPLATE and SHORTCODE_PATH.as_posix() == (
        "layouts/shortcodes/hotpapers-embed.html"
    )


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_pipes_never_reach_markdown(kind: str) -> None:
    """No `|` of the writer's or of outside text is left for kramdown to make a table of: all are `&#124;`."""
    hostile = paper(title="a | b", abstract="|x| < 1 | y", authors=("A|B",), categories=("cs.LG", "x|y"))
    _, body = _split(RENDER[kind](_digest(_ranked(hostile, posts=(post(text="p | q"),)))))
    assert "|" not in body and body.count("&#124;") >= 7


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_kramdown_end_of_block_marker_is_text(kind: str) -> None:
    """An abstract that is a lone `^` (kramdown's end-of-block marker) is written `&#94;`."""
    _, body = _split(RENDER[kind](_digest(_ranked(paper(abstract="^")))))
    assert "\n&#94;\n" in body
