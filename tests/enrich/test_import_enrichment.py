"""Importing enrichment records: the import rules every native record type follows — the last record of a key
within one import wins wholly (and is counted), and every instant and count is within ``hotpapers.bounds``."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.errors import InputError
from hotpapers.jobs import transfer
from hotpapers.models import (
    ArtifactSnapshot,
    ArxivId,
    CitationSnapshot,
    CodeHost,
    CodeLink,
    FoundIn,
    RepoSnapshot,
)
from hotpapers.native.serialize import paper_to_dict
from hotpapers.native.serialize_enrich import enrichment_record_to_dict
from hotpapers.store import Store, open_store

from helpers.factories import T0, digest_record, native_file, paper

_ids = itertools.count(1)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh store, on SQLite and then on PostgreSQL (not the folder's recorded listing: imports start empty)."""
    s = open_store(store_url)
    yield s
    s.close()




def _id(n: int) -> ArxivId:
    return ArxivId(f"2104.{n % 9000 + 1000:05d}")


# Variants of each record type under a few keys: (paper number, key index, variant index) -> the record.
VARIANTS: dict[str, Callable[[int, int, int], Any]] = {
    "code_link": lambda n, key, v: CodeLink(
        _id(n), f"https://github.com/o/r{key}", (CodeHost.GITHUB, CodeHost.CODEBERG)[v % 2], FoundIn.ABSTRACT,
        T0 + dt.timedelta(minutes=v), v),
    "repo_snapshot": lambda n, key, v: RepoSnapshot(
        f"https://github.com/o/r{n}", T0 + dt.timedelta(hours=key), None if v % 3 == 2 else v * 10,
        None if v % 2 else T0 - dt.timedelta(days=v), None if v % 2 else f'"etag{v}"'),
    "artifact_snapshot": lambda n, key, v: ArtifactSnapshot(_id(n), T0 + dt.timedelta(hours=key), v, v % 2, v * 2),
    "citation_snapshot": lambda n, key, v: CitationSnapshot(
        _id(n), T0 + dt.timedelta(hours=key), v % 4 != 3, v, v // 2, None if v % 2 else f"venue {v}", f"s2-{v}"),
}
STREAMS = {
    "code_link": "iter_code_links", "repo_snapshot": "iter_repo_snapshots",
    "artifact_snapshot": "iter_artifact_snapshots", "citation_snapshot": "iter_citation_snapshots",
}
SEQUENCES = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 5)), min_size=1, max_size=8)


def _stored(store: Store, kind: str) -> list[dict[str, Any]]:
    return [enrichment_record_to_dict(r) for r in getattr(store, STREAMS[kind])()]


@settings(max_examples=15, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(sorted(VARIANTS)), SEQUENCES)
def test_the_last_enrichment_record_of_each_key_wins_wholly(
    tmp_path_factory: pytest.TempPathFactory, store: Store, kind: str, sequence: list[tuple[int, int]]
) -> None:
    """Any sequence of variants under a few keys, split over two files: per key, the last record is stored, every
    field of it; the repeats are counted under the record's type."""
    n = next(_ids)
    records = [enrichment_record_to_dict(VARIANTS[kind](n, key, variant)) for key, variant in sequence]
    folder = tmp_path_factory.mktemp("dup")
    transfer.import_files(store, [native_file(folder, "paper.jsonl", [{"type": "paper", **paper_to_dict(paper(_id(n)))}])])
    before = {json.dumps(r, sort_keys=True) for r in _stored(store, kind)}
    half = len(records) // 2
    result = transfer.import_files(store, [native_file(folder, "a.jsonl", records[:half]),
                                           native_file(folder, "b.jsonl", records[half:])])  # fmt: skip
    last = {key: record for (key, _), record in zip(sequence, records, strict=True)}
    stored = [r for r in _stored(store, kind) if json.dumps(r, sort_keys=True) not in before]
    assert sorted(stored, key=json.dumps) == sorted(last.values(), key=json.dumps)
    assert result.duplicates.get(kind, 0) == len(sequence) - len(last)


BAD = {
    "an observation after 2199": ("artifact_snapshot", {"observed_at": "2300-01-01T00:00:00Z"}, "observed_at"),
    "a star count past 2**63-1": ("repo_snapshot", {"stars": 2**63}, "stars"),
    "a repository created before 1970": ("repo_snapshot", {"created_at": "1969-12-31T00:00:00Z"}, "created_at"),
    "a citation count past 2**63-1": ("citation_snapshot", {"influential": 2**64}, "influential"),
    "a position past 2**63-1": ("code_link", {"position": 2**63}, "position"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_an_enrichment_record_out_of_bounds_is_refused_naming_the_field(tmp_path: Path, case: str) -> None:
    """A value outside ``hotpapers.bounds`` is refused in one line naming the file, line, type and field; the
    import keeps nothing."""
    kind, change, field = BAD[case]
    record = enrichment_record_to_dict(VARIANTS[kind](1, 0, 1)) | change
    with open_store(str(tmp_path / "s.db")) as store:
        path = native_file(tmp_path, "bad.jsonl", [{"type": "paper", **paper_to_dict(paper(_id(1)))}, record])
        with pytest.raises(InputError, match=rf"bad\.jsonl:3: {kind}: {field}: "):
            transfer.import_files(store, [path])
        assert store.counts()["papers"] == 0


@pytest.mark.parametrize(("section", "change", "field"), [
    ("code", {"stars": 2**63}, "papers[0].enrichment.code.stars"),
    ("code", {"rate_since": "1969-01-01T00:00:00Z"}, "papers[0].enrichment.code.rate_since"),
    ("artifacts", {"observed_at": "2300-01-01T00:00:00Z"}, "papers[0].enrichment.artifacts.observed_at"),
])
def test_a_digests_enrichment_out_of_bounds_is_refused(tmp_path: Path, section: str, change: dict[str, Any],
                                                       field: str) -> None:
    """A published digest's enrichment is checked like every record: a count or instant out of range is refused
    naming the field."""
    code = {"url": "https://github.com/o/r", "host": "github", "found_in": "abstract", "stars": 1,
            "stars_per_day": 0.5, "observed_at": T0.isoformat(), "rate_since": None}
    artifacts = {"models": 1, "datasets": 0, "spaces": 0, "observed_at": T0.isoformat()}
    enrichment = {"code": code, "artifacts": artifacts, "citations": None}
    enrichment[section] = {**enrichment[section], **change}  # type: ignore[dict-item]
    record = digest_record(dt.date(2021, 4, 19), T0)
    record["papers"][0]["enrichment"] = enrichment  # type: ignore[index]
    path = native_file(tmp_path, "d.jsonl", [record])
    with open_store(str(tmp_path / "s.db")) as store, pytest.raises(InputError, match=rf"d\.jsonl:2: digest: {re.escape(field)}: "):
        transfer.import_files(store, [path])
