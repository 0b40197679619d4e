"""Provider ``artifacts``: the Hugging Face models, datasets and Spaces that cite a paper, with their counts.

Endpoint, under ``$HOTPAPERS_HF_API_URL`` (default ``https://huggingface.co/api``): ``GET /papers/{arxiv_id}``,
the Hub's paper record (huggingface_hub ``HfApi.paper_info``; "the API equivalent of the Paper page"). No
response was recorded (``tests/fixtures/huggingface/PROVENANCE.md``), so this follows the documented schema of
``PaperInfo`` (huggingface_hub 2.4.0): ``linkedModels`` / ``linkedDatasets`` / ``linkedSpaces`` (lists of the repos
that cite the paper), ``numTotalModels`` / ``numTotalDatasets`` (their totals: the lists may be shortened), and
``githubRepo``. A count is the total when the record gives one, else the length of the list (there is no documented
total of Spaces; a ``numTotalSpaces`` is read if present). A 404 means the paper has no page on the Hub; as the
Hub makes a paper page for every arXiv paper a repository cites, that is stored as 0 models, datasets and Spaces.

The record's ``githubRepo`` (set by the paper's authors on its page, or found by Hugging Face) is yielded as a
code link (``FoundIn.HUGGINGFACE``), for the ``code`` provider, which runs after this one, to count its stars.

One request per paper, for the discussed papers only (those with a post) unless ``--all-papers``, spaced
``MIN_INTERVAL`` apart: the documented anonymous limit is 500 API requests per 5 minutes per IP (429 beyond it,
retried with backoff). No credentials.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import orjson

from hotpapers.enrich._values import json_count
from hotpapers.enrich.repos import RepoRef, find_repos
from hotpapers.errors import ParseError
from hotpapers.http import Throttle, check_status, error_message, naming_request, request
from hotpapers.models import ArtifactSnapshot, ArxivId, CodeLink, EnrichmentRecord, FoundIn
from hotpapers.plugins import EnrichRequest, SourceContext, SourceStatus

__all__ = ["API_URL", "MIN_INTERVAL", "HubProvider", "PaperRecord", "parse_paper"]

log = logging.getLogger(__name__)

API_URL = "https://huggingface.co/api"
ENV_API_URL = "HOTPAPERS_HF_API_URL"
MIN_INTERVAL = 0.6  # seconds between requests: 500 per 5 minutes is one every 0.6 s
_KINDS = (("models", "linkedModels", "numTotalModels"), ("datasets", "linkedDatasets", "numTotalDatasets"),
          ("spaces", "linkedSpaces", "numTotalSpaces"))  # fmt: skip


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """What a paper record says: the three counts and the code repository (``githubRepo``), if any."""

    models: int
    datasets: int
    spaces: int
    repo: RepoRef | None = None


def _kind_count(body: dict[str, object], listed: str, total: str) -> int:
    given = json_count(body.get(total))
    if given is not None:
        return given
    items = body.get(listed, [])
    if not isinstance(items, list):
        raise ParseError(f"Hugging Face paper record: {listed} is not a list")
    return len(items)


def parse_paper(data: bytes) -> PaperRecord:
    """Parse one ``GET /api/papers/{id}`` answer.

    Raises:
        ParseError: the body is not JSON, not an object, or a list of linked repos is not a list.
    """
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise ParseError(f"Hugging Face paper record: not JSON: {e}") from e
    if not isinstance(body, dict):
        raise ParseError(f"Hugging Face paper record: expected an object, got {type(body).__name__}")
    counts = [_kind_count(body, listed, total) for _, listed, total in _KINDS]
    repo = body.get("githubRepo")
    found = find_repos(repo) if isinstance(repo, str) else []
    return PaperRecord(counts[0], counts[1], counts[2], found[0] if found else None)


class HubProvider:
    """Hugging Face models, datasets and Spaces citing each paper (one request per paper; no credentials)."""

    name = "artifacts"

    def __init__(self, context: SourceContext) -> None:
        self._context = context
        self._base = context.env.get(ENV_API_URL, "").strip().rstrip("/") or API_URL
        self._throttle = Throttle(MIN_INTERVAL, lambda: context.now().timestamp(), context.sleep)

    def status(self) -> SourceStatus:
        """Always enabled: the Hub's paper records are public."""
        return SourceStatus(True, "no credentials needed")

    def enrich(self, request: EnrichRequest) -> Iterator[EnrichmentRecord]:
        """Yield an artifact snapshot (and the record's GitHub link) for each wanted paper without a fresh one."""
        for target in request.wanted():
            arxiv_id = target.paper.arxiv_id
            if request.stale(arxiv_id):
                yield from self._paper(arxiv_id)

    def _paper(self, arxiv_id: ArxivId) -> list[EnrichmentRecord]:
        response = request(
            self._context.http,
            "GET",
            f"{self._base}/papers/{quote(arxiv_id, safe='')}",
            policy=self._context.retry,
            before_attempt=self._throttle.wait,
        )
        now = self._context.now()
        if response.status_code == 404:
            return [ArtifactSnapshot(arxiv_id, now, 0, 0, 0)]
        check_status(response, error_message(response, ("error", "message")))
        try:
            with naming_request(response):
                record = parse_paper(response.content)
        except ParseError as e:
            log.warning("artifacts: skipped %s: %s", arxiv_id, e)
            return []
        found: list[EnrichmentRecord] = [ArtifactSnapshot(arxiv_id, now, record.models, record.datasets, record.spaces)]
        if record.repo is not None:
            found.append(CodeLink(arxiv_id, record.repo.url, record.repo.host, FoundIn.HUGGINGFACE, now))
        return found
