"""Which summary each listed paper gets: a cached one, a model's, or an extractive one.

For each paper and kind (TL;DR, discussion): a stored summary whose input hash matches is used as it is (unless
``force``); else, with a model, the model writes one if the budget allows; else (no model, over budget, or the call
failed) the extractive summary is used, made if needed. Without a model of its own, the engine still prefers a
stored model summary that is current for the configured model (``render`` shows what ``run`` paid for).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hotpapers.config import SummarySettings
from hotpapers.models import Claim, Paper, PostEvidence, SourceRef, Summary, SummaryKind
from hotpapers.summarize.budget import Budget
from hotpapers.summarize.claims import cited_text, parse_claims
from hotpapers.summarize.extractive import abstract_source, extractive_discussion, extractive_tldr
from hotpapers.summarize.generative import Completion, LlmModel, ModelFailed
from hotpapers.summarize.posts import Substantive, engagement, substantive_posts
from hotpapers.summarize.prompts import Prompt, prompt
from hotpapers.summarize.provenance import LLM, discussion_inputs, input_hash, tldr_inputs
from hotpapers.summarize.sentences import normalize_space, word_count
from hotpapers.summarize.tldr import MAX_WORDS

__all__ = ["MAX_GENERATED_WORDS", "Engine", "SummaryReport"]

_MIN_POSTS_FOR_MODEL = 2  # one post is quoted, not paraphrased
MAX_GENERATED_WORDS = 2 * MAX_WORDS
"""A model's TL;DR longer than this ignored its instructions: it is not used (the extractive one is)."""
_TLDR_LABEL = re.compile(r"^\W*tl;?\s?dr\W*\s*", re.IGNORECASE)  # "TL;DR:" or "**TLDR** -" before the answer
_MAX_POSTS_IN_PROMPT = 20
_MAX_POST_CHARS = 500

Stored = Mapping[tuple[SummaryKind, str], Summary]
"""A paper's stored summaries by (kind, generator)."""


@dataclass
class SummaryReport:
    """What summarising a digest did, for the run summary."""

    papers: int = 0
    made: Counter[str] = field(default_factory=Counter)  # "tldr llm", "discussion extractive", … -> new summaries
    reused: Counter[str] = field(default_factory=Counter)  # the same keys -> cached summaries used as they were
    model: str = ""  # the model asked ('' for none)
    model_error: str = ""  # why the model stopped being asked (a key or access problem), if it did
    over_budget: set[str] = field(default_factory=set)  # papers that needed the model when the budget was spent
    failures: list[str] = field(default_factory=list)  # one line per failed call
    budget: Budget | None = None

    @property
    def failed(self) -> bool:
        """True if a model call failed (the paper then got its extractive summary)."""
        return bool(self.failures or self.model_error)


