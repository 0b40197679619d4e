"""The store's reads for views over a window (roll-ups, ``rising``): older papers discussed again in it."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Collection, Sequence
from typing import Any

from hotpapers.models import AccountEvidence, PaperEvidence, PostEvidence
from hotpapers.store import rows
from hotpapers.store._primitives import SQLPrimitives
from hotpapers.store.rows import ts

__all__ = ["ViewReads"]

_WINDOW_POSTS = "WITH day_posts AS (SELECT platform, post_id FROM posts WHERE created_at >= ? AND created_at < ?) "


class ViewReads(SQLPrimitives):
    """Reads of the papers that posts of a time window link (mixed into ``SQLStore``)."""

    @abstractmethod
    def _accounts_for(
        self, cte: str, params: tuple[Any, ...], start: dt.datetime, end: dt.datetime
    ) -> dict[tuple[str, str], AccountEvidence]:
        """What the store knows of the authors of the posts of ``cte`` (``AccountSQL``)."""

    @abstractmethod
    def _posts_for(
        self, cte: str, params: tuple[Any, ...], papers: set[str], accounts: dict[tuple[str, str], AccountEvidence]
    ) -> dict[str, list[PostEvidence]]:
        """The posts of ``cte`` linking ``papers``, by paper (``SQLReads``)."""

    def linked_evidence(self, start: dt.datetime, end: dt.datetime, exclude: Collection[str]) -> list[PaperEvidence]:
        """The papers in the store, other than ``exclude``, that posts created in [start, end) link, each with its
        first announcement and only those posts (with their latest snapshots): what a view shows as resurfaced.

        Ordered by first announcement (date, position) then id; marked ``resurfaced``.
        """
        params = (ts(start), ts(end))
        found = self._execute(
            _WINDOW_POSTS + "SELECT DISTINCT pp.arxiv_id FROM post_papers pp "
            "JOIN day_posts d ON d.platform = pp.platform AND d.post_id = pp.post_id",
            params,
        ).fetchall()
        wanted = {str(arxiv_id) for (arxiv_id,) in found} - set(exclude)
        if not wanted:
            return []
        papers = self._papers_with_first_announcement(sorted(wanted))
        accounts = self._accounts_for(_WINDOW_POSTS, params, start, end)
        posts = self._posts_for(_WINDOW_POSTS, params, set(papers), accounts)
        ordered = sorted(papers.values(), key=lambda item: (item.announcement.date, item.announcement.position,
                                                            item.paper.arxiv_id))  # fmt: skip
        return [
            PaperEvidence(item.paper, item.announcement, tuple(posts.get(item.paper.arxiv_id, ())), resurfaced=True)
            for item in ordered
        ]

    def _papers_with_first_announcement(self, ids: Sequence[str]) -> dict[str, PaperEvidence]:
        """Each of ``ids`` that is stored and announced, with its categories and its first announcement."""
        result: dict[str, PaperEvidence] = {}
        for arxiv_id in ids:
            announced = self._execute(
                "SELECT day, arxiv_id, announce_type, position FROM announcements WHERE arxiv_id = ? "
                "ORDER BY day LIMIT 1",
                (arxiv_id,),
            ).fetchone()
            row = self._execute(f"SELECT {rows.PAPER_COLUMNS} FROM papers WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
            if announced is None or row is None:
                continue
            cats = [c for (c,) in self._execute(
                "SELECT category FROM paper_categories WHERE arxiv_id = ? ORDER BY position", (arxiv_id,))]  # fmt: skip
            result[arxiv_id] = PaperEvidence(rows.paper_from_row(row, cats), rows.announcement_from_row(announced))
        return result

