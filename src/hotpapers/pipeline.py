"""The jobs behind the commands: import, export, ingest, render, demo. The CLI only calls these.

Two phases, as in DESIGN.md: everything is gathered into the store first (``import_files``, ``ingest``),
then digests are ranked and rendered from the store (``render``). Writers never see the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Any, cast

import orjson

from hotpapers._fs import write_output
from hotpapers._gc import gc_paused
from hotpapers.arxiv.calendar import listing_window
from hotpapers.bounds import check_record
from hotpapers.config import DEFAULT_MAX_RECORD_BYTES
from hotpapers.enrich.view import load_enrichment, only_with_code, with_enrichment
from hotpapers.errors import InputError, StoreError, UsageError
from hotpapers.models import (
    Digest,
    PaperEvidence,
    Record,
)
from hotpapers.native.format import looks_native, read_native, too_long, write_native
from hotpapers.ranking.presets import rank
from hotpapers.ranking.views import DateRange, rising_evidence, rising_title, rollup_evidence
from hotpapers.sources.legacy.parse import is_legacy, parse_legacy
from hotpapers.store import open_store
from hotpapers.store.base import Store, WriteCounts
from hotpapers.store.records import every_record, store_records

__all__ = [
    "ImportResult",
    "RenderResult",
    "build_digest",
    "demo",
    "digest_time",
    "export",
    "export_to_file",
    "import_files",
    "rank_enriched",
    "recorded_run",
    "render",
]



def digest_time(window_end: dt.datetime, now: dt.datetime) -> dt.datetime:
    """When a digest is dated (its ``generated_at``): the close of its window, from the data, not the clock.

    A day whose window has closed is dated at that close whenever it is ranked (a backfilled, imported or
    re-rendered day gives the same bytes at any time, and posts sort in listing order); a day still open is
    dated ``now``, never in the future.
    """
    return min(window_end, now)


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


def copy_store(source: Store, dest: Store) -> WriteCounts:
    """Copy every record and every source checkpoint of ``source`` into ``dest``: all of it or, on error, none.

    ``source`` is read in one snapshot and streamed (its writers may go on); ``dest`` is written in one
    transaction, merged like an import (records already there are kept or updated, never doubled). The run
    history is not copied: it describes runs against ``source``.
    """
    with source.snapshot(), dest.transaction():
        with closing(every_record(source)) as records:  # closed while the store is open, also on error
            counts = store_records(dest, records)
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
    duplicates: dict[str, int] = field(default_factory=dict)  # kind -> records that replaced an earlier one


def _legacy_records(path: Path, data: bytes, observed_at: dt.datetime | None) -> Iterator[Record]:
    batch = parse_legacy(data, str(path), observed_at=observed_at)
    records: list[Record] = [*batch.papers, *batch.announcements, *batch.posts, *batch.snapshots]
    for record in records:  # the parser checks as it reads; this is the import's last gate, as for native files
        try:
            check_record(record)
        except ValueError as e:
            raise InputError(f"{path}: {type(record).__name__.lower()}: {e}") from None
    yield from records


class _Replay:
    """A binary stream whose first line was already read (to detect the format): it is given back first, then the
    rest of the stream, so that a pipe, which cannot seek back, is read once."""

    def __init__(self, first: bytes, handle: IO[bytes]) -> None:
        self._first, self._handle = first, handle

    def readline(self, size: int = -1) -> bytes:
        if not self._first:
            return self._handle.readline(size)
        cut = len(self._first) if size < 0 else size
        line, self._first = self._first[:cut], self._first[cut:]
        return line


def _legacy_body(path: Path, first: bytes, handle: IO[bytes], limit: int) -> bytes:
    """The whole file (a legacy file is one record), read up to ``limit`` bytes."""
    data = first + handle.read(limit + 1 - len(first))
    if len(data) > limit:
        raise InputError(f"{path}: {too_long(limit)}")
    return data


def _records(
    path: Path, handle: IO[bytes], observed_at: dt.datetime | None, limit: int, result: ImportResult
) -> Iterator[Record]:
    """The records of one input, of whichever format its start says (recorded in ``result.formats``)."""
    first = handle.readline(limit + 1)
    if not first.strip():
        raise InputError(f"{path}: the file is empty")
    if looks_native(first):
        result.formats[str(path)] = "native"
        return read_native(path, cast(IO[bytes], _Replay(first, handle)), max_line_bytes=limit)
    data = _legacy_body(path, first, handle, limit)
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise InputError(f"{path}: not JSON or JSON Lines ({e})") from None
    if not is_legacy(obj):
        raise InputError(
            f"{path}: unknown format: neither hotpapers native JSON Lines nor the original tool's JSON "
            "(an object with 'meta' and 'papers')"
        )
    del obj
    result.formats[str(path)] = "legacy"
    return _legacy_records(path, data, observed_at)


STDIN = Path("-")
"""The name ``import`` reads standard input by."""


def import_files(
    store: Store,
    paths: Sequence[Path],
    *,
    observed_at: dt.datetime | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    stdin: IO[bytes] | None = None,
) -> ImportResult:
    """Import native or legacy files into ``store``: all of them, or (on any error) none of them.

    Files are read once, front to back, so pipes and devices work (``-`` is ``stdin``); no record (a native
    line, a whole legacy file) may exceed ``max_record_bytes``, which bounds the memory an input can take.

    Raises:
        InputError: a file is unreadable, of unknown format, has a bad record (named with file and line), or a
            record over ``max_record_bytes``.
    """
    result = ImportResult()
    try:
        with store.transaction():
            store.begin_import()
            for path in paths:
                result.counts.add(_import_one(store, path, observed_at, result, max_record_bytes, stdin))
        store.optimize()
    except StoreError as e:
        if "foreign key" in str(e).lower():  # SQLite: "FOREIGN KEY constraint failed"; PostgreSQL: "… foreign key …"
            raise InputError(
                f"{', '.join(map(str, paths))}: some records refer to a paper or post that is neither "
                "in the files nor in the store (nothing was imported)"
            ) from e
        raise
    return result


def _import_one(
    store: Store, path: Path, observed_at: dt.datetime | None, result: ImportResult, limit: int,
    stdin: IO[bytes] | None,
) -> WriteCounts:
    try:
        if path == STDIN:
            if stdin is None:
                raise InputError("-: standard input is not available here")
            records = _records(Path("<stdin>"), stdin, observed_at, limit, result)
            return store_records(store, records, duplicates=result.duplicates)
        with path.open("rb") as handle:
            return store_records(store, _records(path, handle, observed_at, limit, result),
                                 duplicates=result.duplicates)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e


def export(store: Store, out: IO[bytes]) -> dict[str, int]:
    """Write the whole store to ``out`` in the native format."""
    with store.snapshot(), closing(every_record(store)) as records:  # closed while the store is open, also on error
        return write_native(records, out)


def rank_enriched(store: Store, preset: str, evidence: Sequence[PaperEvidence], **kwargs: Any) -> Digest:
    """Rank ``evidence`` with each paper's stored enrichment (``hotpapers enrich``): the preset may read it (only
    as an opt-in breakdown item) and the digest shows it. ``kwargs`` are ``ranking.rank``'s."""
    known = load_enrichment(store, (e.paper.arxiv_id for e in evidence))
    enriched = [dataclasses.replace(e, enrichment=known[e.paper.arxiv_id]) if e.paper.arxiv_id in known else e
                for e in evidence]  # fmt: skip
    return with_enrichment(rank(preset, enriched, **kwargs), known)


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
    A new ranking is dated :func:`digest_time` (``now`` only while the day's window is still open).
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
        start, end = listing_window(day)
        digest = rank_enriched(
            store, preset, evidence, date=day, window_start=start, window_end=end, generated_at=digest_time(end, now),
            **(options or {}),
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
    has_code: bool = False,
) -> RenderResult:
    """Rank (or reload) the digest of ``day`` and write it in each of ``formats`` under ``out_dir``
    (``refresh``, ``options`` and ``finish`` as for ``build_digest``).

    With ``has_code`` only the papers with a known code repository are written (ranked 1..n in the same order);
    the stored digest keeps every paper.

    Raises:
        UsageError: unknown format or preset, or no papers for the day.
        WriterError: an output could not be written.
    """
    from hotpapers.jobs.registry import load_registry  # noqa: PLC0415  (the plugins bring the HTTP stack: not at start-up)

    registry = load_registry()
    unknown = [f for f in formats if f not in registry.writers]
    if unknown:
        known = ", ".join(sorted(registry.writers))
        raise UsageError(f"--format {unknown[0]}: unknown format (known: {known})")
    digest = build_digest(store, day, preset=preset, now=now, refresh=refresh, options=options, finish=finish)
    if has_code:
        digest = only_with_code(digest)
    paths: list[Path] = []
    for name in formats:
        paths.extend(registry.writers[name]().write(digest, out_dir))
    return RenderResult(digest, paths)


def export_to_file(store: Store, path: Path) -> dict[str, int]:
    """Export to ``path``: a regular file (or a symlink's target) atomically, a FIFO or device written through.

    Raises:
        WriterError: ``path`` cannot be written (a full disk leaves a regular file as it was), or is a directory,
            block device or socket (see ``hotpapers._fs.write_output``).
    """
    return write_output(path, lambda handle: export(store, handle))


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
        from hotpapers.jobs.site import build_site_from_store  # noqa: PLC0415  (the site stack: only the demo needs it)

        site = list(build_site_from_store(store, out_dir / "site", preset=preset).written)
    return DemoResult(db_path, paths, feeds, site)


def build_rollup(
    store: Store, span: DateRange, *, preset: str, now: dt.datetime, options: Mapping[str, Any] | None = None
) -> Digest:
    """Rank the roll-up of ``span`` into a digest dated its last day (never saved as published).

    Raises:
        UsageError: no papers announced in the range are in the store, or the preset is unknown.
    """
    evidence = rollup_evidence(store, span.start, span.end, resurfaced=span.window())
    if not evidence:
        raise UsageError(
            f"{span.start.isoformat()} .. {span.end.isoformat()}: no papers announced in that range are in the store"
        )
    start, end = span.window()
    return rank_enriched(store, preset, evidence, date=span.end, window_start=start, window_end=end,
                         generated_at=digest_time(end, now), title=span.title, **(options or {}))  # fmt: skip


def build_rising(
    store: Store,
    scope: DateRange | None,
    *,
    hours: float,
    preset: str,
    now: dt.datetime,
    options: Mapping[str, Any] | None = None,
) -> Digest:
    """Rank the growth of the last ``hours`` (papers of ``scope``, default the last announced days) into a digest
    dated the scope's last day, its window the ``hours`` before ``now`` (never saved as published).

    Raises:
        UsageError: no papers are in scope, or the preset is unknown.
    """
    bounds = None if scope is None else (scope.start, scope.end)
    evidence = rising_evidence(store, bounds, hours=hours, now=now)
    if not evidence:
        where = "the store" if scope is None else f"{scope.start.isoformat()} .. {scope.end.isoformat()}"
        raise UsageError(f"--window rising: no announced papers in {where}")
    day = store.announced_dates()[-1] if scope is None else scope.end
    return rank_enriched(store, preset, evidence, date=day, window_start=now - dt.timedelta(hours=hours),
                         window_end=now, generated_at=now, title=rising_title(hours), **(options or {}))  # fmt: skip


def check_formats(formats: Sequence[str]) -> None:
    """Refuse an unknown format before anything is ranked or written.

    Raises:
        UsageError: a format is not a registered writer.
    """
    from hotpapers.jobs.registry import load_registry  # noqa: PLC0415  (the plugins bring the HTTP stack: not at start-up)

    registry = load_registry()
    unknown = [f for f in formats if f not in registry.writers]
    if unknown:
        known = ", ".join(sorted(registry.writers))
        raise UsageError(f"--format {unknown[0]}: unknown format (known: {known})")


def write_view(digest: Digest, *, formats: Sequence[str], out_dir: Path) -> list[Path]:
    """Write a view's digest in each of ``formats`` under ``out_dir`` (writers name files by its date).

    Raises:
        UsageError: an unknown format.
        WriterError: an output could not be written.
    """
    check_formats(formats)
    from hotpapers.jobs.registry import load_registry  # noqa: PLC0415  (the plugins bring the HTTP stack: not at start-up)

    registry = load_registry()
    paths: list[Path] = []
    for name in formats:
        paths.extend(registry.writers[name]().write(digest, out_dir))
    return paths
