"""Embeds: official platform markup or a self-contained static card, with every outside text inert."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.models import EngagementSnapshot, Post, PostKind
from hotpapers.writers.embeds import (
    BLUESKY_SCRIPT,
    X_SCRIPT,
    parse_embed_mode,
    platform_label,
    render_embed,
    text_html,
)

from helpers.factories import T0, post, snapshot

AT_URI = "at://did:plc:abc123/app.bsky.feed.post/3kqmooj3ems2w"
CARD_TAGS = {"blockquote", "p", "span", "a", "time", "br"}


def _bluesky(**kw: object) -> Post:
    values: dict[str, object] = {
        "platform": "bluesky",
        "post_id": AT_URI,
        "url": "https://bsky.app/profile/did:plc:abc123/post/3kqmooj3ems2w",
        "author_handle": "ada.bsky.social",
        "author_name": "Ada",
    }
    values.update(kw)
    return dataclasses.replace(post(), **values)  # type: ignore[arg-type]


def _tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


def _hrefs(html: str) -> list[str]:
    return [str(a.get("href")) for a in _tree(html).iter("a")]


def test_static_card_shows_platform_author_time_text_counts_and_link() -> None:
    """A static card has the platform label, author, <time datetime>, text, counts and the original's link."""
    html = render_embed(post(text="Hello"), snapshot(reposts=3, likes=1), "static")
    tree = _tree(html)
    assert tree.xpath("string(.//span[@class='hp-platform'])") == "X"
    assert tree.xpath("string(.//span[@class='hp-author'])") == "AK"
    assert tree.xpath("string(.//span[@class='hp-handle'])") == "@ak92501"
    assert tree.xpath("string(.//time/@datetime)") == "2021-04-19T19:43:48Z"
    assert tree.xpath("string(.//p[@class='hp-text'])") == "Hello"
    assert tree.xpath("string(.//span[@class='hp-counts'])") == "3 reposts · 1 like · 0 replies · 0 quotes"
    assert tree.xpath("string(.//a[@class='hp-original']/@href)") == post().url


def test_static_card_is_one_line_with_no_script() -> None:
    """The card is one line (one Markdown HTML block) and loads nothing from a platform."""
    html = render_embed(post(text="a\nb\r\nc"), snapshot())
    assert "\n" not in html and "<script" not in html and "<br>" in html


def test_static_is_the_default_mode() -> None:
    """render_embed(post, engagement) gives the static card (the site's default)."""
    assert render_embed(post(), None) == render_embed(post(), None, "static")


def test_positional_signature_is_kept() -> None:
    """render_embed(post, engagement, mode) works positionally, as the site calls it."""
    assert render_embed(post(), snapshot(), "official").startswith('<blockquote class="twitter-tweet"')


def test_urls_in_text_become_nofollow_links_without_trailing_punctuation() -> None:
    """http(s) URLs in the text are links with rel="nofollow noopener"; a closing period stays outside."""
    html = text_html("see https://example.org/a_(b). and (https://x.example/p)")
    assert '<a href="https://example.org/a_(b)" rel="nofollow noopener">https://example.org/a_(b)</a>.' in html
    assert '(<a href="https://x.example/p" rel="nofollow noopener">https://x.example/p</a>)' in html


def test_javascript_urls_are_never_links() -> None:
    """A javascript: post URL or URL in the text is never a link (and no cite attribute is written)."""
    hostile = post(url="javascript:alert(1)", text="javascript:alert(2) JAVASCRIPT://%0aalert(3)")
    for mode in ("static", "official"):
        html = render_embed(hostile, snapshot(), mode)  # type: ignore[arg-type]
        assert all(h.startswith(("http://", "https://")) for h in _hrefs(html)), html
        assert "cite=" not in html


def test_hostile_text_is_visible_text() -> None:
    """Markup in text, author and handle is escaped: it shows as text and creates no element."""
    text = '<img src=x onerror=alert(1)> "</script><script>alert(1)</script>'
    hostile = post(text=text, author_name="<b>x</b>", author_handle='"><svg onload=alert(1)>')
    for mode in ("static", "official"):
        html = render_embed(hostile, snapshot(), mode)  # type: ignore[arg-type]
        tree = _tree(html)
        assert not tree.xpath(".//img|.//svg|.//b") and "<script" not in html.replace(X_SCRIPT, "")
        assert text in tree.text_content()


def test_deleted_post_gets_a_note() -> None:
    """A deleted post still shows its stored text, with a note that it is gone."""
    html = render_embed(dataclasses.replace(post(text="gone"), deleted=True), snapshot())
    assert '<p class="hp-deleted">This post is no longer on X: shown as it was collected.</p>' in html
    assert "gone" in html


def test_deleted_post_falls_back_to_static_in_official_mode() -> None:
    """Official mode shows a deleted post as the static card (the platform's script would show nothing)."""
    gone = dataclasses.replace(post(), deleted=True)
    assert render_embed(gone, snapshot(), "official") == render_embed(gone, snapshot(), "static")


