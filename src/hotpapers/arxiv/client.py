"""``ArxivClient``: a polite client for arXiv's RSS feeds, query API and OAI-PMH interface.

Politeness: every request (retries included) waits until ``delay_seconds`` have passed since the
previous one; arXiv asks API users for 3 seconds. Retries (timeouts, connection errors, 429, 5xx with
``Retry-After``) come from ``hotpapers.http.request`` and its ``RetryPolicy``. Error statuses become
``APIError`` carrying the status and URL; for arXiv's error documents (API error feed on HTTP 400, RSS
``Feed error``, OAI ``<error>``) the message is arXiv's own.

Iterating methods take an optional ``skipped`` list that collects what could not be read (an unparsable
entry, an invalid id) instead of aborting the run.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

import httpx

from hotpapers.arxiv.api import ApiFeed, parse_api
from hotpapers.arxiv.ids import parse_id
from hotpapers.arxiv.oai import OaiPage, OaiRecord, parse_oai
from hotpapers.arxiv.rss import RssFeed, parse_rss
from hotpapers.errors import APIError, ParseError
from hotpapers.http import RetryPolicy, Throttle, check_status, redact_url, request
from hotpapers.models import Paper, ensure_utc

__all__ = [
    "API_URL",
    "ID_BATCH_SIZE",
    "OAI_URL",
    "RSS_URL",
    "ArxivClient",
    "category_clause",
    "submitted_query",
]

log = logging.getLogger(__name__)

API_URL = "https://export.arxiv.org/api/query"
RSS_URL = "https://rss.arxiv.org/rss"
OAI_URL = "https://oaipmh.arxiv.org/oai"
ID_BATCH_SIZE = 100
T = TypeVar("T")
Params = Mapping[str, str | int]


def _stamp(when: dt.datetime) -> str:
    return ensure_utc(when, "search window bound").strftime("%Y%m%d%H%M")


def category_clause(categories: Sequence[str]) -> str:
    """Build the API ``search_query`` clause selecting papers in any of ``categories``.

    Args:
        categories: archives (``cs``, ``hep-th``) and categories (``stat.ML``).

    Returns:
        e.g. ``cat:cs OR cat:cs.* OR cat:stat.ML`` (an archive matches itself and its subcategories).
    """
    terms = []
    for entry in categories:
        terms.append(f"cat:{entry}")
        if "." not in entry:
            terms.append(f"cat:{entry}.*")
    return " OR ".join(terms)


def submitted_query(query: str | Sequence[str], start: dt.datetime, end: dt.datetime) -> str:
    """Combine a query (or a list of categories) with a ``submittedDate`` range.

    Args:
        query: a raw ``search_query`` expression, or archives/categories for ``category_clause``.
        start: start of the window (timezone-aware).
        end: end of the window (timezone-aware); arXiv's range is inclusive to the minute, so callers
            filter ``submitted < end`` themselves.

    Returns:
        ``(<query>) AND submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]`` in UTC (arXiv reads GMT).
    """
    clause = query if isinstance(query, str) else category_clause(query)
    window = f"submittedDate:[{_stamp(start)} TO {_stamp(end)}]"
    return f"({clause}) AND {window}" if clause.strip() else window


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for offset in range(0, len(items), size):
        yield items[offset : offset + size]


class ArxivClient:
    """Fetch from arXiv politely. Endpoints, delay, clock, sleep and retries are configuration.

    Args:
        http: the HTTP client (see ``hotpapers.http.make_client``; ``httpx.MockTransport`` in tests).
        api_url: the query API endpoint.
        rss_url: the RSS base URL (categories are appended as ``/cs+stat.ML``).
        oai_url: the OAI-PMH endpoint.
        delay_seconds: the minimum time between two requests, retries included.
        clock: a monotonic clock in seconds.
        sleep: how to wait.
        retry: the retry policy for every request.
        page_size: ``max_results`` of each search page.
    """

    def __init__(
        self,
        http: httpx.Client,
        *,
        api_url: str = API_URL,
        rss_url: str = RSS_URL,
        oai_url: str = OAI_URL,
        delay_seconds: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008  (frozen dataclass: an immutable default)
        page_size: int = 100,
    ) -> None:
        if page_size < 1 or delay_seconds < 0:
            raise ValueError("page_size must be >= 1 and delay_seconds >= 0")
        self._http = http
        self.api_url = api_url
        self.rss_url = rss_url.rstrip("/")
        self.oai_url = oai_url
        self.page_size = page_size
        self._retry = retry
        self._throttle = Throttle(delay_seconds, clock, sleep)

    def _fetch(self, url: str, params: Params | None, parse: Callable[[bytes], T], what: str) -> T:
        response = request(
            self._http, "GET", url, params=params, policy=self._retry, before_attempt=self._throttle.wait, what=what
        )
        shown = redact_url(response.request.url)
        try:
            result = parse(response.content)
        except APIError as e:
            raise APIError(str(e), status=response.status_code, url=shown) from e
        except ParseError as e:
            check_status(response)
            raise ParseError(f"{e} (from {shown})") from e
        check_status(response)
        return result

    def fetch_rss(self, categories: Sequence[str]) -> RssFeed:
        """Fetch the current RSS listing of ``categories`` (joined with ``+``).

        Args:
            categories: archives and categories, e.g. ``("cs", "stat.ML")``.

        Returns:
            The parsed feed (its ``date`` is the listing day).

        Raises:
            APIError: an error status, or arXiv's ``Feed error`` channel (e.g. a bad archive name).
            ParseError: the body is not an RSS feed.
            NetworkError: the request failed after retries.
        """
        if not categories or any(not c or "+" in c or "/" in c for c in categories):
            raise ValueError(f"invalid RSS categories: {list(categories)!r}")
        return self._fetch(f"{self.rss_url}/{'+'.join(categories)}", None, parse_rss, "arXiv RSS")

    def fetch_ids(self, ids: Iterable[str], *, skipped: list[str] | None = None) -> Iterator[Paper]:
        """Fetch papers by id, ``ID_BATCH_SIZE`` ids per request (``id_list``, ``max_results`` = batch size).

        Args:
            ids: arXiv ids, with or without a version; duplicates are fetched once.
            skipped: collects invalid ids and unreadable entries.

        Returns:
            An iterator of papers (ids arXiv does not know are silently absent, as arXiv answers).

        Raises:
            APIError: an error status or error feed.
            ParseError: a body that is not an API feed.
            NetworkError: a request failed after retries.
        """
        notes = skipped if skipped is not None else []
        valid = []
        for raw in dict.fromkeys(i.strip() for i in ids):
            if parse_id(raw) is None:
                notes.append(f"arXiv API: {raw!r} is not an arXiv id; not requested")
            else:
                valid.append(raw)
        for batch in _batches(valid, ID_BATCH_SIZE):
            params: Params = {"id_list": ",".join(batch), "start": 0, "max_results": len(batch)}
            page = self._fetch(self.api_url, params, parse_api, "arXiv API")
            notes.extend(f"arXiv API: {note}" for note in page.skipped)
            yield from page.papers

    def _search_pages(self, search_query: str, notes: list[str]) -> Iterator[ApiFeed]:
        start, total = 0, 0
        while True:
            params: Params = {
                "search_query": search_query,
                "start": start,
                "max_results": self.page_size,
                "sortBy": "submittedDate",
                "sortOrder": "ascending",
            }
            page = self._fetch(self.api_url, params, parse_api, "arXiv API")
            yield page
            total = max(total, page.total_results)
            if page.entries == 0 and start < total:
                notes.append(
                    f"arXiv API: page at start={start} came back empty although totalResults={total}; "
                    "stopped paging"
                )
            start += self.page_size
            if page.entries == 0 or start >= total:
                return

    def search_submitted(
        self,
        query: str | Sequence[str],
        start: dt.datetime,
        end: dt.datetime,
        *,
        skipped: list[str] | None = None,
    ) -> Iterator[Paper]:
        """Fetch the papers whose first version was submitted in ``[start, end)``, paging through results.

        Args:
            query: a raw ``search_query`` expression, or archives/categories (see ``category_clause``).
            start: start of the window (timezone-aware, inclusive).
            end: end of the window (timezone-aware, exclusive).
            skipped: collects unreadable entries and paging anomalies.

        Returns:
            An iterator of papers in submission order (each as of its latest version).

        Raises:
            APIError: an error status or error feed.
            ParseError: a body that is not an API feed.
            NetworkError: a request failed after retries.
        """
        notes = skipped if skipped is not None else []
        for page in self._search_pages(submitted_query(query, start, end), notes):
            notes.extend(f"arXiv API: {note}" for note in page.skipped)
            yield from (p for p in page.papers if p.submitted is not None and start <= p.submitted < end)

    def list_oai_records(
        self,
        from_date: dt.date,
        until_date: dt.date,
        set_spec: str | None = None,
        metadata_prefix: str = "arXivRaw",
        *,
        skipped: list[str] | None = None,
    ) -> Iterator[OaiRecord]:
        """Harvest OAI-PMH records whose datestamp (last modification) is in ``[from_date, until_date]``.

        Args:
            from_date: first datestamp (inclusive).
            until_date: last datestamp (inclusive).
            set_spec: an OAI set such as ``cs`` or ``physics:hep-th``; None for all of arXiv.
            metadata_prefix: ``arXivRaw`` (versions), ``arXiv`` or ``oai_dc``.
            skipped: collects unreadable records.

        Returns:
            An iterator of records, following resumption tokens to the end of the list.

        Raises:
            APIError: an OAI error other than ``noRecordsMatch``, an error status, or a repeated token.
            ParseError: a body that is not an OAI-PMH response.
            NetworkError: a request failed after retries.
        """
        notes = skipped if skipped is not None else []
        params: dict[str, str | int] = {
            "verb": "ListRecords",
            "metadataPrefix": metadata_prefix,
            "from": from_date.isoformat(),
            "until": until_date.isoformat(),
        }
        if set_spec:
            params["set"] = set_spec
        seen: set[str] = set()
        while True:
            page: OaiPage = self._fetch(self.oai_url, params, parse_oai, "arXiv OAI-PMH")
            notes.extend(f"OAI-PMH: {note}" for note in page.skipped)
            yield from page.records
            token = page.resumption_token
            if token is None:
                return
            if token in seen:
                raise APIError(f"OAI-PMH: resumption token {token!r} repeated", url=self.oai_url)
            seen.add(token)
            params = {"verb": "ListRecords", "resumptionToken": token}

    def list_records(
        self,
        from_date: dt.date,
        until_date: dt.date,
        set_spec: str | None = None,
        metadata_prefix: str = "arXivRaw",
        *,
        skipped: list[str] | None = None,
    ) -> Iterator[Paper]:
        """Yield the papers of ``list_oai_records``.

        Args:
            from_date: first datestamp (inclusive).
            until_date: last datestamp (inclusive).
            set_spec: an OAI set; None for all of arXiv.
            metadata_prefix: ``arXivRaw`` (default, with versions), ``arXiv`` or ``oai_dc``.
            skipped: collects unreadable records.

        Returns:
            An iterator of papers, following resumption tokens.

        Raises:
            APIError: an OAI error other than ``noRecordsMatch``, an error status, or a repeated token.
            ParseError: a body that is not an OAI-PMH response.
            NetworkError: a request failed after retries.
        """
        records = self.list_oai_records(from_date, until_date, set_spec, metadata_prefix, skipped=skipped)
        return (record.paper for record in records)
