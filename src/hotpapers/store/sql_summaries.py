"""The store's queries of the summaries cache, shared by both backends (``SQLStore`` inherits them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson

from hotpapers.models import ArxivId, Summary
from hotpapers.native.serialize import summary_from_dict, summary_to_dict
from hotpapers.store._primitives import SQLPrimitives
from hotpapers.store.rows import from_ts, ts

__all__ = ["SummaryQueries"]

_COLUMNS = (
    "arxiv_id, kind, generator, model, prompt_version, language, created_at, input_hash, text, sources, claims, "
    "input_tokens, output_tokens"
)


def _row(summary: Summary) -> tuple[Any, ...]:
    record = summary_to_dict(summary)
    return (
        summary.arxiv_id, summary.kind.value, summary.generator, summary.model, summary.prompt_version,
        summary.language, ts(summary.created_at), summary.input_hash, summary.text,
        orjson.dumps(record["sources"]).decode(), orjson.dumps(record["claims"]).decode(),
        summary.input_tokens, summary.output_tokens,
    )


def _from_row(row: Sequence[Any]) -> Summary:
    names = [c.strip() for c in _COLUMNS.split(",")]
    record = dict(zip(names, row, strict=True))
    record["created_at"] = from_ts(record["created_at"]).isoformat()
    record["sources"] = orjson.loads(record["sources"])
    record["claims"] = orjson.loads(record["claims"])
    return summary_from_dict(record)


class SummaryQueries(SQLPrimitives):
    """Save, look up and stream the cached summaries (one per paper, kind and generator)."""

    def save_summaries(self, summaries: Iterable[Summary]) -> int:
        """Store summaries, replacing the one of the same paper, kind and generator. Returns rows written."""
        with self.transaction():
            return self._executemany(
                f"INSERT INTO summaries ({_COLUMNS}) VALUES ({', '.join('?' * 13)}) "
                "ON CONFLICT(arxiv_id, kind, generator) DO UPDATE SET model = excluded.model, "
                "prompt_version = excluded.prompt_version, language = excluded.language, "
                "created_at = excluded.created_at, input_hash = excluded.input_hash, text = excluded.text, "
                "sources = excluded.sources, claims = excluded.claims, input_tokens = excluded.input_tokens, "
                "output_tokens = excluded.output_tokens",
                (_row(s) for s in summaries),
            )

    def summaries_for(self, arxiv_ids: Iterable[ArxivId]) -> list[Summary]:
        """The stored summaries of ``arxiv_ids`` (every kind and generator), by paper, kind and generator."""
        found: list[Summary] = []
        with self.snapshot():
            for arxiv_id in sorted(set(arxiv_ids)):
                rows = self._execute(
                    f"SELECT {_COLUMNS} FROM summaries WHERE arxiv_id = ? ORDER BY kind, generator", (arxiv_id,)
                ).fetchall()
                found.extend(_from_row(r) for r in rows)
        return found

    def latest_published_day(self, preset: str) -> dt.date | None:
        """The newest day with a published digest of ``preset`` (the day ``hotpapers summarize`` takes by default)."""
        row = self._execute("SELECT max(day) FROM digests WHERE preset = ?", (preset,)).fetchone()
        return None if row is None or row[0] is None else dt.date.fromisoformat(row[0])

    def iter_summaries(self) -> Iterator[Summary]:
        """All stored summaries, by paper, kind and generator."""
        for row in self._stream(f"SELECT {_COLUMNS} FROM summaries ORDER BY arxiv_id, kind, generator"):
            yield _from_row(row)
