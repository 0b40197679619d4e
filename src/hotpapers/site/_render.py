"""Rendering: the Jinja2 environment (autoescape on, undefined names are errors), the filters the templates
use, and posts as sanitised embed HTML.

Outside text reaches a page only through autoescaped template expressions, or, for posts, through
``render_embed`` (which escapes) followed by an allow-list sanitiser (nh3): whatever the embed markup holds,
only the listed tags and attributes survive, every link is http(s), and no script or event handler can pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import jinja2
import nh3
from markupsafe import Markup

from hotpapers.models import Paper, PostEvidence, RankedPost
from hotpapers.site._math import tex_html
from hotpapers.site._model import category_month_path, category_path, day_path, paper_path
from hotpapers.writers._enrichment import ENRICHMENT_FILTERS
from hotpapers.writers._markup import http_url
from hotpapers.writers.embeds import EmbedMode, render_embed

__all__ = ["content_security_policy", "make_environment", "paper_links", "post_html", "scripts_for"]

_TEXT_ATTRIBUTES: dict[str, set[str]] = {
    "p": {"class", "lang", "dir"},
    "span": {"class", "title"},
    "a": {"href", "class"},
    "time": {"datetime"},
}
_STATIC_CLEANER = nh3.Cleaner(
    tags={"blockquote", "p", "span", "a", "br", "time"},
    attributes={"blockquote": {"class", "cite"}, **_TEXT_ATTRIBUTES},
    url_schemes={"http", "https"},
    url_relative="deny",
    link_rel="nofollow noopener noreferrer",
)
# The platforms' own embed markup: their blockquotes and the data attributes their scripts read. Any script is
# removed here; the page loads the platform's script once, from PLATFORM_SCRIPTS only.
_OFFICIAL_CLEANER = nh3.Cleaner(
    tags={"blockquote", "p", "span", "a", "br", "time"},
    attributes={
        "blockquote": {
            "class",
            "cite",
            "data-dnt",
            "data-bluesky-uri",
            "data-bluesky-cid",
            "data-bluesky-embed-color-mode",
        },
        **_TEXT_ATTRIBUTES,
    },
    url_schemes={"http", "https"},
    url_relative="deny",
    link_rel="nofollow noopener noreferrer",
)
# The marker class of each platform's official blockquote, and the script that turns it into the live post.
PLATFORM_SCRIPTS: Mapping[str, str] = {
    'class="twitter-tweet"': "https://platform.twitter.com/widgets.js",
    'class="bluesky-embed"': "https://embed.bsky.app/static/embed.js",
}
PLATFORM_HOSTS = ("https://platform.twitter.com", "https://syndication.twitter.com", "https://embed.bsky.app")


def post_html(evidence: PostEvidence | RankedPost, mode: EmbedMode) -> Markup:
    """One post as sanitised HTML, in ``mode`` (a deleted post or one without an official embed: the card)."""
    if mode == "static":
        raw = render_embed(evidence.post, evidence.engagement, "static")
        return Markup(_STATIC_CLEANER.clean(raw))  # noqa: S704 - sanitised by the allow-list just above
    raw = render_embed(evidence.post, evidence.engagement, "official", script=False)
    return Markup(_OFFICIAL_CLEANER.clean(raw))  # noqa: S704 - sanitised by the allow-list just above


def scripts_for(posts: Iterable[PostEvidence], mode: EmbedMode) -> list[str]:
    """The platform scripts a page of ``posts`` needs in ``mode`` (none in static mode), sorted."""
    if mode == "static":
        return []
    shown = "".join(post_html(e, mode) for e in posts)
    return sorted(src for marker, src in PLATFORM_SCRIPTS.items() if marker in shown)


def content_security_policy(mode: EmbedMode) -> str:
    """The page's CSP: only this site's own files in static mode; the platforms' hosts too in official mode."""
    if mode == "static":
        return (
            "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
            "base-uri 'none'; form-action 'self'; object-src 'none'"
        )
    hosts = " ".join(PLATFORM_HOSTS)
    return (
        f"default-src 'self'; img-src 'self' data: https:; script-src 'self' {hosts}; "
        f"style-src 'self' 'unsafe-inline' {hosts}; frame-src {hosts}; connect-src 'self' {hosts}; "
        "base-uri 'none'; form-action 'self'; object-src 'none'"
    )


def _link(url: str | None) -> str | None:
    """An outside URL if it is http(s), else None (the template then shows no link)."""
    return http_url(url)


_NEW_STYLE_ID = re.compile(r"(\d{4})\.\d{4,5}")
FIRST_HTML_MONTH = "2312"  # arXiv renders HTML for papers submitted from December 2023 on


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """The paper's abs, pdf and html links: its own when http(s), else arxiv.org's standard ones.

    The standard html link is given only for papers from December 2023 on (older ones mostly have none).
    """
    own = {"abs": paper.abs_url, "pdf": paper.pdf_url, "html": paper.html_url}
    match = _NEW_STYLE_ID.fullmatch(paper.arxiv_id)
    has_html = match is not None and match[1] >= FIRST_HTML_MONTH
    links = []
    for label, url in own.items():
        standard = f"https://arxiv.org/{label}/{paper.arxiv_id}" if label != "html" or has_html else None
        chosen = http_url(url) or http_url(standard)
        if chosen:
            links.append((label, chosen))
    return links


def _date(value: dt.date | dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, dt.datetime) else value.isoformat()


def _long_date(value: dt.date) -> str:
    return f"{value:%A}, {value.day} {value:%B %Y}"


def _month_title(month: str) -> str:
    """``2021-04`` -> ``April 2021``."""
    return f"{dt.date.fromisoformat(month + '-01'):%B %Y}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def make_environment() -> jinja2.Environment:
    """The Jinja2 environment of the site templates."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("hotpapers.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    filters: dict[str, Any] = {
        "link": _link,
        "arxiv_links": paper_links,
        "date": _date,
        "long_date": _long_date,
        "number": _number,
        "paper_path": paper_path,
        "day_path": day_path,
        "category_path": category_path,
        "category_month_path": category_month_path,
        "tex": tex_html,
        "month_title": _month_title,
    }
    env.filters.update(filters)
    env.filters.update(ENRICHMENT_FILTERS)  # code, stars per day, artifacts, citations (hotpapers enrich)
    return env
