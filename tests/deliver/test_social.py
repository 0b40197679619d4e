"""Social threads against local stand-ins of a Bluesky PDS and a Mastodon instance: reply chains, the recorded
createRecord 400, idempotency, and a crash in the middle of a thread."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
import yaml

from hotpapers.cli import main
from hotpapers.deliver.bluesky import POST_LIMIT, tid

from helpers import paths
from helpers.localserver import Reply, Served, request_body, serve
from helpers.profileworld import DAY, write_config

FIXTURES = paths.FIXTURES / "deliver"
RECORDED_400 = (FIXTURES / "createRecord_400_InvalidRequest.body.json").read_bytes()
_CASSETTE = yaml.safe_load((FIXTURES / "bskyr_cassette_createRecord_400_InvalidRequest.yml").read_text("utf-8"))
RECORDED_400_HEADERS = {  # the recorded answer's own headers (its rate-limit state), as the PDS sent them
    name: str(value) for name, value in _CASSETTE["http_interactions"][0]["response"]["headers"].items()
    if name.lower().startswith(("ratelimit-", "etag", "vary", "access-control-"))
}
PASSWORD = "abcd-efgh-ijkl-mnop"
ACCESS = "eyJ-access-token-of-the-test-session"


@dataclass
class Pds:
    """A Bluesky PDS stand-in: its records by rkey, and a number of createRecord calls to refuse with the recorded 400."""

    records: dict[str, dict[str, object]] = field(default_factory=dict)
    refuse: set[int] = field(default_factory=set)
    creates: int = 0

    def route(self, path: str) -> Reply:
        parts = urlsplit(path)
        if parts.path.endswith("createSession"):
            body = orjson.loads(request_body())
            if body["password"] != PASSWORD:
                return Reply(b'{"error":"AuthenticationRequired","message":"Invalid identifier or password"}', 401,
                             "application/json")  # fmt: skip
            return Reply(orjson.dumps({"did": "did:plc:hotpapers", "handle": body["identifier"], "accessJwt": ACCESS,
                                       "refreshJwt": "refresh"}), 200, "application/json")  # fmt: skip
        if parts.path.endswith("getRecord"):
            rkey = parse_qs(parts.query)["rkey"][0]
            if rkey not in self.records:
                return Reply(b'{"error":"RecordNotFound","message":"Could not locate record"}', 400, "application/json")
            return Reply(orjson.dumps(self.records[rkey]), 200, "application/json")
        if parts.path.endswith("createRecord"):
            self.creates += 1
            if self.creates in self.refuse:
                return Reply(RECORDED_400, 400, "application/json; charset=utf-8", RECORDED_400_HEADERS)
            body = orjson.loads(request_body())
            uri = f"at://did:plc:hotpapers/app.bsky.feed.post/{body['rkey']}"
            answer = {"uri": uri, "cid": f"bafy{len(self.records)}", "value": body["record"]}
            self.records[body["rkey"]] = answer
            return Reply(orjson.dumps({"uri": uri, "cid": answer["cid"]}), 200, "application/json")
        return Reply(b"{}", 404, "application/json")


@pytest.fixture
def pds(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Pds, Served]]:
    """A PDS stand-in on 127.0.0.1 and the environment pointing the bluesky channel at it."""
    state = Pds()
    with serve(state.route) as served:
        monkeypatch.setenv("HOTPAPERS_BSKY_PDS_URL", served.url)
        monkeypatch.setenv("HOTPAPERS_BSKY_HANDLE", "hotpapers.test")
        monkeypatch.setenv("HOTPAPERS_BSKY_APP_PASSWORD", PASSWORD)
        monkeypatch.setenv("HOTPAPERS_SOCIAL_POST_DELAY", "0")
        yield state, served


PROFILE = '[profiles.robots]\nlibrary = "library.bib"\ntop = 4\nbluesky = true\nmastodon = true\n'


def deliver(db: str, config: Path) -> int:
    return main(["--db", db, "--config", str(config), "deliver", "--profile", "robots", "--date", DAY.isoformat()])


def thread(pds: Pds) -> list[dict[str, object]]:
    return [r["value"] for r in pds.records.values()]  # type: ignore[misc]


def test_bluesky_thread_replies_to_its_root_and_links_each_paper(
    sample_db: str, tmp_path: Path, pds: tuple[Pds, Served]
) -> None:
    """createSession, then one createRecord per post: the first the title, then each paper with a link facet, each
    replying to the thread's root and the post before, each within 300 characters."""
    state, served = pds
    config = write_config(tmp_path, PROFILE.replace("mastodon = true", "mastodon = false"))
    assert deliver(sample_db, config) == 0
    posts = thread(state)
    assert len(posts) == 5
    assert all(len(str(p["text"])) <= POST_LIMIT for p in posts)
    root = state.records[next(iter(state.records))]
    assert "reply" not in posts[0]
    assert posts[2]["reply"]["root"]["uri"] == root["uri"]  # type: ignore[index]
    facet = posts[1]["facets"][0]  # type: ignore[index]
    text = str(posts[1]["text"]).encode()
    assert text[facet["index"]["byteStart"]:facet["index"]["byteEnd"]].startswith(b"https://arxiv.org/abs/")
    assert served.headers[-1]["Authorization"] == f"Bearer {ACCESS}"


