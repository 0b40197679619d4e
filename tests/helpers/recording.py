"""Re-recording fixtures against the live services (DESIGN.md convention 8: ``pytest --rerecord``).

A test that reads a verbatim recording declares where it came from::

    @pytest.mark.recorded(fixture="arxiv/api_empty_2026_id_list_0000.0000.xml", url="https://export.arxiv.org/…")

Normally the marker only documents the recording (and is checked: the fixture must exist under ``tests/fixtures``).
With ``pytest --rerecord`` (``tests/conftest.py``) the fixture is fetched again from ``url`` and rewritten, whole
or not at all, before the test runs, so the test then checks the parser against what the service answers today.
Only verbatim recordings of public, unauthenticated GET requests are declared; excerpts, derived and hand-made
files are not (re-fetching would undo what their PROVENANCE.md says was changed).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from helpers.paths import FIXTURES

__all__ = ["MARKER", "Recording", "RerecordError", "recording_of", "rerecord"]

MARKER = "recorded"
USER_AGENT = "hotpapers-tests (re-recording a fixture)"


class RerecordError(Exception):
    """The service did not answer as the recording did; the fixture was left as it was."""


@dataclass(frozen=True)
class Recording:
    """A fixture file and the request that recorded it (``status``: the HTTP status it was recorded with)."""

    fixture: Path
    url: str
    status: int = 200


def recording_of(mark: pytest.Mark, root: Path = FIXTURES) -> Recording:
    """The recording a ``recorded`` marker declares; ValueError names what is wrong with the marker."""
    fixture, url, status = mark.kwargs.get("fixture"), mark.kwargs.get("url"), mark.kwargs.get("status", 200)
    if not isinstance(fixture, str) or not isinstance(url, str) or not isinstance(status, int):
        raise ValueError(f"@pytest.mark.{MARKER} takes fixture=str, url=str and status=int; got {mark.kwargs!r}")
    path = (root / fixture).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file() or path.name == "PROVENANCE.md":
        raise ValueError(f"@pytest.mark.{MARKER}: {fixture!r} is not a fixture file under {root.name}/")
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"@pytest.mark.{MARKER}: {url!r} is not an HTTP(S) URL")
    return Recording(path, url, status)


def rerecord(recording: Recording, client: httpx.Client) -> None:
    """Fetch ``recording.url`` and replace the fixture's bytes with the answer's (atomically: whole or not at all)."""
    response = client.get(recording.url, headers={"User-Agent": USER_AGENT})
    if response.status_code != recording.status:
        raise RerecordError(
            f"{recording.url}: HTTP {response.status_code}, recorded with {recording.status}; "
            f"{recording.fixture.name} left as it was"
        )
    fd, tmp = tempfile.mkstemp(dir=recording.fixture.parent, prefix=".rerecord-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(response.content)
        Path(tmp).replace(recording.fixture)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
