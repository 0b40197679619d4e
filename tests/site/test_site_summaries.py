"""The paper page's TL;DR and discussion: who wrote them and when, citations as links, hostile text as text."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import lxml.html
import pytest

from hotpapers.config import Settings
from hotpapers.jobs import render as render_job
from hotpapers.jobs import transfer
from hotpapers.jobs.site import build_archive, build_site_from_store
from hotpapers.jobs.summarize import stored_summaries
from hotpapers.models import Archive
from hotpapers.site import build_site
from hotpapers.site._model import paper_path
from hotpapers.store import open_store

from helpers.paths import SAMPLE
from helpers.sitedata import (
    HOSTILE_CLAIM,
    HOSTILE_DATE,
    HOSTILE_ID,
    HOSTILE_MODEL,
    HOSTILE_TLDR,
    NOW,
    hostile_archive,
    sample_archive,
)


def _page(archive: Archive, tmp_path: Path, arxiv_id: str) -> lxml.html.HtmlElement:
    build_site(archive, tmp_path / "site")
    return lxml.html.fromstring((tmp_path / "site" / paper_path(arxiv_id)).read_bytes())


def test_hostile_summaries_are_text(tmp_path: Path) -> None:
    """Markup in a TL;DR, a claim and a model's name is shown as text; no element comes of it."""
    doc = _page(hostile_archive(), tmp_path, HOSTILE_ID)
    assert doc.xpath("string(//section[@class='tldr']/p[contains(@class, 'tldr-text')])") == HOSTILE_TLDR
    provenance = doc.xpath("string(//section[@class='tldr']/p[contains(@class, 'provenance')])")
    assert provenance == f"TL;DR by {HOSTILE_MODEL} on {HOSTILE_DATE}"
    assert HOSTILE_CLAIM in doc.xpath("string(//ul[@class='claims'])")
    assert doc.xpath("//img | //b | //section//script") == []


def test_citations_link_their_posts_and_only_over_http(tmp_path: Path) -> None:
    """Each citation is [n] linking its post; a source whose URL is not http(s) is cited without a link."""
    doc = _page(hostile_archive(), tmp_path, HOSTILE_ID)
    claim = doc.xpath("//ul[@class='claims']/li")[0]
    assert [(e.tag, e.text, e.get("href")) for e in claim.xpath("*[contains(@class, 'cite')]")] == [
        ("span", "[1]", None), ("a", "[2]", "https://twitter.com/mallory/status/2")
    ]
    assert "Summary by gpt-<b>evil</b> on 2021-04-21 from 2 posts" in doc.xpath("string(//section[@class='discussion'])")


def test_a_paper_without_summaries_shows_neither_section(tmp_path: Path) -> None:
    """No TL;DR and no discussion summary: the page has neither section (nothing empty is shown)."""
    archive = hostile_archive()
    ranked = dataclasses.replace(archive.digests[0].papers[0], tldr=None, discussion=None)
    digest = dataclasses.replace(archive.digests[0], papers=(ranked,))
    doc = _page(dataclasses.replace(archive, digests=(digest,)), tmp_path, HOSTILE_ID)
    assert doc.xpath("//section[@class='tldr'] | //section[@class='discussion']") == []


@pytest.fixture
def summarised_sample(tmp_path: Path) -> Archive:
    """The bundled sample, each day ranked with classic and summarised without a model, read back as the site's."""
    with open_store(str(tmp_path / "s.db")) as store:
        transfer.import_files(store, [SAMPLE])
        finish = stored_summaries(store, Settings(), NOW)
        for day in store.announced_dates():
            render_job.build_digest(store, day, preset="classic", now=NOW, finish=finish)
        return build_archive(store, preset="classic", now=NOW + dt.timedelta(hours=1))


def test_extractive_summaries_say_so(summarised_sample: Archive, tmp_path: Path) -> None:
    """On a real paper: "TL;DR by hotpapers-extractive on DATE (sentences of the abstract, unchanged)", and the
    discussion's quotes cite the author's post."""
    doc = _page(summarised_sample, tmp_path, "2104.08223")
    assert doc.xpath("string(//section[@class='tldr']/p[contains(@class, 'provenance')])") == (
        "TL;DR by hotpapers-extractive on 2021-04-21 (sentences of the abstract, unchanged)"
    )
    assert doc.xpath("string(//section[@class='tldr']/p[1])").startswith("To improve upon existing models, we propose")
    first_cite = doc.xpath("//ul[@class='claims']/li[1]/a[@class='cite']/@href")[0]
    assert first_cite == "https://twitter.com/AlexRichardCS/status/1384158612654723079"


def test_a_new_summary_rewrites_exactly_that_paper_page(tmp_path: Path) -> None:
    """Summaries live in the published digest, so its fingerprint (part of each page's key) changes with them: a
    digest republished with one paper's new TL;DR rewrites that paper's page alone (the day card shows no summary)."""
    sample_archive(tmp_path)
    out = tmp_path / "out"
    with open_store(str(tmp_path / "sample.db")) as store:
        build_site_from_store(store, out)
        digest = next(d for d in store.iter_digests() if d.date == dt.date(2021, 4, 19))
        target = digest.papers[0]
        tldr = hostile_archive().digests[0].papers[0].tldr
        assert tldr is not None
        summarised = dataclasses.replace(target, tldr=dataclasses.replace(tldr, arxiv_id=target.paper.arxiv_id))
        store.save_digest(dataclasses.replace(digest, papers=(summarised, *digest.papers[1:])))
        report = build_site_from_store(store, out)
    assert [p.relative_to(out).as_posix() for p in report.written] == [paper_path(target.paper.arxiv_id)]
    assert "TL;DR by" in (out / paper_path(target.paper.arxiv_id)).read_text(encoding="utf-8")


def test_the_tldrs_tex_is_mathml_like_the_abstracts(tmp_path: Path) -> None:
    """An extractive TL;DR is sentences of the abstract: its ``$…$`` is MathML there too, not raw TeX."""
    archive = hostile_archive()
    ranked = archive.digests[0].papers[0]
    assert ranked.tldr is not None
    tldr = dataclasses.replace(ranked.tldr, text="We bound the error by $O(n^2)$ steps.")
    digest = dataclasses.replace(archive.digests[0], papers=(dataclasses.replace(ranked, tldr=tldr),))
    doc = _page(dataclasses.replace(archive, digests=(digest,)), tmp_path, HOSTILE_ID)
    (text,) = doc.xpath("//section[@class='tldr']/p[@class='tldr-text']")
    assert text.xpath(".//math") and "$" not in text.text_content()
