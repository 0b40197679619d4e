"""The records' JSON form and the native format (JSON Lines of those objects: docs/native-format.md).

Pure: no store, no network. ``serialize`` (and ``serialize_accounts``, ``serialize_enrich``) turn each record into
the JSON object the format writes and back; the store keeps published digests and summaries in the same form.
``format`` writes and reads whole files.
"""

from hotpapers.native.format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    bounded_lines,
    looks_native,
    native_object,
    read_native,
    too_long,
    write_native,
)

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "bounded_lines",
    "looks_native",
    "native_object",
    "read_native",
    "too_long",
    "write_native",
]
