"""Provider ``scholarly``: citation and influential-citation counts, and the venue, from Semantic Scholar.

Endpoint, under ``$HOTPAPERS_S2_API_URL`` (default ``https://api.semanticscholar.org/graph/v1``):
``POST /paper/batch?fields=…`` with the body ``{"ids": ["ARXIV:2104.08223", …]}``, at most ``BATCH`` (500) ids per
request. The answer is a JSON array in the order of the ids, with ``null`` for an id Semantic Scholar does not
know (recorded: ``tests/fixtures/semanticscholar/``). Each paper is a ``CitationSnapshot``: ``citationCount``,
``influentialCitationCount``, ``paperId``, and the venue: ``publicationVenue.name``, else ``venue``, else
``journal.name``, whichever is first set and does not name arXiv itself (an arXiv-only paper's venue is
"arXiv.org": not a venue that accepted it). An unknown id is stored as not found, so that it is not asked
again before it is stale.

An API key is optional: ``$HOTPAPERS_S2_API_KEY`` is sent as ``x-api-key`` (never logged). Without one, requests
share Semantic Scholar's unauthenticated pool, which often answers 429 (retried with backoff, honouring
``Retry-After``); a key gets a rate of its own (1 request per second for an introductory key), and batches are
spaced ``MIN_INTERVAL`` apart either way.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence

import orjson

from hotpapers.enrich._values import json_count, shown
from hotpapers.errors import ParseError
from hotpapers.http import Throttle, check_status, error_message, naming_request, request
from hotpapers.models import ArxivId, CitationSnapshot
from hotpapers.plugins import EnrichRequest, SourceContext, SourceStatus

__all__ = ["API_URL", "BATCH", "FIELDS", "ScholarProvider", "parse_batch", "venue_of"]

log = logging.getLogger(__name__)

API_URL = "https://api.semanticscholar.org/graph/v1"
ENV_API_URL = "HOTPAPERS_S2_API_URL"
ENV_API_KEY = "HOTPAPERS_S2_API_KEY"
BATCH = 500
FIELDS = "paperId,citationCount,influentialCitationCount,venue,publicationVenue,journal"
MIN_INTERVAL = 1.0
_ARXIV_NAMES = frozenset({"arxiv", "arxiv.org", "corr", "arxiv (cornell university)"})


def _name(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return None if not text or text.casefold() in _ARXIV_NAMES else text[:300]


def venue_of(entry: dict[str, object]) -> str | None:
    """The venue of a Semantic Scholar paper (see the module docstring), or None."""
    venue = entry.get("publicationVenue")
    journal = entry.get("journal")
    candidates = (
        venue.get("name") if isinstance(venue, dict) else None,
        entry.get("venue"),
        journal.get("name") if isinstance(journal, dict) else None,
    )
    return next((n for n in map(_name, candidates) if n is not None), None)


def _snapshot(arxiv_id: ArxivId, entry: object, observed_at: dt.datetime) -> CitationSnapshot:
    if entry is None:
        return CitationSnapshot(arxiv_id, observed_at, found=False)
    if not isinstance(entry, dict):
        raise ValueError(f"expected an object or null, got {shown(entry)}")
    citations, influential = json_count(entry.get("citationCount")), json_count(entry.get("influentialCitationCount"))
    if citations is None or influential is None:
        raise ValueError(
            f"citationCount {shown(entry.get('citationCount'))} / "
            f"influentialCitationCount {shown(entry.get('influentialCitationCount'))}"
        )
    s2_id = entry.get("paperId")
    return CitationSnapshot(
        arxiv_id, observed_at, True, citations, influential, venue_of(entry), s2_id if isinstance(s2_id, str) else None
    )


def parse_batch(
    data: bytes, ids: Sequence[ArxivId], observed_at: dt.datetime
) -> tuple[list[CitationSnapshot], list[str]]:
    """Parse one ``POST /paper/batch`` answer for ``ids`` (in the order they were asked).

    Returns:
        The snapshots (``found=False`` for a ``null``), and one line per entry that could not be read.

    Raises:
        ParseError: the body is not JSON, not an array, or not one entry per id.
    """
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise ParseError(f"Semantic Scholar paper/batch response: not JSON: {e}") from e
    if not isinstance(body, list) or len(body) != len(ids):
        got = f"an array of {len(body)}" if isinstance(body, list) else type(body).__name__
        raise ParseError(f"Semantic Scholar paper/batch response: expected an array of {len(ids)}, got {got}")
    snapshots: list[CitationSnapshot] = []
    skipped: list[str] = []
    for arxiv_id, entry in zip(ids, body, strict=True):
        try:
            snapshots.append(_snapshot(arxiv_id, entry, observed_at))
        except ValueError as e:
            skipped.append(f"{arxiv_id}: {e}")
    return snapshots, skipped


class ScholarProvider:
    """Semantic Scholar citation counts and venues, ``BATCH`` papers per request (an API key optional)."""

    name = "scholarly"

    def __init__(self, context: SourceContext) -> None:
        self._context = context
        self._base = context.env.get(ENV_API_URL, "").strip().rstrip("/") or API_URL
        self._key = context.env.get(ENV_API_KEY, "").strip()
        self._throttle = Throttle(MIN_INTERVAL, lambda: context.now().timestamp(), context.sleep)

    def status(self) -> SourceStatus:
        """Always enabled; says whether an API key is set."""
        if self._key:
            return SourceStatus(True, "with an API key (HOTPAPERS_S2_API_KEY)")
        return SourceStatus(
            True, "without an API key: Semantic Scholar's shared pool (429s are retried); set HOTPAPERS_S2_API_KEY"
        )

    def enrich(self, request: EnrichRequest) -> Iterator[CitationSnapshot]:
        """Yield a snapshot for every target paper without a fresh one, a batch of ``BATCH`` per request."""
        ids = list(dict.fromkeys(t.paper.arxiv_id for t in request.targets if request.stale(t.paper.arxiv_id)))
        for start in range(0, len(ids), BATCH):
            yield from self._batch(ids[start : start + BATCH])

    def _batch(self, ids: list[ArxivId]) -> list[CitationSnapshot]:
        response = request(
            self._context.http,
            "POST",
            f"{self._base}/paper/batch",
            params={"fields": FIELDS},
            json={"ids": [f"ARXIV:{i}" for i in ids]},
            headers={"x-api-key": self._key} if self._key else None,
            policy=self._context.retry,
            before_attempt=self._throttle.wait,
        )
        check_status(response, error_message(response, ("error", "message")))
        with naming_request(response):
            snapshots, skipped = parse_batch(response.content, ids, self._context.now())
        for reason in skipped:
            log.warning("scholarly: skipped %s", reason)
        return snapshots
