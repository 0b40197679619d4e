"""The profiles job: a profile's digest of a day (or week), published in the store, and its outputs.

``profile_digest`` ranks a listing day for one profile (``hotpapers.profiles.hotforme``) from the store: every paper
of the day's cohort scored by preset ``default`` (with the ``[ranking.default]`` options, ``min_score`` 0 so that a
relevant paper nobody discussed can still be listed), the profile's library read and completed from the store, its
not-interested list. The result is published in ``profile_digests`` with a hash of those inputs: rendering the day
again gives the same bytes, until the library, the profile's settings or its not-interested list change (or
``refresh``). ``week_digest`` is a view over a week's profile digests (never stored).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from hotpapers.arxiv.calendar import listing_window
from hotpapers.config import Settings
from hotpapers.enrich.view import only_with_code
from hotpapers.errors import UsageError
from hotpapers.jobs.render import check_formats, digest_time, rank_enriched, write_digest
from hotpapers.models import ArxivId, Digest, Paper, RankedPaper
from hotpapers.profiles.config import Profile, load_profiles, profile_named
from hotpapers.profiles.hotforme import Taste, hot_for_me
from hotpapers.profiles.library import Library, LibraryEntry, complete, read_library
from hotpapers.profiles.relevance import get_method
from hotpapers.ranking.options import DefaultOptions, preset_options
from hotpapers.ranking.views import week_range
from hotpapers.store.base import Store

__all__ = [
    "ProfileListing",
    "ProfileOutputs",
    "build_for_you",
    "configured_profiles",
    "fetch_library_papers",
    "find_profile",
    "list_profiles",
    "load_taste",
    "period_digest",
    "profile_digest",
    "profile_out_dir",
    "render_profile",
    "site_link",
    "week_digest",
]

PRESET = "default"
"""Hot for me is the ``default`` score combined with relevance."""


def fingerprint(*parts: str) -> str:
    """A short hash of ``parts``, kept apart (as ``hotpapers.site.fingerprint``)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def configured_profiles(settings: Settings) -> dict[str, Profile]:
    """The profiles of the config file, checked.

    Raises:
        ConfigError: a profile is invalid.
    """
    return load_profiles(settings.profiles, settings.config_path)


def find_profile(settings: Settings, name: str) -> Profile:
    """The profile ``name`` of the config file.

    Raises:
        ConfigError: a profile is invalid.
        UsageError: there is no such profile (the known ones are named).
    """
    return profile_named(configured_profiles(settings), name)


def _lookup(store: Store) -> Callable[[Iterable[ArxivId]], Mapping[ArxivId, Paper]]:
    def lookup(ids: Iterable[ArxivId]) -> dict[ArxivId, Paper]:
        found = {}
        for arxiv_id in dict.fromkeys(ids):
            paper = store.get_paper(arxiv_id)
            if paper is not None:
                found[arxiv_id] = paper
        return found

    return lookup


def read_profile_library(store: Store, profile: Profile) -> Library | None:
    """The profile's library, completed from the store (None: the profile has none).

    Raises:
        InputError: the library file cannot be read or is malformed.
    """
    return None if profile.library is None else read_library(profile.library, _lookup(store))


def load_taste(store: Store, profile: Profile) -> tuple[Taste, str]:
    """What the profile ranks with, and a hash of it (the profile's settings, its library file, its list).

    Raises:
        InputError: the library file cannot be read or is malformed.
    """
    library = read_profile_library(store, profile)
    dislikes = store.not_interested(profile.name)
    by_kind: dict[str, list[str]] = {"paper": [], "author": [], "keyword": []}
    for item in dislikes:
        by_kind[item.kind].append(item.value)
    ids = [ArxivId(v) for v in by_kind["paper"]]
    known = _lookup(store)(ids)
    disliked = tuple(e for e in (complete(LibraryEntry("", arxiv_id=i), known.get(i)) for i in ids) if e.text)
    taste = Taste(
        profile=profile,
        library=library.with_text if library is not None else (),
        disliked_papers=disliked,
        disliked_ids=frozenset(ids),
        disliked_authors=tuple(by_kind["author"]),
        disliked_keywords=tuple(by_kind["keyword"]),
    )
    settings = {f.name: str(getattr(profile, f.name)) for f in dataclasses.fields(profile)}
    calibration = get_method(profile.relevance_method).calibration
    inputs = fingerprint(
        orjson.dumps(settings, option=orjson.OPT_SORT_KEYS).decode(),
        library.digest if library is not None else "-",
        *(e.text for e in library.entries) if library is not None else (),
        repr(calibration),
        *(f"{d.kind}:{d.value}" for d in dislikes),
        *(e.text for e in disliked),
    )
    return taste, inputs


def default_options(settings: Settings) -> DefaultOptions:
    """The ``[ranking.default]`` options of the config (the defaults without a table).

    Raises:
        ConfigError: an invalid ``[ranking.default]`` table.
    """
    where = str(settings.config_path or "config")
    chosen = preset_options(PRESET, settings.ranking.get(PRESET, {}), None, where).get("options")
    return chosen if isinstance(chosen, DefaultOptions) else DefaultOptions()


