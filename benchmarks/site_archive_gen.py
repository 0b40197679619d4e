"""Generate a longer Hot Papers archive (``posts.jsonl`` records) from the real one, for the site benchmark.

The real archive (``../shared/data/hot-papers-archive/posts.jsonl`` from the repository root) has 264 days. A
five-year archive has about 1,300 listing days; this script makes one by replaying the real days in order, again
and again, on consecutive weekdays ending on the real archive's last day. Each generated day is a real day with:

* ``post_date`` (and the date in the front matter) set to the new weekday;
* every arXiv id made new and unique: ``YYMM`` of the new day and the real number (the next free one when two
  real ids meet in one new month); the abs and pdf links follow; a paper listed on several real days of one pass
  gets the same new id on each;
* every tweet id moved in time with its day (a tweet id holds its creation time), so the new ids are unique;
* ``counted_at`` moved with the day.

Titles, abstracts, authors, counts and tweet texts are the real ones: the pages cost what real pages cost.
Usage (from the repository root)::

    python benchmarks/site_archive_gen.py --days 1300 --out /tmp/archive-1300.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT.parent / "shared" / "data" / "hot-papers-archive" / "posts.jsonl"
_NEW_ID = re.compile(r"(\d{4})\.(\d{4,5})")
_SNOWFLAKE_SHIFT = 22


def weekdays_ending(last: dt.date, count: int) -> list[dt.date]:
    """The ``count`` weekdays up to and including ``last`` (a weekday), oldest first."""
    days: list[dt.date] = []
    day = last
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return days[::-1]


class Renamer:
    """New, unique arXiv ids and tweet ids for the papers and tweets of each pass over the real archive."""

    def __init__(self) -> None:
        self.ids: dict[tuple[int, str], str] = {}
        self.taken: set[str] = set()
        self.tweets: set[int] = set()

    def paper_id(self, cycle: int, old: str, day: dt.date) -> str:
        """The new id of ``old`` in pass ``cycle``, first listed on ``day``."""
        key = (cycle, old)
        if key not in self.ids:
            match = _NEW_ID.fullmatch(old)
            number = int(match[2]) if match else 1
            candidate = f"{day:%y%m}.{number:05d}"
            while candidate in self.taken:
                number = number + 1 if number < 99_999 else 1
                candidate = f"{day:%y%m}.{number:05d}"
            self.taken.add(candidate)
            self.ids[key] = candidate
        return self.ids[key]

    def tweet_id(self, old: str, shift: dt.timedelta) -> str:
        """``old`` moved by ``shift`` in time (and by one more when that id is taken)."""
        new = int(old) + (int(shift.total_seconds() * 1000) << _SNOWFLAKE_SHIFT)
        while new in self.tweets:
            new += 1
        self.tweets.add(new)
        return str(new)


def _rename(text: str, old: str, new: str) -> str:
    return text.replace(old, new) if text else text


def generate(records: list[dict[str, Any]], days: int) -> Iterator[dict[str, Any]]:
    """``days`` archive records: the real ones replayed on consecutive weekdays (see the module docstring)."""
    real = sorted(records, key=lambda r: r["post_date"])
    last = dt.date.fromisoformat(real[-1]["post_date"])
    renamer = Renamer()
    for i, new_day in enumerate(weekdays_ending(last, days)):
        cycle, source = divmod(i, len(real))
        record = json.loads(json.dumps(real[source]))
        old_day = dt.date.fromisoformat(record["post_date"])
        shift = new_day - old_day
        record["post_date"] = new_day.isoformat()
        record["source_file"] = _rename(record["source_file"], old_day.isoformat(), new_day.isoformat())
        record["front_matter"] = {
            k: _rename(v, old_day.isoformat(), new_day.isoformat()) if isinstance(v, str) else v
            for k, v in record["front_matter"].items()
        }
        for paper in record["papers"]:
            old_id = paper["arxiv_id"]
            new_id = renamer.paper_id(cycle, old_id, new_day)
            paper["arxiv_id"] = new_id
            paper["abs_url"] = _rename(paper["abs_url"], old_id, new_id)
            paper["pdf_url"] = _rename(paper["pdf_url"], old_id, new_id)
            if paper.get("counted_at"):
                paper["counted_at"] = (dt.datetime.fromisoformat(paper["counted_at"]) + shift).isoformat()
            seen: dict[str, str] = {}
            for tweet in paper["tweets"]:
                old = tweet["status_id"]
                tweet["status_id"] = seen.setdefault(old, renamer.tweet_id(old, shift))
        yield record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--days", type=int, default=1300, help="days to generate (default 1300)")
    parser.add_argument("--source", type=Path, default=ARCHIVE, help="the real posts.jsonl")
    parser.add_argument("--out", type=Path, required=True, help="where to write the generated posts.jsonl")
    args = parser.parse_args(argv)
    records = [json.loads(line) for line in args.source.read_text(encoding="utf-8").splitlines() if line.strip()]
    with args.out.open("w", encoding="utf-8") as handle:
        for record in generate(records, args.days):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
