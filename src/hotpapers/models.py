"""The records that flow through hotpapers.

Every record is a frozen, slotted dataclass; every datetime is timezone-aware UTC (checked on
construction). Outside data (API payloads, legacy JSON) is parsed into these records by the
parsers in ``hotpapers.arxiv`` and ``hotpapers.sources``; the store converts them to rows and back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NewType

__all__ = [
    "AccountEvidence",
    "AccountProfile",
    "AnnounceType",
    "Announcement",
    "Archive",
    "ArtifactCounts",
    "ArtifactSnapshot",
    "ArxivId",
    "BreakdownItem",
    "CitationInfo",
    "CitationSnapshot",
    "Claim",
    "CodeHost",
    "CodeInfo",
    "CodeLink",
    "Delivery",
    "Digest",
    "EngagementSnapshot",
    "EnrichmentRecord",
    "FoundIn",
    "LinkMethod",
    "NotInterested",
    "Paper",
    "PaperEnrichment",
    "PaperEvidence",
    "PaperLink",
    "Post",
    "PostEvidence",
    "PostGone",
    "PostKind",
    "RankedPaper",
    "RankedPost",
    "Record",
    "RepoSnapshot",
    "SourceRef",
    "Summary",
    "SummaryKind",
    "ensure_utc",
    "repo_key",
]

ArxivId = NewType("ArxivId", str)
"""A canonical, versionless arXiv identifier: ``2104.08223`` or ``hep-th/9901001``."""


def ensure_utc(value: dt.datetime, what: str = "datetime") -> dt.datetime:
    """Return ``value`` converted to UTC (unchanged if it is UTC already); raise ``ValueError`` if it is naive."""
    if value.tzinfo is dt.UTC:
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(dt.UTC)


class AnnounceType(StrEnum):
    """How a paper appears in a day's announcement (the values of arXiv's RSS ``announce_type``)."""

    NEW = "new"
    CROSS = "cross"
    REPLACE = "replace"
    REPLACE_CROSS = "replace-cross"


class PostKind(StrEnum):
    """What a social post is. A repost is engagement on its original, never a mention of its own."""

    ORIGINAL = "original"
    QUOTE = "quote"
    REPLY = "reply"
    REPOST = "repost"


class LinkMethod(StrEnum):
    """How an arXiv id was found in a post."""

    URL = "url"  # an expanded URL of the post (entities, facets, embeds)
    TEXT = "text"  # the post's text (arXiv:ID or a bare arxiv.org URL)
    SOURCE = "source"  # the source itself names the paper (legacy per-paper search, HF daily papers)


@dataclass(frozen=True, slots=True)
class Paper:
    """One arXiv paper, as of its latest known version."""

    arxiv_id: ArxivId
    version: int
    title: str
    authors: tuple[str, ...]
    abstract: str
    primary_category: str
    categories: tuple[str, ...]
    submitted: dt.datetime | None = None
    updated: dt.datetime | None = None
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    abs_url: str | None = None
    pdf_url: str | None = None
    html_url: str | None = None

    def __post_init__(self) -> None:
        for name in ("submitted", "updated"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, ensure_utc(value, f"Paper.{name}"))
        if self.version < 1:
            raise ValueError(f"Paper.version must be >= 1, got {self.version}")


@dataclass(frozen=True, slots=True)
class Announcement:
    """A paper appearing in one day's arXiv announcement, at a position of that day's listing."""

    arxiv_id: ArxivId
    date: dt.date
    announce_type: AnnounceType
    position: int = 0


@dataclass(frozen=True, slots=True)
class PaperLink:
    """An arXiv id a post links to, with how it was found."""

    arxiv_id: ArxivId
    method: LinkMethod


@dataclass(frozen=True, slots=True)
class Post:
    """One public social post, identified by (platform, post_id)."""

    platform: str
    post_id: str
    url: str
    author_handle: str
    author_name: str
    text: str
    created_at: dt.datetime
    links: tuple[PaperLink, ...] = ()
    kind: PostKind = PostKind.ORIGINAL
    author_followers: int | None = None
    language: str | None = None
    references: str | None = None  # the post id this one quotes, replies to or reposts
    deleted: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "created_at", ensure_utc(self.created_at, "Post.created_at"))
        if self.author_followers is not None and self.author_followers < 0:
            raise ValueError(f"Post.author_followers must be >= 0, got {self.author_followers}")

    @property
    def arxiv_ids(self) -> tuple[ArxivId, ...]:
        """The distinct arXiv ids this post links, in order."""
        return tuple(dict.fromkeys(link.arxiv_id for link in self.links))


@dataclass(frozen=True, slots=True)
class EngagementSnapshot:
    """Counts of one post observed at one moment. Appended, never overwritten."""

    platform: str
    post_id: str
    observed_at: dt.datetime
    reposts: int = 0
    likes: int = 0
    replies: int = 0
    quotes: int = 0
    extras: tuple[tuple[str, int], ...] = ()  # platform extras such as ("points", 120)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "observed_at", ensure_utc(self.observed_at, "EngagementSnapshot.observed_at")
        )
        for name in ("reposts", "likes", "replies", "quotes"):
            if getattr(self, name) < 0:
                raise ValueError(f"EngagementSnapshot.{name} must be >= 0, got {getattr(self, name)}")
        for key, value in self.extras:
            if value < 0:
                raise ValueError(f"EngagementSnapshot extra {key!r} must be >= 0, got {value}")


@dataclass(frozen=True, slots=True)
class PostGone:
    """A platform says a post no longer exists or is not visible (deleted, suspended, withheld)."""

    platform: str
    post_id: str
    observed_at: dt.datetime
    reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "observed_at", ensure_utc(self.observed_at, "PostGone.observed_at"))


@dataclass(frozen=True, slots=True)
class RankedPost:
    """A post shown under a ranked paper, with the engagement the ranking used."""

    post: Post
    engagement: EngagementSnapshot
    score: float


@dataclass(frozen=True, slots=True)
class BreakdownItem:
    """One term of a paper's score: ``label`` contributed ``value`` points.

    ``kind`` says what sort of term it is, for programs (empty when the preset does not say; preset ``default``
    uses ``post``, ``credibility``, ``discount``, ``coordination``, ``bounded``, ``self-promotion``, ``enrichment``,
    ``note`` and ``resurfaced``).
    """

    label: str
    value: float
    kind: str = ""


class SummaryKind(StrEnum):
    """What a summary summarises: the paper (from its abstract) or the discussion (from its posts)."""

    TLDR = "tldr"
    DISCUSSION = "discussion"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a summary's words came from: a post (``platform``, ``item_id`` its post id) or, for a TL;DR, the
    paper's abstract (platform ``arxiv``, ``item_id`` the versioned id such as ``2104.08223v2``)."""

    platform: str
    item_id: str
    url: str = ""
    author: str = ""  # the post's author handle ('' for an abstract)


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement of a discussion summary and the sources it came from (indexes into ``Summary.sources``)."""

    text: str
    sources: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """A TL;DR or discussion summary of one paper, with its provenance.

    ``generator`` is ``extractive`` (sentences chosen from the sources, no model) or ``llm`` (a model reached through
    the ``llm`` library); ``model`` names the algorithm or model that wrote it and ``prompt_version`` the version of
    the algorithm or prompt; ``language`` is the target language of a generated summary (None: the sources' own);
    ``input_hash`` identifies everything it was made from, so it is made again only when that changes.
    """

    arxiv_id: ArxivId
    kind: SummaryKind
    text: str
    generator: str
    model: str
    prompt_version: str
    language: str | None
    created_at: dt.datetime
    input_hash: str
    sources: tuple[SourceRef, ...] = ()
    claims: tuple[Claim, ...] = ()
    input_tokens: int | None = None
    output_tokens: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "created_at", ensure_utc(self.created_at, "Summary.created_at"))
        for claim in self.claims:
            if any(not 0 <= i < len(self.sources) for i in claim.sources):
                raise ValueError(f"Summary claim cites a source it does not have: {claim.sources}")
        for name in ("input_tokens", "output_tokens"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"Summary.{name} must be >= 0, got {value}")


@dataclass(frozen=True, slots=True)
class RankedPaper:
    """A paper at its rank in a digest, with the posts shown under it and why it ranks there."""

    rank: int
    score: float
    paper: Paper
    posts: tuple[RankedPost, ...]
    breakdown: tuple[BreakdownItem, ...]
    reposts: int = 0
    likes: int = 0
    counted_at: dt.datetime | None = None  # the latest observation behind the counts (all posts, not only shown)
    enrichment: PaperEnrichment | None = None  # code, artifacts and citations as of the ranking (hotpapers enrich)
    tldr: Summary | None = None  # the paper in two lines (hotpapers.summarize)
    discussion: Summary | None = None  # what the substantive posts about it say, each claim citing its posts
    relevance: float | None = None  # 0..1: how close it is to a profile's library (hot for me; None: no profile)

    def __post_init__(self) -> None:
        if self.counted_at is not None:
            object.__setattr__(self, "counted_at", ensure_utc(self.counted_at, "RankedPaper.counted_at"))


@dataclass(frozen=True, slots=True)
class Digest:
    """A finished, ranked digest for one announcement day: all a writer needs, no I/O."""

    title: str
    date: dt.date
    window_start: dt.datetime
    window_end: dt.datetime
    generated_at: dt.datetime
    preset: str
    papers: tuple[RankedPaper, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for name in ("window_start", "window_end", "generated_at"):
            object.__setattr__(self, name, ensure_utc(getattr(self, name), f"Digest.{name}"))


@dataclass(frozen=True, slots=True)
class AccountProfile:
    """What a platform said about one account at one moment. Appended, never overwritten: the history is data.

    ``handle`` is the account's handle as the platform gives it (the key, with ``platform``); ``account_id`` its
    stable id where there is one (an X user id, a Bluesky DID). Every count is None when the platform did not give
    it; ``karma`` is Hacker News's.
    """

    platform: str
    handle: str
    observed_at: dt.datetime
    account_id: str | None = None
    name: str | None = None
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    created_at: dt.datetime | None = None  # when the account was created
    karma: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "observed_at", ensure_utc(self.observed_at, "AccountProfile.observed_at"))
        if self.created_at is not None:
            object.__setattr__(self, "created_at", ensure_utc(self.created_at, "AccountProfile.created_at"))
        if not self.handle:
            raise ValueError("AccountProfile.handle must not be empty")
        for name in ("followers", "following", "posts", "karma"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"AccountProfile.{name} must be >= 0, got {value}")


@dataclass(frozen=True, slots=True)
class AccountEvidence:
    """What the store knows about a post's author when a day is ranked.

    ``profile`` is its latest profile observed by the end of the day's window; ``first_seen`` and ``last_seen``
    are its earliest and latest posts linking a paper *before* the day's window (None: none); ``history_from`` is
    when the store's record of the platform begins (its earliest post), so that "first seen today" means
    something only when the store looked long enough before the day. None everywhere: nothing is known.
    """

    profile: AccountProfile | None = None
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    history_from: dt.datetime | None = None

    def __post_init__(self) -> None:
        for name in ("first_seen", "last_seen", "history_from"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, ensure_utc(value, f"AccountEvidence.{name}"))


@dataclass(frozen=True, slots=True)
class PostEvidence:
    """A post that links a paper, with its latest engagement snapshot (None if never observed) and what is known
    about its author (None: nothing)."""

    post: Post
    engagement: EngagementSnapshot | None
    account: AccountEvidence | None = None


@dataclass(frozen=True, slots=True)
class PaperEvidence:
    """Everything the store knows about one paper of a day: the input of a ranking preset.

    ``resurfaced`` marks an older paper discussed again in a view's window (``rising``, roll-ups): it is not part
    of the window's cohort of new papers, and presets say so.
    """

    paper: Paper
    announcement: Announcement
    posts: tuple[PostEvidence, ...] = ()
    resurfaced: bool = False
    enrichment: PaperEnrichment | None = None  # what the enrichment providers know (read by ranking only if asked)


@dataclass(frozen=True, slots=True)
class Archive:
    """Everything the static site shows, taken from the store in one go: a writer needs nothing else.

    ``digests`` are the published digests, newest first. ``paper_posts`` holds, for every paper in a digest, every
    post that links it (all platforms, reposts excluded) with its latest snapshot; ``series`` holds every snapshot
    of those posts in time order, keyed by (platform, post_id), for the engagement-over-time charts.
    """

    digests: tuple[Digest, ...]
    paper_posts: Mapping[ArxivId, tuple[PostEvidence, ...]]
    series: Mapping[tuple[str, str], tuple[EngagementSnapshot, ...]]
    generated_at: dt.datetime
    enrichment: Mapping[ArxivId, PaperEnrichment] = field(default_factory=dict)  # the latest, for paper pages


# -- enrichment (hotpapers enrich): what providers find about a paper, appended as time-stamped snapshots --------


class CodeHost(StrEnum):
    """Where a code repository is hosted."""

    GITHUB = "github"
    GITLAB = "gitlab"
    CODEBERG = "codeberg"
    HUGGINGFACE = "huggingface"


class FoundIn(StrEnum):
    """Where a paper's code link was found (the order of trust: the paper's own words first)."""

    ABSTRACT = "abstract"
    COMMENT = "comment"  # arXiv's comments field
    HUGGINGFACE = "huggingface"  # the paper's record on Hugging Face (``githubRepo``)
    AUTHOR_POST = "author-post"  # a post, by one of the paper's authors, that links the paper


def _non_negative(owner: str, **values: int | None) -> None:
    for name, value in values.items():
        if value is not None and value < 0:
            raise ValueError(f"{owner}.{name} must be >= 0, got {value}")


@dataclass(frozen=True, slots=True)
class CodeLink:
    """A code repository found for a paper: its canonical URL, where it was found, and when first found."""

    arxiv_id: ArxivId
    url: str  # canonical https URL of the repository, e.g. https://github.com/owner/repo
    host: CodeHost
    found_in: FoundIn
    found_at: dt.datetime
    position: int = 0  # order of appearance among the links found in the same place

    def __post_init__(self) -> None:
        object.__setattr__(self, "found_at", ensure_utc(self.found_at, "CodeLink.found_at"))
        _non_negative("CodeLink", position=self.position)


def repo_key(url: str) -> str:
    """The identity of a repository URL: hosts compare owner and name case-insensitively."""
    return url.strip().casefold().rstrip("/")


@dataclass(frozen=True, slots=True)
class RepoSnapshot:
    """A repository's stars observed at one moment (GitHub). Appended, never overwritten: velocity is data.

    ``url`` is the repository's key (``repo_key`` of its canonical URL, so that papers writing it differently
    share one series). ``stars`` is None when the repository is gone (404 or 451 from the host); ``etag`` is the
    validator of the answer, sent back as ``If-None-Match`` so that an unchanged repository costs nothing.
    """

    url: str
    observed_at: dt.datetime
    stars: int | None
    created_at: dt.datetime | None = None
    etag: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", repo_key(self.url))
        object.__setattr__(self, "observed_at", ensure_utc(self.observed_at, "RepoSnapshot.observed_at"))
        if self.created_at is not None:
            object.__setattr__(self, "created_at", ensure_utc(self.created_at, "RepoSnapshot.created_at"))
        _non_negative("RepoSnapshot", stars=self.stars)


@dataclass(frozen=True, slots=True)
class ArtifactSnapshot:
    """How many Hugging Face models, datasets and Spaces cite a paper, observed at one moment."""

    arxiv_id: ArxivId
    observed_at: dt.datetime
    models: int
    datasets: int
    spaces: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "observed_at", ensure_utc(self.observed_at, "ArtifactSnapshot.observed_at"))
        _non_negative("ArtifactSnapshot", models=self.models, datasets=self.datasets, spaces=self.spaces)


@dataclass(frozen=True, slots=True)
class CitationSnapshot:
    """A paper's citation counts (Semantic Scholar) observed at one moment; ``found`` False when unknown there."""

    arxiv_id: ArxivId
    observed_at: dt.datetime
    found: bool
    citations: int | None = None
    influential: int | None = None
    venue: str | None = None  # where it was published or accepted, when known (never arXiv itself)
    s2_id: str | None = None  # Semantic Scholar's paper id

    def __post_init__(self) -> None:
        object.__setattr__(self, "observed_at", ensure_utc(self.observed_at, "CitationSnapshot.observed_at"))
        _non_negative("CitationSnapshot", citations=self.citations, influential=self.influential)


