"""Summaries of the papers a digest lists: a TL;DR of each paper and what people are saying about it.

Extractive by default (sentences chosen from the abstract; quotes of the substantive posts), written by a model
through the ``llm`` library when one is configured; every summary records how, by what and when it was made, and
is made again only when what it was made from changes. ``hotpapers.jobs.summarize`` runs it; docs/summaries.md
is the user's guide.
"""

from __future__ import annotations

from hotpapers.summarize.engine import Engine, SummaryReport
from hotpapers.summarize.extractive import extractive_discussion, extractive_tldr
from hotpapers.summarize.generative import LlmModel, ModelFailed, ModelUnavailable, load_model
from hotpapers.summarize.posts import substantive_posts
from hotpapers.summarize.sentences import split_sentences
from hotpapers.summarize.tldr import MAX_WORDS, tldr_sentences

__all__ = [
    "MAX_WORDS",
    "Engine",
    "LlmModel",
    "ModelFailed",
    "ModelUnavailable",
    "SummaryReport",
    "extractive_discussion",
    "extractive_tldr",
    "load_model",
    "split_sentences",
    "substantive_posts",
    "tldr_sentences",
]
