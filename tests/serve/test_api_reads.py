"""The read API's other resources: days (paginated), papers, search, views, the live site, PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from starlette.testclient import TestClient

from hotpapers.config import Settings
from hotpapers.jobs.serve import create_app
from hotpapers.jobs.site import build_site_from_store
from hotpapers.jobs.transfer import copy_store
from hotpapers.site import MANIFEST_NAME
from hotpapers.store import open_store

from helpers.serving import DAYS, WITH_CODE, Published, run


def _json(client: TestClient, url: str) -> dict:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text
    return orjson.loads(answer.content)


def test_days_lists_every_day_with_its_presets(client: TestClient) -> None:
    """/days lists the sample's days newest first, each with both presets and a link to each digest."""
    found = _json(client, "/api/v1/days")
    assert [d["date"] for d in found["days"]] == sorted(DAYS, reverse=True)
    assert all(d["presets"] == ["classic", "default"] for d in found["days"])
    assert found["days"][0]["links"]["default"] == f"/api/v1/digests/{DAYS[-1]}?preset=default"


def test_days_pages_follow_next_links(client: TestClient) -> None:
    """limit=1 pages through every day by the next links; prev and next are null at the ends."""
    url: str | None = "/api/v1/days?limit=1"
    seen = []
    while url:
        page = _json(client, url)
        seen += [d["date"] for d in page["days"]]
        assert page["total"] == len(DAYS)
        url = page["links"]["next"]
    assert seen == sorted(DAYS, reverse=True)
    assert _json(client, "/api/v1/days?limit=1")["links"]["prev"] is None


def test_paper_has_posts_history_and_rankings(client: TestClient, published: Published) -> None:
    """/papers/ID: metadata, its code, every digest ranking it with the breakdown, posts with history, totals."""
    found = _json(client, f"/api/v1/papers/{WITH_CODE}")
    assert found["paper"]["arxiv_id"] == WITH_CODE
    assert found["code"]["url"] == "https://github.com/facebookresearch/meshtalk"
    listing = {(day, preset) for preset in ("classic", "default") for day in DAYS
               if WITH_CODE in {p["paper"]["arxiv_id"] for p in orjson.loads(published.dataset(preset, day))["papers"]}}
    assert {(a["date"], a["preset"]) for a in found["appearances"]} == listing and listing
    assert all(a["breakdown"] for a in found["appearances"])
    assert found["posts"] and all(p["history"] for p in found["posts"] if p["engagement"])
    assert found["engagement"] and found["links"]["site"] == f"/papers/{WITH_CODE}.html"


def test_versioned_id_names_the_paper(client: TestClient) -> None:
    """A versioned id and arXiv: prefix name the same paper."""
    assert client.get(f"/api/v1/papers/{WITH_CODE}v2").content == client.get(f"/api/v1/papers/{WITH_CODE}").content


@pytest.mark.parametrize("paper_id", ["9999.99999", "hep-th/9901001", "nonsense", "2104.08223vx"])
def test_unknown_paper_is_a_json_404(client: TestClient, paper_id: str) -> None:
    """An id not in the store (or no id at all) is 404 with a problem document."""
    answer = client.get(f"/api/v1/papers/{paper_id}")
    assert answer.status_code == 404 and orjson.loads(answer.content)["status"] == 404


def test_search_finds_by_title_words_best_first(client: TestClient) -> None:
    """Search finds the MeshTalk paper by words of its title, first; every result holds every word."""
    found = _json(client, "/api/v1/search?q=face+animation")
    assert found["results"][0]["arxiv_id"] == WITH_CODE
    assert found["total"] == len(found["results"]) >= 1


def test_search_by_id_and_filters(client: TestClient) -> None:
    """An arXiv id finds its paper; has_code and category narrow the results."""
    assert _json(client, f"/api/v1/search?q=arXiv:{WITH_CODE}")["results"][0]["arxiv_id"] == WITH_CODE
    coded = _json(client, "/api/v1/search?q=the&has_code=true")["results"]
    assert [r["arxiv_id"] for r in coded] == [WITH_CODE]
    assert all("cs.CL" in r["categories"] for r in _json(client, "/api/v1/search?q=language&category=cs.CL")["results"])


