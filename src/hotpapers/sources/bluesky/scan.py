"""A saved Jetstream dump, scanned at the speed of the disk: a native pre-filter picks out, block by block, the
few lines that can give a record, and only those are decoded by ``parse_event``.

Why. Decoding every line cannot keep up: ``orjson.loads`` alone is 1.5 µs for a 530-byte event, 6 s for a
2 GiB dump that ``grep -c arxiv`` reads in 1.6 s. In a real firehose about 1 post in 2,000 links arXiv, and
nearly all events are likes, reposts, follows and posts that link nothing.

Which lines are decoded (the candidates). A line can give a record only if it contains one of:

* case-insensitively, a word that every form of that name in the resolver contains: ``arxiv``, ``ar5iv``,
  ``alphaxiv`` or ``papers`` (``LINK_WORDS``; ``hotpapers.links`` runs a form's pattern only if its word is in
  the lower-cased text, and ``scirate.com/arxiv/`` and ``10.48550/arxiv.`` contain ``arxiv``). ASCII case
  folding is enough: no other character lower-cases to one of their letters;
* ``app.bsky.embed.record`` (a quote, also ``recordWithMedia``: it may quote a tracked post);
* ``"delete"`` on a line that also names ``app.bsky.feed.post`` (the deletion of a post; ``parse_event`` then
  gives ``PostGone`` only if the post is tracked).

Lines that do not look like one JSON object (not starting with ``{`` or not ending with ``}``, a CR before
the LF allowed) are decoded too, so that truncated lines and junk are still counted as malformed; blank lines
are skipped. What is not decoded: a line shaped like an object, without any of the words, that would not
parse (it is not counted as malformed), and a word spelt with JSON escapes (``\\u0061rxiv``), which Go's
encoder, Jetstream's, never writes for letters. Likes and reposts are not read at all (engagement comes from
``app.bsky.feed.getPosts``).

Tracked posts. Quotes and deletions are matched by their kind, not by the tracked post they name: post
deletions and quotes are a few percent of a firehose, and ``parse_event`` checks each against ``known`` in a
dict look-up, whatever the number of tracked posts (``KnownPosts`` holds up to 500,000). Searching each
block for every tracked at-uri instead would need an automaton rebuilt whenever a post is kept, for fewer
decoded lines that cost little anyway. Lines are decoded in file order, so a quote or deletion later in the
same block sees a post kept earlier in it.

The matcher. All patterns run in one pass per block with Hyperscan (the ``hyperscan`` wheel: Intel's SIMD
multi-pattern matcher, releasing the GIL). Python's own searches cannot reach the target: ``bytes.lower``
alone runs at about 1.3 GB/s and each ``bytes.find`` pass at 1-3 GB/s, so lower-casing and searching each word
take several times grep's time; ``re`` with the same alternation is about 70 times slower than Hyperscan,
RE2 (``google-re2``) 3 times, and ``ahocorasick_rs`` has no case folding. Where Hyperscan is not installed (it
has no wheel for Linux on ARM), every line is decoded: the same records, about ten times slower.

Reading. The file is read with ``readinto`` into one reused buffer of ``READ_BYTES`` (1 MiB), cut after its
last newline, the rest of the last line carried to the next read. The size matters more than it seems: the
matcher then scans bytes that the read has just put in the CPU cache, and the whole pass (read and match) was
measured 25-35% faster than with 8 MiB reads, and also faster than a memory map of the file, whose page faults
cost more than the copy (a memory map would also end the process with SIGBUS if the dump were truncated while
being read). Commits are independent of reads: at most ``block_bytes`` (8 MiB) of lines are uncommitted.

Bounds. A line may hold at most ``max_line_bytes`` bytes (``DEFAULT_MAX_LINE_BYTES``, 16 MiB, without its
newline): the buffer grows for a longer line up to that size and no further. A longer line is refused: one
warning with its byte offset, counted as malformed, its bytes read and dropped until its newline, and the scan
goes on after it. So memory stays bounded for any input, also one without any newline (``/dev/zero``).

Positions. ``on_batch(records, offset)`` is called with an offset that is always a line start: the end of the
last whole line handled. The file's last line, when it has no newline yet (a dump still being written), is
decoded, and its record (if complete) handed over, but the offset stays before it, so the next run reads it
again (complete by then); it is not counted as malformed when it does not parse (``ScanResult.tail``). A stopped
replay resumes at a line start with the tracked posts the store then holds; a post seen again is stored once.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from hotpapers.models import Post, PostGone
from hotpapers.sources.bluesky.events import DEFAULT_MAX_LINE_BYTES, KnownPosts, parse_event
from hotpapers.sources.bluesky.records import POST_COLLECTION

__all__ = [
    "DEFAULT_BLOCK_BYTES",
    "DEFAULT_MAX_LINE_BYTES",
    "LINK_WORDS",
    "READ_BYTES",
    "EveryLine",
    "Matcher",
    "ScanResult",
    "default_matcher",
    "hyperscan_matcher",
    "scan_dump",
]

log = logging.getLogger(__name__)

DEFAULT_BLOCK_BYTES = 8 << 20  # bytes of whole lines per commit
READ_BYTES = 1 << 20  # bytes per read (see "Reading")
LINK_WORDS = ("arxiv", "ar5iv", "alphaxiv", "papers")  # every form of hotpapers.links contains one
_QUOTE = rb"app\.bsky\.embed\.record"
_DELETE = rb'"delete"'  # a candidate only on a line that also names the post collection
_NOT_AN_OBJECT = rb"^[^{\r\n]|[^}\r\n]\r?$"  # multi-line: a line that does not start with { or end with }
_POST = POST_COLLECTION.encode()

Span = tuple[int, int]  # (start, stop) of a line in a buffer, its newline excluded


@dataclass
class ScanResult:
    """What ``scan_dump`` read: lines decoded, records found, and the offset it reached."""

    decoded: int = 0  # lines handed to parse_event (the candidates)
    kept: int = 0
    gone: int = 0
    malformed: int = 0  # decoded lines that are not Jetstream events, and lines over the cap
    too_long: int = 0  # lines refused for their length (counted in ``malformed`` too)
    offset: int = 0  # where the next scan starts: the end of the last whole line handled
    tail: int = 0  # bytes of the unterminated last line after ``offset`` (read, left for the next scan)
    lines: int = 0  # newline-terminated lines read (counted only with ``max_lines``)


class Matcher(Protocol):
    """Picks the candidate lines of a block."""

    def candidates(self, buf: bytearray, end: int) -> Iterator[Span]:
        """The candidate lines of the block ``buf[:end]``, in order, as ``(start, stop)``, newline excluded.

        Args:
            buf: the buffer; only ``buf[:end]`` is to be read. ``buf[:end]`` starts at a line start and ends
                after a newline or at the end of the file.
            end: the end of the block.

        Returns:
            The spans (blank lines may be among them: the caller skips them).
        """
        ...


class EveryLine:
    """The matcher without Hyperscan: every line is a candidate."""

    def candidates(self, buf: bytearray, end: int) -> Iterator[Span]:
        """Every line of the block."""
        start = 0
        while start < end:
            stop = buf.find(b"\n", start, end)
            stop = end if stop < 0 else stop
            yield start, stop
            start = stop + 1


class _Hyperscan:
    """The pre-filter of the module docstring, compiled once into a Hyperscan block-mode database."""

    def __init__(self) -> None:
        import hyperscan  # noqa: PLC0415  (optional: imported only when used)

        caseless, multiline = hyperscan.HS_FLAG_CASELESS, hyperscan.HS_FLAG_MULTILINE
        patterns = [(re.escape(word).encode(), caseless) for word in LINK_WORDS]
        patterns += [(_QUOTE, 0), (_NOT_AN_OBJECT, multiline), (_DELETE, 0)]
        self._delete = len(patterns) - 1
        self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self._db.compile(expressions=[p for p, _ in patterns], ids=list(range(len(patterns))),
                         flags=[f for _, f in patterns])

    def candidates(self, buf: bytearray, end: int) -> Iterator[Span]:
        """The lines with a match; with a ``"delete"`` only if they also name the post collection."""
        return _lines_at(buf, end, self._marks(buf, end))

    def _marks(self, buf: bytearray, end: int) -> list[int]:
        """The end of every match (so inside a candidate line, or at its end)."""
        marks: list[int] = []
        deletes: list[int] = []
        delete = self._delete

        def on_match(pattern: int, _start: int, to: int, _flags: int, _context: object) -> None:
            (deletes if pattern == delete else marks).append(to)

        with memoryview(buf)[:end] as block:
            self._db.scan(block, match_event_handler=on_match)  # type: ignore[type-var]  # the stub says AnyStr; any buffer is read
        for to in deletes:
            stop = buf.find(b"\n", to, end)
            if buf.find(_POST, buf.rfind(b"\n", 0, to) + 1, end if stop < 0 else stop) >= 0:
                marks.append(to)
        return marks


def hyperscan_matcher() -> Matcher:
    """The Hyperscan pre-filter.

    Raises:
        ImportError: the ``hyperscan`` package is not installed.
    """
    return _Hyperscan()


@functools.cache
def default_matcher() -> Matcher:
    """The Hyperscan pre-filter if ``hyperscan`` is installed, else ``EveryLine`` (slower, same records)."""
    try:
        return hyperscan_matcher()
    except ImportError:
        log.warning("hyperscan is not installed: every line of the dump is decoded (slower, same result)")
        return EveryLine()


def _lines_at(buf: bytearray, end: int, marks: list[int]) -> Iterator[Span]:
    """The lines of ``buf[:end]`` that hold a mark (an offset just after a character of the line), in order."""
    next_line = 0
    for at in sorted(marks):
        if at < next_line:
            continue  # another mark of the line just given
        start, stop = buf.rfind(b"\n", 0, at) + 1, buf.find(b"\n", at, end)
        stop = end if stop < 0 else stop
        next_line = stop + 1
        yield start, stop


def _too_long(buf: bytearray, end: int, cap: int) -> list[Span]:
    """The lines of ``buf[:end]`` (whole lines) longer than ``cap`` bytes.

    One backwards search per ``cap`` bytes: a newline among the ``cap + 1`` bytes from a line start ends that
    line within the cap, and every line before that newline too, so the search jumps there.
    """
    spans: list[Span] = []
    at = 0
    while end - at > cap + 1:
        newline = buf.rfind(b"\n", at, at + cap + 1)
        if newline >= 0:
            at = newline + 1
            continue
        stop = buf.find(b"\n", at + cap + 1, end)
        stop = end if stop < 0 else stop
        spans.append((at, stop))
        at = stop + 1
    return spans


def _read_into(handle: io.BufferedIOBase, buf: bytearray, at: int, want: int) -> int:
    """Read up to ``want`` bytes into ``buf[at:]``; fewer only at the end of the file."""
    got = 0
    with memoryview(buf) as view:
        while got < want:
            n = handle.readinto(view[at + got:at + want])
            if not n:
                break
            got += n
    return got


class _Scan:
    """One ``scan_dump`` call: the buffer, the counts, the records not yet handed over, the positions."""

    def __init__(self, *, known: KnownPosts, now: dt.datetime, on_batch: Callable[[list[Post | PostGone], int], None],
                 start: int, block_bytes: int, matcher: Matcher, cap: int, max_lines: int | None, label: str) -> None:
        self.known, self.now, self.on_batch, self.matcher = known, now, on_batch, matcher
        self.block_bytes, self.cap, self.max_lines, self.label = max(1, block_bytes), max(1, cap), max_lines, label
        self.read_bytes = min(self.block_bytes, READ_BYTES)
        self.result = ScanResult(offset=start)
        self.records: list[Post | PostGone] = []
        self.committed = start  # the offset last handed to on_batch
        self.done = False  # max_lines reached

    # -- lines ---------------------------------------------------------------------------------------------

    def refuse(self, offset: int) -> None:
        """A line longer than the cap starts at ``offset``: say so once, count it."""
        self.result.malformed += 1
        self.result.too_long += 1
        log.warning("%s: the line at byte %d is longer than %d bytes (the line cap: max_line_bytes): skipped",
                    self.label, offset, self.cap)

    def decode(self, line: bytearray, *, last: bool = False) -> None:
        """Decode one candidate line; a ``last`` line (no newline yet) that does not parse is not malformed."""
        if not line.strip():
            return
        self.result.decoded += 1
        event = parse_event(line, self.now, self.known)
        if event is None:
            self.result.malformed += 0 if last else 1
        elif isinstance(event.record, Post):
            self.result.kept += 1
            self.known.add(event.record)
            self.records.append(event.record)
        elif isinstance(event.record, PostGone):
            self.result.gone += 1
            self.known.forget(event.record.post_id)
            self.records.append(event.record)

    def block(self, buf: bytearray, end: int, base: int) -> int:
        """Handle the whole lines ``buf[:end]``, which start at file offset ``base``; return where it stopped
        (``end``, or earlier when ``max_lines`` is reached)."""
        if self.max_lines is not None:
            end = self._count_lines(buf, end)
        too_long = _too_long(buf, end, self.cap) if end > self.cap + 1 else []
        for start, _ in too_long:
            self.refuse(base + start)
        spans = self.matcher.candidates(buf, end)
        if too_long:
            spans = (s for s in spans if not any(a <= s[0] <= b for a, b in too_long))
        for start, stop in spans:
            self.decode(buf[start:stop])
        self.result.offset = base + end
        if self.result.offset - self.committed + self.read_bytes > self.block_bytes:
            self.commit()  # before the next read could leave more than block_bytes uncommitted
        return end

    def _count_lines(self, buf: bytearray, end: int) -> int:
        """Count the lines of ``buf[:end]``; cut the block after the ``max_lines``-th line of the scan."""
        assert self.max_lines is not None
        left = self.max_lines - self.result.lines
        count = buf.count(b"\n", 0, end)
        if count < left:
            self.result.lines += count
            return end
        cut = 0
        for _ in range(left):
            cut = buf.find(b"\n", cut, end) + 1
        self.result.lines += left
        self.done = True
        return cut

    def skipped_line_ends(self, end_offset: int) -> None:
        """A refused line ended (its newline read): the next line starts at ``end_offset``."""
        self.result.offset = end_offset
        if self.max_lines is not None:
            self.result.lines += 1
            self.done = self.result.lines >= self.max_lines

    def commit(self) -> None:
        """Hand over the records and the offset reached (a line start)."""
        if self.records or self.result.offset != self.committed:
            records, self.records = self.records, []
            self.on_batch(records, self.result.offset)
            self.committed = self.result.offset

    # -- the file ------------------------------------------------------------------------------------------

    def run(self, handle: io.BufferedIOBase, limit: int | None) -> None:
        """Read ``handle`` from its position, ``limit`` bytes at most (None: to its end)."""
        buf, held, base, left = bytearray(self.read_bytes), 0, self.result.offset, limit
        skipping = False  # inside a refused line: its bytes are dropped until its newline
        while not self.done:
            want = len(buf) - held if left is None else min(len(buf) - held, left)
            got = _read_into(handle, buf, held, want) if want else 0
            left = None if left is None else left - got
            filled, eof = held + got, got < want or left == 0
            if skipping:
                newline = buf.find(b"\n", 0, filled)
                if newline < 0:
                    base, held = base + filled, 0
                    if eof:
                        return
                    continue
                skipping = False
                self.skipped_line_ends(base + newline + 1)
                buf[:filled - newline - 1] = buf[newline + 1:filled]  # the refused line's end is dropped
                base, filled = base + newline + 1, filled - newline - 1
            if self.done:
                return
            base, held = self._whole_lines(buf, filled, base)
            if self.done:
                return
            if eof:
                self._last_line(buf, held, base)
                return
            if held > self.cap:
                self.refuse(base)
                skipping, base, held = True, base + held, 0
            else:
                self._make_room(buf, held)

    def _whole_lines(self, buf: bytearray, filled: int, base: int) -> tuple[int, int]:
        """Handle the whole lines of ``buf[:filled]`` (at file offset ``base``) and move the rest of the buffer
        to its start; return the file offset of the buffer's start and the bytes it holds."""
        end = buf.rfind(b"\n", 0, filled) + 1
        if end:
            end = self.block(buf, end, base)
            if not self.done:
                buf[:filled - end] = buf[end:filled]
        return base + end, filled - end

    def _make_room(self, buf: bytearray, held: int) -> None:
        """Grow the buffer when one line fills it (up to the cap and its newline); shrink it back after."""
        if held == len(buf):
            buf.extend(bytes(max(1, min(len(buf), self.cap + 1 - len(buf)))))
        elif len(buf) > self.read_bytes and held < self.read_bytes:
            del buf[self.read_bytes:]

    def _last_line(self, buf: bytearray, held: int, base: int) -> None:
        """The unterminated last line of the file (``held`` bytes at ``base``): decoded, left for the next scan."""
        if not held:
            return
        if held > self.cap:
            self.refuse(base)
            return
        self.result.tail = held
        if any(True for _ in self.matcher.candidates(buf, held)):
            self.decode(buf[:held], last=True)


