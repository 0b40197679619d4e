"""Summaries that need nothing: a TL;DR chosen from the abstract, a discussion summary quoted from the posts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hotpapers.models import Paper, SourceRef, Summary, SummaryKind
from hotpapers.summarize.claims import cited_text, extract_claims
from hotpapers.summarize.posts import Substantive
from hotpapers.summarize.provenance import (
    EXTRACTIVE,
    EXTRACTIVE_MODEL,
    EXTRACTIVE_VERSION,
    discussion_inputs,
    input_hash,
    tldr_inputs,
)
from hotpapers.summarize.tldr import tldr_sentences

__all__ = ["abstract_source", "extractive_discussion", "extractive_hash", "extractive_tldr"]


def abstract_source(paper: Paper) -> SourceRef:
    """The source of a TL;DR: the abstract of the paper's version."""
    return SourceRef("arxiv", f"{paper.arxiv_id}v{paper.version}", paper.abs_url or "", "")


def extractive_hash(kind: SummaryKind, inputs: object) -> str:
    """The input hash of an extractive summary of ``kind`` made from ``inputs``."""
    return input_hash(kind, EXTRACTIVE, EXTRACTIVE_MODEL, EXTRACTIVE_VERSION, None, inputs)


def extractive_tldr(paper: Paper, now: dt.datetime) -> Summary | None:
    """The TL;DR of ``paper`` from its abstract's own sentences; None when no whole sentence fits (or no abstract)."""
    sentences = tldr_sentences(paper.abstract, paper.title)
    if not sentences:
        return None
    return Summary(
        arxiv_id=paper.arxiv_id,
        kind=SummaryKind.TLDR,
        text=" ".join(sentences),
        generator=EXTRACTIVE,
        model=EXTRACTIVE_MODEL,
        prompt_version=EXTRACTIVE_VERSION,
        language=None,
        created_at=now,
        input_hash=extractive_hash(SummaryKind.TLDR, tldr_inputs(paper)),
        sources=(abstract_source(paper),),
    )


def extractive_discussion(paper: Paper, posts: Sequence[Substantive], now: dt.datetime) -> Summary | None:
    """What the substantive ``posts`` (most engaged first) say, quoted; None when there are none."""
    if not posts:
        return None
    sources, claims = extract_claims(posts)
    return Summary(
        arxiv_id=paper.arxiv_id,
        kind=SummaryKind.DISCUSSION,
        text=cited_text(claims),
        generator=EXTRACTIVE,
        model=EXTRACTIVE_MODEL,
        prompt_version=EXTRACTIVE_VERSION,
        language=None,
        created_at=now,
        input_hash=extractive_hash(SummaryKind.DISCUSSION, discussion_inputs(paper, posts)),
        sources=sources,
        claims=claims,
    )
