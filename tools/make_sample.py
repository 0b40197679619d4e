"""Rebuild the bundled demo sample, src/hotpapers/data/sample.jsonl, from archived days of the original digest.

Each day of tests/fixtures/archive/posts.jsonl named below is turned back into the original tool's input JSON
(tools/derive_legacy_from_archive.py: per-tweet counts are derived so that they sum to the published totals),
imported into an empty store with ``hotpapers import``, and the store is exported in the native format.

Run from the repository root:  python tools/make_sample.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT / "tests" / "fixtures" / "archive" / "posts.jsonl"
DAYS = ("2020-08-18", "2020-11-18", "2021-01-15", "2021-04-19")
OUT = ROOT / "src" / "hotpapers" / "data" / "sample.jsonl"


def main() -> None:
    """Derive, import and export the sample days."""
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for day in DAYS:
            target = Path(tmp) / f"{day}.json"
            subprocess.run(
                [sys.executable, str(ROOT / "tools" / "derive_legacy_from_archive.py"), "derive", str(ARCHIVE), day,
                 "-o", str(target)],
                check=True,
            )
            files.append(str(target))
        db = str(Path(tmp) / "sample.db")
        subprocess.run([sys.executable, "-m", "hotpapers", "--db", db, "import", *files], check=True)
        subprocess.run([sys.executable, "-m", "hotpapers", "--db", db, "export", "--out", str(OUT)], check=True)
    print(f"{OUT}: {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