def scan_dump(
    handle: io.BufferedIOBase,
    *,
    known: KnownPosts,
    now: dt.datetime,
    on_batch: Callable[[list[Post | PostGone], int], None],
    start: int = 0,
    stop: int | None = None,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    matcher: Matcher | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    max_lines: int | None = None,
    label: str = "dump",
) -> ScanResult:
    """Find the records of a Jetstream JSON-lines dump: its posts that link arXiv and deletions of tracked posts.

    Args:
        handle: the dump, opened in binary mode (seekable if ``start`` is not 0).
        known: the posts tracked so far (see ``parse_event``); the posts kept are added, the deleted forgotten.
        now: the time of a ``PostGone``.
        on_batch: called with the records found and the offset of the line start reached, so that at most
            ``block_bytes`` of lines (or one longer line) are ever uncommitted, and at the end. Commit both
            together.
        start: the offset to start at (a line start: 0 or an offset given to ``on_batch``).
        stop: the offset to stop at (a line start), or None for the end of the file.
        block_bytes: the most bytes of lines between two calls of ``on_batch``.
        matcher: the pre-filter; ``default_matcher()`` if None.
        max_line_bytes: the longest line accepted, newline excluded; a longer one is refused (see "Bounds").
        max_lines: stop after this many lines (newline-terminated, blank and refused ones included).
        label: how the warnings name the dump (e.g. its file name).

    Returns:
        Counts and the offset reached.
    """
    scan = _Scan(known=known, now=now, on_batch=on_batch, start=start, block_bytes=block_bytes,
                 matcher=matcher or default_matcher(), cap=max_line_bytes, max_lines=max_lines, label=label)
    if start or handle.seekable():
        handle.seek(start)
    scan.run(handle, None if stop is None else max(0, stop - start))
    scan.commit()
    return scan.result
