"""The Jekyll writer (``jekyll``): one post per digest in a Jekyll site's ``_posts`` directory.

``OUT/_posts/YYYY-MM-DD-hot-papers.md`` (the digest's date): YAML front matter (``layout: post``, ``title``,
``date`` as ``YYYY-MM-DD HH:MM:SS +0000`` from ``generated_at``, ``slug``, ``categories``, ``tags``,
``description``, ``render_with_liquid: false``), then the body of :mod:`hotpapers.writers._blog`. ``slug``
(``hot-papers-YYYY-MM-DD``) keeps permalinks apart when several days are generated on the same date; Jekyll 4
honours ``render_with_liquid: false``, and the body has no brace anyway, so no Liquid runs on outside text.
Posts are embedded in the ``embed_mode`` given, else ``$HOTPAPERS_EMBED_MODE``, else ``static``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hotpapers.models import Digest
from hotpapers.writers._blog import BlogWriter, description, primary_categories, render_body, yaml_list
from hotpapers.writers._markup import yaml_string
from hotpapers.writers._text import scrub
from hotpapers.writers.embeds import EmbedMode

__all__ = ["JekyllWriter", "render_jekyll"]

CATEGORIES = ("arXiv",)


class JekyllWriter(BlogWriter):
    """Writes ``out_dir/_posts/YYYY-MM-DD-hot-papers.md`` for a Jekyll site (``JekyllWriter(embed_mode=…)``)."""

    name = "jekyll"

    def relative_path(self, digest: Digest) -> Path:
        """``_posts/YYYY-MM-DD-hot-papers.md`` (the digest's date)."""
        return Path("_posts", f"{digest.date.isoformat()}-hot-papers.md")

    def render(self, digest: Digest) -> str:
        """The post in this writer's embed mode."""
        return render_jekyll(digest, self.embed_mode)


def render_jekyll(digest: Digest, mode: EmbedMode = "static") -> str:
    """The Jekyll post of ``digest``: front matter and body (pure: no I/O, no clock)."""
    lines = [
        "---",
        "layout: post",
        f"title: {yaml_string(scrub(digest.title))}",
        f"date: {digest.generated_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S +0000}",
        f"slug: {yaml_string(f'hot-papers-{digest.date.isoformat()}')}",
        *yaml_list("categories", list(CATEGORIES)),
        *yaml_list("tags", primary_categories(digest)),
        f"description: {yaml_string(description(digest))}",
        "render_with_liquid: false",
        "---",
        "",
        "",
    ]
    return "\n".join(lines) + render_body(digest, mode)
