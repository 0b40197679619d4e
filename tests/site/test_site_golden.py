"""Golden pages: the site built from the bundled sample is byte-identical to tests/golden/site/.

Regenerate with ``pytest --update-golden`` (or HOTPAPERS_UPDATE_GOLDEN=1) after a deliberate change, and review
the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hotpapers.site import build_site

from helpers import paths
from helpers.sitedata import sample_archive

GOLDEN = paths.GOLDEN / "site"
PAGES = ("index.html", "archive.html", "papers/2104.08223.html", "assets/search/2021-04.js", "categories/cs.CV.html", "categories/cs.CV/2021-04.html")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's site, built once for the module."""
    tmp = tmp_path_factory.mktemp("golden-site")
    out = tmp / "site"
    build_site(sample_archive(tmp), out)
    return out


@pytest.mark.parametrize("page", PAGES)
def test_site_page_matches_golden(built: Path, page: str, update_golden: bool) -> None:
    """A page of the sample site is byte-identical to its golden copy."""
    golden = GOLDEN / page
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes((built / page).read_bytes())
    assert (built / page).read_bytes() == golden.read_bytes()
