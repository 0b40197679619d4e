"""Archives for the site tests: the bundled sample (real days, through the store) and a hostile digest."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

from hotpapers.jobs import render as render_job
from hotpapers.jobs import transfer
from hotpapers.jobs.site import build_archive
from hotpapers.models import (
    Archive,
    ArxivId,
    BreakdownItem,
    Claim,
    Digest,
    EngagementSnapshot,
    LinkMethod,
    Paper,
    PaperLink,
    Post,
    PostEvidence,
    RankedPaper,
    RankedPost,
    SourceRef,
    Summary,
    SummaryKind,
)
from hotpapers.store import open_store

NOW = dt.datetime(2021, 4, 21, 12, 0, tzinfo=dt.UTC)

HOSTILE_ID = ArxivId("2104.99999")
HOSTILE_TITLE = "<img src=x onerror=alert(1)> Attention is all you need & more"
HOSTILE_ABSTRACT = "We prove that a < b & c for $x<y$ and <b>bold</b> claims."
HOSTILE_AUTHOR = "Seán O'Hare"
HOSTILE_POST_TEXT = '"</script><script>alert(1)</script> read arxiv.org/abs/2104.99999'
HOSTILE_URL = "javascript:alert(1)"
HOSTILE_NAME = "<b onmouseover=alert(1)>mallory</b>"
HOSTILE_LABEL = "<script>alert('why')</script> likes"
HOSTILE_TLDR = "We prove <img src=x onerror=alert(1)> that a < b & c."
HOSTILE_CLAIM = "“<script>alert('claim')</script> is a strong result”"
HOSTILE_MODEL = "gpt-<b>evil</b>"
HOSTILE_DATE = NOW.date().isoformat()  # the day the hostile summaries were made


def sample_archive(tmp: Path) -> Archive:
    """Import the bundled sample into a store under ``tmp``, publish each day, and read the archive back."""
    store = open_store(str(tmp / "sample.db"))
    try:
        with resources.as_file(resources.files("hotpapers") / "data" / "sample.jsonl") as sample:
            transfer.import_files(store, [sample])
        for day in store.announced_dates():
            render_job.build_digest(store, day, preset="classic", now=NOW)
        return build_archive(store, preset="classic", now=NOW)
    finally:
        store.close()


def _post(post_id: str, url: str, *, deleted: bool = False, at: dt.datetime) -> Post:
    return Post(
        platform="x",
        post_id=post_id,
        url=url,
        author_handle="mallory",
        author_name=HOSTILE_NAME,
        text=HOSTILE_POST_TEXT,
        created_at=at,
        links=(PaperLink(HOSTILE_ID, LinkMethod.TEXT),),
        deleted=deleted,
    )


def hostile_archive(day: dt.date = dt.date(2021, 4, 20)) -> Archive:
    """One digest whose only paper and posts carry markup, TeX, quotes and a ``javascript:`` URL."""
    at = dt.datetime.combine(day, dt.time(12), dt.UTC)
    paper = Paper(
        arxiv_id=HOSTILE_ID,
        version=1,
        title=HOSTILE_TITLE,
        authors=(HOSTILE_AUTHOR, "Ada <i>Lovelace</i>"),
        abstract=HOSTILE_ABSTRACT,
        primary_category="cs.CR",
        categories=("cs.CR", "cs.LG"),
        abs_url="https://arxiv.org/abs/2104.99999",
        pdf_url=HOSTILE_URL,
    )
    live = _post("1", HOSTILE_URL, at=at)
    gone = _post("2", "https://twitter.com/mallory/status/2", deleted=True, at=at + dt.timedelta(hours=1))
    snaps = {
        ("x", "1"): (
            EngagementSnapshot("x", "1", at + dt.timedelta(hours=1), reposts=3, likes=4),
            EngagementSnapshot("x", "1", at + dt.timedelta(hours=5), reposts=10, likes=20, replies=1, quotes=1),
        ),
        ("x", "2"): (EngagementSnapshot("x", "2", at + dt.timedelta(hours=3), reposts=1, likes=2),),
    }
    ranked = RankedPaper(
        rank=1,
        score=40.0,
        paper=paper,
        posts=(RankedPost(live, snaps[("x", "1")][-1], 30.0),),
        breakdown=(BreakdownItem(HOSTILE_LABEL, 30.0), BreakdownItem("@mallory (x) retweets+likes", 10.0)),
        reposts=11,
        likes=22,
        tldr=_summary(SummaryKind.TLDR, HOSTILE_TLDR, (SourceRef("arxiv", "2104.99999v1", HOSTILE_URL),), ()),
        discussion=_summary(
            SummaryKind.DISCUSSION,
            f"{HOSTILE_CLAIM} [1, 2]",
            (SourceRef("x", "1", HOSTILE_URL, HOSTILE_NAME), SourceRef("x", "2", "https://twitter.com/mallory/status/2",
                                                                       "mallory")),
            (Claim(HOSTILE_CLAIM, (0, 1)),),
        ),
    )
    start = dt.datetime.combine(day, dt.time(0), dt.UTC)
    digest = Digest(f"Hot Papers {day} <script>", day, start, start + dt.timedelta(days=1), NOW, "classic", (ranked,))
    evidence = (PostEvidence(live, snaps[("x", "1")][-1]), PostEvidence(gone, snaps[("x", "2")][-1]))
    return Archive((digest,), {HOSTILE_ID: evidence}, snaps, NOW)


def _summary(kind: SummaryKind, text: str, sources: tuple[SourceRef, ...], claims: tuple[Claim, ...]) -> Summary:
    """A model's summary of the hostile paper, with markup in its text, model name and sources."""
    return Summary(
        HOSTILE_ID, kind, text, "llm", HOSTILE_MODEL, f"{kind.value}-1", "English", NOW, "0" * 64, sources, claims
    )


def combined_archive(tmp: Path) -> Archive:
    """The sample archive with the hostile digest as its newest day."""
    sample, hostile = sample_archive(tmp), hostile_archive()
    return Archive(
        hostile.digests + sample.digests,
        {**sample.paper_posts, **hostile.paper_posts},
        {**sample.series, **hostile.series},
        NOW,
    )
