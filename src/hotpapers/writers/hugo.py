"""The Hugo writer (``hugo``): one Markdown page per digest in a Hugo site's content directory.

``OUT/content/posts/hot-papers-YYYY-MM-DD.md``: YAML front matter (``title``, ``date`` in RFC 3339, ``draft:
false``, ``slug``, ``description``, ``categories``, ``tags``), then the body of :mod:`hotpapers.writers._blog`.
Posts are embedded in the ``embed_mode`` given, else ``$HOTPAPERS_EMBED_MODE``, else ``static``. Hugo's default
Markdown renderer (Goldmark) drops raw HTML unless the site sets ``markup.goldmark.renderer.unsafe = true``:
every piece of outside text in the HTML is escaped, so that setting is safe for these pages (see
``docs/outputs.md``).
"""

from __future__ import annotations

from pathlib import Path

from hotpapers.models import Digest
from hotpapers.writers._blog import BlogWriter, description, primary_categories, render_body, yaml_list
from hotpapers.writers._markup import yaml_string
from hotpapers.writers._text import rfc3339, scrub
from hotpapers.writers.embeds import EmbedMode

__all__ = ["HugoWriter", "render_hugo"]

CATEGORIES = ("arXiv",)


class HugoWriter(BlogWriter):
    """Writes ``out_dir/content/posts/hot-papers-YYYY-MM-DD.md`` for a Hugo site (``HugoWriter(embed_mode=…)``)."""

    name = "hugo"

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
    return "\n".join(lines) + render_body(digest, mode)
