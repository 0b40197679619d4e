"""Conflicting duplicates inside one import: one rule for every record type, the last record wins wholly.

A post's links are facts of their own and accumulate; everything else of a record is what its last record says.
The summary counts the repeats. A record whose key was only in the store before the import merges by the store's
rules, as before.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.cli import main
from hotpapers.jobs import transfer
from hotpapers.models import AnnounceType
from hotpapers.native.serialize import (
    announcement_to_dict,
    digest_to_dict,
    paper_to_dict,
    post_to_dict,
    snapshot_to_dict,
)
from hotpapers.store import Store

from helpers.factories import T0, announcement, digest_record, native_file, paper, post, snapshot
from helpers.paths import FIXTURES

_ids = itertools.count(1)




# Variants of each record type under a few keys: (key index, variant index) -> the record.
def _paper(n: int, key: int, variant: int) -> dict[str, Any]:
    record = paper(f"2104.{n % 9000 * 10 + key:05d}", version=1 + variant % 3, title=f"title {variant}",
                   comment=None if variant % 2 else f"comment {variant}", categories=("cs.LG", f"cs.A{variant % 4}"))
    return {"type": "paper", **paper_to_dict(record)}


def _post(n: int, key: int, variant: int) -> dict[str, Any]:
    record = post(str(10**15 + n * 10 + key), f"2104.0{variant % 3 + 1}001", text=f"text {variant}",
                  author_handle=f"handle{variant}", author_followers=None if variant % 2 else variant,
                  language=None if variant % 3 else "en")
    return {"type": "post", **post_to_dict(record)}


def _snapshot(n: int, key: int, variant: int) -> dict[str, Any]:
    return {"type": "engagement", **snapshot_to_dict(snapshot(str(10**15 + n * 10), reposts=variant, likes=variant * 2,
                                                            at=T0 + dt.timedelta(hours=key)))}


def _announcement(n: int, key: int, variant: int) -> dict[str, Any]:
    record = announcement(f"2104.{n % 9000 * 10:05d}", position=variant, day=dt.date(2021, 4, 19 + key))
    return {"type": "announcement", **announcement_to_dict(record), "announce_type": list(AnnounceType)[variant % 4]}


KINDS = {"paper": _paper, "post": _post, "engagement": _snapshot, "announcement": _announcement}
SEQUENCES = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 5)), min_size=1, max_size=8)


def _stored(store: Store, kind: str) -> list[dict[str, Any]]:
    """The store's records of ``kind`` as native records."""
    if kind == "paper":
        return [{"type": "paper", **paper_to_dict(p)} for p in store.iter_papers()]
    if kind == "post":
        return [{"type": "post", **post_to_dict(p)} for p in store.iter_posts()]
    if kind == "engagement":
        return [{"type": "engagement", **snapshot_to_dict(s)} for s in store.iter_snapshots()]
    return [{"type": "announcement", **announcement_to_dict(a)} for a in store.iter_announcements()]


