"""profile=NAME: the API serves the digest a profile published (hot for me), as ``render --profile`` wrote it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from starlette.testclient import TestClient

from hotpapers.cli import main
from hotpapers.jobs.serve import create_app

from helpers.profileworld import DAY, ROBOTS, write_config
from helpers.serving import Published

PROFILE = """
[profiles.robots]
library = "library.bib"
keywords = ["reinforcement learning"]
"""
DIGEST = f"/api/v1/digests/{DAY.isoformat()}"


@pytest.fixture(scope="module")
def rendered(published: Published, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A copy of the published store where the profile ``robots`` published its digest of DAY; its JSON file."""
    folder = tmp_path_factory.mktemp("profile")
    db = str(folder / "store.db")
    shutil.copyfile(published.db, db)
    config = write_config(folder, PROFILE)
    assert main(["--db", db, "--config", str(config), "render", "--date", DAY.isoformat(), "--profile", "robots",
                 "--format", "json", "--out", str(folder / "out")]) == 0  # fmt: skip
    return db, folder / "out" / "json" / f"{DAY.isoformat()}.json"


@pytest.fixture
def profiled(rendered: tuple[str, Path]) -> Iterator[TestClient]:
    """The application over the store with the profile's digest."""
    with TestClient(create_app(rendered[0], check_interval=0)) as client:
        yield client


def test_profile_digest_is_what_render_profile_wrote(profiled: TestClient, rendered: tuple[str, Path]) -> None:
    """/digests/{date}?profile=NAME answers the bytes of the profile's JSON dataset, relevance included."""
    answer = profiled.get(f"{DIGEST}?profile=robots")
    assert answer.status_code == 200 and answer.content == rendered[1].read_bytes()
    assert {p["paper"]["arxiv_id"] for p in orjson.loads(answer.content)["papers"][:2]} == set(ROBOTS)


def test_latest_with_a_profile_is_its_newest_day(profiled: TestClient, rendered: tuple[str, Path]) -> None:
    """/digests/latest?profile=NAME is the profile's newest published day, not the store's."""
    assert profiled.get("/api/v1/digests/latest?profile=robots").content == rendered[1].read_bytes()


def test_filters_narrow_a_profile_digest(profiled: TestClient) -> None:
    """category= applies to the profile's digest: only cs.RO papers are kept, renumbered from 1."""
    papers = orjson.loads(profiled.get(f"{DIGEST}?profile=robots&category=cs.RO").content)["papers"]
    assert papers and all("cs.RO" in p["paper"]["categories"] for p in papers)
    assert [p["rank"] for p in papers] == list(range(1, len(papers) + 1))


def test_another_day_of_the_profile_is_a_404(profiled: TestClient) -> None:
    """A day the profile published nothing for answers 404 naming the day and the profile."""
    answer = profiled.get("/api/v1/digests/2021-01-15?profile=robots")
    detail = orjson.loads(answer.content)["detail"]
    assert answer.status_code == 404 and "2021-01-15" in detail and "robots" in detail


def test_views_refuse_a_profile(profiled: TestClient) -> None:
    """A view with profile= answers 400 saying where a profile's ranking is served."""
    answer = profiled.get(f"/api/v1/views/week/{DAY.isoformat()}?profile=robots")
    assert answer.status_code == 400 and "/digests/" in orjson.loads(answer.content)["detail"]
