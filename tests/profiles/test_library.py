"""Reading a profile's library: BibTeX, CSL-JSON, Zotero RDF and lists of arXiv ids."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.errors import InputError
from hotpapers.models import ArxivId
from hotpapers.profiles.library import read_bibtex, read_csl_json, read_id_list, read_library, read_zotero_rdf

from helpers.factories import paper
from helpers.profileworld import FIXTURES


def test_bibtex_entries_have_titles_abstracts_authors_and_arxiv_ids() -> None:
    """Every BibTeX entry is read, braces and LaTeX accents decoded, the arXiv id from eprint, url, doi, journal or note."""
    entries = read_bibtex((FIXTURES / "library.bib").read_bytes(), "library.bib")
    assert [e.arxiv_id for e in entries] == ["1806.10293", "1504.00702", "2006.04779", "1707.01495", "1703.03400"]
    assert entries[0].title.startswith("QT-Opt: Scalable Deep Reinforcement Learning")
    assert "Rachel Müller" in entries[3].authors
    assert all(e.abstract for e in entries)


def test_bibtex_with_an_unclosed_entry_names_its_line() -> None:
    """A block that is not BibTeX is refused with its line number."""
    with pytest.raises(InputError, match=r"x\.bib: line 2: not a BibTeX entry"):
        read_bibtex(b"@misc{ok, title={A}}\n@misc{broken, title = {B}\n", "x.bib")


def test_csl_json_items_take_ids_from_number_url_or_doi() -> None:
    """CSL-JSON items give titles, abstracts, authors (family/given or literal) and arXiv ids."""
    entries = read_csl_json((FIXTURES / "library.json").read_bytes(), "library.json")
    assert [e.arxiv_id for e in entries] == ["1806.10293", "2006.04779", None]
    assert entries[1].authors == ("Aviral Kumar", "Google Research")


def test_csl_json_that_is_not_an_array_of_items_is_refused() -> None:
    """A JSON value that is not CSL-JSON items is one clear error."""
    with pytest.raises(InputError, match="item 1: not a CSL-JSON item"):
        read_csl_json(b"[1, 2]", "lib.json")


def test_zotero_rdf_reads_articles_and_skips_attachments() -> None:
    """Zotero RDF: each top-level item with a title, its abstract, authors and arXiv id; attachments are left out."""
    entries = read_zotero_rdf((FIXTURES / "library.rdf").read_bytes(), "library.rdf")
    assert [(e.title[:20], e.arxiv_id) for e in entries] == [
        ("QT-Opt: Scalable Dee", "1806.10293"), ("Hindsight Experience", "1707.01495")
    ]
    assert entries[0].authors == ("Dmitry Kalashnikov", "Sergey Levine")


def test_rdf_that_is_not_xml_is_refused() -> None:
    """A .rdf file that is not XML is refused in one line."""
    with pytest.raises(InputError, match=r"lib\.rdf: not XML"):
        read_zotero_rdf(b"<rdf:RDF", "lib.rdf")


def test_id_list_reads_ids_urls_and_skips_comments() -> None:
    """A .txt library: ids, URLs and arXiv:ID forms, comments and blank lines skipped."""
    entries = read_id_list((FIXTURES / "library.txt").read_bytes(), "library.txt")
    assert [e.arxiv_id for e in entries] == ["2104.08212", "2104.07749", "1806.10293"]


def test_id_list_line_without_an_id_is_named() -> None:
    """A line that holds no arXiv id is refused with its number."""
    with pytest.raises(InputError, match=r"ids.txt: line 2: 'hello' is not an arXiv id"):
        read_id_list(b"2104.08212\nhello\n", "ids.txt")


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    """Only .bib, .json, .rdf and .txt libraries are read."""
    path = tmp_path / "library.ris"
    path.write_text("TY  - JOUR\n")
    with pytest.raises(InputError, match="unknown library format"):
        read_library(path)


def test_missing_file_is_one_error(tmp_path: Path) -> None:
    """A library that does not exist is an input error naming the file."""
    with pytest.raises(InputError, match="cannot read the library"):
        read_library(tmp_path / "gone.bib")


def test_entries_without_text_are_completed_from_the_store(tmp_path: Path) -> None:
    """An id-only entry takes its title and abstract from the store; ids the store lacks are listed as missing."""
    path = tmp_path / "ids.txt"
    path.write_text("2104.08212\n2104.99999\n")
    known = {ArxivId("2104.08212"): paper("2104.08212", title="MT-Opt", abstract="Robots learn many tasks.")}
    library = read_library(path, lambda ids: {i: known[i] for i in ids if i in known})
    assert library.texts == ["MT-Opt\nRobots learn many tasks."]
    assert library.missing == ("2104.99999",)


def test_a_paper_listed_twice_counts_once(tmp_path: Path) -> None:
    """Duplicates (the same arXiv id in two forms) are one entry."""
    path = tmp_path / "ids.txt"
    path.write_text("2104.08212\nhttps://arxiv.org/abs/2104.08212v3\n")
    assert len(read_library(path).entries) == 1


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_id_lists_of_any_bytes_parse_or_fail_cleanly(data: bytes) -> None:
    """Property: any bytes as a .txt library give entries or one InputError, nothing else."""
    try:
        entries = read_id_list(data, "x.txt")
    except InputError:
        return
    assert all(e.arxiv_id for e in entries)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="@{}=,\"\\ abcdefxyz\n%#0123456789", max_size=200))
def test_bibtex_of_any_text_parses_or_fails_cleanly(text: str) -> None:
    """Property: any text as a .bib library gives entries or one InputError, nothing else."""
    try:
        entries = read_bibtex(text.encode(), "x.bib")
    except InputError:
        return
    assert all(isinstance(e.title, str) for e in entries)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=20),
                    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
                    max_leaves=12))
def test_csl_json_of_any_json_parses_or_fails_cleanly(value: object) -> None:
    """Property: any JSON value as a .json library gives entries or one InputError, nothing else."""
    try:
        entries = read_csl_json(orjson.dumps(value), "x.json")
    except InputError:
        return
    assert all(isinstance(e.title, str) for e in entries)
