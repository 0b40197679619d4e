"""Persistent storage behind one interface (``Store``): SQLite (the default) or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from hotpapers.errors import StoreError, UsageError
from hotpapers.store.base import NO_STORE_HINT, Store, WriteCounts
from hotpapers.store.sqlite import SQLiteStore

__all__ = [
    "SQLiteStore",
    "Store",
    "WriteCounts",
    "check_store_url",
    "display_url",
    "is_postgres_url",
    "open_store",
    "require_store",
    "same_store",
]

_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(url: str) -> bool:
    """True when ``url`` names a PostgreSQL database rather than a SQLite file."""
    return url.startswith(_POSTGRES_SCHEMES)


def display_url(url: str) -> str:
    """``url`` as it may be shown: a PostgreSQL URL loses its password; a path is unchanged."""
    if is_postgres_url(url):
        from hotpapers.store.postgres import display_url as without_password  # noqa: PLC0415

        return without_password(url)
    return url


def same_store(a: str, b: str) -> bool:
    """True when the URLs ``a`` and ``b`` name the same store (a SQLite file by its resolved path)."""
    if is_postgres_url(a) or is_postgres_url(b):
        return display_url(a) == display_url(b)
    return Path(a.removeprefix("sqlite:///")).resolve() == Path(b.removeprefix("sqlite:///")).resolve()


def open_store(url: str, *, create: bool = True) -> Store:
    """Open (creating and migrating if needed) the store named by ``url``.

    ``url`` is a file path or ``sqlite:///path`` (SQLite), or ``postgresql://…`` / ``postgres://…``. With
    ``create=False`` (the commands that only read or render the store) a store that does not exist yet is an
    error instead of a new empty store: a mistyped ``--db`` must not give an empty backup or an empty site.

    Raises:
        UsageError: a PostgreSQL URL, but psycopg is not installed.
        StoreError: the database cannot be opened or reached, is not a hotpapers database, or is newer; or, with
            ``create=False``, there is no hotpapers store there.
    """
    if is_postgres_url(url):
        from hotpapers.store.postgres import PostgresStore  # noqa: PLC0415 - psycopg loads only when used

        return PostgresStore(url, create=create)
    if not create:
        require_store(url)
    return SQLiteStore(url.removeprefix("sqlite:///"), create=create)


def check_store_url(url: str, option: str = "store") -> str:
    """``url`` if it can name a store: not empty, no NUL character, a SQLite path with a file name.

    Raises:
        UsageError: it cannot (the message names ``option``).
    """
    path = url.removeprefix("sqlite:///")
    if "\x00" in url:
        raise UsageError(f"{option}: a store name cannot contain a NUL character")
    if not is_postgres_url(url) and path != ":memory:" and (not path.strip() or not Path(path).name
                                                            or path.endswith("/")):
        raise UsageError(f"{option} {url!r}: not a store: give a SQLite file path or a postgresql:// URL")
    return url


def require_store(url: str) -> None:
    """Refuse a SQLite store whose file does not exist (a PostgreSQL one is checked when it is opened).

    Raises:
        StoreError: there is no file at the store's path.
    """
    if is_postgres_url(url):
        return
    path = url.removeprefix("sqlite:///")
    if path == ":memory:":
        return
    try:
        Path(path).stat()
    except FileNotFoundError:
        raise StoreError(f"{path}: no such store ({NO_STORE_HINT})") from None
    except OSError as e:  # a name too long, a component that is not a folder, no permission
        raise StoreError(f"{path}: cannot open the store: {e.strerror or e}") from None

