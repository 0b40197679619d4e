"""The enrichment providers' recorded responses (tests/fixtures/{github,semanticscholar,huggingface}), as replies.

``replay_data`` reads PyGithub's ReplayData files (11 lines per interaction), ``cassette`` a vcrpy cassette; each
interaction becomes a ``Recorded`` whose ``reply()`` a local server (``localserver.serve``) can send back.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import orjson
import yaml

from helpers.localserver import Reply
from helpers.paths import FIXTURES

REPO = "PyGithub_ReplayData_Repository.setUp.txt"
RATE_LIMIT = "PyGithub_ReplayData_SpecificExceptions.testRateLimitExceeded.txt"
SECONDARY_LIMIT = "PyGithub_ReplayData_SpecificExceptions.testAuthenticatedRateLimitExceeded.txt"
UNKNOWN = "PyGithub_ReplayData_Exceptions.testUnknownObject.txt"
S2_BATCH = "danielnsilva_test_get_papers_return_not_found.yaml"
S2_AUTHORS_ONLY = "danielnsilva_test_get_papers.yaml"
S2_NOT_FOUND = "danielnsilva_test_not_found.yaml"
S2_BAD_FIELDS = "danielnsilva_test_bad_query_parameters.yaml"
HF_PAPER = "papers_HANDMADE_2411.17702.json"
HF_TRUNCATED = "papers_HANDMADE_2411.17700_truncated_lists.json"
# Response headers a local server must not repeat: it sets its own length and framing.
_HOP = {"content-length", "transfer-encoding", "content-encoding", "connection", "status", "content-type"}


@dataclass(frozen=True)
class Recorded:
    """One recorded interaction: what was asked and what came back."""

    method: str
    path: str
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def reply(self, status: int | None = None) -> Reply:
        """The recorded answer for a local server (optionally with another status, e.g. 429 for a 403)."""
        kept = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        return Reply(self.body, status or self.status, "application/json; charset=utf-8", kept)


def replay_data(name: str) -> list[Recorded]:
    """The interactions of a PyGithub ReplayData file in tests/fixtures/github/."""
    lines = (FIXTURES / "github" / name).read_text(encoding="utf-8").split("\n")
    found = []
    for start in range(0, len(lines) - 9, 11):
        block = lines[start : start + 11]
        headers = {str(k): str(v) for k, v in ast.literal_eval(block[8])}
        found.append(Recorded(block[1], block[4], int(block[7]), block[9].encode("utf-8"), headers))
    return found


def cassette(name: str) -> list[Recorded]:
    """The interactions of a vcrpy cassette in tests/fixtures/semanticscholar/."""
    data = yaml.safe_load((FIXTURES / "semanticscholar" / name).read_text(encoding="utf-8"))
    found = []
    for item in data["interactions"]:
        response = item["response"]
        body = response["body"]["string"] if "body" in response else response["content"]
        status = response["status"]["code"] if "status" in response else response["status_code"]
        headers = {k: v[0] for k, v in response.get("headers", {}).items()}
        found.append(Recorded(item["request"]["method"], item["request"]["uri"], int(status), body.encode(), headers))
    return found


def hub(name: str) -> bytes:
    """A hand-made Hugging Face paper record (tests/fixtures/huggingface/, see its PROVENANCE.md)."""
    return (FIXTURES / "huggingface" / name).read_bytes()


def s2_batch_reply(body: bytes) -> Reply:
    """A local Semantic Scholar's answer to a ``paper/batch`` request ``body``: the recorded batch's entries
    (``null``, then three papers), repeated in order, one per id asked."""
    ids = orjson.loads(body)["ids"]
    recorded = orjson.loads(cassette(S2_BATCH)[0].body)
    return Reply(orjson.dumps([recorded[i % len(recorded)] for i in range(len(ids))]), content_type="application/json")


def hub_reply(arxiv_id: str) -> Reply:
    """A local Hub's answer for a paper record: the hand-made 2411.17702 or 2411.17700; 404 for any other."""
    files = {"2411.17702": HF_PAPER, "2411.17700": HF_TRUNCATED}
    if arxiv_id in files:
        return Reply(hub(files[arxiv_id]), content_type="application/json")
    return Reply(b'{"error":"Paper not found"}', 404, "application/json")