EnrichmentRecord = CodeLink | RepoSnapshot | ArtifactSnapshot | CitationSnapshot
"""What enrichment providers yield: records for the store, never files."""

Record = (
    Paper | Announcement | Post | EngagementSnapshot | PostGone | AccountProfile | EnrichmentRecord | Digest | Summary
)
"""Every record the store keeps: what sources yield (papers, announcements, posts, snapshots, ``PostGone``, account
profiles), what enrichment providers yield, published digests and summaries. An import reads them from files (the
native format has no ``PostGone``: a deleted post is a post marked deleted), and ``hotpapers.store.records`` writes
any mix of them."""


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """A paper's code as shown: the chosen repository with its latest stars and their velocity.

    ``stars_per_day`` is the stars gained per day from ``rate_since`` to ``observed_at`` (see
    ``hotpapers.enrich.view``); None when unknown.
    """

    url: str
    host: CodeHost
    found_in: FoundIn
    stars: int | None = None
    stars_per_day: float | None = None
    observed_at: dt.datetime | None = None
    rate_since: dt.datetime | None = None

    def __post_init__(self) -> None:
        for name in ("observed_at", "rate_since"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, ensure_utc(value, f"CodeInfo.{name}"))
        _non_negative("CodeInfo", stars=self.stars)


