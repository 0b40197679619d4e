"""Golden tests: the original's published posts are reproduced by legacy import, ``classic`` and Lumen.

For each archived day: derive the original's intermediate JSON (``tools/derive_legacy_from_archive.py``),
``parse_legacy`` it, rank the papers with ``classic``, render with ``render_lumen``, read the Markdown back
and compare with the published post: papers and their order, titles, authors, counts, links, categories,
abstracts and the embedded statuses in order (whitespace normalised where the writer normalises it).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pytest

from hotpapers.ranking.classic import rank_classic
from hotpapers.sources.legacy.parse import parse_legacy
from hotpapers.writers.lumen import render_lumen

from helpers.paths import SHARED, TESTS

HERE = TESTS
BUNDLED = HERE / "fixtures" / "archive" / "posts.jsonl"
LEGACY = HERE / "fixtures" / "legacy"
GOLDEN = HERE / "golden" / "lumen"
FULL_ARCHIVE = SHARED / "data" / "hot-papers-archive" / "posts.jsonl"
SEED = SHARED / "seed" / "2021-04-19---Hot-Papers.md"
GOLDEN_DAYS = ("2020-08-18", "2021-01-15", "2021-04-19")
EXACT_DAYS_IN_FULL_ARCHIVE = 262

# Days that cannot reproduce exactly, with the sections that differ. In each named section the published
# post embeds the same status twice (byte-identical oEmbed HTML). The second embed was a retweet of the
# status (oEmbed renders a retweet as its original; the derived input models it so, counted in the totals).
# The generator that ran on these two days embedded every hit; the one used from the next post on skipped
# repeated retweets and embeds, and `classic` never embeds a repost, so the status is shown once.
KNOWN_DIFFERENT = {
    "2020-09-17": (2,),
    "2020-09-18": (2, 3),
}


def _load_tool() -> ModuleType:
    path = HERE.parent / "tools" / "derive_legacy_from_archive.py"
    spec = importlib.util.spec_from_file_location("derive_legacy_from_archive", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def _records(path: Path) -> dict[str, dict[str, Any]]:
    return {r["post_date"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


BUNDLED_RECORDS = _records(BUNDLED)


def _render(record: dict[str, Any]) -> str:
    """derive -> parse_legacy -> classic -> Lumen, generated the morning after the listing day (UTC)."""
    batch = parse_legacy(orjson.dumps(tool.derive_day(record)), f"{record['post_date']}.json")
    generated = dt.datetime.combine(batch.date + dt.timedelta(days=1), dt.time(0, 43, 48), dt.UTC)
    start = dt.datetime.combine(batch.date, dt.time(0), dt.UTC)
    digest = rank_classic(
        batch.evidence(), date=batch.date, window_start=start, window_end=generated, generated_at=generated
    )
    return render_lumen(digest)


def _norm(text: str) -> str:
    """Whitespace normalised; the zero-width space the writer puts between two touching math spans
    (``$a$$b$``, see ``writers/_tex.py``) is left out: a reader does not see it."""
    return " ".join(text.replace("\u200b", "").split())


def _paper_view(paper: dict[str, Any]) -> dict[str, Any]:
    """What must match between a published section and a rendered one."""
    fields = ("arxiv_id", "retweets", "favorites", "abs_url", "pdf_url", "categories")
    view = {k: paper[k] for k in fields}
    view.update(title=_norm(paper["title"]), abstract=_norm(paper["abstract"]))
    view["authors"] = [_norm(a) for a in paper["authors"]]
    view["tweets"] = [
        (t["handle"], t["status_id"], _norm(t["author_name"]), t["date_text"], t["lang"], _norm(t["text"]))
        for t in paper["tweets"]
    ]
    return view


def differences(published: dict[str, Any], rendered: dict[str, Any]) -> Iterator[str]:
    """Each way the rendered post differs from the published one, as one line."""
    for key in ("title", "template", "slug", "category", "tags", "description", "socialImage"):
        if published["front_matter"][key] != rendered["front_matter"][key]:
            yield f"front matter {key}: {published['front_matter'][key]!r} != {rendered['front_matter'][key]!r}"
    old, new = published["papers"], rendered["papers"]
    if [p["rank"] for p in new] != list(range(1, len(new) + 1)) or len(old) != len(new):
        yield f"papers: {len(old)} published, {len(new)} rendered"
    for before, after in zip(old, new, strict=False):
        a, b = _paper_view(before), _paper_view(after)
        yield from (f"#{before['rank']} {k}: {a[k]!r} != {b[k]!r}" for k in a if a[k] != b[k])


def _reproduce(record: dict[str, Any]) -> list[str]:
    return list(differences(record, tool.parse_post(_render(record), escaped=True)))


def _without_repeated_embeds(record: dict[str, Any]) -> dict[str, Any]:
    papers = [dict(p, tweets=list({t["status_id"]: t for t in p["tweets"]}.values())) for p in record["papers"]]
    return dict(record, papers=papers)


@pytest.mark.parametrize("day", sorted(set(BUNDLED_RECORDS) - set(KNOWN_DIFFERENT)))
def test_bundled_day_reproduces(day: str) -> None:
    """The bundled day renders the published papers, counts, links, texts and embeds in order."""
    assert _reproduce(BUNDLED_RECORDS[day]) == []


@pytest.mark.parametrize("day", sorted(KNOWN_DIFFERENT))
def test_known_different_day_differs_only_by_repeated_embeds(day: str) -> None:
    """A known-different day differs only in the named sections' repeated embed."""
    record = BUNDLED_RECORDS[day]
    assert {line.split(" ")[0] for line in _reproduce(record)} == {f"#{r}" for r in KNOWN_DIFFERENT[day]}
    assert all(" tweets: " in line for line in _reproduce(record))
    assert list(differences(_without_repeated_embeds(record), tool.parse_post(_render(record), escaped=True))) == []


