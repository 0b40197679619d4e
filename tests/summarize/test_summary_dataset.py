"""The summaries in the JSON dataset: a golden day, every field documented, null when unknown."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

from hotpapers.config import Settings
from hotpapers.jobs.render import build_digest
from hotpapers.jobs.summarize import stored_summaries
from hotpapers.jobs.transfer import import_files
from hotpapers.models import Digest
from hotpapers.store import open_store
from hotpapers.writers.json_writer import digest_dataset, render_json

from helpers.paths import DOCS, GOLDEN, SAMPLE
from helpers.writer_samples import check_golden, generated_at, sample_digest

DOC = DOCS / "json-dataset.md"
DAY = dt.date(2021, 4, 19)


def _summarised(day: dt.date = DAY) -> Digest:
    """The sample day ranked with classic and summarised without a model, at the digest's fixed time."""
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "s.db")) as store:
        import_files(store, [SAMPLE])
        now = generated_at(day)
        return build_digest(store, day, preset="classic", now=now, finish=stored_summaries(store, Settings(), now))


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for key, child in value.items() if key != "extras" for k in _keys(child)}
    if isinstance(value, list):
        return {k for child in value for k in _keys(child)}
    return set()


def test_golden_dataset_with_summaries(update_golden: bool) -> None:
    """The dataset of a summarised sample day is byte-identical to tests/golden/json-summaries/2021-04-19.json."""
    check_golden(GOLDEN / "json-summaries" / f"{DAY}.json", render_json(_summarised()), update_golden)


def test_every_summary_field_is_documented() -> None:
    """Each key of tldr, discussion, their source_posts and claims has a row in docs/json-dataset.md."""
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE))
    assert _keys(digest_dataset(_summarised())) - documented == set()


def test_unknown_summaries_are_null() -> None:
    """A paper without summaries has "tldr": null and "discussion": null (the keys are always present)."""
    item = digest_dataset(sample_digest("2021-04-19"))["papers"][0]
    assert item["tldr"] is None and item["discussion"] is None


def test_the_discussion_text_numbers_its_citations() -> None:
    """A discussion's text ends each claim with [n] citations that are positions in its sources."""
    discussion = digest_dataset(_summarised())["papers"][0]["discussion"]
    for claim in discussion["claims"]:
        numbers = ", ".join(str(discussion["sources"].index(s) + 1) for s in claim["sources"])
        assert f"{claim['text']} [{numbers}]" in discussion["text"]
