#!/usr/bin/env python3
"""Derive the original tool's intermediate JSON for one archived day, and read posts back into records.

The Hot Papers archive (``posts.jsonl``, one record per published post) keeps what each post showed: the
papers in order with their summed retweets and favorites and the embedded tweets. The original's input, one
``{"meta", "papers"}`` object per day with every tweet its search found, is lost. ``derive_day`` rebuilds an
input from which the original's rules (and preset ``classic``) produce the published post again:

* papers: the published ones only. They are listed in *reverse* published order: the original sorted
  ascending with a stable sort and reversed the result, so tied papers come out in reverse listing order;
* subjects are ``"cs.LG (cs.LG)"`` (the archive has category codes, not names); links ``Abstract`` and
  ``Download PDF``; ``summary`` is the published abstract; ``comments`` is null;
* tweets: the embedded statuses, as twint records (days before 2020-09-17, the twint generator) or v1.1
  statuses (from 2020-09-17). Their times come from the status id (a snowflake: ms since 2010-11-04); a
  twint record gives them as Japan wall-clock ``date`` + ``time`` with ``timezone`` ``+0900``;
* counts per tweet are not in the archive and are SYNTHETIC: each embedded status gets retweets +
  favorites >= 25, in decreasing order down the published embeds (equal only where the tie rule, older
  status first, already gives the published order), the same counts wherever a status is embedded more than
  once; the top embed of a paper takes all but (at most) 120 of the rest, and filler tweets by
  ``@hotpapers_filler`` (ids ``9YYYYMMDDRRRNNNN``, each scoring 1..24, so never embedded) make the paper's
  sums exactly the published retweets and favorites. A day whose constraints cannot be met raises
  ``DeriveError``;
* a status embedded twice in one section (2020-09-17, 2020-09-18) is the status plus a retweet of it by
  ``@hotpapers_retweeter`` (ids ``8YYYYMMDDRRRNNNN``): oEmbed renders a retweet as its original, and a v1.1
  retweet reports the original's retweet count and 0 favorites.

``parse_post`` reads a post in the original's layout (or the Lumen writer's, with ``escaped=True``) into an
archive record, so rendered output can be compared with the published posts.

Usage::

    derive_legacy_from_archive.py derive POSTS_JSONL DATE [-o OUT.json]
    derive_legacy_from_archive.py from-markdown POST.md   # prints one posts.jsonl line
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import itertools
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

__all__ = ["DeriveError", "derive_day", "load_archive", "parse_post"]

TWINT_UNTIL = dt.date(2020, 9, 17)  # the first post of the v1.1-search regime
MIN_EMBED = 25  # the original's tweet threshold
MAX_FILLER = 24
FILLER_MASS = 5 * MAX_FILLER  # what fillers take from a paper whose top embed takes the rest
FILLER_HANDLE = "hotpapers_filler"
RETWEETER_HANDLE = "hotpapers_retweeter"
_JST = dt.timezone(dt.timedelta(hours=9))
_TWITTER_EPOCH_MS = 1288834974657


class DeriveError(ValueError):
    """The archived day cannot be turned into an input that reproduces it."""


def load_archive(path: Path) -> dict[str, dict[str, Any]]:
    """Read ``posts.jsonl`` into ``{post_date: record}``."""
    records = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {r["post_date"]: r for r in records}


def snowflake_time(status_id: str) -> dt.datetime:
    """The creation time encoded in a Twitter status id."""
    return dt.datetime.fromtimestamp(((int(status_id) >> 22) + _TWITTER_EPOCH_MS) / 1000, dt.UTC)


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _lower_bounds(papers: list[dict[str, Any]]) -> dict[str, int]:
    """The least score of every embedded status that keeps each paper's embed order under classic's rule."""
    bound: dict[str, int] = {t["status_id"]: MIN_EMBED for p in papers for t in p["tweets"]}
    for _ in range(len(bound) + 2):
        changed = False
        for paper in papers:
            ids = _unique([t["status_id"] for t in paper["tweets"]])
            for above, below in reversed(list(itertools.pairwise(ids))):
                gap = 0 if int(above) < int(below) else 1
                if bound[above] < bound[below] + gap:
                    bound[above], changed = bound[below] + gap, True
        if not changed:
            return bound
    raise DeriveError("the embed orders of two papers contradict each other")


def _split(total_r: int, scores: list[int]) -> list[int]:
    """Retweet parts of ``scores`` summing to ``total_r`` (<= sum), roughly proportional, each within 0..s."""
    mass = sum(scores)
    parts = [s * total_r // mass if mass else 0 for s in scores]
    for i, score in enumerate(scores):
        take = min(score - parts[i], total_r - sum(parts))
        parts[i] += max(take, 0)
    return parts


def _fixed_counts(papers: list[dict[str, Any]], bound: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Counts of statuses embedded under several papers (equal everywhere). In each paper the status
    takes ``r * n`` retweets and ``f`` favorites, ``n`` being its embeds there (repeats are retweets)."""
    uses = [Counter(t["status_id"] for t in p["tweets"]) for p in papers]
    left = [[p["retweets"], p["favorites"]] for p in papers]
    fixed: dict[str, tuple[int, int]] = {}
    shared = Counter(s for counter in uses for s in counter)
    for status_id in (s for s, n in shared.items() if n > 1):
        score = bound[status_id]
        where = [(i, counter[status_id]) for i, counter in enumerate(uses) if status_id in counter]
        ratio = min(papers[i]["retweets"] / (papers[i]["retweets"] + papers[i]["favorites"]) for i, _ in where)
        r = max(round(score * ratio), score - min(left[i][1] for i, _ in where))
        if any(n > 1 for _, n in where):
            r = max(r, MIN_EMBED)
        if r > score or any(r * n > left[i][0] or score - r > left[i][1] for i, n in where):
            raise DeriveError(f"status {status_id}: no counts fit every paper that embeds it")
        for i, n in where:
            left[i][0] -= r * n
            left[i][1] -= score - r
        fixed[status_id] = (r, score - r)
    return fixed


