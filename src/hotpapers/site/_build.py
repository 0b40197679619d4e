"""``build_site``: every page of the archive as plain files, written atomically, with relative links.

Pages (paths relative to the output folder)::

    index.html                  the latest digest
    days/YYYY-MM-DD.html        one per listing day, with previous / next
    papers/<id>.html            one per paper: its posts, why it ranks there, engagement over time
    categories/index.html       every category, with counts
    categories/<name>.html      one per category: its papers across days, newest first
    archive.html                a calendar of the days
    search.html                 client-side search (assets/site.js over assets/search-index.js)
    404.html                    for hosts that serve it on a missing page (links from ``base_url``)
    sitemap.xml                 only when ``base_url`` is an absolute http(s) URL

Every other link is relative, so the folder works from any sub-path and from ``file://``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from hotpapers._fs import atomic_write_bytes
from hotpapers.errors import UsageError, WriterError
from hotpapers.models import Archive, Digest, PostEvidence, RankedPaper
from hotpapers.site._chart import engagement_series, make_chart, total
from hotpapers.site._model import (
    PaperEntry,
    SiteModel,
    build_model,
    category_path,
    day_path,
    paper_path,
)
from hotpapers.site._render import content_security_policy, make_environment, post_html, scripts_for
from hotpapers.site._search import index_script
from hotpapers.writers._markup import http_url
from hotpapers.writers.embeds import EMBED_MODES, EmbedMode

__all__ = ["build_site"]

ASSETS = ("style.css", "theme.js", "site.js", "favicon.svg")
SITE_NAME = "Hot Papers"


@dataclass(frozen=True, slots=True)
class Page:
    """One page to render: where, with which template and values."""

    path: str
    template: str
    values: dict[str, Any] = field(default_factory=dict)
    posts: tuple[PostEvidence, ...] = ()  # the posts it shows, for the platform scripts of official mode


def build_site(archive: Archive, out_dir: Path, *, embeds: EmbedMode = "static", base_url: str = "/") -> list[Path]:
    """Write the static site of ``archive`` under ``out_dir`` and return the files written, sorted.

    Pure: reads nothing but the archive and the package's templates, and the same archive gives the same bytes.

    Raises:
        UsageError: ``embeds`` is not a mode, or ``base_url`` is neither a path starting with ``/`` nor an
            absolute http(s) URL.
        WriterError: a file could not be written.
    """
    if embeds not in EMBED_MODES:
        raise UsageError(f"--embeds {embeds}: unknown mode (known: {', '.join(EMBED_MODES)})")
    base = _base_url(base_url)
    files = render_files(archive, embeds=embeds, base_url=base)
    written = []
    for name in sorted(files):
        path = out_dir / name
        atomic_write_bytes(path, files[name])
        _make_public(path)
        written.append(path)
    return written


def _make_public(path: Path) -> None:
    """rw-r--r--: a web server running as another user must be able to read the pages.

    (The temporary file behind an atomic write is created owner-only; ideally hotpapers._fs would set the mode
    before the rename, so that no reader ever sees the owner-only file.)
    """
    try:
        path.chmod(0o644)
    except OSError as e:
        raise WriterError(f"{path}: cannot make readable: {e.strerror or e}") from e


def _base_url(value: str) -> str:
    base = value if value.endswith("/") else value + "/"
    if base.startswith("/") and not base.startswith("//"):
        return base
    if http_url(base):
        return base
    raise UsageError(f"--base-url {value}: give a path starting with / or an absolute http(s) URL")


def render_files(archive: Archive, *, embeds: EmbedMode, base_url: str) -> dict[str, bytes]:
    """Every file of the site by relative path, in memory."""
    model = build_model(archive)
    env = make_environment()
    absolute = base_url if http_url(base_url) else None
    files: dict[str, bytes] = {}
    for page in _pages(model):
        files[page.path] = _render(env, model, page, embeds, absolute)
    files["404.html"] = _render(env, model, Page("404.html", "404.html"), embeds, absolute, root=base_url)
    if absolute:
        urls = [absolute + ("" if path == "index.html" else path) for path in sorted(files) if path != "404.html"]
        files["sitemap.xml"] = env.get_template("sitemap.xml").render(urls=urls).encode("utf-8")
    for name in ASSETS:
        files[f"assets/{name}"] = (resources.files("hotpapers.site") / "static" / name).read_bytes()
    files["assets/search-index.js"] = index_script(model)
    files[".nojekyll"] = b""
    return files


def _render(
    env: jinja2.Environment,
    model: SiteModel,
    page: Page,
    embeds: EmbedMode,
    absolute: str | None,
    root: str | None = None,
) -> bytes:
    depth = page.path.count("/")
    values: dict[str, Any] = {
        "site": model,
        "site_name": SITE_NAME,
        "root": root if root is not None else "../" * depth,
        "page_path": page.path,
        "canonical": None if absolute is None or page.path == "404.html" else absolute + page.path,
        "csp": content_security_policy(embeds),
        "scripts": scripts_for(page.posts, embeds),
        "embeds": embeds,
        "post_html": lambda evidence: post_html(evidence, embeds),
        **page.values,
    }
    return env.get_template(page.template).render(values).encode("utf-8")


def _pages(model: SiteModel) -> Iterator[Page]:
    if model.days:
        yield _day_page(model, model.days[0], "index.html")
    else:
        yield Page("index.html", "empty.html")
    for digest in model.days:
        yield _day_page(model, digest, day_path(digest.date))
    for entry in model.papers.values():
        yield _paper_page(model, entry)
    yield Page("categories/index.html", "categories.html")
    for category in model.categories:
        yield Page(category_path(category.name), "category.html", {"category": category})
    yield Page("archive.html", "archive.html")
    yield Page("search.html", "search.html")


def _shown(ranked: RankedPaper) -> tuple[PostEvidence, ...]:
    return tuple(PostEvidence(p.post, p.engagement) for p in ranked.posts)


def _day_page(model: SiteModel, digest: Digest, path: str) -> Page:
    older, newer = model.neighbours(digest.date)
    posts = tuple(e for ranked in digest.papers for e in _shown(ranked))
    values = {"digest": digest, "older": older, "newer": newer, "is_index": path == "index.html"}
    return Page(path, "day.html", values, posts)


def _post_order(evidence: PostEvidence) -> tuple[int, dt.datetime, str, str]:
    engaged = total(evidence.engagement) if evidence.engagement else 0
    return (-engaged, evidence.post.created_at, evidence.post.platform, evidence.post.post_id)


def _paper_page(model: SiteModel, entry: PaperEntry) -> Page:
    arxiv_id = entry.paper.arxiv_id
    posts = model.archive.paper_posts.get(arxiv_id)
    if posts is None:  # not in the archive's post map: fall back to the posts the digests showed
        shown = {(e.post.platform, e.post.post_id): e for a in entry.appearances for e in _shown(a.ranked)}
        posts = tuple(shown.values())
    ordered = tuple(sorted(posts, key=_post_order))
    chart = make_chart(engagement_series(ordered, model.archive.series))
    values = {"entry": entry, "posts": ordered, "chart": chart}
    return Page(paper_path(arxiv_id), "paper.html", values, ordered)
