"""A bad-input corpus: every parser, fed mutated recorded fixtures, returns or raises its documented error.

Each parser family gets one hypothesis test with a fixed, derandomised number of examples (``FUZZ_EXAMPLES``)
drawn from its fixtures in tests/fixtures, mutated by one to three of: truncation at a random offset, byte
flips, inserted unicode junk, and (for JSON) values replaced by other JSON types, deleted keys and huge or
negative numbers, or (for XML) elements removed or their text/attributes replaced. The parser must return
(possibly skipping items) or raise ParseError/APIError/InputError with a one-line message; ``import_files``
must also leave the store untouched when it raises.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.arxiv.api import parse_api
from hotpapers.arxiv.ids import parse_id
from hotpapers.arxiv.oai import parse_oai
from hotpapers.arxiv.rss import parse_rss
from hotpapers.errors import APIError, InputError, ParseError
from hotpapers.jobs import transfer
from hotpapers.links import find_arxiv_ids, find_arxiv_refs, ids_from_urls, resolve_url
from hotpapers.native import read_native
from hotpapers.sources import alphaxiv, mastodon, reddit, youtube
from hotpapers.sources.bluesky.jetstream import parse_event
from hotpapers.sources.bluesky.source import parse_get_posts, parse_search_posts
from hotpapers.sources.hackernews.source import parse_item, parse_search
from hotpapers.sources.huggingface.source import parse_daily_papers
from hotpapers.sources.legacy.parse import parse_legacy
from hotpapers.sources.x.parse import parse_lookup, parse_search_page
from hotpapers.store import SQLiteStore

from helpers.fuzz import HOSTILE, JUNK, mutate_bytes, mutate_json, mutated
from helpers.paths import FIXTURES

FUZZ_EXAMPLES = 200
SOCIAL = FIXTURES / "social"
OBSERVED = dt.datetime(2026, 7, 4, 12, 0, tzinfo=dt.UTC)
MAX_LINES = 8  # JSON Lines fixtures: the first lines are enough seeds
_INSTANCE = "https://sigmoid.social"  # the Mastodon instance a status is read from

FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


def _seeds(pattern: str, root: Path = FIXTURES) -> list[bytes]:
    """The bodies of the fixtures matching ``pattern`` (each line, for the first lines of a .jsonl)."""
    bodies: list[bytes] = []
    for path in sorted(root.glob(pattern)):
        data = path.read_bytes()
        if path.suffix == ".jsonl":
            bodies.extend(line for line in data.splitlines()[:MAX_LINES] if line.strip())
        else:
            bodies.append(data)
    assert bodies, pattern
    return bodies


def _native_seed() -> bytes:
    """A native export of the legacy fixture (the importer's own format, written by hotpapers)."""
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "s.db")
        try:
            transfer.import_files(store, [FIXTURES / "legacy" / "2020-08-18.json"])
            out = io.BytesIO()
            transfer.export(store, out)
        finally:
            store.close()
    return out.getvalue()


# -- the parsers ----------------------------------------------------------------------------------------------

Parser = Callable[[bytes], object]

FAMILIES: dict[str, tuple[str, list[bytes], Parser]] = {
    "arxiv-rss": ("xml", _seeds("arxiv/rss_*.xml"), parse_rss),
    "arxiv-api": ("xml", _seeds("arxiv/api_*.xml"), parse_api),
    "arxiv-oai": ("xml", _seeds("arxiv/oai_*.xml"), parse_oai),
    "x-search": ("json", _seeds("x/*search*", SOCIAL), lambda b: parse_search_page(b, OBSERVED)),
    "x-lookup": ("json", _seeds("x/*lookup*", SOCIAL), lambda b: parse_lookup(b, OBSERVED)),
    "bluesky-getPosts": ("json", _seeds("bluesky/**/getPosts*.json", SOCIAL), lambda b: parse_get_posts(b, OBSERVED)),
    "bluesky-searchPosts": (
        "json", _seeds("bluesky/**/searchPosts*.json", SOCIAL), lambda b: parse_search_posts(b, OBSERVED)
    ),
    "hackernews-search": ("json", _seeds("hackernews/algolia_search_*.json", SOCIAL), lambda b: parse_search(b, OBSERVED)),
    "hackernews-item": ("json", _seeds("hackernews/algolia_items_*.json", SOCIAL), lambda b: parse_item(b, OBSERVED)),
    "huggingface": ("json", _seeds("huggingface/*.json", SOCIAL), lambda b: parse_daily_papers(b, OBSERVED)),
    "legacy": ("json", _seeds("legacy/*.json"), lambda b: parse_legacy(b, "fuzz.json")),
    "native": ("jsonl", [_native_seed()], lambda b: list(read_native(Path("fuzz.jsonl"), io.BytesIO(b)))),
    # the sources of issue 16
    "reddit-listing": ("json", [b for b in _seeds("reddit/*.json", SOCIAL) if b'"Listing"' in b],
                       lambda b: reddit.parse_listing(b, OBSERVED)),
    "reddit-token": ("json", _seeds("reddit/access_token*.json", SOCIAL), reddit.parse_token),
    "mastodon-statuses": (
        "json", _seeds("mastodon/timelines_*.json", SOCIAL), lambda b: mastodon.parse_statuses(b, OBSERVED, _INSTANCE)
    ),
    "mastodon-status": (
        "json", [b for b in _seeds("mastodon/*tatus*.json", SOCIAL) if b'"uri"' in b],
        lambda b: mastodon.parse_status(b, OBSERVED, _INSTANCE),
    ),
    "mastodon-search": ("json", _seeds("mastodon/search_*.json", SOCIAL),
                        lambda b: mastodon.parse_search(b, OBSERVED, _INSTANCE)),
    "mastodon-trending-links": ("json", _seeds("mastodon/*trends_links*.json", SOCIAL), mastodon.parse_trending_links),
    "alphaxiv": ("json", _seeds("alphaxiv/*.json", SOCIAL), lambda b: alphaxiv.parse_trending(b, OBSERVED)),
    "youtube-search": ("json", _seeds("youtube/*search*.json", SOCIAL), youtube.parse_search),
    "youtube-videos": ("json", _seeds("youtube/*videos*.json", SOCIAL), lambda b: youtube.parse_videos(b, OBSERVED)),
}


