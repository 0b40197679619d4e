"""How a post is shown inside an HTML page or a Markdown post: two modes.

* ``official``: the platform's own embed markup. X: ``<blockquote class="twitter-tweet">`` with the text, author
  and dated status link of oEmbed's markup, then ``platform.twitter.com/widgets.js``. Bluesky:
  ``<blockquote class="bluesky-embed" data-bluesky-uri="at://…">`` as ``embed.bsky.app`` writes it, then
  ``embed.bsky.app/static/embed.js``. The reader's browser loads the platform's script, which fetches the live
  post. A platform without an official embed (Hacker News, Hugging Face, …), a post whose URL or id does not
  have the platform's form, and a post known to be deleted fall back to the static card.
* ``static`` (the site's default): a self-contained card rendered from the stored text, author, time and counts.
  No third-party script and no request to any platform when a reader opens the page, and it still shows posts
  that were later deleted (with a note saying so).

Stored texts are plain text: every piece of outside text is HTML-escaped (nothing stored is passed through as
HTML), line breaks become ``<br>``, and only ``http(s)://`` URLs become links (``rel="nofollow noopener"``).
Every fragment is one line, so that it stays a single HTML block inside Markdown.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final, Literal, get_args

from hotpapers.models import EngagementSnapshot, Post, PostKind
from hotpapers.writers._markup import (
    LANG_RE,
    html_attr,
    html_text,
    http_url,
    one_line_html,
    text_direction,
    tweet_date,
)

__all__ = [
    "BLUESKY_SCRIPT",
    "EMBED_MODES",
    "X_SCRIPT",
    "EmbedMode",
    "parse_embed_mode",
    "platform_label",
    "render_embed",
    "text_html",
]

EmbedMode = Literal["official", "static"]
EMBED_MODES: Final[tuple[EmbedMode, ...]] = get_args(EmbedMode)

X_SCRIPT = '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
BLUESKY_SCRIPT = '<script async src="https://embed.bsky.app/static/embed.js" charset="utf-8"></script>'

_LABELS = {"x": "X", "bluesky": "Bluesky", "hackernews": "Hacker News", "huggingface": "Hugging Face",
           "reddit": "Reddit", "alphaxiv": "alphaXiv", "mastodon": "Mastodon", "youtube": "YouTube"}
# (field of EngagementSnapshot, singular, plural) shown for each platform, in order.
_COUNTS_DEFAULT = (
    ("reposts", "repost", "reposts"),
    ("likes", "like", "likes"),
    ("replies", "reply", "replies"),
    ("quotes", "quote", "quotes"),
)
_COUNTS = {
    "hackernews": (("likes", "point", "points"), ("replies", "comment", "comments")),
    "huggingface": (("likes", "upvote", "upvotes"), ("replies", "comment", "comments")),
    "reddit": (("likes", "point", "points"), ("replies", "comment", "comments"),
               ("reposts", "crosspost", "crossposts")),
    "alphaxiv": (("likes", "vote", "votes"),),
    "mastodon": (("reposts", "boost", "boosts"), ("likes", "favourite", "favourites"), ("replies", "reply", "replies"),
                 ("quotes", "quote", "quotes")),
    "youtube": (("likes", "like", "likes"), ("replies", "comment", "comments")),
}
_CLASS_RE = re.compile(r"[^a-z0-9-]")
_URL_IN_TEXT_RE = re.compile(r"https?://[^\s<>\"'\x00-\x1f\x7f]+", re.IGNORECASE)
_TRAILING_RE = re.compile(r"[.,;:!?…]+$")
_X_STATUS_RE = re.compile(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[A-Za-z0-9_]{1,50}/status/\d{1,25}")
_AT_URI_RE = re.compile(r"at://(did:[a-z]+:[A-Za-z0-9._:%-]{1,2048})/app\.bsky\.feed\.post/([A-Za-z0-9._~:-]{1,512})")
_REL = ' rel="nofollow noopener"'


def parse_embed_mode(value: str) -> EmbedMode:
    """Return ``value`` as an :data:`EmbedMode`; raise ``ValueError`` naming the valid modes otherwise."""
    for mode in EMBED_MODES:
        if value == mode:
            return mode
    raise ValueError(f"unknown embed mode {value!r} (expected one of: {', '.join(EMBED_MODES)})")


def platform_label(platform: str) -> str:
    """The display name of ``platform`` (``x`` → ``X``, ``hackernews`` → ``Hacker News``); unknown ones as is."""
    return _LABELS.get(platform, platform)


def render_embed(
    post: Post, engagement: EngagementSnapshot | None, mode: EmbedMode = "static", *, script: bool = True
) -> str:
    """The HTML of one post in ``mode`` (see the module docstring). Safe to insert into a page as is.

    Args:
        post: the stored post.
        engagement: its latest counts, or None when never observed (a static card then shows no counts).
        mode: ``"static"`` or ``"official"``.
        script: in ``official`` mode, append the platform's ``<script>`` after the blockquote (as the
            platform's own snippet does). Pass False to load the script once per page yourself
            (:data:`X_SCRIPT`, :data:`BLUESKY_SCRIPT`).

    Returns:
        One line of HTML.

    Raises:
        ValueError: ``mode`` is not an embed mode.
    """
    if mode not in EMBED_MODES:
        raise ValueError(f"unknown embed mode {mode!r} (expected one of: {', '.join(EMBED_MODES)})")
    if mode == "official" and not post.deleted:
        official = _official(post, script=script)
        if official is not None:
            return one_line_html(official)
    return one_line_html(_static(post, engagement))


def text_html(text: str) -> str:
    """Plain ``text`` as HTML: escaped, line breaks as ``<br>``, http(s) URLs as ``nofollow`` links."""
    return "<br>".join(_line_html(line) for line in text.replace("\r\n", "\n").splitlines())


def _line_html(line: str) -> str:
    pieces, last = [], 0
    for match in _URL_IN_TEXT_RE.finditer(line):
        url = _trim_url(match[0])
        end = match.start() + len(url)
        pieces.append(html_text(line[last : match.start()]))
        checked = http_url(url)
        pieces.append(f'<a href="{html_attr(checked)}"{_REL}>{html_text(url)}</a>' if checked else html_text(url))
        last = end
    pieces.append(html_text(line[last:]))
    return "".join(pieces)


def _trim_url(url: str) -> str:
    """Drop sentence punctuation after a URL, and a closing bracket the URL did not open."""
    while True:
        url = _TRAILING_RE.sub("", url)
        closer = url[-1:]
        opener = {")": "(", "]": "["}.get(closer)
        if opener is None or url.count(opener) >= url.count(closer):
            return url
        url = url[:-1]


def _lang(post: Post) -> str | None:
    return post.language if post.language and LANG_RE.fullmatch(post.language) else None


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- official ----------------------------------------------------------------------------------------------


def _official(post: Post, *, script: bool) -> str | None:
    if post.platform == "x":
        html = _official_x(post)
        tail = X_SCRIPT
    elif post.platform == "bluesky":
        html = _official_bluesky(post)
        tail = BLUESKY_SCRIPT
    else:
        return None
    if html is None:
        return None
    return f"{html} {tail}" if script else html


def _official_x(post: Post) -> str | None:
    """oEmbed's markup: text paragraph, ``&mdash; Name (@handle)`` and the dated status link."""
    url = http_url(post.url)
    if url is None or not _X_STATUS_RE.fullmatch(url.split("?", 1)[0]):
        return None
    lang = _lang(post) or "und"
    direction = text_direction(lang)
    when = post.created_at.astimezone(dt.UTC)
    date = tweet_date(when)
    link = url + ("&" if "?" in url else "?") + "ref_src=twsrc%5Etfw"
    author = f"{html_text(_one_line(post.author_name))} (@{html_text(post.author_handle)})"
    return (
        f'<blockquote class="twitter-tweet" data-dnt="true"><p lang="{html_attr(lang)}" dir="{direction}">'
        f'{text_html(post.text)}</p>&mdash; {author} <a href="{html_attr(link)}">{date}</a></blockquote>'
    )


