"""HTTP semantics of the read API: methods, HEAD, ETags and conditional requests, caching headers, the token, and
never writing to the store."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from shutil import copyfile

import orjson
import pytest
from starlette.testclient import TestClient

from hotpapers.cli import main
from hotpapers.config import ServeSettings, Settings
from hotpapers.errors import ConfigError
from hotpapers.jobs.serve import create_app

from helpers.serving import Published

DIGEST = "/api/v1/digests/2021-04-19"
TOKEN = "s3cret-serve-token-0123456789"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
@pytest.mark.parametrize("path", [DIGEST, "/api/v1/nowhere", "/", "/openapi.json"])
def test_only_get_and_head_are_accepted(client: TestClient, method: str, path: str) -> None:
    """Every other method, on any path, answers 405 with Allow: GET, HEAD and a JSON problem."""
    answer = client.request(method, path)
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD"
    if method != "HEAD":
        assert orjson.loads(answer.content)["status"] == 405


@pytest.mark.parametrize("path", [DIGEST, "/api/v1/days", "/api/v1/papers/2104.08223", "/", "/openapi.json",
                                  "/api/v1/search?q=speech", "/api/v1/views/week/2021-04-19"])
def test_head_is_get_without_body(client: TestClient, path: str) -> None:
    """HEAD answers GET's status and headers (Content-Length included) with no body."""
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    for name in ("etag", "content-length", "content-type", "cache-control"):
        assert head.headers[name] == got.headers[name]


def test_etag_is_a_strong_hash_of_the_body(client: TestClient) -> None:
    """The ETag is strong (no W/) and is the body's blake2b-128 hash, quoted."""
    answer = client.get(DIGEST)
    assert answer.headers["etag"] == f'"{hashlib.blake2b(answer.content, digest_size=16).hexdigest()}"'


def test_if_none_match_answers_304(client: TestClient) -> None:
    """If-None-Match with the ETag (alone, in a list, weak-prefixed, or *) answers 304 with no body."""
    etag = client.get(DIGEST).headers["etag"]
    for header in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        answer = client.get(DIGEST, headers={"If-None-Match": header})
        assert answer.status_code == 304 and answer.content == b""
        assert answer.headers["etag"] == etag
    assert client.get(DIGEST, headers={"If-None-Match": '"other"'}).status_code == 200


def test_if_modified_since_answers_304(client: TestClient) -> None:
    """If-Modified-Since at or after Last-Modified answers 304; before it, 200."""
    modified = client.get(DIGEST).headers["last-modified"]
    assert client.get(DIGEST, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(DIGEST, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200


def test_cache_control_is_public_with_max_age(published: Published) -> None:
    """Answers say public, max-age from [serve] max_age."""
    app = create_app(published.db, settings=Settings(preset="classic", serve=ServeSettings(max_age=300)))
    with TestClient(app) as client:
        assert client.get(DIGEST).headers["cache-control"] == "public, max-age=300"


def test_a_change_in_the_store_changes_the_answer(published: Published, tmp_path: Path) -> None:
    """After another process publishes a digest again, the next request shows it, under a new ETag."""
    db = str(tmp_path / "copy.db")
    copyfile(published.db, db)
    with TestClient(create_app(db, check_interval=0)) as client:
        url = "/api/v1/digests/2021-04-19?preset=default"
        before = client.get(url)
        assert client.get(url, headers={"If-None-Match": before.headers["etag"]}).status_code == 304
        assert main(["--db", db, "render", "--date", "2021-04-19", "--preset", "default", "--refresh",
                     "--min-score", "0", "--format", "json", "--out", str(tmp_path / "out")]) == 0
        after = client.get(url, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and after.content != before.content
        assert after.content == (tmp_path / "out" / "json" / "2021-04-19.json").read_bytes()


def test_serving_never_writes_the_store(published: Published, tmp_path: Path) -> None:
    """A session of every kind of request leaves the store file byte for byte as it was, and takes no lock."""
    db = tmp_path / "copy.db"
    copyfile(published.db, db)
    before = db.read_bytes()
    with TestClient(create_app(str(db), check_interval=0)) as client:
        for path in (DIGEST, "/api/v1/days", "/api/v1/papers/2104.08223", "/api/v1/search?q=face", "/",
                     "/api/v1/views/month/2021-04", "/api/v1/views/rising", "/days/2021-04-19.html"):
            assert client.get(path).status_code == 200
    assert db.read_bytes() == before
    assert not (tmp_path / "copy.db.lock").exists()


def test_profile_needs_the_token_when_one_is_set(published: Published) -> None:
    """With a token, profile= without it is 401 with WWW-Authenticate; a wrong one 401; the right one passes."""
    with TestClient(create_app(published.db, token=TOKEN)) as client:
        missing = client.get(f"{DIGEST}?profile=me")
        assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
        wrong = client.get(f"{DIGEST}?profile=me", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and 'error="invalid_token"' in wrong.headers["www-authenticate"]
        right = client.get(f"{DIGEST}?profile=me", headers={"Authorization": f"Bearer {TOKEN}"})
        assert right.status_code == 404  # past the token: no profile of that name
        public = client.get(DIGEST)
        assert public.status_code == 200 and public.headers["vary"] == "Authorization"


def test_private_asks_the_token_everywhere(published: Published) -> None:
    """[serve] private = true: every route needs the token, and the answers are Cache-Control: private."""
    settings = Settings(serve=ServeSettings(private=True))
    with TestClient(create_app(published.db, settings=settings, token=TOKEN)) as client:
        for path in (DIGEST, "/api/v1/days", "/api/v1/papers/2104.08223", "/"):
            assert client.get(path).status_code == 401
        answer = client.get(DIGEST, headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200 and answer.headers["cache-control"].startswith("private")


def test_private_without_a_token_is_refused(published: Published) -> None:
    """private = true with no HOTPAPERS_SERVE_TOKEN is a configuration error naming both."""
    with pytest.raises(ConfigError, match="HOTPAPERS_SERVE_TOKEN"):
        create_app(published.db, settings=Settings(serve=ServeSettings(private=True)))


def test_the_token_never_appears_in_answers_or_logs(published: Published, caplog: pytest.LogCaptureFixture) -> None:
    """Neither a right nor a wrong token is echoed in any answer or log record."""
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(published.db, token=TOKEN)) as client:
        answers = [client.get(f"{DIGEST}?profile=me", headers={"Authorization": f"Bearer {value}"})
                   for value in (TOKEN, TOKEN + "x")]
    for answer in answers:
        assert TOKEN not in answer.text and TOKEN not in str(answer.headers)
    assert TOKEN not in caplog.text


def test_unknown_api_route_is_a_json_404(client: TestClient) -> None:
    """A path under /api that is no route answers a JSON 404, not the site's page."""
    answer = client.get("/api/v2/digests")
    assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"
