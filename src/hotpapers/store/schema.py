"""The store schema as an ordered list of migrations.

Migration N brings a database from version N-1 to N. The version lives in the table ``hotpapers_meta``
(portable to PostgreSQL, unlike SQLite's ``user_version``). Migrations are plain SQL that both SQLite and
PostgreSQL accept; timestamps are stored as fixed-width UTC text ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` so that
text order is time order.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "REPAIR_TIMESTAMPS", "SCHEMA_VERSION"]

_V1 = """
CREATE TABLE hotpapers_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE papers (
    arxiv_id         TEXT PRIMARY KEY,
    version          INTEGER NOT NULL,
    title            TEXT NOT NULL,
    authors          TEXT NOT NULL,          -- JSON array of names
    abstract         TEXT NOT NULL,
    primary_category TEXT NOT NULL,
    submitted        TEXT,
    updated          TEXT,
    comment          TEXT,
    journal_ref      TEXT,
    doi              TEXT,
    abs_url          TEXT,
    pdf_url          TEXT,
    html_url         TEXT
);
CREATE TABLE paper_categories (
    arxiv_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (arxiv_id, category)
);
CREATE INDEX paper_categories_by_category ON paper_categories(category);
CREATE TABLE announcements (
    day           TEXT NOT NULL,
    arxiv_id      TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
    announce_type TEXT NOT NULL,
    position      INTEGER NOT NULL,
    PRIMARY KEY (day, arxiv_id)
);
CREATE INDEX announcements_by_paper ON announcements(arxiv_id);
CREATE TABLE posts (
    platform         TEXT NOT NULL,
    post_id          TEXT NOT NULL,
    url              TEXT NOT NULL,
    kind             TEXT NOT NULL,
    author_handle    TEXT NOT NULL,
    author_name      TEXT NOT NULL,
    author_followers INTEGER,
    text             TEXT NOT NULL,
    language         TEXT,
    created_at       TEXT NOT NULL,
    reference_id     TEXT,
    deleted          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, post_id)
);
CREATE INDEX posts_by_created ON posts(created_at);
CREATE TABLE post_papers (
    platform TEXT NOT NULL,
    post_id  TEXT NOT NULL,
    arxiv_id TEXT NOT NULL,
    method   TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (platform, post_id, arxiv_id),
    FOREIGN KEY (platform, post_id) REFERENCES posts(platform, post_id) ON DELETE CASCADE
);
CREATE INDEX post_papers_by_paper ON post_papers(arxiv_id);
CREATE TABLE engagement (
    platform    TEXT NOT NULL,
    post_id     TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    reposts     INTEGER NOT NULL CHECK (reposts >= 0),
    likes       INTEGER NOT NULL CHECK (likes >= 0),
    replies     INTEGER NOT NULL CHECK (replies >= 0),
    quotes      INTEGER NOT NULL CHECK (quotes >= 0),
    extras      TEXT NOT NULL DEFAULT '{}',   -- JSON object of platform extras
    PRIMARY KEY (platform, post_id, observed_at),
    FOREIGN KEY (platform, post_id) REFERENCES posts(platform, post_id) ON DELETE CASCADE
);
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    command     TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL DEFAULT 'running',
    summary     TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE digests (
    day          TEXT NOT NULL,
    preset       TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    content      TEXT NOT NULL,              -- the whole digest as native JSON
    PRIMARY KEY (day, preset)
);
"""

_V2 = """
CREATE TABLE source_state (
    source TEXT NOT NULL,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (source, key)
);
"""
"""Checkpoints of sources (the Jetstream cursor, pagination tokens), written in the same transaction as
the records they cover, so that a restart resumes with no gap and no duplicate."""

_V3 = """
CREATE INDEX post_papers_by_paper_post ON post_papers(arxiv_id, platform, post_id);
DROP INDEX post_papers_by_paper;
CREATE INDEX post_papers_by_post ON post_papers(platform, post_id, position, arxiv_id, method);
"""
"""Covering indexes for reading a day (``evidence_for_day``): the day's posts from its papers, then each post's
links in order, both answered from an index alone, with no lookup of the table's rows. On a year's store (3 M
posts) they take those two reads from 0.13 s to 0.07 s (``docs/benchmarks.md``, archive scale). The first index
replaces ``post_papers_by_paper``, of which it is an extension."""


def _pad_year(table: str, column: str) -> str:
    """An UPDATE giving the four-digit year back to ``column`` values written with one to three year digits."""
    short = " OR ".join(f"substr({column}, {i}, 1) = '-'" for i in (2, 3, 4))
    pad = (
        f"CASE WHEN substr({column}, 2, 1) = '-' THEN '000' || {column} "
        f"WHEN substr({column}, 3, 1) = '-' THEN '00' || {column} ELSE '0' || {column} END"
    )
    return f"UPDATE {table} SET {column} = {pad} WHERE {short};\n"  # noqa: S608 - this module's own names


_V4 = "".join(
    _pad_year(table, column)
    for table, column in (
        ("papers", "submitted"), ("papers", "updated"), ("posts", "created_at"), ("engagement", "observed_at"),
        ("digests", "generated_at"), ("runs", "started_at"), ("runs", "finished_at"),
    )
)
"""Repairs timestamps written before years below 1000 were padded: ``strftime("%Y")`` wrote ``999-06-01T…`` and
``1-01-01T…``, which did not parse back, so one such record made ``export``, ``render``, ``site build`` and the
collectors fail on the whole store. A year of one to three digits gets its leading zeros (``0999-06-01T…``); no
other value changes (a four-digit year never has ``-`` in its first four characters). Such records stay in the
store, readable and exported, but are never in a digest's window (see ``hotpapers.bounds``)."""


