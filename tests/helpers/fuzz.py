"""The parser fuzz harness: hypothesis strategies that mutate recorded fixtures (JSON values, XML elements, bytes)
and the hostile scalars they insert. Used by the bad-input corpus (``tests/reliability/test_fuzz_corpus.py``) and by
the parsers' own tests."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
from hypothesis import strategies as st
from lxml import etree

__all__ = [
    "HOSTILE", "HUGE_DIGITS", "JUNK", "NUMBERS", "SCALARS", "json_paths", "mutate_bytes", "mutate_json", "mutate_xml",
    "mutated",
]

HUGE_DIGITS = "9" * 5000  # past int()'s 4,300-digit limit
HOSTILE = [
    HUGE_DIGITS, "1" * 4301, "-" + HUGE_DIGITS, "2104.08223v" + HUGE_DIGITS, "arXiv:2104.08223v" + HUGE_DIGITS,
    "https://arxiv.org/abs/2104.08223v" + HUGE_DIGITS, "https://arxiv.org/abs/hep-th/9901001v" + HUGE_DIGITS,
    "arxiv.org/abs/" + "2104." * 2000, "arXiv:" * 3000, "\uff12\uff11\uff10\uff14.\uff10\uff18\uff12\uff12\uff13",  # full-width digits
    "\u0662\u0661\u0660\u0664.\u0660\u0668\u0662\u0662\u0663", "9" * 19, str(2**63), str(2**64 + 1), "1e99999",
    "x" * 1_000_000,  # a huge line
]
JUNK = st.sampled_from(["", "\x00", "\ufeff", "\u202e", "\ud800", "🎉" * 50, "é\u0301", "\n\r\t", "<", "&amp;", "]]>",
                        "\\u0000", "'\"", "a" * 5000, "1e999", "-1", "NaN", "\U0001d54f" * 3, *HOSTILE]) | st.text(max_size=30)
NUMBERS = st.sampled_from([0, -1, -(2**63), 2**63, 2**64 + 1, 10**30, -(10**30), 1.5, -0.0, 1e308, -1e308])
SCALARS = st.none() | st.booleans() | NUMBERS | JUNK


def json_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (keys and indexes; the first 20 items of a list) into a JSON value, the root first."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:20]):
            found += json_paths(item, (*path, index))
    return found


def mutate_json(draw: st.DrawFn, data: bytes) -> bytes:
    """One to four values of a JSON document replaced by hostile scalars or empty containers, or deleted."""
    try:
        root = orjson.loads(data)
    except orjson.JSONDecodeError:
        return data
    for _ in range(draw(st.integers(1, 4))):
        paths = json_paths(root)
        path = draw(st.sampled_from(paths))
        replacement: Any = draw(SCALARS | st.just({}) | st.just([]) | st.just([{}]) | st.just({"": None}))
        delete = draw(st.booleans())
        if not path:
            root = replacement
            continue
        parent = root
        for step in path[:-1]:
            parent = parent[step]
        if delete and isinstance(parent, dict):
            del parent[path[-1]]
        elif delete and isinstance(parent, list):
            parent.pop(path[-1])
        else:
            parent[path[-1]] = replacement
    try:
        return orjson.dumps(root)
    except (orjson.JSONEncodeError, TypeError):  # a lone surrogate, an integer beyond 64 bits: stdlib writes them
        return json.dumps(root, ensure_ascii=False).encode("utf-8", "surrogatepass")


def mutate_xml(draw: st.DrawFn, data: bytes) -> bytes:
    """One to four elements of an XML document removed, duplicated, or their text or an attribute replaced."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return data
    for _ in range(draw(st.integers(1, 4))):
        elements = list(root.iter())
        element = draw(st.sampled_from(elements))
        action = draw(st.sampled_from(["remove", "text", "attr", "dup"]))
        parent = element.getparent()
        junk = draw(JUNK | NUMBERS.map(str))
        clean = "".join(c for c in junk if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd"))
        if action == "remove" and parent is not None:
            parent.remove(element)
        elif action == "text":
            element.text = clean
        elif action == "attr" and element.attrib:
            element.set(draw(st.sampled_from(sorted(element.attrib))), clean)
        elif action == "dup" and parent is not None:
            parent.append(etree.fromstring(etree.tostring(element)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


_DIGIT_RUN = re.compile(rb"[0-9]+")


def mutate_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """The bytes truncated, flipped, given inserted junk, or a number in them made 5,000 digits long."""
    action = draw(st.sampled_from(["truncate", "flip", "insert", "bignum"]))
    if not data:
        return data
    if action == "bignum":  # a number in the body (a count, a time, an id, a version) made 5,000 digits long
        runs = list(_DIGIT_RUN.finditer(data))
        if not runs:
            return data
        run = draw(st.sampled_from(runs[:200]))
        return data[: run.start()] + HUGE_DIGITS.encode() + data[run.end() :]
    if action == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if action == "flip":
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            buf[draw(st.integers(0, len(buf) - 1))] = draw(st.integers(0, 255))
        return bytes(buf)
    at = draw(st.integers(0, len(data)))
    junk = draw(JUNK).encode("utf-8", "surrogatepass")
    return data[:at] + junk + data[at:]


def mutated(seeds: list[bytes], kind: str) -> st.SearchStrategy[bytes]:
    """Strategy: a seed with structural (JSON or XML) and/or byte-level mutations."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        data = draw(st.sampled_from(seeds))
        if draw(st.booleans()):
            data = mutate_json(draw, data) if kind == "json" else mutate_xml(draw, data)
        if draw(st.booleans()):
            data = mutate_bytes(draw, data)
        return data

    return build()
