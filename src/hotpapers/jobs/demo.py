"""The ``demo`` job: the whole pipeline offline on the bundled sample (``hotpapers/data/sample.jsonl``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from hotpapers.config import Settings
from hotpapers.jobs.access import open_store_for
from hotpapers.jobs.render import render
from hotpapers.jobs.site import build_site_from_store
from hotpapers.jobs.summarize import stored_summaries
from hotpapers.jobs.transfer import import_files

__all__ = ["SAMPLE", "DemoResult", "demo"]


SAMPLE = "sample.jsonl"


@dataclass
class DemoResult:
    """Where the demo put things."""

    db: str
    paths: list[Path]
    feeds: list[Path] = field(default_factory=list)
    site: list[Path] = field(default_factory=list)


def demo(
    out_dir: Path,
    *,
    db: str | None,
    now: dt.datetime,
    preset: str = "default",
    settings: Settings | None = None,
    command: str = "hotpapers demo",
) -> DemoResult:
    """The whole job offline on the bundled sample: import it into a demo store, rank each day, and write a Lumen
    post per day under ``out_dir/posts``, the feeds of the latest day under ``out_dir/feeds`` and the static site
    of every day under ``out_dir/site``. With ``settings``, each day's papers get the summaries that ``render``
    gives them (``hotpapers.jobs.summarize.stored_summaries``: no model is called). The demo store (``db``, else
``out_dir/hotpapers-demo.db``) is written under its run lock, held in the name of ``command``."""
    db_path = db or str(out_dir / "hotpapers-demo.db")
    sample = resources.files("hotpapers") / "data" / SAMPLE
    with resources.as_file(sample) as sample_path, open_store_for("demo", db_path, command) as store:
        import_files(store, [sample_path])
        paths: list[Path] = []
        days = store.announced_dates()
        finish = stored_summaries(store, settings, now) if settings is not None else None
        for day in days:
            result = render(
                store, day, formats=["lumen"], out_dir=out_dir / "posts", preset=preset, now=now, finish=finish
            )
            paths.extend(result.paths)
        feeds = render(store, days[-1], formats=["atom", "rss", "jsonfeed"], out_dir=out_dir, preset=preset,
                       now=now).paths
        site = list(build_site_from_store(store, out_dir / "site", preset=preset).written)
    return DemoResult(db_path, paths, feeds, site)
