"""Hugo and Jekyll output built by the real engines (Debian's ``hugo`` and ``jekyll``), and kramdown's two parsers.

One site per engine is built for the module (Hugo twice: with and without ``markup.goldmark.renderer.unsafe``):
every day of the bundled sample, ranked and dated by the pipeline as the demo does, plus days of hostile text.
The rendered HTML is checked: no stray table, every link intact, every embed present, no markup from the texts,
the days listed in listing order. Without an engine its tests are skipped with the reason (a failure under
``HOTPAPERS_REQUIRE_ENGINES=1``, as in CI).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings

from hotpapers.arxiv.calendar import listing_window
from hotpapers.jobs.render import build_digest
from hotpapers.jobs.transfer import import_files
from hotpapers.models import Digest, RankedPaper, RankedPost
from hotpapers.store import SQLiteStore
from hotpapers.writers._text import arxiv_categories, scrub
from hotpapers.writers.hugo import SHORTCODE, HugoWriter, render_hugo
from hotpapers.writers.jekyll import JekyllWriter, render_jekyll

from helpers.engines import LineServer, executable, kramdown_server
from helpers.factories import paper, post, snapshot
from helpers.hostile import corpus_text, digests
from helpers.paths import SAMPLE

LATER = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)  # the clock of the render: years after the data
HOSTILE_DAYS = tuple(dt.date(2022, 1, 3) + dt.timedelta(days=n) for n in range(5))  # Monday to Friday
ALLOWED = {
    "html", "head", "title", "body", "main", "ol", "h2", "p", "ul", "li", "a", "blockquote", "span", "time", "br",
    "em", "strong", "del", "div", "script",
}
WIDGETS = "https://platform.twitter.com/widgets.js"
ENGINE_TIMEOUT = 120


@dataclass(frozen=True)
class Site:
    """A built site: its pages' HTML by slug, and the slugs its index lists, in the engine's date order."""

    pages: dict[str, str]
    order: list[str]
    official: str


def _sample_digests(db: Path) -> dict[str, Digest]:
    """Every sample day, ranked and dated by the pipeline as the demo does (years after the data)."""
    with SQLiteStore(db) as store:
        import_files(store, [SAMPLE])
        return {f"hot-papers-{d}": build_digest(store, d, preset="classic", now=LATER) for d in store.announced_dates()}


def _hostile_digest(day: dt.date, rng: random.Random) -> Digest:
    items = []
    for rank in (1, 2):
        cats = ("cs.LG", corpus_text(rng)) if rank == 1 else (corpus_text(rng), "stat.ML")
        p = paper(f"2201.0000{rank}", title=corpus_text(rng), abstract=corpus_text(rng),
                  authors=(corpus_text(rng), corpus_text(rng)), primary_category=cats[0], categories=cats)
        shown = post(f"9{rank}", f"2201.0000{rank}", text=corpus_text(rng), author_name=corpus_text(rng))
        items.append(RankedPaper(rank, 10.0, p, (RankedPost(shown, snapshot(shown.post_id), 1.0),), ()))
    close = listing_window(day)[1]
    title = f"Hot Papers {day} {corpus_text(rng)}"
    return Digest(title, day, close - dt.timedelta(days=1), close, close, corpus_text(rng), tuple(items))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Digest]:
    """The digests every site holds, by slug: the sample's days and days of hostile text."""
    rng = random.Random(20210419)
    hostile = {f"hot-papers-{d}": _hostile_digest(d, rng) for d in HOSTILE_DAYS}
    return {**_sample_digests(tmp_path_factory.mktemp("store") / "sample.db"), **hostile}


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=ENGINE_TIMEOUT,
                          check=False)


def _index_order(index: str) -> list[str]:
    return re.findall(r'<li data-slug="([^"]+)">', index)


# -- Hugo ----------------------------------------------------------------------------------------------------

HUGO_CONFIG = '''baseURL = "https://hotpapers.example.org/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
  unsafe = {unsafe}
'''
HUGO_SINGLE = "<html><head><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n"
HUGO_INDEX = (
    '<html><body><ol>{{ range .Site.RegularPages.ByDate }}{{ if eq .Section "posts" }}'
    '<li data-slug="{{ .Slug }}">{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}</li>{{ end }}{{ end }}</ol></body></html>\n'
)


