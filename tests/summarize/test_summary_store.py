"""The summaries table, on SQLite and on PostgreSQL: one summary per paper, kind and generator, round-tripped."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from hotpapers.errors import StoreError
from hotpapers.models import ArxivId, Claim, Digest, SourceRef, Summary, SummaryKind
from hotpapers.store import Store, open_store

from helpers.factories import paper

NOW = dt.datetime(2024, 11, 29, 2, 0, 0, 123456, tzinfo=dt.UTC)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh store with two papers, on SQLite and then on PostgreSQL."""
    with open_store(store_url) as s:
        s.upsert_papers([paper("2104.08223"), paper("hep-th/9901001")])
        yield s


def _summary(arxiv_id: str = "2104.08223", kind: SummaryKind = SummaryKind.DISCUSSION, **kw: object) -> Summary:
    values: dict[str, object] = {
        "text": "“Great results.” [1, 2]",
        "generator": "llm",
        "model": "gpt-4o-mini-2024-07-18",
        "prompt_version": "discussion-1",
        "language": "English",
        "created_at": NOW,
        "input_hash": "ab" * 32,
        "sources": (SourceRef("x", "1", "https://x.com/a/status/1", "a"),
                    SourceRef("bluesky", "at://did:plc:x/app.bsky.feed.post/3k", "https://bsky.app/p", "b.bsky.social")),
        "claims": (Claim("“Great results.”", (0, 1)),),
        "input_tokens": 120,
        "output_tokens": 30,
    }
    values.update(kw)
    return Summary(ArxivId(arxiv_id), kind, **values)  # type: ignore[arg-type]


def test_a_summary_round_trips(store: Store) -> None:
    """Every field of a stored summary reads back equal, microseconds and claim citations included."""
    saved = _summary()
    store.save_summaries([saved])
    assert store.summaries_for([ArxivId("2104.08223")]) == [saved]


def test_the_same_paper_kind_and_generator_is_replaced(store: Store) -> None:
    """Saving a newer summary of the same paper, kind and generator replaces it; other generators stay."""
    extractive = _summary(generator="extractive", model="hotpapers-extractive", language=None, input_tokens=None)
    store.save_summaries([_summary(), extractive])
    newer = _summary(text="“Changed.” [1]", claims=(Claim("“Changed.”", (0,)),), input_hash="cd" * 32)
    store.save_summaries([newer])
    assert store.summaries_for([ArxivId("2104.08223")]) == [extractive, newer]
    assert store.counts()["summaries"] == 2


def test_summaries_stream_in_a_fixed_order(store: Store) -> None:
    """iter_summaries goes by paper id, kind, then generator (the native export's order)."""
    found = [_summary("hep-th/9901001"), _summary(kind=SummaryKind.TLDR, claims=()), _summary()]
    store.save_summaries(found)
    assert [(s.arxiv_id, s.kind.value) for s in store.iter_summaries()] == [
        ("2104.08223", "discussion"), ("2104.08223", "tldr"), ("hep-th/9901001", "discussion")
    ]


def test_a_summary_of_an_unknown_paper_is_refused(store: Store) -> None:
    """A summary must belong to a stored paper (checked at commit)."""
    with pytest.raises(StoreError):
        store.save_summaries([_summary("2501.00001")])
    assert store.counts()["summaries"] == 0


def test_a_claim_must_cite_a_source_it_has() -> None:
    """A summary whose claim cites a source it does not list cannot be made."""
    with pytest.raises(ValueError, match="cites a source it does not have"):
        dataclasses.replace(_summary(), claims=(Claim("x", (5,)),))


def test_the_latest_published_day_is_per_preset(store: Store) -> None:
    """The newest day with a published digest of a preset; None for a preset never published."""
    for day, preset in ((dt.date(2021, 4, 19), "default"), (dt.date(2021, 4, 20), "classic")):
        start = dt.datetime.combine(day, dt.time(), dt.UTC)
        store.save_digest(Digest(f"Hot Papers {day}", day, start, start, start, preset))
    assert store.latest_published_day("default") == dt.date(2021, 4, 19)
    assert store.latest_published_day("classic") == dt.date(2021, 4, 20)
    assert store.latest_published_day("rising") is None