def _filler_scores(mass: int) -> list[int]:
    """``mass`` cut into as few parts of at most MAX_FILLER as possible, as even as possible."""
    n = -(-mass // MAX_FILLER)
    return [mass // n + (k < mass % n) for k in range(n)]


def _paper_counts(
    paper: dict[str, Any], bound: dict[str, int], fixed: dict[str, tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """``(counts of each embed in published order, filler counts)``, summing to the paper's totals.

    A status embedded twice in one paper is modelled as the status and a retweet of it: the retweet
    reports the status's retweet count and 0 favorites (as v1.1 does) and is listed right after it.
    """
    ids = [t["status_id"] for t in paper["tweets"]]
    uses = Counter(ids)
    retweets, favorites = paper["retweets"], paper["favorites"]
    local = {s: fixed[s] for s in uses if s in fixed}
    for s in (s for s, n in uses.items() if n > 1 and s not in fixed):
        r = min(bound[s], max(MIN_EMBED, round(bound[s] * retweets / (retweets + favorites))))
        local[s] = (r, bound[s] - r)
    fixed_r = sum(uses[s] * c[0] for s, c in local.items())
    fixed_f = sum(c[1] for c in local.values())
    free = [s for s in _unique(ids) if s not in local]
    scores = [bound[s] for s in free]
    extra = retweets + favorites - fixed_r - fixed_f - sum(scores)
    if fixed_r > retweets or fixed_f > favorites or extra < 0:
        raise DeriveError(f"#{paper['rank']}: {len(ids)} embeds cannot each score >= 25 within the totals")
    filler_mass = extra
    if free and free[0] == ids[0]:  # the top embed takes most of the rest
        filler_mass = min(extra, FILLER_MASS)
        scores[0] += extra - filler_mass
    fillers = _filler_scores(filler_mass)
    parts = _split(retweets - fixed_r, scores + fillers)
    counts = local | {s: (parts[n], scores[n] - parts[n]) for n, s in enumerate(free)}
    embeds = [counts[s] if s not in ids[:k] else (counts[s][0], 0) for k, s in enumerate(ids)]
    movable = len(free)
    return embeds, [(parts[movable + n], f - parts[movable + n]) for n, f in enumerate(fillers)]


def _twint(tweet: dict[str, Any], counts: tuple[int, int], abs_url: str) -> dict[str, Any]:
    status_id, local = tweet["status_id"], snowflake_time(tweet["status_id"]).astimezone(_JST)
    return {
        "id": int(status_id),
        "id_str": status_id,
        "conversation_id": status_id,
        "date": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M:%S"),
        "timezone": "+0900",
        "username": tweet["handle"],
        "name": tweet["author_name"],
        "tweet": tweet["text"],
        "language": tweet["lang"],
        "urls": [abs_url],
        "link": f"https://twitter.com/{tweet['handle']}/status/{status_id}",
        "retweet": False,
        "retweets_count": str(counts[0]),  # older twint kept counts as strings
        "likes_count": str(counts[1]),
        "replies_count": "0",
    }


def _status(tweet: dict[str, Any], counts: tuple[int, int], abs_url: str) -> dict[str, Any]:
    status_id = tweet["status_id"]
    return {
        "id": int(status_id),
        "id_str": status_id,
        "created_at": snowflake_time(status_id).strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "full_text": tweet["text"],
        "lang": tweet["lang"],
        "user": {"screen_name": tweet["handle"], "name": tweet["author_name"]},
        "retweet_count": counts[0],
        "favorite_count": counts[1],
        "entities": {"urls": [{"expanded_url": abs_url}]},
    }


def _filler(day: dt.date, paper: dict[str, Any], number: int, counts: tuple[int, int]) -> dict[str, Any]:
    if number > 9999:
        raise DeriveError(f"#{paper['rank']}: more than 9999 filler tweets")
    status_id = f"9{day:%Y%m%d}{paper['rank']:03d}{number:04d}"
    created = dt.datetime.combine(day, dt.time(12), dt.UTC) + dt.timedelta(seconds=number)
    tweet = {
        "status_id": status_id,
        "handle": FILLER_HANDLE,
        "author_name": "hotpapers synthetic filler",
        "lang": "en",
        "text": f"[synthetic filler tweet, derived by hotpapers] arxiv.org/abs/{paper['arxiv_id']}",
    }
    if day < TWINT_UNTIL:
        record = _twint(tweet, counts, paper["abs_url"])
        local = created.astimezone(_JST)
        record.update(date=local.strftime("%Y-%m-%d"), time=local.strftime("%H:%M:%S"))
        return record
    record = _status(tweet, counts, paper["abs_url"])
    record["created_at"] = created.strftime("%a %b %d %H:%M:%S +0000 %Y")
    return record


def _retweet(day: dt.date, paper: dict[str, Any], number: int, original: dict[str, Any]) -> dict[str, Any]:
    """A synthetic retweet of ``original`` (its counts: the original's retweets, 0 favorites)."""
    retweet_id = f"8{day:%Y%m%d}{paper['rank']:03d}{number:04d}"
    if day < TWINT_UNTIL:  # twint describes the original tweet and names the retweet beside it
        when = f"{original['date']} {original['time']}"
        extra = {"retweet": True, "retweet_id": retweet_id, "user_rt": RETWEETER_HANDLE, "retweet_date": when}
        return original | extra | {"likes_count": "0"}
    return {
        "id": int(retweet_id),
        "id_str": retweet_id,
        "created_at": original["created_at"],
        "full_text": f"RT @{original['user']['screen_name']}: {original['full_text']}",
        "lang": original["lang"],
        "user": {"screen_name": RETWEETER_HANDLE, "name": "hotpapers synthetic retweet"},
        "retweet_count": original["retweet_count"],
        "favorite_count": 0,
        "entities": original["entities"],
        "retweeted_status": original,
    }


def _legacy_paper(day: dt.date, paper: dict[str, Any], embeds: list[Any], fillers: list[Any]) -> dict[str, Any]:
    make = _twint if day < TWINT_UNTIL else _status
    tweets: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for tweet, counts in zip(paper["tweets"], embeds, strict=True):
        if tweet["status_id"] in seen:
            tweets.append(_retweet(day, paper, len(tweets), seen[tweet["status_id"]]))
        else:
            tweets.append(seen.setdefault(tweet["status_id"], make(tweet, counts, paper["abs_url"])))
    tweets += [_filler(day, paper, n, c) for n, c in enumerate(fillers, start=1)]
    links = {"Abstract": paper["abs_url"]}
    if paper["pdf_url"]:
        links["Download PDF"] = paper["pdf_url"]
    return {
        "id": paper["arxiv_id"],
        "date": f"{day:%a, %d %b %Y}",
        "title": paper["title"],
        "authors": paper["authors"],
        "subjects": [f"{c} ({c})" for c in paper["categories"]],
        "links": links,
        "comments": None,
        "summary": paper["abstract"],
        "tweets": tweets,
    }


def derive_day(record: dict[str, Any]) -> dict[str, Any]:
    """Build the original's intermediate JSON for one archived post (see the module docstring).

    Raises:
        DeriveError: no per-tweet counts satisfy the day's constraints.
    """
    day = dt.date.fromisoformat(record["post_date"])
    papers = record["papers"]
    bound = _lower_bounds(papers)
    fixed = _fixed_counts(papers, bound)
    derived = []
    for paper in papers:
        embeds, fillers = _paper_counts(paper, bound, fixed)
        derived.append(_legacy_paper(day, paper, embeds, fillers))
    meta = {"since": f"{day:%Y/%m/%d}", "until": f"{day + dt.timedelta(days=1):%Y/%m/%d}"}
    return {"meta": meta, "papers": derived[::-1]}


_HEADING_RE = re.compile(r"# (?P<rank>\d+)\. (?P<title>.*)")
_COUNTS_RE = re.compile(
    r"- retweets: (?P<r>\d+), favorites: (?P<f>\d+) \((?P<mo>\d\d)/(?P<d>\d\d)/(?P<y>\d{4}) (?P<t>[\d:]{8})\)"
)
_LINKS_RE = re.compile(r"- links: \[abs\]\((?P<abs>[^)]*)\)(?: \| \[pdf\]\((?P<pdf>[^)]*)\))?")
_CATEGORY_RE = re.compile(r"\[(?P<cat>[^\]]+)\]\(https://arxiv\.org/list/[^)]+/recent\)")
_EMBED_RE = re.compile(
    r'<blockquote class="twitter-tweet"><p(?: lang="(?P<lang>[^"]*)")?(?: dir="[^"]*")?>(?P<body>.*)</p>'
    r"&mdash; (?P<name>.*) \(@[^)]*\) <a href=\"https://twitter\.com/(?P<handle>\w+)/status/(?P<id>\d+)"
    r'\?ref_src=twsrc%5Etfw">(?P<date>[^<]*)</a></blockquote>'
)


def _front_matter(lines: list[str]) -> dict[str, Any]:
    matter: dict[str, Any] = {}
    for line in lines:
        if line.startswith("  - "):
            matter.setdefault("tags", []).append(_scalar(line[4:]))
        elif ":" in line:
            key, _, value = line.partition(":")
            matter[key] = _scalar(value.strip()) if value.strip() else []
    return matter


def _scalar(text: str) -> str:
    return str(json.loads(text)) if text.startswith('"') else text


def _tweet(line: str) -> dict[str, Any]:
    match = _EMBED_RE.fullmatch(line)
    if match is None:
        raise ValueError(f"not an embed: {line[:80]!r}")
    body = re.sub(r"<[^>]+>", "", match["body"].replace("<br>", "\n"))
    return {
        "status_id": match["id"],
        "handle": match["handle"],
        "author_name": html.unescape(match["name"]),
        "date_text": match["date"],
        "lang": match["lang"],
        "text": html.unescape(body).strip(),
        "html": line,
    }


def _section(lines: list[str], text: Any) -> dict[str, Any]:
    head = _HEADING_RE.fullmatch(lines[0])
    counts = _COUNTS_RE.fullmatch(lines[4])
    links = _LINKS_RE.fullmatch(lines[6])
    if head is None or counts is None or links is None:
        raise ValueError(f"not a paper section: {lines[:7]!r}")
    abs_url = html.unescape(links["abs"])
    return {
        "rank": int(head["rank"]),
        "arxiv_id": abs_url.rsplit("/abs/", 1)[-1],
        "title": text(head["title"]),
        "authors": text(lines[2]).split(", ") if lines[2] else [],
        "retweets": int(counts["r"]),
        "favorites": int(counts["f"]),
        "counted_at": f"{counts['y']}-{counts['mo']}-{counts['d']}T{counts['t']}",
        "abs_url": abs_url,
        "pdf_url": html.unescape(links["pdf"]) if links["pdf"] else None,
        "categories": [m["cat"] for m in _CATEGORY_RE.finditer(lines[7])],
        "abstract": text(lines[9]),
        "tweets": [_tweet(line) for line in lines[11:] if line.startswith("<blockquote")],
    }


def parse_post(markdown: str, *, escaped: bool) -> dict[str, Any]:
    """Read a post in the original's layout into an archive record (``post_date`` from the slug).

    Args:
        markdown: the whole post.
        escaped: True for the Lumen writer's output (titles, authors and abstracts are HTML references,
            decoded here); False for the original's raw text.
    """
    lines = markdown.split("\n")
    end = lines.index("---", 1)
    matter = _front_matter(lines[1:end])

    def text(value: str) -> str:
        return html.unescape(value) if escaped else value

    starts = [i for i, line in enumerate(lines) if _HEADING_RE.fullmatch(line)] + [len(lines)]
    papers = [_section(lines[a:b], text) for a, b in itertools.pairwise(starts)]
    day = str(matter.get("slug", "")).removeprefix("hot-papers-")
    return {"post_date": day, "front_matter": matter, "papers": papers}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``derive`` one day's legacy JSON, or convert a post file ``from-markdown``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    derive = commands.add_parser("derive", help="write the derived legacy JSON of one day")
    derive.add_argument("archive", type=Path)
    derive.add_argument("date")
    derive.add_argument("-o", "--output", type=Path)
    convert = commands.add_parser("from-markdown", help="print a posts.jsonl record of a post file")
    convert.add_argument("post", type=Path)
    args = parser.parse_args(argv)
    if args.command == "from-markdown":
        record = parse_post(args.post.read_text(encoding="utf-8"), escaped=False)
        print(json.dumps(record, ensure_ascii=False))
        return 0
    out = json.dumps(derive_day(load_archive(args.archive)[args.date]), ensure_ascii=False, indent=1)
    if args.output:
        args.output.write_text(out + "\n", encoding="utf-8")
    else:
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
