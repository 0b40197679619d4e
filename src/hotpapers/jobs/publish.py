"""The ``publish`` job: render a listing day's digest into a blog repository, commit it and push
(``hotpapers.deliver.git``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hotpapers.config import Settings
from hotpapers.deliver.git import PublishResult, publish_files
from hotpapers.jobs.days import day_or_latest
from hotpapers.jobs.render import render
from hotpapers.jobs.summarize import stored_summaries
from hotpapers.store.base import Store

__all__ = ["Published", "publish"]


@dataclass(frozen=True)
class Published:
    """What ``publish`` did: the day it published, and what git did with its files."""

    day: dt.date
    result: PublishResult


def publish(
    store: Store,
    settings: Settings,
    *,
    repo: Path,
    day: dt.date | None,
    formats: Sequence[str],
    subdir: str,
    preset: str,
    remote: str,
    push: bool,
    now: dt.datetime,
) -> Published:
    """Write the digest of ``day`` (default: the newest stored day) in ``formats`` under ``repo/subdir``, commit
    what changed and push it to ``remote`` (unless not ``push``); commits an earlier run could not push are pushed.

    Raises:
        NoDayError: no ``day``, and the store has no announced day.
        UsageError: unknown format or preset, no papers that day, or ``repo`` is not a git repository.
        WriterError: a file could not be written, or git failed.
    """
    chosen = day_or_latest(store, day)
    result = render(store, chosen, formats=formats, out_dir=repo / subdir, preset=preset, now=now,
                    finish=stored_summaries(store, settings, now))  # fmt: skip
    return Published(chosen, publish_files(repo, result.paths, message=f"Hot Papers {chosen}", push=push,
                                           remote=remote))  # fmt: skip
