"""Tests of hotpapers.links: the canonical arXiv id resolver for URLs and free text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotpapers.arxiv.ids import ARCHIVES, parse_id
from hotpapers.links import find_arxiv_ids, find_arxiv_refs, ids_from_urls, resolve_url

from helpers.paths import SHARED, SOCIAL

FIXTURES = SOCIAL
ARCHIVE_POSTS = SHARED / "data" / "hot-papers-archive" / "posts.jsonl"

# --- every recognised form -------------------------------------------------------------------------

FORMS = [
    ("https://arxiv.org/abs/2104.08223", "2104.08223"),
    ("http://arxiv.org/abs/2104.08223", "2104.08223"),
    ("arxiv.org/abs/2104.08223", "2104.08223"),
    ("https://www.arxiv.org/abs/2104.08223", "2104.08223"),
    ("http://export.arxiv.org/abs/2104.08223", "2104.08223"),
    ("https://arxiv.org/abs/2104.08223v2", "2104.08223"),
    ("https://arxiv.org/pdf/2104.08223", "2104.08223"),
    ("https://arxiv.org/pdf/2104.08223.pdf", "2104.08223"),
    ("https://arxiv.org/pdf/2104.08223v3.pdf", "2104.08223"),
    ("https://arxiv.org/pdf/2104.08223/", "2104.08223"),
    ("https://arxiv.org/html/2104.08223v2/", "2104.08223"),
    ("https://arxiv.org/html/2104.08223v2/#S3.SS1", "2104.08223"),
    ("https://arxiv.org/format/2104.08223", "2104.08223"),
    ("https://arxiv.org/abs/2104.08223?context=cs.CV", "2104.08223"),
    ("https://arxiv.org/abs/2104.08223#references", "2104.08223"),
    ("HTTPS://ARXIV.ORG/ABS/2104.08223", "2104.08223"),
    ("https://arXiv.org/abs/2104.08223", "2104.08223"),
    ("https://arxiv.org/abs/0704.0001", "0704.0001"),
    ("https://arxiv.org/abs/1412.8765", "1412.8765"),
    ("https://arxiv.org/abs/1501.00001", "1501.00001"),
    ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
    ("https://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001"),
    ("https://arxiv.org/pdf/math.GT/0309136", "math/0309136"),
    ("https://arxiv.org/pdf/math.GT/0309136v1.pdf", "math/0309136"),
    ("https://arxiv.org/abs/cond-mat.mes-hall/0601001", "cond-mat/0601001"),
    ("arXiv:2104.08223", "2104.08223"),
    ("ARXIV:2104.08223", "2104.08223"),
    ("arxiv:2104.08223", "2104.08223"),
    ("arXiv: 2104.08223", "2104.08223"),
    ("arXiv.org:2104.08223", "2104.08223"),
    ("arXiv:hep-th/9901001", "hep-th/9901001"),
    ("arXiv:math.GT/0309136", "math/0309136"),
    ("https://doi.org/10.48550/arXiv.2104.08223", "2104.08223"),
    ("https://dx.doi.org/10.48550/ARXIV.2104.08223", "2104.08223"),
    ("doi:10.48550/arXiv.hep-th/9901001", "hep-th/9901001"),
    ("https://www.alphaxiv.org/abs/2104.08223", "2104.08223"),
    ("https://www.alphaxiv.org/overview/2104.08223", "2104.08223"),
    ("https://huggingface.co/papers/2104.08223", "2104.08223"),
    ("https://hf.co/papers/2104.08223", "2104.08223"),
    ("https://scirate.com/arxiv/2104.08223", "2104.08223"),
    ("https://ar5iv.org/abs/2104.08223", "2104.08223"),
    ("https://ar5iv.labs.arxiv.org/html/2104.08223", "2104.08223"),
    ("(see https://arxiv.org/abs/2104.08223v2).", "2104.08223"),
    ("Read [the paper](https://arxiv.org/abs/2104.08223) today", "2104.08223"),
    ("<https://arxiv.org/abs/2104.08223>", "2104.08223"),
    ('<a href="https://arxiv.org/abs/2104.08223">paper</a>', "2104.08223"),
    (
        "https://l.facebook.com/l.php?u=https%3A%2F%2Farxiv.org%2Fabs%2Fhep-th%2F9901001&h=AT0",
        "hep-th/9901001",
    ),
    ("https://www.google.com/url?q=https%253A%252F%252Farxiv.org%252Fabs%252F2104.08223", "2104.08223"),
    ("https://arxiv.org/abs/hep-th%2F9901001", "hep-th/9901001"),
    ("https://scholar.google.com/scholar?q=arXiv%3A2104.08223", "2104.08223"),
    ("https:&#x2F;&#x2F;arxiv.org&#x2F;abs&#x2F;2104.08223", "2104.08223"),
    ("https://web.archive.org/web/2021/https://arxiv.org/abs/2104.08223", "2104.08223"),
    ("Few-shot Learning. (arXiv:2009.14379v1 [cs.LG]) https://t.co/zjV5HgYw5a", "2009.14379"),
    ("#arXiv:2104.08223 is out", "2104.08223"),
    ("論文をarXiv:2104.08223で公開しました", "2104.08223"),
    ("arXiv\uff1a2104.08223", "2104.08223"),
    ("arxiv.org/abs/2104.08223...", "2104.08223"),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_recognised_form(text: str, expected: str) -> None:
    """Each documented form yields exactly its canonical versionless id."""
    assert find_arxiv_ids(text) == [expected]


# --- look-alikes that must not become ids ----------------------------------------------------------

LOOK_ALIKES = [
    "Upgrade to v2.1023 now",
    "version 1.2.3456 is out",
    "Released on 2021.0415",
    "Meet me on 12.12.2020",
    "Call +1 (555) 123.4567",
    "It costs $1234.5678 or 2104.08223 EUR",
    "Python 3.11.4567 is fast",
    "Our paper 2104.08223 is out",
    "see 2104.08223v2 for details",
    "1234.5678",
    "hep-th/9901001 in prose",
    "arXiv:2113.01234",
    "arXiv:2100.01234",
    "arXiv:2104.1234",
    "arXiv:1412.12345",
    "arXiv:0703.1234",
    "arXiv:1234.5678",
    "arXiv:hep-th/0801001",
    "arXiv:hep-th/9001001",
    "arXiv:notanarchive/9901001",
    "https://arxiv.org/abs/2104.0…",
    "https://arxiv.org/abs/2104.0822…",
    "https://arxiv.org/abs/2104.082231",
    "https://arxiv.org/abs/12104.08223",
    "https://arxiv.org/list/cs.LG/2104",
    "https://arxiv.org/a/turing_a_1",
    "SocArXiv:2104.08223",
    "https://eartharxiv.org/abs/2104.08223",
    "https://arxiv.org.evil.example/abs/2104.08223",
    "https://huggingface.co/2104.08223",
    "papers: 2104.08223",
    "Louis XIV died in 1715.0901",
    "arXiv: https://t.co/xfpjQwMuLP",
    "arXiv:\n2104.08223",
    "arXiv:\uff12\uff11\uff10\uff14.\uff10\uff18\uff12\uff12\uff13",
    "10.1234/arXiv.2104.08223",
    "[2103.11751] Functional Pearl: Witness Me",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alike_is_not_an_id(text: str) -> None:
    """Numbers without an arXiv context, invalid ids and truncated links yield nothing."""
    assert find_arxiv_ids(text) == []


# --- versions, order and duplicates ----------------------------------------------------------------

VERSIONS = [
    ("arXiv:2104.08223", [("2104.08223", None)]),
    ("arXiv:2104.08223v2", [("2104.08223", 2)]),
    ("https://arxiv.org/pdf/2104.08223v12.pdf", [("2104.08223", 12)]),
    ("https://arxiv.org/abs/hep-th/9901001v3", [("hep-th/9901001", 3)]),
    ("arXiv:2104.08223V2", [("2104.08223", 2)]),
    ("arXiv:2104.08223v0", [("2104.08223", None)]),
    ("https://arxiv.org/abs/2104.08223v1…", [("2104.08223", None)]),
]


@pytest.mark.parametrize(("text", "expected"), VERSIONS)
def test_version_is_reported_when_written(text: str, expected: list[tuple[str, int | None]]) -> None:
    """find_arxiv_refs gives the written version, None when absent or possibly cut short."""
    assert find_arxiv_refs(text) == expected


def test_ids_in_order_of_first_appearance() -> None:
    """Ids come out in the order the text first mentions them."""
    text = (
        "hf.co/papers/1501.00001 then arXiv:2104.08223, doi:10.48550/arXiv.0704.0001 and arXiv:hep-th/9901001"
    )
    assert find_arxiv_ids(text) == ["1501.00001", "2104.08223", "0704.0001", "hep-th/9901001"]


def test_duplicates_are_removed_across_forms() -> None:
    """The same paper written several ways is one id."""
    text = (
        "arXiv:2104.08223v1 https://arxiv.org/pdf/2104.08223v2.pdf https://huggingface.co/papers/2104.08223"
    )
    assert find_arxiv_ids(text) == ["2104.08223"]


def test_refs_dedupe_keeps_first_occurrence() -> None:
    """A repeated id keeps the version of its first occurrence, even when that is None."""
    text = "arxiv.org/abs/2104.08223 arXiv:2104.08223v3 arXiv:1501.00001v2 arXiv:1501.00001v5"
    assert find_arxiv_refs(text) == [("2104.08223", None), ("1501.00001", 2)]


def test_old_style_subject_class_is_dropped_for_dedupe() -> None:
    """math.GT/0309136 and math/0309136 are one paper."""
    assert find_arxiv_ids("arXiv:math.GT/0309136 arxiv.org/abs/math/0309136") == ["math/0309136"]


def test_empty_text_has_no_ids() -> None:
    """The empty string yields nothing."""
    assert find_arxiv_ids("") == []
    assert find_arxiv_refs("") == []


# --- URL helpers -----------------------------------------------------------------------------------


def test_resolve_url_returns_canonical_id() -> None:
    """An expanded arXiv URL resolves to its versionless id."""
    assert resolve_url("https://arxiv.org/pdf/2104.08223v2.pdf") == "2104.08223"


def test_resolve_url_returns_none_for_other_links() -> None:
    """A non-arXiv URL (here a truncated tweet's own link) resolves to None."""
    assert resolve_url("https://twitter.com/i/web/status/1149014155034370050") is None


def test_resolve_url_takes_the_first_id_of_a_url() -> None:
    """A URL naming two ids resolves to the one it points to, the first."""
    assert resolve_url("https://arxiv.org/abs/2104.08223?ref=arxiv.org/abs/1501.00001") == "2104.08223"


def test_ids_from_urls_dedupes_in_order_and_skips_others() -> None:
    """ids_from_urls keeps each paper once, in order, ignoring non-arXiv URLs."""
    urls = [
        "https://example.org/",
        "https://arxiv.org/abs/1501.00001",
        "https://arxiv.org/pdf/2104.08223v1",
        "https://alphaxiv.org/abs/1501.00001v2",
    ]
    assert ids_from_urls(urls) == ["1501.00001", "2104.08223"]


def test_ids_from_urls_accepts_any_iterable() -> None:
    """A generator of URLs works as well as a list."""
    assert ids_from_urls(u for u in ("https://arxiv.org/abs/2104.08223",)) == ["2104.08223"]


# --- properties ------------------------------------------------------------------------------------


NEW_MONTHS = [(y, m) for y in range(7, 40) for m in range(1, 13) if (y, m) >= (7, 4)]
OLD_MONTHS = [
    (y % 100, m) for y in range(1991, 2008) for m in range(1, 13) if (1991, 8) <= (y, m) <= (2007, 3)
]


@st.composite
def written_ids(draw: st.DrawFn) -> tuple[str, str, int | None]:
    """A valid id as someone might write it: (written form, canonical id, version or None)."""
    version = draw(st.none() | st.integers(1, 30))
    suffix = f"v{version}" if version else ""
    if draw(st.booleans()):
        year, month = draw(st.sampled_from(NEW_MONTHS))
        digits = 4 if (year, month) < (15, 1) else 5
        canonical = f"{year:02d}{month:02d}.{draw(st.integers(0, 10**digits - 1)):0{digits}d}"
        return canonical + suffix, canonical, version
    year, month = draw(st.sampled_from(OLD_MONTHS))
    archive = draw(st.sampled_from(sorted(ARCHIVES)))
    subject = draw(st.sampled_from(["", ".GT", ".AI"])) if archive in ("math", "cs") else ""
    number = f"{year:02d}{month:02d}{draw(st.integers(0, 999)):03d}"
    return f"{archive}{subject}/{number}{suffix}", f"{archive}/{number}", version


SHAPES = [
    "https://arxiv.org/abs/{}",
    "http://www.arxiv.org/abs/{}",
    "export.arxiv.org/abs/{}",
    "https://arxiv.org/pdf/{}",
    "https://arxiv.org/pdf/{}.pdf",
    "https://arxiv.org/pdf/{}/",
    "https://arxiv.org/html/{}/",
    "https://arxiv.org/format/{}",
    "https://arxiv.org/abs/{}?context=cs#top",
    "HTTPS://ARXIV.ORG/ABS/{}",
    "arXiv:{}",
    "ARXIV:{}",
    "arXiv: {}",
    "arXiv\uff1a{}",
    "https://doi.org/10.48550/arXiv.{}",
    "https://dx.doi.org/10.48550/ARXIV.{}",
    "https://www.alphaxiv.org/abs/{}",
    "https://huggingface.co/papers/{}",
    "https://hf.co/papers/{}",
    "https://scirate.com/arxiv/{}",
    "https://ar5iv.org/abs/{}",
    "https://ar5iv.labs.arxiv.org/html/{}",
    "[paper](https://arxiv.org/abs/{})",
    "https:&#x2F;&#x2F;arxiv.org&#x2F;abs&#x2F;{}",
]
SEPARATORS = st.sampled_from(
    [
        " ",
        "\n",
        "\t",
        "(",
        ")",
        "[",
        "]",
        "<",
        ">",
        '"',
        "'",
        ",",
        ";",
        "!",
        "?",
        "*",
        "\u3001",
        "\u3002",
        "\u8ad6",
    ]
)


def _no_context(text: str) -> bool:
    lowered = text.lower()
    return "xiv" not in lowered and "ar5iv" not in lowered and "papers" not in lowered


PROSE = st.text().filter(_no_context)


@given(written_ids(), st.sampled_from(SHAPES), PROSE, SEPARATORS, SEPARATORS, PROSE)
def test_property_every_shape_in_any_text_resolves(
    written: tuple[str, str, int | None], shape: str, before: str, sep1: str, sep2: str, after: str
) -> None:
    """Every URL shape or arXiv: form of a valid id, amid arbitrary text, yields exactly that id."""
    form, canonical, version = written
    text = f"{before}{sep1}{shape.format(form)}{sep2}{after}"
    assert find_arxiv_refs(text) == [(canonical, version)]


@given(written_ids(), st.lists(st.sampled_from(SHAPES), min_size=2, max_size=6), st.integers(1, 9))
def test_property_every_form_of_one_paper_folds_into_one_id(
    written: tuple[str, str, int | None], shapes: list[str], other_version: int
) -> None:
    """Several link forms of one paper (abs, pdf, html, export., alphaxiv, hf.co/papers, DOI; with and without
    versions) in one text are one paper, once."""
    form, canonical, _ = written
    variants = [form, f"{canonical}v{other_version}", canonical]
    text = " ".join(shape.format(variants[n % 3]) for n, shape in enumerate(shapes))
    assert find_arxiv_ids(text) == [canonical]


@given(written_ids())
def test_property_url_encoded_wrapper_resolves(written: tuple[str, str, int | None]) -> None:
    """An arXiv URL carried URL-encoded in a link wrapper's query resolves to its id."""
    form, canonical, _ = written
    url = "https://l.facebook.com/l.php?u=" + quote(f"https://arxiv.org/abs/{form}", safe="")
    assert resolve_url(url) == canonical


@given(written_ids())
def test_property_canonical_round_trips(written: tuple[str, str, int | None]) -> None:
    """The resolver's canonical id parses back to itself, versionless."""
    form, canonical, version = written
    (found,) = find_arxiv_ids(f"arXiv:{form}")
    assert found == canonical
    assert parse_id(found) == (canonical, None)
    assert parse_id(form) == (canonical, version)


NUMBERS = st.from_regex(r"\A(\d{4}\.\d{4,5}(v\d)?|\d\.\d\.\d{4}|v\d\.\d{4}|\d{2}\.\d{2}\.\d{4})\Z")
OLD_NUMBERS = st.builds("{}/{:07d}".format, st.sampled_from(sorted(ARCHIVES)), st.integers(0, 9_999_999))
DECOYS = st.sampled_from(
    ["papers", "Papers:", "XIV", "SocArXiv:", "EarthArXiv", "bioRxiv:", "hf.co", "$", "+1"]
)
WORDS = st.from_regex(r"\A[A-Za-z]{1,12}\Z").filter(_no_context)
JOINERS = st.sampled_from([" ", ", ", ". ", "\n", " (", ") ", ": ", " - "])


@given(st.lists(st.tuples(st.one_of(WORDS, NUMBERS, OLD_NUMBERS, DECOYS), JOINERS), max_size=30))
def test_property_prose_without_arxiv_context_has_no_ids(tokens: list[tuple[str, str]]) -> None:
    """Prose full of id-shaped numbers, but with no arXiv context, yields nothing."""
    assert find_arxiv_ids("".join(token + joiner for token, joiner in tokens)) == []


FRAGMENTS = st.sampled_from(
    [
        "arXiv:",
        "arxiv.org/abs/",
        "/pdf/",
        "%2F",
        "10.48550/arXiv.",
        "v",
        "…",
        ".",
        "/",
        "2104",
        "08223",
        "hep-th",
    ]
)


@given(st.lists(st.text() | FRAGMENTS | NUMBERS, max_size=12).map("".join))
def test_property_never_raises_and_returns_valid_ids(text: str) -> None:
    """Arbitrary unicode never raises, and every id found is one parse_id accepts as canonical."""
    refs = find_arxiv_refs(text)
    for arxiv_id, version in refs:
        assert parse_id(arxiv_id) == (arxiv_id, None)
        assert version is None or version >= 1
    assert find_arxiv_ids(text) == [arxiv_id for arxiv_id, _ in refs]
    assert resolve_url(text) == (refs[0][0] if refs else None)


# --- recorded social fixtures (none of them links arXiv; see fixtures/social/PROVENANCE.md) --------

TEXT_FIELDS = {
    "x": ("text",),
    "twitter_v1": ("text", "full_text"),
    "bluesky": ("text",),
    "hackernews": ("title", "text", "story_text", "comment_text"),
    "mastodon": ("content", "title", "description"),
    "reddit": ("title", "selftext"),
}
URL_FIELDS = {
    "x": ("expanded_url", "unwound_url"),
    "twitter_v1": ("expanded_url",),
    "bluesky": ("uri",),  # facet link uris and external embed uris (and at:// uris, which name nothing)
    "hackernews": ("url", "story_url"),
    "mastodon": ("url",),  # the status url and its card url
    "reddit": ("url",),
}
# Only recorded responses: derived copies (arXiv links put in on purpose) and hand-made files are left out.
# Each folder is named (not ``rglob("*.json*")``), so that the unused-fixture check sees which files are read.
RECORDED = ("x/*.json*", "twitter_v1/*.json*", "bluesky/*.json*", "hackernews/*.json*",
            "mastodon/*.json*", "reddit/*.json*", "huggingface/*.json*", "alphaxiv/*.json*", "youtube/*.json*")
FIXTURE_FILES = sorted(
    p.relative_to(FIXTURES).as_posix()
    for pattern in RECORDED
    for p in FIXTURES.glob(pattern)
    if not re.search(r"derived|handmade|hand-made", p.relative_to(FIXTURES).as_posix(), re.IGNORECASE)
)
EXPECTED_IDS: dict[str, list[str]] = {name: [] for name in FIXTURE_FILES}  # no recorded post links arXiv


def _documents(path: Path) -> Iterator[Any]:
    if path.suffix == ".jsonl":
        yield from (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    else:
        yield json.loads(path.read_text(encoding="utf-8"))


def _values(node: Any, keys: tuple[str, ...]) -> Iterator[str]:
    """Every string value under one of ``keys``, at any depth (includes, retweets, replies, embeds)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, str):
                yield value
            yield from _values(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item, keys)


def _fields(name: str, fields: dict[str, tuple[str, ...]]) -> list[str]:
    keys = fields[name.split("/", maxsplit=1)[0]]
    return [value for doc in _documents(FIXTURES / name) for value in _values(doc, keys)]


def test_fixture_corpus_is_present() -> None:
    """The copied fixtures are there, with posts and links to scan."""
    assert len(FIXTURE_FILES) >= 20
    assert sum(len(_fields(name, TEXT_FIELDS)) for name in FIXTURE_FILES) > 500
    assert sum(len(_fields(name, URL_FIELDS)) for name in FIXTURE_FILES) > 300


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_fixture_post_texts_yield_expected_ids(name: str) -> None:
    """Every post text of a recorded response yields exactly the ids it really links."""
    found = [i for text in _fields(name, TEXT_FIELDS) for i in find_arxiv_ids(text)]
    assert found == EXPECTED_IDS[name]


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_fixture_post_urls_yield_expected_ids(name: str) -> None:
    """Every expanded URL, facet or card link of a recorded response resolves as expected."""
    assert ids_from_urls(_fields(name, URL_FIELDS)) == EXPECTED_IDS[name]


def test_fixture_socarxiv_bot_is_not_arxiv() -> None:
    """The recorded paper bot that names SocArXiv and links osf.io yields no arXiv id."""
    doc = json.loads((FIXTURES / "bluesky" / "searchPosts_q_redistricting.body.json").read_text("utf-8"))
    bot = doc["posts"][0]
    assert "SocArXiv" in bot["author"]["displayName"]
    assert find_arxiv_ids(json.dumps(bot)) == []


# --- the real Hot Papers archive beside the checkout (not copied: 8 MB) ----------------------------

MENTION_RE = re.compile(r"arxiv(?::|\.org/(?:abs|pdf)/)\s?(\d{4}\.\d{4,5})", re.IGNORECASE | re.ASCII)


def _archive_tweets() -> list[str]:
    if not ARCHIVE_POSTS.is_file():
        pytest.skip(f"Hot Papers archive not found at {ARCHIVE_POSTS} (shared/ is not beside the checkout)")
    texts = []
    for line in ARCHIVE_POSTS.read_text(encoding="utf-8").splitlines():
        texts += [tweet["text"] for paper in json.loads(line)["papers"] for tweet in paper["tweets"]]
    return texts


def test_archive_tweet_texts_yield_only_valid_and_mentioned_ids() -> None:
    """Over 3,368 real tweets: ids found are valid, and every arXiv:ID or arxiv.org URL is found."""
    texts = _archive_tweets()
    with_ids = 0
    for text in texts:
        found = find_arxiv_ids(text)
        assert all(parse_id(arxiv_id) == (arxiv_id, None) for arxiv_id in found), text
        mentioned = [m for m in MENTION_RE.findall(text) if parse_id(m) is not None]
        assert set(mentioned) <= set(found), text
        with_ids += bool(found)
    assert len(texts) >= 3000
    assert with_ids >= sum(bool(MENTION_RE.search(text)) for text in texts) >= 19
