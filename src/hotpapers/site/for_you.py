"""The "for you" pages of the static site: each profile's digests in its own folder, ``for/NAME/`` (docs/profiles.md).

Pure, like the rest of the site: a profile's published digests in, pages out. ``for/NAME/index.html`` is the newest
day, ``for/NAME/YYYY-MM-DD.html`` every day kept (the newest ``DAYS``), and with an absolute base URL the profile's
feeds (``atom.xml``, ``rss.xml``, ``feed.json``). A paper links to its page on the site when the site has one (it
was in a published digest), else to arXiv. The pages are marked ``noindex``: they are one person's reading list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from hotpapers.models import ArxivId, Digest, Paper
from hotpapers.site._render import content_security_policy, make_environment, paper_links
from hotpapers.writers._markup import http_url
from hotpapers.writers.embeds import EmbedMode
from hotpapers.writers.feeds_common import FeedSettings, feeds
from hotpapers.writers.feeds_json import render_json_feed
from hotpapers.writers.feeds_xml import render_atom, render_rss

__all__ = ["DAYS", "for_you_pages"]

DAYS = 14
"""How many of a profile's days its folder keeps pages for."""


def _abs_url(paper: Paper) -> str:
    return dict(paper_links(paper)).get("abs", f"https://arxiv.org/abs/{paper.arxiv_id}")


def _page(digest: Digest, profile: str, on_site: Collection[ArxivId], older: Sequence[dt.date], *,
          embeds: EmbedMode, base_url: str, path: str, feeds_here: bool) -> bytes:  # fmt: skip
    env = make_environment()
    env.filters["abs_url"] = _abs_url
    absolute = http_url(base_url)
    context: dict[str, Any] = {
        "site_name": "Hot Papers",
        "root": "../../",
        "canonical": f"{absolute}{path}" if absolute else None,
        "csp": content_security_policy(embeds),
        "scripts": [],
        "stamp": digest.generated_at,
        "feeds": False,
        "profile_feeds": feeds_here,
        "digest": digest,
        "profile": profile,
        "on_site": set(on_site),
        "older_days": list(older),
    }
    return env.get_template("for_you.html").render(context).encode("utf-8")


def for_you_pages(
    profile: str,
    digests: Sequence[Digest],
    on_site: Collection[ArxivId],
    *,
    embeds: EmbedMode = "static",
    base_url: str = "/",
) -> dict[str, bytes]:
    """The files of ``profile``'s folder (paths relative to the site root) from its digests, newest first.

    Returns:
        ``for/NAME/index.html`` (the newest day, or a note that there is none yet), a page per day, and with an
        absolute ``base_url`` the feeds of the newest day.
    """
    folder = f"for/{profile}/"
    kept = list(digests[:DAYS])
    if not kept:
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        empty = Digest(f"Hot for {profile}", epoch.date(), epoch, epoch, epoch, "default")
        return {f"{folder}index.html": _page(empty, profile, (), (), embeds=embeds, base_url=base_url,
                                             path=f"{folder}index.html", feeds_here=False)}  # fmt: skip
    absolute = http_url(base_url)
    days = [d.date for d in kept]
    files: dict[str, bytes] = {}
    for number, digest in enumerate(kept):
        name = "index.html" if number == 0 else f"{digest.date.isoformat()}.html"
        older = days[number + 1 :]
        files[folder + name] = _page(digest, profile, on_site, older, embeds=embeds, base_url=base_url,
                                     path=folder + name, feeds_here=bool(absolute) and number == 0)  # fmt: skip
    files[f"{folder}{days[0].isoformat()}.html"] = files[f"{folder}index.html"]
    if absolute:
        settings = FeedSettings.create(f"{absolute}{folder}", kept[0].title)
        feed = feeds(kept[0], settings)[0]
        files[f"{folder}atom.xml"] = render_atom(kept[0], feed, settings)
        files[f"{folder}rss.xml"] = render_rss(kept[0], feed, settings)
        files[f"{folder}feed.json"] = render_json_feed(kept[0], feed, settings)
    return files