def _hugo_site(root: Path, corpus: dict[str, Digest], *, shortcode: bool = True) -> None:
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE)
    (root / "layouts" / "index.html").write_text(HUGO_INDEX)
    for digest in corpus.values():
        HugoWriter("static").write(digest, root)
    official = root / "content" / "official" / "official.md"
    official.parent.mkdir(parents=True)
    official.write_text(render_hugo(corpus["hot-papers-2021-01-15"], "official"), encoding="utf-8")
    if not shortcode:
        (root / "layouts" / "shortcodes" / f"{SHORTCODE}.html").unlink()


def _build_hugo(root: Path, unsafe: bool) -> Site:
    (root / "hugo.toml").write_text(HUGO_CONFIG.format(unsafe=str(unsafe).lower()))
    out = root / f"public-{unsafe}"
    result = _run([executable("hugo", "hugo"), "--source", str(root), "--destination", str(out), "--quiet"], root)
    assert result.returncode == 0, result.stderr
    pages = {p.parent.name: p.read_text(encoding="utf-8") for p in (out / "posts").glob("*/index.html")}
    (official_page,) = (out / "official").glob("*/index.html")
    official = official_page.read_text(encoding="utf-8")
    return Site(pages, _index_order((out / "index.html").read_text(encoding="utf-8")), official)


@pytest.fixture(scope="module")
def hugo_sites(tmp_path_factory: pytest.TempPathFactory, corpus: dict[str, Digest]) -> dict[bool, Site]:
    """The Hugo site built with ``unsafe = false`` (Hugo's default) and with ``unsafe = true``."""
    executable("hugo", "hugo")
    root = tmp_path_factory.mktemp("hugo")
    _hugo_site(root, corpus)
    return {unsafe: _build_hugo(root, unsafe) for unsafe in (False, True)}


# -- Jekyll --------------------------------------------------------------------------------------------------

JEKYLL_CONFIG = "markdown: kramdown\nkramdown:\n  input: GFM\nexclude: [official-src]\n"
JEKYLL_POST = (
    "<html><head><title>{{ page.title | escape }}</title></head><body><main>{{ content }}</main></body></html>\n"
)
JEKYLL_INDEX = (
    "---\n---\n<html><body><ol>{% for post in site.posts reversed %}"
    '<li data-slug="{{ post.slug }}">{{ post.date | date_to_xmlschema }}</li>{% endfor %}</ol></body></html>\n'
)


@pytest.fixture(scope="module")
def jekyll_site(tmp_path_factory: pytest.TempPathFactory, corpus: dict[str, Digest]) -> Site:
    """The Jekyll site (kramdown with its GFM parser, Jekyll's default) built once."""
    jekyll = executable("jekyll", "jekyll")
    root = tmp_path_factory.mktemp("jekyll")
    (root / "_layouts").mkdir()
    (root / "_config.yml").write_text(JEKYLL_CONFIG)
    (root / "_layouts" / "post.html").write_text(JEKYLL_POST)
    (root / "index.html").write_text(JEKYLL_INDEX)
    for digest in corpus.values():
        JekyllWriter("static").write(digest, root)
    (root / "official.md").write_text(render_jekyll(corpus["hot-papers-2021-01-15"], "official"), encoding="utf-8")
    out = root / "_site"
    result = _run([jekyll, "build", "--safe", "--quiet", "--source", str(root), "--destination", str(out)], root)
    assert result.returncode == 0, result.stderr
    pages = {}
    for path in out.rglob("*.html"):
        match = re.search(r"hot-papers-\d{4}-\d{2}-\d{2}", path.name)
        if match and path.parent != out:
            pages[match[0]] = path.read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    return Site(pages, _index_order(index), (out / "official.html").read_text(encoding="utf-8"))


