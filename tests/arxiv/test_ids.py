"""Tests of hotpapers.arxiv.ids: validation and canonical form of arXiv identifiers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotpapers.arxiv.ids import NEW_STYLE_RE, OLD_STYLE_RE, canonical_id, parse_id

VALID = [
    ("2104.08223", ("2104.08223", None)),
    ("2104.08223v2", ("2104.08223", 2)),
    ("arXiv:2104.08223v12", ("2104.08223", 12)),
    ("ARXIV:2104.08223", ("2104.08223", None)),
    ("  2104.08223\n", ("2104.08223", None)),
    ("0704.0001", ("0704.0001", None)),
    ("1412.9999", ("1412.9999", None)),
    ("1501.00001", ("1501.00001", None)),
    ("hep-th/9901001", ("hep-th/9901001", None)),
    ("hep-th/9901001v3", ("hep-th/9901001", 3)),
    ("hep-th/9108001", ("hep-th/9108001", None)),
    ("cs/0703999", ("cs/0703999", None)),
    ("math.GT/0309136", ("math/0309136", None)),
    ("cond-mat.mes-hall/0601001v1", ("cond-mat/0601001", 1)),
    ("arXiv:math-ph/0001001", ("math-ph/0001001", None)),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_parse_valid_id(text: str, expected: tuple[str, int | None]) -> None:
    """A valid id parses to its canonical versionless form and its version."""
    assert parse_id(text) == expected


INVALID = [
    "",
    "0703.1234",  # before the first new-style month
    "2100.12345",  # month 00
    "2113.01234",  # month 13
    "2104.1234",  # four digits after 1412
    "1412.12345",  # five digits up to 1412
    "2104.123456",
    "2104.08223v0",
    "2104.08223v01",
    "2104.08223v",
    "\uff12\uff11\uff10\uff14.\uff10\uff18\uff12\uff12\uff13",  # full-width digits
    "٢١٠٤.٠٨٢٢٣",  # Arabic-Indic digits
    "hep-th/9107001",  # before arXiv existed
    "hep-th/0704001",  # old style ended in March 2007
    "hep-th/9913001",
    "hep-th/990100",
    "HEP-TH/9901001",  # archives are lower-case
    "notanarchive/9901001",
    "see 2104.08223",
    "https://arxiv.org/abs/2104.08223",
]


@pytest.mark.parametrize("text", INVALID)
def test_parse_invalid_id(text: str) -> None:
    """Anything but exactly one valid id is rejected."""
    assert parse_id(text) is None


def test_canonical_id_drops_version_and_subject() -> None:
    """canonical_id keeps only the versionless canonical form."""
    assert canonical_id("arXiv:math.GT/0309136v2") == "math/0309136"


def test_canonical_id_raises_on_invalid() -> None:
    """canonical_id raises ValueError naming the bad input."""
    with pytest.raises(ValueError, match=r"2113\.01234"):
        canonical_id("2113.01234")


@given(st.from_regex(NEW_STYLE_RE, fullmatch=True) | st.from_regex(OLD_STYLE_RE, fullmatch=True))
def test_property_canonical_form_is_a_fixed_point(text: str) -> None:
    """Whatever parses, its canonical id parses back to itself with no version."""
    parsed = parse_id(text)
    if parsed is not None:
        assert parse_id(parsed[0]) == (parsed[0], None)
        assert canonical_id(parsed[0]) == parsed[0]
