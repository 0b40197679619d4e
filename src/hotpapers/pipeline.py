"""The jobs behind the commands: import, export, ingest, render, demo. The CLI only calls these.

Two phases, as in DESIGN.md: everything is gathered into the store first (``import_files``, ``ingest``),
then digests are ranked and rendered from the store (``render``). Writers never see the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Any

import orjson

from hotpapers._gc import gc_paused
from hotpapers.arxiv.calendar import EASTERN, announcement_time, is_listing_day, next_listing_day
from hotpapers.errors import InputError, StoreError, UsageError, WriterError
from hotpapers.models import (
    Announcement,
    Archive,
    ArxivId,
    Digest,
    EngagementSnapshot,
    Paper,
    Post,
    PostEvidence,
    PostGone,
    PostKind,
    Summary,
)
from hotpapers.native import NativeRecord, export_store, looks_native, read_native
from hotpapers.plugins import load_registry
from hotpapers.ranking import rank
from hotpapers.sources.legacy import is_legacy, parse_legacy
from hotpapers.store import open_store
from hotpapers.store.base import Store, WriteCounts

__all__ = [
    "ImportResult",
    "RenderResult",
    "build_archive",
    "build_digest",
    "day_window",
    "demo",
    "export",
    "export_to_file",
    "import_files",
    "recorded_run",
    "render",
    "store_records",
]

_BATCH = 500


def day_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The window of listing day ``day`` (UTC): from its announcement (20:00 ET the evening before) to the next.

    A date that is not a listing day (a weekend) gets its own calendar day in US Eastern time.
    """
    if is_listing_day(day):
        return announcement_time(day), announcement_time(next_listing_day(day))
    start = dt.datetime.combine(day, dt.time(), tzinfo=EASTERN)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=EASTERN)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


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


def _flush(store: Store, batch: dict[type, list[NativeRecord | PostGone]], counts: WriteCounts) -> None:
    papers = [r for r in batch.get(Paper, []) if isinstance(r, Paper)]
    counts.add({"papers": store.upsert_papers(papers)})
    announcements = [r for r in batch.get(Announcement, []) if isinstance(r, Announcement)]
    counts.add({"announcements": store.add_announcements(announcements)})
    counts.add({"posts": store.upsert_posts(r for r in batch.get(Post, []) if isinstance(r, Post))})
    snaps = [r for r in batch.get(EngagementSnapshot, []) if isinstance(r, EngagementSnapshot)]
    counts.add({"snapshots": store.add_snapshots(snaps)})
    gone = [r for r in batch.get(PostGone, []) if isinstance(r, PostGone)]
    for platform in sorted({g.platform for g in gone}):
        counts.add({"gone": store.mark_deleted(platform, [g.post_id for g in gone if g.platform == platform])})
    for digest in batch.get(Digest, []):
        if isinstance(digest, Digest):
            store.save_digest(digest)
            counts.add({"digests": 1})
    counts.add({"summaries": store.save_summaries(r for r in batch.get(Summary, []) if isinstance(r, Summary))})
    batch.clear()


def store_records(store: Store, records: Iterable[NativeRecord | PostGone]) -> WriteCounts:
    """Write records of any type in batches (papers before posts before snapshots), in one transaction."""
    counts = WriteCounts()
    batch: dict[type, list[NativeRecord | PostGone]] = {}
    size = 0
    with store.transaction():
        for record in records:
            batch.setdefault(type(record), []).append(record)
            size += 1
            if size >= _BATCH:
                _flush(store, batch, counts)
                size = 0
        _flush(store, batch, counts)
    return counts


def _every_record(store: Store) -> Iterator[NativeRecord]:
    yield from store.iter_papers()
    yield from store.iter_announcements()
    yield from store.iter_posts()
    yield from store.iter_snapshots()
    yield from store.iter_digests()
    yield from store.iter_summaries()


def copy_store(source: Store, dest: Store) -> WriteCounts:
    """Copy every record and every source checkpoint of ``source`` into ``dest``: all of it or, on error, none.

    ``source`` is read in one snapshot and streamed (its writers may go on); ``dest`` is written in one
    transaction, merged like an import (records already there are kept or updated, never doubled). The run
    history is not copied: it describes runs against ``source``.
    """
    with source.snapshot(), dest.transaction():
        counts = store_records(dest, _every_record(source))
        for name, key, value in source.iter_states():
            dest.set_state(name, key, value)
            counts.add({"checkpoints": 1})
    dest.optimize()
    return counts


