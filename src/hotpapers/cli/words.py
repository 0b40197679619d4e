"""The library's words as the command line says them.

A library error about a value the caller passed names it as the Python API does, first in its message, and says
which in ``subject`` ("listing day 2021-02-30: ...", subject "listing day"); a caller of the API never had the
command line's options. Here the command line puts its own option in its place ("--date 2021-02-30: ..."), and
says the few hints that name a setting the way a command-line user sets it. The library never names a flag;
``tests/test_architecture.py`` checks that no module outside ``cli/`` does.
"""

from __future__ import annotations

__all__ = ["FLAGS", "PHRASES", "in_cli_words", "said"]

FLAGS: dict[str, str] = {
    "listing day": "--date",
    "format": "--format",
    "source": "--source",
    "provider": "--provider",
    "model": "--model",
    "month": "--month",
    "hours": "--hours",
    "rising": "--window rising",
    "option": "--option",
    "Jetstream URL": "--url",
    "remote": "--remote",
    "repository": "--git",
    "store": "--db",
    "min_post_score": "--min-post-score",
    "require_pdf": "--keep-without-pdf",
    "keywords": "--keyword",
    "exclude_keywords": "--exclude-keyword",
    "authors": "--author",
    "include_categories": "--category",
    "exclude_categories": "--exclude-category",
    "host": "--host",
    "port": "--port",
    "workers": "--workers",
    "profile": "--profile",
    "paper": "--paper",
}
"""An error's ``subject`` (as its message begins) -> the option that gives that value on the command line."""

PHRASES: tuple[tuple[str, str], ...] = (
    ("ingest a listing first, or name a day", "run `hotpapers ingest` first or give --date"),
    ("the record size cap: raise max_record_bytes",
     "the record size cap: raise it with --max-record-bytes, HOTPAPERS_MAX_RECORD_BYTES or max_record_bytes in the "
     "config"),
    ("a store is made when one is opened to be written (create=True)",
     "check --db or $HOTPAPERS_DB; import, ingest, run, listen and replay create a store"),
    ("git is not installed (publishing needs it)", "git is not installed (needed by publish --git)"),
    ("expected NAME=VALUE, e.g. low_credibility_cap=8", "expected NAME=VALUE, e.g. --option low_credibility_cap=8"),
    ("(the message cap: max_message_bytes)", "(the message cap, --max-line-bytes)"),
    ("(the line cap: max_line_bytes)", "(the line cap, --max-line-bytes)"),
    ("(retrying unconfirmed deliveries sends it anyway)", "(--retry-unconfirmed sends it anyway)"),
)
"""(a hint as the library words it, as the command line words it): a setting named as a command-line user sets it."""


def said(text: str) -> str:
    """``text`` (an error message, a warning) with the library's hints in the command line's words."""
    for library, command_line in PHRASES:
        if library in text:
            text = text.replace(library, command_line)
    return text


def in_cli_words(error: BaseException) -> str:
    """The message of ``error`` with its subject named by its option (when it has one) and its hints in the
    command line's words."""
    text = str(error)
    subject = getattr(error, "subject", None)
    if subject in FLAGS and text.startswith(f"{subject} "):
        text = FLAGS[subject] + text[len(subject):]
    return said(text)
