"""The digests of the read API: byte for byte the JSON dataset, filters, pages, and 404s."""

from __future__ import annotations

import re

import orjson
import pytest
from starlette.testclient import TestClient

from helpers.serving import DAYS, PRESETS, WITH_CODE, Published


@pytest.mark.parametrize("preset", PRESETS)
def test_digest_is_the_json_dataset_for_every_day(client: TestClient, published: Published, preset: str) -> None:
    """GET /api/v1/digests/D?preset=P returns the bytes `render --date D --preset P --format json` wrote, every day."""
    for day in DAYS:
        answer = client.get(f"/api/v1/digests/{day}", params={"preset": preset})
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/json"
        assert answer.content == published.dataset(preset, day)


@pytest.mark.parametrize("preset", PRESETS)
def test_has_code_is_render_has_code(client: TestClient, published: Published, preset: str) -> None:
    """has_code=true returns the bytes `render --has-code` wrote (the one paper with code, ranked 1)."""
    for day in DAYS:
        answer = client.get(f"/api/v1/digests/{day}", params={"preset": preset, "has_code": "true"})
        assert answer.content == published.dataset(preset, day, has_code=True)
    listed = orjson.loads(client.get("/api/v1/digests/2021-04-19?has_code=1").content)["papers"]
    assert [(p["rank"], p["paper"]["arxiv_id"]) for p in listed] == [(1, WITH_CODE)]


def test_latest_is_the_newest_published_day(client: TestClient, published: Published) -> None:
    """`latest` names the newest published day of the preset."""
    assert client.get("/api/v1/digests/latest?preset=default").content == published.dataset("default", DAYS[-1])


def test_default_preset_is_the_configured_one(client: TestClient, published: Published) -> None:
    """Without ?preset the configured preset's digest is served (the client's settings say classic)."""
    assert client.get(f"/api/v1/digests/{DAYS[0]}").content == published.dataset("classic", DAYS[0])


@pytest.mark.parametrize("date", ["2021-04-20", "1999-01-01", "not-a-date", "2021-02-30", "latestx"])
def test_unknown_date_is_a_json_404(client: TestClient, date: str) -> None:
    """A date with no published digest (or no date at all) is 404 with a problem document naming it."""
    answer = client.get(f"/api/v1/digests/{date}")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    problem = orjson.loads(answer.content)
    assert problem["status"] == 404 and problem["title"] == "Not Found" and date[:10] in problem["detail"]


def test_category_filter_keeps_order_and_renumbers(client: TestClient, published: Published) -> None:
    """category=cs.CV keeps the digest's papers in cs.CV, in order, ranked 1..n, and the title says so."""
    whole = orjson.loads(published.dataset("classic", "2021-04-19"))
    wanted = [p["paper"]["arxiv_id"] for p in whole["papers"] if "cs.CV" in p["paper"]["categories"]]
    found = orjson.loads(client.get("/api/v1/digests/2021-04-19?category=cs.CV").content)
    assert [p["paper"]["arxiv_id"] for p in found["papers"]] == wanted and wanted
    assert [p["rank"] for p in found["papers"]] == list(range(1, len(wanted) + 1))
    assert found["digest"]["title"].endswith("(category cs.CV)")


def test_archive_category_covers_its_categories(client: TestClient) -> None:
    """category=cs keeps every paper in an archive cs category (an archive covers its categories)."""
    found = orjson.loads(client.get("/api/v1/digests/2021-04-19?category=cs").content)["papers"]
    assert found and all(any(c.startswith("cs.") for c in p["paper"]["categories"]) for p in found)


def test_keyword_filter_is_whole_word(client: TestClient) -> None:
    """keyword=Speech keeps exactly the digest's papers with the whole word in title or abstract (any case)."""
    word = re.compile(r"(?<!\w)speech(?!\w)", re.IGNORECASE)
    whole = orjson.loads(client.get("/api/v1/digests/2021-04-19").content)["papers"]
    found = orjson.loads(client.get("/api/v1/digests/2021-04-19?keyword=Speech").content)["papers"]
    expected = [p["paper"]["arxiv_id"] for p in whole if word.search(f"{p['paper']['title']}\n{p['paper']['abstract']}")]
    assert [p["paper"]["arxiv_id"] for p in found] == expected and expected


def test_page_of_a_digest_has_link_header(client: TestClient) -> None:
    """limit/offset return that slice of papers with Link (next, prev, first) and X-Total-Count."""
    whole = orjson.loads(client.get("/api/v1/digests/2021-04-19").content)
    answer = client.get("/api/v1/digests/2021-04-19?limit=3&offset=3")
    page = orjson.loads(answer.content)
    assert page["papers"] == whole["papers"][3:6]
    assert answer.headers["x-total-count"] == str(len(whole["papers"]))
    link = answer.headers["link"]
    assert 'rel="next"' in link and "offset=6" in link and 'rel="prev"' in link and "offset=0" in link


@pytest.mark.parametrize("query", ["preset=nope", "limit=0", "limit=501", "offset=-1", "has_code=maybe", "color=red",
                                   "category=", "limit=1&limit=2"])
def test_bad_query_is_a_400_naming_the_parameter(client: TestClient, query: str) -> None:
    """A bad or unknown query parameter answers 400 with a problem naming it."""
    answer = client.get(f"/api/v1/digests/2021-04-19?{query}")
    assert answer.status_code == 400
    assert query.split("=", 1)[0] in orjson.loads(answer.content)["detail"]


def test_a_profile_without_a_published_digest_is_a_404(client: TestClient) -> None:
    """profile=NAME answers 404 naming the profile when it published no digest of that day."""
    answer = client.get("/api/v1/digests/2021-04-19?profile=alice")
    assert answer.status_code == 404 and "alice" in orjson.loads(answer.content)["detail"]
