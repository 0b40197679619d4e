"""The incremental site build: what a rebuild renders, writes and removes, and that it always ends correct."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from hotpapers.errors import WriterError
from hotpapers.models import Archive, Digest, EngagementSnapshot
from hotpapers.site import MANIFEST_NAME, ArchiveSource, build_site
from hotpapers.site import _build as site_build
from hotpapers.site._manifest import Entry, load_manifest, save_manifest
from hotpapers.site._model import paper_path

from helpers.sitedata import HOSTILE_ID, NOW, combined_archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """The sample's four days with the hostile digest on top (five days)."""
    return combined_archive(tmp_path_factory.mktemp("store"))


def upto(archive: Archive, days: int) -> Archive:
    """The archive of its oldest ``days`` digests."""
    return dataclasses.replace(archive, digests=archive.digests[len(archive.digests) - days :])


def site_files(out: Path) -> dict[str, bytes]:
    """Every file of the site but the manifest, by relative path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MANIFEST_NAME}


def mtimes(out: Path) -> dict[str, int]:
    """The modification time of every file, by relative path."""
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_rebuild_with_nothing_new_writes_nothing(archive: Archive, tmp_path: Path) -> None:
    """A second build of the same archive renders no page, writes no file and keeps every mtime."""
    build_site(archive, tmp_path)
    before = mtimes(tmp_path)
    report = build_site(archive, tmp_path)
    assert (report.written, report.removed, report.rendered) == ((), (), 0)
    assert report.unchanged == len(before) - 1  # every file but the manifest
    assert mtimes(tmp_path) == before


@pytest.mark.parametrize("base_url", ["/", "https://me.github.io/papers/"])
def test_site_grown_day_by_day_equals_a_full_build(archive: Archive, tmp_path: Path, base_url: str) -> None:
    """Building after each new day gives, byte for byte, the site one build of the whole archive gives (with a
    full base URL: the sitemap and feeds too)."""
    for days in range(1, len(archive.digests) + 1):
        build_site(upto(archive, days), tmp_path / "grown", base_url=base_url)
    build_site(archive, tmp_path / "full", base_url=base_url)
    assert site_files(tmp_path / "grown") == site_files(tmp_path / "full")


def test_a_new_day_writes_only_what_shows_it(archive: Archive, tmp_path: Path) -> None:
    """A new day writes its page, its papers, the index, archive, its categories and the day it follows, and
    leaves every other page untouched."""
    build_site(upto(archive, 4), tmp_path)
    report = build_site(archive, tmp_path)
    written = {p.relative_to(tmp_path).as_posix() for p in report.written}
    newest = archive.digests[0]
    assert {"index.html", f"days/{newest.date}.html", paper_path(HOSTILE_ID), "archive.html"} <= written
    assert f"days/{archive.digests[1].date}.html" in written  # its "next" link
    assert {"categories/cs.CR.html", "categories/index.html"} <= written
    assert not any(p.startswith("assets/") and not p.startswith("assets/search/") for p in written)
    assert f"days/{archive.digests[2].date}.html" not in written
    assert len(written) < len(site_files(tmp_path)) // 3


def test_same_archive_at_another_time_gives_the_same_bytes(archive: Archive, tmp_path: Path) -> None:
    """No page depends on the clock: an archive read at another time builds byte-identical files."""
    build_site(archive, tmp_path / "a")
    later = dataclasses.replace(archive, generated_at=NOW.replace(year=2030))
    build_site(later, tmp_path / "b")
    assert site_files(tmp_path / "a") == site_files(tmp_path / "b")


def test_deleted_and_edited_files_are_restored(archive: Archive, tmp_path: Path) -> None:
    """A file deleted or edited by hand since the last build is written again; nothing else is."""
    build_site(archive, tmp_path)
    fresh = site_files(tmp_path)
    (tmp_path / "archive.html").unlink()
    (tmp_path / "index.html").write_text("defaced", encoding="utf-8")
    report = build_site(archive, tmp_path)
    assert sorted(p.name for p in report.written) == ["archive.html", "index.html"]
    assert site_files(tmp_path) == fresh


def test_a_digest_no_longer_published_loses_its_pages(archive: Archive, tmp_path: Path) -> None:
    """Pages of a day and papers no longer in the archive are removed, with folders left empty; files the site
    never wrote stay."""
    build_site(archive, tmp_path)
    (tmp_path / "CNAME").write_text("papers.example.org\n", encoding="utf-8")
    report = build_site(upto(archive, 4), tmp_path)
    removed = {p.relative_to(tmp_path).as_posix() for p in report.removed}
    assert {f"days/{archive.digests[0].date}.html", paper_path(HOSTILE_ID), "categories/cs.CR.html"} <= removed
    assert not (tmp_path / "categories" / "cs.CR").exists()
    assert (tmp_path / "CNAME").read_text(encoding="utf-8") == "papers.example.org\n"
    fresh = tmp_path / "fresh"
    build_site(upto(archive, 4), fresh)
    assert {k: v for k, v in site_files(tmp_path).items() if not k.startswith(("CNAME", "fresh/"))} == site_files(fresh)


def test_changed_option_renders_again_but_writes_only_changed_bytes(archive: Archive, tmp_path: Path) -> None:
    """Another --base-url renders every page again; the assets, whose bytes do not change, are not rewritten."""
    build_site(archive, tmp_path)
    before = mtimes(tmp_path)
    report = build_site(archive, tmp_path, base_url="/papers/")
    assert report.rendered == report.files
    assert [p.name for p in report.written] == ["404.html"]  # the only page that links from the base URL
    assert mtimes(tmp_path)["assets/style.css"] == before["assets/style.css"]


def test_new_code_renders_every_page_again(archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new hotpapers version (another hash of the site's code) renders every page; equal bytes stay unwritten."""
    build_site(archive, tmp_path)
    monkeypatch.setattr(site_build, "_code_hash", lambda: "another version")
    report = build_site(archive, tmp_path)
    assert report.rendered == report.files and report.written == ()


