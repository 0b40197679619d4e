"""Which summary a paper gets: cached, a model's (within the budget), or extractive; and when it is made again."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.config import SummarySettings
from hotpapers.models import EngagementSnapshot, Paper, PostEvidence, Summary, SummaryKind
from hotpapers.native.serialize import summary_from_dict, summary_to_dict
from hotpapers.summarize.engine import MAX_GENERATED_WORDS, Engine
from hotpapers.summarize.generative import load_model

from helpers import llmstandin
from helpers.factories import T0, paper, post

NOW = dt.datetime(2024, 11, 29, 2, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=1)
ABSTRACT = (
    "Large models are costly to run for most people. In this paper we propose SparseLM, a sparse mixture model for "
    "cheap inference on one GPU. Experiments show that SparseLM outperforms dense baselines by 12% on four benchmarks."
)
TEXTS = (
    "SparseLM runs a 7B model on my laptop at usable speed, this is a big deal for hobbyists.",
    "I am not convinced: the dense baselines were trained for half as long as the sparse ones.",
    "The routing trick in section 3 is neat and would transfer to vision models too, I think.",
)


def _paper(arxiv_id: str = "2411.00001") -> Paper:
    return paper(arxiv_id, title="SparseLM: cheap inference with sparse mixtures", abstract=ABSTRACT)


def _posts(arxiv_id: str = "2411.00001", texts: tuple[str, ...] = TEXTS, likes: int = 10) -> tuple[PostEvidence, ...]:
    return tuple(
        PostEvidence(post(f"{arxiv_id}-{n}", arxiv_id, text=text), EngagementSnapshot("x", f"{arxiv_id}-{n}", T0,
                                                                                      likes=likes - n))
        for n, text in enumerate(texts)
    )


def _stored(summaries: list[Summary]) -> dict[tuple[SummaryKind, str], Summary]:
    return {(s.kind, s.generator): s for s in summaries}


def _settings(**kw: object) -> SummarySettings:
    return SummarySettings(**kw)  # type: ignore[arg-type]


def _engine(standin: llmstandin.Behaviour | None = None, now: dt.datetime = NOW, force: bool = False,
            **kw: object) -> Engine:
    settings = _settings(**({"model": "standin"} if standin is not None else {}) | kw)
    model = load_model(str(settings.model)) if standin is not None else None
    return Engine(settings, now=now, model=model, force=force)


def test_without_a_model_both_summaries_are_extractive() -> None:
    """No model: the TL;DR is sentences of the abstract and the discussion quotes the posts, both to be stored."""
    tldr, discussion, new = _engine().summarize(_paper(), _posts(), {})
    assert tldr is not None and discussion is not None
    assert tldr.generator == discussion.generator == "extractive"
    assert tldr.text.startswith("In this paper we propose SparseLM")
    assert [s.item_id for s in discussion.sources] == ["2411.00001-0", "2411.00001-1", "2411.00001-2"]
    assert new == [tldr, discussion]


def test_stored_summaries_are_used_while_their_inputs_are_unchanged() -> None:
    """A second run with the same abstract and posts stores nothing and keeps the first summaries (and times)."""
    _, _, first = _engine().summarize(_paper(), _posts(), {})
    engine = _engine(now=LATER)
    tldr, discussion, new = engine.summarize(_paper(), _posts(likes=500), _stored(first))  # counts are no input
    assert new == [] and [tldr, discussion] == first
    assert engine.report.reused == {"tldr extractive": 1, "discussion extractive": 1}


def test_a_new_post_makes_the_discussion_again_but_not_the_tldr() -> None:
    """A new substantive post changes the discussion's inputs; the TL;DR's are unchanged."""
    _, _, first = _engine().summarize(_paper(), _posts(), {})
    more = _posts(texts=(*TEXTS, "Has anyone reproduced the 12% number? The code link in the paper is dead."))
    tldr, discussion, new = _engine(now=LATER).summarize(_paper(), more, _stored(first))
    assert new == [discussion] and tldr == first[0]
    assert discussion is not None and discussion.created_at == LATER


def test_force_makes_every_summary_again() -> None:
    """--force makes the summaries again even when their inputs did not change."""
    _, _, first = _engine().summarize(_paper(), _posts(), {})
    _, _, new = _engine(now=LATER, force=True).summarize(_paper(), _posts(), _stored(first))
    assert [s.created_at for s in new] == [LATER, LATER]


def test_no_substantive_post_means_no_discussion_summary() -> None:
    """A paper whose posts only share its title and link has no discussion summary (null), and costs nothing."""
    title_only = _posts(texts=("SparseLM: cheap inference with sparse mixtures https://arxiv.org/abs/2411.00001",))
    _, discussion, new = _engine().summarize(_paper(), title_only, {})
    assert discussion is None and [s.kind for s in new] == [SummaryKind.TLDR]


def test_a_model_writes_both_with_their_provenance(standin: llmstandin.Behaviour) -> None:
    """With a model: generator llm, the model's id, the prompt's version, the language, the time and the tokens."""
    tldr, discussion, _ = _engine(standin, language="German").summarize(_paper(), _posts(), {})
    assert tldr is not None and discussion is not None
    assert (tldr.generator, tldr.model, tldr.prompt_version, tldr.language, tldr.created_at) == (
        "llm", "standin", "tldr-1", "German", NOW
    )
    assert tldr.text == "Large models are costly to run for most people." and tldr.input_tokens
    assert discussion.prompt_version == "discussion-1" and len(discussion.claims) == 3
    assert "in German" in llmstandin.PROMPTS[0] and "in German" in llmstandin.PROMPTS[1]


def test_a_models_citation_of_a_post_it_was_not_given_is_dropped(standin: llmstandin.Behaviour) -> None:
    """The stand-in also cites a post number it was never given; that claim is dropped, the others kept."""
    _, discussion, _ = _engine(standin).summarize(_paper(), _posts(), {})
    assert discussion is not None
    assert {s.item_id for s in discussion.sources} == {"2411.00001-0", "2411.00001-1", "2411.00001-2"}
    assert "A claim from nowhere" not in discussion.text


def test_the_discussion_prompt_numbers_the_substantive_posts(standin: llmstandin.Behaviour) -> None:
    """The posts are given numbered, most engaged first, with handle, platform and reactions, links cleaned out."""
    _engine(standin).summarize(_paper(), _posts(), {})
    prompt = llmstandin.PROMPTS[1]
    assert "[1] @ak92501 on x (10 reactions): SparseLM runs a 7B model" in prompt
    assert "[3] @ak92501 on x (8 reactions): The routing trick" in prompt


def test_a_current_model_summary_costs_no_call(standin: llmstandin.Behaviour) -> None:
    """Summaries the model made for the same inputs, prompt, language and model are used with no new call."""
    _, _, first = _engine(standin).summarize(_paper(), _posts(), {})
    calls = standin.calls
    _, _, new = _engine(standin, now=LATER).summarize(_paper(), _posts(), _stored(first))
    assert new == [] and standin.calls == calls


@pytest.mark.parametrize("change", [{"language": "French"}, {"tldr_prompt": "TL;DR of $title: $abstract"},
                                    {"model": "standin-alias"}])
def test_a_new_language_prompt_or_model_makes_the_summary_again(
    standin: llmstandin.Behaviour, change: dict[str, str]
) -> None:
    """The target language, the prompt and the model are inputs: changing one makes the TL;DR again."""
    _, _, first = _engine(standin).summarize(_paper(), _posts(), {})
    settings = _settings(**({"model": "standin"} | change))
    engine = Engine(settings, now=LATER, model=load_model(settings.model))
    tldr, _, _ = engine.summarize(_paper(), _posts(), _stored(first))
    assert tldr is not None and tldr.created_at == LATER
    if "tldr_prompt" in change:
        assert tldr.prompt_version.startswith("tldr-custom-")


def test_the_paper_budget_stops_calls_after_the_top_papers(standin: llmstandin.Behaviour) -> None:
    """With max_papers = 1 the second paper gets extractive summaries, and the report counts it over budget."""
    engine = _engine(standin, max_papers=1)
    first = engine.summarize(_paper("2411.00001"), _posts("2411.00001"), {})
    second = engine.summarize(_paper("2411.00002"), _posts("2411.00002"), {})
    assert [s.generator for s in first[:2] if s] == ["llm", "llm"]
    assert [s.generator for s in second[:2] if s] == ["extractive", "extractive"]
    assert engine.report.over_budget == {"2411.00002"} and standin.calls == 2
    assert engine.report.budget is not None and engine.report.budget.papers == {"2411.00001"}


def test_the_token_budget_is_checked_before_each_call(standin: llmstandin.Behaviour) -> None:
    """A call whose prompt (and room for an answer) would pass max_tokens is not made."""
    engine = _engine(standin, max_tokens=300)
    tldr, discussion, _ = engine.summarize(_paper(), _posts(), {})
    assert tldr is not None and discussion is not None and standin.calls == 0
    assert tldr.generator == "extractive" and engine.report.over_budget == {"2411.00001"}


def test_spent_tokens_are_the_models_own_counts(standin: llmstandin.Behaviour) -> None:
    """The budget adds up the tokens the model reported for each call."""
    engine = _engine(standin)
    tldr, discussion, _ = engine.summarize(_paper(), _posts(), {})
    budget = engine.report.budget
    assert budget is not None and tldr is not None and discussion is not None
    assert budget.calls == 2
    assert budget.input_tokens == (tldr.input_tokens or 0) + (discussion.input_tokens or 0) > 0


def test_a_key_error_stops_the_model_for_the_run(standin: llmstandin.Behaviour) -> None:
    """After a 401 the model is not asked again; every paper still gets extractive summaries."""
    standin.fail = 401
    engine = _engine(standin)
    for arxiv_id in ("2411.00001", "2411.00002"):
        tldr, _, _ = engine.summarize(_paper(arxiv_id), _posts(arxiv_id), {})
        assert tldr is not None and tldr.generator == "extractive"
    assert standin.calls == 1 and "401" in engine.report.model_error and engine.report.failed


def test_a_failed_call_fails_one_summary_only(standin: llmstandin.Behaviour) -> None:
    """A 503 fails that call (reported); the next call is made."""
    standin.fail = 503
    engine = _engine(standin)
    engine.summarize(_paper(), _posts(), {})
    assert standin.calls == 2 and len(engine.report.failures) == 2 and not engine.report.model_error


def test_an_answer_citing_no_post_keeps_the_extractive_discussion(standin: llmstandin.Behaviour) -> None:
    """A discussion answer with no valid citation is a failure; the paper keeps the quoted summary."""
    standin.answer = lambda prompt: "People seem to like it." if "Posts:" in prompt else "A fine TL;DR."
    engine = _engine(standin)
    tldr, discussion, _ = engine.summarize(_paper(), _posts(), {})
    assert tldr is not None and tldr.generator == "llm"
    assert discussion is not None and discussion.generator == "extractive"
    assert engine.report.failures == [
        "2411.00001 discussion: model 'standin': no line of the answer cited a post it was given "
        "(kept the extractive summary)"
    ]


def test_one_substantive_post_is_quoted_not_sent_to_the_model(standin: llmstandin.Behaviour) -> None:
    """A single post is quoted: the model is asked for the TL;DR only."""
    _, discussion, _ = _engine(standin).summarize(_paper(), _posts(texts=TEXTS[:1]), {})
    assert discussion is not None and discussion.generator == "extractive" and standin.calls == 1


def test_without_a_model_a_current_model_summary_is_still_shown(standin: llmstandin.Behaviour) -> None:
    """render (no model of its own) keeps a stored model summary that is current for the configured model."""
    _, _, first = _engine(standin).summarize(_paper(), _posts(), {})
    engine = Engine(_settings(model="standin"), now=LATER)
    tldr, discussion, new = engine.summarize(_paper(), _posts(), _stored(first))
    assert [tldr, discussion] == first and new == []
    tldr, _, _ = Engine(_settings(model="standin", language="French"), now=LATER).summarize(
        _paper(), _posts(), _stored(first)
    )
    assert tldr is not None and tldr.generator == "extractive"  # stale for the configured language


def test_summaries_round_trip_through_their_native_form() -> None:
    """A summary with claims converts to its native record and back unchanged."""
    _, discussion, _ = _engine().summarize(_paper(), _posts(), {})
    assert discussion is not None
    assert summary_from_dict(summary_to_dict(discussion)) == discussion
    assert summary_from_dict(summary_to_dict(dataclasses.replace(discussion, input_tokens=3))).input_tokens == 3


def test_a_tldr_label_before_the_answer_is_dropped(standin: llmstandin.Behaviour) -> None:
    """A model that starts with "TL;DR:" (or "**TLDR** -") gets its label removed."""
    standin.answer = lambda prompt: "**TL;DR:** SparseLM makes sparse inference cheap." if "Abstract:" in prompt else ""
    tldr, _, _ = _engine(standin).summarize(_paper(), (), {})
    assert tldr is not None and tldr.text == "SparseLM makes sparse inference cheap."


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=1500))
def test_a_models_tldr_is_kept_only_within_the_word_bound(standin: llmstandin.Behaviour, answer: str) -> None:
    """Whatever a model answers, the TL;DR kept is non-empty and at most 120 words; else the extractive one is used."""
    standin.answer = lambda prompt: answer
    tldr, _, _ = _engine(standin).summarize(_paper(), (), {})
    assert tldr is not None and tldr.text
    if tldr.generator == "llm":
        assert len(tldr.text.split()) <= MAX_GENERATED_WORDS
    else:
        assert tldr.generator == "extractive"


def test_a_rambling_tldr_is_refused(standin: llmstandin.Behaviour) -> None:
    """A 200-word answer to the TL;DR prompt is a failure; the paper keeps its extractive TL;DR."""
    standin.answer = lambda prompt: "word " * 200
    engine = _engine(standin)
    tldr, _, _ = engine.summarize(_paper(), (), {})
    assert tldr is not None and tldr.generator == "extractive"
    assert engine.report.failures == [
        "2411.00001 tldr: model 'standin': the answer has 200 words, more than 120 (kept the extractive TL;DR)"
    ]