def _title(profile: Profile, day: dt.date) -> str:
    return f"{profile.title} {day.isoformat()}" if profile.title else f"Hot for {profile.name} {day.isoformat()}"


def _rank(store: Store, settings: Settings, profile: Profile, taste: Taste, day: dt.date, now: dt.datetime) -> Digest:
    evidence = store.evidence_for_day(day)
    if not evidence:
        raise UsageError(f"listing day {day.isoformat()}: no papers announced on that day are in the store",
                         subject="listing day")
    options = default_options(settings)
    start, end = listing_window(day)
    everything = rank_enriched(
        store, PRESET, evidence, date=day, window_start=start, window_end=end, generated_at=digest_time(end, now),
        options=dataclasses.replace(options, min_score=0.0),
    )
    papers = hot_for_me(everything.papers, taste, hot_from=options.min_score)
    return dataclasses.replace(everything, title=_title(profile, day), papers=papers)


def profile_digest(
    store: Store,
    settings: Settings,
    profile: Profile,
    day: dt.date,
    *,
    now: dt.datetime,
    refresh: bool = False,
    finish: Callable[[Digest], Digest] | None = None,
) -> Digest:
    """The profile's digest of ``day``: the published one if it was ranked with the same inputs (unless
    ``refresh``), else a new ranking, published. ``finish`` completes a new ranking (the stored summaries).

    Raises:
        UsageError: nothing announced on ``day`` is in the store.
        InputError: the library cannot be read.
        ConfigError: the profile's relevance method cannot be used here.
    """
    taste, inputs = load_taste(store, profile)
    published = store.load_profile_digest(profile.name, day)
    if published is not None and published[0] == inputs and not refresh:
        return published[1]
    digest = _rank(store, settings, profile, taste, day, now)
    if finish is not None:
        digest = finish(digest)
    same = published is not None and published[0] == inputs
    if same and published is not None and dataclasses.replace(digest, generated_at=published[1].generated_at) == (
        published[1]
    ):
        return published[1]  # nothing changed but the clock: keep the published bytes
    store.save_profile_digest(profile.name, inputs, digest)
    return digest


def week_digest(
    store: Store,
    settings: Settings,
    profile: Profile,
    day: dt.date,
    *,
    now: dt.datetime,
    finish: Callable[[Digest], Digest] | None = None,
) -> Digest:
    """The profile's digest of the Monday-Friday listing week of ``day``, up to ``day``: each day's profile digest
    (published as needed), each paper once at its best score, at most ``max_papers`` (a view: never stored).

    Raises:
        UsageError: no day of that week up to ``day`` is in the store.
    """
    span = week_range(day)
    days = [d for d in store.announced_dates() if span.start <= d <= min(day, span.end)]
    if not days:
        raise UsageError(f"listing day {day.isoformat()}: no listing day of that week is in the store",
                         subject="listing day")
    best: dict[ArxivId, RankedPaper] = {}
    for one in days:
        for ranked in profile_digest(store, settings, profile, one, now=now, finish=finish).papers:
            kept = best.get(ranked.paper.arxiv_id)
            if kept is None or ranked.score > kept.score:
                best[ranked.paper.arxiv_id] = ranked
    ordered = sorted(best.values(), key=lambda r: (-r.score, r.paper.arxiv_id))[: profile.max_papers]
    start, end = listing_window(days[0])[0], listing_window(days[-1])[1]
    title = f"{profile.title or f'Hot for {profile.name}'}, week of {span.start.isoformat()}"
    return Digest(title, days[-1], start, end, digest_time(end, now), PRESET,
                  tuple(dataclasses.replace(r, rank=n) for n, r in enumerate(ordered, start=1)))  # fmt: skip


def period_digest(
    store: Store, settings: Settings, profile: Profile, day: dt.date, *, now: dt.datetime,
    finish: Callable[[Digest], Digest] | None = None,
) -> tuple[str, Digest]:
    """(the period's key, the profile's digest of it): the day (``2024-11-28``) for a daily profile, the ISO week
    (``2024-W48``) for a weekly one."""
    if profile.period == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}", week_digest(store, settings, profile, day, now=now, finish=finish)
    return day.isoformat(), profile_digest(store, settings, profile, day, now=now, finish=finish)


def site_link(env: Mapping[str, str], profile: Profile) -> str | None:
    """The profile's "for you" page on the published site (``HOTPAPERS_SITE_URL``), for messages; None if unset."""
    base = env.get("HOTPAPERS_SITE_URL", "").strip()
    return f"{base.rstrip('/')}/for/{profile.slug}/" if base.startswith(("http://", "https://")) else None


def profile_out_dir(out_dir: Path, profile: Profile) -> Path:
    """The profile's own folder under an output folder: ``OUT/for/NAME``."""
    return out_dir / "for" / profile.slug


@dataclass
class ProfileOutputs:
    """What rendering a profile wrote."""

    digest: Digest
    paths: list[Path]