def test_official_x_is_oembed_markup_with_widgets_script() -> None:
    """X: blockquote.twitter-tweet with lang/dir, author, dated ref_src link, then widgets.js."""
    html = render_embed(post(text="Hi"), snapshot(), "official")
    assert html == (
        '<blockquote class="twitter-tweet" data-dnt="true"><p lang="en" dir="ltr">Hi</p>&mdash; AK (@ak92501) '
        '<a href="https://twitter.com/ak92501/status/1383990658680037381?ref_src=twsrc%5Etfw">April 19, 2021</a>'
        f"</blockquote> {X_SCRIPT}"
    )


def test_official_without_script() -> None:
    """script=False leaves the platform's script out, for a page that loads it once."""
    assert render_embed(post(), None, "official", script=False).endswith("</blockquote>")


def test_official_x_rtl_language() -> None:
    """An Arabic post gets dir="rtl"; an unknown language is "und"."""
    assert '<p lang="ar" dir="rtl">' in render_embed(post(language="ar"), None, "official")
    assert '<p lang="und" dir="ltr">' in render_embed(post(language="not a tag"), None, "official")


def test_official_x_needs_a_status_url() -> None:
    """An X post whose URL is not a status URL falls back to the static card."""
    odd = post(url="https://example.org/ak92501/status/1")
    assert render_embed(odd, None, "official") == render_embed(odd, None, "static")


def test_official_bluesky_is_embed_bsky_app_markup() -> None:
    """Bluesky: blockquote.bluesky-embed with data-bluesky-uri, author and post links, then embed.js."""
    html = render_embed(_bluesky(text="Hi"), None, "official")
    assert html == (
        f'<blockquote class="bluesky-embed" data-bluesky-uri="{AT_URI}" data-bluesky-embed-color-mode="system">'
        '<p lang="en">Hi</p>&mdash; <a href="https://bsky.app/profile/did:plc:abc123?ref_src=embed">Ada '
        '(@ada.bsky.social)</a> <a href="https://bsky.app/profile/did:plc:abc123/post/3kqmooj3ems2w?ref_src=embed">'
        f"April 19, 2021 at 19:43 UTC</a></blockquote> {BLUESKY_SCRIPT}"
    )


def test_official_bluesky_needs_an_at_uri() -> None:
    """A Bluesky post whose id is not a post at-uri falls back to the static card."""
    odd = _bluesky(post_id='at://did:plc:x"/app.bsky.feed.post/1')
    assert render_embed(odd, None, "official") == render_embed(odd, None, "static")


@pytest.mark.parametrize(
    ("platform", "counts"),
    [("hackernews", "120 points · 1 comment"), ("huggingface", "120 upvotes · 1 comment")],
)
def test_platforms_without_official_embed_get_static_cards(platform: str, counts: str) -> None:
    """Hacker News and Hugging Face have no official embed: a static card with their own count names."""
    item = dataclasses.replace(post(), platform=platform, url="https://news.ycombinator.com/item?id=1")
    engagement = EngagementSnapshot(platform, item.post_id, T0, likes=120, replies=1)
    html = render_embed(item, engagement, "official")
    assert html == render_embed(item, engagement, "static")
    assert f">{counts}</span>" in html and "<script" not in html


def test_no_engagement_means_no_counts() -> None:
    """A post never observed shows no counts."""
    assert "hp-counts" not in render_embed(post(), None)


def test_counts_say_when_they_were_observed() -> None:
    """The counts carry their observation time."""
    html = render_embed(post(), snapshot(at=T0 + dt.timedelta(hours=1)))
    assert 'title="as of 2021-04-20 01:43 UTC"' in html


def test_reply_is_marked() -> None:
    """A reply is labelled as one."""
    assert '<span class="hp-kind">reply</span>' in render_embed(post(kind=PostKind.REPLY), None)


def test_platform_name_is_a_safe_class() -> None:
    """An odd platform name is reduced to [a-z0-9-] in the class and escaped in the label."""
    html = render_embed(dataclasses.replace(post(), platform='X" onclick="1'), None)
    assert 'class="hp-post hp-static hp-xonclick1"' in html and "X&quot; onclick=&quot;1" in html


def test_unknown_mode_is_an_error() -> None:
    """A mode other than static or official raises ValueError naming both."""
    with pytest.raises(ValueError, match="static"):
        render_embed(post(), None, "oembed")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="official"):
        parse_embed_mode("live")
    assert parse_embed_mode("official") == "official"


def test_platform_labels() -> None:
    """Known platforms have display names; others are shown as they are."""
    assert [platform_label(p) for p in ("x", "bluesky", "hackernews", "huggingface", "myspace")] == [
        "X",
        "Bluesky",
        "Hacker News",
        "Hugging Face",
        "myspace",
    ]


_ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)))


@settings(max_examples=150, deadline=None)
@given(text=_ANY_TEXT, name=_ANY_TEXT, handle=_ANY_TEXT, url=_ANY_TEXT)
def test_any_input_stays_text(text: str, name: str, handle: str, url: str) -> None:
    """Whatever the post says, a card holds only its own elements, http(s) links and the text itself."""
    item = post(text=text, author_name=name, author_handle=handle, url=url)
    for mode in ("static", "official"):
        html = render_embed(item, snapshot(), mode, script=False)  # type: ignore[arg-type]
        tree = _tree(html)
        assert {e.tag for e in tree.iter()} - {"div"} <= CARD_TAGS
        assert all(re.match(r"https?://", h) for h in _hrefs(html))
        assert not any(k.startswith("on") for e in tree.iter() for k in e.attrib)