@dataclass(frozen=True, slots=True)
class ArtifactCounts:
    """Hugging Face models, datasets and Spaces citing a paper, as of ``observed_at``."""

    models: int
    datasets: int
    spaces: int
    observed_at: dt.datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "observed_at", ensure_utc(self.observed_at, "ArtifactCounts.observed_at"))
        _non_negative("ArtifactCounts", models=self.models, datasets=self.datasets, spaces=self.spaces)

    @property
    def total(self) -> int:
        """Models + datasets + Spaces."""
        return self.models + self.datasets + self.spaces


@dataclass(frozen=True, slots=True)
class CitationInfo:
    """A paper's citations as shown, as of ``observed_at``."""

    count: int | None
    influential: int | None
    venue: str | None
    observed_at: dt.datetime
    s2_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "observed_at", ensure_utc(self.observed_at, "CitationInfo.observed_at"))
        _non_negative("CitationInfo", count=self.count, influential=self.influential)


@dataclass(frozen=True, slots=True)
class PaperEnrichment:
    """Everything the enrichment providers know about one paper, as shown (None: nothing known)."""

    code: CodeInfo | None = None
    artifacts: ArtifactCounts | None = None
    citations: CitationInfo | None = None


# -- hot for me (hotpapers.profiles) and delivery (hotpapers.deliver) ----------------------------------------


