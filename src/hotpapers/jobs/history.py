"""The run history: every job a command runs is recorded in the store's ``runs`` table (``hotpapers.store``), with
its start, end, status and a summary of what it did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hotpapers.store.base import Store

__all__ = ["recorded_run"]


@contextmanager
def recorded_run(store: Store, command: str, now: dt.datetime) -> Iterator[dict[str, Any]]:
    """Record a run of ``command`` in the store: its start, end, status and the summary the body fills in."""
    run_id = store.start_run(command, now)
    summary: dict[str, Any] = {}
    try:
        yield summary
    except BaseException as e:
        summary["error"] = str(e)
        store.finish_run(run_id, dt.datetime.now(dt.UTC), "failed", summary)
        raise
    store.finish_run(run_id, dt.datetime.now(dt.UTC), "ok", summary)
