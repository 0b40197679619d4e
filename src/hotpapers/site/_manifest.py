"""The build manifest: what the last build wrote, so the next one renders and writes only what changed.

``OUT/.hotpapers-site.json`` holds the manifest format, the *build key* (the hotpapers version, a hash of the
site's and writers' code, templates and assets, the versions of the libraries that shape the bytes, and the
options), for every file the site wrote ``[key, size, mtime_ns]`` (the key of the inputs it was rendered from
and the size and modification time it had once written), and the plan of each digest by its fingerprint
(``DayInfo``: its papers' ids and categories), so that a rebuild reads in full only the digests it renders. The
plans are used only under the same build key.

A page is rendered again when the build key changed, its own key changed, or its file is missing or no longer
has the recorded size and time (deleted or edited by hand); a rendered page is written only when its bytes
differ from the file's. A manifest that cannot be read, or names a path outside the site's own file names, is
ignored as a whole: the build then renders everything (and removes nothing).

The file is a checksum line (blake2b of the rest) and the JSON: a manifest edited by hand, or cut short, no
longer matches its checksum and is ignored like an unreadable one.

Crash safety: before the first new file is written, the manifest is rewritten to list it (with no key), so a
build killed half-way still knows every file it may have left; the final manifest is written last, atomically.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from hotpapers._fs import atomic_write_bytes
from hotpapers.errors import WriterError

__all__ = ["MANIFEST_NAME", "Entry", "Manifest", "load_manifest", "safe_path", "save_manifest"]

MANIFEST_NAME = ".hotpapers-site.json"
FORMAT = 1
_COMPONENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
_OWN_DOTFILES = frozenset({".nojekyll"})


@dataclass(frozen=True, slots=True)
class Entry:
    """A file of the last build: its input key (None: written by a build that did not finish) and stat."""

    key: str | None
    size: int
    mtime_ns: int


@dataclass
class Manifest:
    """The last build's build key and files (empty when there was none or it could not be read)."""

    build: str = ""
    files: dict[str, Entry] = field(default_factory=dict)
    days: dict[str, object] = field(default_factory=dict)  # digest fingerprint -> DayInfo.to_json()
    note: str | None = None  # why an existing manifest was ignored


def safe_path(path: str) -> bool:
    """A relative path made of the site's own kind of names: no ``..``, no absolute path, no hidden file."""
    if path in _OWN_DOTFILES:
        return True
    parts = path.split("/")
    return all(_COMPONENT.fullmatch(part) and part not in (".", "..") for part in parts)


def load_manifest(out_dir: Path) -> Manifest:
    """The manifest in ``out_dir``; an empty one when absent, and an empty one with a note when unreadable."""
    path = out_dir / MANIFEST_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Manifest()
    except OSError as e:
        return Manifest(note=f"{path}: cannot read ({e.strerror or e}); rendering every page")
    try:
        check, _, payload = raw.partition(b"\n")
        if check.decode("ascii", "replace") != _checksum(payload):
            raise ValueError("its checksum does not match: edited or cut short")
        data = orjson.loads(payload)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("unknown format")
        build = data["build"]
        files: dict[str, Entry] = {}
        for name, (key, size, mtime_ns) in data["files"].items():
            if not (isinstance(name, str) and safe_path(name)):
                raise ValueError(f"unsafe path {name!r}")
            if not (key is None or isinstance(key, str)) or not isinstance(size, int) or not isinstance(mtime_ns, int):
                raise ValueError(f"bad entry for {name}")
            files[name] = Entry(key, size, mtime_ns)
        if not isinstance(build, str):
            raise ValueError("bad build key")
        days = data.get("days", {})
        if not isinstance(days, dict):
            raise ValueError("bad days")
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        return Manifest(note=f"{path}: not a hotpapers site manifest ({e}); rendering every page")
    return Manifest(build, files, days)


def _checksum(payload: bytes) -> str:
    return "blake2b-128:" + hashlib.blake2b(payload, digest_size=16).hexdigest()


def save_manifest(out_dir: Path, manifest: Manifest) -> None:
    """Write the manifest atomically (sorted, so equal builds give equal bytes)."""
    data = {
        "format": FORMAT,
        "build": manifest.build,
        "files": {name: [e.key, e.size, e.mtime_ns] for name, e in sorted(manifest.files.items())},
        "days": dict(sorted(manifest.days.items())),
    }
    payload = orjson.dumps(data) + b"\n"
    try:
        atomic_write_bytes(out_dir / MANIFEST_NAME, _checksum(payload).encode("ascii") + b"\n" + payload)
    except OSError as e:  # pragma: no cover - atomic_write_bytes raises WriterError itself
        raise WriterError(f"{out_dir / MANIFEST_NAME}: cannot write: {e.strerror or e}") from e
