"""The primitives every SQL mixin of ``SQLStore`` runs its queries through, declared once.

``SQLStore`` (``sql.py``) is assembled from mixins, one per concern (``sql_reads``, ``sql_accounts``,
``sql_imports``, ``sql_enrich``, ``sql_summaries``, ``sql_profiles``, ``sql_views``, ``site_reads``); each writes
its queries against these methods, which ``SQLStore`` and its two backends (``sqlite.py``, ``postgres.py``)
implement.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

__all__ = ["SQLPrimitives"]


class SQLPrimitives(ABC):
    """Statements, streamed rows, write transactions and read snapshots (implemented by ``SQLStore``)."""

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns a cursor (iterable, with ``fetchone``/``fetchall``/``rowcount``)."""

    @abstractmethod
    def _executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> int:
        """Run one statement per parameter row; returns the total rows changed."""

    @abstractmethod
    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Sequence[Any]]:
        """Rows of a query, fetched a batch at a time (memory does not grow with the result)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction (or the one already open): all writes inside commit together."""

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside see one consistent state of the store."""
