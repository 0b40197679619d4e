"""A writer process for the concurrency tests: ``python tests/helpers/store_writer.py URL WORKER GO_FILE``.

It waits for GO_FILE to exist (so that every writer starts at once), then writes in small transactions:
papers and announcements every writer shares, posts every writer shares (``shared-N``) and its own
(``wWORKER-N``), snapshots of each at instants every writer shares and at its own, links to several papers,
and a checkpoint. It prints one line: how many posts and snapshots its writes reported as new.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from hotpapers.store import open_store

from helpers import factories

PAPERS = 20
SHARED_POSTS = 60
OWN_POSTS = 40
BATCH = 10


def _number(name: str) -> int:
    """The N of ``shared-N`` / ``wW-N``."""
    return int(name.rsplit("-", 1)[1])


def main(url: str, worker: int, go: Path) -> None:
    """Write this worker's share once GO exists; print ``new_posts new_snapshots``."""
    while not go.exists():
        time.sleep(0.01)
    store = open_store(url)
    new_posts = new_snaps = 0
    ids = [f"2104.{10000 + i:05d}" for i in range(PAPERS)]
    with store.transaction():
        store.upsert_papers(factories.paper(i) for i in ids)
        store.add_announcements(factories.announcement(i, n) for n, i in enumerate(ids))
    names = [f"shared-{n}" for n in range(SHARED_POSTS)] + [f"w{worker}-{n}" for n in range(OWN_POSTS)]
    # Writers go through the shared posts in different orders, which would deadlock row-locking writers.
    names = names[::-1] if worker % 2 else names
    for start in range(0, len(names), BATCH):
        batch = names[start : start + BATCH]
        with store.transaction():
            new_posts += store.upsert_posts(
                factories.post(name, ids[_number(name) % PAPERS], ids[(_number(name) + worker) % PAPERS])
                for name in batch
            )
            shared_at = factories.T0 + dt.timedelta(hours=1)
            own_at = factories.T0 + dt.timedelta(hours=2, seconds=worker)
            new_snaps += store.add_snapshots(
                factories.snapshot(name, likes=worker, at=at) for name in batch for at in (shared_at, own_at)
            )
            store.set_state("test", f"worker-{worker}", str(start))
    store.close()
    print(new_posts, new_snaps)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