class Engine:
    """Summarises papers one at a time, with one budget and one report."""

    def __init__(
        self,
        settings: SummarySettings,
        *,
        now: dt.datetime,
        model: LlmModel | None = None,
        force: bool = False,
    ) -> None:
        self._settings = settings
        self._now = now
        self._model = model
        self._force = force
        self._prompts = {kind: prompt(kind.value, _configured(settings, kind)) for kind in SummaryKind}
        self._llm_name = model.name if model is not None else settings.model
        self.report = SummaryReport(model=model.name if model is not None else "")
        if model is not None:
            self.report.budget = Budget(settings.max_papers, settings.max_tokens)

    def summarize(
        self, paper: Paper, posts: Sequence[PostEvidence], stored: Stored
    ) -> tuple[Summary | None, Summary | None, list[Summary]]:
        """(TL;DR, discussion summary, the summaries to store) of ``paper``."""
        self.report.papers += 1
        new: list[Summary] = []
        tldr = self._one(SummaryKind.TLDR, paper, (), stored, new)
        substantive = substantive_posts(paper, tuple(posts))
        discussion = self._one(SummaryKind.DISCUSSION, paper, substantive, stored, new) if substantive else None
        return tldr, discussion, new

    # -- one summary ------------------------------------------------------------------------------------------

    def _inputs(self, kind: SummaryKind, paper: Paper, posts: Sequence[Substantive]) -> object:
        return tldr_inputs(paper) if kind is SummaryKind.TLDR else discussion_inputs(paper, posts)

    def _llm_hash(self, kind: SummaryKind, paper: Paper, posts: Sequence[Substantive]) -> str:
        version = self._prompts[kind].version
        return input_hash(kind, LLM, self._llm_name, version, self._settings.language, self._inputs(kind, paper, posts))

    def _one(
        self, kind: SummaryKind, paper: Paper, posts: Sequence[Substantive], stored: Stored, new: list[Summary]
    ) -> Summary | None:
        if self._llm_name:
            wanted = self._llm_hash(kind, paper, posts)
            cached = stored.get((kind, LLM))
            if cached is not None and cached.input_hash == wanted and not self._force:
                self.report.reused[f"{kind.value} {LLM}"] += 1
                return cached
            made = self._generate(kind, paper, posts, wanted)
            if made is not None:
                self.report.made[f"{kind.value} {LLM}"] += 1
                new.append(made)
                return made
        return self._extractive(kind, paper, posts, stored, new)

    def _extractive(
        self, kind: SummaryKind, paper: Paper, posts: Sequence[Substantive], stored: Stored, new: list[Summary]
    ) -> Summary | None:
        made = extractive_tldr(paper, self._now) if kind is SummaryKind.TLDR else extractive_discussion(
            paper, posts, self._now
        )
        if made is None:
            return None
        cached = stored.get((kind, made.generator))
        if cached is not None and cached.input_hash == made.input_hash and not self._force:
            self.report.reused[f"{kind.value} {made.generator}"] += 1
            return cached
        self.report.made[f"{kind.value} {made.generator}"] += 1
        new.append(made)
        return made

    # -- the model ------------------------------------------------------------------------------------------

    def _worth_asking(self, kind: SummaryKind, paper: Paper, posts: Sequence[Substantive]) -> bool:
        """A model to ask (not stopped by a key error), and something for it to summarise."""
        if self._model is None or self.report.budget is None or self.report.model_error:
            return False
        if kind is SummaryKind.TLDR:
            return bool(paper.abstract.strip())
        return len(posts) >= _MIN_POSTS_FOR_MODEL

    def _generate(self, kind: SummaryKind, paper: Paper, posts: Sequence[Substantive], wanted: str) -> Summary | None:
        """The model's summary, or None when there is no model to ask, the budget is spent or the call failed."""
        model, budget = self._model, self.report.budget
        if model is None or budget is None or not self._worth_asking(kind, paper, posts):
            return None
        shown = list(posts[:_MAX_POSTS_IN_PROMPT])
        text = self._render(self._prompts[kind], paper, shown)
        if not budget.allows(paper.arxiv_id, text):
            self.report.over_budget.add(paper.arxiv_id)
            return None
        try:
            completion = model.complete(text)
        except ModelFailed as e:
            budget.spend(paper.arxiv_id, 0, 0)
            if e.fatal:
                self.report.model_error = str(e)
            else:
                self.report.failures.append(f"{paper.arxiv_id} {kind.value}: {e}")
            return None
        budget.spend(paper.arxiv_id, completion.input_tokens, completion.output_tokens)
        summary = self._summary(kind, paper, shown, wanted, completion)
        if isinstance(summary, str):
            self.report.failures.append(f"{paper.arxiv_id} {kind.value}: model {model.name!r}: {summary}")
            return None
        return summary

    def _render(self, template: Prompt, paper: Paper, posts: Sequence[Substantive]) -> str:
        values = {"title": normalize_space(paper.title), "language": self._settings.language}
        if posts:
            values["posts"] = "\n".join(
                f"[{n}] @{p.evidence.post.author_handle} on {p.evidence.post.platform} "
                f"({engagement(p.evidence)} reactions): {p.text[:_MAX_POST_CHARS]}"
                for n, p in enumerate(posts, start=1)
            )
        else:
            values["abstract"] = normalize_space(paper.abstract)
        return template.render(**values)

    def _summary(
        self, kind: SummaryKind, paper: Paper, posts: Sequence[Substantive], wanted: str, completion: Completion
    ) -> Summary | str:
        """The model's answer as a summary with its provenance, or why the answer cannot be used."""
        sources: tuple[SourceRef, ...] = (abstract_source(paper),)
        claims: tuple[Claim, ...] = ()
        if kind is SummaryKind.TLDR:
            text = _TLDR_LABEL.sub("", normalize_space(completion.text)).strip()
            if word_count(text) > MAX_GENERATED_WORDS:
                words = word_count(text)
                return f"the answer has {words} words, more than {MAX_GENERATED_WORDS} (kept the extractive TL;DR)"
        else:
            sources, claims = parse_claims(completion.text, posts)
            text = cited_text(claims)
        if not text:
            return _UNUSABLE[kind]
        return Summary(
            arxiv_id=paper.arxiv_id, kind=kind, text=text, generator=LLM, model=completion.model,
            prompt_version=self._prompts[kind].version, language=self._settings.language, created_at=self._now,
            input_hash=wanted, sources=sources, claims=claims,
            input_tokens=completion.input_tokens if completion.reported else None,
            output_tokens=completion.output_tokens if completion.reported else None,
        )


def _configured(settings: SummarySettings, kind: SummaryKind) -> str:
    return settings.tldr_prompt if kind is SummaryKind.TLDR else settings.discussion_prompt


_UNUSABLE = {
    SummaryKind.TLDR: "the answer was empty (kept the extractive TL;DR)",
    SummaryKind.DISCUSSION: "no line of the answer cited a post it was given (kept the extractive summary)",
}
