"""The profile and delivery jobs speak the library's words; the command line names its options
(``hotpapers.cli.words``)."""

from __future__ import annotations

import pytest

from hotpapers.cli.words import FLAGS, in_cli_words, said
from hotpapers.errors import UsageError
from hotpapers.jobs.not_interested import paper_ids
from hotpapers.profiles.config import profile_named


def test_an_unknown_profile_is_named_as_a_profile() -> None:
    """``profile_named`` names the profile it does not know, not ``--profile``; the command line puts its option."""
    with pytest.raises(UsageError, match=r"^profile nope: no such profile \(known: none") as raised:
        profile_named({}, "nope")
    assert raised.value.subject == "profile"
    assert in_cli_words(raised.value).startswith("--profile nope: ")


def test_a_paper_that_is_no_arxiv_id_is_named_as_a_paper() -> None:
    """``paper_ids`` refuses a value naming no arXiv paper with subject ``paper``, which the command line has."""
    with pytest.raises(UsageError, match=r"^paper 'zzz': not an arXiv id or URL") as raised:
        paper_ids(["2104.08212", "zzz"])
    assert raised.value.subject in FLAGS


def test_paper_ids_reads_bare_ids_and_urls() -> None:
    """A bare id (with a version) and an abstract URL both give the versionless id."""
    assert paper_ids(["2104.08212v2", "https://arxiv.org/abs/2104.07749"]) == ["2104.08212", "2104.07749"]


def test_the_unconfirmed_hint_names_the_flag_on_the_command_line() -> None:
    """The deliver job's hint about unconfirmed messages names no flag; the command line words it as one."""
    library = "not sent again (retrying unconfirmed deliveries sends it anyway)"
    assert "--" not in library
    assert said(library).endswith("(--retry-unconfirmed sends it anyway)")
