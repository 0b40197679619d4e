"""Data generator of ``firehose_replay.py``: a Jetstream v1 JSON-lines dump of any size, written as a stream.

Nothing here invents a shape. Every line is a line of the 152-event production capture
``tests/fixtures/social/bluesky/derived/jetstream_capture_with_arxiv_links.jsonl`` (see that folder's
PROVENANCE.md), with only the event's own ``did`` (everywhere it appears in the line), its ``commit.rkey``
and its ``time_us`` replaced:

* the 144 lines that link nothing (the recorded bytes: 105 likes, 15 reposts, 9 post creations, 1 post
  deletion, follows, a block, status updates, an identity and an account event) are cycled in their order;
* after every ``POSTS_PER_LINK`` (2,000) post creations among them, the next of the 8 derived arXiv-linking
  post events is written (cycled in capture order: 6 link arXiv, 2 quote an earlier one of the 8, whose
  ``embed.record.uri`` is pointed at the fresh at-uri that quoted post got when it was last written);
* the recorded post deletion that follows a written copy of capture line ``DELETED`` (one of the 6, quoted
  by none) deletes that copy (its did and rkey), so a tracked post is deleted once every 8 linking events.

The fresh values: a ``did:plc:`` of 24 base32 letters drawn from a counter (a new author per line), an rkey
that is the TID of the new ``time_us`` (13 base32-sortable characters, as atproto makes them), and a
``time_us`` that starts at the capture's first and grows by ``STEP_US`` per line (monotonic). The dump is
written in 1 MiB blocks; memory stays at the 152 templates whatever the size.

Run: ``python benchmarks/jetstream_dump.py OUT [--size 2G]``.
"""

from __future__ import annotations