@pytest.fixture(params=["hugo", "hugo-unsafe", "jekyll"])
def site(request: pytest.FixtureRequest) -> Site:
    """Each built site in turn: Hugo (default settings), Hugo with raw HTML allowed, Jekyll."""
    if request.param == "jekyll":
        return request.getfixturevalue("jekyll_site")  # type: ignore[no-any-return]
    return request.getfixturevalue("hugo_sites")[request.param == "hugo-unsafe"]  # type: ignore[no-any-return]


# -- the checks ----------------------------------------------------------------------------------------------


def _tree(page: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page)


def _is_hostile(slug: str) -> bool:
    return dt.date.fromisoformat(slug[-10:]) in HOSTILE_DAYS


def test_every_day_is_built(site: Site, corpus: dict[str, Digest]) -> None:
    """Each digest became a page (the front matter of hostile titles included: the engine read it)."""
    assert sorted(site.pages) == sorted(corpus)


def test_no_stray_table(site: Site) -> None:
    """No page has a table: the links and categories lines stay list items (kramdown made tables of them)."""
    assert [slug for slug, page in site.pages.items() if "<table" in page] == []


def test_links_and_categories_are_intact(site: Site, corpus: dict[str, Digest]) -> None:
    """Each paper's abs and pdf links and its categories' listing links are links, separated by a visible `|`."""
    for slug, digest in corpus.items():
        tree = _tree(site.pages[slug])
        hrefs = set(tree.xpath("//a/@href"))
        for item in digest.papers:
            assert {f"https://arxiv.org/abs/{item.paper.arxiv_id}", f"https://arxiv.org/pdf/{item.paper.arxiv_id}"} <= hrefs
            wanted = {f"https://arxiv.org/list/{c}/recent" for c in arxiv_categories(item.paper.categories)}
            assert wanted <= hrefs, slug
        lines = [" ".join(li.text_content().split()) for li in tree.xpath("//li")]
        assert sum(line.startswith("links: abs | pdf") for line in lines) == len(digest.papers), slug


def test_embeds_are_present(site: Site, corpus: dict[str, Digest]) -> None:
    """Every shown post is a static card in the page, with Hugo's raw-HTML setting or without it."""
    for slug, digest in corpus.items():
        page = site.pages[slug]
        assert "raw HTML omitted" not in page
        cards = _tree(page).xpath('//blockquote[contains(@class, "hp-post")]')
        assert len(cards) == sum(len(item.posts) for item in digest.papers), slug


def test_official_embeds_and_scripts_are_present(site: Site, corpus: dict[str, Digest]) -> None:
    """In official mode each X post is X's blockquote and widgets.js is loaded once, at the end."""
    tree = _tree(site.official)
    posts = sum(len(item.posts) for item in corpus["hot-papers-2021-01-15"].papers)
    assert len(tree.xpath('//blockquote[@class="twitter-tweet"]')) == posts
    assert tree.xpath("//script/@src") == [WIDGETS] and "raw HTML omitted" not in site.official


def test_days_are_listed_in_listing_order(site: Site) -> None:
    """The engine's date order of the posts is the order of their listing days, whatever clock rendered them."""
    assert site.order == sorted(site.order) and len(site.order) == len(site.pages)


def test_hostile_text_makes_no_markup(site: Site) -> None:
    """Pages of hostile text hold only the writer's own elements, no handler, and links only to http(s)."""
    for slug in filter(_is_hostile, site.pages):
        tree = _tree(site.pages[slug])
        assert {e.tag for e in tree.iter() if isinstance(e.tag, str)} <= ALLOWED, slug
        assert not [a for e in tree.iter() for a in e.attrib if a.lower().startswith("on")], slug
        assert all(h.startswith(("http://", "https://")) for h in tree.xpath("//a/@href")), slug
        assert not tree.xpath("//script"), slug


def test_hostile_titles_read_back(site: Site, corpus: dict[str, Digest]) -> None:
    """The engine reads each hostile title from the front matter exactly as stored (shown escaped, as text; an
    HTML parser reads a NUL as U+FFFD)."""
    for slug in filter(_is_hostile, site.pages):
        shown = _tree(site.pages[slug]).findtext(".//title") or ""
        expected = scrub(corpus[slug].title).replace("\x00", "\ufffd")
        assert "".join(shown.split()) == "".join(expected.split()), slug


