"""Which posts say something about a paper: no reposts, deleted, link-only or title-only posts."""

from __future__ import annotations

import json

from hotpapers.models import EngagementSnapshot, PostEvidence, PostKind
from hotpapers.native.serialize import paper_from_dict, post_from_dict
from hotpapers.summarize.posts import clean_text, substantive_posts

from helpers.factories import T0, paper, post
from helpers.paths import SAMPLE

MESHTALK = paper(
    "2104.08223",
    title="MeshTalk: 3D Face Animation from Speech using Cross-Modality Disentanglement",
    authors=("Alexander Richard", "Michael Zollhoefer", "Yandong Wen", "Fernando de la Torre", "Yaser Sheikh"),
)


def _kept(*texts: str, **kw: object) -> list[str]:
    evidence = tuple(PostEvidence(post(str(i), text=t, **kw), None) for i, t in enumerate(texts))  # type: ignore[arg-type]
    return [s.evidence.post.text for s in substantive_posts(MESHTALK, evidence)]


def test_title_only_posts_are_skipped() -> None:
    """The recorded "title + pdf/abs links" posts of the original's feed bot say nothing beyond the title."""
    text = (
        "MeshTalk: 3D Face Animation from Speech using Cross-Modality Disentanglement\n"
        "pdf: https://t.co/HXNCm2A2zB\nabs: https://t.co/iUcJhl5tHp pic.twitter.com/sYtdD0DcYz"
    )
    assert _kept(text) == []


def test_link_only_and_title_with_authors_are_skipped() -> None:
    """A bare link, and the title with its authors' names and a "New paper:" label, are not substantive."""
    assert _kept("https://arxiv.org/abs/2104.08223", "arXiv:2104.08223 🔥") == []
    assert _kept("New paper: MeshTalk: 3D Face Animation from Speech, by Alexander Richard and Yaser Sheikh") == []


def test_posts_with_something_to_say_are_kept() -> None:
    """A post adding its own words (an opinion, a result, context) is substantive."""
    text = "Check out MeshTalk! Given a neutral face mesh and speech, it generates realistic lip and upper face motion."
    assert _kept(text) == [text]


def test_reposts_and_deleted_posts_are_skipped() -> None:
    """A repost is engagement, not a post; a deleted post is not quoted."""
    text = "This is the most realistic face animation from audio I have ever seen, wow."
    assert _kept(text, kind=PostKind.REPOST) == []
    assert _kept(text, deleted=True) == []


def test_posts_about_another_paper_are_skipped() -> None:
    """Only posts that link the paper count for it."""
    other = PostEvidence(post("9", "2101.00001", text="A great paper on something else entirely, truly."), None)
    assert substantive_posts(MESHTALK, (other,)) == []


def test_most_engaged_posts_come_first() -> None:
    """Substantive posts are ordered by engagement (reposts, likes, replies, quotes), then by time."""
    quiet = PostEvidence(post("1", text="Quiet but thoughtful remark on speech driven animation quality."), None)
    loud = PostEvidence(
        post("2", text="Loud remark: speech driven animation finally looks natural here.", created_at=T0),
        EngagementSnapshot("x", "2", T0, reposts=5, likes=50),
    )
    assert [s.evidence.post.post_id for s in substantive_posts(MESHTALK, (quiet, loud))] == ["2", "1"]


def test_clean_text_drops_links_ids_mentions_and_link_labels() -> None:
    """Links with their labels, arXiv ids, @mentions, a leading RT and # signs go; the words stay."""
    assert clean_text("RT @ak: Great #NLProc paper by @alice.bsky.social (@bob), see arXiv:2104.08223v2 "
                      "Code: https://github.com/a/b") == "Great NLProc paper by, see"


def test_sample_posts_split_as_a_reader_would() -> None:
    """On the bundled sample's real posts, the feed-bot "title + links" posts are skipped and the authors' kept."""
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    papers = {r["arxiv_id"]: paper_from_dict(r) for r in records if r["type"] == "paper"}
    kept, skipped = [], []
    for record in records:
        if record["type"] == "post" and not record["post_id"].startswith("920"):  # 920…: the sample's filler
            found = post_from_dict(record)
            target = papers[found.arxiv_ids[0]]
            (kept if substantive_posts(target, (PostEvidence(found, None),)) else skipped).append(found)
    assert all(p.author_handle != "ak92501" for p in kept)  # the feed bot posts titles and links only
    assert any(p.author_handle == "AlexRichardCS" for p in kept)  # an author describing the work
    assert len(kept) >= 15 and len(skipped) >= 15
