"""The JSON dataset: a stable, documented, deterministic file per digest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotpapers.models import BreakdownItem, Digest, EngagementSnapshot, Post, RankedPaper, RankedPost
from hotpapers.plugins import Writer
from hotpapers.writers.json_writer import SCHEMA_VERSION, JsonWriter, digest_dataset, render_json

from helpers.factories import DAY, T0, paper, post
from helpers.paths import DOCS, GOLDEN
from helpers.writer_samples import GOLDEN_DAYS, check_golden, sample_digest

DOC = DOCS / "json-dataset.md"
HOSTILE = '<img src=x onerror=alert(1)> "</script><script>alert(1)</script>\x00\x1b\u2028\ud800'


def _digest(*posts: Post, **paper_kw: Any) -> Digest:
    shown = tuple(
        RankedPost(p, EngagementSnapshot(p.platform, p.post_id, T0, 1, 2, 3, 4, (("points", 9),)), 5.0) for p in posts
    )
    ranked = RankedPaper(1, 12.5, paper(**paper_kw), shown, (BreakdownItem("why", 12.5),), 7, 8, T0)
    return Digest("Hot Papers 2021-04-19", DAY, T0, T0, T0, "classic", (ranked,))


def _keys(value: Any, parent: str = "") -> Iterator[str]:
    """Every key of the document, except the free-form names inside ``extras``."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield key
            if key != "extras":
                yield from _keys(child, key)
    elif isinstance(value, list):
        for child in value:
            yield from _keys(child, parent)


@pytest.mark.parametrize("day", GOLDEN_DAYS)
def test_golden_dataset(day: str, tmp_path: Path, update_golden: bool) -> None:
    """The dataset of a sample day is byte-identical to tests/golden/json/<day>.json."""
    (path,) = JsonWriter().write(sample_digest(day), tmp_path)
    check_golden(GOLDEN / "json" / f"{day}.json", path.read_bytes(), update_golden)


def test_writer_writes_dated_file(tmp_path: Path) -> None:
    """JsonWriter (name "json") writes out_dir/json/YYYY-MM-DD.json and returns its path."""
    writer = JsonWriter()
    assert isinstance(writer, Writer) and writer.name == "json"
    assert writer.write(_digest(), tmp_path) == [tmp_path / "json" / "2021-04-19.json"]


def test_every_field_is_documented() -> None:
    """Each key the writer emits has a row in docs/json-dataset.md."""
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE))
    data = digest_dataset(_digest(post(references="1", author_followers=3), comment="c", doi="d"))
    assert set(_keys(data)) <= documented, set(_keys(data)) - documented


def test_top_level_shape() -> None:
    """schema_version is 1; the digest has its date, window, generation time and preset."""
    data = json.loads(render_json(_digest()))
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert data["digest"] == {
        "title": "Hot Papers 2021-04-19",
        "date": "2021-04-19",
        "window_start": "2021-04-20T00:43:48Z",
        "window_end": "2021-04-20T00:43:48Z",
        "generated_at": "2021-04-20T00:43:48Z",
        "preset": "classic",
    }


def test_ranked_paper_values_round_trip() -> None:
    """Rank, score, counts, breakdown, paper metadata and post fields are the digest's values."""
    item = json.loads(render_json(_digest(post())))["papers"][0]
    assert (item["rank"], item["score"], item["reposts"], item["likes"]) == (1, 12.5, 7, 8)
    assert item["breakdown"] == [{"label": "why", "value": 12.5}]
    assert item["paper"]["arxiv_id"] == "2104.08223" and item["paper"]["authors"] == ["Ada Lovelace", "Alan Turing"]
    shown = item["posts"][0]
    assert shown["platform"] == "x" and shown["post_id"] == "1383990658680037381" and shown["kind"] == "original"
    assert shown["links"] == [{"arxiv_id": "2104.08223", "method": "url"}]
    assert shown["engagement"] == {
        "observed_at": "2021-04-20T00:43:48Z",
        "reposts": 1,
        "likes": 2,
        "replies": 3,
        "quotes": 4,
        "extras": {"points": 9},
    }


def test_bytes_are_deterministic_with_sorted_keys() -> None:
    """Two renders give the same bytes; keys are sorted; the file ends with one newline."""
    digest = sample_digest("2021-01-15")
    data = render_json(digest)
    assert render_json(dataclasses.replace(digest)) == data and data.endswith(b"}\n")
    assert list(json.loads(data)) == ["digest", "papers", "schema_version"]


def test_datetimes_keep_fractions_in_utc() -> None:
    """A date-time with microseconds and another offset is written in UTC with Z and its fraction."""
    at = dt.datetime(2021, 4, 20, 9, 43, 48, 123456, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    digest = dataclasses.replace(_digest(), generated_at=at)
    assert json.loads(render_json(digest))["digest"]["generated_at"] == "2021-04-20T00:43:48.123456Z"


def test_hostile_text_is_kept_verbatim_as_valid_json() -> None:
    """Markup and control characters stay in the string, escaped as JSON; a lone surrogate becomes U+FFFD."""
    data = render_json(_digest(post(text=HOSTILE), title=HOSTILE))
    item = json.loads(data)["papers"][0]
    expected = HOSTILE.replace("\ud800", "\ufffd")
    assert item["paper"]["title"] == expected and item["posts"][0]["text"] == expected
    assert b"\x00" not in data and b"\x1b" not in data


def test_optional_values_are_null() -> None:
    """Unknown optional values are present as null."""
    digest = _digest(post(), submitted=None, doi=None)
    item = json.loads(render_json(digest))["papers"][0]
    assert item["paper"]["submitted"] is None and item["paper"]["doi"] is None
    assert item["posts"][0]["author_followers"] is None


def test_empty_digest_has_no_papers() -> None:
    """A day without papers is the digest with an empty list."""
    digest = dataclasses.replace(_digest(), papers=())
    assert json.loads(render_json(digest))["papers"] == []


def test_sample_engagement_comes_from_snapshots() -> None:
    """The sample's first post carries the counts the ranking used."""
    digest = sample_digest("2021-04-19")
    first = json.loads(render_json(digest))["papers"][0]["posts"][0]
    assert first["engagement"]["reposts"] == digest.papers[0].posts[0].engagement.reposts