@settings(max_examples=25, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(sorted(KINDS)), SEQUENCES)
def test_the_last_record_of_each_key_wins_wholly(tmp_path_factory: pytest.TempPathFactory, store: Store, kind: str,
                                                 sequence: list[tuple[int, int]]) -> None:
    """Any sequence of variants of records under a few keys, split over two files: what is stored is, per key, the
    last record (a post's links: every link its records gave, first seen first); the repeats are counted."""
    n = next(_ids)
    records = [KINDS[kind](n, key, variant) for key, variant in sequence]
    setup = [_paper(n, 0, 0) | {"arxiv_id": f"2104.{n % 9000 * 10:05d}"}, _post(n, 0, 0)] if kind in (
        "engagement", "announcement") else []
    folder = tmp_path_factory.mktemp("dup")
    if setup:
        transfer.import_files(store, [native_file(folder, "setup.jsonl", setup)])
    before = {json.dumps(r, sort_keys=True) for r in _stored(store, kind)}
    half = len(records) // 2
    files = [native_file(folder, "a.jsonl", records[:half]), native_file(folder, "b.jsonl", records[half:])]
    result = transfer.import_files(store, files)
    last: dict[int, dict[str, Any]] = {}
    links: dict[int, list[dict[str, str]]] = {}
    for (key, _), record in zip(sequence, records, strict=True):
        last[key] = record
        if kind == "post":
            known = links.setdefault(key, [])
            known.extend(link for link in record["links"] if link not in known)
    expected = [dict(r) for r in last.values()]
    for key, record in zip(last, expected, strict=True):
        if kind == "post":
            record["links"], record["arxiv_ids"] = links[key], [link["arxiv_id"] for link in links[key]]
    stored = [r for r in _stored(store, kind) if json.dumps(r, sort_keys=True) not in before or kind == "paper"]
    key_of = {"paper": ("arxiv_id",), "post": ("platform", "post_id"), "engagement": ("observed_at",),
              "announcement": ("date", "arxiv_id")}[kind]
    by_key = {tuple(r[k] for k in key_of): r for r in stored}
    for record in expected:
        assert by_key[tuple(record[k] for k in key_of)] == record
    assert result.duplicates.get(kind, 0) == len(sequence) - len(last)


def test_a_digest_repeated_in_an_import_is_the_last_one(tmp_path: Path, store: Store) -> None:
    """Two digests of the same day and preset in one import: the second is the published one."""
    first, second = digest_record(dt.date(2021, 4, 19), T0), digest_record(dt.date(2021, 4, 19), T0)
    second["title"] = "Second"
    result = transfer.import_files(store, [native_file(tmp_path, "d.jsonl", [first, second])])
    (stored,) = store.iter_digests()
    assert stored.title == "Second" and result.duplicates == {"digest": 1}
    assert digest_to_dict(stored)["title"] == "Second"


def test_a_record_already_in_the_store_merges_as_before(tmp_path: Path, store: Store) -> None:
    """Only repeats within one import replace wholly: a later import of an older version keeps the newer one."""
    transfer.import_files(store, [native_file(tmp_path, "new.jsonl", [{"type": "paper", **paper_to_dict(paper(version=3))}])])
    result = transfer.import_files(
        store, [native_file(tmp_path, "old.jsonl", [{"type": "paper", **paper_to_dict(paper(version=1, title="Old"))}])]
    )
    assert store.get_paper(paper().arxiv_id) == paper(version=3) and result.duplicates == {}


def test_summary_reports_the_duplicates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The import summary says how many records of each type repeated an earlier one."""
    records = [{"type": "paper", **paper_to_dict(paper(title=t))} for t in ("A", "B", "C")]
    assert main(["--db", str(tmp_path / "s.db"), "import", str(native_file(tmp_path, "p.jsonl", records))]) == 0
    assert "duplicates: paper 2 (records repeating an earlier one of this import; the last one wins wholly)" in (
        capsys.readouterr().out
    )


def test_a_tweet_in_two_legacy_files_keeps_both_links(tmp_path: Path, store: Store) -> None:
    """The original's files list a tweet under each paper it links: across files its links accumulate."""
    legacy = json.loads((FIXTURES / "legacy" / "2020-08-18.json").read_text())
    tweet = legacy["papers"][0]["tweets"][0]
    one = {"meta": legacy["meta"], "papers": [{**legacy["papers"][0], "tweets": [tweet]}]}
    two = {"meta": legacy["meta"], "papers": [{**legacy["papers"][1], "tweets": [tweet]}]}
    (tmp_path / "one.json").write_text(json.dumps(one))
    (tmp_path / "two.json").write_text(json.dumps(two))
    result = transfer.import_files(store, [tmp_path / "one.json", tmp_path / "two.json"])
    (stored,) = [p for p in store.iter_posts() if p.post_id == str(tweet["id"])]
    assert set(stored.arxiv_ids) >= {legacy["papers"][0]["id"], legacy["papers"][1]["id"]}
    assert result.duplicates["post"] == 1