def _native_lines(data: bytes) -> st.SearchStrategy[bytes]:
    """Mutate one record line of a native file (JSON-level), then maybe the whole file's bytes."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        lines = data.splitlines(keepends=True)
        index = draw(st.integers(0, len(lines) - 1))
        lines[index] = mutate_json(draw, lines[index]) + b"\n"
        whole = b"".join(lines)
        return mutate_bytes(draw, whole) if draw(st.booleans()) else whole

    return build()


def _strategy(name: str) -> st.SearchStrategy[bytes]:
    kind, seeds, _ = FAMILIES[name]
    return _native_lines(seeds[0]) if kind == "jsonl" else mutated(seeds, kind)


def _check_error(e: Exception) -> None:
    assert isinstance(e, ParseError | APIError | InputError), f"undocumented {type(e).__name__}: {e}"
    assert str(e).strip() and "\n" not in str(e) and "\r" not in str(e), f"not one line: {str(e)!r}"


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_mutated_fixtures_parse_or_fail_cleanly(name: str) -> None:
    """A mutated fixture is parsed (maybe with skips) or refused with the documented one-line error."""
    _, _, parser = FAMILIES[name]

    @FUZZ
    @given(_strategy(name))
    def check(data: bytes) -> None:
        try:
            parser(data)
        except Exception as e:
            _check_error(e)

    check()


@FUZZ
@given(st.data())
def test_mutated_jetstream_events_never_raise(data: st.DataObject) -> None:
    """``parse_event`` documents "never raises on input": any mutated message gives an event or None."""
    seeds = _seeds("bluesky/**/*.jsonl", SOCIAL)
    line = data.draw(mutated(seeds, "json"))
    parse_event(line, OBSERVED)
    parse_event(line.decode("utf-8", "replace"), OBSERVED, known={})


_IMPORT_SEEDS = {"native": _native_seed(), "legacy": (FIXTURES / "legacy" / "2020-08-18.json").read_bytes()}


@FUZZ
@given(st.data())
def test_import_files_is_all_or_nothing(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    """``import_files`` on a mutated native or legacy file: imports, or raises InputError and writes nothing."""
    fmt = data.draw(st.sampled_from(sorted(_IMPORT_SEEDS)))
    body = data.draw(_native_lines(_IMPORT_SEEDS[fmt]) if fmt == "native" else mutated([_IMPORT_SEEDS[fmt]], "json"))
    folder = tmp_path_factory.mktemp("import")
    good, bad = folder / "good.json", folder / f"bad.{'jsonl' if fmt == 'native' else 'json'}"
    good.write_bytes(_IMPORT_SEEDS["legacy"] if fmt == "native" else _IMPORT_SEEDS["native"])
    bad.write_bytes(body)
    store = SQLiteStore(folder / "s.db")
    try:
        before = store.counts()
        try:
            transfer.import_files(store, [good, bad])  # the good file's records must be rolled back too
        except Exception as e:
            _check_error(e)
            assert store.counts() == before
    finally:
        store.close()


# -- the resolver -----------------------------------------------------------------------------------------------

_FORMS = ["arxiv.org/abs/", "https://arxiv.org/pdf/", "arXiv:", "arxiv.org%2Fabs%2F", "hf.co/papers/",
          "10.48550/arXiv.", "alphaxiv.org/abs/", "ar5iv.org/html/", "scirate.com/arxiv/", "arxiv.org/abs/hep-th/"]
_ID_LIKE = st.from_regex(r"[0-9]{4}\.[0-9]{4,5}(v[0-9]{0,30})?|[0-9]{7}(v[0-9]*)?", fullmatch=True)


@st.composite
def hostile_text(draw: st.DrawFn) -> str:
    """Text made of recognised forms, id-like numbers, huge numbers and odd Unicode, in any order."""
    parts = draw(st.lists(st.sampled_from(_FORMS) | _ID_LIKE | st.sampled_from(HOSTILE) | JUNK, max_size=6))
    return "".join(parts)


@FUZZ
@given(hostile_text())
def test_resolver_never_raises_on_hostile_text(text: str) -> None:
    """Every resolver entry point returns on any text (huge versions, huge lines, odd Unicode), with valid ids."""
    refs = find_arxiv_refs(text)
    ids = find_arxiv_ids(text)
    assert [i for i, _ in refs] == ids
    assert all(v is None or 1 <= v < 10**18 for _, v in refs)
    assert all(parse_id(i) == (i, None) for i in ids)
    resolve_url(text)
    ids_from_urls([text, text[::-1]])
    parse_id(text)


def test_a_4301_digit_version_is_no_version() -> None:
    """The issue's case: a version past int()'s digit limit leaves the id found and the version unknown."""
    assert find_arxiv_refs("https://arxiv.org/abs/2104.08223v" + "9" * 4301) == [("2104.08223", None)]
    assert parse_id("2104.08223v" + "9" * 4301) is None
