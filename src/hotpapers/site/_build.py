"""``build_site``: every page of the archive as plain files, with relative links, rebuilt incrementally.

Pages (paths relative to the output folder)::

    index.html                      the latest digest
    days/YYYY-MM-DD.html            one per listing day, with previous / next
    papers/<id>.html                one per paper: its posts, why it ranks there, engagement over time
    categories/index.html           every category, with counts
    categories/<name>.html          one per category: its newest days, and its months
    categories/<name>/YYYY-MM.html  one per category and month with papers
    archive.html                    a calendar of the days
    search.html                     client-side search (assets/site.js over assets/search/YYYY-MM.js)
    404.html                        for hosts that serve it on a missing page (links from ``base_url``)
    sitemap.xml                     only when ``base_url`` is an absolute http(s) URL

Every other link is relative, so the folder works from any sub-path and from ``file://``.

Incremental: each page has a key, a hash of the fingerprints of what it shows (see ``_source.py``) and of the
build key (``_manifest.py``). The build renders only the pages whose key changed or whose file is missing or
was changed since, writes a rendered page only when its bytes differ from the file's, and removes the files an
earlier build wrote that are no longer part of the site. Nothing depends on the clock: the same data gives the
same bytes, so a site grown day by day equals one built in one go.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from hotpapers.errors import UsageError, WriterError
from hotpapers.models import (
    Archive,
    ArxivId,
    Digest,
    EngagementSnapshot,
    PaperEnrichment,
    PostEvidence,
    RankedPaper,
)
from hotpapers.site._chart import engagement_series, make_chart, total
from hotpapers.site._manifest import Entry, Manifest, load_manifest, save_manifest
from hotpapers.site._model import (
    Appearance,
    CategoryInfo,
    DayInfo,
    PaperEntry,
    SiteModel,
    build_model,
    category_items,
    category_month_path,
    category_path,
    day_info,
    day_path,
    paper_path,
)
from hotpapers.site._render import content_security_policy, make_environment, post_html, scripts_for
from hotpapers.site._search import shard_month, shard_path, shard_script
from hotpapers.site._source import ArchiveSource, SiteSource, fingerprint
from hotpapers.writers._markup import http_url
from hotpapers.writers.embeds import EMBED_MODES, EmbedMode
from hotpapers.writers.feeds_common import Feed, FeedSettings, feeds
from hotpapers.writers.feeds_json import render_json_feed
from hotpapers.writers.feeds_xml import render_atom, render_rss

__all__ = ["CATEGORY_RECENT_DAYS", "SiteReport", "build_key", "build_site"]

ASSETS = ("style.css", "theme.js", "site.js", "favicon.svg")
FEEDS: dict[str, Callable[[Digest, Feed, FeedSettings], bytes]] = {
    "atom.xml": render_atom,
    "rss.xml": render_rss,
    "feed.json": render_json_feed,
}  # the newest digest's feeds, with an absolute base URL (feed readers need absolute links)
SITE_NAME = "Hot Papers"
CATEGORY_RECENT_DAYS = 10  # a category's own page lists its newest days; its month pages list everything
_SHAPING_LIBRARIES = ("jinja2", "markupsafe", "nh3", "latex2mathml", "orjson")


@dataclass(frozen=True, slots=True)
class SiteReport:
    """What a build did: the files written and removed, and how many were left as they were."""

    out_dir: Path
    written: tuple[Path, ...]
    removed: tuple[Path, ...]
    unchanged: int
    rendered: int  # pages rendered (written or found byte-identical)
    notes: tuple[str, ...] = ()

    @property
    def files(self) -> int:
        """The files of the site."""
        return len(self.written) + self.unchanged


@dataclass(frozen=True, slots=True)
class _Page:
    path: str
    key: str
    render: Callable[[], bytes]
    paper: ArxivId | None = None  # a paper page (its posts are read in bulk before rendering)


def build_site(
    archive: Archive | SiteSource,
    out_dir: Path,
    *,
    embeds: EmbedMode = "static",
    base_url: str = "/",
    full: bool = False,
) -> SiteReport:
    """Bring the static site of ``archive`` under ``out_dir`` up to date, writing only what changed.

    ``archive`` is an ``Archive`` or any ``SiteSource``. With ``full``, every page is rendered again (the
    manifest's keys are ignored), and still only files whose bytes change are written.

    Pure: reads nothing but the source, the package's templates and the output folder, and the same data gives
    the same bytes.

    Raises:
        UsageError: ``embeds`` is not a mode, or ``base_url`` is neither a path starting with ``/`` nor an
            absolute http(s) URL.
        WriterError: a file could not be written or removed.
    """
    if embeds not in EMBED_MODES:
        raise UsageError(f"embeds {embeds!r}: unknown mode (known: {', '.join(EMBED_MODES)})")
    base = _base_url(base_url)
    source: SiteSource = ArchiveSource(archive) if isinstance(archive, Archive) else archive
    build = build_key(embeds, base)
    old = load_manifest(out_dir)
    digests = _Digests(source)
    days = plan_days(source, digests, old.days if old.build == build else {})
    renderer = _Renderer(build_model(days), source, digests, embeds, base)
    plans: dict[str, object] = {day.fingerprint: day.to_json() for day in days}
    return _update(out_dir, old, build, plans, list(renderer.pages(build)), renderer, full=full)


def _base_url(value: str) -> str:
    base = value if value.endswith("/") else value + "/"
    if base.startswith("/") and not base.startswith("//"):
        return base
    if http_url(base):
        return base
    raise UsageError(f"base URL {value!r}: give a path starting with / or an absolute http(s) URL")


# -- the build key -------------------------------------------------------------------------------------------


def _tree_files(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, bytes]]:
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.name.startswith(".") or item.name == "__pycache__":
            continue
        if item.is_dir():
            yield from _tree_files(item, f"{prefix}{item.name}/")
        elif item.name.endswith((".py", ".html", ".xml", ".css", ".js", ".svg")):
            yield f"{prefix}{item.name}", item.read_bytes()


@cache
def _code_hash() -> str:
    """A hash of the code, templates and assets that shape the site's bytes, and of the libraries' versions."""
    h = hashlib.blake2b(digest_size=16)
    for package in ("hotpapers.site", "hotpapers.writers"):
        for name, data in _tree_files(resources.files(package)):
            h.update(f"{package}/{name}:{len(data)}:".encode())
            h.update(data)
    for library in ("hotpapers", *_SHAPING_LIBRARIES):
        try:
            h.update(f"{library}={metadata.version(library)};".encode())
        except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
            h.update(f"{library}=?;".encode())
    return h.hexdigest()


def build_key(embeds: str, base_url: str) -> str:
    """The key every page's key starts from: the code's hash and the options."""
    return fingerprint("hotpapers-site", _code_hash(), embeds, base_url)


# -- pages ---------------------------------------------------------------------------------------------------


def _shown(ranked: RankedPaper) -> tuple[PostEvidence, ...]:
    return tuple(PostEvidence(p.post, p.engagement) for p in ranked.posts)


def _post_order(evidence: PostEvidence) -> tuple[int, dt.datetime, str, str]:
    engaged = total(evidence.engagement) if evidence.engagement else 0
    return (-engaged, evidence.post.created_at, evidence.post.platform, evidence.post.post_id)


class _Digests:
    """The source's digests, each read once, with its papers by id."""

    def __init__(self, source: SiteSource) -> None:
        self.source = source
        self._digests: dict[dt.date, Digest] = {}
        self._ranked: dict[dt.date, dict[ArxivId, RankedPaper]] = {}

    def get(self, date: dt.date) -> Digest:
        """The digest of ``date``."""
        if date not in self._digests:
            self._digests[date] = self.source.digest(date)
        return self._digests[date]

    def ranked(self, date: dt.date, arxiv_id: ArxivId) -> RankedPaper:
        """The paper ``arxiv_id`` as ranked on ``date``."""
        if date not in self._ranked:
            self._ranked[date] = {}
            for ranked in self.get(date).papers:  # the first of a paper listed twice, as a reader sees it
                self._ranked[date].setdefault(ranked.paper.arxiv_id, ranked)
        return self._ranked[date][arxiv_id]

    def entry(self, arxiv_id: ArxivId, dates: tuple[dt.date, ...]) -> PaperEntry:
        """The paper with its appearances on ``dates`` (newest first)."""
        appearances = tuple(Appearance(self.get(d), self.ranked(d, arxiv_id)) for d in dates)
        return PaperEntry(appearances[0].ranked.paper, appearances)


def plan_days(source: SiteSource, digests: _Digests, cache: Mapping[str, object]) -> list[DayInfo]:
    """The ``DayInfo`` of every day of ``source``: from ``cache`` (by fingerprint) when it has it, else from the
    digest itself."""
    found = []
    for date, fp in source.days():
        info = None
        with contextlib.suppress(ValueError, TypeError):
            if fp in cache:
                info = DayInfo.from_json(fp, cache[fp])
        if info is None or info.date != date:
            info = day_info(digests.get(date), fp)
        found.append(info)
    return found


class _Renderer:
    """Renders the pages of one plan; reads digests and paper posts only for the pages it renders."""

    def __init__(
        self, model: SiteModel, source: SiteSource, digests: _Digests, embeds: EmbedMode, base_url: str
    ) -> None:
        self.model = model
        self.source = source
        self.digests = digests
        self.embeds = embeds
        self.base_url = base_url
        self.absolute = base_url if http_url(base_url) else None
        self.env = make_environment()
        self.posts: dict[ArxivId, tuple[PostEvidence, ...]] = {}
        self.series: Mapping[tuple[str, str], tuple[EngagementSnapshot, ...]] = {}
        self.enrichment: Mapping[ArxivId, PaperEnrichment] = {}
        self._day_keys_cache = {d.date: f"{d.date}:{d.fingerprint}" for d in model.days}

    # keys

    def _day_key(self, date: dt.date) -> str:
        return self._day_keys_cache[date]

    def pages(self, build: str) -> Iterator[_Page]:
        """Every page of the site with its key, in a fixed order (index first, assets last)."""
        model = self.model

        def key(*parts: str) -> str:
            return fingerprint(build, *parts)

        html: list[str] = []
        if model.days:
            newest = model.days[0].date
            yield _Page("index.html", key("index", *self._day_keys(newest)), self._day(newest, True))
        else:
            yield _Page("index.html", key("empty"), lambda: self._render("index.html", "empty.html"))
        html.append("index.html")
        for day in model.days:
            path = day_path(day.date)
            yield _Page(path, key("day", *self._day_keys(day.date)), self._day(day.date, False))
            html.append(path)
        fingerprints = self.source.paper_fingerprints(list(model.papers))
        for arxiv_id, dates in model.papers.items():
            path = paper_path(arxiv_id)
            parts = [self._day_key(d) for d in dates]
            page_key = key("paper", arxiv_id, fingerprints.get(arxiv_id, "-"), *parts)
            yield _Page(path, page_key, self._paper(arxiv_id, dates), arxiv_id)
            html.append(path)
        counts = [f"{c.name}:{c.total}" for c in model.categories]
        categories = self._simple("categories/index.html", "categories.html")
        yield _Page("categories/index.html", key("categories", *counts), categories)
        html.append("categories/index.html")
        for category in model.categories:
            yield from self._category_pages(category, key, html)
        yield _Page("archive.html", key("archive", *(self._day_key(d.date) for d in model.days)),
                    self._simple("archive.html", "archive.html"))  # fmt: skip
        html.append("archive.html")
        shards = self._shards()
        yield _Page("search.html", key("search", *shards), self._search(sorted(shards)))
        html.append("search.html")
        for month, papers in sorted(shards.items()):
            parts = [f"{a}:{self._day_key(model.papers[a][0])}" for a in papers]
            yield _Page(shard_path(month), key("shard", month, *parts), self._shard(papers))
        yield _Page("404.html", key("404"), lambda: self._render("404.html", "404.html", root=self.base_url))
        if self.absolute:
            absolute = self.absolute
            urls = [absolute + ("" if path == "index.html" else path) for path in sorted(html)]
            yield _Page("sitemap.xml", key("sitemap", *urls), lambda: self._sitemap(urls))
            if model.days:
                newest = model.days[0].date
                for name in FEEDS:
                    yield _Page(f"feeds/{name}", key("feed", name, self._day_key(newest)), self._feed(name, newest))
        for name in ASSETS:
            yield _Page(f"assets/{name}", key("asset", name), _asset(name))
        yield _Page(".nojekyll", key("nojekyll"), lambda: b"")

    def _day_keys(self, date: dt.date) -> list[str]:
        older, newer = self.model.neighbours(date)
        return [self._day_key(date), str(older.date if older else "-"), str(newer.date if newer else "-")]

    def _category_pages(self, category: CategoryInfo, key: Callable[..., str], html: list[str]) -> Iterator[_Page]:
        months = self.model.category_months[category.name]
        listing = [f"{month}:{count}" for month, count in months]
        recent = category.dates[:CATEGORY_RECENT_DAYS]
        path = category_path(category.name)
        yield _Page(path, key("category", category.name, *listing, "|", *(self._day_key(d) for d in recent)),
                    self._category(path, category, recent, months=months))  # fmt: skip
        html.append(path)
        for i, (month, _count) in enumerate(months):
            newer = months[i - 1][0] if i > 0 else None
            older = months[i + 1][0] if i + 1 < len(months) else None
            dates = category.month_dates(month)
            path = category_month_path(category.name, month)
            parts = [self._day_key(d) for d in dates]
            yield _Page(path, key("category-month", category.name, month, older or "-", newer or "-", *parts),
                        self._category(path, category, dates, month=month, older=older, newer=newer))  # fmt: skip
            html.append(path)

    def _shards(self) -> dict[str, list[ArxivId]]:
        shards: dict[str, list[ArxivId]] = {}
        for arxiv_id, dates in self.model.papers.items():
            shards.setdefault(shard_month(dates[0]), []).append(arxiv_id)
        return shards

    # rendering

    def prepare(self, papers: list[ArxivId]) -> None:
        """Read the posts, snapshot series and enrichment of the papers whose pages are about to be rendered, in
        bulk."""
        if not papers:
            return
        self.posts = dict(self.source.paper_posts(papers))
        self.series = self.source.snapshot_series(papers)
        self.enrichment = self.source.paper_enrichment(papers)

    def _render(self, path: str, template: str, root: str | None = None, **values: Any) -> bytes:
        context: dict[str, Any] = {
            "site": self.model,
            "site_name": SITE_NAME,
            "root": root if root is not None else "../" * path.count("/"),
            "page_path": path,
            "canonical": None if self.absolute is None or path == "404.html" else self.absolute + path,
            "csp": content_security_policy(self.embeds),
            "scripts": scripts_for(values.pop("posts_shown", ()), self.embeds),
            "embeds": self.embeds,
            "post_html": lambda evidence: post_html(evidence, self.embeds),
            "stamp": None,
            "feeds": self.absolute is not None and bool(self.model.days),
            **values,
        }
        return self.env.get_template(template).render(context).encode("utf-8")

    def _simple(self, path: str, template: str, **values: Any) -> Callable[[], bytes]:
        return lambda: self._render(path, template, **values)

    def _category(
        self, path: str, category: CategoryInfo, dates: tuple[dt.date, ...], **values: Any
    ) -> Callable[[], bytes]:
        template = "category_month.html" if "month" in values else "category.html"

        def render() -> bytes:
            items = category_items(category.name, (self.digests.get(d) for d in dates))
            return self._render(path, template, category=category, items=items, **values)

        return render

    def _day(self, date: dt.date, is_index: bool) -> Callable[[], bytes]:
        path = "index.html" if is_index else day_path(date)

        def render() -> bytes:
            digest = self.digests.get(date)
            older, newer = self.model.neighbours(date)
            shown = tuple(e for ranked in digest.papers for e in _shown(ranked))
            return self._render(
                path, "day.html", posts_shown=shown, stamp=digest.generated_at,
                digest=digest, older=older, newer=newer, is_index=is_index,
            )  # fmt: skip

        return render

    def _paper(self, arxiv_id: ArxivId, dates: tuple[dt.date, ...]) -> Callable[[], bytes]:
        def render() -> bytes:
            entry = self.digests.entry(arxiv_id, dates)
            posts = self.posts.get(arxiv_id)
            if posts is None:  # nothing stored for it: the posts its digests showed
                shown = {(e.post.platform, e.post.post_id): e for a in entry.appearances for e in _shown(a.ranked)}
                posts = tuple(shown.values())
            ordered = tuple(sorted(posts, key=_post_order))
            chart = make_chart(engagement_series(ordered, self.series))
            return self._render(
                paper_path(arxiv_id), "paper.html", posts_shown=ordered, entry=entry, posts=ordered, chart=chart,
                paper_enrichment=self.enrichment.get(arxiv_id),
            )  # fmt: skip

        return render

    def _search(self, months: list[str]) -> Callable[[], bytes]:
        return lambda: self._render("search.html", "search.html", shards=[shard_path(m) for m in months])

    def _shard(self, papers: list[ArxivId]) -> Callable[[], bytes]:
        def render() -> bytes:
            return shard_script((a, self.digests.entry(a, self.model.papers[a][:1])) for a in papers)

        return render

    def _feed(self, name: str, date: dt.date) -> Callable[[], bytes]:
        def render() -> bytes:
            digest = self.digests.get(date)
            settings = FeedSettings.create(self.absolute, SITE_NAME)
            return FEEDS[name](digest, feeds(digest, settings)[0], settings)

        return render

    def _sitemap(self, urls: list[str]) -> bytes:
        return self.env.get_template("sitemap.xml").render(urls=urls).encode("utf-8")


def _asset(name: str) -> Callable[[], bytes]:
    file = resources.files("hotpapers.site") / "static" / name
    return file.read_bytes


# -- writing -------------------------------------------------------------------------------------------------


def _current(out_dir: Path, path: str, entry: Entry | None, key: str) -> bool:
    """The manifest has ``key`` for the file, and the file has the size and modification time recorded."""
    if entry is None or entry.key != key:
        return False
    try:
        st = os.stat(os.path.join(out_dir, path))  # noqa: PTH116, PTH118 - thousands of calls: no Path objects
    except OSError:
        return False
    return st.st_size == entry.size and st.st_mtime_ns == entry.mtime_ns


def _same_bytes(target: Path, data: bytes) -> bool:
    try:
        if target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


def _write(target: Path, data: bytes) -> None:
    """Write atomically (a temporary file renamed into place), readable by all (rw-r--r--).

    Unlike ``hotpapers._fs.atomic_write_bytes`` this neither syncs each file nor sweeps the folder for stale
    temporaries on every write: a site has thousands of files in one folder, and both made a build quadratic
    or disk-bound. A page lost in a crash has a size or time that differs from the manifest, so the next build
    renders it again; the manifest itself is written with ``atomic_write_bytes``.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)  # noqa: PTH101 - on the path mkstemp gave
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise WriterError(f"{target}: cannot write: {e.strerror or e}") from e


def _stat(target: Path, key: str) -> Entry:
    try:
        st = target.stat()
    except OSError as e:  # removed by someone else right after it was written
        raise WriterError(f"{target}: gone right after it was written: {e.strerror or e}") from e
    return Entry(key, st.st_size, st.st_mtime_ns)


def _update(
    out_dir: Path,
    old: Manifest,
    build: str,
    plans: dict[str, object],
    pages: list[_Page],
    renderer: _Renderer,
    *,
    full: bool,
) -> SiteReport:
    """Render the pages whose key or file changed, write those whose bytes changed, remove stale files."""
    notes = (old.note,) if old.note else ()
    wanted = {page.path for page in pages}
    todo = [p for p in pages if full or not _current(out_dir, p.path, old.files.get(p.path), p.key)]
    files = dict(old.files)
    new_paths = sorted(wanted - old.files.keys())
    if new_paths:  # list every file this build may create before creating any (see _manifest.py)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise WriterError(f"{out_dir}: cannot create the output folder: {e.strerror or e}") from e
        files.update((path, Entry(None, -1, -1)) for path in new_paths)
        save_manifest(out_dir, Manifest(old.build, files, old.days))
    renderer.prepare([p.paper for p in todo if p.paper is not None])
    written: list[Path] = []
    for page in todo:
        target = out_dir / page.path
        data = page.render()
        if not _same_bytes(target, data):
            _write(target, data)
            written.append(target)
        files[page.path] = _stat(target, page.key)
    stale = sorted(old.files.keys() - wanted)
    removed = _remove_stale(out_dir, stale)
    for path in stale:
        del files[path]
    if written or removed or files != old.files or old.build != build or plans != old.days:
        save_manifest(out_dir, Manifest(build, files, plans))
    return SiteReport(out_dir, tuple(written), tuple(removed), len(pages) - len(written), len(todo), notes)


def _remove_stale(out_dir: Path, paths: list[str]) -> list[Path]:
    """Remove files an earlier build wrote that the site no longer has, and the folders that leaves empty."""
    removed = []
    for path in paths:
        target = out_dir / path
        if target.is_symlink() or target.is_file():
            try:
                target.unlink()
            except FileNotFoundError:
                continue
            except OSError as e:
                raise WriterError(f"{target}: cannot remove: {e.strerror or e}") from e
            removed.append(target)
        parent = target.parent
        while parent != out_dir and out_dir in parent.parents:
            with contextlib.suppress(OSError):
                parent.rmdir()  # only when empty
            parent = parent.parent
    return removed