def test_hugo_without_the_shortcode_fails_loudly(tmp_path: Path, corpus: dict[str, Digest]) -> None:
    """A Hugo site missing the writer's shortcode fails its build naming it, instead of dropping the embeds."""
    executable("hugo", "hugo")
    _hugo_site(tmp_path, {"hot-papers-2021-01-15": corpus["hot-papers-2021-01-15"]}, shortcode=False)
    (tmp_path / "hugo.toml").write_text(HUGO_CONFIG.format(unsafe="false"))
    result = _run([executable("hugo", "hugo"), "--source", str(tmp_path), "--destination", str(tmp_path / "o")],
                  tmp_path)
    assert result.returncode != 0 and f'shortcode "{SHORTCODE}" not found' in result.stderr


# -- kramdown, both parsers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kramdown() -> Iterator[LineServer]:
    """kramdown in one Ruby process for the module."""
    server = kramdown_server()
    yield server
    server.close()


def _kramdown_html(server: LineServer, text: str, parser: str) -> str:
    answer = server.ask({"markdown": text.split("\n---\n", 1)[1], "input": parser})
    assert "error" not in answer, answer["error"]
    return str(answer["html"])


@pytest.mark.parametrize("parser", ["GFM", "kramdown"])
def test_kramdown_parsers_make_no_table_of_the_demo_days(
    kramdown: LineServer, corpus: dict[str, Digest], parser: str
) -> None:
    """With either kramdown parser, no Jekyll post of the sample has a table, and every card is there."""
    for slug, digest in corpus.items():
        page = _kramdown_html(kramdown, render_jekyll(digest), parser)
        assert "<table" not in page, slug
        cards = lxml.html.fragment_fromstring(page, create_parent="div").xpath('//blockquote[contains(@class, "hp-post")]')
        assert len(cards) == sum(len(item.posts) for item in digest.papers), slug


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(digest=digests())
@pytest.mark.parametrize("parser", ["GFM", "kramdown"])
def test_kramdown_makes_no_table_or_markup_of_any_text(kramdown: LineServer, parser: str, digest: Digest) -> None:
    """Any text in any field: kramdown renders no table and no element, handler or link of it; links intact."""
    page = _kramdown_html(kramdown, render_jekyll(digest), parser)
    tree = lxml.html.fragment_fromstring(page, create_parent="div")
    assert "<table" not in page
    assert {e.tag for e in tree.iter() if isinstance(e.tag, str)} <= ALLOWED
    assert not [a for e in tree.iter() for a in e.attrib if a.lower().startswith("on")]
    hrefs = tree.xpath("//a/@href")
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    for item in digest.papers:
        assert f"https://arxiv.org/abs/{item.paper.arxiv_id}" in hrefs
    assert len(tree.xpath('//blockquote[contains(@class, "hp-post")]')) == len(digest.papers)


@pytest.mark.parametrize("parser", ["GFM", "kramdown"])
def test_dollars_in_two_fields_open_no_math(kramdown: LineServer, corpus: dict[str, Digest], parser: str) -> None:
    """An author ``$$`` and an abstract ``$$`` (kramdown math delimiters) swallow nothing: every link is there and
    the dollars read back as text."""
    digest = next(iter(corpus.values()))
    first = digest.papers[0]
    odd = dataclasses.replace(first.paper, title="Bounds in $$O(n)$$ time", authors=("$$",), abstract="$$ costs $5")
    hostile = dataclasses.replace(digest, papers=(dataclasses.replace(first, paper=odd), *digest.papers[1:]))
    page = _kramdown_html(kramdown, render_jekyll(hostile), parser)
    tree = lxml.html.fragment_fromstring(page, create_parent="div")
    assert not tree.xpath("//math | //script[starts-with(@type, 'math')]")
    assert {f"https://arxiv.org/abs/{item.paper.arxiv_id}" for item in digest.papers} <= set(tree.xpath("//a/@href"))
    assert "$$ costs $5" in tree.text_content() and "Bounds in $$O(n)$$ time" in tree.text_content()
