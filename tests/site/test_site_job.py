"""The site job (hotpapers.jobs.site): which digests it publishes, and the store's fingerprints that drive a
rebuild, on both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotpapers.cli.app import Context
from hotpapers.cli.site import site
from hotpapers.jobs.site import build_archive, build_site_from_store, choose_digests
from hotpapers.models import ArxivId, PostKind
from hotpapers.site import build_site
from hotpapers.site._model import paper_path
from hotpapers.store import open_store
from hotpapers.store.base import Store

from helpers.factories import T0, paper, post, snapshot
from helpers.sitedata import NOW, sample_archive

PAPER = ArxivId("2104.08223")


def test_choose_digests_prefers_the_configured_preset_on_a_day_with_several() -> None:
    """Without a preset every day is published once: the preferred preset's digest, else the first by name."""
    d1, d2 = dt.date(2021, 4, 19), dt.date(2021, 4, 20)
    index = [(d1, "classic", "a"), (d1, "default", "b"), (d2, "classic", "c"), (d2, "zeta", "d")]
    assert choose_digests(index, preset=None, prefer="default") == [(d2, "classic", "c"), (d1, "default", "b")]
    assert choose_digests(index, preset=None, prefer=None) == [(d2, "classic", "c"), (d1, "classic", "a")]
    assert choose_digests(index, preset="zeta", prefer="default") == [(d2, "zeta", "d")]


def _seeded(url: str) -> Store:
    store = open_store(url)
    store.upsert_papers([paper()])
    store.upsert_posts([post("1"), post("2")])
    store.add_snapshots([snapshot("1", at=T0), snapshot("2", at=T0)])
    return store


