"""The Markdown body shared by the Hugo and Jekyll writers (pure: no I/O, no clock).

Per paper, as in the Lumen post: a ``## N. Title`` heading, the authors, a list with the score and counts,
the links and the categories, the abstract, then each shown post as an embed from :mod:`embeds` (one line of
HTML, a Markdown HTML block of its own). In ``official`` mode each platform's script is written once, at the
end of the post.

Outside text is escaped as in Lumen (:mod:`hotpapers.writers._markup`), and further for these generators:

* ``{`` and ``}`` become ``&#123;`` and ``&#125;`` everywhere in the body, so no Liquid tag or output
  (``{% … %}``, ``{{ … }}``: Jekyll renders posts with Liquid before Markdown), Hugo shortcode
  (``{{< … >}}``, ``{{% … %}}``) or kramdown extension / attribute list (``{::…}``, ``{:…}``) can form. The
  body has no brace of its own; a brace in a link destination is percent-encoded.
* ``|`` is ``&#124;`` everywhere in the body: kramdown (both its parsers, so Jekyll) makes a table of any line
  holding an unescaped pipe, list items included, so ``- links: [abs](…) | [pdf](…)`` became a table row.
* ``$`` is ``&#36;`` in every outside text (title, authors, abstract, categories, posts): kramdown (both parsers)
  opens math at any ``$$`` and runs it to the next one, across lines and fields (an author ``$$`` and an
  abstract's ``$$`` swallowed the links between them), and Hugo's passthrough extension pairs dollars the same
  way. Neither parser decodes a reference into a delimiter, and a page's MathJax or KaTeX auto-render still finds
  the decoded ``$`` in the text, so TeX in titles and abstracts shows as the site's math setup renders it.
* A ``:`` that starts the authors or abstract line becomes ``&#58;`` (kramdown reads it as a definition), a
  ``^`` ``&#94;`` (kramdown's end-of-block marker).
* Each HTML block (a post, a platform's script) can be wrapped (``wrap_html``): the Hugo writer puts it in its
  ``hotpapers-embed`` shortcode, which Hugo inserts as it is whatever ``markup.goldmark.renderer.unsafe`` says.
* Control characters (but tab and line breaks), lone surrogates, U+FFFE and U+FFFF are dropped from the body
  (HTML calls them parse errors); the front matter keeps them as YAML escapes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from hotpapers._fs import atomic_write_text
from hotpapers.errors import ConfigError
from hotpapers.models import Digest, RankedPaper
from hotpapers.writers._markup import http_url, markdown_block, markdown_text, markdown_url, yaml_string
from hotpapers.writers._text import CATEGORY_RE, arxiv_categories, one_line, score_text, scrub, xml_safe
from hotpapers.writers.embeds import BLUESKY_SCRIPT, X_SCRIPT, EmbedMode, parse_embed_mode, render_embed

__all__ = [
    "EMBED_MODE_ENV",
    "BlogWriter",
    "description",
    "primary_categories",
    "render_body",
    "resolve_embed_mode",
    "yaml_list",
]

EMBED_MODE_ENV = "HOTPAPERS_EMBED_MODE"
_SCRIPTS = {"x": X_SCRIPT, "bluesky": BLUESKY_SCRIPT}
_INERT = str.maketrans({"{": "&#123;", "}": "&#125;", "|": "&#124;"})
_NO_MATH = str.maketrans({"$": "&#36;"})  # outside text only: a link destination keeps its ``$``
_INERT_HTML = str.maketrans({"{": "&#123;", "}": "&#125;", "|": "&#124;", "$": "&#36;"})  # references decode in HTML
_KRAMDOWN_LINE_START = {":": "&#58;", "^": "&#94;"}


def resolve_embed_mode(value: str | None, default: EmbedMode, env: Mapping[str, str] | None = None) -> EmbedMode:
    """The embed mode: ``value`` if given, else ``$HOTPAPERS_EMBED_MODE`` if set, else ``default``.

    Raises:
        ConfigError: the mode is neither ``static`` nor ``official``.
    """
    chosen = value if value is not None else (os.environ if env is None else env).get(EMBED_MODE_ENV) or default
    try:
        return parse_embed_mode(chosen)
    except ValueError as e:
        raise ConfigError(f"{EMBED_MODE_ENV} / embed_mode: {e}") from None


class BlogWriter:
    """A writer of one Markdown file per digest; subclasses say where (``relative_path``) and what (``render``)."""

    name = ""

    def __init__(self, embed_mode: str | None = None) -> None:
        """Args:
            embed_mode: ``static`` or ``official`` (default: ``$HOTPAPERS_EMBED_MODE``, else ``static``).

        Raises:
            ConfigError: the embed mode is not one of those.
        """
        self.embed_mode: EmbedMode = resolve_embed_mode(embed_mode, "static")

    def write(self, digest: Digest, out_dir: Path) -> list[Path]:
        """Render ``digest`` and write it atomically at ``out_dir / relative_path(digest)``.

        Returns:
            The one path written.

        Raises:
            WriterError: the file could not be written.
        """
        path = out_dir / self.relative_path(digest)
        atomic_write_text(path, self.render(digest))
        return [path]

    def relative_path(self, digest: Digest) -> Path:
        """Where the digest's file goes, relative to the output directory."""
        raise NotImplementedError

    def render(self, digest: Digest) -> str:
        """The whole file (front matter and body) in this writer's embed mode."""
        raise NotImplementedError