def test_recorded_400_stops_the_thread_and_the_next_run_finishes_it(
    sample_db: str, tmp_path: Path, pds: tuple[Pds, Served], capsys: pytest.CaptureFixture[str]
) -> None:
    """The recorded createRecord 400 on the third post: exit 8 with Bluesky's message; the next run posts the rest
    and never the first two again."""
    state, _ = pds
    state.refuse = {3}
    config = write_config(tmp_path, PROFILE.replace("mastodon = true", "mastodon = false"))
    assert deliver(sample_db, config) == 8
    assert "must not be longer than 300 graphemes" in capsys.readouterr().out
    assert len(state.records) == 2
    assert deliver(sample_db, config) == 0
    assert len(state.records) == 5


CRASH = textwrap.dedent("""
    import os, sys
    from hotpapers import plugins
    real = plugins.DeliveryProgress.update
    def update(self, **values):
        posts = values.get("posts")
        if isinstance(posts, list) and len(posts) == 3:
            os._exit(137)  # the third post is published; the store never hears of it
        return real(self, **values)
    plugins.DeliveryProgress.update = update
    from hotpapers.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def test_crash_in_the_middle_of_a_bluesky_thread_resumes_without_a_duplicate(
    sample_db: str, tmp_path: Path, pds: tuple[Pds, Served]
) -> None:
    """Killed right after the third post was published: the next run finds it by its record key and posts only the
    rest (exactly once)."""
    state, _ = pds
    config = write_config(tmp_path, PROFILE.replace("mastodon = true", "mastodon = false"))
    args = ["--db", sample_db, "--config", str(config), "deliver", "--profile", "robots", "--date", DAY.isoformat()]
    assert subprocess.run([sys.executable, "-c", CRASH, *args], env=os.environ.copy(), check=False).returncode == 137
    assert len(state.records) == 3
    assert deliver(sample_db, config) == 0
    assert len(state.records) == 5
    assert state.creates == 5


@dataclass
class Instance:
    """A Mastodon stand-in honouring Idempotency-Key: a repeated key gets the status it made."""

    statuses: list[dict[str, object]] = field(default_factory=list)
    by_key: dict[str, dict[str, object]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    served: Served | None = None

    def route(self, path: str) -> Reply:
        assert self.served is not None
        key = self.served.headers[-1].get("Idempotency-Key", "")  # the request being answered
        self.keys.append(key)
        if key not in self.by_key:
            body = orjson.loads(request_body())
            number = len(self.statuses)
            status = {"id": str(110_000 + number), "url": f"https://example.social/@hp/{number}",
                      "content": body["status"], "in_reply_to_id": body.get("in_reply_to_id")}  # fmt: skip
            self.statuses.append(status)
            self.by_key[key] = status
        return Reply(orjson.dumps(self.by_key[key]), 200, "application/json")


@pytest.fixture
def instance(monkeypatch: pytest.MonkeyPatch) -> Iterator[Instance]:
    """A Mastodon instance stand-in on 127.0.0.1 and the environment pointing the mastodon channel at it."""
    state = Instance()
    with serve(state.route) as served:
        state.served = served
        monkeypatch.setenv("HOTPAPERS_MASTODON_POST_URL", served.url)
        monkeypatch.setenv("HOTPAPERS_MASTODON_POST_TOKEN", "mastodon-token-for-tests")
        monkeypatch.setenv("HOTPAPERS_SOCIAL_POST_DELAY", "0")
        yield state


def test_mastodon_thread_chains_replies_with_idempotency_keys(sample_db: str, tmp_path: Path, instance: Instance) -> None:
    """Each status replies to the one before (in_reply_to_id) and carries its own Idempotency-Key."""
    config = write_config(tmp_path, PROFILE.replace("bluesky = true", "bluesky = false"))
    assert deliver(sample_db, config) == 0
    assert len(instance.statuses) == 5
    assert [s["in_reply_to_id"] for s in instance.statuses[1:]] == [s["id"] for s in instance.statuses[:-1]]
    assert len(set(instance.keys)) == 5 and all(k.startswith("hotpapers-robots-2021-04-19-") for k in instance.keys)


def test_crash_in_the_middle_of_a_mastodon_thread_resumes_with_the_same_key(
    sample_db: str, tmp_path: Path, instance: Instance
) -> None:
    """Killed after the third status was made: the next run sends it again under the same key (the instance
    answers with the status it made) and then the rest: no duplicate."""
    config = write_config(tmp_path, PROFILE.replace("bluesky = true", "bluesky = false"))
    args = ["--db", sample_db, "--config", str(config), "deliver", "--profile", "robots", "--date", DAY.isoformat()]
    assert subprocess.run([sys.executable, "-c", CRASH, *args], env=os.environ.copy(), check=False).returncode == 137
    assert deliver(sample_db, config) == 0
    assert len(instance.statuses) == 5
    assert instance.keys.count(instance.keys[2]) == 2


def test_tid_is_thirteen_sortable_characters() -> None:
    """Record keys are TIDs: 13 characters of the base32-sortable alphabet, later instants sorting later."""
    first, later = tid(1_700_000_000_000_000, 7), tid(1_700_000_000_000_001, 7)
    assert len(first) == 13 and first < later
    assert set(first) <= set("234567abcdefghijklmnopqrstuvwxyz")
