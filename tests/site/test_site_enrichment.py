"""Enrichment on the incremental site: a paper page shows the paper's latest enrichment, and the store's per-paper
fingerprint covers it, so a new code link or snapshot rebuilds exactly that paper's page (on both backends)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from hotpapers.jobs import render as render_job
from hotpapers.jobs.site import build_archive, build_site_from_store
from hotpapers.models import (
    ArtifactSnapshot,
    ArxivId,
    CitationSnapshot,
    CodeHost,
    CodeLink,
    FoundIn,
    RepoSnapshot,
)
from hotpapers.site import build_site
from hotpapers.site._model import day_path, paper_path
from hotpapers.store import open_store
from hotpapers.store.base import Store

from helpers.factories import T0, paper
from helpers.sitedata import NOW, sample_archive

PAPER = ArxivId("2104.08223")
REPO = "https://github.com/google-research/vision_transformer"
DAY = dt.date(2021, 4, 19)


def _written(report_written: tuple[Path, ...], out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in report_written)


def _enriched(url: str) -> Store:
    store = open_store(url)
    store.upsert_papers([paper()])
    store.add_enrichment([
        CodeLink(PAPER, REPO, CodeHost.GITHUB, FoundIn.ABSTRACT, T0),
        RepoSnapshot(REPO, T0, 100, T0 - dt.timedelta(days=30)),
        ArtifactSnapshot(PAPER, T0, 1, 0, 0),
        CitationSnapshot(PAPER, T0, True, 3, 1, None, "s2"),
    ])  # fmt: skip
    return store


LATER = T0 + dt.timedelta(days=1)
CHANGES: dict[str, Callable[[Store], object]] = {
    "a new code link": lambda s: s.add_enrichment([CodeLink(PAPER, REPO + "2", CodeHost.GITHUB, FoundIn.COMMENT, LATER)]),
    "a new stars snapshot": lambda s: s.add_enrichment([RepoSnapshot(REPO, LATER, 130)]),
    "a new artifacts snapshot": lambda s: s.add_enrichment([ArtifactSnapshot(PAPER, LATER, 2, 0, 1)]),
    "a new citations snapshot": lambda s: s.add_enrichment([CitationSnapshot(PAPER, LATER, True, 4, 1, "NeurIPS")]),
    "stars replaced by an import": lambda s: s.replace_enrichment([RepoSnapshot(REPO, T0, 101)]),
    "citations replaced by an import": lambda s: s.replace_enrichment([CitationSnapshot(PAPER, T0, True, 9, 1)]),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_enrichment_fingerprint_changes_with_what_the_page_shows(store_url: str, change: str) -> None:
    """Every kind of enrichment change changes the paper's fingerprint; re-writing the same records does not."""
    with _enriched(store_url) as store:
        before = store.paper_enrichment_fingerprints([PAPER])
        _enriched(store_url).close()  # the same records again: ignored
        assert store.paper_enrichment_fingerprints([PAPER]) == before
        CHANGES[change](store)
        assert store.paper_enrichment_fingerprints([PAPER])[PAPER] != before[PAPER]


def test_a_paper_without_enrichment_has_no_enrichment_fingerprint(store_url: str) -> None:
    """Only papers with some enrichment are in the result (the others keep their posts' fingerprint alone)."""
    with open_store(store_url) as store:
        store.upsert_papers([paper()])
        assert store.paper_enrichment_fingerprints([PAPER]) == {}


def test_new_enrichment_rewrites_exactly_that_paper_page(tmp_path: Path) -> None:
    """A code link with stars, then a later stars snapshot: each rebuild writes that paper's page alone, which
    shows the latest stars and their rate (the day card keeps what the published digest showed)."""
    sample_archive(tmp_path)
    out = tmp_path / "out"
    with open_store(str(tmp_path / "sample.db")) as store:
        build_site_from_store(store, out)
        store.add_enrichment([
            CodeLink(PAPER, REPO, CodeHost.GITHUB, FoundIn.ABSTRACT, NOW),
            RepoSnapshot(REPO, NOW - dt.timedelta(days=2), 100),
        ])  # fmt: skip
        first = build_site_from_store(store, out)
        assert _written(first.written, out) == [paper_path(PAPER)]
        assert "100★" in (out / paper_path(PAPER)).read_text(encoding="utf-8")
        store.add_enrichment([RepoSnapshot(REPO, NOW, 130)])
        second = build_site_from_store(store, out)
        page = (out / paper_path(PAPER)).read_text(encoding="utf-8")
        assert _written(second.written, out) == [paper_path(PAPER)]
        assert "130★" in page and "+15★/day" in page
        assert "repo-badge" not in (out / day_path(DAY)).read_text(encoding="utf-8")
        assert build_site_from_store(store, out).written == ()