@dataclass(frozen=True, slots=True)
class NotInterested:
    """Something a profile said it is not interested in: a paper (``kind`` ``paper``, ``value`` its arXiv id), an
    author (``author``, a name) or a keyword (``keyword``)."""

    profile: str
    kind: str
    value: str
    added_at: dt.datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "added_at", ensure_utc(self.added_at, "NotInterested.added_at"))
        if self.kind not in ("paper", "author", "keyword"):
            raise ValueError(f"NotInterested.kind must be paper, author or keyword, got {self.kind!r}")


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message of a profile to one channel for one period (a day ``2024-11-28`` or a week ``2024-W48``).

    ``status`` is ``sending`` from before the message leaves until its channel confirms it (so a crash in between
    leaves ``sending``: hotpapers then does not send it again), ``sent`` once confirmed, ``failed`` when the
    channel refused it (a later run tries again). ``detail`` is JSON text: what the channel answered (a message id,
    a thread's posts so far) or the error.
    """

    profile: str
    channel: str
    period: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    detail: str = "{}"

    def __post_init__(self) -> None:
        object.__setattr__(self, "started_at", ensure_utc(self.started_at, "Delivery.started_at"))
        if self.finished_at is not None:
            object.__setattr__(self, "finished_at", ensure_utc(self.finished_at, "Delivery.finished_at"))
        if self.status not in ("sending", "sent", "failed"):
            raise ValueError(f"Delivery.status must be sending, sent or failed, got {self.status!r}")
