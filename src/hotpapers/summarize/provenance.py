"""What a summary is made from, as one hash, and the names that record how it was made.

A summary is made again only when its *input hash* changes: the hash covers the generator, the model as
configured, the prompt (or algorithm) version, the target language and the summary's inputs (the paper's title,
abstract and version for a TL;DR; the id and text of every substantive post for a discussion summary). Engagement
counts are not inputs: a post gaining likes does not make a paid model summarise the same posts again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import orjson

from hotpapers.models import Paper, SummaryKind
from hotpapers.summarize.posts import Substantive
from hotpapers.summarize.sentences import normalize_space

__all__ = [
    "EXTRACTIVE",
    "EXTRACTIVE_MODEL",
    "EXTRACTIVE_VERSION",
    "LLM",
    "discussion_inputs",
    "input_hash",
    "tldr_inputs",
]

EXTRACTIVE = "extractive"
"""The generator of summaries chosen from their sources' own sentences (no model)."""
LLM = "llm"
"""The generator of summaries written by a model reached through the ``llm`` library."""
EXTRACTIVE_MODEL = "hotpapers-extractive"
"""The ``model`` recorded for extractive summaries: hotpapers' own sentence selection."""
EXTRACTIVE_VERSION = "extractive-1"
"""The version of the extractive algorithms (bumped when they choose differently, so summaries are made again)."""


def tldr_inputs(paper: Paper) -> dict[str, object]:
    """What a TL;DR is made from."""
    return {
        "arxiv_id": paper.arxiv_id,
        "version": paper.version,
        "title": normalize_space(paper.title),
        "abstract": normalize_space(paper.abstract),
    }


def discussion_inputs(paper: Paper, posts: Sequence[Substantive]) -> dict[str, object]:
    """What a discussion summary is made from: the substantive posts (not their counts), in a fixed order."""
    return {
        "arxiv_id": paper.arxiv_id,
        "title": normalize_space(paper.title),
        "posts": sorted([s.key[0], s.key[1], s.text] for s in posts),
    }


def input_hash(
    kind: SummaryKind, generator: str, model: str, prompt_version: str, language: str | None, inputs: object
) -> str:
    """The SHA-256 (hex) of everything a summary is made from."""
    document = {
        "kind": kind.value, "generator": generator, "model": model, "prompt_version": prompt_version,
        "language": language, "inputs": inputs,
    }
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()
