"""The store schema as an ordered list of migrations.

Migration N brings a database from version N-1 to N. The version lives in the table ``hotpapers_meta``
(portable to PostgreSQL, unlike SQLite's ``user_version``). Migrations are plain SQL that both SQLite and
PostgreSQL accept; timestamps are stored as fixed-width UTC text ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` so that
text order is time order.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

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

_V4 = """
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

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4)
SCHEMA_VERSION = len(MIGRATIONS)
