"""The client-side search index: small JSON arrays of the listed papers (title, authors, abstract), by month.

Each paper is in the shard of the month of its newest appearance, ``assets/search/YYYY-MM.js``, which adds its
entries to ``window.HOTPAPERS_INDEX``; ``search.html`` loads every shard. A new day so changes one shard (two
when a paper listed before is listed again), not an index of the whole archive. The shards are script files
rather than ``.json`` fetched by the page, so that search also works from ``file://`` (browsers refuse
``fetch`` there). ``<``, ``>``, ``&`` and the line separators U+2028/U+2029 are written as ``\\uXXXX`` escapes:
the JSON stays the same data and can never close a ``<script>`` element or break out of a string.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import orjson

from hotpapers.models import ArxivId
from hotpapers.site._model import PaperEntry, paper_path

__all__ = ["INDEX_PREFIX", "INDEX_SUFFIX", "index_entries", "shard_month", "shard_path", "shard_script"]

INDEX_PREFIX = "window.HOTPAPERS_INDEX = (window.HOTPAPERS_INDEX || []).concat("
INDEX_SUFFIX = ");\n"
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def shard_month(newest: dt.date) -> str:
    """The shard of a paper: the month (``YYYY-MM``) of its newest appearance."""
    return f"{newest:%Y-%m}"


def shard_path(month: str) -> str:
    """The file of a shard, relative to the site root."""
    return f"assets/search/{month}.js"


def index_entries(papers: Iterable[tuple[ArxivId, PaperEntry]]) -> list[dict[str, Any]]:
    """One entry per paper, in the order given: what the search script matches and shows."""
    entries = []
    for arxiv_id, entry in papers:
        latest = entry.latest
        entries.append(
            {
                "id": arxiv_id,
                "title": entry.paper.title,
                "authors": list(entry.paper.authors),
                "abstract": entry.paper.abstract,
                "date": latest.digest.date.isoformat(),
                "rank": latest.ranked.rank,
                "url": paper_path(arxiv_id),
            }
        )
    return entries


def shard_script(papers: Iterable[tuple[ArxivId, PaperEntry]]) -> bytes:
    """The contents of one shard file."""
    text = orjson.dumps(index_entries(papers), option=orjson.OPT_SORT_KEYS).decode("utf-8")
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)
    return f"{INDEX_PREFIX}{text}{INDEX_SUFFIX}".encode()