def test_a_re_ranked_day_shows_its_enrichment_on_the_day_card(tmp_path: Path) -> None:
    """Ranking the day again after enrichment rewrites its day page (the card's badge comes from the digest)."""
    sample_archive(tmp_path)
    out = tmp_path / "out"
    with open_store(str(tmp_path / "sample.db")) as store:
        store.add_enrichment([CodeLink(PAPER, REPO, CodeHost.GITHUB, FoundIn.ABSTRACT, NOW)])
        build_site_from_store(store, out)
        assert "repo-badge" not in (out / day_path(DAY)).read_text(encoding="utf-8")
        render_job.build_digest(store, DAY, preset="classic", now=NOW, refresh=True)
        report = build_site_from_store(store, out)
    assert day_path(DAY) in _written(report.written, out)
    assert "repo-badge" in (out / day_path(DAY)).read_text(encoding="utf-8")


def test_has_code_site_lists_only_papers_with_code_and_switches_back(tmp_path: Path) -> None:
    """``has_code`` keeps the days' papers with code only; building without it again restores every paper."""
    archive = sample_archive(tmp_path)
    out = tmp_path / "out"
    with open_store(str(tmp_path / "sample.db")) as store:
        store.add_enrichment([CodeLink(PAPER, REPO, CodeHost.GITHUB, FoundIn.ABSTRACT, NOW)])
        render_job.build_digest(store, DAY, preset="classic", now=NOW, refresh=True)
        build_site_from_store(store, out, has_code=True)
        assert sorted(p.name for p in (out / "papers").glob("*.html")) == [f"{PAPER}.html"]
        build_site_from_store(store, out)
    listed = {p.paper.arxiv_id for d in archive.digests for p in d.papers}
    assert {p.stem for p in (out / "papers").glob("*.html")} == listed


def test_store_build_equals_the_in_memory_build_with_enrichment(tmp_path: Path) -> None:
    """With enrichment stored, the job's site equals build_site of build_archive's Archive, page for page."""
    sample_archive(tmp_path)
    with open_store(str(tmp_path / "sample.db")) as store:
        store.add_enrichment([
            CodeLink(PAPER, REPO, CodeHost.GITHUB, FoundIn.ABSTRACT, NOW),
            RepoSnapshot(REPO, NOW - dt.timedelta(days=1), 90),
            RepoSnapshot(REPO, NOW, 100),
            ArtifactSnapshot(PAPER, NOW, 2, 1, 0),
        ])  # fmt: skip
        build_site_from_store(store, tmp_path / "job", preset="classic")
        archive = build_archive(store, preset="classic", now=NOW)
        build_site(archive, tmp_path / "memory")
    assert archive.enrichment[PAPER].code is not None
    files = {p.relative_to(tmp_path / "job") for p in (tmp_path / "job").rglob("*.html")}
    assert files and all((tmp_path / "job" / f).read_bytes() == (tmp_path / "memory" / f).read_bytes() for f in files)


def test_the_in_memory_source_fingerprints_enrichment(tmp_path: Path) -> None:
    """An Archive whose only change is a paper's enrichment rewrites that paper's page alone."""
    archive = sample_archive(tmp_path)
    out = tmp_path / "out"
    build_site(archive, out)
    with open_store(str(tmp_path / "sample.db")) as store:
        store.add_enrichment([CodeLink(PAPER, REPO, CodeHost.GITHUB, FoundIn.ABSTRACT, NOW)])
        enrichment = build_archive(store, preset="classic", now=NOW).enrichment
    report = build_site(dataclasses.replace(archive, enrichment=enrichment), out)
    assert _written(report.written, out) == [paper_path(PAPER)]