@dataclass
class ImportResult:
    """What ``import_files`` read and wrote."""

    formats: dict[str, str] = field(default_factory=dict)  # file -> "native" | "legacy"
    counts: WriteCounts = field(default_factory=WriteCounts)


def _legacy_records(path: Path, data: bytes, observed_at: dt.datetime | None) -> Iterator[NativeRecord]:
    batch = parse_legacy(data, str(path), observed_at=observed_at)
    yield from batch.papers
    yield from batch.announcements
    yield from batch.posts
    yield from batch.snapshots


def _detect(path: Path, handle: IO[bytes]) -> str:
    first = handle.readline()
    handle.seek(0)
    if not first.strip():
        raise InputError(f"{path}: the file is empty")
    if looks_native(first):
        return "native"
    try:
        obj = orjson.loads(handle.read())
    except orjson.JSONDecodeError as e:
        raise InputError(f"{path}: not JSON or JSON Lines ({e})") from None
    finally:
        handle.seek(0)
    if is_legacy(obj):
        return "legacy"
    raise InputError(
        f"{path}: unknown format: neither hotpapers native JSON Lines nor the original tool's JSON "
        "(an object with 'meta' and 'papers')"
    )


def import_files(
    store: Store, paths: Sequence[Path], *, observed_at: dt.datetime | None = None
) -> ImportResult:
    """Import native or legacy files into ``store``: all of them, or (on any error) none of them.

    Raises:
        InputError: a file is unreadable, of unknown format, or has a bad record (named with file and line).
    """
    result = ImportResult()
    try:
        with store.transaction():
            for path in paths:
                result.counts.add(_import_one(store, path, observed_at, result))
        store.optimize()
    except StoreError as e:
        if "foreign key" in str(e).lower():  # SQLite: "FOREIGN KEY constraint failed"; PostgreSQL: "… foreign key …"
            raise InputError(
                f"{', '.join(map(str, paths))}: some records refer to a paper or post that is neither "
                "in the files nor in the store (nothing was imported)"
            ) from e
        raise
    return result


def _import_one(store: Store, path: Path, observed_at: dt.datetime | None, result: ImportResult) -> WriteCounts:
    try:
        with path.open("rb") as handle:
            fmt = _detect(path, handle)
            result.formats[str(path)] = fmt
            if fmt == "native":
                return store_records(store, read_native(path, handle))
            return store_records(store, _legacy_records(path, handle.read(), observed_at))
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e


def export(store: Store, out: IO[bytes]) -> dict[str, int]:
    """Write the whole store to ``out`` in the native format."""
    return export_store(store, out)


def build_digest(
    store: Store,
    day: dt.date,
    *,
    preset: str,
    now: dt.datetime,
    refresh: bool = False,
    options: Mapping[str, Any] | None = None,
    finish: Callable[[Digest], Digest] | None = None,
) -> Digest:
    """The digest of ``day``: the published one if there is one (unless ``refresh``), else a new ranking.

    A new ranking is saved as the published digest, so that rendering the date again gives the same post. A
    refreshed ranking that differs from the published one only in its generation time is not saved: the
    published digest (with its time) is returned, so re-running a finished day rewrites identical bytes.
    ``options`` are the preset's own keyword arguments (``options=ClassicOptions(...)`` or ``DefaultOptions``);
    they apply when the day is ranked (pass ``refresh`` to rank a published day again with new options).
    ``finish`` completes a new ranking before it is compared and saved (the summaries job adds the papers'
    summaries: ``hotpapers.jobs.summarize``), so that what is published holds them.

    Raises:
        UsageError: nothing was announced on ``day`` in the store, or the preset is unknown.
    """
    published = store.load_digest(day, preset)
    if published is not None and not refresh:
        return published
    with gc_paused():  # reading and ranking a day allocate many small objects and no cycle
        evidence = store.evidence_for_day(day)
        if not evidence:
            raise UsageError(f"--date {day.isoformat()}: no papers announced on that day are in the store")
        start, end = day_window(day)
        digest = rank(
            preset, evidence, date=day, window_start=start, window_end=end, generated_at=now, **(options or {})
        )
    if finish is not None:
        digest = finish(digest)
    if published is not None and dataclasses.replace(digest, generated_at=published.generated_at) == published:
        return published  # nothing changed but the clock: keep the published bytes (and publish nothing twice)
    store.save_digest(digest)
    return digest


