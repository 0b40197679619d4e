"""Account profiles in the store (both backends): appended with their history, exported, and in a day's evidence."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import orjson
import pytest

from hotpapers.errors import InputError
from hotpapers.jobs import transfer
from hotpapers.models import AccountProfile
from hotpapers.store import Store, open_store

from helpers.factories import DAY, T0, announcement, paper, post

WINDOW_START = dt.datetime(2021, 4, 19, 0, 0, tzinfo=dt.UTC)  # 20:00 New York time, the evening before DAY
EARLIER = dt.date(2021, 3, 1)


@pytest.fixture
def store(store_url: str) -> Store:
    """A store holding DAY's paper and an earlier one, on each backend."""
    opened = open_store(store_url)
    opened.upsert_papers([paper("2104.00001"), paper("2103.00001")])
    opened.add_announcements([announcement("2104.00001", 0), announcement("2103.00001", 0, EARLIER)])
    return opened


def _profile(handle: str, at: dt.datetime, followers: int) -> AccountProfile:
    return AccountProfile("x", handle, at, account_id="42", name="Ada", followers=followers,
                          created_at=dt.datetime(2015, 1, 1, tzinfo=dt.UTC))  # fmt: skip


def test_profiles_are_appended_and_a_repeat_is_ignored(store: Store) -> None:
    """Two observations of one account are two rows; the same observation twice is one."""
    first, second = _profile("ada", T0, 10), _profile("ada", T0 + dt.timedelta(days=1), 12)
    assert store.add_profiles([first, second]) == 2
    assert store.add_profiles([first]) == 0
    assert list(store.iter_profiles()) == [first, second]


def test_evidence_carries_the_latest_profile_of_the_window(store: Store) -> None:
    """A day's post carries its author's latest profile observed before the window ends, not a later one."""
    store.upsert_posts([post("1", "2104.00001", author_handle="ada")])
    during = WINDOW_START + dt.timedelta(hours=12)
    store.add_profiles([_profile("ada", WINDOW_START - dt.timedelta(days=9), 10),
                        _profile("ada", during, 11), _profile("ada", T0 + dt.timedelta(days=30), 99)])  # fmt: skip
    (item,) = store.evidence_for_day(DAY)
    account = item.posts[0].account
    assert account is not None and account.profile == _profile("ada", during, 11)


def test_evidence_carries_the_posting_history_before_the_day(store: Store) -> None:
    """First and last posts linking a paper before the day's window, and when the platform's record begins."""
    earlier = [post(str(n), "2103.00001", author_handle="ada", created_at=WINDOW_START - dt.timedelta(days=d))
               for n, d in ((10, 40), (11, 3))]  # fmt: skip
    store.upsert_posts([*earlier, post("1", "2104.00001", author_handle="ada"),
                        post("2", "2104.00001", author_handle="bob")])  # fmt: skip
    (item,) = store.evidence_for_day(DAY)
    by_handle = {e.post.author_handle: e.account for e in item.posts}
    ada, bob = by_handle["ada"], by_handle["bob"]
    assert ada is not None and bob is not None
    assert (ada.first_seen, ada.last_seen) == (earlier[0].created_at, earlier[1].created_at)
    assert (bob.first_seen, bob.last_seen, bob.profile) == (None, None, None)
    assert ada.history_from == bob.history_from == earlier[0].created_at


def test_profiles_survive_export_and_import(tmp_path: Path, store: Store) -> None:
    """Profile observations are 'profile' records of the native format and come back equal."""
    store.add_profiles([_profile("ada", T0, 10), AccountProfile("hackernews", "jl", T0, karma=2937)])
    buffer = io.BytesIO()
    transfer.export(store, buffer)
    lines = [orjson.loads(line) for line in buffer.getvalue().splitlines()]
    assert [r["handle"] for r in lines if r["type"] == "profile"] == ["jl", "ada"]
    (tmp_path / "dump.jsonl").write_bytes(buffer.getvalue())
    fresh = open_store(str(tmp_path / "fresh.db"))
    transfer.import_files(fresh, [tmp_path / "dump.jsonl"])
    assert list(fresh.iter_profiles()) == list(store.iter_profiles())


@pytest.mark.parametrize(
    ("record", "message"),
    [({"platform": "x", "observed_at": "2021-04-20T00:00:00Z"}, "profile: missing field 'handle'"),
     ({"platform": "x", "handle": "a", "observed_at": "2021-04-20T00:00:00Z", "followers": -1},
      "profile: AccountProfile.followers must be >= 0, got -1"),
     ({"platform": "x", "handle": "a", "observed_at": "2021-04-20T00:00:00Z", "karma": "many"},
      "profile: karma: expected an integer or null, got str"),
     ({"platform": "x", "handle": "a", "observed_at": "2021-04-20"}, "observed_at")],
)  # fmt: skip
def test_a_bad_profile_record_is_one_clear_error(tmp_path: Path, record: dict[str, object], message: str) -> None:
    """A malformed profile line names the file, the line and the field; nothing is imported."""
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"type": "header", "format": "hotpapers-native", "version": 1}\n'
                     + orjson.dumps({"type": "profile", **record}) + b"\n")  # fmt: skip
    with pytest.raises(InputError, match=message) as caught:
        transfer.import_files(open_store(str(tmp_path / "s.db")), [path])
    assert str(caught.value).startswith(f"{path}:2: ")


def test_profiled_since_lists_accounts_observed_recently(store: Store) -> None:
    """Accounts with an observation at or after the instant, once each; older observations alone do not count."""
    store.add_profiles([_profile("ada", T0, 1), _profile("ada", T0 - dt.timedelta(days=9), 1),
                        _profile("bob", T0 - dt.timedelta(days=9), 1)])  # fmt: skip
    assert store.profiled_since(T0 - dt.timedelta(days=7)) == {("x", "ada")}


def test_linked_evidence_gives_older_papers_discussed_in_a_window(store: Store) -> None:
    """An older paper linked by a post of the window comes with its first announcement and that post only."""
    start = WINDOW_START
    store.upsert_posts([post("old", "2103.00001", author_handle="ada", created_at=start - dt.timedelta(days=30)),
                        post("new", "2103.00001", author_handle="bob", created_at=start + dt.timedelta(hours=2)),
                        post("day", "2104.00001", author_handle="cy", created_at=start + dt.timedelta(hours=3))])  # fmt: skip
    (item,) = store.linked_evidence(start, start + dt.timedelta(days=1), exclude={"2104.00001"})
    assert (item.paper.arxiv_id, item.announcement.date, item.resurfaced) == ("2103.00001", EARLIER, True)
    assert [e.post.post_id for e in item.posts] == ["new"]
    assert item.posts[0].account is not None and item.posts[0].account.first_seen is None
