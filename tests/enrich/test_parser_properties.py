"""Properties of the providers' parsers: any body gives records within bounds or one ParseError, never a crash."""

from __future__ import annotations

import contextlib
import datetime as dt

import orjson
from hypothesis import given
from hypothesis import strategies as st

from hotpapers.enrich.github import parse_repo
from hotpapers.enrich.hub import parse_paper
from hotpapers.enrich.scholar import parse_batch
from hotpapers.errors import ParseError
from hotpapers.models import ArxivId

NOW = dt.datetime(2024, 11, 29, tzinfo=dt.UTC)
SCALARS = st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False) | st.text(max_size=20)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
COUNT = st.one_of(st.integers(-5, 10**9), st.floats(allow_nan=False, allow_infinity=False), st.none(), st.text(max_size=3))


def _entry(fields: dict[str, object]) -> st.SearchStrategy[object]:
    return st.fixed_dictionaries({}, optional=fields) | JSON  # type: ignore[arg-type]


S2_ENTRY = st.none() | _entry({
    "paperId": st.text(max_size=8), "citationCount": COUNT, "influentialCitationCount": COUNT,
    "venue": SCALARS, "journal": JSON, "publicationVenue": JSON,
})  # fmt: skip


@given(st.lists(S2_ENTRY, max_size=6))
def test_any_batch_gives_bounded_snapshots_or_a_parse_error(entries: list[object]) -> None:
    """Every entry becomes a snapshot with non-negative counts (or a not-found one), or a line saying why not."""
    ids = [ArxivId(f"2411.{n:05d}") for n in range(len(entries))]
    try:
        snapshots, skipped = parse_batch(orjson.dumps(entries), ids, NOW)
    except ParseError:
        return
    assert len(snapshots) + len(skipped) == len(entries)
    for snap in snapshots:
        assert snap.found == (snap.citations is not None)
        assert (snap.citations or 0) >= 0 and (snap.influential or 0) >= 0
        assert snap.venue is None or (snap.venue.strip() and len(snap.venue) <= 300)


@given(JSON)
def test_any_json_as_a_batch_answer_never_crashes(body: object) -> None:
    """Whatever JSON comes back for three ids: snapshots, skipped lines, or a ParseError."""
    with contextlib.suppress(ParseError):
        parse_batch(orjson.dumps(body), [ArxivId("2411.00001")] * 3, NOW)


HUB = _entry({
    "numTotalModels": COUNT, "numTotalDatasets": COUNT, "linkedModels": JSON, "linkedDatasets": JSON,
    "linkedSpaces": JSON, "githubRepo": SCALARS,
})  # fmt: skip


@given(HUB)
def test_any_hub_record_gives_non_negative_counts_or_a_parse_error(body: object) -> None:
    """Counts are never negative; a repository, when read, is a canonical https link."""
    try:
        record = parse_paper(orjson.dumps(body))
    except ParseError:
        return
    assert min(record.models, record.datasets, record.spaces) >= 0
    assert record.repo is None or record.repo.url.startswith("https://")


@given(_entry({"stargazers_count": COUNT, "created_at": SCALARS}))
def test_any_repository_answer_gives_a_count_or_a_parse_error(body: object) -> None:
    """``stargazers_count`` must be a non-negative integer; ``created_at`` is read only if it is a zoned time."""
    try:
        answer = parse_repo(orjson.dumps(body))
    except ParseError:
        return
    assert answer.stars >= 0
    assert answer.created_at is None or answer.created_at.tzinfo is dt.UTC


@given(st.binary(max_size=64))
def test_any_bytes_never_crash_the_parsers(data: bytes) -> None:
    """Arbitrary bytes are a ParseError (or, if they happen to be JSON, a result)."""
    for parse in (lambda d: parse_batch(d, [], NOW), parse_paper, parse_repo):
        with contextlib.suppress(ParseError):
            parse(data)
