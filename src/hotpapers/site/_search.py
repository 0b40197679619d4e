"""The client-side search index: a small JSON array of the listed papers (title, authors, abstract).

It is written as ``assets/search-index.js`` (``window.HOTPAPERS_INDEX = [...];``), a script file rather than a
``.json`` fetched by the page, so that search also works from ``file://`` (browsers refuse ``fetch`` there).
``<``, ``>``, ``&`` and the line separators U+2028/U+2029 are written as ``\\uXXXX`` escapes: the JSON stays
the same data and can never close a ``<script>`` element or break out of a string, wherever it is pasted.
"""

from __future__ import annotations

from typing import Any

import orjson

from hotpapers.site._model import SiteModel, paper_path

__all__ = ["INDEX_PREFIX", "index_entries", "index_script"]

INDEX_PREFIX = "window.HOTPAPERS_INDEX = "
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def index_entries(model: SiteModel) -> list[dict[str, Any]]:
    """One entry per listed paper, sorted by id: what the search script matches and shows."""
    entries = []
    for arxiv_id, entry in model.papers.items():
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


def index_script(model: SiteModel) -> bytes:
    """The contents of ``assets/search-index.js``."""
    text = orjson.dumps(index_entries(model), option=orjson.OPT_SORT_KEYS).decode("utf-8")
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)
    return f"{INDEX_PREFIX}{text};\n".encode()