import argparse
import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
CAPTURE = ROOT / "tests" / "fixtures" / "social" / "bluesky" / "derived" / "jetstream_capture_with_arxiv_links.jsonl"
LINKING = (1, 87, 93, 109, 130, 133, 143, 147)  # 0-based lines of the capture changed to link arXiv (PROVENANCE)
QUOTES = {109: 1, 143: 133}  # a derived quote -> the derived post it quotes
DELETED = 93  # the copies of this derived post are deleted by the next recorded post deletion
POSTS_PER_LINK = 2000
STEP_US = 250  # about 4,000 events a second, the order of the live firehose
POST = "app.bsky.feed.post"
_TID = "234567abcdefghijklmnopqrstuvwxyz"
_SIZE = re.compile(r"(\d+(?:\.\d+)?)([KMG]?)B?", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``2G``, ``500M``, ``64K`` or a byte count, in bytes (binary units)."""
    match = _SIZE.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return int(float(match[1]) * 1024 ** " KMG".index((match[2] or " ").upper()))


def tid(time_us: int, clock: int = 0) -> str:
    """The atproto TID of ``time_us``: 53 bits of µs and 10 of clock id, 13 base32-sortable characters."""
    value = (time_us << 10) | (clock & 0x3FF)
    return "".join(_TID[(value >> shift) & 31] for shift in range(60, -1, -5))


def did_of(n: int) -> bytes:
    """A fresh ``did:plc:`` (24 lowercase base32 letters) for the counter ``n``."""
    return b"did:plc:" + base64.b32encode(n.to_bytes(15, "big")).lower()


@dataclass(frozen=True)
class Template:
    """One capture line cut around its did, rkey, time_us (and quoted at-uri): ``parts`` joined by values."""

    index: int
    parts: tuple[bytes, ...]
    slots: tuple[str, ...]  # "did", "rkey", "time", "quoted", one between each two parts
    is_post: bool  # a post creation (counted for the 1 in POSTS_PER_LINK)
    is_post_delete: bool


def _template(index: int, line: bytes, quoted: bytes | None) -> Template:
    obj = orjson.loads(line)
    commit = obj.get("commit") or {}
    marks: list[tuple[bytes, str]] = [(f'"time_us":{obj["time_us"]}'.encode(), "time")]
    if commit.get("rkey"):
        marks.append((f'"rkey":"{commit["rkey"]}"'.encode(), "rkey"))
    if quoted:
        marks.append((quoted, "quoted"))
    marks.append((obj["did"].encode(), "did"))  # last: the quoted at-uri contains another did
    pieces: list[bytes | str] = [line]
    for needle, slot in marks:
        cut: list[bytes | str] = []
        for piece in pieces:
            if isinstance(piece, str):
                cut.append(piece)
                continue
            for j, chunk in enumerate(piece.split(needle)):
                if j:
                    cut.append(slot)
                cut.append(chunk)
        pieces = cut
    parts = tuple(p for p in pieces if isinstance(p, bytes))
    slots = tuple(p for p in pieces if isinstance(p, str))
    if len(parts) != len(slots) + 1 or "time" not in slots:
        raise ValueError(f"capture line {index}: cannot cut it into a template")
    post, operation = commit.get("collection") == POST, commit.get("operation")
    return Template(index, parts, slots, post and operation == "create", post and operation == "delete")


def templates() -> tuple[list[Template], list[Template]]:
    """(the lines linking nothing, the 8 derived arXiv-linking lines), as templates."""
    lines = CAPTURE.read_bytes().splitlines()
    plain, linking = [], []
    for i, line in enumerate(lines):
        quoted = None
        if i in QUOTES:
            src = orjson.loads(lines[QUOTES[i]])
            quoted = f"at://{src['did']}/{POST}/{src['commit']['rkey']}".encode()
        (linking if i in LINKING else plain).append(_template(i, line, quoted))
    return plain, linking


def _fill(t: Template, did: bytes, rkey: bytes, time_us: int, quoted: bytes) -> bytes:
    values = {"did": did, "rkey": b'"rkey":"' + rkey + b'"', "time": b'"time_us":%d' % time_us, "quoted": quoted}
    out = [t.parts[0]]
    for slot, part in zip(t.slots, t.parts[1:], strict=True):
        out.append(values[slot])
        out.append(part)
    return b"".join(out)


@dataclass
class DumpStats:
    """What ``write_dump`` wrote."""

    bytes: int = 0
    lines: int = 0
    posts: int = 0  # post creations
    linking: int = 0  # derived arXiv-linking post events (quotes of them included)


def events(start_us: int) -> Iterator[tuple[bytes, bool, bool]]:
    """Endless dump lines (with a newline): (line, is a post creation, is a derived linking event)."""
    plain, linking = templates()
    time_us, n, posts, k = start_us, 0, 0, 0
    uri_of: dict[int, bytes] = {}  # capture line -> the at-uri it got when last written
    doomed: tuple[bytes, bytes] | None = None  # (did, rkey) of the copy of DELETED to delete next
    while True:
        for t in plain:
            line_templates = [t]
            if t.is_post:
                posts += 1
                if posts % POSTS_PER_LINK == 0:
                    line_templates.append(linking[k % len(linking)])
                    k += 1
            for tt in line_templates:
                n += 1
                time_us += STEP_US
                did, rkey = did_of(n), tid(time_us, n).encode()
                if tt.is_post_delete and doomed:
                    (did, rkey), doomed = doomed, None
                elif tt.index == DELETED:
                    doomed = (did, rkey)
                quoted = uri_of.get(QUOTES.get(tt.index, -1), b"")
                if tt.index in LINKING:
                    uri_of[tt.index] = b"at://" + did + b"/" + POST.encode() + b"/" + rkey
                yield _fill(tt, did, rkey, time_us, quoted) + b"\n", tt.is_post, tt.index in LINKING


def write_dump(path: Path, size: int) -> DumpStats:
    """Write about ``size`` bytes of dump to ``path`` (whole lines; stops at the first line past ``size``)."""
    start = orjson.loads(CAPTURE.read_bytes().split(b"\n", 1)[0])["time_us"]
    stats, block = DumpStats(), list[bytes]()
    pending = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for line, is_post, is_linking in events(start):
            block.append(line)
            pending += len(line)
            stats.lines += 1
            stats.posts += is_post
            stats.linking += is_linking
            if pending >= 1 << 20 or stats.bytes + pending >= size:
                out.write(b"".join(block))
                stats.bytes += pending
                block, pending = [], 0
                if stats.bytes >= size:
                    break
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", type=parse_size, default=parse_size("2G"), help="bytes (K/M/G), default 2G")
    args = parser.parse_args()
    stats = write_dump(args.out, args.size)
    print(f"{args.out}: {stats.bytes:,} bytes, {stats.lines:,} lines, {stats.posts:,} post creations, "
          f"{stats.linking:,} arXiv-linking events")


if __name__ == "__main__":
    main()
