"""The exceptions hotpapers raises, in one tree.

::

    HotpapersError                  exit code 1 (anything not more specific)
    ├── UsageError                  exit code 2  bad option, bad date, unknown format
    ├── ConfigError                 exit code 3  unreadable or invalid configuration file / environment
    ├── InputError                  exit code 4  a malformed input file or record (import, replay)
    │   └── ParseError                           a response body that is not what the provider documents
    ├── StoreError                  exit code 5  the database cannot be opened, is corrupt or newer
    │   └── SchemaVersionError                   the database was written by a newer hotpapers
    ├── NetworkError                exit code 6  a request failed after its retries
    │   ├── APIError                             the provider answered with an error (status + message)
    │   └── DeliveryError                        a message (email, chat, social post) was refused or unconfirmed
    ├── WriterError                 exit code 7  an output could not be written
    └── LockedError                 exit code 9  another hotpapers command is writing to the same store

Foreign errors (``sqlite3.Error``, ``httpx.HTTPError``, ``lxml.etree.XMLSyntaxError``, ``orjson.JSONDecodeError``)
are wrapped where they cross into hotpapers, with ``raise ... from e``. The CLI turns each into one line on
standard error and the exit code above. Exit code 8 means a run finished but some source or item failed.

Messages speak the library's words: an error about a value the caller passed names it as the Python API does
("listing day 2021-02-30: ...", "format docx: ...") and says which in ``subject``; the command line names its own
option instead (``--date``, ``--format``: ``hotpapers.cli.words``).
"""

from __future__ import annotations

from hotpapers.redact import redact

__all__ = [
    "EXIT_PARTIAL",
    "APIError",
    "ConfigError",
    "DeliveryError",
    "HotpapersError",
    "InputError",
    "LockedError",
    "NetworkError",
    "ParseError",
    "SchemaVersionError",
    "StoreError",
    "UsageError",
    "WriterError",
]

EXIT_PARTIAL = 8
"""Exit code of a run that completed but in which some source or item failed."""


class HotpapersError(Exception):
    """Base of every error hotpapers raises on purpose. Its message has every known secret masked
    (``hotpapers.redact``), whatever text it quotes (a provider's error body, a URL, git's output)."""

    exit_code = 1

    subject: str | None
    """The value at fault, named as the message begins (``"listing day"``, ``"format"``), or None."""

    def __init__(self, *args: object, subject: str | None = None) -> None:
        if args and isinstance(args[0], str):
            args = (redact(args[0]), *args[1:])
        super().__init__(*args)
        self.subject = subject


class UsageError(HotpapersError):
    """A command-line option or argument is invalid."""

    exit_code = 2


class ConfigError(HotpapersError):
    """The configuration file or environment is invalid."""

    exit_code = 3


class InputError(HotpapersError):
    """An input file or record is malformed. The message names the file, record and field."""

    exit_code = 4


class ParseError(InputError):
    """A response body does not have the documented shape."""


class StoreError(HotpapersError):
    """The store cannot be opened, read or written."""

    exit_code = 5


class SchemaVersionError(StoreError):
    """The database schema is newer than this version of hotpapers understands."""


class NetworkError(HotpapersError):
    """A request failed (after its retries)."""

    exit_code = 6


class APIError(NetworkError):
    """A provider answered with an error status or an error document."""

    def __init__(
        self, message: str, *, status: int | None = None, url: str | None = None, subject: str | None = None
    ) -> None:
        super().__init__(message, subject=subject)
        self.status = status
        self.url = url


class WriterError(HotpapersError):
    """An output could not be written."""

    exit_code = 7


class LockedError(HotpapersError):
    """Another hotpapers command holds the store's run lock (see ``hotpapers.store.lock``)."""

    exit_code = 9


class DeliveryError(NetworkError):
    """A message could not be delivered (``hotpapers.deliver``).

    ``unconfirmed`` is True when it may have left all the same (the connection broke after it was sent, before the
    channel said it arrived): hotpapers then does not send it again by itself, so that nobody gets it twice.
    """

    def __init__(self, message: str, *, unconfirmed: bool = False) -> None:
        super().__init__(message)
        self.unconfirmed = unconfirmed