def test_full_renders_every_page_and_writes_nothing_unchanged(archive: Archive, tmp_path: Path) -> None:
    """full=True ignores the manifest's keys, yet writes no file whose bytes are the same."""
    build_site(archive, tmp_path)
    report = build_site(archive, tmp_path, full=True)
    assert report.rendered == report.files and report.written == ()


def test_new_snapshot_renders_only_that_papers_page(archive: Archive, tmp_path: Path) -> None:
    """A new snapshot of a post changes the page of the paper it links, and no other page."""
    build_site(archive, tmp_path)
    post = archive.paper_posts[HOSTILE_ID][0].post
    key = (post.platform, post.post_id)
    later = EngagementSnapshot(post.platform, post.post_id, NOW.replace(day=22), reposts=50, likes=60)
    series = {**archive.series, key: (*archive.series[key], later)}
    report = build_site(dataclasses.replace(archive, series=series), tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in report.written] == [paper_path(HOSTILE_ID)]


def test_killed_build_ends_in_a_correct_site(archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build killed after writing some files of a new day, then a build of the old archive, leaves exactly the
    old archive's site: the files the killed build created are removed."""
    old = upto(archive, 4)
    build_site(old, tmp_path)
    real_write, count = site_build._write, [0]

    def dying_write(target: Path, data: bytes) -> None:
        count[0] += 1
        if count[0] > 3:
            raise KeyboardInterrupt
        real_write(target, data)

    monkeypatch.setattr(site_build, "_write", dying_write)
    with pytest.raises(KeyboardInterrupt):
        build_site(archive, tmp_path)
    monkeypatch.setattr(site_build, "_write", real_write)
    assert count[0] == 4 and any(tmp_path.joinpath("days").glob(f"{archive.digests[0].date}*"))
    build_site(old, tmp_path)
    build_site(old, tmp_path / "fresh")
    assert {k: v for k, v in site_files(tmp_path).items() if not k.startswith("fresh/")} == site_files(tmp_path / "fresh")


def test_manifest_naming_a_path_outside_is_ignored(archive: Archive, tmp_path: Path) -> None:
    """A manifest that names ../ or an absolute path is ignored as a whole (with a note): nothing outside the
    folder is removed, and the site is rendered in full."""
    out = tmp_path / "site"
    build_site(archive, out)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    manifest = load_manifest(out)  # a manifest made to pass its checksum
    manifest.files["../victim.txt"] = Entry(None, 7, 0)
    manifest.files[str(victim)] = Entry(None, 7, 0)
    save_manifest(out, manifest)
    report = build_site(archive, out)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert report.rendered == report.files and report.notes and "manifest" in report.notes[0]


def test_manifest_edited_by_hand_is_ignored(archive: Archive, tmp_path: Path) -> None:
    """A manifest whose content no longer matches its checksum line is ignored with a note: everything is
    rendered, nothing written that is unchanged, and nothing removed."""
    build_site(archive, tmp_path)
    raw = (tmp_path / MANIFEST_NAME).read_bytes()
    (tmp_path / MANIFEST_NAME).write_bytes(raw.replace(b"index.html", b"indey.html", 1))
    report = build_site(archive, tmp_path)
    assert report.rendered == report.files and report.written == () and report.removed == ()
    assert "checksum" in report.notes[0]


def test_unreadable_manifest_means_a_full_render(archive: Archive, tmp_path: Path) -> None:
    """A manifest that is not JSON is ignored with a note; the build renders everything and writes nothing new."""
    build_site(archive, tmp_path)
    (tmp_path / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    report = build_site(archive, tmp_path)
    assert report.rendered == report.files and report.written == () and report.notes


def test_output_that_is_a_file_is_a_writer_error(archive: Archive, tmp_path: Path) -> None:
    """An output folder that is a file is one WriterError naming it, and the file is left as it was."""
    (tmp_path / "out").write_text("a file", encoding="utf-8")
    with pytest.raises(WriterError, match="out"):
        build_site(archive, tmp_path / "out")
    assert (tmp_path / "out").read_text(encoding="utf-8") == "a file"


class CountingSource(ArchiveSource):
    """An ArchiveSource that counts the digests read in full."""

    def __init__(self, archive: Archive) -> None:
        super().__init__(archive)
        self.read: list[dt.date] = []

    def digest(self, date: dt.date) -> Digest:
        """The digest of ``date``, counted."""
        self.read.append(date)
        return super().digest(date)


def test_rebuild_reads_only_the_digests_it_renders(archive: Archive, tmp_path: Path) -> None:
    """With the manifest's plans, a rebuild with nothing new reads no digest in full, and a new day (in a
    category of its own) reads only its own digest and the previous day's (whose page links it)."""
    build_site(upto(archive, 4), tmp_path)
    noop = CountingSource(upto(archive, 4))
    build_site(noop, tmp_path)
    assert noop.read == []
    newest = archive.digests[0]
    ranked = newest.papers[0]
    alone = dataclasses.replace(ranked, paper=dataclasses.replace(ranked.paper, categories=("cs.CR",)))
    grown = dataclasses.replace(archive, digests=(dataclasses.replace(newest, papers=(alone,)), *archive.digests[1:]))
    new_day = CountingSource(grown)
    build_site(new_day, tmp_path)
    assert sorted(set(new_day.read)) == [archive.digests[1].date, newest.date]


def test_plans_of_another_build_key_are_not_used(archive: Archive, tmp_path: Path) -> None:
    """Another option (build key) re-plans every day from the digests themselves."""
    build_site(archive, tmp_path)
    source = CountingSource(archive)
    build_site(source, tmp_path, base_url="/papers/")
    assert sorted(set(source.read)) == sorted(d.date for d in archive.digests)