def render_profile(
    store: Store,
    settings: Settings,
    profile: Profile,
    day: dt.date,
    *,
    formats: Sequence[str],
    out_dir: Path,
    now: dt.datetime,
    refresh: bool = False,
    finish: Callable[[Digest], Digest] | None = None,
    has_code: bool = False,
) -> ProfileOutputs:
    """Rank (or reload) the profile's digest of ``day`` and write it in each of ``formats`` under ``out_dir`` (with
    ``has_code``, only its papers with a known code repository).

    Raises:
        UsageError: an unknown format, or nothing announced on ``day``.
        WriterError: an output could not be written.
    """
    registry = check_formats(formats)
    digest = profile_digest(store, settings, profile, day, now=now, refresh=refresh, finish=finish)
    written = only_with_code(digest) if has_code else digest
    return ProfileOutputs(digest, write_digest(written, formats=formats, out_dir=out_dir, registry=registry))


def summary_of(outputs: ProfileOutputs) -> dict[str, Any]:
    """What a render of a profile did, for the ``runs`` table."""
    return {"papers": len(outputs.digest.papers), "paths": [str(p) for p in outputs.paths]}


def build_for_you(
    store: Store, settings: Settings, out_dir: Path, *, embeds: str = "static", base_url: str = "/"
) -> list[Path]:
    """Write every profile's "for you" folder (``OUT/for/NAME/``) of the site from its published digests (no ranking:
    ``render --profile``, ``deliver`` and ``run`` publish them). Files whose bytes are unchanged are left alone.

    Raises:
        ConfigError: a profile is invalid.
        WriterError: a file could not be written.
    """
    from hotpapers._fs import atomic_write_bytes  # noqa: PLC0415
    from hotpapers.site._model import paper_path  # noqa: PLC0415
    from hotpapers.site.for_you import DAYS, for_you_pages  # noqa: PLC0415
    from hotpapers.writers.embeds import parse_embed_mode  # noqa: PLC0415

    written: list[Path] = []
    for profile in configured_profiles(settings).values():
        digests = []
        for day in store.profile_digest_days(profile.name)[:DAYS]:
            found = store.load_profile_digest(profile.name, day)
            if found is not None:
                digests.append(found[1])
        listed = {r.paper.arxiv_id for d in digests for r in d.papers}
        on_site = {i for i in listed if (out_dir / paper_path(i)).is_file()}
        pages = for_you_pages(profile.slug, digests, on_site, embeds=parse_embed_mode(embeds), base_url=base_url)
        for relative, data in pages.items():
            target = out_dir / relative
            if target.is_file() and target.read_bytes() == data:
                continue
            atomic_write_bytes(target, data)
            written.append(target)
    return written


@dataclass(frozen=True)
class ProfileListing:
    """What ``hotpapers profiles`` shows of one profile."""

    profile: Profile
    library: Library | None  # None: the profile names no library
    fetched: tuple[int, int] | None  # (papers fetched from arXiv, ids asked for), when asked to fetch
    dislikes: dict[str, int]  # not-interested items by kind (paper, author, keyword)
    channels: list[str]  # the keys of its delivery channels (email, slack:3f2a9c01d2, bluesky, ...)


def list_profiles(
    store: Store, settings: Settings, env: Mapping[str, str], *, fetch: bool = False
) -> list[ProfileListing]:
    """Every profile of the config: its library as the store completes it, its not-interested list, its channels.
    With ``fetch``, the library papers the store lacks are asked of arXiv's API first, and stored.

    Raises:
        ConfigError: a profile (or a ``webhooks`` entry) is invalid.
        InputError: a library file cannot be read or is malformed.
        NetworkError: arXiv could not be reached (``fetch``).
    """
    from hotpapers.deliver.targets import targets_of  # noqa: PLC0415  (names only: no channel is made)

    listings = []
    for profile in configured_profiles(settings).values():
        library = read_profile_library(store, profile)
        fetched = None
        if fetch and library is not None and library.missing:
            fetched = (fetch_library_papers(store, settings, library.missing), len(library.missing))
            library = read_profile_library(store, profile)
        dislikes: dict[str, int] = {}
        for item in store.not_interested(profile.name):
            dislikes[item.kind] = dislikes.get(item.kind, 0) + 1
        channels = [t.key for t in targets_of(profile, env)]
        listings.append(ProfileListing(profile, library, fetched, dict(sorted(dislikes.items())), channels))
    return listings


def fetch_library_papers(store: Store, settings: Settings, ids: Sequence[ArxivId]) -> int:
    """Ask arXiv's API for ``ids`` and store the papers (not announcements: they belong to no listing day); how many
    were stored.

    Raises:
        NetworkError: arXiv could not be reached.
    """
    from hotpapers.arxiv.client import ArxivClient  # noqa: PLC0415
    from hotpapers.http import make_client, timeout_from_seconds  # noqa: PLC0415

    with make_client(mailto=settings.contact or None, timeout=timeout_from_seconds(settings.http_timeout)) as http:
        client = ArxivClient(http, api_url=settings.arxiv.api_url, delay_seconds=settings.arxiv.delay_seconds)
        papers = list(client.fetch_ids(ids))
    return store.upsert_papers(papers)