CHANGES: dict[str, Callable[[Store], object]] = {
    "a new snapshot": lambda s: s.add_snapshots([snapshot("1", reposts=99, at=T0 + dt.timedelta(hours=1))]),
    "a post deleted": lambda s: s.mark_deleted("x", ["2"]),
    "an author renamed": lambda s: s.upsert_posts([post("1", author_name="AK (renamed)")]),
    "an author's handle changed": lambda s: s.upsert_posts([post("1", author_handle="ak_new")]),
    "a new post": lambda s: s.upsert_posts([post("3")]),
    "a new repost": lambda s: s.upsert_posts([post("4", kind=PostKind.REPOST, references="1")]),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_paper_fingerprint_changes_with_what_its_page_shows(store_url: str, change: str) -> None:
    """Every kind of change to a paper's posts or snapshots changes its fingerprint (and the posts read back)."""
    with _seeded(store_url) as store:
        before, posts = store.paper_post_fingerprints([PAPER]), store.paper_posts([PAPER])
        series = store.paper_snapshot_series([PAPER])
        CHANGES[change](store)
        after = store.paper_post_fingerprints([PAPER])
        assert after[PAPER] != before[PAPER]
        changed_data = (store.paper_posts([PAPER]), store.paper_snapshot_series([PAPER])) != (posts, series)
        assert changed_data or change == "a new repost"  # reposts are not shown, but change the fingerprint


def test_repeated_writes_keep_the_fingerprints(store_url: str) -> None:
    """Writing the same records again (a re-run) leaves every fingerprint as it was."""
    with _seeded(store_url) as store:
        before = (store.paper_post_fingerprints([PAPER]), store.digest_index())
        store.upsert_posts([post("1"), post("2")])
        store.add_snapshots([snapshot("1", at=T0), snapshot("2", at=T0)])
        assert (store.paper_post_fingerprints([PAPER]), store.digest_index()) == before


def test_paper_posts_leave_reposts_out_and_carry_the_latest_snapshot(store_url: str) -> None:
    """A paper's posts are its originals and quotes, by platform and id, each with its newest snapshot."""
    with _seeded(store_url) as store:
        store.upsert_posts([post("4", kind=PostKind.REPOST, references="1")])
        store.add_snapshots([snapshot("1", reposts=99, at=T0 + dt.timedelta(hours=1))])
        posts = store.paper_posts([PAPER])[PAPER]
        assert [e.post.post_id for e in posts] == ["1", "2"]
        assert posts[0].engagement is not None and posts[0].engagement.reposts == 99
        assert [s.reposts for s in store.paper_snapshot_series([PAPER])[("x", "1")]] == [10, 99]


def test_digest_index_fingerprint_changes_when_a_digest_is_saved_again(tmp_path: Path) -> None:
    """Saving a digest with other content changes its fingerprint in the index."""
    archive = sample_archive(tmp_path)
    with open_store(str(tmp_path / "sample.db")) as store:
        before = {(d, p): f for d, p, f in store.digest_index()}
        digest = archive.digests[0]
        store.save_digest(dataclasses.replace(digest, title=digest.title + " (again)"))
        after = {(d, p): f for d, p, f in store.digest_index()}
    key = (digest.date, digest.preset)
    assert after[key] != before[key] and {k: v for k, v in after.items() if k != key} == {
        k: v for k, v in before.items() if k != key
    }


def test_store_build_equals_the_in_memory_build(tmp_path: Path) -> None:
    """The site built from the store by the job is byte-identical to build_site of build_archive's Archive."""
    sample_archive(tmp_path)
    with open_store(str(tmp_path / "sample.db")) as store:
        build_site_from_store(store, tmp_path / "job", preset="classic")
        build_site(build_archive(store, preset="classic", now=NOW), tmp_path / "memory")
    files = {p.relative_to(tmp_path / "job") for p in (tmp_path / "job").rglob("*.html")}
    assert files and all(
        (tmp_path / "job" / f).read_bytes() == (tmp_path / "memory" / f).read_bytes() for f in files
    )


def test_new_snapshot_in_the_store_rewrites_one_paper_page(tmp_path: Path) -> None:
    """After a new snapshot of one post, a rebuild from the store writes only the page of the paper it links."""
    sample_archive(tmp_path)
    with open_store(str(tmp_path / "sample.db")) as store:
        build_site_from_store(store, tmp_path / "out")
        evidence = store.paper_posts([PAPER])[PAPER][0]
        later = dataclasses.replace(evidence.engagement, observed_at=NOW + dt.timedelta(days=1), likes=10**6)
        store.add_snapshots([later])
        report = build_site_from_store(store, tmp_path / "out")
    assert [p.relative_to(tmp_path / "out").as_posix() for p in report.written] == [paper_path(PAPER)]


def test_cli_site_build_without_preset_publishes_the_stores_digests(tmp_path: Path) -> None:
    """`site build` with no --preset on a store of classic digests (as the demo makes) builds every day, though
    the configured preset is default; a rebuild writes nothing."""
    archive = sample_archive(tmp_path)
    ctx = Context(str(tmp_path / "sample.db"), None, False)
    out = tmp_path / "out"
    first = CliRunner().invoke(site, ["build", "--out", str(out)], obj=ctx)
    assert first.exit_code == 0, first.output
    assert all((out / f"days/{d.date}.html").is_file() for d in archive.digests)
    again = CliRunner().invoke(site, ["build", "--out", str(out)], obj=ctx)
    assert again.output.startswith(f"0 files written under {out} (")


def test_cli_site_build_with_another_preset_finds_no_digest(tmp_path: Path) -> None:
    """`site build --preset default` on a classic-only store gives the "No digests yet" site."""
    sample_archive(tmp_path)
    ctx = Context(str(tmp_path / "sample.db"), None, False)
    result = CliRunner().invoke(site, ["build", "--out", str(tmp_path / "out"), "--preset", "default"], obj=ctx)
    assert result.exit_code == 0, result.output
    assert "No digests yet" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_cli_site_build_full_renders_all_and_writes_nothing_unchanged(tmp_path: Path) -> None:
    """`site build --full` on an up-to-date site renders every page again and writes no file."""
    sample_archive(tmp_path)
    ctx = Context(str(tmp_path / "sample.db"), None, False)
    out = tmp_path / "out"
    CliRunner().invoke(site, ["build", "--out", str(out)], obj=ctx)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    result = CliRunner().invoke(site, ["build", "--out", str(out), "--full"], obj=ctx)
    assert result.exit_code == 0 and result.output.startswith(f"0 files written under {out} (")
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.html")} == before