def _official_bluesky(post: Post) -> str | None:
    """embed.bsky.app's markup: ``data-bluesky-uri`` (the at-uri), text, author and dated post link."""
    match = _AT_URI_RE.fullmatch(post.post_id)
    if match is None:
        return None
    did, rkey = match[1], match[2]
    profile = f"https://bsky.app/profile/{did}?ref_src=embed"
    link = f"https://bsky.app/profile/{did}/post/{rkey}?ref_src=embed"
    lang = _lang(post)
    lang_attr = f' lang="{html_attr(lang)}"' if lang else ""
    name = _one_line(post.author_name)
    author = f"{html_text(name)} (@{html_text(post.author_handle)})" if name else f"@{html_text(post.author_handle)}"
    when = post.created_at.astimezone(dt.UTC)
    date = f"{tweet_date(when)} at {when:%H:%M} UTC"
    return (
        f'<blockquote class="bluesky-embed" data-bluesky-uri="{html_attr(match[0])}"'
        f' data-bluesky-embed-color-mode="system"><p{lang_attr}>{text_html(post.text)}</p>'
        f'&mdash; <a href="{html_attr(profile)}">{author}</a> <a href="{html_attr(link)}">{date}</a></blockquote>'
    )


# -- static ------------------------------------------------------------------------------------------------