@pytest.mark.skipif(not FULL_ARCHIVE.exists(), reason=f"the full archive is not at {FULL_ARCHIVE}")
def test_every_archived_day_reproduces_except_known_ones() -> None:
    """All 264 archived posts reproduce, except the documented KNOWN_DIFFERENT days."""
    records = _records(FULL_ARCHIVE)
    failed = {day: lines for day, r in records.items() if (lines := _reproduce(r))}
    assert sorted(failed) == sorted(KNOWN_DIFFERENT), {d: v[:3] for d, v in failed.items()}
    assert len(records) - len(failed) == EXACT_DAYS_IN_FULL_ARCHIVE


@pytest.mark.parametrize("day", GOLDEN_DAYS)
def test_golden_lumen_file(day: str, update_golden: bool) -> None:
    """render_lumen output is byte-identical to tests/golden/lumen/<day>---Hot-Papers.md."""
    path = GOLDEN / f"{day}---Hot-Papers.md"
    text = _render(BUNDLED_RECORDS[day])
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.read_bytes() == text.encode("utf-8")


@pytest.mark.parametrize("day", sorted(BUNDLED_RECORDS))
def test_derived_counts_sum_to_published_totals(day: str) -> None:
    """Per-tweet counts derived for a day sum to each paper's published retweets and favorites."""
    derived = {p["id"]: p for p in tool.derive_day(BUNDLED_RECORDS[day])["papers"]}
    for paper in BUNDLED_RECORDS[day]["papers"]:
        tweets = derived[paper["arxiv_id"]]["tweets"]
        counts = [
            (
                int(t.get("retweet_count", t.get("retweets_count"))),
                int(t.get("favorite_count", t.get("likes_count"))),
            )
            for t in tweets
        ]
        assert (sum(r for r, _ in counts), sum(f for _, f in counts)) == (
            paper["retweets"],
            paper["favorites"],
        )


def test_fillers_never_reach_the_embed_threshold() -> None:
    """Every synthetic filler tweet scores 1..24, every embedded status at least 25."""
    derived = tool.derive_day(BUNDLED_RECORDS["2021-01-01"])
    for paper in derived["papers"]:
        for tweet in paper["tweets"]:
            score = tweet["retweet_count"] + tweet["favorite_count"]
            is_filler = tweet["user"]["screen_name"] == tool.FILLER_HANDLE
            assert (1 <= score <= 24) if is_filler else (score >= 25)


def test_status_under_several_papers_gets_equal_counts() -> None:
    """A status embedded under three papers (2021-04-14) has the same counts in each."""
    derived = tool.derive_day(BUNDLED_RECORDS["2021-04-14"])
    shared = [
        (t["retweet_count"], t["favorite_count"])
        for p in derived["papers"]
        for t in p["tweets"]
        if t["id_str"] == "1382339687591804929"
    ]
    assert len(shared) == 3 and len(set(shared)) == 1


@pytest.mark.parametrize("path", sorted(LEGACY.glob("*.json")), ids=lambda p: p.stem)
def test_stored_legacy_fixture_is_the_tool_output(path: Path) -> None:
    """tests/fixtures/legacy/<day>.json is exactly what the tool derives from the bundled day."""
    assert json.loads(path.read_text(encoding="utf-8")) == tool.derive_day(BUNDLED_RECORDS[path.stem])


@pytest.mark.skipif(not FULL_ARCHIVE.exists(), reason=f"the full archive is not at {FULL_ARCHIVE}")
def test_bundled_days_are_archive_records() -> None:
    """Every bundled day except the seed's is the archive's record, unchanged."""
    archive = _records(FULL_ARCHIVE)
    for day, record in BUNDLED_RECORDS.items():
        assert day == "2021-04-19" or record == archive[day]


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed post is not at {SEED}")
def test_seed_day_is_read_from_the_seed_post() -> None:
    """The bundled 2021-04-19 record (not in the archive) is the seed post read by the tool."""
    parsed = tool.parse_post(SEED.read_text(encoding="utf-8"), escaped=False)
    expected = dict(BUNDLED_RECORDS["2021-04-19"])
    expected.pop("source_file")
    assert parsed == expected


@pytest.mark.parametrize("day", GOLDEN_DAYS)
def test_golden_through_store_and_cli(
    day: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``hotpapers import`` then ``render`` writes the golden post, dated from the data (the window's close).

    The golden file is the writer's output for a digest generated at 00:43:48 UTC the morning after (the seed
    post's time); through the store a closed day is dated at the close of its window whatever the clock says
    (``jobs.render.digest_time``), so the ``date`` line is the one line that differs.
    """
    from hotpapers.arxiv.calendar import listing_window  # noqa: PLC0415
    from hotpapers.cli import app, main  # noqa: PLC0415 - only this test drives the CLI

    monkeypatch.setattr(app, "now_utc", lambda: dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
    legacy = tmp_path / f"{day}.json"
    legacy.write_bytes(orjson.dumps(tool.derive_day(BUNDLED_RECORDS[day])))
    db = str(tmp_path / "store.db")
    assert main(["--db", db, "import", str(legacy)]) == 0
    assert main(["--db", db, "render", "--date", day, "--preset", "classic", "--out", str(tmp_path / "out")]) == 0
    name = f"{day}---Hot-Papers.md"
    close = listing_window(dt.date.fromisoformat(day))[1].astimezone(dt.UTC).isoformat()
    golden = (GOLDEN / name).read_text(encoding="utf-8")
    expected = re.sub(r'(?m)^date: "[^"]*"$', f'date: "{close}"', golden, count=1)
    assert (tmp_path / "out" / name).read_text(encoding="utf-8") == expected
