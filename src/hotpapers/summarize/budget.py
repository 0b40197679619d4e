"""The per-run budget of a model: how many papers it is asked about and how many tokens it may spend."""

from __future__ import annotations

from dataclasses import dataclass, field

from hotpapers.models import ArxivId

__all__ = ["OUTPUT_ALLOWANCE", "Budget", "estimate_tokens"]

OUTPUT_ALLOWANCE = 256
"""Tokens set aside for a model's answer when checking that a call fits the budget."""


def estimate_tokens(text: str) -> int:
    """A rough token count of ``text`` (about four characters per token, as in English for GPT-style tokenisers)."""
    return len(text) // 4 + 1


@dataclass
class Budget:
    """What a run may spend on a model, and what it spent. A paper counts once, however many calls it takes."""

    max_papers: int
    max_tokens: int
    papers: set[ArxivId] = field(default_factory=set)
    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0

    @property
    def tokens(self) -> int:
        """Tokens spent so far (prompts and answers)."""
        return self.input_tokens + self.output_tokens

    def allows(self, arxiv_id: ArxivId, prompt: str) -> bool:
        """True if a call about ``arxiv_id`` with ``prompt`` (and an answer) fits what is left."""
        if arxiv_id not in self.papers and len(self.papers) >= self.max_papers:
            return False
        return self.tokens + estimate_tokens(prompt) + OUTPUT_ALLOWANCE <= self.max_tokens

    def spend(self, arxiv_id: ArxivId, input_tokens: int, output_tokens: int) -> None:
        """Record a call about ``arxiv_id`` and the tokens it used."""
        self.papers.add(arxiv_id)
        self.calls += 1
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
