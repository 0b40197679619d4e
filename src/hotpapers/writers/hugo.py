"""The Hugo writer (``hugo``): one Markdown page per digest in a Hugo site's content directory.

``OUT/content/posts/hot-papers-YYYY-MM-DD.md``: YAML front matter (``title``, ``date`` in RFC 3339, ``draft:
false``, ``slug``, ``description``, ``categories``, ``tags``), then the body of :mod:`hotpapers.writers._blog`.
Posts are embedded in the ``embed_mode`` given, else ``$HOTPAPERS_EMBED_MODE``, else ``static``.

Hugo's default Markdown renderer (Goldmark) replaces raw HTML by ``<!-- raw HTML omitted -->`` unless the site
sets ``markup.goldmark.renderer.unsafe = true``. So every HTML block of a page (each post, a platform's script)
is written inside the ``hotpapers-embed`` shortcode, and the writer also writes that shortcode,
``OUT/layouts/shortcodes/hotpapers-embed.html``, which inserts its content as it is: the embeds show with or
without the setting, and a site that lacks the shortcode fails its build loudly (``template for shortcode
"hotpapers-embed" not found``) instead of dropping them. Every piece of outside text in that HTML is escaped,
and no brace of outside text reaches the page, so no other shortcode can form (see ``docs/outputs.md``).
"""

from __future__ import annotations

from pathlib import Path

from hotpapers._fs import atomic_write_text
from hotpapers.models import Digest
from hotpapers.writers._blog import BlogWriter, description, primary_categories, render_body, yaml_list
from hotpapers.writers._markup import yaml_string
from hotpapers.writers._text import rfc3339, scrub
from hotpapers.writers.embeds import EmbedMode

__all__ = ["SHORTCODE", "SHORTCODE_PATH", "SHORTCODE_TEMPLATE", "HugoWriter", "render_hugo"]

CATEGORIES = ("arXiv",)
SHORTCODE = "hotpapers-embed"
SHORTCODE_PATH = Path("layouts", "shortcodes", f"{SHORTCODE}.html")
SHORTCODE_TEMPLATE = (
    "{{- /* Written by hotpapers: inserts the HTML of a post embed (or a platform's script) as it is, so the\n"
    "     embeds show whatever markup.goldmark.renderer.unsafe says. Outside text in it is already escaped. */ -}}\n"
    "{{- .Inner | safeHTML -}}\n"
)


class HugoWriter(BlogWriter):
    """Writes ``out_dir/content/posts/hot-papers-YYYY-MM-DD.md`` for a Hugo site (``HugoWriter(embed_mode=…)``)."""

    name = "hugo"

    def write(self, digest: Digest, out_dir: Path) -> list[Path]:
        """Write the page and the ``hotpapers-embed`` shortcode it uses, each atomically.

        Returns:
            The page's path, then the shortcode's.

        Raises:
            WriterError: a file could not be written.
        """
        paths = super().write(digest, out_dir)
        atomic_write_text(out_dir / SHORTCODE_PATH, SHORTCODE_TEMPLATE)
        return [*paths, out_dir / SHORTCODE_PATH]

    def relative_path(self, digest: Digest) -> Path:
        """``content/posts/hot-papers-YYYY-MM-DD.md`` (the digest's date)."""
        return Path("content", "posts", f"hot-papers-{digest.date.isoformat()}.md")

    def render(self, digest: Digest) -> str:
        """The page in this writer's embed mode."""
        return render_hugo(digest, self.embed_mode)


def render_hugo(digest: Digest, mode: EmbedMode = "static") -> str:
    """The Hugo page of ``digest``: front matter and body (pure: no I/O, no clock)."""
    lines = [
        "---",
        f"title: {yaml_string(scrub(digest.title))}",
        f"date: {rfc3339(digest.generated_at)}",
        "draft: false",
        f"slug: {yaml_string(f'hot-papers-{digest.date.isoformat()}')}",
        f"description: {yaml_string(description(digest))}",
        *yaml_list("categories", list(CATEGORIES)),
        *yaml_list("tags", primary_categories(digest)),
        "---",
        "",
        "",
    ]
    return "\n".join(lines) + render_body(digest, mode, _shortcode)


def _shortcode(html: str) -> str:
    """One HTML block inside the writer's shortcode (its braces are already references: none can close it)."""
    return f"{{{{< {SHORTCODE} >}}}}{html}{{{{< /{SHORTCODE} >}}}}"
