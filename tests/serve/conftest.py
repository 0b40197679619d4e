"""The serve tests' fixtures: the published sample store (``helpers.serving``) and the application over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed (pip install 'hotpapers[serve]')")

from starlette.testclient import TestClient

from hotpapers.config import Settings
from hotpapers.jobs.serve import create_app

from helpers.serving import Published, publish


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """Import the sample, add a code link to one paper, and render every day with each preset (plain and
    ``--has-code``)."""
    return publish(tmp_path_factory.mktemp("published"))


@pytest.fixture
def client(published: Published) -> Iterator[TestClient]:
    """The application over the published store, in-process (the store checked for changes on every request)."""
    app = create_app(published.db, settings=Settings(preset="classic"), check_interval=0)
    with TestClient(app) as test_client:
        yield test_client
