"""The enrichment tests' harness (the fixtures using it are in conftest.py): one local server standing in for GitHub, Semantic Scholar and Hugging Face,
answering with the recorded (or, for Hugging Face, hand-made) responses, and a store holding the recorded arXiv
listing of 2024-11-28 (tests/fixtures/arxiv/) with a few posts.

The local GitHub answers every ``/gh/repos/OWNER/REPO`` with the recorded PyGithub repository (200, its ETag), or
304 when the request carries that ETag. The local Semantic Scholar answers ``POST /s2/paper/batch`` with the
recorded batch's entries, repeated in order to give one per id asked (the recording has 4: ``null`` then three
papers). The local Hub answers ``/hf/papers/2411.17702`` and ``/hf/papers/2411.17700`` with the hand-made records,
and 404 for any other paper. ``World.override`` replaces the answers of a path prefix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hotpapers.arxiv.rss import parse_rss
from hotpapers.config import EnrichSettings
from hotpapers.http import NO_RETRIES
from hotpapers.jobs.environment import Environment
from hotpapers.models import EngagementSnapshot, LinkMethod, PaperLink, Post
from hotpapers.store import open_store
from hotpapers.store.base import Store
from hotpapers.store.records import store_records

from helpers.enrich_recordings import REPO, hub_reply, replay_data, s2_batch_reply
from helpers.localserver import Reply, Served
from helpers.paths import FIXTURES

DAY = dt.date(2024, 11, 28)
NOW = dt.datetime(2024, 11, 29, 2, 0, tzinfo=dt.UTC)
GOODVIEWS = "2411.17702"  # its abstract links https://github.com/mandiehyewon/goodviews_ecg.git
EEG = "2411.17705"  # its abstract links \href{https://github.com/Kanyooo/EEG-DCNet}{here}
ECOMMERCE = "2411.17700"  # no link in its text
REPO_ETAG = replay_data(REPO)[0].headers["ETag"]

Answer = Reply | Callable[[str], Reply]


class World:
    """The routes of the local server, and what it was asked."""

    def __init__(self) -> None:
        self.served: Served = Served("")
        self.overrides: dict[str, Answer] = {}

    def override(self, prefix: str, answer: Answer) -> None:
        """Answer every request whose path starts with ``prefix`` with ``answer`` (a reply or a function of the path)."""
        self.overrides[prefix] = answer

    def env(self, **extra: str) -> dict[str, str]:
        """The environment pointing every enrichment provider at this server."""
        return {
            "HOTPAPERS_GITHUB_API_URL": f"{self.served.url}/gh",
            "HOTPAPERS_S2_API_URL": f"{self.served.url}/s2",
            "HOTPAPERS_HF_API_URL": f"{self.served.url}/hf",
            **extra,
        }

    def asked(self, prefix: str) -> list[str]:
        """The paths asked that start with ``prefix``."""
        return [p for p in self.served.requests if p.startswith(prefix)]

    def route(self, path: str) -> Reply | None:
        for prefix, answer in self.overrides.items():
            if path.startswith(prefix):
                return answer(path) if callable(answer) else answer
        if path.startswith("/gh/repos/"):
            return self._github()
        if path.startswith("/s2/paper/batch"):
            return s2_batch_reply(self.served.bodies[-1])
        if path.startswith("/hf/papers/"):
            return hub_reply(path.removeprefix("/hf/papers/"))
        return None

    def _github(self) -> Reply:
        if self.served.headers[-1].get("If-None-Match") == REPO_ETAG:
            return Reply(b"", 304, headers={"ETag": REPO_ETAG})
        return replay_data(REPO)[0].reply()


def environment(env: dict[str, str], now: Callable[[], dt.datetime] = lambda: NOW,
                sleeps: list[float] | None = None) -> Environment:
    """What providers get: ``env``, a frozen clock, sleeps recorded (not slept) and no retries."""
    waits = sleeps if sleeps is not None else []
    return Environment(env=env, now=now, sleep=waits.append, retry=NO_RETRIES)


def author_post(arxiv_id: str, text: str, *, handle: str = "hyewonjeong", name: str = "Hyewon Jeong") -> Post:
    """An X post by (the name of) an author of 2411.17702, linking ``arxiv_id``."""
    return Post(
        platform="x", post_id=f"{arxiv_id}-{handle}", url=f"https://twitter.com/{handle}/status/1",
        author_handle=handle, author_name=name, text=text, created_at=NOW - dt.timedelta(hours=3),
        links=(PaperLink(arxiv_id, LinkMethod.URL),),  # type: ignore[arg-type]
    )  # fmt: skip


def listing_store(url: str, posts: tuple[Post, ...] = ()) -> Store:
    """A store at ``url`` holding the recorded listing of 2024-11-28 and ``posts`` (1,000 likes each)."""
    feed = parse_rss((FIXTURES / "arxiv" / "rss_2024-11-28_multi_archive_excerpt.xml").read_bytes())
    store = open_store(url)
    likes = [EngagementSnapshot(p.platform, p.post_id, NOW - dt.timedelta(hours=1), likes=1000) for p in posts]
    store_records(store, [*feed.papers, *feed.announcements, *posts, *likes])
    return store


DISCUSSED = (
    author_post(GOODVIEWS, "Our ECG paper is out"),
    author_post(GOODVIEWS, "Good views of ECGs", handle="reader", name="A Reader"),
    author_post(EEG, "EEG-DCNet", handle="someone", name="Some One"),
    author_post(ECOMMERCE, "read this", handle="reader", name="A Reader"),
)
"""Posts about three papers of the listing (the first by an author of 2411.17702); ``listing_store`` gives each
1,000 likes, so that the ``default`` preset lists the three."""


def settings(**changes: object) -> EnrichSettings:
    """Enrichment settings with ``changes``."""
    return EnrichSettings(**changes)  # type: ignore[arg-type]
