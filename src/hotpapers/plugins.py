"""Extension points: the ``Source``, ``Provider``, ``Writer`` and ``Channel`` (delivery) protocols, the records
they exchange with hotpapers, and the ``Registry`` a plugin adds itself to.

This module imports no implementation: sources, providers, writers and the jobs all import it, and it imports none
of them. A distribution declares an entry point in the group ``hotpapers`` naming a module with a
``register(registry)`` function::

    [project.entry-points.hotpapers]
    myplugin = "myplugin.hotpapers_plugin"

and ``register`` calls ``registry.add_writer(...)`` / ``registry.add_source(...)`` / ``registry.add_provider(...)`` /
``registry.add_channel(...)``. The built-in sources, providers, writers and channels register the same way
(``hotpapers.jobs.registry``, which also loads the registry with every installed plugin: ``load_registry``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import httpx

from hotpapers.http import RetryPolicy
from hotpapers.models import (
    ArxivId,
    CodeLink,
    Digest,
    EnrichmentRecord,
    Paper,
    Post,
    Record,
    RepoSnapshot,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Channel",
    "ChannelContext",
    "Checkpoint",
    "CollectRequest",
    "DeliveryItem",
    "DeliveryMessage",
    "DeliveryProgress",
    "EnrichRequest",
    "EnrichTarget",
    "Provider",
    "Registry",
    "Source",
    "SourceContext",
    "SourceOutput",
    "SourceStatus",
    "SourceUsage",
    "Writer",
]

ENTRY_POINT_GROUP = "hotpapers"
"""The entry-point group plugins register under."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A source's own state to keep between runs (a budget spent today, a cursor), under ``key``.

    The collect job stores it as the source's checkpoint (``Store.set_state(source, key, value)``) in the same
    transaction as the records yielded before it; ``SourceContext.state(key)`` reads it back in a later run.
    """

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class SourceUsage:
    """What a source has spent so far in this run, for the run summary (the latest one yielded counts).

    ``quantity`` of ``unit`` (e.g. 412 "posts read", 306 "quota units"), the estimated ``cost`` in US dollars if
    the platform bills it, and a ``note`` (e.g. what is left of a daily budget).
    """

    quantity: int
    unit: str
    cost: float | None = None
    note: str = ""


SourceOutput = Record | Checkpoint | SourceUsage
"""Everything a source may yield: records for the store (papers, announcements, posts, snapshots, ``PostGone``,
account profiles: what the platform says of a post's author; never files), its own checkpoints, and what it
spent."""


def _no_state(key: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class SourceContext:
    """What a source factory gets: everything from outside, so that tests can replace all of it.

    ``http`` is a client made for this source alone (User-Agent, timeouts, request counting); ``env`` is where
    tokens and endpoint URLs come from (``HOTPAPERS_*``); ``sleep`` is how to wait for a rate limit (a no-op in
    tests); ``retry`` is the retry policy for ``hotpapers.http.request``; ``state`` reads the source's own
    checkpoints (see ``Checkpoint``), None for a key never saved.
    """

    http: httpx.Client
    env: Mapping[str, str]
    now: Callable[[], dt.datetime]
    sleep: Callable[[float], None]
    retry: RetryPolicy
    state: Callable[[str], str | None] = _no_state


@dataclass(frozen=True, slots=True)
class CollectRequest:
    """What to collect: the posts of a listing day's window about that day's papers.

    ``known_posts`` are the posts of this source's platform already in the store that link ``papers``: their
    engagement is to be refreshed (a new snapshot each), and a post that is gone reported as ``PostGone``. They
    come most important first (posts of the papers that rank highest, then the most engaged posts), so that a
    source with a budget spends it on the posts that matter. ``profiled`` holds the accounts, as (platform,
    handle), whose profile the store observed recently: a source need not look them up again.
    """

    day: dt.date
    start: dt.datetime
    end: dt.datetime
    papers: tuple[ArxivId, ...]
    known_posts: tuple[Post, ...] = ()
    profiled: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """Whether a source can run, and if not, how to enable it."""

    enabled: bool
    reason: str = ""


@runtime_checkable
class Source(Protocol):
    """A social platform (or archive) that yields posts and engagement for a window of time."""

    name: str

    def status(self) -> SourceStatus:
        """Say whether the source is usable (credentials present, etc.).

        Returns:
            A ``SourceStatus``; when disabled, ``reason`` says how to enable it.
        """
        ...

    def collect(self, request: CollectRequest) -> Iterator[SourceOutput]:
        """Yield posts linking arXiv papers in the request's window, their engagement snapshots, and
        refreshed snapshots (or ``PostGone``) for ``request.known_posts``; optionally ``Checkpoint``s of the
        source's own state and ``SourceUsage`` (what the run spent).

        A post yielded must link at least one arXiv id (resolved with ``hotpapers.links``); it may link papers
        outside ``request.papers``. Records are yielded as they are parsed, page by page, so that the caller
        can commit as it goes. Per-item problems are skipped (and logged); only a failure of the whole source
        raises.

        Raises:
            NetworkError: the platform could not be reached after retries.
            APIError: the platform refused (bad credentials, quota).
            ParseError: the platform answered with an undocumented shape.
        """
        ...


@dataclass(frozen=True, slots=True)
class EnrichTarget:
    """A paper to enrich, with the posts that link it (an author's post may link its code)."""

    paper: Paper
    posts: tuple[Post, ...] = ()

    @property
    def discussed(self) -> bool:
        """True when at least one post links the paper (only such papers can be ranked)."""
        return bool(self.posts)


@dataclass(frozen=True, slots=True)
class EnrichRequest:
    """What to enrich, and what the store already knows so that a provider asks only for what is stale.

    ``targets`` are the papers of the listing days ``days``, most discussed first (a provider that runs out of
    quota has then served the papers that matter most). A provider that makes one request per paper asks only for
    ``discussed`` papers unless ``all_papers``. A record observed at or after ``fresh_since`` is fresh: a provider
    asks again only for what has no fresh record. ``code_links`` are the links stored for the targets (by paper);
    ``repos`` the latest snapshot of each of their repositories (by ``repo_key``), with its ETag;
    ``observed`` the time of the latest record of this provider for each paper.
    """

    days: tuple[dt.date, ...]
    targets: tuple[EnrichTarget, ...]
    fresh_since: dt.datetime
    all_papers: bool = False
    code_links: Mapping[ArxivId, tuple[CodeLink, ...]] = field(default_factory=dict)
    repos: Mapping[str, RepoSnapshot] = field(default_factory=dict)
    observed: Mapping[ArxivId, dt.datetime] = field(default_factory=dict)

    def wanted(self) -> tuple[EnrichTarget, ...]:
        """The targets a per-paper provider asks about: the discussed ones, or all with ``all_papers``."""
        return self.targets if self.all_papers else tuple(t for t in self.targets if t.discussed)

    def stale(self, arxiv_id: ArxivId) -> bool:
        """True when this provider has no fresh record of ``arxiv_id``."""
        seen = self.observed.get(arxiv_id)
        return seen is None or seen < self.fresh_since


@runtime_checkable
class Provider(Protocol):
    """An enrichment provider: yields what it finds about papers (code, artifacts, citations) as records."""

    name: str

    def status(self) -> SourceStatus:
        """Say whether the provider is usable, and how to enable it or raise its limits.

        Returns:
            A ``SourceStatus``; when disabled, ``reason`` says how to enable it. An enabled provider's ``reason``
            may say how to do better (e.g. an optional token for a higher rate limit).
        """
        ...

    def enrich(self, request: EnrichRequest) -> Iterator[EnrichmentRecord]:
        """Yield code links and snapshots for the request's papers, asking only for what is stale.

        Records are yielded as they are found, so that the caller stores them as it goes; a failure after some
        records keeps those. Per-paper problems are skipped (and logged at WARNING); only a failure of the whole
        provider (or a rate limit that stops it) raises.

        Raises:
            NetworkError: the service could not be reached after retries.
            APIError: the service refused (bad key, rate limit reached).
            ParseError: the service answered with an undocumented shape.
        """
        ...


@runtime_checkable
class Writer(Protocol):
    """Renders a finished ``Digest`` to files. Never touches the network or the store."""

    name: str

    def write(self, digest: Digest, out_dir: Path) -> list[Path]:
        """Write the digest under ``out_dir`` (atomically) and return the paths written.

        Raises:
            WriterError: a file could not be written.
        """
        ...


@dataclass(frozen=True, slots=True)
class DeliveryItem:
    """One paper of a message: what every channel shows of it."""

    rank: int
    arxiv_id: ArxivId
    title: str
    authors: tuple[str, ...]
    url: str  # the abstract page
    pdf_url: str | None
    why: str  # one line: why it is in this profile's digest (relevance, boosts, buzz)
    tldr: str | None  # the stored TL;DR (hotpapers summarize), if any
    score: float
    relevance: float | None


@dataclass(frozen=True, slots=True)
class DeliveryMessage:
    """What a profile gets for one period: the top papers of its digest, with a title and where to read more."""

    profile: str
    period: str  # "2024-11-28" (a day) or "2024-W48" (a week)
    title: str
    items: tuple[DeliveryItem, ...]
    link: str | None = None  # the profile's "for you" page, when the site's base URL is known


@dataclass
class DeliveryProgress:
    """What a channel sent so far of this message (a thread's posts), kept in the store as it goes: a channel
    whose sends are idempotent resumes from it after a crash. ``save`` records ``state`` (JSON values)."""

    state: dict[str, object]
    save: Callable[[dict[str, object]], None]

    def update(self, **values: object) -> None:
        """Add ``values`` to the state and record it at once."""
        self.state.update(values)
        self.save(dict(self.state))


@dataclass(frozen=True, slots=True)
class ChannelContext:
    """What a channel factory gets: ``target`` is what the profile names (email recipients, a webhook URL or
    ``$VARIABLE``, a Telegram chat id; empty for a social account), ``env`` where credentials and endpoints come
    from, ``http`` a client of its own, ``sleep`` how to wait for a rate limit, ``timeout`` seconds per wait."""

    target: str
    env: Mapping[str, str]
    http: httpx.Client
    now: Callable[[], dt.datetime]
    sleep: Callable[[float], None]
    timeout: float = 60.0


@runtime_checkable
class Channel(Protocol):
    """Where a profile's digest is delivered: an email, a chat message, a social thread."""

    name: str  # the kind: email, slack, discord, mattermost, telegram, webhook, bluesky, mastodon
    key: str  # unique among a profile's channels: "email", "slack:3f2a9c01d2" (a hash of the target), "bluesky"
    idempotent: bool  # True when sending the same message again is harmless (a resumed thread, an idempotency key)

    def status(self) -> SourceStatus:
        """Say whether the channel can send (credentials, endpoint), and if not, how to enable it."""
        ...

    def send(self, message: DeliveryMessage, progress: DeliveryProgress) -> dict[str, object]:
        """Send ``message``; return what the channel answered (ids, recipients), as JSON values.

        A channel of several requests (a thread) records each step with ``progress.update`` and, when
        ``idempotent``, resumes from ``progress.state``.

        Raises:
            DeliveryError: the channel refused the message (``unconfirmed`` False: it did not leave, a later run
                sends it), or the connection broke after it may have left (``unconfirmed`` True).
        """
        ...


@dataclass
class Registry:
    """The sources, enrichment providers, writers and delivery channels known to this process, by name."""

    writers: dict[str, Callable[[], Writer]] = field(default_factory=dict)
    sources: dict[str, Callable[[SourceContext], Source]] = field(default_factory=dict)
    providers: dict[str, Callable[[SourceContext], Provider]] = field(default_factory=dict)
    channels: dict[str, Callable[[ChannelContext], Channel]] = field(default_factory=dict)

    def add_writer(self, name: str, factory: Callable[[], Writer]) -> None:
        """Register a writer factory under ``name`` (a later registration replaces an earlier one)."""
        self.writers[name] = factory

    def add_source(self, name: str, factory: Callable[[SourceContext], Source]) -> None:
        """Register a source factory under ``name``."""
        self.sources[name] = factory

    def add_provider(self, name: str, factory: Callable[[SourceContext], Provider]) -> None:
        """Register an enrichment provider factory under ``name`` (it gets a ``SourceContext`` like a source)."""
        self.providers[name] = factory

    def add_channel(self, name: str, factory: Callable[[ChannelContext], Channel]) -> None:
        """Register a delivery channel factory under ``name`` (the kind a profile's ``webhooks`` entry names)."""
        self.channels[name] = factory