@dataclass
class RenderResult:
    """What ``render`` wrote."""

    digest: Digest
    paths: list[Path]


def render(
    store: Store,
    day: dt.date,
    *,
    formats: Sequence[str],
    out_dir: Path,
    preset: str,
    now: dt.datetime,
    refresh: bool = False,
    options: Mapping[str, Any] | None = None,
    finish: Callable[[Digest], Digest] | None = None,
) -> RenderResult:
    """Rank (or reload) the digest of ``day`` and write it in each of ``formats`` under ``out_dir``
    (``refresh``, ``options`` and ``finish`` as for ``build_digest``).

    Raises:
        UsageError: unknown format or preset, or no papers for the day.
        WriterError: an output could not be written.
    """
    registry = load_registry()
    unknown = [f for f in formats if f not in registry.writers]
    if unknown:
        known = ", ".join(sorted(registry.writers))
        raise UsageError(f"--format {unknown[0]}: unknown format (known: {known})")
    digest = build_digest(store, day, preset=preset, now=now, refresh=refresh, options=options, finish=finish)
    paths: list[Path] = []
    for name in formats:
        paths.extend(registry.writers[name]().write(digest, out_dir))
    return RenderResult(digest, paths)


def export_to_file(store: Store, path: Path) -> dict[str, int]:
    """Export to ``path`` atomically (a temporary file renamed into place)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("wb") as handle:
            counts = export_store(store, handle)
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise WriterError(f"{path}: cannot write: {e.strerror or e}") from e
    return counts


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
    finish_for: Callable[[Store], Callable[[Digest], Digest]] | None = None,
) -> DemoResult:
    """The whole job offline on the bundled sample: import it into a demo store, rank each day, and write a Lumen
    post per day under ``out_dir/posts``, the feeds of the latest day under ``out_dir/feeds`` and the static site
    of every day under ``out_dir/site``. ``finish_for(store)`` gives ``build_digest``'s ``finish`` (summaries)."""
    from hotpapers.site import build_site_from_store  # noqa: PLC0415 - the site imports this module

    db_path = db or str(out_dir / "hotpapers-demo.db")
    sample = resources.files("hotpapers") / "data" / SAMPLE
    with resources.as_file(sample) as sample_path, open_store(db_path) as store:
        import_files(store, [sample_path])
        paths: list[Path] = []
        days = store.announced_dates()
        finish = finish_for(store) if finish_for is not None else None
        for day in days:
            result = render(
                store, day, formats=["lumen"], out_dir=out_dir / "posts", preset=preset, now=now, finish=finish
            )
            paths.extend(result.paths)
        feeds = render(store, days[-1], formats=["atom", "rss", "jsonfeed"], out_dir=out_dir, preset=preset,
                       now=now).paths
        site = build_site_from_store(store, out_dir / "site", preset=preset, now=now)
    return DemoResult(db_path, paths, feeds, site)


def build_archive(store: Store, *, preset: str, now: dt.datetime) -> Archive:
    """Everything the static site shows: the published digests of ``preset`` (newest first), every post of
    each listed paper with its latest snapshot (reposts left out), and the snapshot series of those posts."""
    digests = sorted((d for d in store.iter_digests() if d.preset == preset), key=lambda d: d.date, reverse=True)
    listed = {p.paper.arxiv_id for d in digests for p in d.papers}
    paper_posts: dict[ArxivId, tuple[PostEvidence, ...]] = {}
    for day in sorted({d.date for d in digests}):
        for evidence in store.evidence_for_day(day):
            if evidence.paper.arxiv_id in listed:
                paper_posts[evidence.paper.arxiv_id] = tuple(
                    e for e in evidence.posts if e.post.kind is not PostKind.REPOST
                )
    keys = {(e.post.platform, e.post.post_id) for posts in paper_posts.values() for e in posts}
    return Archive(tuple(digests), paper_posts, store.snapshot_series(sorted(keys)), now)
