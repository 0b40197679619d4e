"""Discussion claims and their citations: every cited id is a substantive post about the paper."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.models import EngagementSnapshot, PostEvidence, PostKind, Summary
from hotpapers.summarize.claims import MAX_CLAIMS, cited_text, parse_claims
from hotpapers.summarize.extractive import extractive_discussion
from hotpapers.summarize.posts import Substantive, substantive_posts

from helpers.factories import T0, paper, post

NOW = dt.datetime(2024, 11, 29, 2, 0, tzinfo=dt.UTC)
PAPER = paper("2104.08223", title="MeshTalk: 3D Face Animation from Speech")
OTHER = "2101.00001"

_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from([
        "MeshTalk", "3D", "Face", "Animation", "from", "Speech", "pdf:", "https://t.co/x", "arXiv:2104.08223",
        "great", "results", "but", "the", "baseline", "is", "weak", "code", "released", "@ak", "#ML", "wow", ".", "!",
    ]), max_size=30).map(" ".join),
)
_POST = st.builds(
    lambda n, text, kind, deleted, other, likes: PostEvidence(
        post(f"{n}", *(("2104.08223", OTHER) if other == 1 else (OTHER,) if other == 2 else ("2104.08223",)),
             text=text, kind=kind, deleted=deleted, created_at=T0 - dt.timedelta(minutes=n)),
        EngagementSnapshot("x", f"{n}", T0, likes=likes) if likes >= 0 else None,
    ),
    st.integers(0, 10_000), _TEXT, st.sampled_from(list(PostKind)), st.booleans(), st.integers(0, 2),
    st.integers(-1, 500),
)
_POSTS = st.lists(_POST, max_size=25, unique_by=lambda e: e.post.post_id).map(tuple)


def _keys(posts: tuple[PostEvidence, ...]) -> set[tuple[str, str]]:
    return {s.key for s in substantive_posts(PAPER, posts)}


def _cited(summary: Summary) -> set[tuple[str, str]]:
    return {(summary.sources[i].platform, summary.sources[i].item_id) for c in summary.claims for i in c.sources}


@settings(max_examples=300, deadline=None)
@given(_POSTS)
def test_extractive_claims_cite_only_substantive_posts_of_the_paper(posts: tuple[PostEvidence, ...]) -> None:
    """Whatever the posts, every id the extractive summary cites is a substantive post linking the paper."""
    summary = extractive_discussion(PAPER, substantive_posts(PAPER, posts), NOW)
    if summary is None:
        assert _keys(posts) == set()
        return
    assert _cited(summary) <= _keys(posts)
    assert {(s.platform, s.item_id) for s in summary.sources} == _cited(summary)
    assert 1 <= len(summary.claims) <= MAX_CLAIMS and all(c.sources for c in summary.claims)


_ANSWER = st.lists(
    st.tuples(st.text(max_size=60), st.lists(st.integers(-3, 40), max_size=4), st.sampled_from(["- ", "* ", "1. ", ""])),
    max_size=8,
).map(lambda lines: "\n".join(f"{b}{t} [{', '.join(map(str, ns))}]" if ns else f"{b}{t}" for t, ns, b in lines))


@settings(max_examples=300, deadline=None)
@given(_POSTS, _ANSWER | st.text(max_size=300))
def test_a_models_claims_keep_only_citations_of_posts_it_was_given(posts: tuple[PostEvidence, ...], answer: str) -> None:
    """Whatever a model answers, the claims kept cite only the numbered posts it was given, and each cites one."""
    given_posts = substantive_posts(PAPER, posts)
    sources, claims = parse_claims(answer, given_posts)
    assert {(s.platform, s.item_id) for s in sources} <= {s.key for s in given_posts}
    assert len(claims) <= MAX_CLAIMS
    assert all(c.sources and all(0 <= i < len(sources) for i in c.sources) and c.text.strip() for c in claims)


def _substantive(n: int, text: str, likes: int = 0) -> Substantive:
    evidence = PostEvidence(post(str(n), text=text), EngagementSnapshot("x", str(n), T0, likes=likes))
    return Substantive(evidence, text)


def test_near_duplicate_posts_make_one_claim_citing_each() -> None:
    """The same text from three accounts is one claim citing the three posts; another text is a second claim."""
    same = "This paper finally makes speech driven face animation look natural, great work!"
    posts = [_substantive(1, same, 9), _substantive(2, same + " 🔥", 5), _substantive(3, same.upper(), 4),
             _substantive(4, "The baseline comparison looks weak to me, the user study has only ten people.", 3)]
    summary = extractive_discussion(PAPER, posts, NOW)
    assert summary is not None
    assert [[summary.sources[i].item_id for i in c.sources] for c in summary.claims] == [["1", "2", "3"], ["4"]]
    assert summary.text == f"“{same}” [1, 2, 3] “The baseline comparison looks weak to me, the user study has only " \
                           "ten people.” [4]"


def test_a_long_post_is_quoted_up_to_forty_words() -> None:
    """A quote is the post's first sentences within 40 words; a longer first sentence is cut with "…"."""
    long_sentence = " ".join(["word"] * 50) + "."
    summary = extractive_discussion(PAPER, [_substantive(1, long_sentence)], NOW)
    assert summary is not None
    assert summary.claims[0].text == "“" + " ".join(["word"] * 40) + " …”"


def test_parse_claims_reads_bullets_and_both_citation_forms() -> None:
    """"- claim [1, 2]" and "* claim [2][3]" are claims; a number not given and a line with no citation are not."""
    posts = [_substantive(n, f"Post number {n} says a thing about the paper.") for n in (1, 2, 3)]
    answer = "- Fast and simple. [1, 2]\n* Code is missing [2][3].\n- Made up [9]\nNo citation here."
    sources, claims = parse_claims(answer, posts)
    assert [c.text for c in claims] == ["Fast and simple.", "Code is missing."]
    assert [[sources[i].item_id for i in c.sources] for c in claims] == [["1", "2"], ["2", "3"]]
    assert cited_text(claims) == "Fast and simple. [1, 2] Code is missing. [2, 3]"
