"""The Lumen writer: one Markdown post per digest, laid out line for line like the original tool's posts.

The original (daily-arxiv-gatsby) published to a Gatsby blog built on the Lumen starter. Each post is
``YYYY-MM-DD---Hot-Papers.md``: YAML front matter, then per paper a ``# N. Title`` section with the authors,
a ``- retweets: R, favorites: F (MM/DD/YYYY HH:MM:SS)`` line, the abs / pdf links, the category links, the
abstract on one line and each shown tweet as Twitter's embed blockquote followed by the ``widgets.js`` line.
Every blank line of that layout is kept (four blank lines between sections).

Deliberate differences from the original, each fixing one of its defects (see ``docs/lumen.md``):

* the front-matter ``date`` is valid ISO 8601 with an offset (``2021-04-20T00:43:48+00:00``), taken from
  ``Digest.generated_at`` in UTC; the original wrote ``2021-04-20T09:43:48.Z`` (no fraction digits, a bogus
  ``Z`` on Japan wall-clock time);
* every front-matter string is a YAML double-quoted scalar (``draft`` stays the boolean ``false``);
* titles, authors and abstracts are whitespace-normalised and escaped for HTML and Markdown
  (:mod:`hotpapers.writers._markup`), except the TeX math spans of titles and abstracts, which reach the blog's
  KaTeX as written (:mod:`hotpapers.writers._tex`); tweet text, author names and dates in the embeds are HTML-escaped,
  tweet newlines become ``<br>`` and only http(s) URLs become links; characters HTML calls parse errors
  (controls but tab and line breaks, U+FFFE, U+FFFF) are dropped from the body and a lone surrogate is U+FFFD
  everywhere, so any stored text gives a UTF-8 file;
* the counts timestamp is UTC (the latest snapshot among all the paper's posts, else ``generated_at``), not the
  generator's local clock; the embed is built from the stored post instead of an oEmbed call, so the
  writer never touches the network.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from hotpapers._fs import atomic_write_text
from hotpapers.models import Digest, RankedPaper, RankedPost
from hotpapers.writers._markup import (
    LANG_RE,
    html_attr,
    html_text,
    http_url,
    markdown_url,
    one_line_html,
    text_direction,
    tweet_date,
    yaml_string,
)
from hotpapers.writers._tex import markdown_tex
from hotpapers.writers._text import CATEGORY_RE, scrub, xml_safe

__all__ = ["LumenWriter", "render_lumen"]

WIDGETS_SCRIPT = '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
SOCIAL_IMAGE = "/media/flying-marine.jpg"
TAGS = ("arXiv", "Twitter", "Machine Learning", "Computer Science")

_URL_IN_TEXT_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


class LumenWriter:
    """Writes ``out_dir/YYYY-MM-DD---Hot-Papers.md`` for a Gatsby Lumen blog."""

    name = "lumen"

    def write(self, digest: Digest, out_dir: Path) -> list[Path]:
        """Render ``digest`` and write it atomically under ``out_dir``.

        Args:
            digest: the finished digest.
            out_dir: the directory of the blog's posts (created if missing).

        Returns:
            The one path written.

        Raises:
            WriterError: the file could not be written.
        """
        path = out_dir / f"{digest.date.isoformat()}---Hot-Papers.md"
        atomic_write_text(path, render_lumen(digest))
        return [path]


def render_lumen(digest: Digest) -> str:
    """Render ``digest`` as a Lumen Markdown post (pure: no I/O, no clock).

    Args:
        digest: the finished digest.

    Returns:
        The whole file, ending with a newline.
    """
    body = "".join(_paper(item, digest.generated_at) for item in digest.papers)
    return _front_matter(digest) + xml_safe(scrub(body))


def _front_matter(digest: Digest) -> str:
    day = digest.date.isoformat()
    date = digest.generated_at.astimezone(dt.UTC).replace(microsecond=0).isoformat()
    lines = [
        "---",
        f"title: {yaml_string(scrub(digest.title))}",
        f"date: {yaml_string(date)}",
        f"template: {yaml_string('post')}",
        "draft: false",
        f"slug: {yaml_string(f'hot-papers-{day}')}",
        f"category: {yaml_string('arXiv')}",
        "tags:",
        *(f"  - {yaml_string(tag)}" for tag in TAGS),
        f"description: {yaml_string(f'Hot papers {day}')}",
        f"socialImage: {yaml_string(SOCIAL_IMAGE)}",
        "",
        "---",
    ]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """Outside text on one line, cleaned before it is escaped: a character dropped after escaping could join a
    backslash to what follows it (``\\`` NUL ``$`` would become an escaped ``\\$``)."""
    return " ".join(xml_safe(scrub(text)).split())


def _paper(item: RankedPaper, generated_at: dt.datetime) -> str:
    paper = item.paper
    counted = (item.counted_at or generated_at).astimezone(dt.UTC)
    abs_url = http_url(paper.abs_url) or f"https://arxiv.org/abs/{paper.arxiv_id}"
    links = f"- links: [abs]({markdown_url(abs_url)})"
    pdf_url = http_url(paper.pdf_url)
    if pdf_url:
        links += f" | [pdf]({markdown_url(pdf_url)})"
    lines = [
        "",
        f"# {item.rank}. {markdown_tex(_one_line(paper.title))}",
        "",
        markdown_tex(", ".join(_one_line(a) for a in paper.authors), block=True, math=False),
        "",
        f"- retweets: {item.reposts}, favorites: {item.likes} ({counted:%m/%d/%Y %H:%M:%S})",
        "",
        links,
        "- " + " | ".join(_category(c) for c in paper.categories),
        "",
        markdown_tex(_one_line(paper.abstract), block=True),
        "",
    ]
    for post in item.posts:
        lines.extend((_embed(post), WIDGETS_SCRIPT, "") if post.post.platform == "x" else (_embed(post), ""))
    return "\n".join([*lines, "", "", ""])


def _category(category: str) -> str:
    if CATEGORY_RE.fullmatch(category):
        return f"[{category}](https://arxiv.org/list/{category}/recent)"
    return markdown_tex(_one_line(category), math=False)


def _tweet_html(text: str) -> str:
    """Escaped text, http(s) URLs as links, line breaks as ``<br>``."""
    lines = []
    for line in text.splitlines():
        pieces, last = [], 0
        for match in _URL_IN_TEXT_RE.finditer(line):
            pieces.append(html_text(line[last : match.start()]))
            url = html_text(match[0])
            pieces.append(f'<a href="{url}">{url}</a>' if http_url(match[0]) else url)
            last = match.end()
        pieces.append(html_text(line[last:]))
        lines.append("".join(pieces))
    return "<br>".join(lines)


def _embed(item: RankedPost) -> str:
    """The post as Twitter's embed markup (on one line); other platforms get a plain blockquote."""
    post = item.post
    lang = post.language if post.language and LANG_RE.fullmatch(post.language) else "und"
    direction = text_direction(lang)
    when = post.created_at.astimezone(dt.UTC)
    date = tweet_date(when)
    url = http_url(post.url)
    if url and post.platform == "x":
        url += ("&" if "?" in url else "?") + "ref_src=twsrc%5Etfw"
    link = f'<a href="{html_attr(url)}">{date}</a>' if url else date
    author = f"{html_text(_one_line(post.author_name))} (@{html_text(post.author_handle)})"
    opening = '<blockquote class="twitter-tweet">' if post.platform == "x" else "<blockquote>"
    paragraph = f'<p lang="{html_attr(lang)}" dir="{direction}">{_tweet_html(post.text)}</p>'
    return one_line_html(f"{opening}{paragraph}&mdash; {author} {link}</blockquote>")