_V5 = """
CREATE TABLE account_profiles (
    platform    TEXT NOT NULL,
    handle      TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    account_id  TEXT,
    name        TEXT,
    followers   INTEGER CHECK (followers >= 0),
    following   INTEGER CHECK (following >= 0),
    posts       INTEGER CHECK (posts >= 0),
    created_at  TEXT,
    karma       INTEGER CHECK (karma >= 0),
    PRIMARY KEY (platform, handle, observed_at)
);
CREATE INDEX account_profiles_by_time ON account_profiles(observed_at);
CREATE INDEX posts_by_author ON posts(platform, author_handle, created_at);
CREATE INDEX posts_by_platform_created ON posts(platform, created_at);
"""
"""Account profiles as the platforms give them (followers, account creation, karma), appended like engagement
snapshots (by time too: the collect job skips accounts observed in the last week); and the indexes that answer a
day's posting history per author (its earliest and latest posts before
the day) and when the store's record of each platform begins, each with one index search."""


_V6 = """
CREATE TABLE code_links (
    arxiv_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
    url      TEXT NOT NULL,
    host     TEXT NOT NULL,
    found_in TEXT NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    found_at TEXT NOT NULL,
    PRIMARY KEY (arxiv_id, found_in, url)
);
CREATE TABLE repo_snapshots (
    url         TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    stars       INTEGER CHECK (stars >= 0),
    created_at  TEXT,
    etag        TEXT,
    PRIMARY KEY (url, observed_at)
);
CREATE TABLE artifact_snapshots (
    arxiv_id    TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
    observed_at TEXT NOT NULL,
    models      INTEGER NOT NULL CHECK (models >= 0),
    datasets    INTEGER NOT NULL CHECK (datasets >= 0),
    spaces      INTEGER NOT NULL CHECK (spaces >= 0),
    PRIMARY KEY (arxiv_id, observed_at)
);
CREATE TABLE citation_snapshots (
    arxiv_id    TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
    observed_at TEXT NOT NULL,
    found       INTEGER NOT NULL,
    citations   INTEGER CHECK (citations >= 0),
    influential INTEGER CHECK (influential >= 0),
    venue       TEXT,
    s2_id       TEXT,
    PRIMARY KEY (arxiv_id, observed_at)
);
"""
"""Enrichment (``hotpapers enrich``, docs/enrichment.md): the code links found for each paper (one row per paper,
place and repository), and three time series appended like ``engagement``: a repository's stars (by its URL, so
papers that share a repository share its series; the ETag of each answer makes the next request conditional),
a paper's Hugging Face artifacts, and its citation counts. ``stars`` is NULL for a repository that is gone."""


_V7 = """
CREATE TABLE summaries (
    arxiv_id       TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,             -- 'tldr' or 'discussion'
    generator      TEXT NOT NULL,             -- 'extractive' or 'llm'
    model          TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    language       TEXT,
    created_at     TEXT NOT NULL,
    input_hash     TEXT NOT NULL,
    text           TEXT NOT NULL,
    sources        TEXT NOT NULL DEFAULT '[]',   -- JSON array of {platform, id, url, author}
    claims         TEXT NOT NULL DEFAULT '[]',   -- JSON array of {text, sources: [index into sources]}
    input_tokens   INTEGER,
    output_tokens  INTEGER,
    PRIMARY KEY (arxiv_id, kind, generator)
);
"""
"""The summaries cache (``hotpapers.summarize``): the latest TL;DR and discussion summary of each paper per generator,
with its provenance and the hash of its inputs, so that a summary is made once and made again only when asked or
when what it was made from changed. A published digest keeps its own copy of the summaries it showed."""

_V8 = """
CREATE TABLE profile_digests (
    profile      TEXT NOT NULL,
    day          TEXT NOT NULL,
    inputs       TEXT NOT NULL,             -- a hash of what the profile ranked with (library, lists, weights)
    generated_at TEXT NOT NULL,
    content      TEXT NOT NULL,             -- the whole digest as native JSON
    PRIMARY KEY (profile, day)
);
CREATE TABLE not_interested (
    profile  TEXT NOT NULL,
    kind     TEXT NOT NULL,                 -- 'paper', 'author' or 'keyword'
    value    TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (profile, kind, value)
);
CREATE TABLE deliveries (
    profile     TEXT NOT NULL,
    channel     TEXT NOT NULL,              -- 'email', 'slack:<hash of the URL>', 'bluesky', ...
    period      TEXT NOT NULL,              -- '2024-11-28' (daily) or '2024-W48' (weekly)
    status      TEXT NOT NULL,              -- 'sending', 'sent' or 'failed'
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    detail      TEXT NOT NULL DEFAULT '{}',  -- JSON: the channel's answer (message id, thread so far) or the error
    PRIMARY KEY (profile, channel, period)
);
"""
"""Hot for me (docs/profiles.md, docs/delivery.md): each profile's published digest per day with the hash of the
inputs it was ranked with (a changed library or not-interested list ranks the day again); what each profile said
it is not interested in; and one row per profile, channel and period for every message sent, written *before* the
message leaves (``sending``) and confirmed after (``sent``), so that no re-run or crash sends a period twice."""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8)
REPAIR_TIMESTAMPS = _V4
"""The migration that repairs unpadded timestamps (tests find it by this name, whatever its number)."""
SCHEMA_VERSION = len(MIGRATIONS)
