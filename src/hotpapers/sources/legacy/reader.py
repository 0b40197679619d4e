"""Typed, one-line-error field access for the original tool's JSON (see ``hotpapers.sources.legacy.parse``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, NoReturn

from hotpapers.bounds import INSTANT_RANGE, is_count, supported
from hotpapers.errors import InputError

__all__ = ["Reader"]

_STATUS_ID_RE = re.compile(r"[0-9]{1,20}")
_COUNT_RE = re.compile(r"[0-9]{1,18}")


class Reader:
    """Typed field access that fails with one line naming the file, the record path and the field."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, path: str, message: str) -> NoReturn:
        raise InputError(f"{self.name}: {path}: {message}".replace("\n", " "))

    def obj(self, value: object, path: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {type(value).__name__}")
        return value

    def get(self, obj: Mapping[str, Any], key: str, path: str, kind: type, *, required: bool) -> Any:
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "missing")
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.fail(f"{path}.{key}", f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    def string(self, obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str | None:
        value: str | None = self.get(obj, key, path, str, required=required)
        return value

    def strings(self, obj: Mapping[str, Any], key: str, path: str) -> list[str]:
        values: list[Any] = self.get(obj, key, path, list, required=False) or []
        for k, value in enumerate(values):
            if not isinstance(value, str):
                self.fail(f"{path}.{key}[{k}]", f"expected str, got {type(value).__name__}")
        return values

    def count(self, obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> int:
        value = obj.get(key)
        if value is None and not required:
            return 0
        if isinstance(value, int) and is_count(value):
            return value
        if isinstance(value, str) and _COUNT_RE.fullmatch(value.strip()):
            return int(value)
        self.fail(f"{path}.{key}", "missing" if value is None else f"not a count (>= 0): {repr(value)[:80]}")

    def instant(self, value: dt.datetime, path: str) -> dt.datetime:
        """``value`` in UTC, if it is within the range hotpapers accepts (``hotpapers.bounds``)."""
        if not supported(value):
            self.fail(path, f"{value.isoformat()} is outside the supported range ({INSTANT_RANGE})")
        return value.astimezone(dt.UTC)

    def status_id(self, obj: Mapping[str, Any], keys: tuple[str, ...], path: str) -> str:
        for key in keys:
            value = obj.get(key)
            if value is None or value == "":
                continue
            text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
            if not isinstance(text, str) or not _STATUS_ID_RE.fullmatch(text):
                self.fail(f"{path}.{key}", f"not a status id: {value!r}")
            return text
        self.fail(f"{path}.{keys[0]}", "missing")