def render_body(digest: Digest, mode: EmbedMode, wrap_html: Callable[[str], str] | None = None) -> str:
    """The Markdown body of ``digest`` (everything after the front matter), ending with a newline.

    ``wrap_html`` is applied to each HTML block (after it was made inert), e.g. to put it in a shortcode.
    """
    wrap = wrap_html or _same
    blocks = [_intro(digest).translate(_INERT)]
    for item in digest.papers:
        markdown, embeds = _paper(item, digest.generated_at, mode)
        blocks.append(markdown.translate(_INERT))
        blocks.extend(wrap(html.translate(_INERT_HTML)) for html in embeds)
    if mode == "official":
        shown = {p.post.platform for item in digest.papers for p in item.posts if not p.post.deleted}
        blocks.extend(wrap(script) for platform, script in _SCRIPTS.items() if platform in shown)
    return xml_safe("\n\n".join(blocks) + "\n")


def _same(html: str) -> str:
    return html


def _intro(digest: Digest) -> str:
    count = len(digest.papers)
    start = digest.window_start.astimezone(dt.UTC)
    end = digest.window_end.astimezone(dt.UTC)
    what = "No new arXiv paper" if count == 0 else f"The {count} new arXiv paper{'s' if count != 1 else ''}"
    return (
        f"{what} of {digest.date.isoformat()} most discussed on social media between "
        f"{start:%Y-%m-%d %H:%M} and {end:%Y-%m-%d %H:%M} UTC (ranking: {_text(digest.preset)})."
    )


def _line(text: str) -> str:
    """Outside text on one line, cleaned before it is escaped (a dropped character cannot join a backslash to
    what follows it)."""
    return one_line(xml_safe(scrub(text)))


def _text(text: str) -> str:
    """Outside text escaped for an inline Markdown position of the body."""
    return markdown_text(_line(text)).translate(_NO_MATH)


def _block(text: str) -> str:
    escaped = markdown_block(_line(text)).translate(_NO_MATH)
    first = _KRAMDOWN_LINE_START.get(escaped[:1])
    return first + escaped[1:] if first else escaped


def _paper(item: RankedPaper, generated_at: dt.datetime, mode: EmbedMode) -> tuple[str, list[str]]:
    """The paper's Markdown (heading to abstract) and its posts' HTML blocks."""
    paper = item.paper
    counted = (item.counted_at or generated_at).astimezone(dt.UTC)
    abs_url = http_url(paper.abs_url) or f"https://arxiv.org/abs/{paper.arxiv_id}"
    links = [("abs", abs_url), ("pdf", http_url(paper.pdf_url)), ("html", http_url(paper.html_url))]
    details = "\n".join(
        (
            f"- score: {score_text(item.score)} · reposts: {item.reposts} · likes: {item.likes} "
            f"(as of {counted:%Y-%m-%d %H:%M} UTC)",
            "- links: " + " | ".join(f"[{name}]({markdown_url(url)})" for name, url in links if url),
            "- categories: " + " | ".join(_category(c) for c in paper.categories),
        )
    )
    parts = [f"## {item.rank}. {_text(paper.title)}"]
    if any(a.strip() for a in paper.authors):
        parts.append(_block(", ".join(paper.authors)))
    parts.append(details)
    if paper.abstract.strip():
        parts.append(_block(paper.abstract))
    return "\n\n".join(parts), [render_embed(p.post, p.engagement, mode, script=False) for p in item.posts]


def _category(category: str) -> str:
    if CATEGORY_RE.fullmatch(category):
        return f"[{category}](https://arxiv.org/list/{category}/recent)"
    return _text(category)


def yaml_list(key: str, values: list[str]) -> list[str]:
    """YAML lines of ``key`` holding ``values`` as double-quoted scalars (``key: []`` when empty)."""
    if not values:
        return [f"{key}: []"]
    return [f"{key}:", *(f"  - {yaml_string(scrub(v))}" for v in values)]


def primary_categories(digest: Digest) -> list[str]:
    """The distinct primary categories of the digest's papers that are arXiv codes, sorted: the post's tags."""
    return sorted(arxiv_categories(item.paper.primary_category for item in digest.papers))


def description(digest: Digest) -> str:
    """One sentence for the front matter's ``description``."""
    count = len(digest.papers)
    day = digest.date.isoformat()
    if count == 0:
        return f"No new arXiv paper of {day} was discussed online"
    return f"The {count} new arXiv paper{'s' if count != 1 else ''} of {day} most discussed online"