def _static(post: Post, engagement: EngagementSnapshot | None) -> str:
    """A card: platform and author, the text, then time, counts and a link to the original."""
    platform = _CLASS_RE.sub("", post.platform.lower()) or "other"
    url = http_url(post.url)
    cite = f' cite="{html_attr(url)}"' if url else ""
    lang = _lang(post)
    lang_attr = f' lang="{html_attr(lang)}"' if lang else ""
    parts = [
        f'<blockquote class="hp-post hp-static hp-{platform}"{cite}>',
        _head(post),
        f'<p class="hp-text"{lang_attr} dir="auto">{text_html(post.text)}</p>',
        _meta(post, engagement, url),
    ]
    if post.deleted:
        parts.append(
            f'<p class="hp-deleted">This post is no longer on {html_text(platform_label(post.platform))}: '
            "shown as it was collected.</p>"
        )
    parts.append("</blockquote>")
    return "".join(parts)


def _head(post: Post) -> str:
    name = _one_line(post.author_name)
    handle = post.author_handle
    who = f'<span class="hp-author">{html_text(name)}</span>' if name else ""
    if handle and handle != name:
        who += f'{" " if who else ""}<span class="hp-handle">@{html_text(handle)}</span>'
    kind = ""
    if post.kind in (PostKind.REPLY, PostKind.QUOTE):
        kind = f' <span class="hp-kind">{"reply" if post.kind is PostKind.REPLY else "quote"}</span>'
    label = html_text(platform_label(post.platform))
    return f'<p class="hp-head"><span class="hp-platform">{label}</span> {who}{kind}</p>'


def _meta(post: Post, engagement: EngagementSnapshot | None, url: str | None) -> str:
    created = post.created_at.astimezone(dt.UTC)
    time = f'<time datetime="{_iso(created)}">{created:%Y-%m-%d %H:%M} UTC</time>'
    pieces = [f'<a href="{html_attr(url)}"{_REL}>{time}</a>' if url else time]
    if engagement is not None:
        pieces.append(_counts(post.platform, engagement))
    if url:
        label = html_text(platform_label(post.platform))
        pieces.append(f'<a class="hp-original" href="{html_attr(url)}"{_REL}>View on {label}</a>')
    return f'<p class="hp-meta">{" · ".join(pieces)}</p>'


def _counts(platform: str, engagement: EngagementSnapshot) -> str:
    shown = []
    for name, one, many in _COUNTS.get(platform, _COUNTS_DEFAULT):
        value: int = getattr(engagement, name)
        shown.append(f"{value} {one if value == 1 else many}")
    observed = f"{engagement.observed_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    return f'<span class="hp-counts" title="as of {observed}">{" · ".join(shown)}</span>'
