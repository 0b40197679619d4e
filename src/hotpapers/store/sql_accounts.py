"""The store's account queries, shared by both backends: profile observations and what a day knows of its authors.

Profiles (``AccountProfile``) are appended to ``account_profiles``, one row per account and instant, never
overwritten, like engagement snapshots. A day's evidence carries, for each author of its posts, an
``AccountEvidence``: the latest profile observed by the end of the day's window, the author's earliest and latest
posts linking a paper before the window (the posting history) and when the store's record of the platform begins.
Every lookup is answered from an index (``posts_by_author``, ``posts_by_platform_created``, the profiles' primary
key), per account of the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from hotpapers.arxiv.calendar import listing_window
from hotpapers.models import AccountEvidence, AccountProfile
from hotpapers.store._primitives import SQLPrimitives
from hotpapers.store.rows import from_ts, from_ts_opt, ts, ts_opt

__all__ = ["PROFILE_COLUMNS", "AccountSQL", "profile_from_row", "profile_row"]

PROFILE_COLUMNS = "platform, handle, observed_at, account_id, name, followers, following, posts, created_at, karma"


def profile_row(profile: AccountProfile) -> tuple[Any, ...]:
    """The ``account_profiles`` row of a profile (columns as in ``PROFILE_COLUMNS``)."""
    return (
        profile.platform, profile.handle, ts(profile.observed_at), profile.account_id, profile.name,
        profile.followers, profile.following, profile.posts, ts_opt(profile.created_at), profile.karma,
    )  # fmt: skip


def profile_from_row(row: Sequence[Any]) -> AccountProfile:
    """A profile from its row."""
    return AccountProfile(
        platform=row[0], handle=row[1], observed_at=from_ts(row[2]), account_id=row[3], name=row[4],
        followers=row[5], following=row[6], posts=row[7], created_at=from_ts_opt(row[8]), karma=row[9],
    )  # fmt: skip


_WIDTH = len(PROFILE_COLUMNS.split(","))


class AccountSQL(SQLPrimitives):
    """Profile writes and reads, and the accounts of a day (mixed into ``SQLStore``)."""

    _DAY_POSTS: str  # the CTE of a day's posts (``SQLReads``)

    def add_profiles(self, profiles: Iterable[AccountProfile]) -> int:
        """Append profile observations; the same (platform, handle, instant) twice is stored once."""
        with self.transaction():
            return self._executemany(
                f"INSERT INTO account_profiles ({PROFILE_COLUMNS}) VALUES ({', '.join('?' * _WIDTH)}) "
                "ON CONFLICT DO NOTHING",
                (profile_row(p) for p in profiles),
            )

    def replace_profiles(self, profiles: Sequence[AccountProfile]) -> int:
        """Write profile observations wholly over the stored ones of the same account and instant (an import's
        last record of a key wins)."""
        updates = ", ".join(f"{c} = excluded.{c}" for c in PROFILE_COLUMNS.split(", ")[3:])
        with self.transaction():
            return self._executemany(
                f"INSERT INTO account_profiles ({PROFILE_COLUMNS}) VALUES ({', '.join('?' * _WIDTH)}) "
                f"ON CONFLICT(platform, handle, observed_at) DO UPDATE SET {updates}",
                (profile_row(p) for p in profiles),
            )

    def iter_profiles(self) -> Iterator[AccountProfile]:
        """All profile observations, by platform, handle, then observation time."""
        for row in self._stream(
            f"SELECT {PROFILE_COLUMNS} FROM account_profiles ORDER BY platform, handle, observed_at"
        ):
            yield profile_from_row(row)

    def profiled_since(self, since: dt.datetime) -> set[tuple[str, str]]:
        """The accounts, as (platform, handle), with a profile observed at or after ``since``."""
        rows = self._execute(
            "SELECT DISTINCT platform, handle FROM account_profiles WHERE observed_at >= ?", (ts(since),)
        ).fetchall()
        return {(str(platform), str(handle)) for platform, handle in rows}

    def _history_from(self, platforms: Iterable[str]) -> dict[str, dt.datetime]:
        """When the store's record of each platform begins: its earliest post."""
        found: dict[str, dt.datetime] = {}
        for platform in platforms:
            row = self._execute("SELECT min(created_at) FROM posts WHERE platform = ?", (platform,)).fetchone()
            if row is not None and row[0] is not None:
                found[platform] = from_ts(row[0])
        return found

    def _accounts_for_day(self, day: dt.date) -> dict[tuple[str, str], AccountEvidence]:
        """What the store knows of each author of the day's posts, by (platform, handle as stored)."""
        return self._accounts_for(self._DAY_POSTS, (day.isoformat(),), *listing_window(day))

    def _accounts_for(
        self, cte: str, params: tuple[Any, ...], start: dt.datetime, end: dt.datetime
    ) -> dict[tuple[str, str], AccountEvidence]:
        """What the store knows of each author of the posts of ``cte`` (``WITH day_posts AS (...)``, its ``?``
        bound to ``params``): history before ``start``, the latest profile before ``end``."""
        rows = self._execute(
            cte
            + ", day_accounts AS (SELECT DISTINCT p.platform, p.author_handle FROM posts p "
            "JOIN day_posts d ON d.platform = p.platform AND d.post_id = p.post_id) "
            "SELECT a.platform, a.author_handle, "
            "(SELECT min(h.created_at) FROM posts h WHERE h.platform = a.platform "
            "AND h.author_handle = a.author_handle AND h.created_at < ?), "
            "(SELECT max(h.created_at) FROM posts h WHERE h.platform = a.platform "
            "AND h.author_handle = a.author_handle AND h.created_at < ?), "
            f"{', '.join(f'pr.{c.strip()}' for c in PROFILE_COLUMNS.split(','))} "
            "FROM day_accounts a LEFT JOIN account_profiles pr ON pr.platform = a.platform "
            "AND pr.handle = a.author_handle AND pr.observed_at = (SELECT max(p2.observed_at) "
            "FROM account_profiles p2 WHERE p2.platform = a.platform AND p2.handle = a.author_handle "
            "AND p2.observed_at < ?)",
            (*params, ts(start), ts(start), ts(end)),
        ).fetchall()
        since = self._history_from({row[0] for row in rows})
        return {
            (row[0], row[1]): AccountEvidence(
                profile=None if row[4] is None else profile_from_row(row[4 : 4 + _WIDTH]),
                first_seen=from_ts_opt(row[2]),
                last_seen=from_ts_opt(row[3]),
                history_from=since.get(row[0]),
            )
            for row in rows
        }
