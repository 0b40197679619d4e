"""Importing summary records: the import rules every native record type follows — the last record of a key (paper,
kind, generator) within one import wins wholly and is counted, and instants and counts are within bounds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hotpapers.errors import InputError
from hotpapers.jobs import transfer
from hotpapers.models import ArxivId, SourceRef, Summary, SummaryKind
from hotpapers.native.serialize import paper_to_dict, summary_to_dict
from hotpapers.store import open_store

from helpers.factories import native_file, paper

ID = ArxivId("2104.08223")
NOW = dt.datetime(2024, 11, 29, 2, 0, tzinfo=dt.UTC)


def _record(text: str, **kw: Any) -> dict[str, Any]:
    summary = Summary(ID, SummaryKind.TLDR, text, "extractive", "hotpapers-extractive", "extractive-1", None, NOW,
                      "ab" * 32, (SourceRef("arxiv", f"{ID}v1"),))  # fmt: skip
    return {"type": "summary", **summary_to_dict(summary), **kw}


def _write(folder: Path, records: list[dict[str, Any]]) -> Path:
    return native_file(folder, "s.jsonl", [{"type": "paper", **paper_to_dict(paper(ID))}, *records])


def test_the_last_summary_of_a_key_wins_and_is_counted(store_url: str, tmp_path: Path) -> None:
    """Two TL;DRs of one paper and generator in one import: the second is stored; the repeat is counted."""
    with open_store(store_url) as store:
        result = transfer.import_files(store, [_write(tmp_path, [_record("First."), _record("Second.")])])
        assert [s.text for s in store.summaries_for([ID])] == ["Second."]
    assert result.duplicates == {"summary": 1}


@pytest.mark.parametrize(("change", "field"), [
    ({"created_at": "2300-01-01T00:00:00Z"}, "created_at"),
    ({"input_tokens": 2**63}, "input_tokens"),
])
def test_a_summary_out_of_bounds_is_refused_naming_the_field(tmp_path: Path, change: dict[str, Any],
                                                              field: str) -> None:
    """A summary whose instant or token count is outside ``hotpapers.bounds`` is refused in one line; the import
    keeps nothing."""
    with open_store(str(tmp_path / "t.db")) as store:
        with pytest.raises(InputError, match=rf"s\.jsonl:3: summary: {field}: "):
            transfer.import_files(store, [_write(tmp_path, [_record("Text.", **change)])])
        assert store.counts()["papers"] == 0