def test_search_without_words_is_a_400(client: TestClient) -> None:
    """q missing or blank answers 400."""
    assert client.get("/api/v1/search").status_code == 400
    assert client.get("/api/v1/search?q=%20").status_code == 400


@pytest.mark.parametrize(("url", "flags"), [
    ("/api/v1/views/week/2021-04-19", ["--week", "2021-04-19"]),
    ("/api/v1/views/month/2021-04", ["--month", "2021-04"]),
    ("/api/v1/views/range?from=2020-08-18&to=2021-04-19", ["--from", "2020-08-18", "--to", "2021-04-19"]),
])
def test_views_are_what_render_writes(client: TestClient, published: Published, tmp_path: Path, url: str,
                                      flags: list[str]) -> None:
    """A closed roll-up equals the file `render --week/--month/--from --to --format json` writes."""
    run("--db", published.db, "render", *flags, "--preset", "classic", "--format", "json", "--out", str(tmp_path))
    written = next((tmp_path / "json").iterdir()).read_bytes()
    assert client.get(url).content == written


def test_rising_ranks_growth(client: TestClient) -> None:
    """/views/rising answers a digest titled as rising; an empty scope is 404."""
    found = _json(client, "/api/v1/views/rising?hours=48&date=2021-04-19")
    assert found["digest"]["title"].startswith("Hot Papers rising (last 48 h)")
    assert client.get("/api/v1/views/rising?date=2021-04-20").status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/views/week/2021-13-01", "/api/v1/views/month/2021-13",
                                 "/api/v1/views/week/2024-01-03"])
def test_view_of_nothing_is_404(client: TestClient, url: str) -> None:
    """A week or month that is no date, or that has nothing in the store, is 404."""
    assert client.get(url).status_code == 404


def test_reversed_range_is_a_400(client: TestClient) -> None:
    """from after to is a 400 naming both."""
    answer = client.get("/api/v1/views/range?from=2021-04-19&to=2020-08-18")
    assert answer.status_code == 400 and "to" in orjson.loads(answer.content)["detail"]


def test_site_pages_are_the_built_site(published: Published, tmp_path: Path) -> None:
    """Every file `hotpapers site build` writes is served live, byte for byte, with its media type."""
    out = tmp_path / "site"
    with open_store(published.db, create=False) as store:
        build_site_from_store(store, out, prefer="default")
    files = [p for p in out.rglob("*") if p.is_file() and p.name not in (MANIFEST_NAME, ".nojekyll")]
    assert len(files) > 20
    with TestClient(create_app(published.db, settings=Settings(preset="default"))) as client:
        for file in files:
            path = file.relative_to(out).as_posix()
            answer = client.get("/" + path)
            assert answer.status_code == 200, path
            assert answer.content == file.read_bytes(), path
        assert client.get("/").content == (out / "index.html").read_bytes()
        assert client.get("/days/2021-04-19.html").headers["content-type"] == "text/html; charset=utf-8"
        assert client.get("/assets/style.css").headers["content-type"].startswith("text/css")


def test_missing_page_is_the_sites_404(client: TestClient) -> None:
    """A path the site does not have (or a dotfile) answers the site's 404 page with status 404."""
    for path in ("/nowhere.html", "/.nojekyll", "/papers/9999.99999.html"):
        answer = client.get(path)
        assert answer.status_code == 404 and b"<html" in answer.content


def test_postgresql_serves_the_same_bytes(published: Published, postgres_url: str) -> None:
    """The same store copied into PostgreSQL serves the same digests, paper and search."""
    with open_store(published.db, create=False) as source, open_store(postgres_url) as dest:
        copy_store(source, dest)
    urls = ["/api/v1/digests/2021-04-19?preset=default", f"/api/v1/papers/{WITH_CODE}", "/api/v1/search?q=speech",
            "/api/v1/days", "/api/v1/views/week/2021-04-19"]
    with TestClient(create_app(published.db)) as lite, TestClient(create_app(postgres_url)) as pg:
        for url in urls:
            assert pg.get(url).content == lite.get(url).content, url
